"""Personal data at rest: sealed by the import, found by its keyed hash, re-encrypted by a key rotation."""

from __future__ import annotations

import pytest
from personal_book import LI, WANG, Store
from sqlalchemy import event, text

from tierwise.security.pii import Keyring, new_key_entry
from tierwise.services.keys import rotate_keys
from tierwise.services.sealed_data import find_customers
from tierwise.store.db import create_store_engine
from tierwise.store.schema import upgrade

PLAIN = {
    "C1": ("110101199001011234", "+86 138-1234-5678", "Zhang.Wei@Example.com"),
    "C2": ("11010119850202567x", "13900001111", "li@example.cn"),
}


def opened(store: Store, key: str) -> dict[str, tuple]:
    ring = Keyring.parse(key)
    rows = store.raw("SELECT customer_id, id_number, phone, email FROM customers WHERE customer_id <> 'C3'")
    return {
        cid: tuple(
            ring.decrypt(v, context=f"customers.{f}:{cid}") for f, v in zip(("id_number", "phone", "email"), values)
        )
        for cid, *values in rows
    }


def test_the_database_holds_no_plain_personal_data_after_an_import(store: Store) -> None:
    rows = store.raw(
        "SELECT customer_id, id_number, phone, email, id_number_hash, phone_hash, email_hash FROM customers"
    )
    by_id = {r[0]: r[1:] for r in rows}
    assert by_id["C3"] == (None,) * 6  # nothing stored, nothing hashed
    for cid in ("C1", "C2"):
        sealed, hashes = by_id[cid][:3], by_id[cid][3:]
        assert all(v.startswith("tw1:k1:") for v in sealed)
        assert all(h.startswith("k1:") and len(h) == 3 + 64 for h in hashes)
        stored_text = " ".join(by_id[cid])
        for plain in PLAIN[cid]:
            assert plain not in stored_text
    assert "13812345678" not in " ".join(str(c) for r in rows for c in r)
    assert opened(store, store.key) == PLAIN  # and each opens to exactly what was imported


def test_a_sealed_value_copied_to_another_row_does_not_open(store: Store) -> None:
    phone_c1 = store.raw("SELECT phone FROM customers WHERE customer_id = 'C1'")[0][0]
    with pytest.raises(Exception, match="copied from another column or row"):
        Keyring.parse(store.key).decrypt(phone_c1, context="customers.phone:C2")


@pytest.mark.parametrize(
    ("field", "typed", "found"),
    [
        ("phone", "13812345678", ["C1"]),
        ("phone", "+86 138 1234 5678", ["C1"]),
        ("phone", "１３８１２３４５６７８", ["C1"]),  # full-width digits, as a Chinese keyboard types them
        ("id_number", "11010119850202567X", ["C2"]),
        ("email", " zhang.wei@example.com ", ["C1"]),
        ("phone", "13812345679", []),
    ],
)
def test_search_by_exact_personal_data_finds_the_customer(store: Store, field, typed, found) -> None:
    assert find_customers(store.context(), field, typed) == found


def test_search_compares_the_hash_column_never_the_sealed_text(store: Store) -> None:
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    assert find_customers(store.context(WANG), "phone", "13812345678") == ["C1"]
    query = next(s for s in statements if "FROM customers" in s)
    assert "customers.phone_hash IN" in query
    assert "customers.phone " not in query.replace("customers.phone_hash", "")


def test_search_finds_only_the_customers_the_actor_sees(store: Store) -> None:
    assert find_customers(store.context(LI), "phone", "13812345678") == []  # C1 is wang's
    assert find_customers(store.context(LI), "phone", "13900001111") == ["C2"]


def test_rotation_reencrypts_every_value_and_keeps_it_readable(store: Store) -> None:
    k2 = new_key_entry("k2")
    both = f"{k2},{store.key}"
    # a new key in front: old values still open, search still finds them (under every key)
    assert find_customers(store.context(key=both), "phone", "13812345678") == ["C1"]
    report = rotate_keys(store.context(key=both), batch_rows=1)
    assert report.active_key == "k2"
    assert {t.table: (t.rows, t.from_keys) for t in report.tables} == {
        "customers": (2, {"k1": 6}),
        "contacts": (0, {}),
    }
    rows = store.raw("SELECT phone, phone_hash, email_hash FROM customers WHERE customer_id IN ('C1', 'C2')")
    assert all(p.startswith("tw1:k2:") and h.startswith("k2:") and e.startswith("k2:") for p, h, e in rows)
    assert opened(store, k2) == PLAIN  # readable with the new key alone: the old one can go
    assert find_customers(store.context(key=k2), "email", "li@example.cn") == ["C2"]
    audit = store.raw("SELECT actor, target_type, after FROM audit WHERE action = 'keys.rotate' ORDER BY seq")
    assert [(a, t) for a, t, _ in audit] == [("system", "customers"), ("system", "customers")]  # one per batch
    assert rotate_keys(store.context(key=k2)).rows == 0  # nothing left under k1


def test_rotation_is_refused_to_anyone_but_an_administrator(store: Store) -> None:
    from tierwise.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError, match="only an administrator"):
        rotate_keys(store.context(WANG, key=f"{new_key_entry('k2')},{store.key}"))


def test_the_migration_seals_values_stored_plain_before_it(empty_database_url: str, secret_key_for_the_run) -> None:
    engine = create_store_engine(empty_database_url)
    upgrade(engine, "0004")
    with engine.begin() as con:
        con.execute(
            text("INSERT INTO customers (customer_id, name, phone, email) VALUES ('C9', 'x', '13800000009', NULL)")
        )
        con.execute(
            text(
                "INSERT INTO contacts (customer_id, name, phone, email, created_at) "
                "VALUES ('C9', 'y', '010-6666 7777', 'y@example.com', CURRENT_TIMESTAMP)"
            )
        )
    upgrade(engine)
    with engine.connect() as con:
        customer = con.execute(text("SELECT phone, phone_hash, email, email_hash FROM customers")).one()
        contact = con.execute(text("SELECT id, phone, phone_hash, email FROM contacts")).one()
    engine.dispose()
    ring = Keyring.parse(secret_key_for_the_run)
    assert ring.decrypt(customer[0], context="customers.phone:C9") == "13800000009"
    assert customer[1] == ring.search_hash("phone", "13800000009")
    assert customer[2:] == (None, None)
    assert ring.decrypt(contact[1], context=f"contacts.phone:{contact[0]}") == "010-6666 7777"
    assert contact[2] == ring.search_hash("phone", "01066667777")
    assert ring.decrypt(contact[3], context=f"contacts.email:{contact[0]}") == "y@example.com"
