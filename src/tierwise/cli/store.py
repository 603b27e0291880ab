"""Commands on the store itself: ``tierwise db upgrade``."""

from __future__ import annotations

import typer

from tierwise.cli.application import app, console, settings

db_app = typer.Typer(name="db", help="The store's database: bring it to this version's tables.", no_args_is_help=True)
app.add_typer(db_app)


@db_app.command("upgrade")
def upgrade_command() -> None:
    """Create or migrate the store's tables (TIERWISE_DATABASE_URL; default the SQLite file tierwise.db)."""
    from tierwise.services.store import upgrade_store

    where, before, reached = upgrade_store(settings())
    if before == reached:
        console.print(f"{where}: already at migration {reached}", soft_wrap=True)
    else:
        console.print(f"{where}: migrated from {before or 'an empty database'} to {reached}", soft_wrap=True)
