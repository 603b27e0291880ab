"""The triage rules, written once for one walk-in or a table of them: which rules fire for whom.

Each rule has a *kind of effect*: ``vip`` and ``potential_vip`` signals, ``assess`` (the lobby manager must
find out more), and ordinary business served at ``self_service`` or at the ``counter``. The flow is the
strongest effect that fired: vip > potential_vip > assess > ordinary (self-service or counter).
The "ask" rules (amount or business unknown) fire only when no VIP or potential-VIP signal did, since
then the answer would not change the flow.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np

from tierwise.i18n import Language
from tierwise.triage.policy import BUSINESSES, ENQUIRIES, TriagePolicy
from tierwise.triage.reasons import reason_template
from tierwise.triage.walk_in import WalkIn

Effect = Literal["vip", "potential_vip", "assess", "self_service", "counter"]
NEEDS_AMOUNT = ("deposit", "withdrawal", "remittance", "bill_payment", "early_repayment", "wealth_product")
BUSINESS_CODES = (*BUSINESSES, "")


@dataclass(frozen=True)
class WalkInColumns:
    """Walk-ins as values for the rules: one walk-in as Python scalars, many as equal-length numpy arrays.

    The rules use only operators that mean the same on both — ``&``, ``|``, comparisons, and ``^ True``
    for "not" (``~True`` is ``-2``) — so one set of rules serves a single fast decision and a vectorised
    batch. ``enquiries`` and ``business`` hold one boolean per enquiry kind and per business code (``""``:
    business not stated); an unknown amount is NaN with ``amount_known`` false.
    """

    vip_card: bool | np.ndarray
    asks_priority: bool | np.ndarray
    asks_account_manager: bool | np.ndarray
    enquiries: dict[str, bool | np.ndarray]
    business: dict[str, bool | np.ndarray]
    amount: float | np.ndarray
    amount_known: bool | np.ndarray
    local_average_bill: float | np.ndarray
    local_average_known: bool | np.ndarray

    @classmethod
    def from_walk_in(cls, walk_in: WalkIn) -> WalkInColumns:
        """One walk-in as Python scalars."""
        business = walk_in.business or ""
        return cls(
            vip_card=walk_in.vip_card,
            asks_priority=walk_in.asks_priority,
            asks_account_manager=walk_in.asks_account_manager,
            enquiries={kind: kind in walk_in.enquiries for kind in ENQUIRIES},
            business={code: code == business for code in BUSINESS_CODES},
            amount=math.nan if walk_in.amount is None else walk_in.amount,
            amount_known=walk_in.amount is not None,
            local_average_bill=math.nan if walk_in.local_average_bill is None else walk_in.local_average_bill,
            local_average_known=walk_in.local_average_bill is not None,
        )


class Fired(NamedTuple):
    """A rule applied to the walk-ins: its kind, its effect, for whom it fired, and its reason constants."""

    kind: str
    effect: Effect
    mask: bool | np.ndarray
    constants: dict[str, object]

    def template(self, lang: Language) -> str:
        """The reason text with the policy constants filled in; ``{amount}``/``{average}`` stay per walk-in."""
        return reason_template(self.kind, lang, **self.constants)


def effective_average(cols: WalkInColumns, policy: TriagePolicy) -> tuple[float | np.ndarray, bool | np.ndarray]:
    """The local average bill per walk-in, its own when given, else the policy's; and whether it is known."""
    fallback = policy.bounds.bill_payment.local_average
    own, known = cols.local_average_bill, cols.local_average_known
    if fallback is None:
        return own, known
    if isinstance(own, float):  # one walk-in
        return (own if known else fallback), True
    return np.where(known, own, fallback), known | True


class Terms(NamedTuple):
    """What several rules test, worked out once per evaluation from the walk-ins and the policy."""

    cols: WalkInColumns
    is_: dict[str, bool | np.ndarray]  # business code -> whether it is the walk-in's
    amount: float | np.ndarray
    known: bool | np.ndarray
    unknown: bool | np.ndarray
    wealth_interest: bool | np.ndarray
    average: float | np.ndarray
    average_known: bool | np.ndarray
    very_large: bool | np.ndarray
    usual_bill: bool | np.ndarray


def terms_of(cols: WalkInColumns, policy: TriagePolicy) -> Terms:
    """The terms of ``cols`` under ``policy``."""
    is_, amount, known = cols.business, cols.amount, cols.amount_known
    bill = is_["bill_payment"] & known
    very_large_at = policy.bounds.bill_payment.very_large_at
    average, average_known = effective_average(cols, policy)
    return Terms(
        cols,
        is_,
        amount,
        known,
        known ^ True,
        is_["wealth_product"] | cols.enquiries["wealth_product"],
        average,
        average_known,
        bill & (amount >= very_large_at),
        bill & (amount < very_large_at),
    )


Condition = Callable[[Terms], "bool | np.ndarray"]
QuietCondition = Callable[[Terms, "bool | np.ndarray"], "bool | np.ndarray"]


class Rule(NamedTuple):
    """One rule of a policy with its constants bound: what it grants, and when it fires."""

    kind: str
    effect: Effect
    constants: dict[str, object]
    condition: Condition


class QuietRule(NamedTuple):
    """A rule that fires only when no VIP or potential-VIP signal did (``quiet``)."""

    kind: str
    effect: Effect
    constants: dict[str, object]
    condition: QuietCondition


@dataclass(frozen=True)
class CompiledRules:
    """A policy's rules, built once: the signal and business rules, then the ones that need quiet (the
    fallback ``business_unknown`` comes last)."""

    rules: tuple[Rule, ...]
    quiet_rules: tuple[QuietRule, ...]
    _templates: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def templates(self, lang: Language) -> tuple[str, ...]:
        """The reason template of every rule in :func:`evaluate`'s order, in ``lang`` (built once per language)."""
        if lang not in self._templates:
            heads = [(r.kind, r.constants) for r in self.rules]
            heads += [(r.kind, r.constants) for r in self.quiet_rules]
            heads.append(("business_unknown", {}))
            self._templates[lang] = tuple(reason_template(kind, lang, **constants) for kind, constants in heads)  # type: ignore[arg-type]
        return self._templates[lang]


def _at(t: Terms, value: float) -> bool | np.ndarray:
    return t.known & (t.amount >= value)


def _below(t: Terms, value: float) -> bool | np.ndarray:
    return t.known & (t.amount < value)


def _flag(name: str) -> Condition:
    return lambda t: getattr(t.cols, name)


def _enquiry(kind: str) -> Condition:
    return lambda t: t.cols.enquiries[kind]


def _business_at(code: str, bound: float) -> Condition:
    return lambda t: t.is_[code] & _at(t, bound)


def _business_below(code: str, bound: float) -> Condition:
    return lambda t: t.is_[code] & _below(t, bound)


def _between(code: str, small: float, bound: float) -> Condition:
    return lambda t: t.is_[code] & t.known & (t.amount >= small) & (t.amount < bound)


def _amount_unknown(code: str) -> QuietCondition:
    return lambda t, quiet: t.is_[code] & t.unknown & quiet


def compile_rules(policy: TriagePolicy) -> CompiledRules:
    """Every rule of ``policy`` with its bounds bound, in the order reasons are listed (see :func:`evaluate`)."""
    b = policy.bounds
    at = b.potential_vip_at
    rules: list[Rule] = [
        Rule(flag, "vip", {}, _flag(flag)) for flag in ("vip_card", "asks_priority", "asks_account_manager")
    ]
    rules += [
        Rule("enquiry", "potential_vip", {"enquiry": enquiry}, _enquiry(enquiry))
        for enquiry in policy.potential_vip_enquiries
    ]
    repayment = b.large_early_repayment_at
    rules.append(
        Rule("large_early_repayment", "potential_vip", {"bound": repayment}, _business_at("early_repayment", repayment))
    )
    for code, bound in (
        ("deposit", at.deposit),
        ("withdrawal", at.withdrawal),
        ("remittance", at.remittance),
        ("other", at.other),
        ("", at.other),
    ):
        constants = {"business": code, "bound": bound}
        rules.append(Rule("potential_vip_amount", "potential_vip", constants, _business_at(code, bound)))
    minimum = b.product_minimum
    rules.append(
        Rule(
            "wealth_product_amount", "potential_vip", {"bound": minimum}, lambda t: t.wealth_interest & _at(t, minimum)
        )
    )
    very_large_at = b.bill_payment.very_large_at
    rules.append(
        Rule(
            "bill_above_average",
            "potential_vip",
            {},
            lambda t: t.usual_bill & t.average_known & (t.amount > t.average),
        )
    )
    rules.append(Rule("very_large_bill", "assess", {"bound": very_large_at}, lambda t: t.very_large))
    for code in ("deposit", "withdrawal", "remittance"):
        small = getattr(b.small_below, code)
        rules.append(Rule("small", "self_service", {"business": code, "bound": small}, _business_below(code, small)))
    rules.append(
        Rule(
            "bill_not_above_average",
            "self_service",
            {},
            lambda t: t.usual_bill & t.average_known & (t.amount <= t.average),
        )
    )
    rules.append(
        Rule(
            "bill_average_unknown",
            "self_service",
            {"bound": very_large_at},
            lambda t: t.usual_bill & (t.average_known ^ True),
        )
    )
    for code in ("deposit", "withdrawal", "remittance"):
        small, bound = getattr(b.small_below, code), getattr(at, code)
        constants = {"business": code, "small": small, "bound": bound}
        rules.append(Rule("counter_amount", "counter", constants, _between(code, small, bound)))
    rules.append(
        Rule(
            "early_repayment_below",
            "counter",
            {"bound": repayment},
            _business_below("early_repayment", repayment),
        )
    )
    rules.append(
        Rule("wealth_below_minimum", "counter", {"bound": minimum}, _business_below("wealth_product", minimum))
    )
    other_at = at.other
    rules.append(Rule("other_business", "counter", {}, lambda t: t.is_["other"] & (t.unknown | (t.amount < other_at))))
    quiet_rules = [
        QuietRule("amount_unknown", "assess", {"business": code}, _amount_unknown(code)) for code in NEEDS_AMOUNT
    ]
    quiet_rules.append(
        QuietRule(
            "wealth_amount_unknown",
            "assess",
            {"bound": minimum},
            lambda t, quiet: t.wealth_interest & t.unknown & (t.is_["other"] | t.is_[""]) & quiet,
        )
    )
    return CompiledRules(tuple(rules), tuple(quiet_rules))


_COMPILED: dict[int, tuple[TriagePolicy, CompiledRules]] = {}
_COMPILED_KEPT = 64  # policies loaded per call (a CLI run, a test) come and go; a server keeps a few


def compiled_rules(policy: TriagePolicy) -> CompiledRules:
    """:func:`compile_rules` of ``policy``, built once per policy object (a loaded policy is frozen)."""
    entry = _COMPILED.get(id(policy))
    if entry is not None and entry[0] is policy:
        return entry[1]
    if len(_COMPILED) >= _COMPILED_KEPT:
        _COMPILED.pop(next(iter(_COMPILED)))
    compiled = compile_rules(policy)
    _COMPILED[id(policy)] = (policy, compiled)
    return compiled


def evaluate(cols: WalkInColumns, policy: TriagePolicy) -> list[Fired]:
    """Every triage rule of ``policy`` applied to ``cols``, in the order reasons are listed."""
    compiled = compiled_rules(policy)
    terms = terms_of(cols, policy)
    fired = [Fired(r.kind, r.effect, r.condition(terms), r.constants) for r in compiled.rules]
    signal = terms.known & False
    for rule in fired:
        if rule.effect in ("vip", "potential_vip"):
            signal = signal | rule.mask
    quiet = signal ^ True
    fired += [Fired(r.kind, r.effect, r.condition(terms, quiet), r.constants) for r in compiled.quiet_rules]
    # the fallback: nothing else fired (no business, no signal, no usable amount)
    anything = terms.known & False
    for rule in fired:
        anything = anything | rule.mask
    fired.append(Fired("business_unknown", "assess", anything ^ True, {}))
    return fired
