"""``tierwise keys rotate``: re-encrypt the store's personal data under the first key of TIERWISE_SECRET_KEY."""

from __future__ import annotations

from typing import Annotated

import typer

from tierwise.cli.application import app, console, say, service_context
from tierwise.cli.records import AsOption, DbOption
from tierwise.i18n import N_, Message

keys_app = typer.Typer(name="keys", help="The personal-data keys: re-encrypt under a new one.", no_args_is_help=True)
app.add_typer(keys_app)


@keys_app.command("rotate")
def rotate_command(
    db: DbOption = None,
    actor: AsOption = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Rows per transaction.")] = 1_000,
) -> None:
    """Re-encrypt every sealed id number, phone and e-mail address under the first key (see docs/security.md)."""
    from tierwise.services.keys import rotate_keys
    from tierwise.services.store_access import on_store

    with on_store(service_context(), db, actor=actor) as ctx:
        report = rotate_keys(ctx, batch_rows=batch)
    for table in report.tables:
        olds = ", ".join(f"{key} {count}" for key, count in table.from_keys.items()) or "-"
        text = Message(
            N_("%(table)s: %(rows)s row(s) re-encrypted under key %(key)s (values sealed before by: %(old)s)"),
            {"table": table.table, "rows": table.rows, "key": report.active_key, "old": olds},
        )
        console.print(say(text), soft_wrap=True)
