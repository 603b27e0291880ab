"""Reason texts of the triage rules: catalogue message ids, filled per language."""

from __future__ import annotations

from functools import lru_cache

from tierwise.i18n import N_, Formats, Language, Message, translate

# rule kind -> reason (a catalogue message id). %(amount)s and %(average)s vary per walk-in; the other
# slots are policy constants.
TEMPLATES: dict[str, str] = {
    "vip_card": N_("holds a VIP card"),
    "asks_priority": N_("asks for priority service"),
    "asks_account_manager": N_("asks for an account manager"),
    "enquiry": N_("enquires about %(what)s: potential-VIP signal"),
    "large_early_repayment": N_("early repayment %(amount)s ≥ %(bound)s: large early repayment"),
    "potential_vip_amount": N_("%(business)s %(amount)s ≥ %(bound)s: potential-VIP amount"),
    "wealth_product_amount": N_("wealth product interest with %(amount)s ≥ product minimum %(bound)s"),
    "bill_above_average": N_("bill payment %(amount)s above the local average %(average)s: spending signal"),
    "very_large_bill": N_("bill payment %(amount)s ≥ %(bound)s: very large bill, ask what it is for"),
    "small": N_("%(business)s %(amount)s < %(bound)s: small business"),
    "bill_not_above_average": N_("bill payment %(amount)s not above the local average %(average)s: small business"),
    "bill_average_unknown": N_("bill payment %(amount)s < %(bound)s with the local average unknown: small business"),
    "counter_amount": N_(
        "%(business)s %(amount)s: not small (≥ %(small)s) and below the potential-VIP amount %(bound)s"
    ),
    "early_repayment_below": N_("early repayment %(amount)s < %(bound)s: ordinary loan business"),
    "wealth_below_minimum": N_("wealth product %(amount)s < product minimum %(bound)s"),
    "other_business": N_("other business, below the potential-VIP amount"),
    "amount_unknown": N_("%(business)s: amount not given"),
    "wealth_amount_unknown": N_("wealth product interest, amount not given (products start at %(bound)s)"),
    "business_unknown": N_("business not stated and no VIP signal"),
}

BUSINESS_NAMES: dict[str, str] = {
    "deposit": N_("deposit"),
    "withdrawal": N_("withdrawal"),
    "remittance": N_("remittance"),
    "bill_payment": N_("bill payment"),
    "early_repayment": N_("early repayment"),
    "wealth_product": N_("wealth product"),
    "other": N_("other business"),
    "": N_("amount (business not stated)"),
}

ENQUIRY_NAMES: dict[str, str] = {
    "vip_service": N_("VIP service"),
    "forex": N_("foreign exchange"),
    "safe_deposit": N_("safe-deposit boxes"),
    "study_abroad": N_("study abroad"),
    "deposit_certificate": N_("deposit certificates"),
    "wealth_product": N_("wealth products"),
}

PER_ROW_FIELDS = ("amount", "average")


def money_text(value: float) -> str:
    """An amount as shown in reasons, ``5,200,000.00``: cents are ``round(value * 100)``, half to even.

    The batch path (:func:`tierwise.triage.batch.format_money`) rounds the same way, so both agree on
    every amount, including ones with fractions of a cent.
    """
    cents = round(value * 100)
    return f"{cents // 100:,}.{cents % 100:02d}"


@lru_cache(maxsize=1024)  # a policy's templates are few; building one through Babel costs ~100 µs
def reason_template(
    kind: str, lang: Language, *, business: str | None = None, enquiry: str | None = None, **bounds: float
) -> str:
    """The reason text of a rule kind with the policy constants filled in; ``{amount}``/``{average}`` stay.

    >>> reason_template("small", "en", business="deposit", bound=20000)
    'deposit {amount} < 20,000: small business'
    """
    fields: dict[str, object] = {field: "{" + field + "}" for field in PER_ROW_FIELDS}
    if business is not None:
        fields["business"] = Message(BUSINESS_NAMES[business])
    if enquiry is not None:
        fields["what"] = Message(ENQUIRY_NAMES[enquiry])
    formats = Formats(lang)
    fields.update((name, formats.bound(value)) for name, value in bounds.items())
    return translate(Message(TEMPLATES[kind], fields), lang)
