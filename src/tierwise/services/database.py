"""The store's database itself: bringing its tables to this version's migration."""

from __future__ import annotations

from dataclasses import dataclass

from tierwise.services.context import ServiceContext
from tierwise.store.db import engine_from_settings, public_label
from tierwise.store.schema import current_revision, upgrade


@dataclass(frozen=True)
class Upgrade:
    """Where an upgrade started (``None``: an empty database) and the migration it reached."""

    database: str
    before: str | None
    reached: str

    @property
    def changed(self) -> bool:
        """Whether any migration ran."""
        return self.before != self.reached


def upgrade_database(ctx: ServiceContext) -> Upgrade:
    """Create or migrate the tables of the store ``ctx.settings.database_url`` names."""
    engine = engine_from_settings(ctx.settings)
    try:
        before = current_revision(engine)
        reached = upgrade(engine)
    finally:
        engine.dispose()
    return Upgrade(public_label(ctx.settings.database_url), before, reached)
