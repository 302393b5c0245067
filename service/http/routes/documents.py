"""``POST /v1/translate/document``: a file in (HTML, Markdown, Word, subtitles, plain text), the
same kind of file out in English, its structure kept."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from ...compose.services import document_format
from ...domain.errors import FileTooLarge, InvalidInput
from ...domain.pairs import normalise_target
from ...formats import EXTENSIONS, NAMES, formats
from ...formats.xliff import xliff_of
from ...usecases.documents import TranslatedFile, translate_file
from ..fields import NYNORSK_ROUTE_HELP, NynorskRoute, SourceLang
from .deps import (
    ERROR,
    AdmissionDep,
    ServicesDep,
    chosen_translator,
    glossary_of,
    memory_of,
    model_work,
)

router = APIRouter(tags=["translate"])
FormatName = Literal["html", "xhtml", "md", "docx", "pptx", "xlsx", "odt", "odp", "epub", "pdf", "srt", "vtt", "txt"]
assert set(FormatName.__args__) == set(NAMES)  # type: ignore[attr-defined]

HEADERS = {
    "Content-Disposition": "attachment; filename=\"NAME.en.EXT\" (NAME.nb.EXT, NAME.nn.EXT into Norwegian)",
    "X-Oversett-Format": "the format's name: " + ", ".join(NAMES),
    "X-Oversett-Source-Lang": "the document's language (told or detected)",
    "X-Oversett-Target-Lang": "the language it was translated into: en, nb or nn",
    "X-Oversett-Units": "translatable units: paragraphs, headings, cells, cues, attributes",
    "X-Oversett-Segments": "sentences translated",
    "X-Oversett-Cached-Segments": "sentences served from the cache",
    "X-Oversett-Flagged-Segments": "sentences the faithfulness checks flagged",
    "X-Oversett-Marked-Segments": "flagged sentences marked in the file with mark_flagged (0 for a format that cannot carry marks)",
    "X-Oversett-Model": "the translator's name",
    "X-Oversett-Terms": "glossary terms applied",
    "X-Oversett-Memory-Segments": "sentences the translation memory gave",
}


@router.post(
    "/v1/translate/document",
    response_class=Response,
    responses={
        200: {
            "description": "The translated file, of the same type as the upload",
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}}
                for media in ("application/octet-stream", *(f.media_type for f in formats().values()))
            },
            "headers": {name: {"description": text, "schema": {"type": "string"}} for name, text in HEADERS.items()},
        },
        **{code: ERROR for code in (400, 401, 404, 413, 415, 422, 429, 503, 504)},
    },
)
async def translate_document(
    request: Request,
    services: ServicesDep,
    admission: AdmissionDep,
    file: Annotated[UploadFile, File(description="The document: " + ", ".join(EXTENSIONS))],
    source_lang: Annotated[SourceLang, Form(description="'auto' detects the document's language")] = "auto",
    target_lang: Annotated[
        str, Form(description="en (the default), nb (Bokmål) or nn (Nynorsk); nb and nn take English documents")
    ] = "en",
    format: Annotated[FormatName | None, Form(description="Read the file as this format, whatever its name")] = None,
    num_beams: Annotated[int | None, Form(ge=1, le=16)] = None,
    glossary: Annotated[str | None, Form(max_length=64, description="A stored glossary's name")] = None,
    model: Annotated[str | None, Form(max_length=32, description="A translator's name from /v1/models")] = None,
    memory: Annotated[str | None, Form(max_length=64, description="A translation memory's name; 'none' uses none")] = None,
    mark_flagged: Annotated[
        bool,
        Form(description="Mark the sentences the checks flagged in the file, with the reason in plain words: a comment "
             "in Word (.docx), a highlight with the reason as its title in HTML, XHTML, EPUB and Markdown. Other formats "
             "cannot carry marks: X-Oversett-Marked-Segments is 0 there, and /v1/translate shows each flag"),
    ] = False,
    xliff: Annotated[
        Literal["2.0", "1.2"] | None,
        Form(description="Answer with an XLIFF file of every segment's source and machine translation (for post-editing "
             "in a CAT tool; import it into a memory afterwards) instead of the translated document"),
    ] = None,
    nynorsk_route: Annotated[NynorskRoute | None, Form(description=NYNORSK_ROUTE_HELP)] = None,
) -> Response:
    settings = services.settings
    target = normalise_target(target_lang)
    refuse_declared_too_large(request, settings.max_document_bytes)
    name = file.filename or "document"
    kind = document_format(settings, name, format)
    data = await read_upload(file, name, settings.max_document_bytes)
    chosen_glossary = await glossary_of(services, glossary)
    chosen_memory = await memory_of(services, memory, request)
    async with chosen_translator(services, model, target) as (name_of_model, pipeline):
        done: TranslatedFile = await model_work(
            request, admission, services, translate_file, pipeline, kind, data, source_lang, num_beams, None,
            chosen_glossary, chosen_memory, target, mark_flagged, nynorsk_route,
        )
    body, media, filename = done.data, kind.media_type, translated_name(name, kind.extensions[0], target)
    if xliff is not None:
        body = xliff_of(PurePath(name).name, done.pairs, done.source_lang, xliff, target)
        media, filename = "application/xliff+xml", xliff_name(name)
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": content_disposition(filename),
            "X-Oversett-Format": done.format,
            "X-Oversett-Source-Lang": done.source_lang,
            "X-Oversett-Target-Lang": target,
            "X-Oversett-Units": str(done.units),
            "X-Oversett-Segments": str(done.segments),
            "X-Oversett-Cached-Segments": str(done.cached_segments),
            "X-Oversett-Flagged-Segments": str(done.flagged_segments),
            "X-Oversett-Marked-Segments": str(done.marked_segments),
            "X-Oversett-Model": name_of_model,
            "X-Oversett-Terms": str(done.terms),
            "X-Oversett-Memory-Segments": str(done.memory_hits),
        },
    )


def xliff_name(filename: str) -> str:
    """``nyhet.docx`` → ``nyhet.docx.xlf``."""
    return (PurePath(filename.replace("\\", "/")).name or "document") + ".xlf"


def refuse_declared_too_large(request: Request, limit: int) -> None:
    """FileTooLarge before anything is read when the upload says it is over ``limit`` (with room
    for the form's other fields)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise FileTooLarge("The upload (the file with its form) is", int(declared), limit)


async def read_upload(file: UploadFile, name: str, limit: int, setting: str = "OVERSETT_MAX_DOCUMENT_BYTES") -> bytes:
    """The uploaded file's bytes: FileTooLarge over ``limit`` (reading no more than one byte past
    it, and giving the file's real size when the form told it), InvalidInput when it is empty."""
    data = await file.read(limit + 1)
    if len(data) > limit:
        if file.size is not None and file.size > limit:
            raise FileTooLarge("The file is", file.size, limit, setting)
        raise FileTooLarge("The file is more than", limit, limit, setting)
    if not data.strip():
        raise InvalidInput(f"The file '{name}' is empty.")
    return data


def translated_name(filename: str, default_suffix: str, target: str = "en") -> str:
    """``nyhet.html`` → ``nyhet.en.html`` (``story.html`` → ``story.nb.html`` into Bokmål; only the
    file's own name, never a path)."""
    name = PurePath(filename.replace("\\", "/")).name or "document"
    suffix = PurePath(name).suffix
    stem = name[: -len(suffix)] if suffix else name
    return f"{stem or 'document'}.{target}{suffix or default_suffix}"


def content_disposition(filename: str) -> str:
    """An attachment header every browser reads: an ASCII fallback and the UTF-8 name."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'[^\w.\- ]', "_", ascii_name) or "document"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
