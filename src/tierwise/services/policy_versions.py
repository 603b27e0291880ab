"""Edited policies: check the YAML, preview what it would change on the store's data, save it as a new version.

A policy in force is the latest version saved in the store under its name (``policies`` table), else the
shipped one. The preview classifies the store's customers by both, as of the same date, and says who would
move and the customers and 12-month sales per class before and after; nothing is saved. Saving keeps the
text as a new version of the name (the YAML's own ``version``, which must be new for that name), with its
audit row, in one transaction. All of it is the analyst's work (``policies.write``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from tierwise.analytics.classify.policy import Policy, policy_text
from tierwise.errors import PolicyError
from tierwise.i18n import N_, Language, Message
from tierwise.io.dataset import Dataset
from tierwise.policy_files import PolicyRef
from tierwise.services.access import require_action
from tierwise.services.classification import ClassSummary, classify_dataset, resolve_policy, what_if_dataset
from tierwise.services.context import ServiceContext
from tierwise.services.runs import store_engine
from tierwise.services.sources import open_source
from tierwise.store.audit import write_audit
from tierwise.store.run_models import Policy as SavedPolicy
from tierwise.store.runs import text_hash

OTHER_NAME = N_("the edited policy is named %(edited)s, not %(name)s: a new version keeps the name")
VERSION_TAKEN = N_("version %(version)s of policy %(name)s is already saved with other rules: raise the version")


@dataclass(frozen=True)
class PolicyVersion:
    """A policy version saved in the store."""

    id: int
    name: str
    version: str
    hash: str
    created_at: dt.datetime
    created_by: str | None


@dataclass(frozen=True)
class PolicyPreview:
    """What an edited policy would change: the movers and the classes before and after (policy order)."""

    name: str
    as_of: dt.date
    current_version: str
    edited_version: str
    customers: int
    moved: int
    movers: pa.Table  # customer_id, from/to class and label, direction, from/to reasons
    before: list[ClassSummary]
    after: list[ClassSummary]


def check_policy(ctx: ServiceContext, text: str, *, source: str = "edited policy") -> Policy:
    """The classification policy ``text`` describes, validated (a :class:`PolicyError` naming what is wrong)."""
    require_action(ctx, "policies.write")
    return resolve_policy(PolicyRef.text(text, source))


def saved_versions(ctx: ServiceContext, name: str | None = None) -> list[PolicyVersion]:
    """The policy versions saved in the store, newest first (of ``name`` only when given)."""
    require_action(ctx, "policies.read")
    query = select(SavedPolicy).order_by(SavedPolicy.created_at.desc(), SavedPolicy.id.desc())
    if name is not None:
        query = query.where(SavedPolicy.name == name)
    with Session(store_engine(ctx)) as session:
        return [
            PolicyVersion(p.id, p.name, p.version, p.hash, p.created_at, p.created_by) for p in session.scalars(query)
        ]


def policy_in_force(ctx: ServiceContext, name: str) -> tuple[str, Policy]:
    """The text and model of policy ``name`` in force: its latest saved version, else the shipped one."""
    require_action(ctx, "policies.read")
    query = (
        select(SavedPolicy.text, SavedPolicy.version)
        .where(SavedPolicy.name == name)
        .order_by(SavedPolicy.created_at.desc(), SavedPolicy.id.desc())
        .limit(1)
    )
    with Session(store_engine(ctx)) as session:
        found = session.execute(query).first()
    if found is not None:
        return found.text, resolve_policy(PolicyRef.text(found.text, f"{name} v{found.version}"))
    text, _ = policy_text(PolicyRef.shipped(name))
    return text, resolve_policy(PolicyRef.shipped(name))


def preview_policy(
    ctx: ServiceContext, name: str, text: str, *, as_of: dt.date | None = None, lang: Language | None = None
) -> PolicyPreview:
    """Who would move, and the classes before and after, if ``text`` replaced policy ``name`` (nothing saved)."""
    edited = check_policy(ctx, text)
    _, current = policy_in_force(ctx, name)
    source = open_source(ctx.settings.database_url)
    dataset: Dataset = source.open(ctx.settings)
    try:
        moved, day = what_if_dataset(ctx, dataset, current, edited, as_of=as_of, lang=lang)
        before = classify_dataset(ctx, dataset, current, as_of=day, lang=lang)
        after = classify_dataset(ctx, dataset, edited, as_of=day, lang=lang)
    finally:
        dataset.con.close()
    return PolicyPreview(
        name, day, str(current.version), str(edited.version), before.assignments.num_rows, moved.num_rows, moved,
        before.summary, after.summary,
    )  # fmt: skip


def save_policy_version(ctx: ServiceContext, name: str, text: str) -> PolicyVersion:
    """Save ``text`` as a new version of policy ``name`` (the same text again changes nothing)."""
    edited = check_policy(ctx, text)
    if edited.name != name:
        raise PolicyError(Message(OTHER_NAME, {"edited": repr(edited.name), "name": repr(name)}))
    version, digest, now = str(edited.version), text_hash(text), ctx.now()
    with ctx.store() as session, session.begin():
        same = select(SavedPolicy).where(SavedPolicy.name == name, SavedPolicy.version == version)
        for row in session.scalars(same):
            if row.hash == digest:
                return PolicyVersion(row.id, row.name, row.version, row.hash, row.created_at, row.created_by)
            raise PolicyError(Message(VERSION_TAKEN, {"version": version, "name": repr(name)}))
        row = SavedPolicy(name=name, version=version, text=text, hash=digest, created_at=now, created_by=ctx.actor.name)
        session.add(row)
        session.flush()
        saved = PolicyVersion(row.id, name, version, digest, now, ctx.actor.name)
        (ctx.audit or write_audit)(
            session, actor=ctx.actor.name, action="policy.save", target_type="policy", target_id=row.id,
            after={"name": name, "version": version, "hash": digest}, at=now,
        )  # fmt: skip
    return saved
