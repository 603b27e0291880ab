"""Migrations on two hand runs, movers with both reasons, what-if, and the grace period."""

from __future__ import annotations

import itertools

import pyarrow as pa

from tierwise.analytics.classify.migration import apply_grace, migration_matrix, movers, what_if
from tierwise.analytics.classify.policy import load_policy, parse_policy

_n = itertools.count()
RUN_1 = [("a", "diamond"), ("b", "gold"), ("c", "gold"), ("d", "vip"), ("e", "standard")]
RUN_2 = [("a", "diamond"), ("b", "platinum"), ("c", "vip"), ("d", "vip"), ("f", "gold")]
SALES_2 = {"a": 6e6, "b": 1.2e6, "c": 20_000, "d": 15_000, "f": 700_000}


def run_table(backend, rows, computed=None):
    """An assignment table (customer_id, class, label, reasons) on the engine under test."""
    data = {
        "customer_id": [c for c, _ in rows],
        "class": [k for _, k in rows],
        "label": [k for _, k in rows],
        "reasons": [[f"{c} is {k}"] for c, k in rows],
    }
    if computed is not None:
        data["computed_class"] = computed
    return backend.load(f"run_{next(_n)}", pa.table(data))


def test_migration_matrix_counts_and_sales(backend) -> None:
    before, after = run_table(backend, RUN_1), run_table(backend, RUN_2)
    sales = backend.load("sales_2", pa.table({"customer_id": list(SALES_2), "sales": list(SALES_2.values())}))
    out = backend.execute(migration_matrix(before, after, sales))
    got = {(r.from_class, r.to_class): (r.customers, r.sales) for r in out.itertuples()}
    assert got == {
        ("diamond", "diamond"): (1, 6e6),
        ("gold", "platinum"): (1, 1.2e6),
        ("gold", "vip"): (1, 20_000),
        ("vip", "vip"): (1, 15_000),
        ("standard", "(gone)"): (1, 0),
        ("(new)", "gold"): (1, 700_000),
    }


def test_movers_with_both_reasons(backend) -> None:
    out = backend.execute(movers(run_table(backend, RUN_1), run_table(backend, RUN_2), load_policy("china-post")))
    rows = [(r.customer_id, r.from_class, r.to_class, r.direction) for r in out.itertuples()]
    # most moved first (one class each, then by customer id), then the new and the gone
    assert rows[:2] == [("b", "gold", "platinum", "up"), ("c", "gold", "vip", "down")]
    assert set(rows[2:]) == {("e", "standard", "(gone)", "gone"), ("f", "(new)", "gold", "new")}
    c = out.set_index("customer_id").loc["c"]
    assert (list(c.from_reasons), list(c.to_reasons)) == (["c is gold"], ["c is vip"])
    assert (c.from_label, c.to_label) == ("gold", "VIP")


def test_what_if_lists_who_would_move(backend, indicators) -> None:
    rows = [
        {"customer_id": cid, "sales_12m": s, "org_level": None}
        for cid, s in [("p", 5_500_000), ("q", 900_000), ("r", 450_000), ("s", 8_000)]
    ]
    table = indicators(rows)
    policy = load_policy("china-post")
    edited = parse_policy(policy.model_dump_json(by_alias=True).replace('"at_least":500000.0', '"at_least":400000.0'))
    out = backend.execute(what_if(table, policy, edited, "2025-06-30"))
    assert [(r.customer_id, r.from_class, r.to_class, r.direction) for r in out.itertuples()] == [
        ("r", "vip", "gold", "up")
    ]
    assert list(out.to_reasons[0]) == ["12-month spend 450,000.00 ≥ 400,000 → gold"]


GRACE_POLICY = load_policy("china-post").model_copy(update={"grace_runs": 2})


def test_a_downgrade_waits_for_two_runs_below(backend) -> None:
    # run 1: x gold. run 2: computed vip → kept gold (1 of 2). run 3: computed vip again → vip.
    run1 = run_table(backend, [("x", "gold"), ("y", "vip")])
    run2 = apply_grace(run_table(backend, [("x", "vip"), ("y", "gold")]), [run1], GRACE_POLICY)
    out2 = backend.execute(run2).set_index("customer_id")
    assert out2["class"].to_dict() == {"x": "gold", "y": "gold"}  # y's upgrade is at once
    assert out2.loc["x", "computed_class"] == "vip"
    assert list(out2.loc["x", "reasons"]) == ["x is vip", "grace period: computed VIP, kept gold (1 of 2 runs below)"]
    run2_saved = backend.load("run2_saved", backend.to_pyarrow(run2))
    run3 = apply_grace(run_table(backend, [("x", "vip"), ("y", "gold")]), [run1, run2_saved], GRACE_POLICY)
    out3 = backend.execute(run3).set_index("customer_id")
    assert out3["class"].to_dict() == {"x": "vip", "y": "gold"}
    assert list(out3.loc["x", "reasons"]) == ["x is vip"]


def test_a_run_back_at_the_class_restarts_the_count(backend) -> None:
    # gold, then computed vip (kept gold), then gold, then vip again: kept again (1 of 2)
    run1 = run_table(backend, [("x", "gold")])
    run2 = run_table(backend, [("x", "gold")], computed=["vip"])
    run3 = run_table(backend, [("x", "gold")], computed=["gold"])
    out = backend.execute(apply_grace(run_table(backend, [("x", "vip")]), [run1, run2, run3], GRACE_POLICY))
    assert out["class"].tolist() == ["gold"]
