"""Walk-in triage under the shipped bank-lobby policy: every rule, every bound, every signal with small business."""

from __future__ import annotations

import itertools

import pytest

from tierwise.errors import UsageError
from tierwise.triage import Decision, WalkIn, load_triage_policy, triage


@pytest.fixture(scope="module")
def policy():
    return load_triage_policy("bank-lobby")


def decide(policy, lang="en", **walk_in) -> Decision:
    return triage(walk_in, policy, lang=lang)


def test_the_shipped_policy_holds_the_documented_bounds(policy) -> None:
    b = policy.bounds
    assert (policy.name, policy.version, policy.method) == ("bank-lobby", 1, "triage")
    assert (b.small_below.deposit, b.small_below.withdrawal, b.small_below.remittance) == (20000, 20000, 50000)
    assert (
        b.potential_vip_at.deposit,
        b.potential_vip_at.withdrawal,
        b.potential_vip_at.remittance,
        b.potential_vip_at.other,
    ) == (50000, 50000, 50000, 50000)
    assert (b.product_minimum, b.large_early_repayment_at) == (50000, 100000)
    assert (b.bill_payment.local_average, b.bill_payment.very_large_at) == (None, 10000)
    assert policy.potential_vip_enquiries == (
        "vip_service",
        "forex",
        "safe_deposit",
        "study_abroad",
        "deposit_certificate",
    )
    assert policy.description.en.startswith("Walk-in triage")


# ---------------------------------------------------------------- VIP and potential-VIP signals


@pytest.mark.parametrize(
    ("flag", "reason"),
    [
        ("vip_card", "holds a VIP card"),
        ("asks_priority", "asks for priority service"),
        ("asks_account_manager", "asks for an account manager"),
    ],
)
def test_a_vip_signal_alone_sends_to_the_vip_area(policy, flag: str, reason: str) -> None:
    d = decide(policy, **{flag: True})
    assert (d.flow, d.next_step_code, d.reasons) == ("vip", "vip_area", (reason,))
    assert d.next_step == "Guide the customer to the VIP area for priority service and notify the account manager."


@pytest.mark.parametrize(
    ("enquiry", "reason"),
    [
        ("vip_service", "enquires about VIP service: potential-VIP signal"),
        ("forex", "enquires about foreign exchange: potential-VIP signal"),
        ("safe_deposit", "enquires about safe-deposit boxes: potential-VIP signal"),
        ("study_abroad", "enquires about study abroad: potential-VIP signal"),
        ("deposit_certificate", "enquires about deposit certificates: potential-VIP signal"),
    ],
)
def test_a_potential_vip_enquiry_alone_goes_to_the_wealth_manager(policy, enquiry: str, reason: str) -> None:
    d = decide(policy, enquiries=[enquiry])
    assert (d.flow, d.next_step_code, d.reasons) == ("potential_vip", "wealth_manager", (reason,))


def test_all_signals_are_listed_in_rule_order(policy) -> None:
    d = decide(
        policy,
        vip_card=True,
        asks_priority=True,
        asks_account_manager=True,
        enquiries=["study_abroad", "forex"],
        business="deposit",
        amount=80000,
    )
    assert d.flow == "vip"
    assert d.reasons == (
        "holds a VIP card",
        "asks for priority service",
        "asks for an account manager",
        "enquires about foreign exchange: potential-VIP signal",
        "enquires about study abroad: potential-VIP signal",
        "deposit 80,000.00 ≥ 50,000: potential-VIP amount",
    )


# ---------------------------------------------------------------- every bound: just below, at, just above

BOUND_CASES = [
    # deposits and withdrawals: small < 20,000 (self-service), counter up to 50,000, potential VIP from 50,000
    (
        {"business": "deposit", "amount": 19999.99},
        "ordinary",
        "self_service",
        "deposit 19,999.99 < 20,000: small business",
    ),
    (
        {"business": "deposit", "amount": 20000},
        "ordinary",
        "counter",
        "deposit 20,000.00: not small (≥ 20,000) and below the potential-VIP amount 50,000",
    ),
    (
        {"business": "deposit", "amount": 20000.01},
        "ordinary",
        "counter",
        "deposit 20,000.01: not small (≥ 20,000) and below the potential-VIP amount 50,000",
    ),
    (
        {"business": "deposit", "amount": 49999.99},
        "ordinary",
        "counter",
        "deposit 49,999.99: not small (≥ 20,000) and below the potential-VIP amount 50,000",
    ),
    (
        {"business": "deposit", "amount": 50000},
        "potential_vip",
        "wealth_manager",
        "deposit 50,000.00 ≥ 50,000: potential-VIP amount",
    ),
    (
        {"business": "deposit", "amount": 50000.01},
        "potential_vip",
        "wealth_manager",
        "deposit 50,000.01 ≥ 50,000: potential-VIP amount",
    ),
    (
        {"business": "withdrawal", "amount": 19999.99},
        "ordinary",
        "self_service",
        "withdrawal 19,999.99 < 20,000: small business",
    ),
    (
        {"business": "withdrawal", "amount": 20000},
        "ordinary",
        "counter",
        "withdrawal 20,000.00: not small (≥ 20,000) and below the potential-VIP amount 50,000",
    ),
    (
        {"business": "withdrawal", "amount": 50000},
        "potential_vip",
        "wealth_manager",
        "withdrawal 50,000.00 ≥ 50,000: potential-VIP amount",
    ),
    ({"business": "withdrawal", "amount": 0}, "ordinary", "self_service", "withdrawal 0.00 < 20,000: small business"),
    # remittances: small < 50,000, potential VIP from 50,000
    (
        {"business": "remittance", "amount": 49999.99},
        "ordinary",
        "self_service",
        "remittance 49,999.99 < 50,000: small business",
    ),
    (
        {"business": "remittance", "amount": 50000},
        "potential_vip",
        "wealth_manager",
        "remittance 50,000.00 ≥ 50,000: potential-VIP amount",
    ),
    (
        {"business": "remittance", "amount": 50000.01},
        "potential_vip",
        "wealth_manager",
        "remittance 50,000.01 ≥ 50,000: potential-VIP amount",
    ),
    # early repayment: large from 100,000
    (
        {"business": "early_repayment", "amount": 99999.99},
        "ordinary",
        "counter",
        "early repayment 99,999.99 < 100,000: ordinary loan business",
    ),
    (
        {"business": "early_repayment", "amount": 100000},
        "potential_vip",
        "wealth_manager",
        "early repayment 100,000.00 ≥ 100,000: large early repayment",
    ),
    (
        {"business": "early_repayment", "amount": 100000.01},
        "potential_vip",
        "wealth_manager",
        "early repayment 100,000.01 ≥ 100,000: large early repayment",
    ),
    # wealth products: the product minimum 50,000
    (
        {"business": "wealth_product", "amount": 49999.99},
        "ordinary",
        "counter",
        "wealth product 49,999.99 < product minimum 50,000",
    ),
    (
        {"business": "wealth_product", "amount": 50000},
        "potential_vip",
        "wealth_manager",
        "wealth product interest with 50,000.00 ≥ product minimum 50,000",
    ),
    (
        {"business": "wealth_product", "amount": 50000.01},
        "potential_vip",
        "wealth_manager",
        "wealth product interest with 50,000.01 ≥ product minimum 50,000",
    ),
    # bill payments against a local average of 300 and the very-large bound 10,000
    (
        {"business": "bill_payment", "amount": 299.99, "local_average_bill": 300},
        "ordinary",
        "self_service",
        "bill payment 299.99 not above the local average 300.00: small business",
    ),
    (
        {"business": "bill_payment", "amount": 300, "local_average_bill": 300},
        "ordinary",
        "self_service",
        "bill payment 300.00 not above the local average 300.00: small business",
    ),
    (
        {"business": "bill_payment", "amount": 300.01, "local_average_bill": 300},
        "potential_vip",
        "wealth_manager",
        "bill payment 300.01 above the local average 300.00: spending signal",
    ),
    (
        {"business": "bill_payment", "amount": 9999.99, "local_average_bill": 300},
        "potential_vip",
        "wealth_manager",
        "bill payment 9,999.99 above the local average 300.00: spending signal",
    ),
    (
        {"business": "bill_payment", "amount": 10000, "local_average_bill": 300},
        "assess",
        "check_bill",
        "bill payment 10,000.00 ≥ 10,000: very large bill, ask what it is for",
    ),
    (
        {"business": "bill_payment", "amount": 10000.01, "local_average_bill": 300},
        "assess",
        "check_bill",
        "bill payment 10,000.01 ≥ 10,000: very large bill, ask what it is for",
    ),
    # bill payments with the local average unknown (the shipped policy has none)
    (
        {"business": "bill_payment", "amount": 9999.99},
        "ordinary",
        "self_service",
        "bill payment 9,999.99 < 10,000 with the local average unknown: small business",
    ),
    (
        {"business": "bill_payment", "amount": 10000},
        "assess",
        "check_bill",
        "bill payment 10,000.00 ≥ 10,000: very large bill, ask what it is for",
    ),
    # other business: counter, unless the amount reaches the potential-VIP amount
    ({"business": "other"}, "ordinary", "counter", "other business, below the potential-VIP amount"),
    (
        {"business": "other", "amount": 49999.99},
        "ordinary",
        "counter",
        "other business, below the potential-VIP amount",
    ),
    (
        {"business": "other", "amount": 50000},
        "potential_vip",
        "wealth_manager",
        "other business 50,000.00 ≥ 50,000: potential-VIP amount",
    ),
    # an amount with no business stated is compared with the `other` bound
    ({"amount": 49999.99}, "assess", "ask_business", "business not stated and no VIP signal"),
    (
        {"amount": 50000},
        "potential_vip",
        "wealth_manager",
        "amount (business not stated) 50,000.00 ≥ 50,000: potential-VIP amount",
    ),
]


@pytest.mark.parametrize(
    ("walk_in", "flow", "step", "reason"),
    BOUND_CASES,
    ids=[f"{c[0].get('business', 'none')}-{c[0].get('amount')}-{c[0].get('local_average_bill')}" for c in BOUND_CASES],
)
def test_every_bound_just_below_at_and_just_above(policy, walk_in: dict, flow: str, step: str, reason: str) -> None:
    d = decide(policy, **walk_in)
    assert (d.flow, d.next_step_code, d.reasons) == (flow, step, (reason,))


# ---------------------------------------------------------------- a signal together with small business

SMALL_BUSINESS = {
    "deposit": ({"business": "deposit", "amount": 19999.99}, "deposit 19,999.99 < 20,000: small business"),
    "withdrawal": ({"business": "withdrawal", "amount": 500}, "withdrawal 500.00 < 20,000: small business"),
    "remittance": ({"business": "remittance", "amount": 49999.99}, "remittance 49,999.99 < 50,000: small business"),
    "bill-at-average": (
        {"business": "bill_payment", "amount": 300, "local_average_bill": 300},
        "bill payment 300.00 not above the local average 300.00: small business",
    ),
    "bill-average-unknown": (
        {"business": "bill_payment", "amount": 86.5},
        "bill payment 86.50 < 10,000 with the local average unknown: small business",
    ),
}
VIP_SIGNALS = {
    "vip_card": ({"vip_card": True}, "holds a VIP card"),
    "asks_priority": ({"asks_priority": True}, "asks for priority service"),
    "asks_account_manager": ({"asks_account_manager": True}, "asks for an account manager"),
}
POTENTIAL_SIGNALS = {
    kind: ({"enquiries": [kind]}, f"enquires about {name}: potential-VIP signal")
    for kind, name in [
        ("vip_service", "VIP service"),
        ("forex", "foreign exchange"),
        ("safe_deposit", "safe-deposit boxes"),
        ("study_abroad", "study abroad"),
        ("deposit_certificate", "deposit certificates"),
    ]
}


@pytest.mark.parametrize(("signal", "business"), list(itertools.product(VIP_SIGNALS, SMALL_BUSINESS)))
def test_a_vip_doing_small_business_still_goes_to_the_vip_area(policy, signal: str, business: str) -> None:
    (signal_fields, signal_reason), (business_fields, business_reason) = VIP_SIGNALS[signal], SMALL_BUSINESS[business]
    d = decide(policy, **signal_fields, **business_fields)
    assert (d.flow, d.next_step_code, d.reasons) == ("vip", "vip_area", (signal_reason, business_reason))


@pytest.mark.parametrize(("signal", "business"), list(itertools.product(POTENTIAL_SIGNALS, SMALL_BUSINESS)))
def test_a_potential_vip_doing_small_business_is_confirmed_at_the_counter(policy, signal: str, business: str) -> None:
    (signal_fields, signal_reason), (business_fields, business_reason) = (
        POTENTIAL_SIGNALS[signal],
        SMALL_BUSINESS[business],
    )
    d = decide(policy, **signal_fields, **business_fields)
    assert (d.flow, d.next_step_code, d.reasons) == (
        "potential_vip",
        "confirm_at_counter",
        (signal_reason, business_reason),
    )


def test_a_potential_vip_with_counter_business_goes_to_the_wealth_manager(policy) -> None:
    d = decide(policy, enquiries=["forex"], business="deposit", amount=30000)
    assert (d.flow, d.next_step_code) == ("potential_vip", "wealth_manager")


# ---------------------------------------------------------------- unknown amounts and the corners


@pytest.mark.parametrize(
    ("business", "name"),
    [
        ("deposit", "deposit"),
        ("withdrawal", "withdrawal"),
        ("remittance", "remittance"),
        ("bill_payment", "bill payment"),
        ("early_repayment", "early repayment"),
        ("wealth_product", "wealth product"),
    ],
)
def test_an_unknown_amount_with_no_signal_means_ask_the_amount(policy, business: str, name: str) -> None:
    d = decide(policy, business=business, amount=None)
    assert (d.flow, d.next_step_code, d.reasons) == ("assess", "ask_amount", (f"{name}: amount not given",))
    assert d.next_step == "Ask the amount before routing the customer."


def test_an_unknown_amount_does_not_matter_once_there_is_a_signal(policy) -> None:
    assert decide(policy, vip_card=True, business="deposit").reasons == ("holds a VIP card",)
    d = decide(policy, enquiries=["forex"], business="remittance")
    assert (d.flow, d.next_step_code, d.reasons) == (
        "potential_vip",
        "wealth_manager",
        ("enquires about foreign exchange: potential-VIP signal",),
    )


def test_a_walk_in_with_nothing_known_is_asked_what_they_came_for(policy) -> None:
    d = decide(policy)
    assert (d.flow, d.next_step_code, d.reasons) == (
        "assess",
        "ask_business",
        ("business not stated and no VIP signal",),
    )
    assert d.next_step == "Ask what the customer has come for before routing."


def test_a_very_large_bill_with_a_vip_card_is_vip(policy) -> None:
    d = decide(policy, vip_card=True, business="bill_payment", amount=25000)
    assert (d.flow, d.next_step_code, d.reasons) == (
        "vip",
        "vip_area",
        ("holds a VIP card", "bill payment 25,000.00 ≥ 10,000: very large bill, ask what it is for"),
    )


@pytest.mark.parametrize(
    ("walk_in", "flow", "step", "reasons"),
    [
        # a wealth-product enquiry is a signal only with enough money for the product
        (
            {"enquiries": ["wealth_product"]},
            "assess",
            "ask_amount",
            ("wealth product interest, amount not given (products start at 50,000)",),
        ),
        (
            {"enquiries": ["wealth_product"], "business": "other"},
            "assess",
            "ask_amount",
            (
                "other business, below the potential-VIP amount",
                "wealth product interest, amount not given (products start at 50,000)",
            ),
        ),
        (
            {"enquiries": ["wealth_product"], "business": "deposit", "amount": 10000},
            "ordinary",
            "self_service",
            ("deposit 10,000.00 < 20,000: small business",),
        ),
        (
            {"enquiries": ["wealth_product"], "business": "deposit", "amount": 60000},
            "potential_vip",
            "wealth_manager",
            (
                "deposit 60,000.00 ≥ 50,000: potential-VIP amount",
                "wealth product interest with 60,000.00 ≥ product minimum 50,000",
            ),
        ),
        (
            {"enquiries": ["wealth_product"], "business": "deposit"},
            "assess",
            "ask_amount",
            ("deposit: amount not given",),
        ),
        (
            {"enquiries": ["wealth_product"], "amount": 49999.99},
            "assess",
            "ask_business",
            ("business not stated and no VIP signal",),
        ),
        # the same enquiry twice counts once
        (
            {"enquiries": ["forex", "forex"]},
            "potential_vip",
            "wealth_manager",
            ("enquires about foreign exchange: potential-VIP signal",),
        ),
    ],
)
def test_the_corners_a_lobby_manager_expects(policy, walk_in: dict, flow: str, step: str, reasons: tuple) -> None:
    d = decide(policy, **walk_in)
    assert (d.flow, d.next_step_code, d.reasons) == (flow, step, reasons)


# ---------------------------------------------------------------- languages and output


@pytest.mark.parametrize(
    ("walk_in", "label", "step", "reason"),
    [
        ({"vip_card": True}, "VIP客户", "引导至VIP区（贵宾室）优先办理，并通知客户经理。", "持有VIP卡"),
        ({"enquiries": ["forex"]}, "潜在VIP客户", "介绍VIP产品与服务，引荐给理财经理。", "咨询外汇业务：潜在VIP信号"),
        (
            {"enquiries": ["study_abroad"], "business": "deposit", "amount": 3000},
            "潜在VIP客户",
            "在柜台办理业务，由柜员进一步确认客户资产与需求后再推荐VIP产品。",
            "咨询出国留学业务：潜在VIP信号",
        ),
        (
            {"business": "withdrawal", "amount": 3000},
            "普通客户",
            "引导至ATM或自助设备办理。",
            "取款 3,000.00 < 20,000：小额业务",
        ),
        (
            {"business": "remittance", "amount": 60000.5},
            "潜在VIP客户",
            "介绍VIP产品与服务，引荐给理财经理。",
            "汇款 60,000.50 ≥ 50,000：达到潜在VIP金额",
        ),
        ({"business": "other"}, "普通客户", "取号，到普通柜台办理。", "其他业务，未达潜在VIP金额"),
        ({"business": "deposit"}, "待识别", "询问办理金额后再分流。", "存款：未提供金额"),
        ({}, "待识别", "询问客户要办理的业务后再分流。", "未说明办理业务，且无VIP信号"),
        (
            {"business": "bill_payment", "amount": 12000},
            "待识别",
            "询问缴费用途（单位或代缴多户的费用不作为个人消费信号），再分流。",
            "缴费 12,000.00 ≥ 10,000：超大额缴费，需了解用途",
        ),
        (
            {"business": "early_repayment", "amount": 150000},
            "潜在VIP客户",
            "介绍VIP产品与服务，引荐给理财经理。",
            "提前还款 150,000.00 ≥ 100,000：大额提前还款",
        ),
    ],
)
def test_labels_next_steps_and_reasons_in_chinese(policy, walk_in: dict, label: str, step: str, reason: str) -> None:
    d = decide(policy, lang="zh", **walk_in)
    assert (d.label, d.next_step, d.reasons[0]) == (label, step, reason)


def test_the_decision_as_json_ready_dict(policy) -> None:
    d = decide(policy, business="deposit", amount=5000)
    assert d.to_dict() == {
        "flow": "ordinary",
        "label": "ordinary customer",
        "reasons": ["deposit 5,000.00 < 20,000: small business"],
        "next_step_code": "self_service",
        "next_step": "Guide the customer to the ATM or the self-service machines.",
        "policy": "bank-lobby",
        "policy_version": 1,
    }


def test_a_validated_walk_in_is_accepted_as_is(policy) -> None:
    walk_in = WalkIn(vip_card=True)
    assert triage(walk_in, policy).flow == "vip"


# ---------------------------------------------------------------- strict input

FIELDS = "vip_card, asks_priority, asks_account_manager, enquiries, business, amount, local_average_bill"


@pytest.mark.parametrize(
    ("walk_in", "message"),
    [
        ({"colour": "red"}, f"  - unknown field 'colour' (fields: {FIELDS})"),
        ({"vip_card": "yes"}, "  - field 'vip_card': Input should be a valid boolean (got 'yes')"),
        ({"vip_card": 1}, "  - field 'vip_card': Input should be a valid boolean (got 1)"),
        ({"asks_priority": None}, "  - field 'asks_priority': Input should be a valid boolean (got None)"),
        ({"amount": "5000"}, "  - field 'amount': Input should be a valid number (got '5000')"),
        ({"amount": True}, "  - field 'amount': Input should be a valid number (got True)"),
        ({"amount": -1}, "  - field 'amount': Input should be greater than or equal to 0 (got -1)"),
        ({"amount": float("nan")}, "  - field 'amount': Input should be a finite number (got nan)"),
        (
            {"amount": 2e12},
            "  - field 'amount': Input should be less than or equal to 1000000000000 (got 2000000000000.0)",
        ),
        ({"local_average_bill": "300"}, "  - field 'local_average_bill': Input should be a valid number (got '300')"),
        ({"enquiries": "forex"}, "  - field 'enquiries': Input should be a list (got 'forex')"),
        (
            {"enquiries": ["forex", "gold"]},
            "  - field 'enquiries' item 1: Input should be 'vip_service', 'forex', 'safe_deposit', 'study_abroad', "
            "'deposit_certificate' or 'wealth_product' (got 'gold')",
        ),
        (
            {"business": "loan"},
            "  - field 'business': Input should be 'deposit', 'withdrawal', 'remittance', 'bill_payment', "
            "'early_repayment', 'wealth_product' or 'other' (got 'loan')",
        ),
    ],
)
def test_unknown_fields_and_wrong_types_are_refused_naming_the_field(policy, walk_in: dict, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        triage(walk_in, policy)
    assert str(caught.value) == "invalid walk-in: 1 problem(s)\n" + message
    assert caught.value.exit_code == 2


def test_every_problem_is_listed_at_once(policy) -> None:
    with pytest.raises(UsageError) as caught:
        triage({"asks_priority": 0, "local_average_bill": "x", "size": 3}, policy)
    assert str(caught.value) == (
        "invalid walk-in: 3 problem(s)\n"
        "  - field 'asks_priority': Input should be a valid boolean (got 0)\n"
        "  - field 'local_average_bill': Input should be a valid number (got 'x')\n"
        f"  - unknown field 'size' (fields: {FIELDS})"
    )


def test_a_walk_in_must_be_an_object(policy) -> None:
    with pytest.raises(UsageError, match=r"^a walk-in must be a JSON object of fields, not list$"):
        triage([1], policy)  # type: ignore[arg-type]
