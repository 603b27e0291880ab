"""The saved runs as the archive reads them: the latest run of each policy and the classes it gave.

Runs are written by the classification services (``classify --save``); this module only reads the
``runs``, ``policies`` and ``assignments`` tables. "Latest" is the run with the latest as-of date of a
policy name, the latest saved among equal dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tierwise.analytics.classify.policy import Policy, parse_policy
from tierwise.store.run_models import Assignment, Run
from tierwise.store.run_models import Policy as SavedPolicy


@dataclass(frozen=True)
class SavedRun:
    """A saved run and the policy it applied (parsed from the text saved with it)."""

    run_id: int
    as_of: dt.date
    policy: Policy


@lru_cache(maxsize=64)
def _parsed(text: str, name: str) -> Policy:
    parsed = parse_policy(text, f"saved policy {name}")
    assert isinstance(parsed, Policy)
    return parsed


def ranked_runs() -> Select:
    """Every run with ``policy_name``, ``policy_text`` and ``recency`` (1 = the policy's latest run)."""
    order = (Run.as_of.desc(), Run.created_at.desc(), Run.id.desc())
    return select(
        Run.id.label("run_id"),
        Run.as_of,
        SavedPolicy.name.label("policy_name"),
        SavedPolicy.text.label("policy_text"),
        func.row_number().over(partition_by=SavedPolicy.name, order_by=order).label("recency"),
    ).join(SavedPolicy, SavedPolicy.id == Run.policy_id)


def latest_runs(session: Session, names: Sequence[str] | None = None, depth: int = 1) -> dict[str, list[SavedRun]]:
    """Per policy name (``names``, or every saved policy), its latest ``depth`` runs, latest first."""
    ranked = ranked_runs().subquery()
    query = select(ranked).where(ranked.c.recency <= depth).order_by(ranked.c.policy_name, ranked.c.recency)
    if names is not None:
        query = query.where(ranked.c.policy_name.in_(list(names)))
    out: dict[str, list[SavedRun]] = {}
    for row in session.execute(query):
        out.setdefault(row.policy_name, []).append(
            SavedRun(row.run_id, row.as_of, _parsed(row.policy_text, row.policy_name))
        )
    return out


@dataclass(frozen=True)
class SavedClass:
    """A customer's class in the latest saved run of one policy, with the reasons saved with it."""

    policy: str
    version: str
    run_id: int
    as_of: dt.date
    code: str
    label: str | None
    score: float | None
    rank: int | None
    reasons: tuple[str, ...]


def classes_of(session: Session, customer_id: str) -> list[SavedClass]:
    """The customer's class in the latest saved run of every policy that classified it, by policy name."""
    ranked = ranked_runs().subquery()
    query = (
        select(ranked.c.policy_name, ranked.c.run_id, ranked.c.as_of, SavedPolicy.version, Assignment)
        .join(Assignment, Assignment.run_id == ranked.c.run_id)
        .join(Run, Run.id == ranked.c.run_id)
        .join(SavedPolicy, SavedPolicy.id == Run.policy_id)
        .where(ranked.c.recency == 1, Assignment.customer_id == customer_id)
        .order_by(ranked.c.policy_name)
    )
    return [
        SavedClass(
            row.policy_name,
            row.version,
            row.run_id,
            row.as_of,
            row.Assignment.class_,
            row.Assignment.label,
            row.Assignment.score,
            row.Assignment.rank,
            tuple(row.Assignment.reasons or ()),
        )
        for row in session.execute(query)
    ]
