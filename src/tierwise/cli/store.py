"""Commands on the store itself: ``tierwise db upgrade``."""

from __future__ import annotations

import typer

from tierwise.cli.application import app, console
from tierwise.config import Settings

db_app = typer.Typer(name="db", help="The store's database: bring it to this version's tables.", no_args_is_help=True)
app.add_typer(db_app)


@db_app.command("upgrade")
def upgrade_command() -> None:
    """Create or migrate the store's tables (TIERWISE_DATABASE_URL; default the SQLite file tierwise.db)."""
    from tierwise.store.db import engine_from_settings, public_label
    from tierwise.store.schema import current_revision, upgrade

    settings = Settings()
    engine = engine_from_settings(settings)
    before = current_revision(engine)
    reached = upgrade(engine)
    engine.dispose()
    where = public_label(settings.database_url)
    if before == reached:
        console.print(f"{where}: already at migration {reached}", soft_wrap=True)
    else:
        console.print(f"{where}: migrated from {before or 'an empty database'} to {reached}", soft_wrap=True)
