"""Use case: bring the store's database to this version's tables (``tierwise db upgrade``)."""

from __future__ import annotations

from tierwise.config import Settings
from tierwise.store.db import engine_from_settings, public_label
from tierwise.store.schema import current_revision, upgrade


def upgrade_store(settings: Settings) -> tuple[str, str | None, str]:
    """Migrate the store ``settings.database_url`` names: (its label without password, revision before, after)."""
    engine = engine_from_settings(settings)
    try:
        before = current_revision(engine)
        reached = upgrade(engine)
    finally:
        engine.dispose()
    return public_label(settings.database_url), before, reached
