"""FastAPI app: thin routes; models load once in the lifespan; errors become JSON.

A model that cannot be loaded does not stop the service: ``/health`` answers, ``/ready``
and the translation routes answer 503 with the message that says how to get the model.
Keys, rate limits, request ids and metrics live in ``middleware.py``; backpressure and
cancellation in ``admission.py``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__
from .admission import Admission, Cancelled, Overloaded, RequestTimeout, cancellable
from .batching import DynamicBatcher
from .config import Settings
from .errors import ConfigurationError, InputTooLarge, InvalidInput, ModelUnavailable, OversettError
from .jobs import JobDocument, JobNotFound, JobRunner, JobStore
from .metrics import CONTENT_TYPE, ServiceMetrics
from .middleware import EdgeMiddleware
from .pipeline import SummaryPipeline, TranslationPipeline
from .schemas import (
    ErrorResponse,
    HealthResponse,
    JobCreated,
    JobOut,
    JobRequest,
    ModelOut,
    ModelsResponse,
    ReadyResponse,
    SegmentOut,
    SummarizeRequest,
    SummarizeResponse,
    SummarizerInfo,
    TranslateRequest,
    TranslateResponse,
    TranslationOut,
    TranslatorInfo,
)
from .security import ApiKeys, RateLimiter
from .services import Services, load_services

log = logging.getLogger(__name__)
T = TypeVar("T")

STATUS_BY_ERROR: dict[type[OversettError], int] = {
    ConfigurationError: 500,
    JobNotFound: 404,
    InputTooLarge: 413,
    InvalidInput: 422,
    Cancelled: 499,
    ModelUnavailable: 503,
    Overloaded: 503,
    RequestTimeout: 504,
}
_ERROR = {"model": ErrorResponse}
# What every data route may answer besides success (documented so clients and fuzzers know).
DATA_ERRORS: dict[int | str, dict[str, Any]] = {code: _ERROR for code in (400, 401, 413, 422, 429, 503, 504)}


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def get_jobs(request: Request) -> JobRunner:
    return request.app.state.jobs  # type: ignore[no-any-return]


def get_pipeline(services: Annotated[Services, Depends(get_services)]) -> TranslationPipeline:
    return services.require_pipeline()


def get_summaries(services: Annotated[Services, Depends(get_services)]) -> SummaryPipeline:
    return services.require_summaries()


async def run_model_work(request: Request, work: Callable[..., T], *args: Any) -> T:
    """Run pipeline work in a thread, within the pending-work bound; cancel it when the client
    goes away or the request timeout passes."""
    admission: Admission = request.app.state.admission
    timeout: float = request.app.state.services.settings.request_timeout
    with admission.slot():
        cancel = threading.Event()

        def cancellable_work() -> T:
            with cancellable(cancel):
                return work(*args)

        task = asyncio.ensure_future(run_in_threadpool(cancellable_work))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=0.1)
                if done:
                    return task.result()
                if await request.is_disconnected():
                    raise Cancelled()
                if loop.time() > deadline:
                    raise RequestTimeout(timeout)
        except BaseException:
            cancel.set()
            raise


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app; tests pass ready-made ``services`` to skip loading from settings."""
    settings = settings or (services.settings if services else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = services or await run_in_threadpool(load_services, settings)
        store = JobStore(app.state.services.settings.jobs_db)
        app.state.jobs = JobRunner(store, app.state.services)
        app.state.jobs.start()
        yield
        app.state.jobs.stop()
        store.close()
        if services is None:
            app.state.services.close()

    app = FastAPI(
        title="oversett",
        version=__version__,
        description="Norwegian (Bokmål, Nynorsk) → English translation and summaries, layout kept.",
        lifespan=lifespan,
    )
    app.state.admission = Admission(settings.max_pending)
    app.state.metrics = ServiceMetrics(lambda: _metrics_state(app))
    app.add_middleware(
        EdgeMiddleware,
        keys=ApiKeys.load(settings.api_keys, settings.api_keys_file),
        limiter=RateLimiter(
            settings.rate_limit_per_minute,
            settings.rate_limit_burst,
            max_clients=settings.rate_limit_clients,
        ),
        metrics=app.state.metrics,
    )
    _add_error_handlers(app)
    _add_routes(app)
    _add_page(app)
    return app


def _metrics_state(app: FastAPI) -> dict[str, Any]:
    services: Services | None = getattr(app.state, "services", None)
    if services is None:
        return {"admitted": app.state.admission.pending}
    return {
        "pipeline": services.pipeline,
        "admitted": app.state.admission.pending,
        "model_loads": services.model_loads,
    }


def _add_routes(app: FastAPI) -> None:
    @app.get("/health", response_model=HealthResponse)
    def health() -> HealthResponse:
        return HealthResponse(status="ok")

    @app.get("/ready", response_model=ReadyResponse, responses={503: {"model": ReadyResponse}})
    def ready(services: Annotated[Services, Depends(get_services)]) -> Any:
        if services.pipeline is None:
            detail = services.translator_error.message if services.translator_error else "loading"
            return JSONResponse(
                ReadyResponse(status="unavailable", detail=detail).model_dump(), status_code=503
            )
        return ReadyResponse(status="ready")

    @app.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE: {}}}, 401: _ERROR, 429: _ERROR})
    def metrics(request: Request) -> Response:
        return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE)

    @app.get("/v1/models", response_model=ModelsResponse, responses={401: _ERROR, 429: _ERROR})
    def models(services: Annotated[Services, Depends(get_services)]) -> ModelsResponse:
        return _models_info(services)

    @app.post("/v1/translate", response_model=TranslateResponse, responses=DATA_ERRORS)
    async def translate(
        request: Request,
        body: TranslateRequest,
        pipeline: Annotated[TranslationPipeline, Depends(get_pipeline)],
    ) -> TranslateResponse:
        results = await run_model_work(
            request, pipeline.translate_documents, body.texts, body.source_lang, body.num_beams
        )
        return TranslateResponse(
            translations=[
                TranslationOut(
                    text=r.text,
                    source_lang=r.source_lang,
                    segments=[SegmentOut(**vars(s)) for s in r.segments],
                )
                for r in results
            ],
            model=ModelOut(id=pipeline.translator.model_id, backend=pipeline.translator.backend),
        )

    @app.post("/v1/summarize", response_model=SummarizeResponse, responses=DATA_ERRORS)
    async def summarize(
        request: Request,
        body: SummarizeRequest,
        summaries: Annotated[SummaryPipeline, Depends(get_summaries)],
    ) -> SummarizeResponse:
        result = await run_model_work(
            request,
            summaries.summarize_document,
            body.text,
            body.length,
            body.max_words,
            body.method,
            body.source_lang,
        )
        return SummarizeResponse(**vars(result))

    @app.post("/v1/jobs", response_model=JobCreated, status_code=202, responses=DATA_ERRORS)
    def create_job(
        body: JobRequest,
        services: Annotated[Services, Depends(get_services)],
        jobs: Annotated[JobRunner, Depends(get_jobs)],
    ) -> JobCreated:
        settings = services.settings
        if len(body.documents) > settings.max_job_documents:
            raise InvalidInput(
                f"The job has {len(body.documents)} documents; the limit is {settings.max_job_documents}."
            )
        for document in body.documents:
            if len(document.text) > settings.max_chars:
                raise InputTooLarge(len(document.text), settings.max_chars)
        total = sum(len(d.text) for d in body.documents)
        if total > settings.max_job_chars:
            raise InputTooLarge(total, settings.max_job_chars)
        services.require_pipeline()  # refuse now rather than fail later
        job_id = jobs.submit(
            [JobDocument(d.name, d.text) for d in body.documents], body.summary, body.source_lang
        )
        return JobCreated(job_id=job_id, status="queued")

    @app.get("/v1/jobs/{job_id}", response_model=JobOut, responses={401: _ERROR, 404: _ERROR, 429: _ERROR})
    def get_job(job_id: str, jobs: Annotated[JobRunner, Depends(get_jobs)]) -> JobOut:
        return JobOut(**jobs.store.job(job_id))


def _add_page(app: FastAPI) -> None:
    """The web page (static files inside the package), when it is there."""
    static = Path(__file__).resolve().parent / "static"
    if not (static / "index.html").is_file():
        return
    from fastapi.responses import FileResponse
    from fastapi.staticfiles import StaticFiles

    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(static / "index.html", media_type="text/html; charset=utf-8")


def _models_info(services: Services) -> ModelsResponse:
    settings = services.settings
    translator = services.pipeline.translator if services.pipeline else None
    summarizer = services.summaries.summarizer if services.summaries else None
    return ModelsResponse(
        translator=TranslatorInfo(
            id=settings.translator,
            revision=translator.revision if translator else None,
            backend=translator.backend if translator else None,
            quantization=translator.quantization if translator else None,
            loaded=translator is not None,
            max_input_tokens=translator.max_input_tokens if translator else None,
            num_beams=settings.num_beams,
            device=settings.device,
            threads=dict(getattr(translator, "threads", {})) if translator else {},
            dynamic_batching=isinstance(translator, DynamicBatcher),
            batch_wait_ms=settings.batch_wait_ms,
            error=services.translator_error.message if services.translator_error else None,
        ),
        summarizer=SummarizerInfo(
            id=settings.summarizer,
            revision=summarizer.revision if summarizer else None,
            loaded=summarizer is not None,
            prompts=getattr(summarizer, "prompts", None) is not None,
            error=services.summarizer_error.message if services.summarizer_error else None,
        ),
    )


def _error_code(exc: OversettError) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


def _status_for(exc: OversettError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(OversettError)
    async def oversett_error(request: Request, exc: OversettError) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.message, "code": _error_code(exc)},
            status_code=_status_for(exc),
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [_describe(error) for error in exc.errors()]
        return JSONResponse(
            {
                "detail": "Invalid request: " + "; ".join(problems),
                "code": "invalid_request",
                "errors": [
                    {"loc": [printable(str(p)) for p in e.get("loc", ())], "msg": printable(str(e.get("msg", "")))}
                    for e in exc.errors()
                ],
            },
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = str(exc.detail)
        if detail == "There was an error parsing the body":
            detail = "The request body cannot be read as JSON: send UTF-8 encoded JSON."
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse({"detail": detail, "code": code}, status_code=exc.status_code, headers=exc.headers)


def _describe(error: Any) -> str:
    location = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
    message = str(error.get("msg", "invalid"))
    message = message.removeprefix("Value error, ")
    return printable(f"{location}: {message}")


def printable(text: str) -> str:
    """Text that can be sent as UTF-8: a lone surrogate (e.g. from an unpaired JSON escape in a
    field name) is written as its escape, ``\\udXXX``, instead of failing the response."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
