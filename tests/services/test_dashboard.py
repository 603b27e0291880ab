"""The dashboard from the summaries saved with the runs, per viewer, on SQLite and PostgreSQL.

Four customers, two account managers (li: c1, c2; wang: c3, c4), two china-post runs: as of 2025-06-30
(c1 diamond, c2 gold, c3 vip, c4 standard) and 2025-07-31, after c4 bought 6,000,000 (diamond).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tierwise.config import Settings
from tierwise.errors import NotFoundError, PermissionDeniedError
from tierwise.security.permissions import Actor
from tierwise.services.context import ServiceContext
from tierwise.services.dashboard import dashboard, share_at
from tierwise.services.imports import import_data
from tierwise.services.run_summaries import concentration_curve
from tierwise.services.runs import save_run
from tierwise.store.db import create_store_engine, session_factory
from tierwise.store.summary_models import RunMove, RunTotal

D = dt.date
NOW = dt.datetime(2025, 8, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "customers.csv").write_text(
        "customer_id,name,owner\nc1,甲,li\nc2,乙,li\nc3,丙,wang\nc4,丁,wang\n", encoding="utf-8"
    )
    (tmp_path / "transactions.csv").write_text(
        "customer_id,date,amount,profit\n"
        "c1,2025-03-01,5000000,600000\n"
        "c2,2025-03-01,999999.99,-100000\n"
        "c3,2025-03-01,20000,5000\n"
        "c4,2024-08-01,50,1\n"
        "c4,2025-07-15,6000000,300000\n",
        encoding="utf-8",
    )
    (tmp_path / "complaints.csv").write_text(
        "customer_id,date,category,status\n"
        "c1,2025-08-08,delivery,open\n"  # 2 days old on 2025-08-10
        "c2,2025-07-01,quality,处理中\n"  # 40 days
        "c3,2025-08-01,billing,open\n"  # 9 days
        "c3,2025-01-01,billing,resolved\n",
        encoding="utf-8",
    )
    (tmp_path / "surveys.csv").write_text(
        "customer_id,date,csat,nps\nc1,2025-02-01,5,10\nc2,2025-02-15,2,3\nc3,2025-05-01,4,9\nc4,2025-05-02,4,7\n",
        encoding="utf-8",
    )
    return tmp_path


@pytest.fixture
def runs(store_url: str, folder: Path) -> Settings:
    settings = Settings(database_url=store_url, engine="duckdb", lang="en")
    engine = create_store_engine(store_url)
    system = ServiceContext(settings, clock=lambda: NOW, sessions=session_factory(engine))
    import_data(system, folder)
    save_run(system, store_url, "china-post", as_of=D(2025, 6, 30))
    save_run(system, store_url, "china-post", as_of=D(2025, 7, 31))
    yield settings
    engine.dispose()


def as_viewer(settings: Settings, name: str, role: str) -> ServiceContext:
    engine = create_store_engine(settings.database_url)
    return ServiceContext(settings, actor=Actor(name, role), clock=lambda: NOW, sessions=session_factory(engine))


def test_a_run_saves_totals_per_owner_and_moves_since_the_previous_run(runs: Settings) -> None:
    with as_viewer(runs, "root", "analyst").store() as session:
        totals = session.execute(
            select(RunTotal.owner, RunTotal.class_, RunTotal.customers, RunTotal.sales, RunTotal.profit)
            .where(RunTotal.run_id == 1)
            .order_by(RunTotal.owner, RunTotal.class_)
        ).all()
        moves = session.execute(
            select(RunMove.owner, RunMove.from_class, RunMove.to_class, RunMove.customers, RunMove.previous_run_id)
            .where(RunMove.run_id == 2)
            .order_by(RunMove.owner, RunMove.from_class)
        ).all()
    assert [tuple(t) for t in totals] == [
        ("li", "diamond", 1, 5_000_000.0, 600_000.0),
        ("li", "gold", 1, 999_999.99, -100_000.0),
        ("wang", "standard", 1, 50.0, 1.0),
        ("wang", "vip", 1, 20_000.0, 5_000.0),
    ]
    assert [tuple(m) for m in moves] == [
        ("li", "diamond", "diamond", 1, 1),
        ("li", "gold", "gold", 1, 1),
        ("wang", "standard", "diamond", 1, 1),
        ("wang", "vip", "vip", 1, 1),
    ]


def test_the_director_sees_every_customer(runs: Settings) -> None:
    board = dashboard(as_viewer(runs, "zhao", "analyst"))
    assert (board.policy, board.run_id, board.previous_run_id, board.as_of) == ("china-post", 2, 1, D(2025, 7, 31))
    assert board.previous_as_of == D(2025, 6, 30)  # where the migration chart starts
    shares = {c.code: (c.customers, c.sales, c.profit) for c in board.classes}
    assert shares == {
        "diamond": (2, 11_000_050.0, 900_001.0),  # c1, and c4 with both purchases inside the 12 months
        "platinum": (0, None, None),
        "gold": (1, 999_999.99, -100_000.0),
        "vip": (1, 20_000.0, 5_000.0),
        "standard": (0, None, None),
    }
    # best 20 % of 4 customers = 0.8 of one: 0.8 × 6,000,050 of 12,020,049.99 total sales
    assert board.top20_sales_share == pytest.approx(0.8 * 6_000_050 / 12_020_049.99, abs=1e-6)
    assert board.whale_peak == [0.75, pytest.approx(905_001 / 805_001, abs=1e-6)]
    assert [(m.from_class, m.to_class, m.customers) for m in board.moves] == [
        ("diamond", "diamond", 1),
        ("gold", "gold", 1),
        ("standard", "diamond", 1),
        ("vip", "vip", 1),
    ]
    assert board.complaints_by_age == [("0-7", 1), ("8-30", 1), ("31-90", 1), ("91+", 0)]
    assert board.nps_by_quarter == [("2025Q1", 2, 0.0), ("2025Q2", 2, 50.0)]


def test_an_account_manager_sees_only_their_own_customers(runs: Settings) -> None:
    board = dashboard(as_viewer(runs, "wang", "account_manager"))
    assert board.customers == 2
    assert {c.code: c.customers for c in board.classes if c.customers} == {"diamond": 1, "vip": 1}
    assert [(m.from_class, m.to_class) for m in board.moves] == [("standard", "diamond"), ("vip", "vip")]
    assert board.complaints_by_age == [("0-7", 0), ("8-30", 1), ("31-90", 0), ("91+", 0)]
    assert board.nps_by_quarter == [("2025Q2", 2, 50.0)]
    # their own Pareto curve, computed from their two customers: c4 alone is half of them
    assert share_at(board.pareto, 0.5) == pytest.approx(6_000_050 / 6_020_050, abs=1e-6)
    nobody = dashboard(as_viewer(runs, "chen", "account_manager"))
    assert (nobody.customers, nobody.pareto, nobody.moves) == (0, [], [])


def test_the_lobby_has_no_dashboard_and_an_unknown_policy_is_named(runs: Settings) -> None:
    with pytest.raises(PermissionDeniedError):
        dashboard(as_viewer(runs, "xu", "lobby"))
    with pytest.raises(NotFoundError, match="no saved run of policy 'abc'"):
        dashboard(as_viewer(runs, "zhao", "analyst"), policy="abc")


@given(st.lists(st.floats(min_value=-1e6, max_value=1e9, allow_nan=False), min_size=1, max_size=500))
def test_a_concentration_curve_runs_from_nothing_to_the_whole(values: list[float]) -> None:
    curve = concentration_curve(np.array(values))
    if sum(values) <= 0:
        assert curve == []
        return
    xs = [p[0] for p in curve]
    assert curve[0] == [0.0, 0.0] and curve[-1] == [1.0, pytest.approx(1.0, abs=1e-6)]
    assert xs == sorted(xs) and len(curve) <= 202
    # the peak is kept: no point of the full curve is higher
    full = np.cumsum(np.sort(values)[::-1]) / sum(values)
    assert max(p[1] for p in curve) == pytest.approx(max(full.max(), 0.0), abs=1e-6)
