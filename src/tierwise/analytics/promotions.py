"""Promotion response: each customer's sales in a promotion window against its own baseline, set-based.

Promotion windows are data (a YAML list, or given on the command line or in the web UI)::

    - name: Spring sale
      start: 2026-03-01
      end: 2026-03-15

A customer's baseline is its average daily net sales in the ``baseline_days`` days before the window
starts; its expected window sales are that average times the window's days (both ends inclusive); its
uplift is the window's sales minus the expected. A segment's uplift ratio is its summed uplift over its
summed expected sales. Customers with no sale in the baseline nor in the window are left out.

>>> windows = parse_windows("- {name: May, start: 2026-05-01, end: 2026-05-10}", "example")
>>> windows[0].days
10
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from tierwise.errors import UsageError
from tierwise.i18n import N_, Message

BASELINE_DAYS = 90
BAD_WINDOWS = N_("promotion windows %(source)s: %(problem)s")
BAD_PROMOTION = N_(
    "a promotion window is NAME:START:END with dates YYYY-MM-DD and the end on or after the start, not %(text)s"
)


class PromotionWindow(BaseModel):
    """One promotion: its name and its first and last day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> PromotionWindow:
        if self.end < self.start:
            raise ValueError(f"{self.name}: the end {self.end} is before the start {self.start}")
        return self

    @property
    def days(self) -> int:
        """The window's length in days, both ends counted."""
        return (self.end - self.start).days + 1


def promotion_window(text: str) -> PromotionWindow:
    """``Double 11:2025-11-01:2025-11-30`` as a promotion window (a :class:`UsageError` naming the text).

    >>> promotion_window("Double 11:2025-11-01:2025-11-30").end
    datetime.date(2025, 11, 30)
    """
    name, _, end = text.rpartition(":")
    name, _, start = name.rpartition(":")
    try:
        return PromotionWindow(name=name.strip(), start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end))
    except (ValueError, ValidationError):
        raise UsageError(Message(BAD_PROMOTION, {"text": repr(text)})) from None


def parse_windows(text: str, source: str) -> tuple[PromotionWindow, ...]:
    """The promotion windows of a YAML list (``source`` names it in the error)."""
    try:
        raw = yaml.safe_load(text) or []
        return tuple(TypeAdapter(list[PromotionWindow]).validate_python(raw))
    except yaml.YAMLError as exc:
        problem = str(exc).splitlines()[0]
    except ValidationError as exc:  # each problem with where it is: "0.end: …"
        problem = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
    raise UsageError(Message(BAD_WINDOWS, {"source": source, "problem": problem}))


def load_windows(path: str | Path) -> tuple[PromotionWindow, ...]:
    """The promotion windows of a YAML file."""
    return parse_windows(Path(path).read_text(encoding="utf-8"), str(path))


def windows_table(windows: tuple[PromotionWindow, ...], baseline_days: int = BASELINE_DAYS) -> pa.Table:
    """The windows as data for the engine: ``promotion, start, end, baseline_start, window_days, baseline_days``."""
    return pa.table(
        {
            "promotion": pa.array([w.name for w in windows], pa.string()),
            "start": pa.array([w.start for w in windows], pa.date32()),
            "end": pa.array([w.end for w in windows], pa.date32()),
            "baseline_start": pa.array([w.start - dt.timedelta(days=baseline_days) for w in windows], pa.date32()),
            "window_days": pa.array([w.days for w in windows], pa.int64()),
            "baseline_days": pa.array([baseline_days] * len(windows), pa.int64()),
        }
    )


def customer_uplift(transactions: ir.Table, windows: ir.Table) -> ir.Table:
    """``customer_id, promotion, start, end, window_sales, baseline_sales, expected_sales, uplift`` per
    customer and window (:func:`windows_table` gives ``windows``)."""
    j = transactions.cross_join(windows)
    inside = (j.date >= j.start) & (j.date <= j.end)
    before = (j.date >= j.baseline_start) & (j.date < j.start)
    j = j.filter(inside | before)
    zero = ibis.literal(0.0)
    per = j.group_by("customer_id", "promotion", "start", "end", "window_days", "baseline_days").aggregate(
        window_sales=ibis.ifelse(inside, j.amount.cast("float64"), zero).sum(),
        baseline_sales=ibis.ifelse(before, j.amount.cast("float64"), zero).sum(),
    )
    per = per.mutate(expected_sales=per.baseline_sales / per.baseline_days * per.window_days)
    per = per.mutate(uplift=per.window_sales - per.expected_sales)
    return per.drop("window_days", "baseline_days")


def segment_uplift(transactions: ir.Table, windows: ir.Table, segments: ir.Table) -> ir.Table:
    """``promotion, start, end, segment, customers, window_sales, expected_sales, uplift, uplift_ratio`` (the
    ratio null when nothing was expected)."""
    per = customer_uplift(transactions, windows).join(segments, "customer_id")
    out = per.group_by("promotion", "start", "end", "segment").aggregate(
        customers=per.count(),
        window_sales=per.window_sales.sum(),
        expected_sales=per.expected_sales.sum(),
        uplift=per.uplift.sum(),
    )
    ratio = ibis.ifelse(out.expected_sales > 0, out.uplift / out.expected_sales, ibis.null("float64"))
    return out.mutate(uplift_ratio=ratio)
