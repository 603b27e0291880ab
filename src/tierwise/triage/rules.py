"""The triage rules, written once for one walk-in or a table of them: which rules fire for whom.

Each rule has a *kind of effect*: ``vip`` and ``potential_vip`` signals, ``assess`` (the lobby manager must
find out more), and ordinary business served at ``self_service`` or at the ``counter``. The flow is the
strongest effect that fired: vip > potential_vip > assess > ordinary (self-service or counter).
The "ask" rules (amount or business unknown) fire only when no VIP or potential-VIP signal did, since
then the answer would not change the flow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
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


def evaluate(cols: WalkInColumns, policy: TriagePolicy) -> list[Fired]:
    """Every triage rule of ``policy`` applied to ``cols``, in the order reasons are listed."""
    b = policy.bounds
    is_, amount, known = cols.business, cols.amount, cols.amount_known
    unknown = known ^ True
    rules: list[Fired] = []

    def add(effect: Effect, mask: bool | np.ndarray, kind: str, **constants: object) -> None:
        rules.append(Fired(kind, effect, mask, constants))

    def amount_at(value: float) -> bool | np.ndarray:
        return known & (amount >= value)

    def amount_below(value: float) -> bool | np.ndarray:
        return known & (amount < value)

    for flag in ("vip_card", "asks_priority", "asks_account_manager"):
        add("vip", getattr(cols, flag), flag)

    for enquiry in policy.potential_vip_enquiries:
        add("potential_vip", cols.enquiries[enquiry], "enquiry", enquiry=enquiry)
    add(
        "potential_vip",
        is_["early_repayment"] & amount_at(b.large_early_repayment_at),
        "large_early_repayment",
        bound=b.large_early_repayment_at,
    )
    at = b.potential_vip_at
    for code, bound in (
        ("deposit", at.deposit),
        ("withdrawal", at.withdrawal),
        ("remittance", at.remittance),
        ("other", at.other),
        ("", at.other),
    ):
        add("potential_vip", is_[code] & amount_at(bound), "potential_vip_amount", business=code, bound=bound)
    wealth_interest = is_["wealth_product"] | cols.enquiries["wealth_product"]
    add(
        "potential_vip",
        wealth_interest & amount_at(b.product_minimum),
        "wealth_product_amount",
        bound=b.product_minimum,
    )

    bill = is_["bill_payment"] & known
    average, average_known = effective_average(cols, policy)
    very_large = bill & (amount >= b.bill_payment.very_large_at)
    usual_bill = bill & (amount < b.bill_payment.very_large_at)
    add("potential_vip", usual_bill & average_known & (amount > average), "bill_above_average")
    add("assess", very_large, "very_large_bill", bound=b.bill_payment.very_large_at)

    for code in ("deposit", "withdrawal", "remittance"):
        small = getattr(b.small_below, code)
        add("self_service", is_[code] & amount_below(small), "small", business=code, bound=small)
    add("self_service", usual_bill & average_known & (amount <= average), "bill_not_above_average")
    add("self_service", usual_bill & (average_known ^ True), "bill_average_unknown", bound=b.bill_payment.very_large_at)

    for code in ("deposit", "withdrawal", "remittance"):
        small, bound = getattr(b.small_below, code), getattr(at, code)
        add(
            "counter",
            is_[code] & known & (amount >= small) & (amount < bound),
            "counter_amount",
            business=code,
            small=small,
            bound=bound,
        )
    add(
        "counter",
        is_["early_repayment"] & amount_below(b.large_early_repayment_at),
        "early_repayment_below",
        bound=b.large_early_repayment_at,
    )
    add(
        "counter",
        is_["wealth_product"] & amount_below(b.product_minimum),
        "wealth_below_minimum",
        bound=b.product_minimum,
    )
    add("counter", is_["other"] & (unknown | (amount < at.other)), "other_business")

    signal = known & False
    for rule in rules:
        if rule.effect in ("vip", "potential_vip"):
            signal = signal | rule.mask
    quiet = signal ^ True
    for code in NEEDS_AMOUNT:
        add("assess", is_[code] & unknown & quiet, "amount_unknown", business=code)
    add(
        "assess",
        wealth_interest & unknown & (is_["other"] | is_[""]) & quiet,
        "wealth_amount_unknown",
        bound=b.product_minimum,
    )

    # the fallback: nothing else fired (no business, no signal, no usable amount)
    anything = known & False
    for rule in rules:
        anything = anything | rule.mask
    add("assess", anything ^ True, "business_unknown")
    return rules
