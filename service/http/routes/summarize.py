"""``POST /v1/summarize``: a short English summary of a (Norwegian) document."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ..schemas import DetectedOut, SummarizeRequest, SummarizeResponse
from .deps import (
    DATA_ERRORS,
    AdmissionDep,
    ServicesDep,
    SummariesDep,
    memory_of,
    model_work,
)

router = APIRouter(tags=["summarize"])


@router.post("/v1/summarize", response_model=SummarizeResponse, responses=DATA_ERRORS)
async def summarize(
    request: Request,
    body: SummarizeRequest,
    summaries: SummariesDep,
    services: ServicesDep,
    admission: AdmissionDep,
) -> SummarizeResponse:
    memory = await memory_of(services, body.memory, request)
    result = await model_work(
        request,
        admission,
        services,
        summaries.summarize_document,
        body.text,
        body.length,
        body.max_words,
        body.method,
        body.source_lang,
        body.target_lang,
        memory,
        body.nynorsk_route,
    )
    fields = vars(result) | {
        "detected": DetectedOut.model_validate(result.detected) if result.detected else None,
        "target_lang": body.target_lang,
    }
    return SummarizeResponse(**fields)
