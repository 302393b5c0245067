"""The file formats: each reads a file into translatable units and a skeleton, and writes the file
back from the units' translations (``domain.protocols.DocumentFormat``). They import only the
domain."""

from __future__ import annotations

from pathlib import PurePath

from ..domain.errors import UnsupportedFormat
from ..domain.protocols import DocumentFormat
from .docx import Docx
from .html import Html
from .markdown import Markdown
from .plain import PlainText
from .subtitles import Subtitles


def formats(max_unzipped_bytes: int = 200 * 1024 * 1024) -> dict[str, DocumentFormat]:
    """Every format, by name."""
    found: list[DocumentFormat] = [
        Html(), Markdown(), Docx(max_unzipped_bytes), Subtitles("srt"), Subtitles("vtt"), PlainText(),
    ]
    return {f.name: f for f in found}


NAMES = tuple(formats())
EXTENSIONS = tuple(e for f in formats().values() for e in f.extensions)


def format_for(filename: str, name: str | None = None, max_unzipped_bytes: int = 200 * 1024 * 1024) -> DocumentFormat:
    """The format a name asks for, else the one the file's extension says; UnsupportedFormat else."""
    known = formats(max_unzipped_bytes)
    if name:
        if name.lower().lstrip(".") not in known:
            raise UnsupportedFormat(f"the format '{name}'", [*known])
        return known[name.lower().lstrip(".")]
    suffix = PurePath(filename).suffix.lower()
    for candidate in known.values():
        if suffix in candidate.extensions:
            return candidate
    what = f"'{suffix}' files" if suffix else "files without an extension"
    raise UnsupportedFormat(what, [e for f in known.values() for e in f.extensions])
