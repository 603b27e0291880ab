"""Triage over a table of walk-ins: pandas and Arrow in, one decision per row out, bad columns refused."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from tierwise.errors import UsageError
from tierwise.triage import decide_many, load_triage_policy

POLICY = load_triage_policy("bank-lobby")


def test_a_pandas_frame_with_missing_columns_and_nan_amounts() -> None:
    frame = pd.DataFrame(
        {
            "business": ["deposit", "deposit", None, "bill_payment"],
            "amount": [5000.0, float("nan"), 80000.0, 120.0],
            "vip_card": [False, False, False, True],
        }
    )
    out = decide_many(frame, POLICY)
    assert out["flow"].tolist() == ["ordinary", "assess", "potential_vip", "vip"]
    assert out["next_step_code"].tolist() == ["self_service", "ask_amount", "wealth_manager", "vip_area"]
    assert out["reasons"].tolist() == [
        ["deposit 5,000.00 < 20,000: small business"],
        ["deposit: amount not given"],
        ["amount (business not stated) 80,000.00 ≥ 50,000: potential-VIP amount"],
        ["holds a VIP card", "bill payment 120.00 < 10,000 with the local average unknown: small business"],
    ]
    assert out["label"].tolist() == ["ordinary customer", "to be assessed", "potential VIP customer", "VIP customer"]
    assert set(out["policy"]) == {"bank-lobby"} and set(out["policy_version"]) == {1}


def test_an_arrow_table_with_enquiry_lists_in_chinese() -> None:
    table = pa.table(
        {
            "enquiries": [["forex"], [], None, ["safe_deposit", "study_abroad"]],
            "business": ["withdrawal", "withdrawal", "other", None],
            "amount": [300, 300, None, None],
        }
    )
    out = decide_many(table, POLICY, lang="zh")
    assert out["flow"].tolist() == ["potential_vip", "ordinary", "ordinary", "potential_vip"]
    assert out["next_step"].tolist() == [
        "在柜台办理业务，由柜员进一步确认客户资产与需求后再推荐VIP产品。",
        "引导至ATM或自助设备办理。",
        "取号，到普通柜台办理。",
        "介绍VIP产品与服务，引荐给理财经理。",
    ]
    assert out["reasons"].tolist()[3] == ["咨询保管箱：潜在VIP信号", "咨询出国留学业务：潜在VIP信号"]


def test_an_empty_table_gives_no_decisions() -> None:
    out = decide_many(pd.DataFrame({"business": pd.Series([], dtype=object)}), POLICY)
    assert len(out) == 0
    assert out.columns.tolist() == [
        "flow",
        "label",
        "reasons",
        "next_step_code",
        "next_step",
        "policy",
        "policy_version",
    ]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            pa.table({"colour": ["red"]}),
            "unknown walk-in column(s) 'colour' (fields: vip_card, asks_priority, asks_account_manager, enquiries, "
            "business, amount, local_average_bill)",
        ),
        (pa.table({"vip_card": [1, 0]}), "walk-in column 'vip_card' must hold booleans, not int64"),
        (
            pa.table({"asks_priority": [True, None, False]}),
            "walk-in column 'asks_priority', rows (from 0) 1 (None): missing value; give true or false",
        ),
        (pa.table({"amount": ["5000"]}), "walk-in column 'amount' must hold numbers, not string"),
        (
            pa.table({"amount": [5.0, -1.0, 3.0, -2.0]}),
            "walk-in column 'amount', rows (from 0) 1 (-1.0), 3 (-2.0): "
            "an amount must be between 0 and 1,000,000,000,000",
        ),
        (
            pa.table({"business": ["deposit", "loan"]}),
            "walk-in column 'business', rows (from 0) 1 ('loan'): unknown business (allowed: deposit, withdrawal, "
            "remittance, bill_payment, early_repayment, wealth_product, other)",
        ),
        (
            pa.table({"enquiries": [["forex"], ["gold"]]}),
            "walk-in column 'enquiries', rows (from 0) 1 ('gold'): unknown enquiry (allowed: vip_service, forex, "
            "safe_deposit, study_abroad, deposit_certificate, wealth_product)",
        ),
        (pa.table({"enquiries": ["forex"]}), "walk-in column 'enquiries' must hold lists of enquiry kinds, not string"),
    ],
)
def test_bad_columns_are_refused_naming_column_rows_and_values(table: pa.Table, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        decide_many(table, POLICY)
    assert str(caught.value) == message
