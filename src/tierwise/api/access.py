"""Which action each route needs, declared on the route itself so the OpenAPI document carries it.

Every operation has an ``x-tierwise-action``: an action of :mod:`tierwise.security.permissions`,
``signed-in`` (any signed-in user, whatever the role: their own account and tokens) or ``public``
(anyone, signed in or not); a test walks the OpenAPI route list and fails on a route without one, so a new route cannot
be added without saying who may call it.
"""

from __future__ import annotations

from typing import Any, Literal

from tierwise.security.permissions import ACTIONS, Action

ACTION_KEY = "x-tierwise-action"
PUBLIC = "public"
SIGNED_IN = "signed-in"


def needs(action: Action | Literal["signed-in"] | None) -> dict[str, Any]:
    """Route keyword arguments declaring the action a route needs (``None``: anyone, signed in or not;
    ``"signed-in"``: any signed-in user).

    >>> needs("triage.decide")
    {'openapi_extra': {'x-tierwise-action': 'triage.decide'}}
    """
    if action is not None and action != SIGNED_IN and action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return {"openapi_extra": {ACTION_KEY: action or PUBLIC}}
