"""The one place where errors become HTTP: a status code per error class and one JSON shape,
``{"detail": "...", "code": "..."}``, with ``Retry-After`` when the error says when to retry.
The exception handlers, the middleware and the route for unknown paths all answer through
``error_response``."""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import JSONResponse

from ..domain.errors import (
    AlreadyExists,
    Cancelled,
    ConfigurationError,
    InputTooLarge,
    InvalidInput,
    ModelUnavailable,
    NotFound,
    Overloaded,
    OversettError,
    RateLimited,
    RequestTimeout,
    StoreUnavailable,
    Unauthorized,
    UnsupportedFormat,
)

STATUS_BY_ERROR: dict[type[OversettError], int] = {
    Unauthorized: 401,
    NotFound: 404,
    AlreadyExists: 409,
    InputTooLarge: 413,
    UnsupportedFormat: 415,
    InvalidInput: 422,
    RateLimited: 429,
    Cancelled: 499,
    ConfigurationError: 500,
    ModelUnavailable: 503,
    Overloaded: 503,
    StoreUnavailable: 503,
    RequestTimeout: 504,
}
EXTRA_HEADERS: dict[type[OversettError], dict[str, str]] = {Unauthorized: {"WWW-Authenticate": "Bearer"}}


def status_for(exc: OversettError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def error_code(exc: OversettError) -> str:
    """The class name in snake case: ``UnsupportedLanguage`` → ``unsupported_language``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


def error_response(exc: OversettError) -> JSONResponse:
    """The JSON answer for one of oversett's errors."""
    headers = dict(EXTRA_HEADERS.get(type(exc), {}))
    if exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    return error_json(status_for(exc), error_code(exc), exc.message, headers)


def error_json(
    status: int, code: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """The error body every route answers with (also for errors raised by the framework)."""
    return JSONResponse(
        {"detail": printable(detail), "code": code, **extra}, status_code=status, headers=headers
    )


def unexpected_error_response() -> JSONResponse:
    """The answer to an error oversett did not expect (its traceback is in the log)."""
    return error_json(500, "internal_error", "An unexpected error occurred; it has been logged.")


def printable(text: str) -> str:
    """Text that can be sent as UTF-8: a lone surrogate (e.g. from an unpaired JSON escape in a
    field name) is written as its escape, ``\\udXXX``, instead of failing the response."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
