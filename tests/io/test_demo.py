"""The demo data set: contract schema, realistic shape (80/20, loss-making tail, churn), determinism."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierwise.errors import UsageError
from tierwise.io.columns import TABLES
from tierwise.io.demo import generate, generate_segments, localize
from tierwise.io.demo.text import resident_id_numbers

END = dt.date(2025, 12, 31)
TYPES = {"string": pa.string(), "date": pa.date32(), "float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}
EVENT_DATES = {
    "customers": ["created_at"],
    "transactions": ["date"],
    "receivables": ["invoice_date", "paid_date"],
    "opportunities": [],
    "visits": ["date"],
    "complaints": ["date", "resolved_date"],
    "surveys": ["date"],
}
KEYS = {
    "customers": "customer_id",
    "transactions": "transaction_id",
    "receivables": "invoice_id",
    "opportunities": "opportunity_id",
    "visits": "visit_id",
    "complaints": "complaint_id",
}


@pytest.fixture(scope="module")
def demo() -> dict[str, pa.Table]:
    """The default demo data set: 2000 customers, seed 7, history to 2025-12-31."""
    return generate()


def per_customer(tables: dict[str, pa.Table], since: dt.date | None = None) -> dict[str, np.ndarray]:
    """Sales and profit (amount − cost) per customer, every customer included (zero when none)."""
    tx = tables["transactions"]
    if since is not None:
        tx = tx.filter(pc.greater(tx["date"], pa.scalar(since, pa.date32())))
    ids = tables["customers"]["customer_id"]
    position = pc.index_in(tx["customer_id"], value_set=ids).to_numpy()
    amount = tx["amount"].to_numpy()
    cost = tx["cost"].to_numpy()
    n = len(ids)
    return {
        "sales": np.bincount(position, weights=amount, minlength=n),
        "profit": np.bincount(position, weights=amount - cost, minlength=n),
        "orders": np.bincount(position, minlength=n),
    }


def sales_12m(tables: dict[str, pa.Table], end: dt.date = END) -> np.ndarray:
    """Trailing-12-month sales per customer: end − 1 year < date ≤ end."""
    return per_customer(tables, since=end.replace(year=end.year - 1))["sales"]


def test_the_same_seed_gives_the_same_tables_and_another_seed_others() -> None:
    first, again, other = generate(300, seed=3), generate(300, seed=3), generate(300, seed=4)
    assert all(first[name].equals(again[name]) for name in TABLES)
    assert not first["transactions"].equals(other["transactions"])


def test_every_table_has_exactly_the_canonical_columns_in_order_and_type(demo: dict[str, pa.Table]) -> None:
    assert list(demo) == list(TABLES)
    for name, spec in TABLES.items():
        expected = pa.schema([pa.field(c.name, TYPES[c.type]) for c in spec.columns])
        assert demo[name].schema.equals(expected), name
        assert demo[name].num_rows > 0, name


def test_the_top_fifth_of_customers_brings_about_four_fifths_of_a_years_sales(demo: dict[str, pa.Table]) -> None:
    sales = np.sort(sales_12m(demo))[::-1]
    top = sales[: len(sales) // 5].sum() / sales.sum()
    assert 0.7 <= top <= 0.9


@pytest.mark.parametrize("seed", [1, 2])
def test_the_eighty_twenty_shape_holds_for_other_seeds(seed: int) -> None:
    sales = np.sort(sales_12m(generate(2000, seed=seed)))[::-1]
    assert 0.7 <= sales[:400].sum() / sales.sum() <= 0.9


def test_about_a_third_of_buying_customers_lose_money_and_profit_peaks_before_everyone(
    demo: dict[str, pa.Table],
) -> None:
    totals = per_customer(demo)
    profit = totals["profit"][totals["orders"] > 0]
    assert 0.2 <= (profit < 0).mean() <= 0.4
    cumulative = np.cumsum(np.sort(profit)[::-1])
    assert cumulative.max() > 1.15 * cumulative[-1]  # the whale curve rises well above 100 % …
    assert cumulative.argmax() + 1 < 0.8 * len(profit)  # … and peaks well before the last customer


def test_every_china_post_class_is_populated_at_the_default_size(demo: dict[str, pa.Table]) -> None:
    sales = sales_12m(demo)
    diamond = (sales >= 5_000_000).sum()
    platinum = ((sales >= 1_000_000) & (sales < 5_000_000)).sum()
    gold = ((sales >= 500_000) & (sales < 1_000_000)).sum()
    vip = ((sales >= 10_000) & (sales < 500_000)).sum()
    standard = (sales < 10_000).sum()
    assert 1 <= diamond <= 20  # a handful
    assert 10 <= platinum <= 100
    assert 20 <= gold <= 150
    assert vip >= 800
    assert 200 <= standard <= 1000


def test_class_shares_do_not_depend_on_the_number_of_customers() -> None:
    sales = sales_12m(generate(20_000, seed=5))
    assert 0.0015 <= (sales >= 5_000_000).mean() <= 0.006
    assert 0.01 <= ((sales >= 1_000_000) & (sales < 5_000_000)).mean() <= 0.04


def test_no_event_lies_after_the_end_but_plans_may(demo: dict[str, pa.Table]) -> None:
    end = pa.scalar(END, pa.date32())
    for name, columns in EVENT_DATES.items():
        for column in columns:
            assert pc.max(demo[name][column]).as_py() <= END, (name, column)
    start = dt.date(2023, 1, 1)
    assert pc.min(demo["transactions"]["date"]).as_py() == start  # a first order on the first day
    assert pc.any(pc.greater(demo["opportunities"]["expected_close_date"], end)).as_py()
    assert pc.any(pc.greater(demo["visits"]["next_visit_date"], end)).as_py()


def test_returns_are_a_few_percent_of_transactions_with_costs_and_partly_given_profit(
    demo: dict[str, pa.Table],
) -> None:
    tx = demo["transactions"]
    amount, cost = tx["amount"].to_numpy(), tx["cost"].to_numpy()
    assert 0.01 <= (amount < 0).mean() <= 0.06
    assert tx["cost"].null_count == 0
    profit = tx["profit"].to_numpy(zero_copy_only=False)
    given_ = ~np.isnan(profit)
    assert 0.5 <= given_.mean() <= 0.8
    assert np.allclose(profit[given_], amount[given_] - cost[given_], atol=0.006)
    assert tx["transaction_id"][0].as_py() == "T0000000001"


def test_companies_order_on_working_days_and_persons_all_week(demo: dict[str, pa.Table]) -> None:
    tx, customers = demo["transactions"], demo["customers"]
    kind = pc.take(customers["kind"], pc.index_in(tx["customer_id"], value_set=customers["customer_id"]))
    weekend = pc.greater_equal(pc.day_of_week(tx["date"]), 5)  # 0 = Monday
    orders = pc.greater(tx["amount"], 0)

    def weekend_share(who: str) -> float:
        mask = pc.and_(pc.equal(kind, who), orders)
        return pc.sum(pc.and_(mask, weekend)).as_py() / pc.sum(mask).as_py()

    assert weekend_share("company") < 0.02
    assert 0.2 <= weekend_share("person") <= 0.36  # about 2 days in 7


def test_every_customer_id_exists_and_keys_are_unique(demo: dict[str, pa.Table]) -> None:
    known = demo["customers"]["customer_id"]
    for name, table in demo.items():
        assert pc.all(pc.is_in(table["customer_id"], value_set=known)).as_py(), name
    for name, key in KEYS.items():
        assert pc.count_distinct(demo[name][key]).as_py() == demo[name].num_rows, name


def test_coded_columns_use_the_canonical_vocabulary(demo: dict[str, pa.Table]) -> None:
    def values(table: str, column: str) -> set:
        return set(pc.unique(demo[table][column]).to_pylist()) - {None}

    assert values("customers", "kind") == {"company", "person"}
    assert values("customers", "org_level") == {"national", "provincial", "municipal", "county"}
    assert values("opportunities", "stage") == {"lead", "qualified", "proposal", "negotiation", "won", "lost"}
    assert values("opportunities", "objective_need") == {"yes", "no"}
    assert values("opportunities", "subjective_need") == values("opportunities", "resolve") == {"high", "mid", "low"}
    assert values("complaints", "status") == {"open", "resolved"}
    assert values("surveys", "csat") <= {1, 2, 3, 4, 5} and len(values("surveys", "csat")) == 5
    assert values("surveys", "nps") <= set(range(11)) and len(values("surveys", "nps")) >= 9
    assert len(values("customers", "owner")) == 8


def test_customers_look_like_a_distributors_book(demo: dict[str, pa.Table]) -> None:
    customers = demo["customers"]
    public = customers["org_level"].is_valid().to_numpy(zero_copy_only=False)
    assert 0.03 <= public.mean() <= 0.08
    person = pc.equal(customers["kind"], "person").to_numpy(zero_copy_only=False)
    assert 0.15 <= person.mean() <= 0.45
    ids = customers["id_number"].filter(pc.is_valid(customers["id_number"])).to_pylist()
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    assert all(len(i) == 18 and i[-1] == "10X98765432"[sum(int(d) * w for d, w in zip(i, weights)) % 11] for i in ids)
    phones = customers["phone"].filter(pc.is_valid(customers["phone"])).to_pylist()
    assert all(len(p) == 11 and p.startswith("1") and p.isdigit() for p in phones)
    assert all("@" in e for e in customers["email"].drop_null().to_pylist())


def test_the_resident_id_check_digit_matches_the_published_example() -> None:
    # GB 11643-1999's worked example: 11010519491231002X
    days = (dt.date(1949, 12, 31) - dt.date(1970, 1, 1)).days
    assert resident_id_numbers(np.array([110105]), np.array([days]), np.array([2])).to_pylist() == [
        "11010519491231002X"
    ]


def test_customers_churn_and_some_never_buy(demo: dict[str, pa.Table]) -> None:
    lifetime = per_customer(demo)["orders"]
    recent = per_customer(demo, since=END.replace(year=END.year - 1))["orders"]
    assert 0.03 <= (lifetime == 0).mean() <= 0.15  # never bought
    lapsed = (lifetime > 0) & (recent == 0)
    assert 0.05 <= lapsed.mean() <= 0.25


def test_receivables_are_paid_on_time_late_partly_or_not_at_all(demo: dict[str, pa.Table]) -> None:
    r = demo["receivables"]
    paid = r["paid_date"].is_valid().to_numpy(zero_copy_only=False)
    due, paid_on = (
        r["due_date"].cast(pa.int32()).to_numpy(),
        r["paid_date"].cast(pa.int32()).to_numpy(zero_copy_only=False),
    )
    amount, paid_amount = r["amount"].to_numpy(), r["paid_amount"].to_numpy(zero_copy_only=False)
    assert 0.05 <= (~paid).mean() <= 0.4
    assert (paid_on[paid] <= due[paid]).mean() > 0.4
    assert (paid_on[paid] > due[paid]).sum() > 0
    assert (paid_amount[paid] < amount[paid]).sum() > 0
    assert np.all(r["due_date"].cast(pa.int32()).to_numpy() > r["invoice_date"].cast(pa.int32()).to_numpy())


def test_activity_tables_hold_open_and_closed_records(demo: dict[str, pa.Table]) -> None:
    complaints = demo["complaints"]
    resolved = pc.equal(complaints["status"], "resolved")
    assert pc.all(pc.equal(pc.is_valid(complaints["resolved_date"]), resolved)).as_py()
    assert pc.all(pc.greater_equal(complaints["resolved_date"], complaints["date"])).as_py()
    opportunities = demo["opportunities"]
    assert 0 < opportunities["expected_close_date"].null_count < opportunities.num_rows
    visits = demo["visits"]
    assert pc.all(pc.greater(visits["next_visit_date"], visits["date"])).as_py()


def test_transactions_per_customer_sets_the_volume_but_keeps_the_spend() -> None:
    base, dense = generate(1000, seed=9), generate(1000, seed=9, transactions_per_customer=40)
    assert 0.97 * 40 <= dense["transactions"].num_rows / 1000 <= 1.03 * 40
    ratio = sales_12m(dense).sum() / sales_12m(base).sum()
    assert 0.8 <= ratio <= 1.25


def test_segments_number_their_rows_on_without_gaps() -> None:
    pieces = list(generate_segments(250, seed=2, segment_size=100))
    assert [p["customers"].num_rows for p in pieces] == [100, 100, 50]
    ids = pa.concat_arrays([p["transactions"]["transaction_id"].combine_chunks() for p in pieces]).to_pylist()
    assert ids == [f"T{i:010d}" for i in range(1, len(ids) + 1)]
    customers = pa.concat_arrays([p["customers"]["customer_id"].combine_chunks() for p in pieces]).to_pylist()
    assert customers == [f"C{i:06d}" for i in range(1, 251)]


def test_localize_puts_the_free_text_in_chinese_and_leaves_codes_alone(demo: dict[str, pa.Table]) -> None:
    zh = localize(demo)
    assert all(not region.isascii() for region in pc.unique(zh["customers"]["region"]).to_pylist())
    assert all(not name.isascii() for name in zh["customers"]["name"].to_pylist())
    assert zh["customers"]["kind"].equals(demo["customers"]["kind"])
    assert zh["transactions"]["amount"].equals(demo["transactions"]["amount"])
    assert localize(demo, "en")["customers"].equals(demo["customers"])


@pytest.mark.parametrize("bad", [{"customers": 0}, {"years": 0}, {"transactions_per_customer": -1.0}])
def test_impossible_sizes_are_refused(bad: dict) -> None:
    with pytest.raises(UsageError):
        generate(**bad)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    customers=st.integers(1, 400),
    seed=st.integers(0, 2**32 - 1),
    end=st.dates(dt.date(2001, 1, 1), dt.date(2040, 12, 31)),
    years=st.integers(1, 5),
)
def test_any_demo_keeps_the_contract(customers: int, seed: int, end: dt.date, years: int) -> None:
    tables = generate(customers, seed=seed, end=end, years=years)
    assert tables["customers"].num_rows == customers
    known = tables["customers"]["customer_id"]
    for name, columns in EVENT_DATES.items():
        assert tables[name].schema.names == [c.name for c in TABLES[name].columns]
        assert pc.all(pc.is_in(tables[name]["customer_id"], value_set=known)).as_py() in (True, None)
        for column in columns:
            latest = pc.max(tables[name][column]).as_py()
            assert latest is None or latest <= end, (name, column)
    first = pc.min(tables["transactions"]["date"]).as_py()
    assert first is None or first > end.replace(year=end.year - years, day=min(end.day, 28))
