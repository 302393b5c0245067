"""FastAPI app: thin routes; models load once in the lifespan; errors become JSON.

A model that cannot be loaded does not stop the service: ``/health`` answers, ``/ready``
and the translation routes answer 503 with the message that says how to get the model.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from . import __version__
from .config import Settings
from .errors import ConfigurationError, InputTooLarge, InvalidInput, ModelUnavailable, OversettError
from .batching import DynamicBatcher
from .pipeline import SummaryPipeline, TranslationPipeline
from .jobs import JobDocument, JobNotFound, JobRunner, JobStore
from .services import Services, load_services
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

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[OversettError], int] = {
    ConfigurationError: 500,
    JobNotFound: 404,
    InputTooLarge: 413,
    InvalidInput: 422,
    ModelUnavailable: 503,
}


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def get_jobs(request: Request) -> JobRunner:
    return request.app.state.jobs  # type: ignore[no-any-return]


def get_pipeline(services: Annotated[Services, Depends(get_services)]) -> TranslationPipeline:
    return services.require_pipeline()


def get_summaries(services: Annotated[Services, Depends(get_services)]) -> SummaryPipeline:
    return services.require_summaries()


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
        description="Norwegian (Bokmål, Nynorsk) → English translation with the layout kept.",
        lifespan=lifespan,
    )
    _add_error_handlers(app)
    _add_routes(app)
    return app


def _add_routes(app: FastAPI) -> None:
    errors: dict[int | str, dict[str, Any]] = {
        code: {"model": ErrorResponse} for code in (413, 422, 503)
    }

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

    @app.get("/v1/models", response_model=ModelsResponse)
    def models(services: Annotated[Services, Depends(get_services)]) -> ModelsResponse:
        return _models_info(services)

    @app.post("/v1/translate", response_model=TranslateResponse, responses=errors)
    async def translate(
        body: TranslateRequest, pipeline: Annotated[TranslationPipeline, Depends(get_pipeline)]
    ) -> TranslateResponse:
        results = await run_in_threadpool(
            pipeline.translate_documents, body.texts, body.source_lang, body.num_beams
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


    @app.post("/v1/summarize", response_model=SummarizeResponse, responses=errors)
    async def summarize(
        body: SummarizeRequest, summaries: Annotated[SummaryPipeline, Depends(get_summaries)]
    ) -> SummarizeResponse:
        result = await run_in_threadpool(
            summaries.summarize_document,
            body.text,
            body.length,
            body.max_words,
            body.method,
            body.source_lang,
        )
        return SummarizeResponse(**vars(result))


    @app.post("/v1/jobs", response_model=JobCreated, status_code=202, responses=errors)
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

    @app.get("/v1/jobs/{job_id}", response_model=JobOut, responses={404: {"model": ErrorResponse}})
    def get_job(job_id: str, jobs: Annotated[JobRunner, Depends(get_jobs)]) -> JobOut:
        return JobOut(**jobs.store.job(job_id))


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
            {"detail": exc.message, "code": _error_code(exc)}, status_code=_status_for(exc)
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [_describe(error) for error in exc.errors()]
        return JSONResponse(
            {
                "detail": "Invalid request: " + "; ".join(problems),
                "code": "invalid_request",
                "errors": [
                    {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
                    for e in exc.errors()
                ],
            },
            status_code=422,
        )


def _describe(error: Any) -> str:
    location = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
    message = str(error.get("msg", "invalid"))
    message = message.removeprefix("Value error, ")
    return f"{location}: {message}"
