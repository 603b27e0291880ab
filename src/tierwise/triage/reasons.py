"""Reason texts of the triage rules in English and Chinese."""

from __future__ import annotations

from tierwise.triage.policy import Lang

# rule kind -> (en, zh). {amount} and {average} vary per walk-in; the other fields are policy constants.
TEMPLATES: dict[str, tuple[str, str]] = {
    "vip_card": ("holds a VIP card", "持有VIP卡"),
    "asks_priority": ("asks for priority service", "主动要求优先办理"),
    "asks_account_manager": ("asks for an account manager", "要求客户经理服务"),
    "enquiry": ("enquires about {what}: potential-VIP signal", "咨询{what}：潜在VIP信号"),
    "large_early_repayment": (
        "early repayment {amount} ≥ {bound}: large early repayment",
        "提前还款 {amount} ≥ {bound}：大额提前还款",
    ),
    "potential_vip_amount": (
        "{business} {amount} ≥ {bound}: potential-VIP amount",
        "{business} {amount} ≥ {bound}：达到潜在VIP金额",
    ),
    "wealth_product_amount": (
        "wealth product interest with {amount} ≥ product minimum {bound}",
        "有意购买理财产品，金额 {amount} ≥ 起购金额 {bound}",
    ),
    "bill_above_average": (
        "bill payment {amount} above the local average {average}: spending signal",
        "缴费 {amount} 高于当地平均水平 {average}：消费能力信号",
    ),
    "very_large_bill": (
        "bill payment {amount} ≥ {bound}: very large bill, ask what it is for",
        "缴费 {amount} ≥ {bound}：超大额缴费，需了解用途",
    ),
    "small": ("{business} {amount} < {bound}: small business", "{business} {amount} < {bound}：小额业务"),
    "bill_not_above_average": (
        "bill payment {amount} not above the local average {average}: small business",
        "缴费 {amount} 不高于当地平均水平 {average}：小额业务",
    ),
    "bill_average_unknown": (
        "bill payment {amount} < {bound} with the local average unknown: small business",
        "缴费 {amount} < {bound}（当地平均水平未知）：小额业务",
    ),
    "counter_amount": (
        "{business} {amount}: not small (≥ {small}) and below the potential-VIP amount {bound}",
        "{business} {amount}：非小额（≥ {small}）且低于潜在VIP金额 {bound}",
    ),
    "early_repayment_below": (
        "early repayment {amount} < {bound}: ordinary loan business",
        "提前还款 {amount} < {bound}：普通贷款业务",
    ),
    "wealth_below_minimum": (
        "wealth product {amount} < product minimum {bound}",
        "理财产品金额 {amount} < 起购金额 {bound}",
    ),
    "other_business": ("other business, below the potential-VIP amount", "其他业务，未达潜在VIP金额"),
    "amount_unknown": ("{business}: amount not given", "{business}：未提供金额"),
    "wealth_amount_unknown": (
        "wealth product interest, amount not given (products start at {bound})",
        "有意购买理财产品，未提供金额（起购金额 {bound}）",
    ),
    "business_unknown": ("business not stated and no VIP signal", "未说明办理业务，且无VIP信号"),
}

BUSINESS_NAMES: dict[str, tuple[str, str]] = {
    "deposit": ("deposit", "存款"),
    "withdrawal": ("withdrawal", "取款"),
    "remittance": ("remittance", "汇款"),
    "bill_payment": ("bill payment", "缴费"),
    "early_repayment": ("early repayment", "提前还款"),
    "wealth_product": ("wealth product", "理财产品"),
    "other": ("other business", "其他业务"),
    "": ("amount (business not stated)", "金额（未说明业务）"),
}

ENQUIRY_NAMES: dict[str, tuple[str, str]] = {
    "vip_service": ("VIP service", "VIP服务"),
    "forex": ("foreign exchange", "外汇业务"),
    "safe_deposit": ("safe-deposit boxes", "保管箱"),
    "study_abroad": ("study abroad", "出国留学业务"),
    "deposit_certificate": ("deposit certificates", "存款证明"),
    "wealth_product": ("wealth products", "理财产品"),
}

PER_ROW_FIELDS = ("amount", "average")


def name_in(names: tuple[str, str], lang: Lang) -> str:
    """Pick the zh or en entry of an (en, zh) pair."""
    return names[1] if lang == "zh" else names[0]


def bound_text(value: float) -> str:
    """A policy bound as shown in reasons: thousands separators, cents only when it has some (20,000)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def money_text(value: float) -> str:
    """An amount as shown in reasons, ``5,200,000.00``: cents are ``round(value * 100)``, half to even.

    The batch path (:func:`tierwise.triage.batch.format_money`) rounds the same way, so both agree on
    every amount, including ones with fractions of a cent.
    """
    cents = round(value * 100)
    return f"{cents // 100:,}.{cents % 100:02d}"


def reason_template(
    kind: str, lang: Lang, *, business: str | None = None, enquiry: str | None = None, **bounds: float
) -> str:
    """The reason text of a rule kind with the policy constants filled in; ``{amount}``/``{average}`` stay.

    >>> reason_template("small", "en", business="deposit", bound=20000)
    'deposit {amount} < 20,000: small business'
    """
    fields: dict[str, str] = {field: "{" + field + "}" for field in PER_ROW_FIELDS}
    if business is not None:
        fields["business"] = name_in(BUSINESS_NAMES[business], lang)
    if enquiry is not None:
        fields["what"] = name_in(ENQUIRY_NAMES[enquiry], lang)
    fields.update((name, bound_text(value)) for name, value in bounds.items())
    return name_in(TEMPLATES[kind], lang).format(**fields)
