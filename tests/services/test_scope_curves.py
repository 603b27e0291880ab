"""A manager's and an account manager's dashboard curves, drawn for their scope when a run is saved
(services/scope_curves.py), on SQLite and PostgreSQL: equal to the curves drawn from their customers, and
drawn again from the customers once one of them moves to another owner."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import or_, select, update

from tierwise.config import Settings
from tierwise.security.permissions import Actor, visibility
from tierwise.services.concentration import concentration_curve
from tierwise.services.context import ServiceContext
from tierwise.services.dashboard import dashboard
from tierwise.services.imports import import_data
from tierwise.services.runs import save_run
from tierwise.services.scope_curves import saved_scope_curves, scope_key
from tierwise.services.users import create_user
from tierwise.store.db import create_store_engine, session_factory
from tierwise.store.models import Customer
from tierwise.store.run_models import Assignment
from tierwise.store.summary_models import RunScopeCurve

NOW = dt.datetime(2025, 8, 10, 9, 0, tzinfo=dt.UTC)
WANG = Actor("wang", "account_manager", frozenset({"east"}))
ZHAO = Actor("zhao", "manager", frozenset({"east"}))


@pytest.fixture
def saved(store_url: str, tmp_path: Path) -> ServiceContext:
    """Six customers, wang's c1-c3 and li's c4-c6 (teams east and north), users wang, li (account managers) and
    zhao (manager of east), and a china-post run saved after the users exist."""
    (tmp_path / "customers.csv").write_text(
        "customer_id,name,owner\n" + "".join(f"c{i},n{i},{'wang' if i <= 3 else 'li'}\n" for i in range(1, 7)),
        encoding="utf-8",
    )
    (tmp_path / "transactions.csv").write_text(
        "customer_id,date,amount,profit\n"
        + "".join(f"c{i},2025-03-01,{i * 100_000},{(i - 3) * 10_000}\n" for i in range(1, 7)),
        encoding="utf-8",
    )
    engine = create_store_engine(store_url)
    ctx = ServiceContext(
        Settings(database_url=store_url, lang="en"), clock=lambda: NOW, sessions=session_factory(engine)
    )
    import_data(ctx, tmp_path)
    with ctx.store() as session, session.begin():
        session.execute(update(Customer).where(Customer.owner == "wang").values(team="east"))
        session.execute(update(Customer).where(Customer.owner == "li").values(team="north"))
    for name, role, team in (("wang", "account_manager", "east"), ("li", "account_manager", "north"),
                             ("zhao", "manager", "east")):  # fmt: skip
        create_user(ctx, name, role=role, password="a long enough password 1", team=team)
    save_run(ctx, store_url, "china-post", as_of=dt.date(2025, 6, 30))
    yield ctx
    engine.dispose()


def live(ctx: ServiceContext, actor: Actor, run_id: int):
    """The curves drawn here from the viewer's customers in the run, as they are in the store now."""
    seen = visibility(actor)
    with ctx.store() as session:
        rows = session.execute(
            select(Assignment.sales, Assignment.profit)
            .join(Customer, Customer.customer_id == Assignment.customer_id)
            .where(Assignment.run_id == run_id, or_(Customer.owner.in_(seen.owners), Customer.team.in_(seen.teams)))
        ).all()
    values = np.array(rows, dtype=float).reshape(-1, 2)
    return concentration_curve(values[:, 0]), concentration_curve(values[:, 1])


def test_each_users_scope_is_drawn_when_the_run_is_saved_and_equals_the_drawing(saved: ServiceContext) -> None:
    with saved.store() as session:
        scopes = set(session.execute(select(RunScopeCurve.scope)).scalars())
        assert scopes == {scope_key(visibility(Actor(n, "account_manager"))) for n in ("wang", "li")} | {
            scope_key(visibility(ZHAO))
        }
        for actor in (WANG, ZHAO):
            stored = saved_scope_curves(session, 1, visibility(actor))
            assert stored is not None and stored[0]  # a Pareto curve of three customers
            assert stored == live(saved, actor, 1)
    board = dashboard(saved.with_actor(WANG))
    assert (board.pareto, board.whale) == live(saved, WANG, 1)


def test_a_customer_moved_to_another_owner_is_drawn_from_the_customers_again(saved: ServiceContext) -> None:
    before = dashboard(saved.with_actor(WANG))
    with saved.store() as session, session.begin():
        session.execute(update(Customer).where(Customer.customer_id == "c6").values(owner="wang"))
    with saved.store() as session:
        assert saved_scope_curves(session, 1, visibility(WANG)) is None
    after = dashboard(saved.with_actor(WANG))
    assert (after.pareto, after.whale) == live(saved, WANG, 1) != (before.pareto, before.whale)


def test_a_managers_class_table_counts_the_teams_customers_whoever_owns_them(saved: ServiceContext) -> None:
    board = dashboard(saved.with_actor(ZHAO))  # zhao owns none of east's customers: wang does
    assert board.customers == 3
    assert sum(c.customers for c in board.classes) == 3
