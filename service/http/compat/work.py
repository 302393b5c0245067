"""What both compatible APIs ask of oversett: texts translated (plain, or HTML through the HTML
format), an uploaded file translated, and translated files held in this process until their one
download."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import PurePath

from starlette.datastructures import UploadFile
from starlette.requests import Request

from ...compose.services import Services, document_format
from ...domain.glossary import Glossary
from ...usecases.documents import TranslatedFile, translate_file
from ..admission import Admission
from ..routes.deps import chosen_translator, model_work
from ..routes.documents import read_upload, refuse_declared_too_large

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


@dataclass(frozen=True)
class HeldFile:
    made: float  # time.monotonic()
    data: bytes
    media_type: str
    filename: str
    characters: int  # of the source's translatable text
    key: str = ""  # what the download must show (DeepL's document_key)


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
    return HeldFile(time.monotonic(), done.data, kind.media_type, name, len(done.source_text))


def held_files(request: Request, store: str) -> dict[str, HeldFile]:
    """This process's translated files named ``store`` (one per API), those older than HELD_S dropped."""
    files: dict[str, HeldFile] = request.app.state.__dict__.setdefault(store, {})
    now = time.monotonic()
    for key in [k for k, held in files.items() if now - held.made > HELD_S]:
        files.pop(key, None)
    return files
