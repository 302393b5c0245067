"""What a file's bytes are, whatever its name says: a Word file sent as HTML, a program named
``.html`` or an HTML page named ``.docx`` is told as what it is, with the format to send it as,
before a format misreads it (html.parser would take a zip for text in some language, a zip
reader would call an HTML page a damaged Word file)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from ..domain.errors import DocumentError, Remedy
from ..domain.protocols import DocumentFormat, ParsedDocument


@dataclass(frozen=True)
class Kind:
    """What the bytes are, in words, and the format oversett reads them as (None: none)."""

    description: str
    format: str | None = None
    damaged: bool = False  # a zip that cannot be opened: the format it should be says what is wrong
    advice: str = ""  # what to do with it, when oversett reads it as none of its formats


FORMAT_NAMES = {
    "html": "HTML", "xhtml": "XHTML", "md": "Markdown", "docx": "a Word document (.docx)",
    "pptx": "a PowerPoint presentation (.pptx)", "xlsx": "an Excel workbook (.xlsx)",
    "odt": "an OpenDocument text (.odt)", "odp": "an OpenDocument presentation (.odp)", "epub": "an EPUB book",
    "pdf": "a PDF", "srt": "SubRip subtitles (.srt)", "vtt": "WebVTT subtitles (.vtt)", "txt": "plain text",
}
_OFFICE_PARTS = (("word/document.xml", "docx"), ("ppt/presentation.xml", "pptx"), ("xl/workbook.xml", "xlsx"))
_ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/epub+zip": "epub",
}
_NO_OCR = "oversett does not read text in images."
_UNPACK = "Unpack it and send the files in it."
_UTF16 = Kind("UTF-16 text", advice="Save it as UTF-8.")
_SIGNATURES: tuple[tuple[bytes, Kind], ...] = (
    (b"%PDF-", Kind(FORMAT_NAMES["pdf"], "pdf")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", Kind("an old Microsoft Office file (.doc, .xls or .ppt)", advice="Save it as .docx, .xlsx or .pptx.")),
    (b"{\\rtf", Kind("an RTF document", advice="Save it as .docx.")),
    (b"\x7fELF", Kind("a program (an ELF executable)")),
    (b"\xcf\xfa\xed\xfe", Kind("a macOS program")),
    (b"\x89PNG\r\n\x1a\n", Kind("a PNG image", advice=_NO_OCR)),
    (b"\xff\xd8\xff", Kind("a JPEG image", advice=_NO_OCR)),
    (b"GIF8", Kind("a GIF image", advice=_NO_OCR)),
    (b"II*\x00", Kind("a TIFF image", advice=_NO_OCR)),
    (b"MM\x00*", Kind("a TIFF image", advice=_NO_OCR)),
    (b"\x1f\x8b", Kind("a gzip archive", advice=_UNPACK)),
    (b"7z\xbc\xaf\x27\x1c", Kind("a 7-Zip archive", advice=_UNPACK)),
    (b"Rar!", Kind("a RAR archive", advice=_UNPACK)),
    (b"\xff\xfe", _UTF16),
    (b"\xfe\xff", _UTF16),
)
_SUBTITLE_CUE = re.compile(rb"^\s*\d+\s*\r?\n\d\d:\d\d:\d\d[,.]\d+ --> ")


def kind_of(data: bytes) -> Kind | None:
    """What the bytes are when their first bytes (or a zip's parts) say so; None for text and
    what is not known."""
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if data.startswith(b"MZ") and _pe_header(data):
        return Kind("a Windows program (.exe or .dll)")
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return Kind("a WebP image", advice=_NO_OCR)
    if b"\x00" in data[:8192] and not _utf8(data[:8192]):
        return Kind("binary data (not text: it has NUL bytes and is not UTF-8)")
    return None


def _utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut at the end of the sample
    return True


def _pe_header(data: bytes) -> bool:
    offset = int.from_bytes(data[0x3C:0x40], "little") if len(data) >= 0x40 else -1
    return 0 < offset < len(data) - 4 and data[offset:offset + 4] == b"PE\x00\x00"


def _zip_kind(data: bytes) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip() if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return Kind("a zip archive that is damaged or cut short", damaged=True)
    for part, name in _OFFICE_PARTS:
        if part in names:
            return Kind(FORMAT_NAMES[name], name)
    if mimetype in _ODF_TYPES:
        name = _ODF_TYPES[mimetype]
        return Kind(FORMAT_NAMES[name], name)
    return Kind("a zip archive", advice=_UNPACK)


def text_kind(data: bytes) -> Kind:
    """Which text format text looks like: HTML, subtitles, or plain text."""
    head = data[:2000].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return Kind("an HTML page", "html")
    if head.startswith(b"webvtt"):
        return Kind(FORMAT_NAMES["vtt"], "vtt")
    if _SUBTITLE_CUE.match(head):
        return Kind(FORMAT_NAMES["srt"], "srt")
    return Kind("text", "txt")


def refuse_other_kinds(data: bytes, expected: DocumentFormat) -> None:
    """DocumentError saying what the file is, and the format to send it as, when its bytes are
    not what ``expected`` reads."""
    kind = kind_of(data)
    if kind is None:
        if not expected.binary:
            return
        kind = text_kind(data)
    if kind.format == expected.name or kind.damaged and expected.binary:
        return
    wanted = "UTF-8" if kind is _UTF16 else FORMAT_NAMES.get(expected.name, expected.name)
    statement = f"The file is {kind.description}, not {wanted}."
    if kind.format is None:
        raise DocumentError(f"{statement} {kind.advice}".strip())
    extension = "html" if kind.format == "html" else kind.format
    raise DocumentError(statement, Remedy(
        f"Send it named .{extension}, or with format={kind.format}.",
        f"Give it a .{extension} name, or add --format {kind.format}.",
    ))


class ContentsChecked:
    """A format that looks at the bytes before it reads them (``refuse_other_kinds``)."""

    def __init__(self, inner: DocumentFormat) -> None:
        self.inner = inner
        self.name = inner.name
        self.extensions = inner.extensions
        self.media_type = inner.media_type
        self.binary = inner.binary

    def read(self, data: bytes) -> ParsedDocument:
        refuse_other_kinds(data, self.inner)
        return self.inner.read(data)
