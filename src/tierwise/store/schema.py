"""Bringing a store's tables to the current migration, programmatically (the migrations ship in the package).

>>> from tierwise.store.db import create_store_engine
>>> engine = create_store_engine("sqlite://")
>>> upgrade(engine) == head_revision()
True
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from tierwise.errors import ConfigurationError

SCRIPT_LOCATION = "tierwise.store:migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


@functools.cache
def head_revision() -> str:
    """The newest migration the package ships (read once per process: reading compiles every migration file,
    tens of milliseconds that a request must not pay)."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or ``None`` for a database tierwise has never touched."""
    with engine.connect() as con:
        return MigrationContext.configure(con).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Apply every migration up to ``revision`` (all of them by default); returns the revision reached."""
    return _migrate(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> str:
    """Undo the migrations after ``revision``; returns the revision reached."""
    return _migrate(engine, command.downgrade, revision)


def _migrate(engine: Engine, step: Callable[[Config, str], None], revision: str) -> str:
    config = _config()
    with engine.begin() as con:
        config.attributes["connection"] = con
        step(config, revision)
    reached = current_revision(engine)
    assert reached is not None
    return reached


def ensure_schema(engine: Engine) -> None:
    """Make a new database usable; refuse one at an older migration (that needs ``tierwise db upgrade``).

    Commands that need the store call this first, so a first ``tierwise import`` works on an empty file.
    """
    current = current_revision(engine)
    if current == head_revision():
        return
    if current is None:
        if inspect(engine).get_table_names():
            raise ConfigurationError(
                "the store database holds tables but no tierwise migration record; "
                "point TIERWISE_DATABASE_URL at an empty database or a tierwise store"
            )
        upgrade(engine)
        return
    raise ConfigurationError(
        f"the store is at migration {current}, this tierwise needs {head_revision()}: run 'tierwise db upgrade'"
    )
