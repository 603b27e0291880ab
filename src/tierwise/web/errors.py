"""Errors on pages answer as pages: sign-in needed → the sign-in page (then back); anything else → an
error page in the viewer's language with the same status the API would give. Requests under ``/api``
keep their RFC 9457 problems (:mod:`tierwise.api.problems`)."""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from tierwise.api import problems
from tierwise.errors import AuthenticationError, TierwiseError
from tierwise.i18n import translate
from tierwise.web.rendering import page_language, render


def _for_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/static/"))


async def page_error(request: Request, exc: Exception) -> Response:
    """A :class:`~tierwise.errors.TierwiseError` raised while serving a page."""
    assert isinstance(exc, TierwiseError)
    if _for_api(request):
        return await problems.tierwise_error(request, exc)
    if isinstance(exc, AuthenticationError):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    status, _slug, title = next((s, t, h) for cls, s, t, h in problems.PROBLEM_TYPES if isinstance(exc, cls))
    lang = page_language(request)
    return render(request, "error.html", status, title=translate(title, lang), detail=exc.render(lang), nav=[])


async def page_http_error(request: Request, exc: Exception) -> Response:
    """A page that does not exist (404) or a method not allowed, as a page."""
    assert isinstance(exc, StarletteHTTPException)
    if _for_api(request):
        return await problems.http_error(request, exc)
    title = HTTPStatus(exc.status_code).phrase
    return render(request, "error.html", exc.status_code, title=title, detail=None, nav=[])


def install(app: FastAPI) -> None:
    """Answer page errors as pages (after :func:`tierwise.api.problems.install`, whose handlers these wrap)."""
    app.add_exception_handler(TierwiseError, page_error)
    app.add_exception_handler(StarletteHTTPException, page_http_error)
