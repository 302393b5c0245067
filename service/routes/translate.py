"""``POST /v1/translate``: Norwegian text in, English out with the layout kept."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ..schemas import (
    DetectedOut,
    IssueOut,
    ModelOut,
    SegmentOut,
    TranslateRequest,
    TranslateResponse,
    TranslationOut,
)
from .deps import DATA_ERRORS, AdmissionDep, PipelineDep, ServicesDep, model_work

router = APIRouter(tags=["translate"])


@router.post("/v1/translate", response_model=TranslateResponse, responses=DATA_ERRORS)
async def translate(
    request: Request,
    body: TranslateRequest,
    pipeline: PipelineDep,
    services: ServicesDep,
    admission: AdmissionDep,
) -> TranslateResponse:
    results = await model_work(
        request, admission, services, pipeline.translate_documents, body.texts, body.source_lang, body.num_beams
    )
    info = pipeline.translator.info
    return TranslateResponse(
        translations=[
            TranslationOut(
                text=r.text,
                source_lang=r.source_lang,
                detected=DetectedOut.model_validate(r.detected) if r.detected else None,
                issues=r.flagged,
                segments=[
                    SegmentOut(
                        source=s.source,
                        translation=s.translation,
                        cached=s.cached,
                        confidence=s.confidence,
                        issues=[IssueOut(code=i.code, message=i.message) for i in s.issues],
                    )
                    for s in r.segments
                ],
            )
            for r in results
        ],
        model=ModelOut(id=info.model_id, backend=info.backend),
    )
