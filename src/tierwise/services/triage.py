"""Use case: route one bank-lobby walk-in (厅堂识别分流) by a triage policy, for the roles that may."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tierwise.i18n import N_
from tierwise.policy_files import PolicyRef
from tierwise.services.access import require_action
from tierwise.services.context import ServiceContext
from tierwise.triage import Decision, TriagePolicy, load_triage_policy, triage
from tierwise.triage.policy import BUSINESSES, ENQUIRIES
from tierwise.triage.reasons import BUSINESS_NAMES, ENQUIRY_NAMES

SIGNALS: tuple[tuple[str, str], ...] = (
    ("vip_card", N_("VIP card")),
    ("asks_priority", N_("Asks for priority")),
    ("asks_account_manager", N_("Asks for an account manager")),
)


@dataclass(frozen=True)
class WalkInChoices:
    """What a lobby form offers: the signals, businesses and enquiries, each with its message id."""

    signals: tuple[tuple[str, str], ...]
    businesses: tuple[tuple[str, str], ...]
    enquiries: tuple[tuple[str, str], ...]


def walk_in_choices(ctx: ServiceContext) -> WalkInChoices:
    """The choices of the lobby form (for the roles that triage walk-ins)."""
    require_action(ctx, "triage.decide")
    return WalkInChoices(
        SIGNALS,
        tuple((code, BUSINESS_NAMES[code]) for code in BUSINESSES),
        tuple((code, ENQUIRY_NAMES[code]) for code in ENQUIRIES),
    )


def decide_walk_in(
    ctx: ServiceContext, walk_in: dict[str, Any], policy: PolicyRef, *, lang: str | None = None
) -> Decision:
    """The flow, reasons and next step for ``walk_in`` (the walk-in's fields as a mapping)."""
    return decide(ctx, walk_in, load_triage_policy(policy), lang=lang)


def decide(ctx: ServiceContext, walk_in: Any, policy: TriagePolicy, *, lang: str | None = None) -> Decision:
    """:func:`decide_walk_in` with the policy already loaded (the API's hot path): for the roles that triage."""
    require_action(ctx, "triage.decide")
    return triage(walk_in, policy, lang=lang or ctx.settings.lang)  # type: ignore[arg-type]
