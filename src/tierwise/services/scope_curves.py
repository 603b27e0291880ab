"""The dashboard's Pareto and whale curves of each signed-in person's own customers, drawn once per run.

A viewer who sees everyone reads the curves saved with the run (``run_curves``). A manager or an account
manager sees a part of the customers, and their curves were drawn per request from the assignments of
those customers (a second at a million: every one of a team's customers looked up). When a run is saved,
:func:`write_scope_curves` draws them for the scope of every active user who sees a part (the owners and
teams of :func:`tierwise.security.permissions.visibility`) from the run's assignments and the customers'
owners and teams at that moment, and saves them with the ``customer_changes.version`` read first. The
dashboard reads a scope's curves while that version is the current one (no customer added, removed or
moved to another owner or team since, so they are exactly what it would draw); otherwise, or for a scope
no user had when the run was saved, it draws them itself (:func:`saved_scope_curves` answers ``None``).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from tierwise.security.permissions import Visibility, visibility
from tierwise.services.auth import actor_of
from tierwise.services.concentration import concentration_curve
from tierwise.store.people_models import User
from tierwise.store.summary_models import CustomerChanges, RunScopeCurve

Curves = tuple[list[list[float]], list[list[float]]]  # (Pareto on sales, whale on profit)


def scope_key(seen: Visibility) -> str:
    """The scope a viewer sees as one text: the owners and the teams, each sorted.

    >>> scope_key(Visibility(everyone=False, owners=frozenset({"wang"}), teams=frozenset({"north", "east"})))
    '{"owners": ["wang"], "teams": ["east", "north"]}'
    """
    return json.dumps({"owners": sorted(seen.owners), "teams": sorted(seen.teams)}, ensure_ascii=False)


def user_scopes(session: Session) -> list[Visibility]:
    """The distinct scopes of the active users who see some customers but not all of them."""
    users = session.execute(select(User).where(User.active.is_(True))).scalars()
    seen = {scope_key(v): v for v in (visibility(actor_of(u)) for u in users) if not v.everyone and not v.nothing}
    return list(seen.values())


def write_scope_curves(con: Connection, run_id: int) -> None:
    """Draw and save run ``run_id``'s curves for every user scope (after its assignments are written)."""
    with Session(bind=con) as session:
        scopes = user_scopes(session)
        if not scopes:
            return
        version = session.execute(select(CustomerChanges.version).where(CustomerChanges.id == 1)).scalar_one()
    cursor = con.connection.driver_connection.cursor()  # type: ignore[union-attr]
    marker = "?" if con.dialect.name == "sqlite" else "%s"
    cursor.execute(
        "SELECT a.sales, a.profit, c.owner, c.team FROM assignments a JOIN customers c "
        f"ON c.customer_id = a.customer_id WHERE a.run_id = {marker}",
        (run_id,),
    )
    rows = cursor.fetchall()
    cursor.close()
    if not rows:
        return
    sales, profit, owners, teams = (pa.array(column) for column in zip(*rows, strict=True))
    values = np.column_stack([sales.to_numpy(zero_copy_only=False), profit.to_numpy(zero_copy_only=False)])
    values = values.astype(float)  # NULL → NaN
    saved = []
    for seen in scopes:  # one pass over the columns per scope, none per customer
        mine = pc.or_kleene(_among(owners, seen.owners), _among(teams, seen.teams)).to_numpy(zero_copy_only=False)
        picked = values[mine]
        curves: dict[str, Any] = {
            "sales": concentration_curve(picked[:, 0]),
            "profit": concentration_curve(picked[:, 1]),
        }
        saved.append({"run_id": run_id, "scope": scope_key(seen), "customer_version": version, "points": curves})
    con.execute(insert(RunScopeCurve), saved)


def _among(column: pa.Array, names: frozenset[str]) -> pa.Array:
    """Whether each value is one of ``names`` (an empty value is not)."""
    return pc.fill_null(pc.is_in(column.cast(pa.string()), value_set=pa.array(sorted(names), pa.string())), False)


def saved_scope_curves(session: Session, run_id: int, seen: Visibility) -> Curves | None:
    """The curves saved with run ``run_id`` for the scope ``seen``, while still exact; else ``None``."""
    points = session.execute(
        select(RunScopeCurve.points)
        .join(CustomerChanges, CustomerChanges.id == 1)
        .where(
            RunScopeCurve.run_id == run_id,
            RunScopeCurve.scope == scope_key(seen),
            RunScopeCurve.customer_version == CustomerChanges.version,
        )
    ).scalar_one_or_none()
    if points is None:
        return None
    return points.get("sales", []), points.get("profit", [])
