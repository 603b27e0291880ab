"""Use cases on a customer's saved classes: the history with reasons, the class as of a date, up-or-out.

Up-or-out (升级或淘汰) lists the customers of a run who were downgraded since the previous run of the
same policy, and — given the data — those of the best class the value models flag at risk (P(alive)
under the bound): each is worth a call before they are gone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from tierwise.analytics.classify.migration import movers
from tierwise.analytics.classify.policy import Policy
from tierwise.analytics.engine import Engine
from tierwise.errors import StoreError
from tierwise.i18n import Message
from tierwise.io.dataset import Dataset
from tierwise.io.source import DataSource
from tierwise.services.access import require_action, restricted
from tierwise.services.archive_records import customer_for
from tierwise.services.context import ServiceContext
from tierwise.services.runs import (
    RunInfo,
    attach_url,
    find_runs,
    get_run,
    previous_run,
    saved_policy,
    store_engine,
    visible_reading,
)
from tierwise.services.sources import open_dataset
from tierwise.store.run_models import Assignment, Run
from tierwise.store.run_models import Policy as SavedPolicy
from tierwise.store.runs import read_assignments

AT_RISK_BELOW = 0.5


@dataclass(frozen=True)
class HistoryEntry:
    """A customer's class in one saved run, with the reasons that produced it."""

    run_id: int
    policy: str
    policy_version: str
    as_of: dt.date
    class_: str
    computed_class: str | None
    label: str | None
    reasons: list[str]


@dataclass(frozen=True)
class UpOrOutEntry:
    """A customer to review: ``why`` is ``downgraded`` (with the earlier class) or ``at_risk`` (with P(alive))."""

    customer_id: str
    why: str
    class_: str
    label: str | None
    previous_class: str | None
    previous_label: str | None
    p_alive: float | None
    reasons: list[str]


@dataclass(frozen=True)
class UpOrOut:
    """The up-or-out list of a run, compared with the run before it (``None`` for a policy's first run)."""

    run: RunInfo
    previous: RunInfo | None
    entries: list[UpOrOutEntry]


def customer_history(ctx: ServiceContext, customer_id: str, *, policy: str | None = None) -> list[HistoryEntry]:
    """Every saved class of a customer, oldest as-of date first (of one policy when ``policy`` names it)."""
    require_action(ctx, "customers.read")
    engine = store_engine(ctx)
    if restricted(ctx) is not None:  # whoever sees all may ask for runs of a folder's customers, not imported
        with Session(engine) as session:
            customer_for(session, ctx, customer_id, "customers.read")
    query = (
        select(Assignment, Run.as_of, SavedPolicy.name, SavedPolicy.version)
        .join(Run, Run.id == Assignment.run_id)
        .join(SavedPolicy, SavedPolicy.id == Run.policy_id)
        .where(Assignment.customer_id == customer_id)
    )
    if policy:
        query = query.where(SavedPolicy.name == policy)
    with Session(engine) as session:
        rows = session.execute(query.order_by(Run.as_of, Run.id)).all()
    return [
        HistoryEntry(a.run_id, name, version, as_of, a.class_, a.computed_class, a.label, list(a.reasons or []))
        for a, as_of, name, version in rows
    ]


def class_as_of(ctx: ServiceContext, customer_id: str, policy: str, day: dt.date) -> HistoryEntry | None:
    """The customer's class by ``policy`` as of ``day``: that of the latest saved run on or before it.

    ``None`` when no run of the policy was saved by then, or the customer was not in that run.
    """
    engine = store_engine(ctx)
    latest = find_runs(engine, SavedPolicy.name == policy, Run.as_of <= day, limit=1)
    if not latest:
        return None
    found = [h for h in customer_history(ctx, customer_id, policy=policy) if h.run_id == latest[0].id]
    return found[0] if found else None


def up_or_out(
    ctx: ServiceContext,
    *,
    run_id: int | None = None,
    policy: str | None = None,
    data: DataSource | Dataset | None = None,
    p_alive_below: float = AT_RISK_BELOW,
) -> UpOrOut:
    """Customers downgraded since the previous run, and (with ``data``) those of the best class at risk.

    The run is ``run_id``, else the latest saved run of ``policy``. With ``data`` the value model is
    fitted on its transactions as of the run's date.
    """
    require_action(ctx, "runs.read")
    engine = store_engine(ctx)
    if run_id is not None:
        run = get_run(ctx, run_id, engine=engine)
    else:
        latest = find_runs(engine, *([SavedPolicy.name == policy] if policy else []), limit=1)
        if not latest:
            if policy:
                raise StoreError(Message("no saved run of %(policy)s", {"policy": policy}))
            raise StoreError(Message("no saved run yet"))
        run = latest[0]
    before = previous_run(ctx, run, engine=engine)
    chosen = saved_policy(engine, run)
    wanted = [run.id] + ([before.id] if before else [])
    saved = read_assignments(attach_url(engine), wanted, ctx.settings, **visible_reading(ctx))
    current = saved[run.id]
    entries: list[UpOrOutEntry] = []
    if before is not None:
        eng = Engine.create("duckdb", ctx.settings)
        keep = ["customer_id", "class", "reasons"]
        moved = movers(
            eng.scratch("previous_run", saved[before.id].select(keep)),
            eng.scratch("this_run", current.select(keep)),
            chosen,
            ctx.settings.lang,
        )
        down = eng.to_pyarrow(moved.filter(moved.direction == "down"))
        entries += [
            UpOrOutEntry(
                r["customer_id"],
                "downgraded",
                r["to_class"],
                r["to_label"],
                r["from_class"],
                r["from_label"],
                None,
                list(r["to_reasons"] or []),
            )
            for r in down.to_pylist()  # the movers only: a short list
        ]
    if data is not None:
        entries += _at_risk(ctx, data, run, current, chosen, p_alive_below)
    return UpOrOut(run, before, entries)


def _at_risk(
    ctx: ServiceContext,
    data: DataSource | Dataset,
    run: RunInfo,
    current: pa.Table,
    policy: Policy,
    p_alive_below: float,
) -> list[UpOrOutEntry]:
    from tierwise.value.atrisk import at_risk  # the value models load scipy: only when asked for
    from tierwise.value.clv import customer_value

    dataset = open_dataset(data, ctx.settings, notes=ctx.notes)
    eng = Engine.for_dataset(dataset, ctx.engine, ctx.settings)
    tx = eng.tables(dataset)["transactions"]
    values = customer_value(tx, run.as_of)
    best = [c for c in policy.class_codes if c in set(current.column("class").to_pylist())][:1]
    listed = at_risk(current.to_pandas(), values, p_alive_below, classes=best, as_of=run.as_of)
    listed["customer_id"] = listed["customer_id"].astype(str)
    listed = listed.merge(current.select(["customer_id", "reasons"]).to_pandas(), on="customer_id", how="left")
    return [
        UpOrOutEntry(
            r["customer_id"], "at_risk", r["class"], r["label"], None, None, float(r["p_alive"]), list(r["reasons"])
        )
        for r in listed.to_dict("records")  # the at-risk list: customers of one class under the bound
    ]


__all__ = ["HistoryEntry", "UpOrOut", "UpOrOutEntry", "class_as_of", "customer_history", "up_or_out"]
