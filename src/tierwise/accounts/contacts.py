"""The decision-maker map (决策链): each contact's role in the purchase, attitude and influence, and how
well the people who decide a purchase are covered.

Coverage of one customer's contacts as of a day: the purchase roles nobody holds, the supporters not met
for more than N days (the last contact, else never), and the opponents of high influence. Stored values are
read leniently (``Decision maker``, ``decision-maker`` and ``decision_maker`` are one role; ``supportive``
is a supporter, ``against`` an opponent); new values are written as the codes below.

>>> people = [MapContact("Zhang", "decision maker", "supportive", "high", None)]
>>> c = coverage(people, dt.date(2026, 3, 10), supporter_days=90)
>>> [r.value for r in c.missing_roles[:2]], [p.name for p in c.supporters_not_met]
(['influencer', 'user'], ['Zhang'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from tierwise.i18n import N_


class PurchaseRole(StrEnum):
    """A contact's role in the purchase (the buying centre)."""

    DECISION_MAKER = "decision_maker"
    INFLUENCER = "influencer"
    USER = "user"
    GATEKEEPER = "gatekeeper"
    BUDGET_HOLDER = "budget_holder"
    TECHNICAL_EVALUATOR = "technical_evaluator"


class Attitude(StrEnum):
    """A contact's attitude towards us."""

    SUPPORTER = "supporter"
    NEUTRAL = "neutral"
    OPPONENT = "opponent"


class Influence(StrEnum):
    """How much a contact weighs in the purchase."""

    HIGH = "high"
    MID = "mid"
    LOW = "low"


ROLE_NAMES = {
    PurchaseRole.DECISION_MAKER: N_("decision maker"),
    PurchaseRole.INFLUENCER: N_("influencer"),
    PurchaseRole.USER: N_("user"),
    PurchaseRole.GATEKEEPER: N_("gatekeeper"),
    PurchaseRole.BUDGET_HOLDER: N_("budget holder"),
    PurchaseRole.TECHNICAL_EVALUATOR: N_("technical evaluator"),
}
ATTITUDE_NAMES = {
    Attitude.SUPPORTER: N_("supporter"),
    Attitude.NEUTRAL: N_("neutral"),
    Attitude.OPPONENT: N_("opponent"),
}
INFLUENCE_NAMES = {Influence.HIGH: N_("high"), Influence.MID: N_("mid"), Influence.LOW: N_("low")}
#: the roles a key account must have a contact for, or it raises an alert (the alert's default)
DECISION_ROLES = (PurchaseRole.DECISION_MAKER, PurchaseRole.BUDGET_HOLDER)
SYNONYMS = {"supportive": "supporter", "support": "supporter", "against": "opponent", "opposed": "opponent",
            "medium": "mid", "middle": "mid"}  # fmt: skip


def code_of(text: str | None) -> str | None:
    """A stored value as a code: trimmed, lower case, spaces and hyphens as underscores, synonyms mapped.

    >>> code_of(" Decision-Maker "), code_of("supportive"), code_of(None)
    ('decision_maker', 'supporter', None)
    """
    if text is None or not text.strip():
        return None
    code = text.strip().lower().replace(" ", "_").replace("-", "_")
    return SYNONYMS.get(code, code)


@dataclass(frozen=True)
class MapContact:
    """One contact on the map, as stored."""

    name: str
    purchase_role: str | None
    attitude: str | None
    influence: str | None
    last_contact: dt.date | None


@dataclass(frozen=True)
class Coverage:
    """How the decision makers of one customer are covered as of a day."""

    as_of: dt.date
    missing_roles: tuple[PurchaseRole, ...]
    supporters_not_met: tuple[MapContact, ...]  # supporters whose last contact is more than N days ago, or never
    high_influence_opponents: tuple[MapContact, ...]

    @property
    def missing_decision_roles(self) -> tuple[PurchaseRole, ...]:
        """The decision roles (:data:`DECISION_ROLES`) nobody holds."""
        return tuple(r for r in self.missing_roles if r in DECISION_ROLES)


def coverage(contacts: Iterable[MapContact], as_of: dt.date, *, supporter_days: int) -> Coverage:
    """The coverage of one customer's contacts as of ``as_of`` (a supporter last met exactly
    ``supporter_days`` days ago is still met)."""
    people = list(contacts)
    held = {code_of(p.purchase_role) for p in people}
    missing = tuple(r for r in PurchaseRole if r.value not in held)
    unmet = tuple(
        p
        for p in people
        if code_of(p.attitude) == Attitude.SUPPORTER
        and (p.last_contact is None or (as_of - p.last_contact).days > supporter_days)
    )
    opponents = tuple(
        p for p in people if code_of(p.attitude) == Attitude.OPPONENT and code_of(p.influence) == Influence.HIGH
    )
    return Coverage(as_of, missing, unmet, opponents)
