"""DeepL's API v2, as its client libraries call it: ``/v2/translate``, ``/v2/languages``,
``/v2/usage``, ``/v2/glossaries`` (kept as oversett's glossaries: a DeepL glossary is the oversett
glossary named by its id) and ``/v2/document``. The key as ``Authorization: DeepL-Auth-Key …``;
errors as DeepL's ``{"message": "..."}`` with its status codes (``responses.API_SHAPES``)."""

from __future__ import annotations

import dataclasses
import datetime
import secrets
import time
import uuid
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.concurrency import run_in_threadpool

from ...domain.errors import GlossaryNotFound, InvalidInput, NotFound
from ...domain.glossary import Glossary, build_glossary, parse_table
from ..middleware import presented_key
from ..routes.deps import AdmissionDep, ServicesDep, key_memory
from .params import body_schema, parse, read_params
from .work import count_usage, held_store, hold, translate_texts, translate_upload, usage_of


async def admitted(request: Request) -> None:
    """The key as DeepL's clients send it, through the gate every API passes: the Authorization
    header (``DeepL-Auth-Key KEY``), or, as older clients and plugins do, an ``auth_key`` query
    parameter or form field. Without keys the edge has rate-limited by address already."""
    key = presented_key(request.headers) or request.query_params.get("auth_key")
    if not key:
        params, _ = await read_params(request)
        key = str(params["auth_key"]) if params.get("auth_key") else None
    request.state.api_key = key
    gate = request.app.state.gate
    if gate.keys.enabled:
        gate.admit(key, request.client.host if request.client else None, "deepl")


router = APIRouter(tags=["DeepL-compatible"], dependencies=[Depends(admitted)])

SOURCES = {"NB": ("nb", "Norwegian (bokmål)"), "NN": ("nn", "Norwegian (nynorsk)"), "DA": ("da", "Danish"),
           "SV": ("sv", "Swedish"), "EN": ("en", "English")}
TARGETS = {"EN-GB": "English (British)", "EN-US": "English (American)", "NB": "Norwegian (bokmål)",
           "NN": "Norwegian (nynorsk)"}
TARGET_CODES = frozenset({"EN", *TARGETS})
_TARGET_OF = {"EN": "en", "EN-GB": "en", "EN-US": "en", "NB": "nb", "NN": "nn"}
DEEPL_CODE = {code: deepl for deepl, (code, _) in SOURCES.items()} | {"no": "NB", "zxx": "EN"}
MAX_TEXTS = 50
CHARACTER_LIMIT = 1_000_000_000_000  # oversett has no quota; DeepL's clients want a limit
DOCUMENTS = "deepl"  # this API's kind of held file (compat.work.hold), and of usage count


class DeepLError(BaseModel):
    message: str


class DeepLTranslateRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")  # formality, context, split_sentences … are taken and ignored

    text: str | list[str] = Field(description=f"Up to {MAX_TEXTS} texts")
    target_lang: str = Field(description="EN, EN-GB or EN-US; NB or NN from English")
    source_lang: str | None = Field(None, description="NB, NN, DA, SV or EN; detected when left out")
    tag_handling: Literal["html", "xml"] | None = None
    glossary_id: str | None = None
    show_billed_characters: bool = False

    @field_validator("text")
    @classmethod
    def _bounded(cls, value: str | list[str]) -> list[str]:
        texts = [value] if isinstance(value, str) else value
        if not 1 <= len(texts) <= MAX_TEXTS:
            raise ValueError(f"text must hold 1 to {MAX_TEXTS} texts")
        return texts


class DeepLTranslation(BaseModel):
    detected_source_language: str
    text: str
    billed_characters: int | None = None


class DeepLTranslateResponse(BaseModel):
    translations: list[DeepLTranslation]


class DeepLLanguage(BaseModel):
    language: str
    name: str
    supports_formality: bool | None = None


class DeepLUsage(BaseModel):
    character_count: int
    character_limit: int


class DeepLGlossaryRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=256)
    source_lang: str
    target_lang: str
    entries: str = Field(description="One entry a line: source and target, tab- or comma-separated")
    entries_format: Literal["tsv", "csv"] = "tsv"


class DeepLGlossary(BaseModel):
    glossary_id: str
    name: str
    ready: bool = True
    source_lang: str
    target_lang: str
    creation_time: str
    entry_count: int


class DeepLGlossaries(BaseModel):
    glossaries: list[DeepLGlossary]


class DeepLLanguagePair(BaseModel):
    source_lang: str
    target_lang: str


class DeepLLanguagePairs(BaseModel):
    supported_languages: list[DeepLLanguagePair]


class DeepLDocumentHandle(BaseModel):
    document_id: str
    document_key: str


class DeepLDocumentStatus(BaseModel):
    document_id: str
    status: Literal["queued", "translating", "done", "error"]
    seconds_remaining: int | None = None
    billed_characters: int | None = None
    error_message: str | None = None


class DeepLDocumentKey(BaseModel):
    model_config = ConfigDict(extra="ignore")

    document_key: str


ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": DeepLError} for code in (400, 403, 404, 413, 429, 503, 504)}


def _source(code: str | None) -> str:
    if code is None:
        return "auto"
    found = SOURCES.get(code.strip().upper())
    if found is None:
        raise InvalidInput(f"Value for 'source_lang' not supported: {code} (use {', '.join(SOURCES)})")
    return found[0]


def _target(code: str) -> str:
    """oversett's code of a DeepL target (EN, EN-GB, EN-US → en; NB → nb; NN → nn)."""
    if code.strip().upper() not in TARGET_CODES:
        raise InvalidInput(
            f"Value for 'target_lang' not supported: {code} (oversett translates into EN, EN-GB, EN-US, NB or NN)"
        )
    return _TARGET_OF[code.strip().upper()]


@router.get(
    "/v2/translate", response_model=DeepLTranslateResponse, response_model_exclude_none=True, responses=ERRORS,
    operation_id="deepl_translate_get",
    openapi_extra={"parameters": [
        {"name": "text", "in": "query", "required": True, "schema": {"type": "array", "items": {"type": "string"}},
         "description": f"Up to {MAX_TEXTS} texts (repeat the parameter)"},
        {"name": "target_lang", "in": "query", "required": True, "schema": {"type": "string"}},
        {"name": "source_lang", "in": "query", "schema": {"type": "string"}},
        {"name": "auth_key", "in": "query", "schema": {"type": "string"}},
    ]},
)
@router.post(
    "/v2/translate", response_model=DeepLTranslateResponse, response_model_exclude_none=True, responses=ERRORS,
    openapi_extra=body_schema(DeepLTranslateRequest),
)
async def translate(request: Request, services: ServicesDep, admission: AdmissionDep) -> DeepLTranslateResponse:
    """Translate ``text`` (plain, or HTML/XML with ``tag_handling``), with a glossary if named; the
    key's translation memory (OVERSETT_KEY_MEMORIES) is used, DeepL having no field for one. GET
    with query parameters is taken too, as DeepL took it for years."""
    params, _ = await read_params(request)
    body = parse(DeepLTranslateRequest, params)
    source = _source(body.source_lang)
    target = _target(body.target_lang)
    texts: list[str] = body.text  # type: ignore[assignment]  # the validator made it a list
    glossary = await run_in_threadpool(services.glossary_for, body.glossary_id) if body.glossary_id else None
    done = await translate_texts(request, services, admission, texts, source, html=body.tag_handling is not None,
                                 glossary=glossary, target=target, memory=key_memory(request, request.state.api_key))
    await count_usage(request, DOCUMENTS, request.state.api_key, sum(len(t) for t in texts))
    return DeepLTranslateResponse(translations=[
        DeepLTranslation(
            detected_source_language=DEEPL_CODE.get(d.lang, d.lang.upper()), text=d.text,
            billed_characters=len(source_text) if body.show_billed_characters else None,
        )
        for d, source_text in zip(done, texts, strict=True)
    ])


@router.get("/v2/languages", response_model=list[DeepLLanguage], response_model_exclude_none=True, responses=ERRORS,
            operation_id="deepl_languages")
@router.post("/v2/languages", response_model=list[DeepLLanguage], response_model_exclude_none=True, responses=ERRORS,
             operation_id="deepl_languages_post")
async def languages(request: Request) -> list[DeepLLanguage]:
    """Source languages, or with ``type=target`` the target languages."""
    params, _ = await read_params(request)
    if str(params.get("type", "source")) == "target":
        return [DeepLLanguage(language=code, name=name, supports_formality=False) for code, name in TARGETS.items()]
    return [DeepLLanguage(language=code, name=name) for code, (_, name) in SOURCES.items()]


@router.get("/v2/usage", response_model=DeepLUsage, responses=ERRORS)
async def usage(request: Request) -> DeepLUsage:
    """Characters translated through this API with the key shown, on every replica (oversett sets no
    quota; without keys, everyone's together)."""
    count = await usage_of(request, DOCUMENTS, request.state.api_key)
    return DeepLUsage(character_count=count, character_limit=CHARACTER_LIMIT)


@router.get("/v2/glossary-language-pairs", response_model=DeepLLanguagePairs, responses=ERRORS)
async def glossary_language_pairs() -> DeepLLanguagePairs:
    return DeepLLanguagePairs(supported_languages=[
        DeepLLanguagePair(source_lang=code.lower(), target_lang="en") for code in ("NB", "NN")
    ])


def _glossary_out(glossary: Glossary) -> DeepLGlossary:
    made = datetime.datetime.fromtimestamp(glossary.updated or time.time(), tz=datetime.timezone.utc)
    return DeepLGlossary(
        glossary_id=glossary.name, name=glossary.label or glossary.name, source_lang="nb", target_lang="en",
        creation_time=made.isoformat(timespec="microseconds"), entry_count=len(glossary.terms),
    )


@router.post("/v2/glossaries", status_code=201, response_model=DeepLGlossary, responses=ERRORS,
             openapi_extra=body_schema(DeepLGlossaryRequest))
async def create_glossary(request: Request, services: ServicesDep) -> DeepLGlossary:
    """A glossary from DeepL's entries (TSV or CSV), stored as an oversett glossary named by its id."""
    params, _ = await read_params(request)
    body = parse(DeepLGlossaryRequest, params)
    if body.source_lang.strip().upper() not in ("NB", "NN", "NO") or body.target_lang.strip().upper() not in TARGET_CODES:
        raise InvalidInput(
            f"Unsupported glossary language pair {body.source_lang}→{body.target_lang}: use NB or NN to EN"
        )
    rows, keep = parse_table(body.entries)  # TSV or CSV, told by the first line (quoted CSV fields kept whole)
    glossary = dataclasses.replace(build_glossary(str(uuid.uuid4()), rows, keep, updated=time.time()), label=body.name)
    await run_in_threadpool(lambda: services.require_glossaries().put(glossary, create=True))
    return _glossary_out(glossary)


@router.get("/v2/glossaries", response_model=DeepLGlossaries, responses=ERRORS)
async def list_glossaries(services: ServicesDep) -> DeepLGlossaries:
    """Every stored glossary, those made through oversett's own API too."""
    stored = await run_in_threadpool(lambda: services.require_glossaries().names())
    return DeepLGlossaries(glossaries=[_glossary_out(g) for g in stored])


@router.get("/v2/glossaries/{glossary_id}", response_model=DeepLGlossary, responses=ERRORS)
async def get_glossary(glossary_id: str, services: ServicesDep) -> DeepLGlossary:
    return _glossary_out(await run_in_threadpool(services.require_glossaries().get, glossary_id))


@router.get("/v2/glossaries/{glossary_id}/entries", response_class=Response, responses={
    200: {"content": {"text/tab-separated-values": {}}}, **ERRORS})
async def glossary_entries(glossary_id: str, services: ServicesDep) -> Response:
    glossary = await run_in_threadpool(services.require_glossaries().get, glossary_id)
    tsv = "".join(f"{term.source}\t{term.target}\n" for term in glossary.terms)
    return Response(tsv, media_type="text/tab-separated-values; charset=utf-8")


@router.delete("/v2/glossaries/{glossary_id}", status_code=204, response_class=Response, responses=ERRORS)
async def delete_glossary(glossary_id: str, services: ServicesDep) -> Response:
    try:
        await run_in_threadpool(services.require_glossaries().delete, glossary_id)
    except GlossaryNotFound as missing:
        raise NotFound(missing.message) from None
    return Response(status_code=204)


@router.post(
    "/v2/document", response_model=DeepLDocumentHandle, responses=ERRORS,
    openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file", "target_lang"],
        "properties": {"file": {"type": "string", "format": "binary"}, "target_lang": {"type": "string"},
                       "source_lang": {"type": "string"}, "glossary_id": {"type": "string"},
                       "filename": {"type": "string"}},
    }}}}},
)
async def upload_document(request: Request, services: ServicesDep, admission: AdmissionDep) -> DeepLDocumentHandle:
    """Translate a document (the formats oversett has); its status is then ``done`` and its result
    can be downloaded once with the key."""
    params, files = await read_params(request)
    upload = files.get("file")
    if upload is None:
        raise InvalidInput("Parameter 'file' not specified.")
    target = _target(str(params.get("target_lang", "")))
    source = _source(params.get("source_lang") or None)
    glossary_id = params.get("glossary_id")
    glossary = await run_in_threadpool(services.glossary_for, glossary_id) if glossary_id else None
    held = await translate_upload(request, services, admission, upload, source,
                                  filename=str(params.get("filename") or "") or None, glossary=glossary, target=target,
                                  memory=key_memory(request, request.state.api_key))
    await count_usage(request, DOCUMENTS, request.state.api_key, held.characters)
    document_id = uuid.uuid4().hex.upper()
    key = secrets.token_hex(32).upper()
    await hold(request, DOCUMENTS, document_id, key, held)
    return DeepLDocumentHandle(document_id=document_id, document_key=key)


def _not_found() -> NotFound:
    return NotFound("Document not found: check the document id and key (a result is kept for an hour, and is "
                    "downloaded once).")


@router.post("/v2/document/{document_id}", response_model=DeepLDocumentStatus, response_model_exclude_none=True,
             responses=ERRORS, openapi_extra=body_schema(DeepLDocumentKey))
async def document_status(document_id: str, request: Request) -> DeepLDocumentStatus:
    params, _ = await read_params(request)
    key = parse(DeepLDocumentKey, params).document_key
    found = await run_in_threadpool(held_store(request).peek, DOCUMENTS, document_id, key)
    if found is None:
        raise _not_found()
    return DeepLDocumentStatus(document_id=document_id, status="done", billed_characters=found.characters)


@router.post("/v2/document/{document_id}/result", response_class=Response,
             responses={200: {"content": {"application/octet-stream": {}}}, **ERRORS},
             openapi_extra=body_schema(DeepLDocumentKey))
async def document_result(document_id: str, request: Request) -> Response:
    """The translated document, once."""
    params, _ = await read_params(request)
    key = parse(DeepLDocumentKey, params).document_key
    found = await run_in_threadpool(held_store(request).take, DOCUMENTS, document_id, key)  # once, on any replica
    if found is None:
        raise _not_found()
    return Response(found.data, media_type=found.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{found.filename}"'})
