"""Who may make which key-account move, and from where."""

from __future__ import annotations

import pytest

from tierwise.accounts.lifecycle import ROLE_MOVES, Move, Status, allowed_from, may, target


@pytest.mark.parametrize("move", [Move.APPROVE, Move.REJECT, Move.ASSIGN, Move.REVIEW, Move.WITHDRAW])
def test_only_a_manager_decides(move: Move) -> None:
    assert [role for role in ROLE_MOVES if may(role, move)] == ["manager"]


def test_anyone_working_on_customers_may_nominate_and_evaluate_but_not_the_lobby_or_admin() -> None:
    for move in (Move.NOMINATE, Move.EVALUATE):
        assert [r for r in ROLE_MOVES if may(r, move)] == ["system", "analyst", "account_manager", "manager"]
    assert not may("unknown-role", Move.NOMINATE)


def test_where_moves_start_and_end() -> None:
    assert allowed_from(Move.APPROVE) == (Status.UNDER_EVALUATION,)
    assert allowed_from(Move.NOMINATE) == (Status.REJECTED, Status.WITHDRAWN)
    assert target(Move.REVIEW, Status.ASSIGNED) is Status.ASSIGNED
    assert target(Move.REVIEW, Status.APPROVED) is Status.APPROVED
    assert target(Move.WITHDRAW, Status.ASSIGNED) is Status.WITHDRAWN
