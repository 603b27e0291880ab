"""``tierwise keys rotate`` on a store imported under an older key."""

from __future__ import annotations

from pathlib import Path

from personal_book import Store
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.security.pii import Keyring, new_key_entry


def test_keys_rotate_reencrypts_under_the_first_key_and_says_how_many(store_url: str, tmp_path: Path) -> None:
    store = Store(store_url, tmp_path)
    k2 = new_key_entry("k2")
    env = {"TIERWISE_SECRET_KEY": f"{k2},{store.key}", "TIERWISE_DATABASE_URL": store_url}
    done = CliRunner().invoke(app, ["keys", "rotate", "--batch", "1"], env=env)
    assert done.exit_code == 0, done.output
    assert "customers: 2 row(s) re-encrypted under key k2 (values sealed before by: k1 6)" in done.output
    assert "contacts: 0 row(s) re-encrypted under key k2 (values sealed before by: -)" in done.output
    (phone,) = store.raw("SELECT phone FROM customers WHERE customer_id = 'C2'")[0]
    assert Keyring.parse(k2).decrypt(phone, context="customers.phone:C2") == "13900001111"
    again = CliRunner().invoke(app, ["keys", "rotate"], env=env)
    assert "customers: 0 row(s) re-encrypted" in again.output
    store.engine.dispose()
