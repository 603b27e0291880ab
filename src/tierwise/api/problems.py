"""The one place where errors become HTTP answers: RFC 9457 ``application/problem+json``.

Each :mod:`tierwise.errors` class has a status and a problem type (``urn:tierwise:problem:…``); the
data contract's row errors keep their structure in an ``errors`` member (file, row, column, value,
reason, reason_zh). FastAPI's own request validation and Starlette's HTTP errors (unknown route, wrong
method) answer in the same format; anything unexpected is logged and answered as a bare 500 that says
nothing of the server's inside.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tierwise.api.language import request_language
from tierwise.errors import (
    AuthenticationError,
    ConfigurationError,
    DataValidationError,
    IndicatorError,
    LockedOutError,
    ModelError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    PolicyError,
    TierwiseError,
    UsageError,
)
from tierwise.i18n import Message, translate

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
PREFIX = "urn:tierwise:problem:"

INVALID_REQUEST = Message("The request is invalid")

# error class → (status, problem type slug, title); the first class that matches wins, so subclasses first
PROBLEM_TYPES: tuple[tuple[type[TierwiseError], int, str, Message], ...] = (
    (DataValidationError, 422, "invalid-data", Message("The data set is invalid")),
    (PolicyError, 422, "invalid-policy", Message("The policy is invalid")),
    (IndicatorError, 422, "invalid-indicator", Message("The indicator cannot be computed")),
    (ModelError, 422, "model-not-fitted", Message("The value model cannot be used on this data")),
    (AuthenticationError, 401, "not-authenticated", Message("Sign-in required")),
    (PermissionDeniedError, 403, "forbidden", Message("Not allowed for this role")),
    (NotFoundError, 404, "not-found", Message("Not found")),
    (LockedOutError, 429, "locked-out", Message("Too many failed attempts")),
    (PayloadTooLargeError, 413, "too-large", Message("The upload is too large")),
    (ConfigurationError, 500, "server-configuration", Message("The server is misconfigured")),
    (UsageError, 400, "bad-request", INVALID_REQUEST),
    (TierwiseError, 400, "bad-request", INVALID_REQUEST),
)


def problem(status: int, type_: str, title: str, detail: str | None, request: Request, **members: Any) -> JSONResponse:
    """A problem-details response; ``members`` are extension members (e.g. ``errors``)."""
    body: dict[str, Any] = {"type": type_, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.url.path
    body.update(members)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def row_errors(exc: DataValidationError, lang: str) -> dict[str, Any]:
    """The data contract's problems as structured members: every shown row error (the reason in the
    answer's language, and in English and Chinese) and the total."""
    rows = [
        {
            "file": p.file,
            "row": p.row,
            "column": p.column,
            "value": p.value,
            "reason": translate(p.reason, lang),
            "reason_en": translate(p.reason, "en"),
            "reason_zh": translate(p.reason, "zh"),
        }
        for p in exc.problems[: exc.shown]
    ]
    return {"errors": rows, "total": exc.total}


async def tierwise_error(request: Request, exc: Exception) -> JSONResponse:
    """Answer a :class:`~tierwise.errors.TierwiseError` by its problem type."""
    assert isinstance(exc, TierwiseError)
    status, slug, title = next((s, t, h) for cls, s, t, h in PROBLEM_TYPES if isinstance(exc, cls))
    lang = request_language(request)
    members: dict[str, Any] = {}
    headers: dict[str, str] = {}
    detail: str | None = exc.render(lang)
    if isinstance(exc, DataValidationError):
        members = row_errors(exc, lang)
        detail = translate(exc.headline(), lang)
    elif isinstance(exc, LockedOutError):
        headers["Retry-After"] = str(exc.retry_after_seconds)
        members["retry_after"] = exc.retry_after_seconds
    elif isinstance(exc, AuthenticationError):
        headers["WWW-Authenticate"] = "Bearer"
    elif status >= 500:
        log.error("configuration error while serving %s: %s", request.url.path, exc)
        detail = None
    response = problem(status, PREFIX + slug, translate(title, lang), detail, request, **members)
    response.headers.update(headers)
    return response


async def request_invalid(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's validation of parameters and bodies, as a problem with one entry per field."""
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "location": ".".join(str(part) for part in err.get("loc", ())),
            "message": err.get("msg"),
            "type": err.get("type"),
        }
        for err in exc.errors()
    ]
    title = translate(INVALID_REQUEST, request_language(request))
    return problem(422, PREFIX + "invalid-request", title, None, request, errors=errors)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's HTTP errors (404 for an unknown path, 405 for a wrong method, …) as problems."""
    assert isinstance(exc, StarletteHTTPException)
    title = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
    response = problem(exc.status_code, "about:blank", title, detail, request)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Anything else: logged with its traceback, answered as a bare 500."""
    log.exception("unexpected error while serving %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "about:blank", "Internal Server Error", None, request)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``: the only place the API turns errors into responses."""
    app.add_exception_handler(TierwiseError, tierwise_error)
    app.add_exception_handler(RequestValidationError, request_invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
