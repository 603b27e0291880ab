"""Saved runs on SQLite and PostgreSQL: what a run keeps, grace from the saved runs, histories, diffs, up-or-out."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from tierwise.analytics.classify.policy import policy_text
from tierwise.config import Settings
from tierwise.errors import NotFoundError, StoreError, UsageError
from tierwise.io.source import OpenedSource
from tierwise.policy_files import PolicyRef
from tierwise.security.permissions import Actor
from tierwise.services.context import ServiceContext
from tierwise.services.run_diffs import diff_runs
from tierwise.services.run_history import class_as_of, customer_history, up_or_out
from tierwise.services.runs import get_run, list_runs, save_run, show_run
from tierwise.store.db import create_store_engine

D = dt.date
NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
GRACE = PolicyRef.text(policy_text("china-post")[0].replace("version: 1\n", "version: 1\ngrace_runs: 2\n"), "grace")


@pytest.fixture
def ctx(store_url: str) -> ServiceContext:
    settings = Settings(database_url=store_url, engine="duckdb", lang="en")
    return ServiceContext(settings, actor=Actor("wang", "analyst"), clock=lambda: NOW)


def classes(assignments) -> dict[str, str]:
    return dict(zip(assignments.column("customer_id").to_pylist(), assignments.column("class").to_pylist()))


def count(ctx: ServiceContext, table: str) -> int:
    engine = create_store_engine(ctx.settings.database_url)
    with engine.connect() as con:
        n = con.execute(text(f"SELECT count(*) FROM {table}")).scalar()
    engine.dispose()
    return n


def test_a_saved_run_keeps_its_policy_data_and_assignments(ctx: ServiceContext, hand) -> None:
    saved = save_run(ctx, hand, "china-post", as_of=D(2025, 6, 30))
    run = saved.run
    assert (run.policy, run.policy_version, run.as_of, run.actor, run.engine) == (
        "china-post",
        "1",
        D(2025, 6, 30),
        "wang",
        "duckdb",
    )
    assert run.created_at.replace(tzinfo=dt.UTC) == NOW and run.customers == 4
    assert run.data_fingerprint == OpenedSource(hand).fingerprint()
    assert len(run.policy_hash) == 64
    detail = show_run(ctx, run.id)
    assert classes(detail.assignments) == {"c1": "diamond", "c2": "gold", "c3": "platinum", "c4": "standard"}
    assert [(c.code, c.customers) for c in detail.classes] == [
        ("diamond", 1),
        ("platinum", 1),
        ("gold", 1),
        ("vip", 0),
        ("standard", 1),
    ]
    c3 = detail.assignments.to_pylist()[1]
    assert c3["reasons"] == ["12-month spend 100.00 < 10,000 → standard", "organisation level provincial → platinum"]
    # a second run of the same policy text saves no second policy; each run writes one audit row
    again = save_run(ctx, hand, "china-post", as_of=D(2025, 7, 1))
    assert [r.id for r in list_runs(ctx)] == [again.run.id, run.id]
    assert (count(ctx, "policies"), count(ctx, "runs"), count(ctx, "assignments"), count(ctx, "audit")) == (1, 2, 8, 2)
    assert get_run(ctx, run.id) == run


def test_grace_holds_a_downgrade_until_the_saved_runs_agree(ctx: ServiceContext, hand) -> None:
    # c1's 5,000,000 leaves the 12-month window on 2025-07-01: computed standard from then on
    first = save_run(ctx, hand, GRACE, as_of=D(2025, 6, 30)).run
    second = save_run(ctx, hand, GRACE, as_of=D(2025, 7, 1))
    third = save_run(ctx, hand, GRACE, as_of=D(2025, 7, 2))
    assert classes(second.result.assignments)["c1"] == "diamond"  # 1 of 2 runs below: kept
    assert classes(third.result.assignments)["c1"] == "standard"  # 2 of 2: the downgrade takes effect
    history = customer_history(ctx, "c1")
    assert [(h.as_of, h.class_, h.computed_class) for h in history] == [
        (D(2025, 6, 30), "diamond", "diamond"),
        (D(2025, 7, 1), "diamond", "standard"),
        (D(2025, 7, 2), "standard", "standard"),
    ]
    assert history[1].reasons[-1] == "grace period: computed standard, kept diamond (1 of 2 runs below)"
    assert class_as_of(ctx, "c1", "china-post", D(2025, 6, 29)) is None
    assert class_as_of(ctx, "c1", "china-post", D(2025, 7, 1)).class_ == "diamond"
    assert class_as_of(ctx, "c1", "china-post", D(2026, 1, 1)).class_ == "standard"
    assert class_as_of(ctx, "c9", "china-post", D(2026, 1, 1)) is None

    diff = diff_runs(ctx, first.id, third.run.id)
    assert {(c.from_class, c.to_class): c.customers for c in diff.matrix} == {
        ("diamond", "standard"): 1,
        ("gold", "gold"): 1,
        ("platinum", "platinum"): 1,
        ("standard", "standard"): 1,
    }
    assert [(r["customer_id"], r["direction"]) for r in diff.movers.to_pylist()] == [("c1", "down")]

    review = up_or_out(ctx, policy="china-post")
    assert review.run.id == third.run.id and review.previous.id == second.run.id
    assert [(e.customer_id, e.why, e.previous_class, e.class_) for e in review.entries] == [
        ("c1", "downgraded", "diamond", "standard")
    ]
    assert up_or_out(ctx, run_id=second.run.id).entries == []  # held by grace: not (yet) downgraded


def test_errors_name_what_is_missing(ctx: ServiceContext, hand) -> None:
    with pytest.raises(NotFoundError, match="no saved run 7"):  # a signed-in analyst: the API's 404
        show_run(ctx, 7)
    with pytest.raises(StoreError, match="no saved run of abc"):
        up_or_out(ctx, policy="abc")
    a = save_run(ctx, hand, "china-post", as_of=D(2025, 6, 30)).run
    b = save_run(ctx, hand, "key-account", as_of=D(2025, 6, 30)).run
    with pytest.raises(UsageError, match="apply different policies"):
        diff_runs(ctx, a.id, b.id)
