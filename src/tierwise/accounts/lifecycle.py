"""The key-account life cycle: its statuses, the moves between them, and which role may make each move.

nominated (by a saved run of a key-account policy, or by hand with reasons) → under evaluation (the
evidence gathered) → approved or rejected by a ``manager`` of the account's team, with a comment →
assigned to an owner and a team → reviewed on a schedule (kept, with the next review date, or withdrawn).
A rejected or withdrawn account may be nominated again. Roles follow the permission model of the API
(``admin``, ``analyst``, ``manager``, ``account_manager``, ``lobby``); ``system`` is scheduled work.

>>> may("account_manager", Move.APPROVE), may("manager", Move.APPROVE)
(False, True)
>>> allowed_from(Move.APPROVE)
(<Status.UNDER_EVALUATION: 'under_evaluation'>,)
"""

from __future__ import annotations

from enum import StrEnum

from tierwise.i18n import N_


class Status(StrEnum):
    """Where a key-account record stands."""

    NOMINATED = "nominated"
    UNDER_EVALUATION = "under_evaluation"
    APPROVED = "approved"
    REJECTED = "rejected"
    ASSIGNED = "assigned"
    WITHDRAWN = "withdrawn"


class Move(StrEnum):
    """A change of a key-account record (the audit action is ``key_account.<move>``)."""

    NOMINATE = "nominate"
    EVALUATE = "evaluate"
    APPROVE = "approve"
    REJECT = "reject"
    ASSIGN = "assign"
    REVIEW = "review"
    WITHDRAW = "withdraw"


S = Status
#: the statuses a move starts from (NOMINATE also creates a record when the customer has none)
FROM: dict[Move, tuple[Status, ...]] = {
    Move.NOMINATE: (S.REJECTED, S.WITHDRAWN),
    Move.EVALUATE: (S.NOMINATED, S.UNDER_EVALUATION),
    Move.APPROVE: (S.UNDER_EVALUATION,),
    Move.REJECT: (S.UNDER_EVALUATION,),
    Move.ASSIGN: (S.APPROVED, S.ASSIGNED),
    Move.REVIEW: (S.APPROVED, S.ASSIGNED),
    Move.WITHDRAW: (S.APPROVED, S.ASSIGNED),
}
#: where a move leaves the record (REVIEW keeps the status it found)
TO: dict[Move, Status | None] = {
    Move.NOMINATE: S.NOMINATED,
    Move.EVALUATE: S.UNDER_EVALUATION,
    Move.APPROVE: S.APPROVED,
    Move.REJECT: S.REJECTED,
    Move.ASSIGN: S.ASSIGNED,
    Move.REVIEW: None,
    Move.WITHDRAW: S.WITHDRAWN,
}
#: approved accounts: a new run that nominates one of these does not make a second record
KEPT = (S.APPROVED, S.ASSIGNED)
#: records still on their way to a decision: a new run qualifying them again changes nothing
PENDING = (S.NOMINATED, S.UNDER_EVALUATION)

_DECIDERS = frozenset({"manager"})
ROLE_MOVES: dict[str, frozenset[Move]] = {
    "system": frozenset({Move.NOMINATE, Move.EVALUATE}),
    "admin": frozenset(),
    "analyst": frozenset({Move.NOMINATE, Move.EVALUATE}),
    "account_manager": frozenset({Move.NOMINATE, Move.EVALUATE}),
    "manager": frozenset(Move),
    "lobby": frozenset(),
}
#: moves only a manager of the account's own team may make
TEAM_BOUND = frozenset({Move.APPROVE, Move.REJECT, Move.ASSIGN, Move.REVIEW, Move.WITHDRAW})
#: moves that need a comment
NEEDS_COMMENT = frozenset({Move.APPROVE, Move.REJECT, Move.REVIEW, Move.WITHDRAW})

#: our side's roles on an account team
MEMBER_ROLES = ("owner", "sales", "technical", "service", "executive_sponsor", "finance")

STATUS_NAMES = {
    S.NOMINATED: N_("nominated"),
    S.UNDER_EVALUATION: N_("under evaluation"),
    S.APPROVED: N_("approved"),
    S.REJECTED: N_("rejected"),
    S.ASSIGNED: N_("assigned"),
    S.WITHDRAWN: N_("withdrawn"),
}


def may(role: str, move: Move) -> bool:
    """Whether ``role`` may make ``move`` at all (the team check comes on top for :data:`TEAM_BOUND`)."""
    return move in ROLE_MOVES.get(role, frozenset())


def allowed_from(move: Move) -> tuple[Status, ...]:
    """The statuses ``move`` may start from."""
    return FROM[move]


def target(move: Move, current: Status | None) -> Status:
    """The status ``move`` leaves a record in (``current``: where it was; REVIEW keeps it)."""
    to = TO[move]
    if to is None:
        assert current is not None
        return current
    return to
