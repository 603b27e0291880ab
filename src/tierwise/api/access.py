"""Which action each route needs, declared on the route itself so the OpenAPI document carries it.

Every operation has an ``x-tierwise-action`` (an action of :mod:`tierwise.security.permissions`, or
``public``); a test walks the OpenAPI route list and fails on a route without one, so a new route cannot
be added without saying who may call it.
"""

from __future__ import annotations

from typing import Any

from tierwise.security.permissions import ACTIONS, Action

ACTION_KEY = "x-tierwise-action"
PUBLIC = "public"


def needs(action: Action | None) -> dict[str, Any]:
    """Route keyword arguments declaring the action a route needs (``None``: anyone, signed in or not).

    >>> needs("triage.decide")
    {'openapi_extra': {'x-tierwise-action': 'triage.decide'}}
    """
    if action is not None and action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return {"openapi_extra": {ACTION_KEY: action or PUBLIC}}
