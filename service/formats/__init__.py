"""The file formats: each reads a file into translatable units and a skeleton, and writes the file
back from the units' translations (``domain.protocols.DocumentFormat``). They import only the
domain."""

from __future__ import annotations

from pathlib import PurePath

from ..domain.errors import UnsupportedFormat
from ..domain.protocols import DocumentFormat
from .docx import Docx
from .epub import Epub
from .html import Html, Xhtml
from .markdown import Markdown
from .odf import odp, odt
from .pdf import Pdf
from .plain import PlainText
from .pptx import Pptx
from .sniff import ContentsChecked
from .subtitles import Subtitles
from .xlsx import Xlsx

_LIMIT = 200 * 1024 * 1024


def formats(max_unzipped_bytes: int = _LIMIT, sheet_names: bool = False) -> dict[str, DocumentFormat]:
    """Every format, by name; each looks at a file's bytes first and refuses a file of another kind
    (``sniff``)."""
    found: list[DocumentFormat] = [
        Html(), Xhtml(), Markdown(), Docx(max_unzipped_bytes), Pptx(max_unzipped_bytes), Xlsx(max_unzipped_bytes, sheet_names),
        odt(max_unzipped_bytes), odp(max_unzipped_bytes), Epub(max_unzipped_bytes), Pdf(max_unzipped_bytes),
        Subtitles("srt"), Subtitles("vtt"), PlainText(),
    ]
    return {f.name: ContentsChecked(f) for f in found}


NAMES = tuple(formats())
EXTENSIONS = tuple(e for f in formats().values() for e in f.extensions)


def format_for(
    filename: str, name: str | None = None, max_unzipped_bytes: int = _LIMIT, sheet_names: bool = False
) -> DocumentFormat:
    """The format a name asks for, else the one the file's extension says; UnsupportedFormat else."""
    known = formats(max_unzipped_bytes, sheet_names)
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
