"""Identity verification on the store: basic data, questions from the customer's history, 3 attempts a day."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from personal_book import ANALYST, LI, LOBBY, NOW, WANG, Store

from tierwise.errors import LockedOutError, NotFoundError, PermissionDeniedError
from tierwise.security.permissions import Actor
from tierwise.services.context import ServiceContext
from tierwise.services.identity import (
    Verification,
    answer_verification,
    start_verification,
    verification_questions,
    verification_result,
)
from tierwise.store.db import create_store_engine, session_factory


def stored_answers(store: Store, check_id: int) -> list[int]:
    value = store.raw(f"SELECT answers FROM identity_checks WHERE id = {int(check_id)}")[0][0]
    return value if isinstance(value, list) else json.loads(value)


def wrong(store: Store, check: Verification) -> list[int]:
    return [(a + 1) % len(q["options"]) for a, q in zip(stored_answers(store, check.id), check.questions)]


def audited(store: Store) -> list[tuple[str, str, dict]]:
    rows = store.raw("SELECT actor, action, after FROM audit WHERE action LIKE 'identity.%' ORDER BY seq")
    return [(a, b, c if isinstance(c, dict) else json.loads(c)) for a, b, c in rows]


def start(store: Store, actor: Actor = LOBBY, **typed) -> Verification:
    typed = {"name": "张 伟", "last4": "1234", **typed}
    return start_verification(store.context(actor), "C1", **typed)


def test_the_questions_come_from_the_customers_own_history(store: Store) -> None:
    check = start(store)
    assert (check.status, check.attempts_left, check.locked) == ("questions", 3, False)
    kinds = [q["kind"] for q in check.questions]
    assert kinds == ["last_purchase_month", "last_order_band", "top_category"]  # 2 account managers: too few
    truth = dict(zip(kinds, (q["options"][a] for q, a in zip(check.questions, stored_answers(store, check.id)))))
    # last purchase 2026-09-14 (82,000 + 500 that day), paper bought most (85,500)
    assert truth == {
        "last_purchase_month": "2026-09",
        "last_order_band": "50,000 to under 100,000",
        "top_category": "paper",
    }
    assert sorted(check.questions[2]["options"]) == ["ink", "paper", "pens", "toner"]
    assert verification_questions(store.context(LOBBY), check.id) == check.questions  # the same again


def test_the_operator_never_receives_the_answers(store: Store) -> None:
    ctx = store.context(LOBBY)
    check = start(store)
    responses = [check, verification_result(ctx, check.id)]
    responses.append(answer_verification(ctx, check.id, stored_answers(store, check.id)))
    responses.append(verification_result(ctx, check.id))
    for response in responses:
        assert {f.name for f in dataclasses.fields(response)} == {
            "id",
            "customer_id",
            "status",
            "attempts_left",
            "locked",
            "questions",
        }
        for question in response.questions:
            assert set(question) == {"kind", "prompt", "options"}
    assert [r.status for r in responses] == ["questions", "questions", "passed", "passed"]
    assert responses[2].questions == []  # once answered, not even the questions are shown again


def test_three_wrong_attempts_lock_the_customer_for_the_day(store: Store) -> None:
    ctx = store.context(LOBBY)
    lefts = []
    for _ in range(3):
        check = start(store)
        outcome = answer_verification(ctx, check.id, wrong(store, check))
        lefts.append((outcome.status, outcome.attempts_left, outcome.locked))
    assert lefts == [("failed", 2, False), ("failed", 1, False), ("failed", 0, True)]
    with pytest.raises(LockedOutError, match="locked for today after 3 failed attempts") as locked:
        start(store)
    assert locked.value.retry_after_seconds == 14 * 3600  # until midnight (10:00 → 24:00 UTC)
    # another server worker (its own engine and sessions) sees the same lock: it is kept in the store
    other = create_store_engine(store.url)
    try:
        ctx_other = ServiceContext(
            settings=store.settings(), actor=LOBBY, clock=lambda: NOW, sessions=session_factory(other)
        )
        with pytest.raises(LockedOutError):
            start_verification(ctx_other, "C1", name="张伟", last4="1234")
    finally:
        other.dispose()
    results = [(a["passed"], a["attempts_left"]) for _, action, a in audited(store) if action == "identity.answer"]
    assert results == [(False, 2), (False, 1), (False, 0)]
    tomorrow = store.context(LOBBY, now=NOW + dt.timedelta(days=1))
    assert start_verification(tomorrow, "C1", name="张伟", last4="1234").status == "questions"


def test_wrong_basic_data_is_a_failed_attempt_and_says_only_no(store: Store) -> None:
    first = start(store, last4="9999")
    second = start(store, name="张三")
    unknown = start_verification(store.context(LOBBY), "C404", name="张伟", last4="1234")
    assert [(v.status, v.attempts_left, v.questions) for v in (first, second)] == [("failed", 2, []), ("failed", 1, [])]
    assert (unknown.status, unknown.attempts_left) == ("failed", 2)  # an unknown id fails like wrong data
    assert start(store, last4="5678").status == "questions"  # the phone's last 4 do too
    assert [a for _, action, a in audited(store) if action == "identity.basic"][:2] == [
        {"passed": False, "attempts_left": 2},
        {"passed": False, "attempts_left": 1},
    ]


def test_a_verification_is_answered_once_and_only_by_its_operator(store: Store) -> None:
    check = start(store)
    other_desk = store.context(Actor("desk2", "lobby"))
    with pytest.raises(NotFoundError, match=f"no identity verification {check.id}"):
        answer_verification(other_desk, check.id, stored_answers(store, check.id))
    answer_verification(store.context(LOBBY), check.id, stored_answers(store, check.id))
    with pytest.raises(Exception, match="is over \\(passed\\): start a new one"):
        answer_verification(store.context(LOBBY), check.id, stored_answers(store, check.id))


def test_account_managers_verify_their_own_customers_and_analysts_none(store: Store) -> None:
    assert start(store, WANG).status == "questions"  # C1 is wang's
    with pytest.raises(NotFoundError, match="no customer 'C1'"):
        start(store, LI)
    with pytest.raises(PermissionDeniedError, match="the analyst role may not do identity.verify"):
        start(store, ANALYST)
