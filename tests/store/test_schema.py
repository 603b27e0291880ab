"""The store's tables: migrations from the package, SQLite settings, append-only runs/assignments/audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.errors import ConfigurationError
from tierwise.store.audit import write_audit
from tierwise.store.customer_search import POSTGRES_INDEXES, SQLITE_TABLES
from tierwise.store.db import create_store_engine, public_label, session_factory
from tierwise.store.models import AuditEntry, Base, Customer
from tierwise.store.run_models import Policy, Run
from tierwise.store.schema import current_revision, ensure_schema, head_revision, upgrade


def test_upgrade_creates_every_model_table_once(empty_database_url: str) -> None:
    engine = create_store_engine(empty_database_url)
    assert current_revision(engine) is None
    assert upgrade(engine) == head_revision()
    assert upgrade(engine) == head_revision()  # a second upgrade is a no-op
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables - SQLITE_TABLES == set(Base.metadata.tables)  # and SQLite's FTS5 search table, not a model
    engine.dispose()


def test_migration_matches_the_models(store_url: str) -> None:
    """Alembic finds nothing to change between the shipped migration and the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    def modelled(name: str | None, kind: str, _parent: object) -> bool:
        # the search index of migration 0014 is no model: SQLite's FTS5 tables, PostgreSQL's trigram indexes
        return not ((kind == "table" and name in SQLITE_TABLES) or (kind == "index" and name in POSTGRES_INDEXES))

    engine = create_store_engine(store_url)
    with engine.connect() as con:
        opts = {"compare_type": True, "include_name": modelled}
        diff = compare_metadata(MigrationContext.configure(con, opts=opts), Base.metadata)
    engine.dispose()
    assert diff == []


def test_ensure_schema_sets_up_a_new_database_and_refuses_a_foreign_one(empty_database_url: str) -> None:
    engine = create_store_engine(empty_database_url)
    with engine.begin() as con:
        con.execute(text("CREATE TABLE ledger (id INTEGER)"))
    with pytest.raises(ConfigurationError, match="holds tables but no tierwise migration record"):
        ensure_schema(engine)
    with engine.begin() as con:
        con.execute(text("DROP TABLE ledger"))
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 's.db'}", lock_timeout=7.5)
    with engine.connect() as con:
        assert con.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert con.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert con.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7500
    engine.dispose()


def test_money_keeps_its_decimals(store_url: str) -> None:
    engine = create_store_engine(store_url)
    with session_factory(engine).begin() as session:
        session.add(Customer(customer_id="C-001", name="华东机电", annual_revenue=Decimal("5200000.25")))
    with session_factory(engine)() as session:
        customer = session.get(Customer, "C-001")
        assert customer.annual_revenue == Decimal("5200000.25")
        assert isinstance(customer.annual_revenue, Decimal)
    engine.dispose()


@pytest.fixture
def saved_run(store_url: str):
    engine = create_store_engine(store_url)
    with session_factory(engine).begin() as session:
        policy = Policy(name="china-post", version="1", text="name: china-post\n", hash="0" * 64)
        session.add(policy)
        session.flush()
        run = Run(
            policy_id=policy.id,
            as_of=dt.date(2026, 3, 31),
            data_source="demo",
            data_fingerprint="f",
            engine="duckdb",
            actor="system",
        )
        session.add(run)
        session.flush()
        session.execute(
            text("INSERT INTO assignments (run_id, customer_id, class, reasons) VALUES (:run, 'C1', 'gold', '[]')"),
            {"run": run.id},
        )
        write_audit(session, actor="system", action="run.save", target_type="run", target_id=run.id)
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE runs SET actor = 'mallory'",
        "DELETE FROM runs",
        "UPDATE assignments SET class = 'diamond'",
        "DELETE FROM assignments",
        "UPDATE audit SET actor = 'mallory'",
        "DELETE FROM audit",
    ],
)
def test_runs_assignments_and_audit_refuse_update_and_delete(saved_run, statement: str) -> None:
    with pytest.raises(DBAPIError, match="never changed or deleted"), saved_run.begin() as con:
        con.execute(text(statement))
    with saved_run.connect() as con:
        assert con.execute(text("SELECT count(*) FROM assignments")).scalar() == 1
        assert con.execute(text("SELECT actor FROM runs")).scalar() == "system"


def test_audit_rows_commit_and_roll_back_with_the_change(store_url: str) -> None:
    engine = create_store_engine(store_url)
    factory = session_factory(engine)
    with pytest.raises(RuntimeError), factory.begin() as session:
        write_audit(session, actor="li", action="customer.update", target_type="customer", target_id="C1")
        raise RuntimeError("the change failed")
    with factory.begin() as session:
        write_audit(
            session,
            actor="li",
            action="customer.update",
            target_type="customer",
            target_id="C1",
            before={"owner": "wang", "since": dt.date(2024, 1, 2)},
            after={"owner": "li", "revenue": Decimal("1.10")},
        )
    with factory() as session:
        rows = session.scalars(select(AuditEntry)).all()
    assert [(r.actor, r.action, r.target_id) for r in rows] == [("li", "customer.update", "C1")]
    assert rows[0].before == {"owner": "wang", "since": "2024-01-02"}
    assert rows[0].after == {"owner": "li", "revenue": "1.10"}
    engine.dispose()


def test_db_upgrade_command(empty_database_url: str, monkeypatch) -> None:
    monkeypatch.setenv("TIERWISE_DATABASE_URL", empty_database_url)
    first = CliRunner().invoke(app, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert f"migrated from an empty database to {head_revision()}" in first.output
    second = CliRunner().invoke(app, ["db", "upgrade"])
    assert f"already at migration {head_revision()}" in second.output


def test_public_label_hides_the_password() -> None:
    assert public_label("postgresql://tw:secret@db.example/tierwise") == "postgresql://tw:***@db.example/tierwise"
