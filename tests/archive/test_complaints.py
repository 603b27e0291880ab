"""The complaint life cycle: every allowed move, every refused one with its message, reopening."""

from __future__ import annotations

import itertools

import pytest

from tierwise.archive.complaints import ComplaintStatus, check_transition, is_reopening, parse_status
from tierwise.errors import RecordError

ALLOWED = {
    ("open", "in_progress"),
    ("open", "resolved"),
    ("in_progress", "resolved"),
    ("resolved", "closed"),
    ("resolved", "open"),
    ("closed", "open"),
}
STATUSES = [s.value for s in ComplaintStatus]


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_moves(current: str, target: str) -> None:
    assert check_transition("K1", current, target) == ComplaintStatus(target)


@pytest.mark.parametrize(("current", "target"), [p for p in itertools.product(STATUSES, STATUSES) if p not in ALLOWED])
def test_every_other_move_is_refused_naming_what_is_allowed(current: str, target: str) -> None:
    with pytest.raises(RecordError, match=f"complaint K1 is {current} and cannot move to {target}; from {current}"):
        check_transition("K1", current, target)


def test_the_message_lists_the_moves_allowed() -> None:
    with pytest.raises(RecordError) as caught:
        check_transition("K7", "in_progress", "closed")
    assert str(caught.value) == (
        "complaint K7 is in_progress and cannot move to closed; from in_progress it can move to: resolved"
    )


def test_reopening_is_a_move_back_to_open_from_a_settled_complaint() -> None:
    assert is_reopening("resolved", "open") and is_reopening("closed", "open")
    assert not is_reopening("in_progress", "resolved")


def test_status_spelling_and_unknown_status() -> None:
    assert parse_status("In progress") is ComplaintStatus.IN_PROGRESS
    assert parse_status("in-progress") is ComplaintStatus.IN_PROGRESS
    with pytest.raises(RecordError, match="unknown complaint status 'done'; statuses: open, in_progress"):
        parse_status("done")
