"""The complaint card's life cycle (抱怨管理): open → in progress → resolved → closed, and reopening.

A complaint may also be resolved straight from open (settled on the first call). A resolved or closed
complaint may be reopened (back to open); the reopening is recorded like every other change. Any other
move is refused with the moves the current status allows.

>>> check_transition("C1", "open", "in_progress")
<ComplaintStatus.IN_PROGRESS: 'in_progress'>
>>> check_transition("C1", "in_progress", "open")
Traceback (most recent call last):
...
tierwise.errors.RecordError: complaint C1 is in_progress and cannot move to open; from in_progress it can move to: ...
"""

from __future__ import annotations

from enum import StrEnum

from tierwise.errors import RecordError
from tierwise.i18n import N_, Message


class ComplaintStatus(StrEnum):
    """Where a complaint stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


S = ComplaintStatus
TRANSITIONS: dict[ComplaintStatus, tuple[ComplaintStatus, ...]] = {
    S.OPEN: (S.IN_PROGRESS, S.RESOLVED),
    S.IN_PROGRESS: (S.RESOLVED,),
    S.RESOLVED: (S.CLOSED, S.OPEN),
    S.CLOSED: (S.OPEN,),
}
#: statuses in which a complaint still waits for the customer's problem to be solved
UNRESOLVED = (S.OPEN, S.IN_PROGRESS)

_UNKNOWN = N_("unknown complaint status %(value)s; statuses: %(statuses)s")
_ILLEGAL = N_(
    "complaint %(id)s is %(current)s and cannot move to %(target)s; from %(current)s it can move to: %(allowed)s"
)


def parse_status(value: str) -> ComplaintStatus:
    """A status from its code (``in_progress``; ``in progress`` and ``in-progress`` are read alike)."""
    code = value.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return ComplaintStatus(code)
    except ValueError:
        statuses = ", ".join(s.value for s in ComplaintStatus)
        raise RecordError(Message(_UNKNOWN, {"value": repr(value), "statuses": statuses})) from None


def check_transition(complaint_id: str, current: str, target: str) -> ComplaintStatus:
    """The target status when ``current → target`` is allowed; a :class:`RecordError` naming both otherwise."""
    now, then = parse_status(current), parse_status(target)
    allowed = TRANSITIONS[now]
    if then not in allowed:
        params = {"id": complaint_id, "current": now.value, "target": then.value}
        raise RecordError(Message(_ILLEGAL, {**params, "allowed": ", ".join(s.value for s in allowed)}))
    return then


def is_reopening(current: str, target: str) -> bool:
    """Whether the move takes a settled complaint (resolved or closed) back to open."""
    return parse_status(target) is S.OPEN and parse_status(current) in (S.RESOLVED, S.CLOSED)
