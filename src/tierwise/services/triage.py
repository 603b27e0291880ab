"""Use case: route one bank-lobby walk-in (厅堂识别分流) by a triage policy."""

from __future__ import annotations

from typing import Any

from tierwise.policy_files import PolicyRef
from tierwise.services.access import require_action
from tierwise.services.context import ServiceContext
from tierwise.triage import Decision, TriagePolicy, load_triage_policy, triage


def decide_walk_in(
    ctx: ServiceContext, walk_in: dict[str, Any], policy: PolicyRef, *, lang: str | None = None
) -> Decision:
    """The flow, reasons and next step for ``walk_in`` (the walk-in's fields as a mapping)."""
    return decide(ctx, walk_in, load_triage_policy(policy), lang=lang)


def decide(ctx: ServiceContext, walk_in: Any, policy: TriagePolicy, *, lang: str | None = None) -> Decision:
    """:func:`decide_walk_in` with the policy already loaded (the API's hot path): for the roles that triage."""
    require_action(ctx, "triage.decide")
    return triage(walk_in, policy, lang=lang or ctx.settings.lang)  # type: ignore[arg-type]
