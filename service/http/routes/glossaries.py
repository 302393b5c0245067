"""``/v1/glossaries``: named lists of terms (``source → English``) and do-not-translate terms,
kept in the service's database. A body is JSON, or a CSV or TSV table (``source,target[,lang]``; a
row with no target is a do-not-translate term)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ...domain.errors import InvalidInput
from ...domain.glossary import Glossary, build_glossary, parse_table
from ..schemas import GlossaryIn, GlossaryList, GlossaryOut, GlossarySummary, inline_schema
from .deps import ERROR, ServicesDep

router = APIRouter(tags=["glossaries"])
TABLES = ("text/csv", "text/tab-separated-values", "text/plain")
MAX_BODY = 4 * 1024 * 1024
BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": inline_schema(GlossaryIn)},
            "text/csv": {"schema": {"type": "string"}, "example": "source,target,lang\nStortinget,the Storting,nb\nNAV,\n"},
            "text/tab-separated-values": {"schema": {"type": "string"}},
        },
    }
}
ERRORS: dict[int | str, dict[str, Any]] = {code: ERROR for code in (400, 401, 404, 409, 413, 415, 422, 429, 503)}


def _out(glossary: Glossary) -> GlossaryOut:
    return GlossaryOut.model_validate(glossary.to_json())


async def _read(request: Request, name: str | None) -> Glossary:
    """A glossary from a JSON or CSV/TSV body, checked whole before anything is stored."""
    body = await request.body()
    if len(body) > MAX_BODY:
        raise InvalidInput(f"The glossary body is {len(body):,} bytes; the limit is {MAX_BODY:,}.")
    kind = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("The glossary body is not UTF-8 text.") from exc
    if kind in TABLES:
        if not name:
            raise InvalidInput("A CSV or TSV glossary needs its name: POST /v1/glossaries?name=NAME or PUT /v1/glossaries/NAME.")
        terms, keep = parse_table(text)
        return build_glossary(name, terms, keep)
    try:
        data = GlossaryIn.model_validate(json.loads(text or "null"))
    except (ValueError, ValidationError) as exc:
        detail = exc.errors()[0] if isinstance(exc, ValidationError) else {"msg": str(exc), "loc": ()}
        where = ".".join(str(p) for p in detail.get("loc", ()))
        raise InvalidInput(f"The glossary body is not a valid glossary{f' ({where})' if where else ''}: {detail['msg']}.") from exc
    if name and data.name != name:
        raise InvalidInput(f"The body names the glossary '{data.name}' but the path says '{name}'.")
    return build_glossary(data.name, [(t.source, t.target, t.lang) for t in data.terms], data.keep)


@router.get("/v1/glossaries", response_model=GlossaryList, responses=ERRORS)
async def list_glossaries(services: ServicesDep) -> GlossaryList:
    stored = await run_in_threadpool(lambda: services.require_glossaries().names())
    return GlossaryList(glossaries=[
        GlossarySummary(name=g.name, terms=g.sizes[0], keep=g.sizes[1], digest=g.digest, updated=g.updated)
        for g in stored
    ])


@router.post("/v1/glossaries", response_model=GlossaryOut, status_code=201, responses=ERRORS, openapi_extra=BODY)
async def create_glossary(
    request: Request, services: ServicesDep,
    name: str | None = Query(None, max_length=64, description="The glossary's name, for a CSV or TSV body"),
) -> GlossaryOut:
    glossary = await _read(request, name)
    await run_in_threadpool(lambda: services.require_glossaries().put(glossary, create=True))
    return _out(await run_in_threadpool(services.require_glossaries().get, glossary.name))


@router.get("/v1/glossaries/{name}", response_model=GlossaryOut, responses=ERRORS)
async def get_glossary(name: str, services: ServicesDep) -> GlossaryOut:
    return _out(await run_in_threadpool(services.require_glossaries().get, name))


@router.put(
    "/v1/glossaries/{name}", response_model=GlossaryOut, openapi_extra=BODY,
    responses={**ERRORS, 201: {"model": GlossaryOut, "description": "Created (200: replaced)"}},
)
async def replace_glossary(name: str, request: Request, services: ServicesDep, response: Response) -> GlossaryOut:
    glossary = await _read(request, name)
    created = await run_in_threadpool(lambda: services.require_glossaries().put(glossary))
    response.status_code = 201 if created else 200
    return _out(await run_in_threadpool(services.require_glossaries().get, name))


@router.delete("/v1/glossaries/{name}", status_code=204, response_class=Response, responses=ERRORS)
async def delete_glossary(name: str, services: ServicesDep) -> Response:
    await run_in_threadpool(services.require_glossaries().delete, name)
    return Response(status_code=204)
