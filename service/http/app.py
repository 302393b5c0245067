"""FastAPI app: the routers, models loaded once in the lifespan, errors as JSON.

A model that cannot be loaded does not stop the service: ``/health`` answers, ``/ready``
and the translation routes answer 503 with the message that says how to get the model.
Keys, rate limits, request ids and metrics live in ``middleware.py``; backpressure and
cancellation in ``admission.py``; the routes in ``routes/``; error → JSON in ``responses.py``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..compose.services import Services, job_runner, load_services
from ..config import Settings
from ..domain.errors import OversettError
from .admission import Admission
from .compat import deepl, libretranslate
from .metrics import ServiceMetrics
from .middleware import DOCS_ASSETS, EdgeMiddleware, Gate
from .responses import (
    api_of,
    error_json,
    error_response,
    printable,
    unexpected_error_response,
    unreadable_body,
)
from .routes import documents, glossaries, jobs, memories, summarize, system, translate
from .routes.page import add_page
from .security import ApiKeys, RateLimiter, RedisRateLimiter, key_memories, memory_writers

log = logging.getLogger(__name__)

FRAMEWORK_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app; tests pass ready-made ``services`` to skip loading from settings."""
    settings = settings or (services.settings if services else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = services or await run_in_threadpool(load_services, settings)
        loaded: Services = app.state.services
        app.state.jobs = job_runner(loaded)
        app.state.jobs.start()
        yield
        app.state.jobs.stop()
        for store in ("held_files", "usage_counts"):  # opened on first use (compat.work)
            if getattr(app.state, store, None) is not None:
                getattr(app.state, store).close()
                setattr(app.state, store, None)
        if services is None:
            loaded.close()

    # The docs' Swagger UI assets come from the package (fastapi-offline), not a CDN: oversett runs
    # where nothing outside may be reachable. ReDoc is left out: it always fetches its logo from one.
    app = FastAPIOffline(
        redoc_url=None,
        title="oversett",
        version=__version__,
        description="Translation between Norwegian (Bokmål, Nynorsk) and English, and summaries, layout kept.",
        lifespan=lifespan,
        static_url=DOCS_ASSETS,
        favicon_url="/favicon.ico",
    )
    app.state.admission = Admission(settings.max_pending)
    app.state.metrics = ServiceMetrics(lambda: _metrics_state(app))
    app.state.gate = Gate(ApiKeys.load(settings.api_keys, settings.api_keys_file), rate_limiter(settings))
    app.state.memory_writers = memory_writers(settings.memory_write_keys)
    app.state.key_memories = key_memories(settings.key_memories)
    app.add_middleware(EdgeMiddleware, gate=app.state.gate, metrics=app.state.metrics, server_timing=settings.server_timing)
    _add_error_handlers(app)
    for router in (system.router, translate.router, documents.router, glossaries.router, memories.router, summarize.router,
                   jobs.router, libretranslate.router, deepl.router):
        app.include_router(router)
    add_page(app)
    return app


def rate_limiter(settings: Settings) -> RateLimiter:
    """Per process, or shared by every replica through Redis when OVERSETT_REDIS_URL is set."""
    if settings.redis_url and settings.rate_limit_per_minute > 0:
        return RedisRateLimiter(
            settings.redis_url, settings.rate_limit_per_minute, settings.rate_limit_burst,
            max_clients=settings.rate_limit_clients,
        )
    return RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst, max_clients=settings.rate_limit_clients)


def _metrics_state(app: FastAPI) -> dict[str, Any]:
    services: Services | None = getattr(app.state, "services", None)
    if services is None:
        return {"admitted": app.state.admission.pending}
    return {
        "pipelines": services.pipelines(),
        "admitted": app.state.admission.pending,
        "model_loads": services.model_loads,
        "jobs": app.state.jobs.stats if getattr(app.state, "jobs", None) is not None else None,
    }


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(OversettError)
    async def oversett_error(request: Request, exc: OversettError) -> JSONResponse:
        return error_response(exc, api_of(request.url.path))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        api = api_of(request.url.path)
        unreadable = unreadable_body(exc, request.headers.get("content-type"))
        if unreadable is not None:  # not a field's value but the body itself: a bad request
            return error_json(400, "invalid_json", unreadable, api=api)
        problems = [_describe(error) for error in exc.errors()]
        if api != "native":  # the compatible APIs answer a bad request with 400
            return error_json(400, "invalid_request", "Invalid request: " + "; ".join(problems), api=api)
        return error_json(
            422,
            "invalid_request",
            "Invalid request: " + "; ".join(problems),
            errors=[
                {"loc": [printable(str(p)) for p in e.get("loc", ())], "msg": printable(str(e.get("msg", "")))}
                for e in exc.errors()
            ],
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = str(exc.detail)
        if detail == "There was an error parsing the body":
            detail = "The request body cannot be read as JSON: send UTF-8 encoded JSON."
        code = FRAMEWORK_CODES.get(exc.status_code, "http_error")
        return error_json(exc.status_code, code, detail, exc.headers, api=api_of(request.url.path))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Errors of routes are logged by the edge middleware, with the request's id; this
        # catches what fails outside it.
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return unexpected_error_response(api_of(request.url.path))


def _describe(error: Any) -> str:
    location = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{location}: {message}"
