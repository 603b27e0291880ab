"""``GET /api/v1/health``: the server is up (for load balancers and the start-up wait of scripts)."""

from __future__ import annotations

from fastapi import APIRouter

from tierwise import __version__
from tierwise.api.access import needs
from tierwise.api.schemas import HealthPublic

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthPublic, **needs(None))
async def health() -> HealthPublic:
    """The server is up; its version."""
    return HealthPublic(version=__version__)
