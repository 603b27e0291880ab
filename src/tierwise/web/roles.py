"""The roles as the pages name them (message ids; the role codes stay those of ``security.permissions``)."""

from __future__ import annotations

from tierwise.services.roles import ROLE_NAMES

__all__ = ["ROLE_NAMES"]
