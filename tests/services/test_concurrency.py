"""Two requests at once on one data set and one engine: each sees its own scratch tables."""

from __future__ import annotations

import datetime as dt
import threading

import pyarrow as pa

from tierwise.analytics.classify.policy import load_policy
from tierwise.config import Settings
from tierwise.services.classification import classify_dataset
from tierwise.services.context import ServiceContext

AS_OF = dt.date(2025, 6, 30)
CTX = ServiceContext(Settings(engine="duckdb", lang="en"))
GRACE = load_policy("china-post").model_copy(update={"grace_runs": 2})


def earlier(c2_class: str) -> pa.Table:
    return pa.table({"customer_id": ["c1", "c2"], "class": ["diamond", c2_class], "reasons": [["before"], ["before"]]})


def test_two_classifications_at_once_get_their_own_history(hand) -> None:
    # c2 computes gold: held at diamond by a diamond history, gold at once after a VIP one (an upgrade)
    expected = {"diamond": ("diamond", "gold"), "vip": ("gold", "gold")}
    start = threading.Barrier(2)
    got: dict[str, list[tuple[str, str]]] = {"diamond": [], "vip": []}
    failures: list[Exception] = []

    def work(c2_class: str) -> None:
        try:
            start.wait()
            for _ in range(8):
                result = classify_dataset(CTX, hand, GRACE, as_of=AS_OF, history=[earlier(c2_class)])
                row = next(r for r in result.assignments.to_pylist() if r["customer_id"] == "c2")
                got[c2_class].append((row["class"], row["computed_class"]))
        except Exception as exc:  # noqa: BLE001 - reported below, in the test's own thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(c,)) for c in expected]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    assert got == {c: [expected[c]] * 8 for c in expected}
    # the scratch tables lived on each request's own cursor: none is left on the data set's connection
    names = [r[0] for r in hand.con.sql("select table_name from duckdb_tables()").fetchall()]
    assert sorted(names) == ["customers", "opportunities", "transactions"]
