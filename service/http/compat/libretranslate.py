"""LibreTranslate's API, at the paths its clients call: ``POST /translate``, ``POST /detect``,
``GET /languages``, ``POST /translate_file`` (and the ``/download_file/…`` it points to) and
``GET /frontend/settings``. Form-encoded or JSON bodies, the key as ``api_key`` in the body, its
answers and its ``{"error": "..."}`` errors (``responses.API_SHAPES``)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.concurrency import run_in_threadpool

from ...domain.errors import Forbidden, InvalidInput, MemoryReadOnly, NotFound, UnsupportedLanguage
from ...domain.langid import NO_LINGUISTIC_CONTENT
from ...domain.memory import MemoryEntry
from ...domain.pairs import served_pairs
from ...formats import EXTENSIONS
from ..middleware import presented_key
from ..routes.deps import AdmissionDep, ServicesDep, key_memory
from ..security import hash_key
from .params import body_schema, parse, read_params
from .work import held_store, hold, translate_texts, translate_upload

router = APIRouter(tags=["LibreTranslate-compatible"])

# LibreTranslate's codes and names; Norwegian is "nb" there. Nynorsk, Danish and Swedish are sources
# oversett has beside it; English goes into Bokmål and Nynorsk.
NAMES = {"en": "English", "nb": "Norwegian", "nn": "Norwegian Nynorsk", "da": "Danish", "sv": "Swedish"}
TARGETS = {"nb": ["en", "nn"], "nn": ["en", "nb"], "da": ["en"], "sv": ["en"], "en": ["en", "nb", "nn"]}
MAX_ITEMS = 128
DOWNLOADS = "libretranslate"  # this API's kind of held file (compat.work.hold)


class LtError(BaseModel):
    error: str


class LtTranslateRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")  # other LibreTranslate fields are taken and ignored

    q: str | list[str] = Field(description="Text, or a list of texts")
    source: str = Field("auto", description="'auto' or a language code from /languages")
    target: str = Field(description="A target code from /languages")
    format: Literal["text", "html"] = "text"
    api_key: str | None = None
    alternatives: int = Field(0, ge=0, le=10, description="Taken, but oversett gives no alternatives: always []")

    @field_validator("q")
    @classmethod
    def _bounded(cls, value: str | list[str]) -> str | list[str]:
        if isinstance(value, list) and not 1 <= len(value) <= MAX_ITEMS:
            raise ValueError(f"q must hold 1 to {MAX_ITEMS} texts")
        return value


class LtDetectRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    q: str
    api_key: str | None = None


class LtKeyRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    api_key: str | None = None


class LtSuggestRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    q: str = Field(min_length=1, max_length=10_000, description="The text that was translated")
    s: str = Field(min_length=1, max_length=10_000, description="The translation suggested for it")
    source: str = Field(description="The text's language code (not auto)")
    target: str = Field(description="The suggestion's language code")
    api_key: str | None = None


class LtSuggested(BaseModel):
    success: bool


class LtDetected(BaseModel):
    language: str
    confidence: float = Field(description="0–100")


class LtTranslateResponse(BaseModel):
    translatedText: str | list[str]  # noqa: N815 - LibreTranslate's names
    detectedLanguage: LtDetected | list[LtDetected] | None = None  # noqa: N815
    alternatives: list[str] | list[list[str]] | None = None


class LtLanguage(BaseModel):
    code: str
    name: str
    targets: list[str]


class LtFileResponse(BaseModel):
    translatedFileUrl: str  # noqa: N815


ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": LtError} for code in (400, 403, 404, 429, 500, 503, 504)}


async def _admitted(request: Request, api_key: str | None) -> None:
    """The key, from the body as LibreTranslate's clients send it (or a header), through the same
    gate as every API; with keys off the edge has rate-limited by address already."""
    gate = request.app.state.gate
    if gate.keys.enabled:
        peer = request.client.host if request.client else None
        gate.admit(api_key or presented_key(request.headers), peer, "libretranslate")


def _source(code: str) -> str:
    code = code.strip().lower()
    if code != "auto" and code not in NAMES:
        raise InvalidInput(f"{code} is not supported")
    return code


def _target(code: str) -> str:
    target = code.strip().lower()
    if target not in ("en", "nb", "nn"):
        raise InvalidInput(f"{code} is not supported: oversett translates into English (en), Bokmål (nb) or Nynorsk (nn)")
    return target


def _detected(lang: str, confidence: float | None) -> LtDetected:
    return LtDetected(language=lang, confidence=round(100 * (confidence if confidence is not None else 1.0), 1))


@router.post(
    "/translate", response_model=LtTranslateResponse, response_model_exclude_none=True, responses=ERRORS,
    openapi_extra=body_schema(LtTranslateRequest),
)
async def translate(request: Request, services: ServicesDep, admission: AdmissionDep) -> LtTranslateResponse:
    """Translate ``q`` (text or HTML, one or many) into ``target``."""
    params, _ = await read_params(request)
    body = parse(LtTranslateRequest, params)
    await _admitted(request, body.api_key)
    source = _source(body.source)
    target = _target(body.target)
    texts = [body.q] if isinstance(body.q, str) else body.q
    done = await translate_texts(request, services, admission, texts, source, html=body.format == "html", target=target,
                                 memory=key_memory(request, body.api_key))
    outputs = [d.text for d in done]
    detected = [_detected(d.lang, d.confidence) for d in done]
    one = isinstance(body.q, str)
    return LtTranslateResponse(
        translatedText=outputs[0] if one else outputs,
        detectedLanguage=(detected[0] if one else detected) if source == "auto" else None,
        alternatives=([] if one else [[] for _ in texts]) if body.alternatives else None,
    )


@router.post("/detect", response_model=list[LtDetected], responses=ERRORS, openapi_extra=body_schema(LtDetectRequest))
async def detect(request: Request, services: ServicesDep) -> list[LtDetected]:
    """The language of ``q``, as LibreTranslate answers it: a list, surest first."""
    params, _ = await read_params(request)
    body = parse(LtDetectRequest, params)
    await _admitted(request, body.api_key)
    detector = services.require_pipeline().detector
    try:
        found = await run_in_threadpool(detector.detect, body.q[:2000])
    except UnsupportedLanguage as refused:  # a language oversett does not translate: still say which
        return [LtDetected(language=refused.code or "und", confidence=round(100 * (refused.confidence or 0.0), 1))]
    if found.lang == NO_LINGUISTIC_CONTENT:
        return [LtDetected(language="en", confidence=0.0)]  # LibreTranslate's answer for no letters
    return [_detected(found.lang, found.confidence)]


@router.get("/languages", response_model=list[LtLanguage], responses=ERRORS)
@router.post("/languages", response_model=list[LtLanguage], responses=ERRORS, operation_id="languages_post")
async def languages() -> list[LtLanguage]:
    """The languages oversett takes, with the targets of each. GET or POST, as LibreTranslate answers both
    (libretranslatepy POSTs its api_key)."""
    return [LtLanguage(code=code, name=name, targets=TARGETS[code]) for code, name in NAMES.items()]


@router.post("/suggest", response_model=LtSuggested, responses=ERRORS, openapi_extra=body_schema(LtSuggestRequest))
async def suggest(request: Request, services: ServicesDep) -> LtSuggested:
    """A better translation a user suggests: kept as a correction in the key's translation memory
    (OVERSETT_KEY_MEMORIES), else the service's (OVERSETT_MEMORY), so the next translation of the
    sentence is the suggestion. Without a memory suggestions are off (403, as LibreTranslate says)."""
    params, _ = await read_params(request)
    body = parse(LtSuggestRequest, params)
    await _admitted(request, body.api_key)
    memory = key_memory(request, body.api_key) or services.settings.memory
    if not memory:
        raise Forbidden("Suggestions are disabled on this server: it keeps them in a translation memory, and none is set "
                        "(OVERSETT_MEMORY, or OVERSETT_KEY_MEMORIES for this key).")
    source, target = _source(body.source), _target(body.target)
    if source == "auto" or (source, target) not in served_pairs():
        raise InvalidInput(f"A suggestion needs its languages: {body.source} → {body.target} is no pair oversett translates.")
    entry = MemoryEntry(body.q.strip(), body.s.strip(), target, source, _writer(request, body.api_key, memory), "correction")
    await run_in_threadpool(services.require_memories().add, memory, [entry])
    return LtSuggested(success=True)


def _writer(request: Request, api_key: str | None, memory: str) -> str:
    """Who writes a suggestion: the key's label (MemoryReadOnly for a key that may only read), or ""
    on a service without keys."""
    gate = request.app.state.gate
    if not gate.keys.enabled:
        return ""
    key = api_key or presented_key(request.headers) or ""
    if hash_key(key) not in request.app.state.memory_writers:
        raise MemoryReadOnly(memory)
    return str(gate.keys.identify(key))


@router.get("/frontend/settings", responses=ERRORS)
async def frontend_settings(services: ServicesDep, request: Request) -> dict[str, Any]:
    """What LibreTranslate's page and tools read before they start."""
    keys = request.app.state.gate.keys.enabled
    return {
        "charLimit": services.settings.max_chars,
        "frontendTimeout": 500,
        "apiKeys": keys,
        "keyRequired": keys,
        "suggestions": bool(services.settings.memory or request.app.state.key_memories),
        "filesTranslation": True,
        "supportedFilesFormat": sorted(EXTENSIONS),
        "language": {"source": {"code": "auto", "name": "Auto Detect"}, "target": {"code": "en", "name": "English"}},
    }


@router.post(
    "/translate_file", response_model=LtFileResponse, responses=ERRORS,
    openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file", "target"],
        "properties": {"file": {"type": "string", "format": "binary"}, "source": {"type": "string"},
                       "target": {"type": "string"}, "api_key": {"type": "string"}},
    }}}}},
)
async def translate_file_route(request: Request, services: ServicesDep, admission: AdmissionDep) -> LtFileResponse:
    """Translate an uploaded file; the answer points to where the translation can be downloaded."""
    params, files = await read_params(request)
    api_key = parse(LtKeyRequest, params).api_key
    await _admitted(request, api_key)
    upload = files.get("file")
    if upload is None:
        raise InvalidInput("Invalid request: missing file parameter")
    source = _source(str(params.get("source", "auto")))
    target = _target(str(params.get("target", "")))
    held = await translate_upload(request, services, admission, upload, source, target=target,
                                  memory=key_memory(request, api_key))
    key = f"{uuid.uuid4().hex}.{held.filename}"
    await hold(request, DOWNLOADS, key, "", held)  # the name is the secret: no key beside it
    return LtFileResponse(translatedFileUrl=str(request.url_for("download_file", name=key)))


@router.get("/download_file/{name}", response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}, **ERRORS})
async def download_file(name: str, request: Request) -> Response:
    """A translated file, once (LibreTranslate's files are kept a while and then removed)."""
    found = await run_in_threadpool(held_store(request).take, DOWNLOADS, name, "")  # once, on any replica
    if found is None:
        raise NotFound(f"There is no translated file '{name}' (each is downloaded once, within an hour).")
    return Response(found.data, media_type=found.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{found.filename}"'})
