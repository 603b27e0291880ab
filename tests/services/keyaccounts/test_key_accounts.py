"""The key-account life cycle on the store: each move with its permissions and its audit row.

Customers C1 and C2 are team east's (account manager wang), C3 and C4 team north's (li); today is
10 March 2026. Managers: zhao (east), qian (north).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from tierwise.accounts.lifecycle import Status
from tierwise.errors import PermissionDeniedError, RecordError
from tierwise.security.permissions import SYSTEM
from tierwise.services.key_account_runs import nominate_from_run
from tierwise.services.key_accounts import assign, decide, evaluate, key_accounts, nominate, review, review_list
from tierwise.store.models import AuditEntry

D = dt.date


def audit_of(book, customer_id: str) -> list[tuple[str, str, str | None, str | None]]:
    """(action, actor, status before, status after) of a key account's audit rows, in order."""
    with book.sessions() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.target_type == "key_account", AuditEntry.target_id == customer_id)
            .order_by(AuditEntry.seq)
        )  # fmt: skip
        return [(r.action, r.actor, (r.before or {}).get("status"), (r.after or {}).get("status")) for r in rows]


def through_approval(book, customer_id: str = "C1", manager: str = "zhao") -> None:
    nominate(book.context("wang"), customer_id, ["customer's new plant doubles its demand"])
    evaluate(book.context("wang"), [customer_id])
    decide(book.context(manager), customer_id, approve=True, comment="strategic in the east region")


def test_the_whole_life_cycle_is_audited_move_by_move(people) -> None:
    through_approval(people)
    assigned = assign(
        people.context("zhao"), "C1", owner="wang", team="east", members={"li": "technical"}, review_every_days=91
    )
    assert assigned.status is Status.ASSIGNED
    assert assigned.members == (("wang", "owner"), ("li", "technical"))
    assert assigned.next_review_date == D(2026, 6, 9)  # 10 March + 91 days
    later = people.context("zhao", today=dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC))
    kept = review(later, "C1", comment="volume as planned")
    assert (kept.status, kept.next_review_date, kept.decision_comment) == (
        Status.ASSIGNED, D(2026, 9, 9), "volume as planned"
    )  # fmt: skip
    assert audit_of(people, "C1") == [
        ("key_account.nominate", "wang", None, "nominated"),
        ("key_account.evaluate", "wang", "nominated", "under_evaluation"),
        ("key_account.approve", "zhao", "under_evaluation", "approved"),
        ("key_account.assign", "zhao", "approved", "assigned"),
        ("key_account.review", "zhao", "assigned", "assigned"),
    ]


def test_an_account_manager_cannot_approve_and_a_manager_only_for_their_team(people) -> None:
    nominate(people.context("wang"), "C1", ["big order"])
    evaluate(people.context("wang"), ["C1"])
    with pytest.raises(PermissionDeniedError, match=r"wang \(account_manager\) may not approve"):
        decide(people.context("wang"), "C1", approve=True, comment="ok")
    with pytest.raises(PermissionDeniedError, match="qian manages team north; customer C1 belongs to team east"):
        decide(people.context("qian"), "C1", approve=True, comment="ok")
    with pytest.raises(PermissionDeniedError, match="user nobody is not in the store"):
        decide(people.context("nobody"), "C1", approve=True, comment="ok")
    with pytest.raises(PermissionDeniedError, match="user old is deactivated"):
        decide(people.context("old"), "C1", approve=True, comment="ok")
    with pytest.raises(RecordError, match="approve of key account C1 needs a comment"):
        decide(people.context("zhao"), "C1", approve=True, comment="  ")
    assert key_accounts(people.context("zhao"))[0].status is Status.UNDER_EVALUATION  # nothing changed
    rejected = decide(people.context("zhao"), "C1", approve=False, comment="one-off order")
    assert (rejected.status, rejected.decided_by) == (Status.REJECTED, "zhao")
    assert [a for a, *_ in audit_of(people, "C1")] == [
        "key_account.nominate", "key_account.evaluate", "key_account.reject"
    ]  # fmt: skip


def test_moves_out_of_order_are_refused_with_the_status(people) -> None:
    with pytest.raises(RecordError, match="customer C1 has no key-account record"):
        evaluate(people.context("wang"), ["C1"])
    nominate(people.context("wang"), "C1", ["big order"])
    with pytest.raises(RecordError, match="key account C1 is nominated: approve needs one of under_evaluation"):
        decide(people.context("zhao"), "C1", approve=True, comment="ok")
    with pytest.raises(RecordError, match=r"customer C1 is already a key-account record \(nominated\)"):
        nominate(people.context("li"), "C1", ["again"])
    with pytest.raises(RecordError, match="needs at least one reason"):
        nominate(people.context("wang"), "C2", [" "])


def test_the_team_once_assigned_decides_who_manages_the_account(people) -> None:
    through_approval(people)
    assign(people.context("zhao"), "C1", owner="li", team="north")
    with pytest.raises(PermissionDeniedError, match="zhao manages team east; customer C1 belongs to team north"):
        review(people.context("zhao"), "C1", comment="check")
    withdrawn = review(people.context("qian"), "C1", comment="moved its purchasing abroad", keep=False)
    assert (withdrawn.status, withdrawn.next_review_date) == (Status.WITHDRAWN, None)
    again = nominate(people.context("li"), "C1", ["purchasing is back"])
    assert again.status is Status.NOMINATED and again.nomination_reasons == ("purchasing is back",)


def test_assignment_needs_known_users_and_known_team_roles(people) -> None:
    through_approval(people)
    with pytest.raises(RecordError, match="not users of the store: ghost"):
        assign(people.context("zhao"), "C1", owner="wang", team="east", members={"ghost": "sales"})
    with pytest.raises(Exception, match="unknown team role 'boss' for li"):
        assign(people.context("zhao"), "C1", owner="wang", team="east", members={"li": "boss"})


def test_a_run_nominates_once_and_puts_a_dropped_approved_account_on_the_review_list(people) -> None:
    system = replace(people.context(), actor=SYSTEM)
    first = people.save_run("key-account", D(2026, 1, 31), {"C1": "key", "C2": "key", "C3": "key", "C4": "regular"})
    done = nominate_from_run(system, first)
    assert (done.nominated, done.already, done.to_review) == (("C1", "C2", "C3"), (), ())
    evaluate(people.context("wang"), ["C1"])
    decide(people.context("zhao"), "C1", approve=True, comment="top buyer")
    evaluate(people.context("li"), ["C3"])
    decide(people.context("qian"), "C3", approve=False, comment="price shopper")
    # the next run keeps C2 key, drops C1 to regular, still qualifies C3 (rejected), adds C4 and C9 (no record)
    second = people.save_run(
        "key-account", D(2026, 2, 28), {"C1": "regular", "C2": "key", "C3": "key", "C4": "key", "C9": "key"}
    )
    done = nominate_from_run(system, second)
    assert (done.nominated, done.already, done.not_reopened, done.to_review, done.unknown) == (
        ("C4",), ("C2",), ("C3",), ("C1",), ("C9",)
    )  # fmt: skip
    assert nominate_from_run(system, second).nominated == ()  # the same run again changes nothing
    records = {v.customer_id: v for v in key_accounts(people.context())}
    assert sorted(records) == ["C1", "C2", "C3", "C4"]  # one record each, none duplicated
    assert records["C1"].status is Status.APPROVED  # never dropped silently: it waits for a review
    assert records["C1"].review_reasons == (
        f"run {second} (key-account as of 2026-02-28) no longer qualifies it: class regular",
        "key-account gave regular",
    )
    assert [v.customer_id for v in review_list(people.context())] == ["C1"]
    kept = review(people.context("zhao"), "C1", comment="a slow quarter; orders are booked for April")
    assert kept.review_reasons is None and review_list(people.context()) == []
    assert audit_of(people, "C1")[-2:] == [
        ("key_account.review_requested", "system", "approved", "approved"),
        ("key_account.review", "zhao", "approved", "approved"),
    ]


def test_an_account_absent_from_a_later_run_is_on_the_review_list_too(people) -> None:
    through_approval(people)
    run = people.save_run("key-account", D(2026, 2, 28), {"C2": "key"})
    assert nominate_from_run(replace(people.context(), actor=SYSTEM), run).to_review == ("C1",)
    (waiting,) = review_list(people.context())
    assert waiting.review_reasons == (
        f"run {run} (key-account as of 2026-02-28) no longer qualifies it: not in the run",
    )


def test_a_review_past_its_date_is_on_the_review_list_from_the_next_day(people) -> None:
    through_approval(people)
    assign(people.context("zhao"), "C1", owner="wang", team="east", review_every_days=30)  # due 9 April
    on_the_day = people.context(today=dt.datetime(2026, 4, 9, 18, tzinfo=dt.UTC))
    after = people.context(today=dt.datetime(2026, 4, 10, 8, tzinfo=dt.UTC))
    assert review_list(on_the_day) == []
    assert [v.customer_id for v in review_list(after)] == ["C1"]


def test_only_runs_of_a_key_account_policy_nominate(people) -> None:
    run = people.save_run("clv", D(2026, 2, 28), {"C1": "high"})
    with pytest.raises(Exception, match=f"run {run} applies clv, not a key-account policy"):
        nominate_from_run(replace(people.context(), actor=SYSTEM), run)
