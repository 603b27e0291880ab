"""The whole customer card of the API and the web UI: the profile card and what completes it.

Beside the profile card (:mod:`tierwise.services.cards`: record, contacts, latest classes, credit, CLV and
P(alive), visits, complaints) the card holds the customer's indicators as of today with their labels
(computed by the analytics core on that customer's rows alone), every saved class with its reasons, the
survey answers, and the opportunities with the customer's prospect grade (its class in the latest saved
run of ``prospect-grade``). Reading it needs ``customers.read`` and a customer the person sees.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis
import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from tierwise.analytics.classify.reasons import indicator_label
from tierwise.analytics.engine import canonical_schema
from tierwise.analytics.indicators import compute_indicators
from tierwise.analytics.registry import INDICATORS
from tierwise.i18n import Language
from tierwise.services.cards import ProfileCard, profile_card
from tierwise.services.context import ServiceContext
from tierwise.services.run_history import HistoryEntry, customer_history
from tierwise.services.runs import store_engine
from tierwise.services.saved_classes import SavedClass
from tierwise.services.surveys import SurveyRecord, customer_surveys
from tierwise.store.models import IMPORTED, Opportunity

PROSPECT_POLICY = "prospect-grade"
INDICATOR_TABLES = ("customers", "transactions", "receivables", "visits", "complaints", "surveys")
# indicators that rank a customer among all others: meaningless on one customer's rows (the runs hold them)
AMONG_OTHERS = frozenset({"sales_share", "sales_rank"})


@dataclass(frozen=True)
class IndicatorValue:
    """One indicator of the customer: its name, label in the language asked, unit and value."""

    name: str
    label: str
    unit: str
    value: float | str | bool | None


@dataclass(frozen=True)
class OpportunityCard:
    """One sales opportunity of the customer."""

    opportunity_id: str
    stage: str
    expected_close_date: dt.date | None
    amount: Decimal | None


@dataclass(frozen=True)
class CustomerCard:
    """Everything the archive knows of one customer."""

    profile: ProfileCard
    indicators: tuple[IndicatorValue, ...]
    history: tuple[HistoryEntry, ...]  # oldest as-of date first
    surveys: tuple[SurveyRecord, ...]  # latest first
    opportunities: tuple[OpportunityCard, ...]
    prospect_grade: SavedClass | None


def customer_card(
    ctx: ServiceContext, customer_id: str, *, lang: Language | None = None, with_value: bool = True
) -> CustomerCard:
    """The card of ``customer_id`` as of the context's today (labels in ``lang``, default the settings')."""
    profile = profile_card(ctx, customer_id, with_value=with_value)  # checks the permission and visibility
    lang = lang or ctx.settings.lang
    today = ctx.now().date()
    with Session(store_engine(ctx)) as session:
        tables = {name: _rows(session, name, customer_id) for name in INDICATOR_TABLES}
        found = session.scalars(
            select(Opportunity).where(Opportunity.customer_id == customer_id).order_by(Opportunity.opportunity_id)
        )
        opportunities = tuple(
            OpportunityCard(o.opportunity_id, o.stage, o.expected_close_date, o.amount) for o in found
        )
    grade = next((c for c in profile.classes if c.policy == PROSPECT_POLICY), None)
    return CustomerCard(
        profile,
        _indicators(tables, today, lang),
        tuple(customer_history(ctx, customer_id)),
        tuple(customer_surveys(ctx, customer_id)),
        opportunities,
        grade,
    )


def _rows(session: Session, table: str, customer_id: str) -> pa.Table:
    """The customer's rows of one canonical table, as Arrow with the canonical schema."""
    schema = canonical_schema(table)
    model = IMPORTED[table]
    columns = [getattr(model, name) for name in schema.names]
    rows = session.execute(select(*columns).where(model.customer_id == customer_id)).all()
    data = {name: [_plain(row[i]) for row in rows] for i, name in enumerate(schema.names)}
    return pa.table(data, schema=schema.to_pyarrow())


_THREAD = threading.local()


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _duckdb() -> Any:
    """This thread's in-memory DuckDB for one card's indicators: opening one costs more than the indicators
    of a customer, so each server thread keeps its own (ibis drops a card's tables once they are unused)."""
    con = getattr(_THREAD, "duckdb", None)
    if con is None:
        con = _THREAD.duckdb = ibis.duckdb.connect()
    return con


def _indicators(tables: dict[str, pa.Table], as_of: dt.date, lang: Language) -> tuple[IndicatorValue, ...]:
    present = {name: ibis.memtable(t) for name, t in tables.items() if t.num_rows or name == "customers"}
    found = _duckdb().to_pyarrow(compute_indicators(present, as_of)).to_pylist()
    if not found:
        return ()
    row = found[0]
    return tuple(
        IndicatorValue(name, indicator_label(name, lang), INDICATORS[name].unit, _shown(value))
        for name, value in row.items()
        if name in INDICATORS and name not in AMONG_OTHERS
    )


def _shown(value: Any) -> float | str | bool | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
