"""What both compatible APIs ask of oversett: texts translated (plain, or HTML through the HTML
format), an uploaded file translated, translated files held until their one download (in the
store every replica shares: ``compose.stores.held_files``), and characters counted per key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request

from ...compose.services import Services, document_format
from ...compose.stores import held_files, usage_counts
from ...config import Settings
from ...domain.glossary import Glossary
from ...domain.protocols import HeldFile, HeldFiles, UsageCounts
from ...usecases.documents import TranslatedFile, translate_file
from ..admission import Admission
from ..routes.deps import chosen_translator, model_work
from ..routes.documents import read_upload, refuse_declared_too_large
from ..security import hash_key

HELD_S = 3600  # a translated file waits this long for its download


@dataclass(frozen=True)
class Translated:
    text: str
    lang: str  # the source language, told or detected
    confidence: float | None  # language id's, when it detected the language


async def translate_texts(
    request: Request, services: Services, admission: Admission, texts: list[str], source: str, *, html: bool,
    glossary: Glossary | None = None, target: str = "en", memory: str | None = None,
) -> list[Translated]:
    """Each text translated into ``target`` by the pair's default translator: as plain text in one
    pipeline call, or as an HTML fragment each (tags kept); with the translation memory ``memory``
    (None: the service's default)."""
    async with chosen_translator(services, None, target) as (_, pipeline):
        if html:
            kind = document_format(services.settings, "text.html")
            done = [
                await model_work(request, admission, services, translate_file, pipeline, kind, text.encode(), source,
                                 None, None, glossary, memory, target)
                for text in texts
            ]
            return [Translated(d.data.decode("utf-8"), d.source_lang, d.confidence) for d in done]
        results = await model_work(
            request, admission, services, pipeline.translate_documents, texts, source, None, None, glossary, memory, target
        )
    return [Translated(r.text, r.source_lang, r.detected.confidence if r.detected else None) for r in results]


async def translate_upload(
    request: Request, services: Services, admission: Admission, upload: UploadFile, source: str, *,
    filename: str | None = None, glossary: Glossary | None = None, target: str = "en", memory: str | None = None,
) -> HeldFile:
    """An uploaded file read within the limits, as the native route reads it, and translated in its
    own format; ``filename`` overrides the upload's name (only its last part is kept)."""
    limit = services.settings.max_document_bytes
    refuse_declared_too_large(request, limit)
    name = PurePath((filename or upload.filename or "document").replace("\\", "/")).name or "document"
    kind = document_format(services.settings, name)
    data = await read_upload(upload, name, limit)
    async with chosen_translator(services, None, target) as (_, pipeline):
        done: TranslatedFile = await model_work(
            request, admission, services, translate_file, pipeline, kind, data, source, None, None, glossary, memory, target
        )
    return HeldFile(done.data, kind.media_type, name, len(done.source_text))


def held_store(request: Request) -> HeldFiles:
    """The app's store of translated files (opened on first use, closed with the app)."""
    return _opened(request, "held_files", held_files)  # type: ignore[no-any-return]


def _usage_store(request: Request) -> UsageCounts:
    return _opened(request, "usage_counts", usage_counts)  # type: ignore[no-any-return]


def _opened(request: Request, name: str, opener: Callable[[Settings], object]) -> object:
    """A store kept on the app's state under ``name``, opened from the settings on first use."""
    state = request.app.state
    if getattr(state, name, None) is None:
        setattr(state, name, opener(state.services.settings))
    return getattr(state, name)


async def hold(request: Request, kind: str, file_id: str, key: str, held: HeldFile) -> None:
    """Keep a translated file for its download, for HELD_S seconds, where every replica finds it."""
    await run_in_threadpool(held_store(request).put, kind, file_id, key, held, HELD_S)


async def count_usage(request: Request, api: str, key: str | None, characters: int) -> None:
    """Characters translated for a key (every replica adds to the same count)."""
    await run_in_threadpool(_usage_store(request).add, api, hash_key(key or ""), characters)


async def usage_of(request: Request, api: str, key: str | None) -> int:
    return await run_in_threadpool(_usage_store(request).total, api, hash_key(key or ""))
