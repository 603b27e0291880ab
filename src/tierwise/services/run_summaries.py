"""The summaries saved with a run, computed once from its assignments: totals per owner, team and class,
the moves since the previous run, and the Pareto and whale curves of all its customers.

They are written in the run's own transaction (:func:`write_run_summary`). Everything is columnar
(DuckDB over Arrow, NumPy for the curves): a run of a million customers is summarised in well under a
second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
from sqlalchemy import Connection, insert

from tierwise.services.class_counts import write_class_counts
from tierwise.services.concentration import concentration_curve
from tierwise.services.scope_curves import write_scope_curves
from tierwise.store.summary_models import RunCurve, RunMove, RunTotal

_OWNERS = pa.schema([("customer_id", pa.string()), ("owner", pa.string()), ("team", pa.string())])
_VALUES = pa.schema([("customer_id", pa.string()), ("sales", pa.float64()), ("profit", pa.float64())])


@dataclass(frozen=True)
class RunSummary:
    """What is saved beside a run's assignments (see :mod:`tierwise.store.summary_models`)."""

    totals: pa.Table  # owner, team, class, customers, sales, profit
    moves: pa.Table | None  # owner, team, from_class, to_class, customers; None without a previous run
    curves: dict[str, Any]  # {"customers": n, "sales": [[x, y], …], "profit": [[x, y], …]}


def summarise_run(
    assignments: pa.Table,
    values: pa.Table | None,
    owners: pa.Table | None,
    previous: pa.Table | None = None,
) -> RunSummary:
    """The summary of a run whose ``assignments`` (``customer_id, class``) and ``values`` (``customer_id,
    sales, profit``) are given; ``owners`` (``customer_id, owner, team``) attributes customers; ``previous``
    (``customer_id, class``) is the previous run of the same policy."""
    con = duckdb.connect()
    try:
        con.register("assigned", assignments.select(["customer_id", "class"]))
        con.register("vals", values if values is not None else _VALUES.empty_table())
        con.register("owners", owners if owners is not None else _OWNERS.empty_table())
        base = (
            "SELECT a.customer_id, a.class, o.owner, o.team, v.sales, v.profit FROM assigned a "
            "LEFT JOIN owners o USING (customer_id) LEFT JOIN vals v USING (customer_id)"
        )
        totals = con.sql(
            f"SELECT owner, team, class, count(*) AS customers, sum(sales) AS sales, sum(profit) AS profit "
            f"FROM ({base}) GROUP BY ALL ORDER BY ALL"
        ).to_arrow_table()
        moves = None
        if previous is not None:
            con.register("before", previous.select(["customer_id", "class"]))
            moves = con.sql(
                "SELECT o.owner, o.team, b.class AS from_class, a.class AS to_class, count(*) AS customers "
                "FROM assigned a JOIN before b USING (customer_id) LEFT JOIN owners o USING (customer_id) "
                "GROUP BY ALL ORDER BY ALL"
            ).to_arrow_table()
        measures = con.sql(f"SELECT sales, profit FROM ({base})").to_arrow_table()
    finally:
        con.close()
    curves: dict[str, Any] = {"customers": assignments.num_rows}
    for measure in ("sales", "profit"):
        column = measures.column(measure).to_numpy(zero_copy_only=False)
        curves[measure] = concentration_curve(np.asarray(column, dtype=float))
    return RunSummary(totals, moves, curves)


def write_run_summary(con: Connection, run_id: int, previous_run_id: int | None, summary: RunSummary) -> None:
    """Insert the totals, moves and curves of run ``run_id`` (a few rows per owner and class), and the
    customers per class the list's total reads (:mod:`tierwise.services.class_counts`) and the curves of
    each user's own customers (:mod:`tierwise.services.scope_curves`): after the assignments are written."""
    # column names, not attribute names: core inserts of the tables (``class`` is ``class_`` on the model)
    if summary.totals.num_rows:
        con.execute(insert(RunTotal.__table__), [{"run_id": run_id, **row} for row in summary.totals.to_pylist()])
    if summary.moves is not None and summary.moves.num_rows and previous_run_id is not None:
        fixed = {"run_id": run_id, "previous_run_id": previous_run_id}
        con.execute(insert(RunMove.__table__), [{**fixed, **row} for row in summary.moves.to_pylist()])
    con.execute(
        insert(RunCurve), [{"run_id": run_id, "customers": summary.curves["customers"], "points": summary.curves}]
    )
    write_class_counts(con, run_id)
    write_scope_curves(con, run_id)
