"""The audit log's hash chain on the store (SQLite and PostgreSQL): every row sealed as it is written,
``tierwise audit verify`` naming the first entry edited, removed or inserted directly in SQL, and
concurrent writers on PostgreSQL that do not fork the chain."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.config import Settings
from tierwise.security.audit_chain import GENESIS, seal
from tierwise.services.audit import AuditFilter, query_audit, verify_audit
from tierwise.services.context import ServiceContext
from tierwise.store.audit import write_audit
from tierwise.store.db import create_store_engine, session_factory

AT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # Beijing time


@pytest.fixture
def store(store_url: str):
    """A store holding five audit entries (seq 1–5): li edits customer C1..C5's owner."""
    engine = create_store_engine(store_url)
    with session_factory(engine).begin() as session:
        for n in range(1, 6):
            write_audit(
                session,
                actor="li",
                action="customer.update",
                target_type="customer",
                target_id=f"C{n}",
                before={"owner": "wang", "share": 0.25, "amount": 1e20},
                after={"owner": "li", "since": dt.date(2026, 3, n)},
                ip="10.0.0.7",
                user_agent="Mozilla/5.0",
                at=AT + dt.timedelta(minutes=n),
            )
    yield store_url, engine
    engine.dispose()


def tamper(engine, *statements: str, params: dict | None = None) -> None:
    """Run ``statements`` past the append-only triggers and the fork guard, as someone with the database's
    keys could."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as con:
        if postgres:
            con.execute(text("ALTER TABLE audit DISABLE TRIGGER USER"))
        else:
            con.execute(text("DROP TRIGGER audit_no_update"))
            con.execute(text("DROP TRIGGER audit_no_delete"))
        con.execute(text("DROP INDEX uq_audit_prev_hash"))
        for statement in statements:
            con.execute(text(statement), params or {})


def verify(url: str):
    return CliRunner().invoke(app, ["audit", "verify", "--db", url], catch_exceptions=False)


def test_every_entry_is_sealed_and_the_untouched_chain_verifies(store) -> None:
    url, engine = store
    done = verify(url)
    assert done.exit_code == 0, done.output
    assert "the audit log holds: 5 entries checked" in done.output
    with engine.connect() as con:
        rows = con.execute(text("SELECT seq, prev_hash, hash FROM audit ORDER BY seq")).all()
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == GENESIS
    assert all(rows[i].prev_hash == rows[i - 1].hash for i in range(1, 5))  # each links to the one before


def test_an_edited_entry_is_named(store) -> None:
    url, engine = store
    tamper(engine, "UPDATE audit SET actor = 'mallory' WHERE seq = 3")
    done = verify(url)
    assert done.exit_code == 1
    assert "audit entry 3 was edited: its content no longer matches its hash" in done.output


def test_an_edited_entry_rehashed_to_cover_it_is_still_named(store) -> None:
    url, engine = store
    with engine.connect() as con:
        row = con.execute(text("SELECT * FROM audit WHERE seq = 3")).mappings().one()
    forged = seal({**row, "after": {"owner": "mallory"}}, row["prev_hash"])
    tamper(engine, "UPDATE audit SET after = :after, hash = :hash WHERE seq = 3",
           params={"after": '{"owner": "mallory"}', "hash": forged["hash"]})  # fmt: skip
    assert "audit entry 3 was edited" in verify(url).output


def test_a_removed_entry_is_named(store) -> None:
    url, engine = store
    tamper(engine, "DELETE FROM audit WHERE seq = 3")
    done = verify(url)
    assert done.exit_code == 1 and "audit entry 3 was removed" in done.output


def test_removed_entries_in_a_row_are_named_as_a_range(store) -> None:
    url, engine = store
    tamper(engine, "DELETE FROM audit WHERE seq IN (2, 3, 4)")
    assert "audit entries 2 to 4 were removed" in verify(url).output


def test_a_row_inserted_without_the_writer_is_named(store) -> None:
    url, engine = store
    tamper(
        engine,
        "INSERT INTO audit (seq, at, actor, action, target_type, target_id) "
        "VALUES (6, CURRENT_TIMESTAMP, 'mallory', 'customer.update', 'customer', 'C9')",
    )
    done = verify(url)
    assert done.exit_code == 1
    assert "audit entry 6 was inserted: it is not linked into the chain" in done.output


def test_a_sealed_row_slipped_in_before_the_first_is_named(store) -> None:
    url, engine = store
    forged = seal(
        {"seq": 0, "at": AT, "actor": "mallory", "ip": None, "user_agent": None, "action": "user.create",
         "target_type": "user", "target_id": "mallory", "before": None, "after": None},
        GENESIS,
    )  # fmt: skip
    tamper(
        engine,
        "INSERT INTO audit (seq, at, actor, action, target_type, target_id, prev_hash, hash) "
        "VALUES (0, :at, 'mallory', 'user.create', 'user', 'mallory', :prev, :hash)",
        params={"at": forged["at"], "prev": forged["prev_hash"], "hash": forged["hash"]},
    )
    assert "audit entry 0 was inserted" in verify(url).output


def test_the_database_refuses_a_fork_of_the_chain(store) -> None:
    _url, engine = store
    with engine.connect() as con:
        second = con.execute(text("SELECT prev_hash FROM audit WHERE seq = 2")).scalar()
    with pytest.raises(Exception, match="(?i)unique"), engine.begin() as con:
        con.execute(
            text(
                "INSERT INTO audit (seq, at, actor, action, target_type, prev_hash, hash) "
                "VALUES (9, CURRENT_TIMESTAMP, 'mallory', 'x', 'y', :prev, :prev)"
            ),
            {"prev": second},
        )


def test_the_query_filters_and_pages_newest_first(store) -> None:
    url, engine = store
    ctx = ServiceContext.system(Settings(database_url=url), sessions=session_factory(engine))
    page = query_audit(ctx, AuditFilter(actor="li", since=AT + dt.timedelta(minutes=2)), page=1, per_page=2)
    assert (page.total, [e.target_id for e in page.items]) == (4, ["C5", "C4"])
    assert page.items[0].at == AT + dt.timedelta(minutes=5)  # the same instant, read back in UTC
    assert page.items[0].before == {"owner": "wang", "share": 0.25, "amount": 1e20}
    assert query_audit(ctx, AuditFilter(target_id="C9")).total == 0
    assert verify_audit(ctx).checked == 5


@pytest.mark.postgres
def test_concurrent_writers_on_postgresql_do_not_fork_the_chain(postgres_databases) -> None:
    url = postgres_databases.create()
    engine = create_store_engine(url)
    factory, errors, start = session_factory(engine), [], threading.Barrier(8)

    def writer(n: int) -> None:
        try:
            start.wait()
            for k in range(10):
                with factory.begin() as session:
                    write_audit(session, actor=f"w{n}", action="x", target_type="t", target_id=k)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify_audit(ServiceContext.system(Settings(database_url=url), sessions=factory))
    assert (report.ok, report.checked, report.last_seq) == (True, 80, 80)
    engine.dispose()
    postgres_databases.drop(url)


def test_the_upgrade_seals_the_rows_an_older_store_holds(empty_database_url: str) -> None:
    from tierwise.store.schema import upgrade

    engine = create_store_engine(empty_database_url)
    upgrade(engine, "0004")
    with engine.begin() as con:
        for n in (1, 2, 3):
            con.execute(
                text(
                    "INSERT INTO audit (seq, at, actor, action, target_type, target_id, after) "
                    "VALUES (:n, :at, 'li', 'visit.add', 'visit', :n, :after)"
                ),
                {"n": n, "at": AT + dt.timedelta(minutes=n), "after": '{"content": "拜访"}'},
            )
    upgrade(engine)
    ctx = ServiceContext.system(Settings(database_url=empty_database_url), sessions=session_factory(engine))
    report = verify_audit(ctx)
    assert (report.ok, report.checked) == (True, 3)
    with session_factory(engine).begin() as session:  # the next entry follows the sealed ones
        assert write_audit(session, actor="li", action="x", target_type="t", target_id=1).seq == 4
    assert verify_audit(ctx).checked == 4
    with pytest.raises(Exception, match="never changed or deleted"), engine.begin() as con:
        con.execute(text("UPDATE audit SET actor = 'mallory'"))  # the trigger is back
    engine.dispose()


# text a database can hold: UTF-8 (no lone surrogate) and, for PostgreSQL, no NUL
TEXT = st.text(st.characters(codec="utf-8", exclude_characters=["\x00"]), max_size=20)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x != 0 or str(x) == "0.0")
    | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.dictionaries(TEXT, JSON_VALUES, max_size=5), actor=TEXT.filter(bool))
def test_any_entry_reads_back_as_it_was_sealed(store, before: dict, actor: str) -> None:
    """Whatever JSON an entry holds (Chinese text, big and small floats, nesting), the database hands it back
    in a form that still hashes to the sealed hash, on SQLite and on PostgreSQL."""
    url, engine = store
    with session_factory(engine).begin() as session:
        written = write_audit(session, actor=actor, action="x", target_type="t", target_id=None, before=before)
    ctx = ServiceContext.system(Settings(database_url=url), sessions=session_factory(engine))
    report = verify_audit(ctx)
    assert report.ok, report.problem and report.problem.describe()
    assert report.last_seq == written.seq
