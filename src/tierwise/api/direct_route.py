"""A route class for hot endpoints that take the request alone and return a finished ``Response``.

FastAPI solves every route's dependencies and validates its answer on every request; for an endpoint
whose only parameter is the ``Request`` there is nothing to solve and nothing to validate, yet that
machinery cost more than the triage decision itself. :class:`DirectRoute` calls such an endpoint
directly. Its OpenAPI entry is the same as any route's (built from the route's declared attributes);
exceptions reach the app's problem handlers as from any route. An endpoint with other parameters is
refused when the route is declared, so nothing can silently go unparsed.

    router = APIRouter(route_class=DirectRoute)

    @router.post("/triage")
    async def triage_walk_in(request: Request) -> Response: ...
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


class DirectRoute(APIRoute):
    """An :class:`~fastapi.routing.APIRoute` whose endpoint is called with the request, nothing solved around it."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        dependant = self.dependant
        extra: list[object] = [*dependant.path_params, *dependant.query_params, *dependant.header_params]
        extra += [*dependant.cookie_params, *dependant.body_params, *dependant.dependencies]
        if extra or dependant.request_param_name is None:
            raise TypeError(f"{path}: a direct route's endpoint takes the request alone, not {extra}")

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The endpoint itself (it takes the request and returns the response)."""
        return self.endpoint  # type: ignore[return-value]
