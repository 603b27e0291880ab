"""The evidence of a key-account evaluation, gathered from the store for several customers at once.

For each customer: the indicators that decide key accounts (sales, share, margin, growth, recency) and its
credit (collection period, overdue amount, open receivables) as of today, computed once for every
customer by the analytics on the store (:class:`tierwise.store.source.StoreSource`); its class history
(every saved run that classed it); CLV and P(alive) from the value models; complaints and NPS of the
last twelve months. Each part is one query or one computation for all the customers asked about.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from tierwise.errors import TierwiseError
from tierwise.services.context import ServiceContext
from tierwise.services.customer_values import value_facts
from tierwise.store.models import Complaint, Survey
from tierwise.store.run_models import Assignment, Run
from tierwise.store.run_models import Policy as SavedPolicy

TRADE = ("sales_12m", "sales_prev_12m", "sales_growth", "profit_12m", "gross_margin", "sales_share", "sales_rank")
ACTIVITY = ("orders", "avg_order_value", "recency_days", "tenure_days")
CREDIT = ("collection_days", "overdue_amount", "max_days_overdue", "on_time_share", "open_receivables")
YEAR = dt.timedelta(days=365)


def plain(value: Any) -> Any:
    """A JSON-safe value: dates as ISO text, decimals and numpy numbers as floats, NaN as ``None``."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def gather_evidence(ctx: ServiceContext, session: Session, customer_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Customer id → its evidence (a JSON document), as of the context's today."""
    today = ctx.now().date()
    ids = list(customer_ids)
    found: dict[str, dict[str, Any]] = {
        cid: {"as_of": today.isoformat(), "indicators": None, "credit": None, "value": None} for cid in ids
    }
    for cid, row in _indicators(ctx, ids, today).items():
        found[cid]["indicators"] = {k: row.get(k) for k in (*TRADE, *ACTIVITY) if k in row}
        found[cid]["credit"] = {k: row.get(k) for k in CREDIT if k in row} or None
    for cid, history in _class_history(session, ids).items():
        found[cid]["classes"] = history
    for cid, facts in _values(ctx, ids, today).items():
        found[cid]["value"] = facts
    complaints, surveys = _complaints(session, ids, today), _nps(session, ids, today)
    for cid in ids:
        found[cid].setdefault("classes", [])
        found[cid]["complaints"] = complaints.get(cid, {"last_12m": 0, "open": 0})
        found[cid]["nps"] = surveys.get(cid, {"answers_12m": 0, "average_12m": None, "last": None, "last_date": None})
    return {cid: plain(doc) for cid, doc in found.items()}


def _indicators(ctx: ServiceContext, ids: list[str], today: dt.date) -> dict[str, dict[str, Any]]:
    from tierwise.services.indicators import indicator_table
    from tierwise.store.source import StoreSource

    source = StoreSource(ctx.settings.database_url)
    try:
        dataset = source.open(ctx.settings)
    finally:
        if source.engine is not None:
            source.engine.dispose()
    try:
        if "transactions" not in dataset.tables:
            return {}
        table = indicator_table(ctx.with_engine("duckdb"), dataset, as_of=today).table
    except TierwiseError:
        return {}  # too little data for the indicators: the evaluation shows none
    finally:
        dataset.con.close()
    mine = table.filter(pc.is_in(table["customer_id"].cast(pa.string()), pa.array(ids, pa.string())))
    return {str(row["customer_id"]): row for row in mine.to_pylist()}


def _values(ctx: ServiceContext, ids: list[str], today: dt.date) -> dict[str, dict[str, Any]]:
    facts = value_facts(ctx, today)
    if facts is None:
        return {}
    mine = facts.filter(pc.is_in(facts["customer_id"], pa.array(ids, pa.string())))
    return {row.pop("customer_id"): row for row in mine.to_pylist()}


def _class_history(session: Session, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    query = (
        select(Assignment.customer_id, SavedPolicy.name, Run.id, Run.as_of, Assignment.class_, Assignment.label)
        .join(Run, Run.id == Assignment.run_id)
        .join(SavedPolicy, SavedPolicy.id == Run.policy_id)
        .where(Assignment.customer_id.in_(ids))
        .order_by(Assignment.customer_id, SavedPolicy.name, Run.as_of, Run.id)
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for row in session.execute(query):
        out.setdefault(row.customer_id, []).append(
            {"policy": row.name, "run_id": row.id, "as_of": row.as_of, "class": row.class_, "label": row.label}
        )
    return out


def _complaints(session: Session, ids: list[str], today: dt.date) -> dict[str, dict[str, int]]:
    status = func.lower(func.replace(func.replace(Complaint.status, " ", "_"), "-", "_"))
    is_open = or_(
        and_(Complaint.status.is_(None), Complaint.resolved_date.is_(None)), status.in_(["open", "in_progress"])
    )
    query = (
        select(
            Complaint.customer_id,
            func.sum(case((Complaint.date > today - YEAR, 1), else_=0)).label("last_12m"),
            func.sum(case((is_open, 1), else_=0)).label("open"),
        )
        .where(Complaint.customer_id.in_(ids), Complaint.date <= today)
        .group_by(Complaint.customer_id)
    )
    return {r.customer_id: {"last_12m": int(r.last_12m or 0), "open": int(r.open or 0)} for r in session.execute(query)}


def _nps(session: Session, ids: list[str], today: dt.date) -> dict[str, dict[str, Any]]:
    latest = func.row_number().over(partition_by=Survey.customer_id, order_by=(Survey.date.desc(), Survey.id.desc()))
    answered = select(Survey.customer_id, Survey.date, Survey.nps, latest.label("pick")).where(
        Survey.customer_id.in_(ids), Survey.nps.is_not(None), Survey.date <= today
    )
    ranked = answered.subquery()
    recent = ranked.c.date > today - YEAR
    query = select(
        ranked.c.customer_id,
        func.sum(case((recent, 1), else_=0)).label("answers"),
        func.avg(case((recent, ranked.c.nps), else_=None)).label("average"),
        func.max(case((ranked.c.pick == 1, ranked.c.nps), else_=None)).label("last"),
        func.max(case((ranked.c.pick == 1, ranked.c.date), else_=None)).label("last_date"),
    ).group_by(ranked.c.customer_id)
    return {
        r.customer_id: {
            "answers_12m": int(r.answers or 0),
            "average_12m": None if r.average is None else round(float(r.average), 2),
            "last": r.last,
            "last_date": r.last_date,
        }
        for r in session.execute(query)
    }
