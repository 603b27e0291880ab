"""Roles as data: what each role may do, which customers it sees, and who may reveal personal data.

Five roles (issue 12): ``admin`` runs users, settings and the audit log; ``analyst`` works on policies and
runs over all customers with personal data masked; ``manager`` sees their team's customers and may reveal
personal data with a reason; ``account_manager`` sees only the customers they own, everywhere; ``lobby``
triages walk-ins and verifies identities, and sees no customer record. A sixth role, ``system``, is no
user's: it is the command line and the scheduled jobs acting for whoever runs them, and may do and see
everything (a user can never be given it, so no request of the API acts as the system).

Services ask :func:`require` before they act and filter every customer query by :func:`visibility`;
a customer the caller may not see is reported as not found (:class:`~tierwise.errors.NotFoundError`), never as
forbidden, so its existence does not leak.

>>> alice = Actor("alice", "account_manager", teams=frozenset({"north"}))
>>> may(alice, "visits.write"), may(alice, "policies.write")
(True, False)
>>> visibility(alice).allows(owner="alice", team="north"), visibility(alice).allows(owner="bob", team="north")
(True, False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, get_args

from tierwise.errors import NotFoundError, PermissionDeniedError, UsageError
from tierwise.i18n import Message

Role = Literal["admin", "analyst", "manager", "account_manager", "lobby"]
ROLES: tuple[Role, ...] = get_args(Role)  # the roles a user can have
SYSTEM_ROLE = "system"
ActorRole = Role | Literal["system"]

Action = Literal[
    "customers.read",
    "customers.export",
    "pii.reveal",
    "policies.read",
    "policies.write",
    "runs.read",
    "runs.create",
    "imports.read",
    "imports.write",
    "visits.write",
    "complaints.write",
    "surveys.write",
    "contacts.write",
    "plan.read",
    "alerts.read",
    "triage.decide",
    "identity.verify",
    "key_accounts.nominate",
    "key_accounts.approve",
    "jobs.read",
    "users.manage",
    "settings.manage",
    "audit.read",
    "audit.verify",
]
ACTIONS: tuple[Action, ...] = get_args(Action)


class Scope(StrEnum):
    """Which customers a role sees."""

    ALL = "all"
    TEAM = "team"  # customers of the teams the user belongs to, and those they own
    OWN = "own"  # customers whose owner is the user
    NONE = "none"


_CUSTOMER_WORK: frozenset[Action] = frozenset(
    {"customers.read", "customers.export", "runs.read", "plan.read", "alerts.read", "jobs.read"}
)
_CARDS: frozenset[Action] = frozenset({"visits.write", "complaints.write", "surveys.write", "contacts.write"})
_ADMINISTRATION: frozenset[Action] = frozenset({"users.manage", "settings.manage", "audit.read", "audit.verify"})
_ADMINISTRATION |= frozenset({"jobs.read", "customers.read", "runs.read", "imports.read", "imports.write"})
_ADMINISTRATION |= frozenset({"policies.read"})
_NOMINATE: frozenset[Action] = frozenset({"key_accounts.nominate"})  # nominate a key account, gather its evidence

ROLE_ACTIONS: Mapping[Role, frozenset[Action]] = {
    "admin": _ADMINISTRATION,
    "analyst": _CUSTOMER_WORK
    | _NOMINATE
    | {"policies.read", "policies.write", "runs.create", "imports.read", "imports.write"},
    "manager": _CUSTOMER_WORK
    | _CARDS
    | _NOMINATE
    | {"pii.reveal", "key_accounts.approve", "policies.read", "identity.verify"},
    "account_manager": _CUSTOMER_WORK | _CARDS | _NOMINATE | {"policies.read", "identity.verify", "triage.decide"},
    "lobby": frozenset({"triage.decide", "identity.verify"}),
}

ROLE_SCOPE: Mapping[Role, Scope] = {
    "admin": Scope.ALL,
    "analyst": Scope.ALL,
    "manager": Scope.TEAM,
    "account_manager": Scope.OWN,
    "lobby": Scope.NONE,
}

MIN_REVEAL_REASON = 10  # characters: "checking" is not a reason; "customer asked to update phone" is


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user name, their role and the teams they belong to (``system`` for jobs and the CLI)."""

    name: str
    role: ActorRole
    teams: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.role != SYSTEM_ROLE:
            check_role(self.role)

    @property
    def is_system(self) -> bool:
        """Whether no person is acting (the command line or a scheduled job)."""
        return self.role == SYSTEM_ROLE


SYSTEM = Actor("system", SYSTEM_ROLE)


def check_role(role: str) -> Role:
    """``role`` when a user can have it; a :class:`~tierwise.errors.UsageError` naming the roles otherwise.

    >>> check_role("lobby")
    'lobby'
    """
    if role not in ROLES:
        raise UsageError(
            Message("unknown role %(role)s (roles: %(roles)s)", {"role": repr(role), "roles": ", ".join(ROLES)})
        )
    return role  # type: ignore[return-value]


@dataclass(frozen=True)
class Visibility:
    """The customers an actor sees, as a rule a query can apply: everyone, or owners / teams listed."""

    everyone: bool
    owners: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()

    def allows(self, *, owner: str | None, team: str | None) -> bool:
        """Whether a customer with this ``owner`` and ``team`` is visible."""
        return (
            self.everyone or (owner is not None and owner in self.owners) or (team is not None and team in self.teams)
        )

    @property
    def nothing(self) -> bool:
        """Whether no customer at all is visible (a query can answer empty without running)."""
        return not self.everyone and not self.owners and not self.teams


def may(actor: Actor, action: Action) -> bool:
    """Whether ``actor``'s role may do ``action``."""
    if action not in ACTIONS:
        raise UsageError(Message("unknown action %(action)s", {"action": repr(action)}))
    return actor.is_system or action in ROLE_ACTIONS[actor.role]  # type: ignore[index]


def require(actor: Actor, action: Action) -> None:
    """Raise :class:`~tierwise.errors.PermissionDeniedError` unless ``actor`` may do ``action``."""
    if not may(actor, action):
        raise PermissionDeniedError(
            Message("the %(role)s role may not do %(action)s", {"role": actor.role, "action": action})
        )


def visibility(actor: Actor) -> Visibility:
    """The customers ``actor`` sees: account managers their own, managers their teams' (and their own), the
    analyst and admin roles (and the system) all, the lobby none."""
    scope = Scope.ALL if actor.is_system else ROLE_SCOPE[actor.role]  # type: ignore[index]
    if scope is Scope.ALL:
        return Visibility(everyone=True)
    if scope is Scope.TEAM:
        return Visibility(everyone=False, owners=frozenset({actor.name}), teams=actor.teams)
    if scope is Scope.OWN:
        return Visibility(everyone=False, owners=frozenset({actor.name}))
    return Visibility(everyone=False)


def require_visible(actor: Actor, *, customer_id: str, owner: str | None, team: str | None) -> None:
    """Raise :class:`~tierwise.errors.NotFoundError` (never "forbidden") for a customer ``actor`` may not see."""
    if not visibility(actor).allows(owner=owner, team=team):
        raise NotFoundError(Message("no customer %(id)s", {"id": repr(customer_id)}))


def check_reveal(actor: Actor, reason: str | None, *, customer_id: str, owner: str | None, team: str | None) -> str:
    """Allow a reveal of one personal field to ``actor`` for a visible customer with a written reason.

    Returns the trimmed reason (the audit entry records it). Only the manager role may reveal; a customer
    outside their teams is not found; a reason shorter than 10 characters is refused.
    """
    require_visible(actor, customer_id=customer_id, owner=owner, team=team)
    require(actor, "pii.reveal")
    text = (reason or "").strip()
    if len(text) < MIN_REVEAL_REASON:
        raise UsageError(
            Message("revealing personal data needs a reason of at least %(n)s characters", {"n": MIN_REVEAL_REASON})
        )
    return text
