"""The one place where errors become HTTP: a status code per error class and one JSON shape,
``{"detail": "...", "code": "..."}``, with ``Retry-After`` when the error says when to retry.
The compatible APIs answer in their own shapes and codes: LibreTranslate's ``{"error": "..."}``
and DeepL's ``{"message": "..."}`` (``API_SHAPES``). The exception handlers, the middleware and the
route for unknown paths all answer through ``error_response``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.responses import JSONResponse

from ..domain.errors import (
    AlreadyExists,
    Cancelled,
    ConfigurationError,
    EngineFailed,
    EngineUnavailable,
    Forbidden,
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
    Forbidden: 403,
    NotFound: 404,
    AlreadyExists: 409,
    InputTooLarge: 413,
    UnsupportedFormat: 415,
    InvalidInput: 422,
    RateLimited: 429,
    Cancelled: 499,
    ConfigurationError: 500,
    ModelUnavailable: 503,
    EngineUnavailable: 503,
    EngineFailed: 503,
    Overloaded: 503,
    StoreUnavailable: 503,
    RequestTimeout: 504,
}
EXTRA_HEADERS: dict[type[OversettError], dict[str, str]] = {Unauthorized: {"WWW-Authenticate": "Bearer"}}


Api = Literal["native", "libretranslate", "deepl"]
LIBRETRANSLATE_PATHS = frozenset({"/translate", "/detect", "/languages", "/translate_file", "/frontend/settings", "/suggest", "/spec"})


def api_of(path: str) -> Api:
    """Which API a path belongs to: LibreTranslate's, DeepL's (``/v2/…``) or oversett's own."""
    if path in LIBRETRANSLATE_PATHS or path.startswith("/download_file/"):
        return "libretranslate"
    if path.startswith("/v2/"):
        return "deepl"
    return "native"


@dataclass(frozen=True)
class ApiShape:
    """How one API answers errors: the key of its message and its own status codes."""

    key: str
    statuses: dict[type[OversettError], int] = field(default_factory=dict)


API_SHAPES: dict[Api, ApiShape] = {
    # LibreTranslate: 400 for any bad request, 403 for a bad key, 429 to slow down.
    "libretranslate": ApiShape("error", {Unauthorized: 403, InvalidInput: 400, UnsupportedFormat: 400, InputTooLarge: 400}),
    # DeepL: 400 bad request, 403 bad key, 404, 413 too large, 429 too many requests, 503 retry.
    "deepl": ApiShape("message", {Unauthorized: 403, InvalidInput: 400, UnsupportedFormat: 400, AlreadyExists: 400}),
}


def status_for(exc: OversettError, api: Api = "native") -> int:
    overrides = API_SHAPES[api].statuses if api != "native" else {}
    for cls in type(exc).__mro__:
        if cls in overrides:
            return overrides[cls]
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def error_code(exc: OversettError) -> str:
    """The class name in snake case: ``UnsupportedLanguage`` → ``unsupported_language``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


def error_response(exc: OversettError, api: Api = "native") -> JSONResponse:
    """The JSON answer for one of oversett's errors, in the shape of the API that was called."""
    headers = dict(EXTRA_HEADERS.get(type(exc), {})) if api == "native" else {}
    if exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    return error_json(status_for(exc, api), error_code(exc), exc.message, headers, api=api)


def error_json(
    status: int, code: str, detail: str, headers: dict[str, str] | None = None, *, api: Api = "native",
    **extra: Any,
) -> JSONResponse:
    """The error body every route answers with (also for errors raised by the framework)."""
    if api != "native":
        return JSONResponse({API_SHAPES[api].key: printable(detail)}, status_code=status, headers=headers)
    return JSONResponse(
        {"detail": printable(detail), "code": code, **extra}, status_code=status, headers=headers
    )


def unexpected_error_response(api: Api = "native") -> JSONResponse:
    """The answer to an error oversett did not expect (its traceback is in the log)."""
    return error_json(500, "internal_error", "An unexpected error occurred; it has been logged.", api=api)


def printable(text: str) -> str:
    """Text that can be sent as UTF-8: a lone surrogate (e.g. from an unpaired JSON escape in a
    field name) is written as its escape, ``\\udXXX``, instead of failing the response."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


JSON_TYPES = ("application/json",)


def json_syntax_error(message: str, document: str | bytes, position: int) -> str:
    """What is wrong with a body that is not JSON, and where: its line, column and the text there."""
    text = document.decode("utf-8", "replace") if isinstance(document, bytes) else str(document)
    before = text[:position]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1) + 1
    near = text[position:position + 20].split("\n")[0]
    where = f"line {line}, column {column}" + (f", at '{near}'" if near else ", at the end")
    return f"The request body is not valid JSON: {message[:1].lower() + message[1:]} ({where})."


def unreadable_body(exc: Any, content_type: str | None) -> str | None:
    """The plain-words reason when a route could not read its JSON body at all (malformed JSON, or
    a body sent as something else), else None: those are 400s, not a field's 422."""
    errors = exc.errors()
    for error in errors:
        if error.get("type") == "json_invalid":
            loc = error.get("loc", ())
            position = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
            reason = str((error.get("ctx") or {}).get("error", "JSON decode error"))
            return json_syntax_error(reason, getattr(exc, "body", "") or "", position)
    kind = (content_type or "").split(";")[0].strip().lower()
    sent_as_json = kind in JSON_TYPES or kind.endswith("+json")
    if not sent_as_json and any(tuple(e.get("loc", ())) == ("body",) and e.get("type") != "missing" for e in errors):
        said = f"this request said '{kind}'" if kind else "this request had no Content-Type"
        return (
            "The request body must be JSON, sent with the header 'Content-Type: application/json' "
            f"({said}; with curl, add -H 'content-type: application/json')."
        )
    return None
