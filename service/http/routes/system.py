"""Liveness, readiness, metrics and what models are loaded."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ...compose.pool import FROM_ENGLISH, INTO_ENGLISH, served_pairs
from ...compose.services import Services
from ...domain.langid import LANGUAGE_NAMES
from ...domain.pairs import STANDARD_PAIRS, TARGET_NAMES, pair_label
from ..metrics import CONTENT_TYPE
from ..schemas import (
    HealthResponse,
    LanguagePair,
    LanguagesResponse,
    ModelsResponse,
    ReadyResponse,
    SummarizerInfo,
    TranslatorChoice,
    TranslatorInfo,
)
from ..standards_info import StandardsInfo
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


def translator_info(services: Services, way: str) -> TranslatorInfo | None:
    settings = services.settings
    pool = services.pool(way)
    if not pool.choices:
        return None
    info = pool.default_pipeline.translator.info if pool.default_pipeline else None
    error = services.translator_error if way == INTO_ENGLISH else services.en_translator_error
    return TranslatorInfo(
        id=pool.choices[pool.default],
        direction=way,  # type: ignore[arg-type]
        pairs=served_pairs(way) if way == INTO_ENGLISH or info is None else [
            pair for pair in served_pairs(way) if pair.split("-")[1] in pool.default_pipeline.targets  # type: ignore[union-attr]
        ],
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
        error=error.message if error else None,
    )


def models_info(services: Services) -> ModelsResponse:
    settings = services.settings
    summarizer = services.summaries.summarizer if services.summaries else None
    translator = translator_info(services, INTO_ENGLISH)
    assert translator is not None  # the into-English direction always has a translator
    choices = []
    for way in (INTO_ENGLISH, FROM_ENGLISH):
        pool = services.pool(way)
        loaded = set(pool.loaded())
        choices += [
            TranslatorChoice(
                name=name, model=model, direction=way, pairs=served_pairs(way),  # type: ignore[arg-type]
                default=name == pool.default, loaded=name in loaded,
            )
            for name, model in pool.choices.items()
        ]
    return ModelsResponse(
        translator=translator,
        en_translator=translator_info(services, FROM_ENGLISH),
        summarizer=SummarizerInfo(
            id=settings.summarizer,
            revision=summarizer.info.revision if summarizer else None,
            backend=summarizer.info.backend if summarizer else None,
            quantization=summarizer.info.quantization if summarizer else None,
            languages=["en", *(t for t in ("nb", "nn") if services.en_pipeline is not None and t in services.en_pipeline.targets)],
            loaded=summarizer is not None,
            prompts=summarizer is not None and summarizer.info.prompts is not None,
            error=services.summarizer_error.message if services.summarizer_error else None,
        ),
        translators=choices,
        max_translators=settings.max_translators,
        standards=standards_info(services),
    )


def standards_info(services: Services) -> StandardsInfo | None:
    standards = services.standards
    if standards is None:
        return None
    settings = services.settings
    engine = getattr(standards.pipeline, "translator", None)
    engine = getattr(engine, "inner", engine)  # behind the dynamic batcher
    pools = getattr(engine, "pools", {})
    return StandardsInfo(
        engine=engine.info.model_id if engine is not None else "apertium-nno-nob",
        version=engine.info.revision if engine is not None else None,
        pairs=[pair_label(s, t) for s, t in STANDARD_PAIRS],
        available=engine is not None,
        nynorsk_variant=settings.nynorsk_variant,
        english_to_nynorsk=standards.route,  # type: ignore[arg-type]
        pipelines=settings.apertium_pipelines,
        running=sum(pool.pipelines for pool in pools.values()),
        restarts=engine.pool_stats.restarts if engine is not None and hasattr(engine, "pool_stats") else 0,
        error=standards.error.message if standards.error is not None else None,
    )


@router.get("/v1/languages", response_model=LanguagesResponse, responses={401: ERROR, 429: ERROR})
def languages(services: ServicesDep) -> LanguagesResponse:
    """The source → target pairs oversett translates, and the translator that serves each."""
    found = []
    for way in (INTO_ENGLISH, FROM_ENGLISH):
        info = translator_info(services, way)
        if info is None:
            continue
        pool = services.pool(way)
        for pair in info.pairs:
            source, target = pair.split("-")
            found.append(LanguagePair(
                source=source, target=target, source_name=LANGUAGE_NAMES[source], target_name=TARGET_NAMES[target],
                model=pool.default, model_id=info.id, models=list(pool.choices), loaded=info.loaded,
            ))
    engine = standards_info(services)
    if engine is not None:
        found += [
            LanguagePair(
                source=source, target=target, source_name=LANGUAGE_NAMES[source], target_name=TARGET_NAMES[target],
                model="apertium", model_id=engine.engine, models=["apertium"], loaded=engine.available,
            )
            for source, target in STANDARD_PAIRS
        ]
    return LanguagesResponse(pairs=found)
