"""``/v1/memories``: translation memories, the human translations that replace the model's for a
sentence (``domain.memory``). Entries are added and corrected one or many at a time, imported from
TMX or XLIFF and exported as TMX. Reading is open to every key; changing a memory needs a key of
``OVERSETT_MEMORY_WRITE_KEYS`` when API keys are on."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from ... import __version__
from ...domain.errors import InvalidInput, MemoryReadOnly
from ...domain.memory import MemoryEntry
from ...domain.spans import MARKUP_PLACEHOLDER, plain_text
from ...formats.exchange import entries_from_file
from ...formats.tmx import tmx_of
from ..schemas import (
    MemoryEntriesIn,
    MemoryEntriesOut,
    MemoryEntryOut,
    MemoryEntryUpdate,
    MemoryList,
    MemorySummary,
    MemoryWritten,
)
from ..security import hash_key
from .deps import ERROR, ServicesDep
from .documents import read_upload

router = APIRouter(tags=["memories"])
ERRORS: dict[int | str, dict[str, Any]] = {code: ERROR for code in (400, 401, 403, 404, 409, 413, 422, 429, 503)}
ENTRY_ID = Annotated[int, Path(ge=1, le=2**62, description="An entry's id")]
IDS = Annotated[list[Annotated[int, Field(ge=1, le=2**62)]], Query(min_length=1, max_length=1000)]
MAX_IMPORT = 50 * 1024 * 1024


def author_of(request: Request, name: str) -> str:
    """Who is writing: the key's label (MemoryReadOnly for a key that may only read), or ""
    on a service without keys."""
    from ..middleware import presented_key

    gate = request.app.state.gate
    if not gate.keys.enabled:
        return ""
    key = presented_key(request.headers)
    label = gate.keys.identify(key)
    if label is None or hash_key(key or "") not in request.app.state.memory_writers:
        raise MemoryReadOnly(name)
    return str(label)


def _checked_name(name: str) -> str:
    if not name or len(name) > 64 or not all(c.isalnum() or c in "_.-" for c in name) or name.lower() == "none":
        raise InvalidInput(f"'{name}' is not a memory name: 1–64 letters, digits, '_', '.' or '-' (and not 'none').")
    return name


def _out(entry: MemoryEntry) -> MemoryEntryOut:
    """An entry as the API shows it: plain text, oversett's markup placeholders never shown."""
    marked = bool(MARKUP_PLACEHOLDER.search(entry.source) or MARKUP_PLACEHOLDER.search(entry.target))
    return MemoryEntryOut.model_validate(
        entry.to_json() | {"source": plain_text(entry.source), "target": plain_text(entry.target), "markup": marked}
    )


@router.get("/v1/memories", response_model=MemoryList, responses=ERRORS)
async def list_memories(services: ServicesDep) -> MemoryList:
    names = await run_in_threadpool(services.require_memories().names)
    return MemoryList(memories=[MemorySummary(name=n, entries=c) for n, c in names])


@router.get("/v1/memories/{name}/entries", response_model=MemoryEntriesOut, responses=ERRORS)
async def list_entries(
    name: str, services: ServicesDep, offset: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> MemoryEntriesOut:
    entries = await run_in_threadpool(services.require_memories().entries, name, offset, limit)
    return MemoryEntriesOut(name=name, entries=[_out(e) for e in entries])


@router.post("/v1/memories/{name}/entries", response_model=MemoryWritten, responses=ERRORS)
async def add_entries(name: str, body: MemoryEntriesIn, request: Request, services: ServicesDep) -> MemoryWritten:
    """Add or correct entries (one or many): a sentence the memory has gets the new translation.
    The memory is made when its first entry is added."""
    _checked_name(name)
    author = author_of(request, name)
    entries = [MemoryEntry(e.source, e.target, e.target_lang, e.source_lang, author, "correction") for e in body.entries]
    counts = await run_in_threadpool(services.require_memories().add, name, entries)
    return MemoryWritten(name=name, **counts)


@router.put("/v1/memories/{name}/entries/{entry_id}", response_model=MemoryEntryOut, responses=ERRORS)
async def update_entry(name: str, entry_id: ENTRY_ID, body: MemoryEntryUpdate, request: Request, services: ServicesDep) -> MemoryEntryOut:
    author = author_of(request, name)
    entry = await run_in_threadpool(services.require_memories().update, name, entry_id, body.target, author)
    return _out(entry)


@router.delete("/v1/memories/{name}/entries/{entry_id}", status_code=204, responses=ERRORS)
async def delete_entry(name: str, entry_id: ENTRY_ID, request: Request, services: ServicesDep) -> Response:
    """Delete one entry by its id; 404 when the memory has no such entry."""
    author_of(request, name)
    await run_in_threadpool(services.require_memories().delete, name, [entry_id])
    return Response(status_code=204)


@router.delete("/v1/memories/{name}/entries", status_code=204, responses=ERRORS)
async def delete_entries(
    name: str, request: Request, services: ServicesDep, id: IDS
) -> Response:
    """Delete entries by id (``?id=3&id=7``)."""
    author_of(request, name)
    await run_in_threadpool(services.require_memories().delete, name, id)
    return Response(status_code=204)


@router.delete("/v1/memories/{name}", status_code=204, responses=ERRORS)
async def delete_memory(name: str, request: Request, services: ServicesDep) -> Response:
    author_of(request, name)
    await run_in_threadpool(services.require_memories().delete, name, None)
    return Response(status_code=204)


@router.post("/v1/memories/{name}/import", response_model=MemoryWritten, responses=ERRORS)
async def import_memory(
    name: str,
    request: Request,
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="A TMX file (1.1–1.4b), or an XLIFF 2.0/1.2 file oversett wrote and a translator changed")],
    on_conflict: Annotated[
        Literal["report", "replace", "keep"],
        Form(description="A sentence the memory has with another translation: report (409, nothing stored), replace, or keep"),
    ] = "report",
) -> MemoryWritten:
    _checked_name(name)
    author = author_of(request, name)
    data = await read_upload(file, file.filename or "the file", MAX_IMPORT, "(a fixed limit of the import route)")
    entries = await run_in_threadpool(entries_from_file, file.filename or "", data, author)
    counts = await run_in_threadpool(services.require_memories().add, name, entries, on_conflict=on_conflict)
    return MemoryWritten(name=name, **counts)


@router.get(
    "/v1/memories/{name}/export",
    response_class=Response,
    responses={200: {"content": {"application/x-tmx+xml": {}}, "description": "The memory as TMX 1.4b"}, **ERRORS},
)
async def export_memory(name: str, services: ServicesDep) -> Response:
    store = services.require_memories()

    def everything() -> list[MemoryEntry]:
        found: list[MemoryEntry] = []
        while True:
            page = store.entries(name, len(found), 1000)
            found += page
            if len(page) < 1000:
                return found

    entries = await run_in_threadpool(everything)
    return Response(
        tmx_of(entries, __version__), media_type="application/x-tmx+xml",
        headers={"Content-Disposition": f'attachment; filename="{name}.tmx"'},
    )
