"""Orders counted by transaction id across the window edge, and windows joined back from a narrow projection."""

from __future__ import annotations

import datetime as dt

import ibis

from tests.analytics.test_indicators import by_customer, load
from tierwise.analytics.engine import Engine
from tierwise.analytics.indicators import compute_indicators
from tierwise.analytics.narrow import with_windows

AS_OF = dt.date(2024, 6, 30)  # the trailing window is 2023-06-30 < date <= 2024-06-30
D = dt.date

LINES = [
    # C1: order A has a line before the window and one inside it; order B lies wholly before the window
    {"customer_id": "C1", "date": D(2023, 6, 30), "transaction_id": "A", "amount": 10.0},
    {"customer_id": "C1", "date": D(2023, 7, 1), "transaction_id": "A", "amount": 20.0},
    {"customer_id": "C1", "date": D(2023, 1, 1), "transaction_id": "B", "amount": 5.0},
    {"customer_id": "C1", "date": D(2023, 1, 2), "transaction_id": "B", "amount": 5.0},
    # a return under an id of its own starts no order; a line after as_of is not seen
    {"customer_id": "C1", "date": D(2024, 1, 1), "transaction_id": "R", "amount": -3.0},
    {"customer_id": "C1", "date": D(2024, 7, 1), "transaction_id": "L", "amount": 9.0},
    # C2 reuses id A (another customer's order) and has two lines without an id, one inside the window
    {"customer_id": "C2", "date": D(2024, 2, 1), "transaction_id": "A", "amount": 7.0},
    {"customer_id": "C2", "date": D(2024, 2, 1), "amount": 1.0},
    {"customer_id": "C2", "date": D(2022, 2, 1), "amount": 1.0},
    # C3: only a return
    {"customer_id": "C3", "date": D(2024, 2, 1), "transaction_id": "X", "amount": -1.0},
]


def test_an_order_is_counted_once_and_inside_the_window_when_any_of_its_lines_is(backend: Engine) -> None:
    tables = {"transactions": load(backend, "transactions", LINES)}
    out = by_customer(backend, compute_indicators(tables, AS_OF, names=["orders", "orders_lifetime"]))
    assert {c: (r["orders"], r["orders_lifetime"]) for c, r in out.items()} == {
        "C1": (1, 2),
        "C2": (2, 3),
        "C3": (0, 0),
    }


def test_windows_from_a_narrow_projection_keep_every_row_and_column(backend: Engine) -> None:
    table = (
        load(backend, "transactions", LINES)
        .group_by("customer_id")
        .aggregate(sales=lambda t: t.amount.sum(), lines=lambda t: t.count())
    )

    def rank(n: ibis.Table) -> dict[str, ibis.Value]:
        return {"rank": (ibis.row_number().over(order_by=[n.sales.desc(), n.customer_id]) + 1).cast("int64")}

    out = by_customer(backend, with_windows(table, ["sales"], rank))
    assert out == {
        "C1": {"sales": 46.0, "lines": 6, "rank": 1},
        "C2": {"sales": 9.0, "lines": 3, "rank": 2},
        "C3": {"sales": -1.0, "lines": 1, "rank": 3},
    }
