"""``POST /v1/translate``: Norwegian text in, English out (or English in, Bokmål or Nynorsk out)
with the layout kept."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from ...domain.cancel import cancellable
from ...domain.errors import OversettError
from ...domain.langid import LANGUAGE_NAMES
from ...domain.pairs import TARGET_NAMES, already_in_target
from ...domain.spans import plain_text
from ...usecases.pipeline import DocumentTranslation, SegmentTranslation, StreamEvent
from ..admission import step_before
from ..responses import error_code
from ..schemas import (
    DetectedOut,
    IssueOut,
    ModelOut,
    SegmentOut,
    SuggestionOut,
    TermOut,
    TranslateRequest,
    TranslateResponse,
    TranslationOut,
)
from .deps import (
    DATA_ERRORS,
    AdmissionDep,
    ServicesDep,
    chosen_translator,
    glossary_of,
    memory_of,
    model_work,
)

router = APIRouter(tags=["translate"])
log = logging.getLogger(__name__)
NDJSON = "application/x-ndjson"


@router.post("/v1/translate", response_model=TranslateResponse, responses=DATA_ERRORS)
async def translate(
    request: Request,
    body: TranslateRequest,
    services: ServicesDep,
    admission: AdmissionDep,
) -> TranslateResponse:
    glossary = await glossary_of(services, body.glossary, body.inline_terms, body.keep)
    memory = await memory_of(services, body.memory, request)
    async with chosen_translator(services, body.model, body.target_lang) as (name, pipeline):
        results = await model_work(
            request, admission, services, pipeline.translate_documents, body.texts, body.source_lang,
            body.num_beams, None, glossary, memory, body.target_lang, body.nynorsk_route,
        )
    info = pipeline.translator.info
    return TranslateResponse(
        translations=[translation_out(r, body.target_lang) for r in results],
        model=ModelOut(id=info.model_id, backend=info.backend, name=name),
    )


def pipeline_passed(document: DocumentTranslation, target_lang: str) -> bool:
    """The text came back as it was: it was already in the target language, or had no letters."""
    return document.source_lang == "zxx" or already_in_target(document.source_lang, target_lang)


def unchanged_note(document: DocumentTranslation, target_lang: str) -> str | None:
    if document.source_lang == "zxx":
        return "The text has no letters (numbers or symbols only): it is returned as it is."
    if already_in_target(document.source_lang, target_lang):
        return (
            f"The text is already in {LANGUAGE_NAMES.get(document.source_lang, document.source_lang)}, "
            f"so it is returned unchanged (asked for: {TARGET_NAMES[target_lang]})."
        )
    return None


def segment_out(segment: SegmentTranslation) -> SegmentOut:
    return SegmentOut(
        source=segment.source,
        translation=segment.translation,
        cached=segment.cached,
        confidence=segment.confidence,
        issues=[IssueOut(code=i.code, message=i.message) for i in segment.issues],
        terms=[TermOut(source=source, target=target) for source, target in segment.terms],
        origin=segment.origin,
        suggestions=[SuggestionOut(source=plain_text(s.source), target=plain_text(s.target), score=s.score)
                     for s in segment.suggestions],
    )


def translation_out(document: DocumentTranslation, target_lang: str = "en") -> TranslationOut:
    return TranslationOut(
        text=document.text,
        source_lang=document.source_lang,
        target_lang=target_lang,
        translated=not pipeline_passed(document, target_lang),
        note=unchanged_note(document, target_lang),
        detected=DetectedOut.model_validate(document.detected) if document.detected else None,
        issues=document.flagged,
        segments=[segment_out(s) for s in document.segments],
    )


STREAM_DESCRIPTION = """The same body as `/v1/translate`; the answer is NDJSON, one JSON object a line:
`{"type": "segment", "document": i, "index": n, "segment": {…}}` for each segment in document order as
soon as it and the segments before it are translated (segments found in the cache come at once), then
`{"type": "document", "document": i, "translation": {…}, "model": {…}}` with the whole text (as in
`/v1/translate`).
Errors found before the first line (size, language, model) are ordinary JSON errors; an error after
it ends the stream with `{"type": "error", "detail": …, "code": …}`. `OVERSETT_REQUEST_TIMEOUT` holds
for the whole stream: over it, a 504 before the first line, or an error line with the code
`request_timeout` after it."""


@router.post(
    "/v1/translate/stream",
    responses={200: {"content": {NDJSON: {}}, "description": "NDJSON lines"}, **DATA_ERRORS},
    response_class=StreamingResponse,
    description=STREAM_DESCRIPTION,
)
async def translate_stream(
    request: Request,
    body: TranslateRequest,
    services: ServicesDep,
    admission: AdmissionDep,
) -> StreamingResponse:
    glossary = await glossary_of(services, body.glossary, body.inline_terms, body.keep)
    memory = await memory_of(services, body.memory, request)
    pool = services.pool(body.target_lang)
    name, pipeline = await run_in_threadpool(pool.acquire, body.model)
    slot = admission.slot()
    try:
        slot.__enter__()  # held until the stream ends: streamed work counts against the bound too
    except BaseException:
        pool.release(name)
        raise
    cancel = threading.Event()
    events = pipeline.stream_documents(
        body.texts, body.source_lang, body.num_beams, glossary, memory, body.target_lang, body.nynorsk_route
    )

    def step() -> StreamEvent | None:
        with cancellable(cancel):
            return next(events, None)

    timeout = services.settings.request_timeout
    deadline = asyncio.get_running_loop().time() + timeout  # OVERSETT_REQUEST_TIMEOUT holds for the whole stream
    try:
        first = await step_before(deadline, cancel, timeout, step)
    except BaseException:
        slot.__exit__(None, None, None)
        pool.release(name)
        raise

    info = pipeline.translator.info
    model = {"id": info.model_id, "backend": info.backend, "name": name}

    async def lines() -> AsyncIterator[bytes]:
        event = first
        try:
            while event is not None:
                yield _line(event, model, body.target_lang)
                if await request.is_disconnected():
                    return
                event = await step_before(deadline, cancel, timeout, step)
        except OversettError as exc:
            yield (json.dumps({"type": "error", "detail": exc.message, "code": error_code(exc)}) + "\n").encode()
        except Exception:  # noqa: BLE001  (the stream has begun: the error becomes its last line)
            log.exception("streamed translation failed")
            yield (json.dumps({"type": "error", "detail": "An unexpected error occurred; it has been logged.",
                               "code": "internal_error"}) + "\n").encode()
        finally:
            cancel.set()
            slot.__exit__(None, None, None)
            pool.release(name)

    return StreamingResponse(lines(), media_type=NDJSON)


def _line(event: StreamEvent, model: dict[str, str], target_lang: str) -> bytes:
    if event.document is not None:
        payload = {"type": "document", "document": event.index,
                   "translation": translation_out(event.document, target_lang).model_dump(), "model": model}
    else:
        assert event.segment is not None
        payload = {"type": "segment", "document": event.index, "index": event.position,
                   "segment": segment_out(event.segment).model_dump()}
    return (json.dumps(payload, ensure_ascii=False) + "\n").encode()
