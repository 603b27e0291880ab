"""Commands on the store itself: ``tierwise db upgrade``."""

from __future__ import annotations

import typer

from tierwise.cli.application import app, console, say, service_context
from tierwise.i18n import N_, Message

db_app = typer.Typer(name="db", help="The store's database: bring it to this version's tables.", no_args_is_help=True)
app.add_typer(db_app)


@db_app.command("upgrade")
def upgrade_command() -> None:
    """Create or migrate the store's tables (TIERWISE_DATABASE_URL; default the SQLite file tierwise.db)."""
    from tierwise.services.database import upgrade_database

    done = upgrade_database(service_context())
    if done.changed and done.before is None:
        text = Message(
            N_("%(db)s: migrated from an empty database to %(to)s"), {"db": done.database, "to": done.reached}
        )
    elif done.changed:
        text = Message(
            N_("%(db)s: migrated from %(from)s to %(to)s"),
            {"db": done.database, "from": done.before, "to": done.reached},
        )
    else:
        text = Message(N_("%(db)s: already at migration %(to)s"), {"db": done.database, "to": done.reached})
    console.print(say(text), soft_wrap=True)
