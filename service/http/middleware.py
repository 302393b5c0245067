"""The HTTP edge, as plain ASGI middleware: request ids, API keys, rate limits, metrics and
the access log. Plain ASGI (not BaseHTTPMiddleware) so routes still see client disconnects."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..domain import timing
from ..domain.errors import Cancelled, RateLimited, Unauthorized
from .logs import REQUEST_ID
from .metrics import ServiceMetrics
from .responses import STATUS_BY_ERROR, Api, api_of, error_response, unexpected_error_response
from .security import ApiKeys, RateLimiter

access_log = logging.getLogger("oversett.access")
log = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/", "/health", "/ready", "/docs", "/openapi.json", "/favicon.ico", "/docs/oauth2-redirect"})
DOCS_ASSETS = "/docs-assets"  # Swagger UI's and ReDoc's scripts and styles, served from the package
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# How each API takes a key, as its clients send it (said in every refusal).
KEY_WAYS: dict[Api, str] = {
    "native": "'Authorization: Bearer KEY' or 'X-API-Key: KEY'",
    "deepl": "'Authorization: DeepL-Auth-Key KEY', or the auth_key form field or query parameter",
    "libretranslate": "api_key in the JSON body, the form or the query string (or 'Authorization: Bearer KEY')",
}


def is_open(path: str) -> bool:
    """Paths anyone may reach when API keys are on: liveness, readiness, the page, the docs."""
    return path in OPEN_PATHS or path.startswith(("/static/", "/docs/", DOCS_ASSETS + "/"))


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, *, gate: Gate, metrics: ServiceMetrics, server_timing: bool = True) -> None:
        self.app = app
        self.gate = gate
        self.metrics = metrics
        self.server_timing = server_timing  # where each response's time went, as a Server-Timing header

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        given = headers.get("x-request-id", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        timings, timing_token = timing.start()
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers = MutableHeaders(scope=message)
                response_headers["X-Request-ID"] = request_id
                if self.server_timing:
                    response_headers["Server-Timing"] = timings.header(time.perf_counter() - started)
            await send(message)

        started_response = False

        async def send_tracked(message: Message) -> None:
            nonlocal started_response
            started_response = started_response or message["type"] == "http.response.start"
            await send_with_id(message)

        try:
            denial = self._deny(scope, headers)
            if denial is not None:
                await denial(scope, receive, send_with_id)
            else:
                await self.app(scope, receive, send_tracked)
        except Exception:
            # Here, not in an outer handler, so the traceback is logged with the request's id.
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path", ""))
            if started_response:
                raise
            await unexpected_error_response(api_of(scope.get("path", "")))(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            path = scope.get("path", "")
            self.metrics.observe(path, status, seconds)
            if access_log.isEnabledFor(logging.INFO):  # nothing formatted when the access log is off
                access_log.info(
                    "%s %s %d %.1f ms%s", scope.get("method"), path, status, seconds * 1000,
                    " (the client went away; its work was dropped)" if status == STATUS_BY_ERROR[Cancelled] else "",
                    extra={"method": scope.get("method"), "path": path, "status": status, "ms": round(seconds * 1000, 1)},
                )
            timing.stop(timing_token)
            REQUEST_ID.reset(token)

    def _deny(self, scope: Scope, headers: Headers) -> JSONResponse | None:
        path = scope.get("path", "")
        api = api_of(path)
        if is_open(path) or (api != "native" and self.gate.keys.enabled):
            return None  # the compatible APIs' clients may send the key in the body: their routes ask the gate
        peer: Any = scope.get("client")
        try:
            self.gate.admit(presented_key(headers), peer[0] if peer else None)
        except (Unauthorized, RateLimited) as refused:
            return error_response(refused, api)
        return None


class Gate:
    """Who may pass and how often: the API keys and the rate limit, the same for every API."""

    def __init__(self, keys: ApiKeys, limiter: RateLimiter) -> None:
        self.keys = keys
        self.limiter = limiter

    def admit(self, key: str | None, peer: str | None, api: Api = "native") -> str:
        """The client (a key's label, or the address when keys are off); Unauthorized (saying how
        ``api`` takes a key) or RateLimited."""
        if self.keys.enabled:
            client = self.keys.identify(key)
            if client is None:
                raise Unauthorized(KEY_WAYS[api])
        else:
            client = f"addr:{peer or 'unknown'}"
        wait = self.limiter.retry_after(client)
        if wait is not None:
            raise RateLimited(wait)
        return client


def presented_key(headers: Headers) -> str | None:
    """The key a request shows: ``Authorization: Bearer …`` (or DeepL's ``DeepL-Auth-Key …``),
    or ``X-API-Key``."""
    authorization = headers.get("authorization", "")
    for scheme in ("bearer ", "deepl-auth-key "):
        if authorization.lower().startswith(scheme):
            return authorization[len(scheme):].strip()
    return headers.get("x-api-key")
