"""Use cases on saved runs (评估批次): classify and save, list and show, compare two runs.

A saved run keeps the policy's full text (saved once per name, version and hash), the data it saw (its
label, fingerprint and, for the store, the last import in force), the as-of date, who saved it, when,
on which engine, and every assignment. Saving is one transaction: the policy if new, the run, its
assignments in bulk and one audit row — all of it or nothing. Runs are never changed afterwards.

The grace period of a policy reads the saved runs of the same policy before the new run's as-of date.
Customer histories and the up-or-out list are in :mod:`tierwise.services.run_history`.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, replace
from typing import Any

import ibis
import pyarrow as pa
from sqlalchemy import Engine as StoreEngine
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tierwise.analytics.classify.policy import Policy, policy_text
from tierwise.analytics.engine import Engine
from tierwise.errors import NotFoundError, StoreError
from tierwise.i18n import Message
from tierwise.io.dataset import Dataset
from tierwise.io.source import DataSource
from tierwise.policy_files import PolicyRef
from tierwise.services.access import person, require_action, restricted, visible_clause
from tierwise.services.classification import ClassificationResult, classify_dataset, resolve_policy
from tierwise.services.context import ServiceContext
from tierwise.services.paging import check_page
from tierwise.services.run_summaries import summarise_run, write_run_summary
from tierwise.services.sources import open_source
from tierwise.store.audit import write_audit
from tierwise.store.db import engine_from_settings, writing
from tierwise.store.models import Customer
from tierwise.store.run_models import Assignment, Run
from tierwise.store.run_models import Policy as SavedPolicy
from tierwise.store.runs import insert_run, policy_row, read_assignments, with_store_teams, write_assignments
from tierwise.store.schema import ensure_schema


@dataclass(frozen=True)
class RunInfo:
    """One saved run, without its assignments."""

    id: int
    policy: str
    policy_version: str
    policy_hash: str
    as_of: dt.date
    data_source: str
    data_fingerprint: str
    last_import_id: int | None
    engine: str
    actor: str
    created_at: dt.datetime
    customers: int


@dataclass(frozen=True)
class SavedRun:
    """A classification and the run it was saved as."""

    run: RunInfo
    result: ClassificationResult


@dataclass(frozen=True)
class ClassCount:
    """Customers of one class in a saved run."""

    code: str
    label: str
    customers: int


@dataclass(frozen=True)
class RunDetail:
    """A saved run with its customers per class (policy order) and its assignments (by rank)."""

    run: RunInfo
    classes: list[ClassCount]
    assignments: pa.Table


_CHECKED: weakref.WeakSet[StoreEngine] = weakref.WeakSet()


def store_engine(ctx: ServiceContext) -> StoreEngine:
    """The store's engine: the context's session factory's, else one on ``settings.database_url``."""
    bind = getattr(ctx.sessions, "kw", {}).get("bind") if ctx.sessions is not None else None
    engine = bind if bind is not None else engine_from_settings(ctx.settings)
    if engine not in _CHECKED:  # once per engine: a server's requests share one and must not each ask again
        ensure_schema(engine)
        _CHECKED.add(engine)
    return engine


def _info(run: Run, policy: SavedPolicy) -> RunInfo:
    return RunInfo(
        id=run.id,
        policy=policy.name,
        policy_version=policy.version,
        policy_hash=policy.hash,
        as_of=run.as_of,
        data_source=run.data_source,
        data_fingerprint=run.data_fingerprint,
        last_import_id=run.last_import_id,
        engine=run.engine,
        actor=run.actor,
        created_at=run.created_at,
        customers=run.customer_count,
    )


def find_runs(
    engine: StoreEngine, *conditions: Any, limit: int | None = None, newest_first: bool = True
) -> list[RunInfo]:
    order = (Run.as_of.desc(), Run.id.desc()) if newest_first else (Run.as_of, Run.id)
    query = select(Run, SavedPolicy).join(SavedPolicy, SavedPolicy.id == Run.policy_id).where(*conditions)
    with Session(engine) as session:
        rows = session.execute(query.order_by(*order).limit(limit)).all()
    return [_info(run, policy) for run, policy in rows]


def saved_policy(engine: StoreEngine, run: RunInfo) -> Policy:
    """The policy a run was made with, parsed from the text saved beside it."""
    with Session(engine) as session:
        text = session.execute(
            select(SavedPolicy.text).join(Run, Run.policy_id == SavedPolicy.id).where(Run.id == run.id)
        ).scalar_one()
    return resolve_policy(PolicyRef.text(text, f"{run.policy} v{run.policy_version} (run {run.id})"))


def save_run(
    ctx: ServiceContext,
    data: DataSource | Dataset | str,
    policy: PolicyRef | str,
    *,
    as_of: dt.date | None = None,
    lang: str | None = None,
) -> SavedRun:
    """Classify ``data`` by ``policy`` and save the run, its assignments and an audit row in one transaction.

    Tells ``ctx.progress`` its stages: ``read``, ``classify``, then ``save`` with the assignments written.
    The grace period (``grace_runs``) holds downgrades back using the saved runs of the same policy
    whose as-of date is before this one.
    """
    require_action(ctx, "runs.create")
    source = open_source(data)
    ref = policy if isinstance(policy, PolicyRef) else PolicyRef.shipped(policy)
    text, _ = policy_text(ref)
    chosen = resolve_policy(ref)
    engine = store_engine(ctx)
    ctx.report("read")
    dataset = source.open(ctx.settings)
    try:
        ctx.report("classify")
        history: list[pa.Table] = []
        if chosen.grace_runs > 1:
            day = as_of or _last_date(ctx, dataset)
            earlier = find_runs(engine, SavedPolicy.name == chosen.name, Run.as_of < day, limit=chosen.grace_runs - 1)
            saved = read_assignments(attach_url(engine), [r.id for r in earlier], ctx.settings)
            history = [saved[r.id] for r in reversed(earlier)]  # oldest first
        result = classify_dataset(ctx, dataset, chosen, as_of=as_of, lang=lang, history=history)
        owners = _owners(ctx, dataset, engine)
    finally:
        if not isinstance(data, Dataset):
            dataset.con.close()
    # the run this one follows (as previous_run sees it once saved: an earlier date, or the same date saved before)
    before = find_runs(engine, SavedPolicy.name == chosen.name, Run.as_of <= result.as_of, limit=1)
    previous = read_assignments(attach_url(engine), [before[0].id], ctx.settings)[before[0].id] if before else None
    summary = summarise_run(result.assignments, result.values, owners, previous)
    fingerprint = source.fingerprint()
    last_import = getattr(source, "last_import_id", None)
    now = ctx.now()
    actor = ctx.actor.name
    audit = ctx.audit or write_audit
    customers = result.assignments.num_rows
    ctx.report("save", 0, customers)
    with writing(engine) as con:
        policy_id = policy_row(con, chosen.name, str(chosen.version), text, actor, now)
        run_id = insert_run(
            con,
            policy_id=policy_id,
            as_of=result.as_of,
            data_source=source.label,
            data_fingerprint=fingerprint,
            last_import_id=last_import() if callable(last_import) else None,
            engine=ctx.engine,
            actor=actor,
            created_at=now,
            customer_count=result.assignments.num_rows,
        )
        written = write_assignments(con, run_id, result.assignments, result.values)
        write_run_summary(con, run_id, before[0].id if before else None, summary)
        ctx.report("save", written, customers)
        with Session(bind=con) as session:
            audit(
                session,
                actor=actor,
                action="run.save",
                target_type="run",
                target_id=run_id,
                after={
                    "policy": chosen.name,
                    "policy_version": str(chosen.version),
                    "as_of": result.as_of,
                    "data_source": source.label,
                    "data_fingerprint": fingerprint,
                    "customers": written,
                },
                at=now,
            )
    return SavedRun(get_run(ctx, run_id, engine=engine), result)


def _owners(ctx: ServiceContext, dataset: Dataset, engine: StoreEngine) -> pa.Table | None:
    """``customer_id, owner, team`` of the data set's customers, their teams from the store (None without a
    customers table)."""
    eng = Engine.for_dataset(dataset, ctx.engine, ctx.settings)
    customers = eng.tables(dataset).get("customers")
    if customers is None:
        return None
    owner = customers.owner.cast("string") if "owner" in customers.columns else ibis.null("string")
    owners = eng.to_pyarrow(customers.select(customer_id=customers.customer_id.cast("string"), owner=owner))
    return with_store_teams(attach_url(engine), owners, ctx.settings)


def _last_date(ctx: ServiceContext, dataset: Dataset) -> dt.date:
    """The as-of date a run takes when none is given (the last transaction, as the classification does)."""
    from tierwise.analytics.indicators import resolve_as_of

    eng = Engine.for_dataset(dataset, ctx.engine, ctx.settings)
    return resolve_as_of(eng.tables(dataset), None)


def attach_url(engine: StoreEngine) -> str:
    """The store's URL with its password, for DuckDB's scanner (never shown to users)."""
    return engine.url.render_as_string(hide_password=False)


def visible_reading(ctx: ServiceContext) -> dict[str, Any]:
    """The keyword arguments of :func:`~tierwise.store.runs.read_assignments` that keep only the customers
    the acting person sees (none when they see everyone)."""
    seen = restricted(ctx)
    return {} if seen is None else {"owners": sorted(seen.owners), "teams": sorted(seen.teams)}


def _counted_for(ctx: ServiceContext, engine: StoreEngine, runs: list[RunInfo]) -> list[RunInfo]:
    """``runs`` with their customers counted among those the acting person sees (their own count)."""
    if restricted(ctx) is None or not runs:
        return runs
    query = (
        select(Assignment.run_id, func.count())
        .join(Customer, Customer.customer_id == Assignment.customer_id)
        .where(Assignment.run_id.in_([r.id for r in runs]), visible_clause(ctx))
        .group_by(Assignment.run_id)
    )
    with Session(engine) as session:
        counts = dict(session.execute(query).all())
    return [replace(r, customers=counts.get(r.id, 0)) for r in runs]


def list_runs(ctx: ServiceContext, *, policy: str | None = None) -> list[RunInfo]:
    """Saved runs, newest as-of date first (of one policy when ``policy`` names it); a run's customers are
    those the acting person sees."""
    require_action(ctx, "runs.read")
    conditions = [SavedPolicy.name == policy] if policy else []
    engine = store_engine(ctx)
    return _counted_for(ctx, engine, find_runs(engine, *conditions))


def get_run(ctx: ServiceContext, run_id: int, *, engine: StoreEngine | None = None) -> RunInfo:
    """One saved run; a clear error when there is none with that id."""
    require_action(ctx, "runs.read")
    engine = engine or store_engine(ctx)
    found = find_runs(engine, Run.id == run_id)
    if not found:
        error = StoreError if person(ctx) is None else NotFoundError
        raise error(Message("no saved run %(id)s", {"id": run_id}))
    return _counted_for(ctx, engine, found)[0]


@dataclass(frozen=True)
class AssignmentRow:
    """A customer's class in a run, with its name, score, rank and reasons."""

    customer_id: str
    name: str | None
    owner: str | None
    class_: str
    label: str | None
    score: float | None
    rank: int | None
    reasons: list[str]


@dataclass(frozen=True)
class AssignmentPage:
    """One page of a run's assignments (by rank) and how many match in all."""

    run: RunInfo
    total: int
    offset: int
    limit: int
    rows: list[AssignmentRow]


def run_assignments(
    ctx: ServiceContext, run_id: int, *, class_: str | None = None, offset: int = 0, limit: int = 50
) -> AssignmentPage:
    """The assignments of run ``run_id`` by rank, ``limit`` from ``offset`` (``class_``: of one class only),
    among the customers the acting person sees."""
    check_page(offset, limit)
    engine = store_engine(ctx)
    run = get_run(ctx, run_id, engine=engine)
    a = Assignment
    conditions = [a.run_id == run_id, *([a.class_ == class_] if class_ is not None else [])]
    if restricted(ctx) is not None:
        conditions.append(visible_clause(ctx))
    base = select(a.customer_id).join(Customer, Customer.customer_id == a.customer_id, isouter=True).where(*conditions)
    page = (
        select(a, Customer.name, Customer.owner)
        .join(Customer, Customer.customer_id == a.customer_id, isouter=True)
        .where(*conditions)
        .order_by(a.rank.is_(None), a.rank, a.customer_id)
        .offset(offset)
        .limit(limit)
    )
    with Session(engine) as session:
        total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
        rows = [
            AssignmentRow(r.customer_id, name, owner, r.class_, r.label, r.score, r.rank, list(r.reasons or []))
            for r, name, owner in session.execute(page)
        ]
    return AssignmentPage(run, total, offset, limit, rows)


def run_classes(ctx: ServiceContext, run_id: int, *, lang: str | None = None) -> tuple[RunInfo, list[ClassCount]]:
    """A saved run and its customers per class (policy order, labels in ``lang``), counted in the store
    without reading its assignments."""
    engine = store_engine(ctx)
    run = get_run(ctx, run_id, engine=engine)
    policy = saved_policy(engine, run)
    counted = select(Assignment.class_, func.count()).where(Assignment.run_id == run_id)
    if restricted(ctx) is not None:
        counted = counted.join(Customer, Customer.customer_id == Assignment.customer_id).where(visible_clause(ctx))
    with Session(engine) as session:
        counts = dict(session.execute(counted.group_by(Assignment.class_)).all())
    labels = {c.code: c.label[lang or ctx.settings.lang] for c in policy.classes}
    order = [*policy.class_codes, *sorted(set(counts) - set(policy.class_codes))]
    return run, [ClassCount(code, labels.get(code, code), counts.get(code, 0)) for code in order]


def show_run(ctx: ServiceContext, run_id: int, *, lang: str | None = None) -> RunDetail:
    """A saved run with its customers per class (labels in ``lang``) and its assignments."""
    run, classes = run_classes(ctx, run_id, lang=lang)
    engine = store_engine(ctx)
    saved = read_assignments(attach_url(engine), [run_id], ctx.settings, **visible_reading(ctx))
    return RunDetail(run, classes, saved[run_id])


def previous_run(ctx: ServiceContext, run: RunInfo, *, engine: StoreEngine | None = None) -> RunInfo | None:
    """The saved run of the same policy just before ``run`` (earlier as-of date, or same date saved earlier)."""
    engine = engine or store_engine(ctx)
    earlier = (Run.as_of < run.as_of) | ((Run.as_of == run.as_of) & (Run.id < run.id))
    found = find_runs(engine, SavedPolicy.name == run.policy, earlier, limit=1)
    return found[0] if found else None
