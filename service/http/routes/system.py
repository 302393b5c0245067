"""Liveness, readiness, metrics and what models are loaded."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ...compose.services import Services
from ..metrics import CONTENT_TYPE
from ..schemas import (
    HealthResponse,
    ModelsResponse,
    ReadyResponse,
    SummarizerInfo,
    TranslatorChoice,
    TranslatorInfo,
)
from .deps import ERROR, ServicesDep

router = APIRouter(tags=["system"])


@router.get("/health", response_model=HealthResponse)
def health() -> HealthResponse:
    return HealthResponse(status="ok")


@router.get("/ready", response_model=ReadyResponse, responses={503: {"model": ReadyResponse}})
def ready(services: ServicesDep) -> Any:
    if services.pipeline is None:
        detail = services.translator_error.message if services.translator_error else "loading"
        return JSONResponse(ReadyResponse(status="unavailable", detail=detail).model_dump(), status_code=503)
    return ReadyResponse(status="ready")


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {}}}, 401: ERROR, 429: ERROR},
)
def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE)


@router.get("/v1/models", response_model=ModelsResponse, responses={401: ERROR, 429: ERROR})
def models(services: ServicesDep) -> ModelsResponse:
    return models_info(services)


def models_info(services: Services) -> ModelsResponse:
    settings = services.settings
    translator = services.pipeline.translator if services.pipeline else None
    info = translator.info if translator else None
    summarizer = services.summaries.summarizer if services.summaries else None
    pool = services.pool()
    loaded = set(pool.loaded())
    return ModelsResponse(
        translator=TranslatorInfo(
            id=settings.translator,
            revision=info.revision if info else None,
            backend=info.backend if info else None,
            quantization=info.quantization if info else None,
            loaded=info is not None,
            max_input_tokens=info.max_input_tokens if info else None,
            num_beams=settings.num_beams,
            device=settings.device,
            threads=dict(info.threads) if info else {},
            dynamic_batching=info is not None and settings.batch_wait_ms > 0,
            batch_wait_ms=settings.batch_wait_ms,
            error=services.translator_error.message if services.translator_error else None,
        ),
        summarizer=SummarizerInfo(
            id=settings.summarizer,
            revision=summarizer.info.revision if summarizer else None,
            loaded=summarizer is not None,
            prompts=summarizer is not None and summarizer.info.prompts is not None,
            error=services.summarizer_error.message if services.summarizer_error else None,
        ),
        translators=[
            TranslatorChoice(name=name, model=model, default=name == pool.default, loaded=name in loaded)
            for name, model in pool.choices.items()
        ],
        max_translators=pool.limit,
    )
