"""Churn and win-back on a data set (the store, a folder), as of a date.

Lost customers: no purchase for ``N ×`` their usual inter-purchase time (:mod:`tierwise.analytics.churn`),
or P(alive) from the value models under the bound (``TIERWISE_ALERT_P_ALIVE_BELOW``) — those are lost
as of the date asked. Per period (quarter): how many were lost. Lost against retained: how many, their
complaints in the year before leaving (or before today), last NPS answer, the share whose sales were
declining, and the share that ever was in the key class of a saved key-account run (class history, when
the data is the store). The win-back list: the lost, most sales in their last year first. The comparison
is one aggregation in the engine; only the groups and the win-back list are read back.

On the store, a person sees the churn of the customers they may see (:mod:`tierwise.services.access`): an
account manager their own, a manager their teams'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import pyarrow as pa

from tierwise.analytics.churn import churn_facts
from tierwise.analytics.cost_to_serve import period_start
from tierwise.analytics.engine import Engine
from tierwise.i18n import N_, Message
from tierwise.io.dataset import Dataset
from tierwise.io.source import DataSource
from tierwise.services.access import require_action, restricted
from tierwise.services.context import ServiceContext
from tierwise.services.sources import is_database_url, open_source

WHY_GAP = N_("no purchase since %(last)s: %(days)s days, over %(multiple)s × the usual %(gap)s days")
WHY_P_ALIVE = N_("P(alive) %(p)s under %(bound)s")
WHY_DECLINING = N_("sales were declining before leaving")
WHY_COMPLAINTS = N_("%(count)s complaints in the year before leaving")
WHY_NPS = N_("last NPS answer %(nps)s")


@dataclass(frozen=True)
class GroupTraits:
    """What a group of customers (lost, or retained) looked like."""

    customers: int
    complaints_per_customer: float
    average_last_nps: float | None
    declining_share: float
    key_account_share: float | None  # None without the store's class history


@dataclass(frozen=True)
class WinBack:
    """A lost customer to win back."""

    customer_id: str
    last_purchase: dt.date
    lost_on: dt.date
    sales_12m_before: float
    reasons: tuple[Message, ...]
    name: str | None = None


@dataclass(frozen=True)
class ChurnAnalysis:
    """Churn as of a date."""

    as_of: dt.date
    lost_per_period: tuple[tuple[dt.date, int], ...]  # (quarter start, customers lost in it)
    lost: GroupTraits
    retained: GroupTraits
    win_back: tuple[WinBack, ...]


def churn_analysis(
    ctx: ServiceContext,
    data: DataSource | Dataset | str,
    *,
    as_of: dt.date | None = None,
    gap_multiple: float = 3.0,
    p_alive_below: float | None = None,
) -> ChurnAnalysis:
    """Lost and retained customers as of ``as_of`` (default today), compared; the win-back list."""
    require_action(ctx, "customers.read")
    day = as_of or ctx.now().date()
    bound = ctx.settings.alert_p_alive_below if p_alive_below is None else p_alive_below
    on_store = isinstance(data, str) and is_database_url(data)
    dataset = data if isinstance(data, Dataset) else open_source(data).open(ctx.settings)
    try:
        eng = Engine.for_dataset(dataset, ctx.engine, ctx.settings)
        tables = eng.tables(dataset)
        facts = churn_facts(tables, day, gap_multiple)
        if on_store and restricted(ctx) is not None:
            facts = facts.semi_join(eng.scratch("visible", _visible(ctx)), "customer_id")
        alive = _p_alive(ctx, day) if on_store else None
        if alive is not None:
            facts = facts.left_join(eng.scratch("p_alive", alive), "customer_id").drop("customer_id_right")
            by_model = facts.p_alive.notnull() & (facts.p_alive < bound)
            facts = facts.mutate(
                lost_on=ibis.ifelse(facts.lost, facts.lost_on, ibis.ifelse(by_model, ibis.literal(day), facts.lost_on)),
                lost=facts.lost | by_model.fill_null(False),
            )
        else:
            facts = facts.mutate(p_alive=ibis.null("float64"))
        keys = _ever_key(ctx) if on_store and ctx.sessions is not None else None
        if keys is not None:
            facts = facts.left_join(eng.scratch("ever_key", keys), "customer_id").drop("customer_id_right")
            facts = facts.mutate(was_key=facts.was_key.fill_null(False))
        else:
            facts = facts.mutate(was_key=ibis.null("boolean"))
        groups = facts.group_by("lost").aggregate(
            customers=facts.count(),
            complaints=facts.complaints_year.mean(),
            nps=facts.last_nps.mean(),
            declining=facts.declining.cast("float64").mean(),
            key=facts.was_key.cast("float64").mean(),
        )
        traits = {r["lost"]: r for r in eng.to_pyarrow(groups).to_pylist()}
        lost = facts.filter(facts.lost)
        per_period = lost.group_by("lost_on").aggregate(n=lost.count())
        counts: dict[dt.date, int] = {}
        for r in eng.to_pyarrow(per_period).to_pylist():  # one row per loss day
            start = period_start(r["lost_on"], "quarter")
            counts[start] = counts.get(start, 0) + r["n"]
        if "customers" in tables:
            names = tables["customers"].select("customer_id", "name")
            lost = lost.left_join(names, "customer_id").drop("customer_id_right")
        else:
            lost = lost.mutate(name=ibis.null("string"))
        back = eng.to_pyarrow(lost.order_by([ibis.desc("sales_12m_before"), "customer_id"])).to_pylist()
    finally:
        if not isinstance(data, Dataset):
            dataset.con.close()
    return ChurnAnalysis(
        day,
        tuple(sorted(counts.items())),
        _traits(traits.get(True)),
        _traits(traits.get(False)),
        tuple(_win_back(r, day, gap_multiple, bound) for r in back),
    )


def _traits(row: dict | None) -> GroupTraits:
    if row is None:
        return GroupTraits(0, 0.0, None, 0.0, None)
    nps = row["nps"]
    return GroupTraits(
        int(row["customers"]),
        round(float(row["complaints"]), 2),
        None if nps is None else round(float(nps), 2),
        round(float(row["declining"]), 4),
        None if row["key"] is None else round(float(row["key"]), 4),
    )


def _win_back(row: dict, day: dt.date, multiple: float, bound: float) -> WinBack:
    reasons = []
    idle = (day - row["last_purchase"]).days
    if row["usual_gap_days"] is not None and idle > multiple * row["usual_gap_days"]:
        params = {"last": row["last_purchase"].isoformat(), "days": idle, "multiple": f"{multiple:g}",
                  "gap": f"{row['usual_gap_days']:.1f}"}  # fmt: skip
        reasons.append(Message(WHY_GAP, params))
    if row["p_alive"] is not None and row["p_alive"] < bound:
        reasons.append(Message(WHY_P_ALIVE, {"p": f"{row['p_alive']:.2f}", "bound": f"{bound:.2f}"}))
    if row["declining"]:
        reasons.append(Message(WHY_DECLINING))
    if row["complaints_year"]:
        reasons.append(Message(WHY_COMPLAINTS, {"count": row["complaints_year"]}))
    if row["last_nps"] is not None:
        reasons.append(Message(WHY_NPS, {"nps": row["last_nps"]}))
    return WinBack(
        row["customer_id"], row["last_purchase"], row["lost_on"], float(row["sales_12m_before"]), tuple(reasons),
        row["name"],
    )  # fmt: skip


def _p_alive(ctx: ServiceContext, day: dt.date) -> pa.Table | None:
    from tierwise.services.customer_values import value_facts

    facts = value_facts(ctx, day)
    return None if facts is None else facts.select(["customer_id", "p_alive"])


def _ever_key(ctx: ServiceContext) -> pa.Table:
    """Customers ever in the best class of a saved run of a key-account policy (the class history)."""
    from sqlalchemy import select

    from tierwise.services.saved_classes import latest_runs
    from tierwise.store.run_models import Assignment, Run
    from tierwise.store.run_models import Policy as SavedPolicy

    ids: set[str] = set()
    with ctx.store() as session:
        for name, (run, *_older) in latest_runs(session, ctx.settings.alert_key_policies).items():
            best = run.policy.class_codes[0]
            query = (
                select(Assignment.customer_id)
                .join(Run, Run.id == Assignment.run_id)
                .join(SavedPolicy, SavedPolicy.id == Run.policy_id)
                .where(SavedPolicy.name == name, Assignment.class_ == best)
                .distinct()
            )
            ids.update(session.scalars(query))
    return pa.table({"customer_id": sorted(ids), "was_key": [True] * len(ids)}, schema=pa.schema(
        [("customer_id", pa.string()), ("was_key", pa.bool_())]))  # fmt: skip


def _visible(ctx: ServiceContext) -> pa.Table:
    """The ids of the customers the acting person sees."""
    from sqlalchemy import select

    from tierwise.services.access import visible_clause
    from tierwise.store.models import Customer

    with ctx.store() as session:
        ids = session.scalars(select(Customer.customer_id).where(visible_clause(ctx))).all()
    return pa.table({"customer_id": pa.array(list(ids), pa.string())})
