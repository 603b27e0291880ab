"""Properties of triage that hold for every walk-in, and the batch decisions equal to the single ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierwise.triage import decide_many, load_triage_policy, triage
from tierwise.triage.batch import format_money
from tierwise.triage.policy import BUSINESSES, ENQUIRIES, FLOWS
from tierwise.triage.reasons import money_text

POLICY = load_triage_policy("bank-lobby")
POTENTIAL_ENQUIRIES = POLICY.potential_vip_enquiries
# the bounds of the shipped policy and their neighbours, so that generated amounts hit every edge
EDGES = sorted({edge + step for edge in (300, 10000, 20000, 50000, 100000) for step in (-0.01, 0, 0.01)})
STEPS_OF = {
    "vip": {"vip_area"},
    "potential_vip": {"wealth_manager", "confirm_at_counter"},
    "assess": {"ask_amount", "ask_business", "check_bill"},
    "ordinary": {"self_service", "counter"},
}

amounts = st.one_of(
    st.none(),
    st.sampled_from(EDGES),
    st.integers(0, 10**9).map(lambda cents: cents / 100),
    st.floats(0, 1e12, allow_nan=False),
)
walk_ins = st.fixed_dictionaries(
    {},
    optional={
        "vip_card": st.booleans(),
        "asks_priority": st.booleans(),
        "asks_account_manager": st.booleans(),
        "enquiries": st.lists(st.sampled_from(ENQUIRIES), max_size=3),
        "business": st.one_of(st.none(), st.sampled_from(BUSINESSES)),
        "amount": amounts,
        "local_average_bill": st.one_of(st.none(), st.sampled_from([0, 299.99, 300, 300.01, 9999.99])),
    },
)


@given(walk_ins)
def test_every_decision_has_a_known_flow_a_matching_step_and_reasons(walk_in: dict) -> None:
    d = triage(walk_in, POLICY)
    assert d.flow in FLOWS
    assert d.next_step_code in STEPS_OF[d.flow]
    assert d.reasons and all(isinstance(r, str) and r for r in d.reasons)
    assert (d.policy, d.policy_version) == ("bank-lobby", 1)


@given(walk_ins)
def test_a_vip_card_always_means_the_vip_flow(walk_in: dict) -> None:
    d = triage({**walk_in, "vip_card": True}, POLICY)
    assert (d.flow, d.next_step_code, d.reasons[0]) == ("vip", "vip_area", "holds a VIP card")


@given(walk_ins, st.sampled_from(POTENTIAL_ENQUIRIES))
def test_adding_a_potential_vip_signal_never_lowers_the_flow_or_drops_a_reason(walk_in: dict, enquiry: str) -> None:
    before = triage(walk_in, POLICY)
    after = triage({**walk_in, "enquiries": [*walk_in.get("enquiries", []), enquiry]}, POLICY)
    assert after.flow in ("vip", "potential_vip")
    assert after.flow == ("vip" if before.flow == "vip" else "potential_vip")
    # the "ask" reasons make way once there is a signal; every other reason stays
    kept = [r for r in before.reasons if "not given" not in r and "not stated" not in r]
    assert set(kept) <= set(after.reasons)
    assert len(after.reasons) >= len(kept) + (enquiry not in walk_in.get("enquiries", []))


@given(walk_ins)
def test_a_walk_in_without_signals_is_never_potential_vip_below_the_bounds(walk_in: dict) -> None:
    walk_in = {
        **walk_in,
        "vip_card": False,
        "asks_priority": False,
        "asks_account_manager": False,
        "enquiries": [],
        "amount": min(walk_in.get("amount") or 0, 19999.99),
        "local_average_bill": None,
    }
    assert triage(walk_in, POLICY).flow in ("ordinary", "assess")


@settings(max_examples=40, deadline=None)
@given(st.lists(walk_ins, min_size=1, max_size=40), st.sampled_from(["en", "zh"]))
def test_batch_decisions_equal_the_single_ones(records: list[dict], lang: str) -> None:
    full = [
        {
            "vip_card": False,
            "asks_priority": False,
            "asks_account_manager": False,
            "enquiries": [],
            "business": None,
            "amount": None,
            "local_average_bill": None,
            **r,
        }
        for r in records
    ]
    table = pa.Table.from_pylist(
        full,
        schema=pa.schema(
            [
                ("vip_card", pa.bool_()),
                ("asks_priority", pa.bool_()),
                ("asks_account_manager", pa.bool_()),
                ("enquiries", pa.list_(pa.string())),
                ("business", pa.string()),
                ("amount", pa.float64()),
                ("local_average_bill", pa.float64()),
            ]
        ),
    )
    batch = decide_many(table, POLICY, lang=lang)
    single = pd.DataFrame([triage(r, POLICY, lang=lang).to_dict() for r in records])
    pd.testing.assert_frame_equal(batch[single.columns.tolist()], single)


@given(st.integers(0, 10**14))
def test_money_text_equals_python_formatting_for_amounts_in_cents(cents: int) -> None:
    value = cents / 100
    assert money_text(value) == f"{value:,.2f}"
    assert format_money(np.array([value])).to_pylist() == [f"{value:,.2f}"]


@given(st.floats(0, 1e12, allow_nan=False))
def test_one_walk_in_and_a_batch_write_every_amount_alike(value: float) -> None:
    assert format_money(np.array([value])).to_pylist() == [money_text(value)]


def test_fractions_of_a_cent_round_half_to_even_on_the_amount_times_100() -> None:
    # 1.115 * 100 is 111.5 in floating point, so it rounds to 112 (f"{1.115:.2f}" would say 1.11)
    assert money_text(1.115) == "1.12" == format_money(np.array([1.115])).to_pylist()[0]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0.00"),
        (0.5, "0.50"),
        (7, "7.00"),
        (999.99, "999.99"),
        (1000, "1,000.00"),
        (20000, "20,000.00"),
        (1234567.89, "1,234,567.89"),
        (10**12, "1,000,000,000,000.00"),
    ],
)
def test_money_text_by_hand(value: float, text: str) -> None:
    assert money_text(value) == text
    assert format_money(np.array([value])).to_pylist() == [text]
