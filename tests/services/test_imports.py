"""tierwise import into the store: counts per table, upsert keys, all-or-nothing, history, revert, the CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.config import Settings
from tierwise.errors import DataValidationError, StoreError, UsageError
from tierwise.security.permissions import SYSTEM_ROLE, Actor
from tierwise.services.context import ServiceContext
from tierwise.services.import_history import list_imports, revert_import
from tierwise.services.imports import import_data
from tierwise.store.db import create_store_engine, session_factory
from tierwise.store.models import ComplaintStatusChange, Customer, OpportunityStage, Transaction
from tierwise.store.run_models import Policy, Run

CUSTOMERS = "客户编号,客户名称,客户经理\nC1,华东机电,wang\nC2,某省交通厅,li\n"
# two identical rows without an id are two sales, and stay two
TRANSACTIONS = (
    "客户编号,交易日期,金额,利润\nC1,2025-01-10,5200000.25,400000\nC2,2025-03-01,20000,1000\nC2,2025-03-01,20000,1000\n"
)
OPPORTUNITIES = "opportunity_id,customer_id,stage\nO1,C1,线索\n"
COMPLAINTS = "customer_id,date,complaint_id,status\nC2,2025-04-01,K1,未解决\n"


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(exist_ok=True)
    for stem, content in files.items():
        (folder / f"{stem}.csv").write_text(content, encoding="gb18030")
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write(
        tmp_path / "data",
        客户=CUSTOMERS,
        交易=TRANSACTIONS,
        opportunities=OPPORTUNITIES,
        complaints=COMPLAINTS,
    )


@pytest.fixture
def settings(store_url: str) -> Settings:
    return Settings(database_url=store_url, database_lock_timeout=5)


@pytest.fixture
def ctx(settings: Settings) -> ServiceContext:
    return ServiceContext.system(settings)


def as_user(ctx: ServiceContext, name: str) -> ServiceContext:
    return replace(ctx, actor=Actor(name, SYSTEM_ROLE))


def counts(report) -> dict[str, tuple[int, int, int, int]]:
    return {c.table: (c.created, c.updated, c.unchanged, c.rejected) for c in report.tables}


def rows(settings: Settings, table: str) -> int:
    engine = create_store_engine(settings.database_url)
    with engine.connect() as con:
        n = con.execute(text(f"SELECT count(*) FROM {table}")).scalar()
    engine.dispose()
    return n


def test_first_import_creates_every_row_and_records_its_history(
    ctx: ServiceContext, settings: Settings, folder: Path
) -> None:
    report = import_data(as_user(ctx, "zhang"), folder)
    assert counts(report) == {
        "customers": (2, 0, 0, 0),
        "transactions": (3, 0, 0, 0),
        "opportunities": (1, 0, 0, 0),
        "complaints": (1, 0, 0, 0),
    }
    engine = create_store_engine(settings.database_url)
    with session_factory(engine)() as session:
        c1 = session.get(Customer, "C1")
        assert (c1.name, c1.owner, c1.import_id) == ("华东机电", "wang", report.import_id)
        amounts = sorted(session.scalars(select(Transaction.amount)))
        assert amounts == [Decimal("20000"), Decimal("20000"), Decimal("5200000.25")]
        assert [s.stage for s in session.scalars(select(OpportunityStage))] == ["lead"]
        change = session.scalars(select(ComplaintStatusChange)).one()
        assert (change.from_status, change.to_status, change.actor) == (None, "open", "zhang")
    engine.dispose()
    (history,) = list_imports(ctx)
    assert (history.import_id, history.actor, history.mode, history.status) == (
        report.import_id,
        "zhang",
        "insert",
        "done",
    )
    sha = hashlib.sha256((folder / "交易.csv").read_bytes()).hexdigest()
    assert {(f.table, f.name, f.sha256, f.rows) for f in history.files} >= {("transactions", "交易.csv", sha, 3)}
    assert {t.table: t.created for t in history.tables}["transactions"] == 3


def test_importing_the_same_files_again_changes_nothing(ctx: ServiceContext, settings: Settings, folder: Path) -> None:
    import_data(ctx, folder)
    for mode in ("insert", "upsert"):
        again = import_data(ctx, folder, mode=mode)
        assert {t: c[:2] for t, c in counts(again).items()} == {t: (0, 0) for t in counts(again)}
        assert counts(again)["transactions"] == (0, 0, 3, 0)
    assert rows(settings, "transactions") == 3
    assert rows(settings, "imports") == 3


def test_an_order_of_several_lines_is_imported_line_by_line_and_again_changes_nothing(
    ctx: ServiceContext, settings: Settings, tmp_path: Path
) -> None:
    lines = (
        "customer_id,date,amount,transaction_id,category\n"
        "C1,2025-01-10,100,T1,pumps\nC1,2025-01-10,40,T1,valves\nC1,2025-01-10,40,T1,valves\n"
        "C2,2025-02-01,70,T2,pumps\n"
    )
    folder = write(tmp_path / "orders", customers=CUSTOMERS, transactions=lines)
    first = import_data(ctx, folder)
    assert counts(first)["transactions"] == (4, 0, 0, 0)
    for mode in ("insert", "upsert"):
        assert counts(import_data(ctx, folder, mode=mode))["transactions"] == (0, 0, 4, 0)
    engine = create_store_engine(settings.database_url)
    with session_factory(engine)() as session:
        keys = session.execute(select(Transaction.row_key, Transaction.category, Transaction.amount)).all()
    engine.dispose()
    assert sorted(k for k, _, _ in keys) == ["id:T2", "ln:T1:1", "ln:T1:2", "ln:T1:3"]
    assert sorted((c, a) for k, c, a in keys if k.startswith("ln:T1:")) == [
        ("pumps", Decimal("100")),
        ("valves", Decimal("40")),
        ("valves", Decimal("40")),
    ]
    assert [k for k, _, _ in keys if not k.startswith("ln:T1:")] == ["id:T2"]  # an order of one line: its id


def test_upsert_updates_by_key_and_adds_new_rows(
    ctx: ServiceContext, settings: Settings, folder: Path, tmp_path: Path
) -> None:
    import_data(ctx, folder)
    changed = write(
        tmp_path / "changed",
        customers="customer_id,name,owner\nC1,华东机电集团,wang\nC2,某省交通厅,li\nC3,新客户,li\n",
        opportunities="opportunity_id,customer_id,stage\nO1,C1,赢单\n",
        complaints="customer_id,date,complaint_id,status\nC2,2025-04-01,K1,已解决\n",
    )
    report = import_data(as_user(ctx, "li"), changed, mode="upsert")
    assert counts(report) == {
        "customers": (1, 1, 1, 0),
        "opportunities": (0, 1, 0, 0),
        "complaints": (0, 1, 0, 0),
    }
    engine = create_store_engine(settings.database_url)
    with session_factory(engine)() as session:
        c1 = session.get(Customer, "C1")
        assert (c1.name, c1.updated_import_id) == ("华东机电集团", report.import_id)
        assert [s.stage for s in session.scalars(select(OpportunityStage).order_by(OpportunityStage.id))] == [
            "lead",
            "won",
        ]
        statuses = session.scalars(select(ComplaintStatusChange).order_by(ComplaintStatusChange.id)).all()
        assert [(s.from_status, s.to_status) for s in statuses] == [(None, "open"), ("open", "resolved")]
    engine.dispose()


def test_insert_mode_refuses_changed_rows_and_writes_nothing(
    ctx: ServiceContext, settings: Settings, folder: Path, tmp_path: Path
) -> None:
    import_data(ctx, folder)
    changed = write(tmp_path / "changed", customers="customer_id,name\nC1,改名\nC9,新\n")
    with pytest.raises(StoreError, match=r"(?s)use --mode upsert.*customers: C1$"):
        import_data(ctx, changed)
    assert rows(settings, "customers") == 2
    assert rows(settings, "imports") == 1


def test_dry_run_counts_and_writes_nothing(
    ctx: ServiceContext, settings: Settings, folder: Path, tmp_path: Path
) -> None:
    first = import_data(ctx, folder, dry_run=True)
    assert first.import_id is None
    assert counts(first)["transactions"] == (3, 0, 0, 0)
    assert rows(settings, "transactions") == 0
    assert rows(settings, "imports") == 0
    import_data(ctx, folder)
    changed = write(tmp_path / "changed", customers="customer_id,name\nC1,改名\nC9,新\n")
    assert counts(import_data(ctx, changed, dry_run=True))["customers"] == (1, 0, 0, 1)
    assert counts(import_data(ctx, changed, dry_run=True, mode="upsert"))["customers"] == (1, 1, 0, 0)
    assert rows(settings, "customers") == 2


def test_invalid_data_is_refused_with_the_problem_list_and_nothing_written(
    ctx: ServiceContext, settings: Settings, tmp_path: Path
) -> None:
    bad = write(tmp_path / "bad", customers=CUSTOMERS, transactions="customer_id,date,amount\nC1,2025-01-01,12a\n")
    with pytest.raises(DataValidationError) as caught:
        import_data(ctx, bad)
    assert (
        caught.value.problems[0].describe()
        == "transactions.csv, row 2, column amount, value '12a': not a number (write e.g. 1234.50)"
    )
    assert caught.value.problems[0].describe("zh").endswith("不是数字（例如 1234.50）")
    assert rows(settings, "customers") == 0
    assert rows(settings, "imports") == 0


def test_revert_removes_exactly_what_the_import_added(
    ctx: ServiceContext, settings: Settings, folder: Path, tmp_path: Path
) -> None:
    first = import_data(ctx, folder)
    more = write(tmp_path / "more", transactions="customer_id,date,amount\nC1,2025-06-01,10\n")
    second = import_data(ctx, more)
    reverted = revert_import(as_user(ctx, "li"), second.import_id)
    assert reverted.status == "reverted"
    assert rows(settings, "transactions") == 3
    assert [r.status for r in list_imports(ctx)] == ["done", "reverted"]
    with pytest.raises(StoreError, match="already reverted"):
        revert_import(ctx, second.import_id)
    revert_import(ctx, first.import_id)
    for table in ("customers", "transactions", "opportunities", "opportunity_stages", "complaints"):
        assert rows(settings, table) == 0, table
    assert rows(settings, "complaint_status_changes") == 0


def test_revert_is_refused_when_later_work_depends_on_it(
    ctx: ServiceContext, settings: Settings, folder: Path, tmp_path: Path
) -> None:
    first = import_data(ctx, folder)
    later = write(tmp_path / "later", customers="customer_id,name\nC1,华东机电集团\n")
    second = import_data(ctx, later, mode="upsert")
    with pytest.raises(StoreError, match=f"import {second.import_id} changed 1 of its customers rows"):
        revert_import(ctx, first.import_id)
    with pytest.raises(StoreError, match="it updated 1 row"):
        revert_import(ctx, second.import_id)
    engine = create_store_engine(settings.database_url)
    with session_factory(engine).begin() as session:
        policy = Policy(name="abc", version="1", text="name: abc\n", hash="0" * 64)
        session.add(policy)
        session.flush()
        session.add(
            Run(
                policy_id=policy.id,
                as_of=dt.date(2025, 12, 31),
                data_source="store",
                data_fingerprint="f",
                last_import_id=second.import_id,
                engine="duckdb",
                actor="system",
            )
        )
    engine.dispose()
    with pytest.raises(StoreError, match=r"saved run\(s\) 1 used its data"):
        revert_import(ctx, first.import_id)
    with pytest.raises(StoreError, match="there is no import 99"):
        revert_import(ctx, 99)


def test_the_import_commands(ctx: ServiceContext, settings: Settings, folder: Path, monkeypatch) -> None:
    monkeypatch.setenv("TIERWISE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("COLUMNS", "200")
    dry = CliRunner().invoke(app, ["import", str(folder), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dry run (insert), nothing written" in dry.output
    done = CliRunner().invoke(app, ["import", str(folder), "--as", "zhang"])
    assert done.exit_code == 0, done.output
    assert "import 1 (insert) done" in done.output
    listed = CliRunner().invoke(app, ["import", "list"])
    assert "zhang" in listed.output and "done" in listed.output
    reverted = CliRunner().invoke(app, ["import", "revert", "1"])
    assert "import 1 reverted: 7 row(s) removed" in reverted.output
    usage = CliRunner().invoke(app, ["import", "revert", "x"])
    assert isinstance(usage.exception, UsageError)
