"""From fired rules to decisions: the flow, the next step and the reasons, for one walk-in or many."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from tierwise.triage.policy import Lang, TriagePolicy
from tierwise.triage.reasons import fill, format_money
from tierwise.triage.rules import Fired, WalkInColumns, effective_average, evaluate
from tierwise.triage.walk_in import Decision, WalkIn, parse_walk_in

Choices = list[tuple[Any, str]]


def _choices(rules: list[Fired]) -> tuple[Choices, Choices]:
    """The flow and the next step as ordered (condition, code) pairs: the first condition that holds wins.

    Conditions are numpy booleans, scalar or per walk-in; the defaults are ``ordinary`` and ``self_service``.
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


def _decision(policy: TriagePolicy, lang: Lang, flow: str, step: str, reasons: tuple[str, ...]) -> Decision:
    return Decision(
        flow=flow,
        label=policy.flows[flow].in_lang(lang),
        reasons=reasons,
        next_step_code=step,
        next_step=policy.next_steps[step].in_lang(lang),
        policy=policy.name,
        policy_version=policy.version,
    )


def triage(walk_in: dict[str, Any] | WalkIn, policy: TriagePolicy, *, lang: Lang = "en") -> Decision:
    """Decide how to route one walk-in customer under a triage ``policy``; reasons and next step in ``lang``.

    A dict is validated strictly first (:class:`~tierwise.errors.UsageError` names any bad field).

    >>> from tierwise.triage import load_triage_policy
    >>> triage({"business": "deposit", "amount": 5000}, load_triage_policy("bank-lobby")).flow
    'ordinary'
    """
    cols = WalkInColumns.from_walk_in(parse_walk_in(walk_in))
    rules = evaluate(cols, policy)
    flows, steps = _choices(rules)
    flow = next((code for holds, code in flows if holds), "ordinary")
    step = next((code for holds, code in steps if holds), "self_service")
    reasons = []
    for rule in rules:
        if rule.mask:
            template = rule.template(lang)
            values = {"amount": f"{cols.amount:,.2f}"}
            if "{average}" in template:
                values["average"] = f"{effective_average(cols, policy)[0]:,.2f}"
            reasons.append(template.format(**values))
    return _decision(policy, lang, flow, step, tuple(reasons))


@dataclass(frozen=True)
class Decisions:
    """Decisions for many walk-ins: flow and next-step codes per walk-in, and the reasons as a list array."""

    flow: np.ndarray
    next_step_code: np.ndarray
    reasons: pa.ListArray


def decide_columns(cols: WalkInColumns, policy: TriagePolicy, lang: Lang = "en") -> Decisions:
    """Apply every rule of ``policy`` to the walk-ins in ``cols`` (numpy arrays) at once."""
    rules = evaluate(cols, policy)
    flows, steps = _choices(rules)
    flow = np.select([holds for holds, _ in flows], [code for _, code in flows], "ordinary").astype(object)
    step = np.select([holds for holds, _ in steps], [code for _, code in steps], "self_service").astype(object)
    return Decisions(flow, step, _reasons(rules, cols, policy, lang))


def _reasons(rules: list[Fired], cols: WalkInColumns, policy: TriagePolicy, lang: Lang) -> pa.ListArray:
    """Each walk-in's fired reasons, in rule order, as one list per walk-in (no loop over walk-ins)."""
    n = len(cols.amount)
    per_row = {"amount": cols.amount, "average": effective_average(cols, policy)[0]}
    rows, order, texts = [], [], []
    for position, rule in enumerate(rules):
        hit = np.flatnonzero(rule.mask)
        if hit.size == 0:
            continue
        template = rule.template(lang)
        fields = {name: format_money(values[hit]) for name, values in per_row.items()
                  if "{" + name + "}" in template}
        rows.append(hit)
        order.append(np.full(hit.size, position))
        texts.append(fill(template, fields, hit.size))
    if not rows:
        return pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], pa.string()))
    rows_all, order_all = np.concatenate(rows), np.concatenate(order)
    sort = np.lexsort((order_all, rows_all))
    values = pa.array(np.concatenate(texts)[sort], type=pa.string())
    offsets = np.concatenate([[0], np.cumsum(np.bincount(rows_all, minlength=n))]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), values)
