"""From fired rules to a decision: the flow, the next step and the reasons of one walk-in."""

from __future__ import annotations

from typing import Any

from tierwise.i18n import Language
from tierwise.triage.policy import TriagePolicy
from tierwise.triage.reasons import money_text
from tierwise.triage.rules import Fired, WalkInColumns, compiled_rules, effective_average, evaluate
from tierwise.triage.walk_in import Decision, WalkIn, parse_walk_in

Choices = list[tuple[Any, str]]


def choices(rules: list[Fired]) -> tuple[Choices, Choices]:
    """The flow and the next step as ordered (condition, code) pairs: the first condition that holds wins.

    Conditions are Python booleans for one walk-in, numpy arrays for many; the defaults are ``ordinary``
    and ``self_service``.
    """
    nothing = rules[0].mask & False
    any_of = dict.fromkeys(("vip", "potential_vip", "assess", "self_service", "counter"), nothing)
    for rule in rules:
        any_of[rule.effect] = any_of[rule.effect] | rule.mask
    by_kind = {rule.kind: rule.mask for rule in rules}
    flows = [(any_of["vip"], "vip"), (any_of["potential_vip"], "potential_vip"), (any_of["assess"], "assess")]
    steps = [
        (any_of["vip"], "vip_area"),
        # a potential VIP doing small business: serve it at the counter and confirm the potential there
        (any_of["potential_vip"] & any_of["self_service"], "confirm_at_counter"),
        (any_of["potential_vip"], "wealth_manager"),
        (any_of["assess"] & by_kind["very_large_bill"], "check_bill"),
        (any_of["assess"] & by_kind["business_unknown"], "ask_business"),
        (any_of["assess"], "ask_amount"),
        (any_of["counter"], "counter"),
    ]
    return flows, steps


def _decision(policy: TriagePolicy, lang: Language, flow: str, step: str, reasons: tuple[str, ...]) -> Decision:
    return Decision(
        flow=flow,
        label=policy.flows[flow][lang],
        reasons=reasons,
        next_step_code=step,
        next_step=policy.next_steps[step][lang],
        policy=policy.name,
        policy_version=policy.version,
    )


def triage(walk_in: dict[str, Any] | WalkIn, policy: TriagePolicy, *, lang: Language = "en") -> Decision:
    """Decide how to route one walk-in customer under a triage ``policy``; reasons and next step in ``lang``.

    A dict is validated strictly first (:class:`~tierwise.errors.UsageError` names any bad field).

    >>> from tierwise.triage import load_triage_policy
    >>> triage({"business": "deposit", "amount": 5000}, load_triage_policy("bank-lobby")).flow
    'ordinary'
    """
    cols = WalkInColumns.from_walk_in(parse_walk_in(walk_in))
    rules = evaluate(cols, policy)
    flows, steps = choices(rules)
    flow = next((code for holds, code in flows if holds), "ordinary")
    step = next((code for holds, code in steps if holds), "self_service")
    values = {"amount": money_text(cols.amount) if cols.amount_known else ""}  # type: ignore[arg-type]
    reasons = []
    for rule, template in zip(rules, compiled_rules(policy).templates(lang), strict=True):
        if rule.mask:
            if "{average}" in template and "average" not in values:
                values["average"] = money_text(effective_average(cols, policy)[0])  # type: ignore[arg-type]
            reasons.append(template.format(**values))
    return _decision(policy, lang, flow, step, tuple(reasons))
