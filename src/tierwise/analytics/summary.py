"""The one-row-per-customer summary the value models read: frequency, recency, T, monetary value.

It follows the conventions of lifetimes' ``summary_data_from_transaction_data`` and
``calibration_and_holdout_data`` exactly, so numbers can be compared with the literature:

- dates are cut to periods of ``freq`` (``D`` day, ``W`` week starting Monday, ``M`` calendar month);
  several transactions in one period count as one purchase, their amounts summed;
- ``frequency`` is the number of *repeat* periods (periods with a purchase, less the first one);
- ``recency`` is the time from the first to the last purchase period and ``T`` the time from the first
  purchase period to the period of the end date, both measured in days between period starts divided by
  the length of one period (1, 7 or 30.436875 days, the mean Gregorian month) and by ``freq_multiplier``.
  So ``freq="D", freq_multiplier=7`` gives weeks as days / 7 (the CDNOW convention: recency 30.43),
  while ``freq="W"`` gives whole weeks between week starts;
- ``monetary_value`` is the mean amount of the repeat periods, 0 for a customer with no repeat purchase.

With ``calibration_end`` the summary covers transactions on or before that date (``T`` runs to it) and
three holdout columns describe ``calibration_end < date <= observation_end``: ``frequency_holdout``
(periods with a purchase), ``monetary_value_holdout`` (mean amount of the holdout *transactions*, as
lifetimes computes it) and ``duration_holdout`` (whole periods between the two end dates, divided by
``freq_multiplier``). Customers whose first purchase falls in the holdout are not in the summary.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import ibis
import ibis.expr.datatypes as dtypes
import ibis.expr.types as ir

from tierwise.errors import IndicatorError, UsageError
from tierwise.i18n import Message

Freq = Literal["D", "W", "M"]

#: The mean Gregorian month in days (365.2425 / 12), numpy's and lifetimes' month: the one month length of
#: tierwise (periods, time units and monthly discounting all use it).
MONTH_DAYS = 30.436875
# Days in one period.
PERIOD_DAYS: dict[str, float] = {"D": 1.0, "W": 7.0, "M": MONTH_DAYS}

SUMMARY_COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary_value")
HOLDOUT_COLUMNS = ("frequency_holdout", "monetary_value_holdout", "duration_holdout")


def period_start(day: ir.DateValue, freq: str) -> ir.DateValue:
    """The first day of the ``freq`` period holding ``day`` (the day itself, its Monday, its 1st)."""
    if freq == "D":
        return day
    return day.truncate("W" if freq == "W" else "M")


def _as_date(value: ir.Value) -> ir.DateValue:
    if value.type().is_date():
        return value
    if value.type().is_timestamp():
        return value.date()
    return value.cast(dtypes.date)


def _to_date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UsageError(
            Message("%(name)s must be a date like 1997-09-30, not %(value)s", {"name": name, "value": repr(value)})
        ) from None


def summary(
    transactions: ir.Table,
    calibration_end: dt.date | str | None = None,
    observation_end: dt.date | str | None = None,
    freq: Freq = "D",
    freq_multiplier: float = 1,
    *,
    customer_id_col: str = "customer_id",
    datetime_col: str = "date",
    monetary_value_col: str | None = "amount",
) -> ir.Table:
    """One row per customer: ``customer_id, frequency, recency, T, monetary_value`` (+ holdout columns).

    ``observation_end`` defaults to the last transaction date. Without ``monetary_value_col`` (``None``)
    the monetary columns are left out. The result is an Ibis expression on the engine of
    ``transactions``, ordered by customer id; nothing runs until it is executed.

    >>> import ibis, datetime as dt
    >>> tx = ibis.memtable({"customer_id": ["a", "a", "a"],
    ...                     "date": [dt.date(2024, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 1, 8)],
    ...                     "amount": [5.0, 5.0, 3.0]})
    >>> summary(tx, observation_end="2024-01-15", freq="D", freq_multiplier=7).to_pyarrow().to_pylist()
    [{'customer_id': 'a', 'frequency': 1, 'recency': 1.0, 'T': 2.0, 'monetary_value': 3.0}]
    """
    if freq not in PERIOD_DAYS:
        raise UsageError(Message("freq must be one of D, W, M, not %(freq)s", {"freq": repr(freq)}))
    if not freq_multiplier > 0:
        raise UsageError(
            Message(
                "freq_multiplier must be positive, not %(freq_multiplier)s", {"freq_multiplier": repr(freq_multiplier)}
            )
        )
    needed = [customer_id_col, datetime_col] + ([monetary_value_col] if monetary_value_col else [])
    missing = [c for c in needed if c not in transactions.columns]
    if missing:
        raise IndicatorError(
            Message(
                "the summary needs column(s) %(missing)s; the table has %(columns)s",
                {"missing": ", ".join(missing), "columns": ", ".join(transactions.columns)},
            )
        )
    cal = _to_date(calibration_end, "calibration_end")
    obs_date = _to_date(observation_end, "observation_end")
    if cal is not None and obs_date is not None and cal >= obs_date:
        raise UsageError(
            Message(
                "calibration_end %(cal)s must be before observation_end %(obs_date)s",
                {"cal": cal, "obs_date": obs_date},
            )
        )

    cols = {"cid": transactions[customer_id_col], "day": _as_date(transactions[datetime_col])}
    if monetary_value_col:
        cols["amount"] = transactions[monetary_value_col].cast(dtypes.float64)
    tx = transactions.select(**cols)
    obs = ibis.date(obs_date) if obs_date is not None else tx.day.max().as_scalar()
    obs_period = period_start(obs, freq)
    scale = PERIOD_DAYS[freq] * freq_multiplier

    if cal is not None:
        cal_expr = ibis.date(cal)
        calibration = tx.filter(tx.day <= cal_expr)
        end_period = period_start(cal_expr, freq)
    else:
        calibration = tx.filter(period_start(tx.day, freq) <= obs_period)
        end_period = obs_period

    out = _calibration_summary(calibration, freq, end_period, scale, with_money=bool(monetary_value_col))
    if cal is not None:
        out = _with_holdout(out, tx, cal_expr, obs, freq, freq_multiplier, with_money=bool(monetary_value_col))
    return out.rename(**{customer_id_col: "cid"}).order_by(customer_id_col)


def _calibration_summary(
    tx: ir.Table, freq: str, end_period: ir.DateValue, scale: float, *, with_money: bool
) -> ir.Table:
    tx = tx.mutate(period=period_start(tx.day, freq))
    per_period = tx.group_by("cid", "period").agg(
        **({"amount": tx.amount.sum()} if with_money else {"n": tx.cid.count()})
    )
    metrics = {
        "first_day": per_period.period.min().epoch_days(),
        "last_day": per_period.period.max().epoch_days(),
        "periods": per_period.count(),
    }
    if with_money:
        # repeat spend = all spend less the first period's (one aggregation pass, no window)
        metrics["total_amount"] = per_period.amount.sum()
        metrics["first_amount"] = per_period.amount.argmin(per_period.period)
    agg = per_period.group_by("cid").agg(**metrics)
    frequency = (agg.periods - 1).cast(dtypes.int64)
    cols = {
        "cid": agg.cid,
        "frequency": frequency,
        "recency": ((agg.last_day - agg.first_day) / scale).cast(dtypes.float64),
        "T": ((end_period.epoch_days() - agg.first_day) / scale).cast(dtypes.float64),
    }
    if with_money:
        repeat_amount = agg.total_amount.fill_null(0.0) - agg.first_amount.fill_null(0.0)
        cols["monetary_value"] = ibis.ifelse(frequency > 0, repeat_amount / frequency, 0.0).cast(dtypes.float64)
    return agg.select(**cols)


def _with_holdout(
    cal_summary: ir.Table,
    tx: ir.Table,
    cal: ir.DateValue,
    obs: ir.DateValue,
    freq: str,
    freq_multiplier: float,
    *,
    with_money: bool,
) -> ir.Table:
    hold = tx.filter((tx.day > cal) & (tx.day <= obs))
    metrics = {"frequency_holdout": period_start(hold.day, freq).nunique()}
    if with_money:
        metrics["monetary_value_holdout"] = hold.amount.mean()
    per_customer = hold.group_by("cid").agg(**metrics).rename(hcid="cid")
    if freq == "M":
        periods = (obs.year() * 12 + obs.month()) - (cal.year() * 12 + cal.month())
    else:
        periods = (period_start(obs, freq).epoch_days() - period_start(cal, freq).epoch_days()) / PERIOD_DAYS[freq]
    joined = cal_summary.left_join(per_customer, cal_summary.cid == per_customer.hcid)
    cols = {
        "frequency_holdout": joined.frequency_holdout.fill_null(0).cast(dtypes.int64),
        "duration_holdout": (periods / freq_multiplier).cast(dtypes.float64),
    }
    if with_money:
        cols["monetary_value_holdout"] = joined.monetary_value_holdout.fill_null(0.0).cast(dtypes.float64)
    order = [c for c in cal_summary.columns] + [c for c in HOLDOUT_COLUMNS if c in cols]
    return joined.mutate(**cols).select(*order)
