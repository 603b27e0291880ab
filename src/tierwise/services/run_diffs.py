"""Two saved runs of one policy compared: the from × to migration matrix and the movers with both reasons
(迁移矩阵), among the customers the acting person sees."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from tierwise.analytics.classify.migration import migration_matrix, movers
from tierwise.analytics.engine import Engine
from tierwise.errors import UsageError
from tierwise.i18n import Message
from tierwise.services.context import ServiceContext
from tierwise.services.runs import RunInfo, attach_url, get_run, saved_policy, store_engine, visible_reading
from tierwise.store.runs import read_assignments


@dataclass(frozen=True)
class MigrationCell:
    """Customers who were in ``from_class`` in the first run and are in ``to_class`` in the second."""

    from_class: str
    to_class: str
    customers: int


@dataclass(frozen=True)
class RunDiff:
    """Two runs of one policy compared: the from × to matrix and the movers (most moved first)."""

    before: RunInfo
    after: RunInfo
    matrix: list[MigrationCell]
    movers: pa.Table  # customer_id, from/to class and label, direction, from/to reasons


def diff_runs(ctx: ServiceContext, before: int, after: int, *, lang: str | None = None) -> RunDiff:
    """Who moved between two saved runs of the same policy: the migration matrix and the movers."""
    engine = store_engine(ctx)
    first, second = get_run(ctx, before, engine=engine), get_run(ctx, after, engine=engine)
    if first.policy != second.policy:
        raise UsageError(
            Message(
                "runs %(before)s and %(after)s apply different policies (%(first)s, %(second)s)",
                {"before": before, "after": after, "first": first.policy, "second": second.policy},
            )
        )
    policy = saved_policy(engine, second)
    saved = read_assignments(attach_url(engine), [before, after], ctx.settings, **visible_reading(ctx))
    eng = Engine.create("duckdb", ctx.settings)
    keep = ["customer_id", "class", "reasons"]
    a = eng.scratch("run_before", saved[before].select(keep))
    b = eng.scratch("run_after", saved[after].select(keep))
    matrix = eng.to_pyarrow(migration_matrix(a, b))
    moved = eng.to_pyarrow(movers(a, b, policy, lang or ctx.settings.lang))  # type: ignore[arg-type]
    cells = [
        MigrationCell(r["from_class"], r["to_class"], int(r["customers"]))
        for r in matrix.to_pylist()  # one row per pair of classes: a handful
    ]
    return RunDiff(first, second, cells, moved)
