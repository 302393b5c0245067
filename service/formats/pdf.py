"""PDF (.pdf) with a text layer: translated into a PDF again, not into another format.

Reading (pdfminer.six): the text blocks of each page with their boxes, in pdfminer's reading order
(columns one after the other), a block's lines joined into one unit, a word hyphenated across a line
break joined again (``regjer-`` + ``ingen`` → ``regjeringen``; ``Nord-`` + ``Norge`` keeps its
hyphen). A PDF with pages but no text at all is a scan: it is refused, since oversett does not do
text recognition.

Writing (pypdf, reportlab): each page stays the same page (size, images, drawings, links and
annotations kept) with its text taken out: the operators that show text are removed from its
content and its forms, and nothing else (colours, clipping and positions stay). The translated
blocks are then drawn on top where the source blocks were, in a standard PDF font of the source's
family (sans, serif or monospace; bold and italic kept), its size and colour, wrapped to the block's
width and shrunk until they fit its height. What is not kept: the exact typeface, formatting inside
a block (one bold word), and text drawn as paths or in images.

Why a PDF and not PDF → DOCX: a reader of a translated PDF expects the same pages (a report's
figures, a form's layout, page numbers that others cite); a block layout never becomes a flowing
Word document faithfully, and a user who wants to edit can translate the source .docx.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..domain.errors import DocumentError, FileTooLarge
from .base import Parsed, plain_unit

_TEXT_SHOWING = {b"Tj", b"TJ", b"'", b'"'}
_SMALLEST = 4.0  # points: text is not shrunk below this


@dataclass
class Block:
    page: int
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points
    text: str
    lines: int
    size: float
    font: str  # a standard PDF font
    color: tuple[float, ...]


class Pdf:
    name = "pdf"
    extensions = (".pdf",)
    media_type = "application/pdf"
    binary = True

    def __init__(self, max_unzipped_bytes: int = 200 * 1024 * 1024) -> None:
        self.max_unzipped_bytes = max_unzipped_bytes

    def read(self, data: bytes) -> Parsed:
        _check_unpacked(data, self.max_unzipped_bytes)
        blocks, pages = _blocks(data)
        if pages and not blocks:
            raise DocumentError(
                "The PDF has no text layer: its pages are images (a scan). oversett does not do text "
                "recognition (OCR); run OCR on the file first, then send the result."
            )
        if not pages:
            raise DocumentError("The PDF has no pages.")

        def rebuild(texts: list[str]) -> bytes:
            if texts == [b.text for b in blocks]:
                return data
            return _written(data, blocks, texts)

        return Parsed([plain_unit(b.text) for b in blocks], rebuild)


def _check_unpacked(data: bytes, limit: int) -> None:
    """What the pages' content unpacks to, checked before pdfminer (which has no limit) reads it:
    a compressed stream that would inflate past the limit (a PDF bomb) is FileTooLarge. pypdf
    stops each stream at its own bound while decoding, so the check itself stays small."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfReadError

    if not data.lstrip()[:5] == b"%PDF-":
        raise DocumentError("The file is not a PDF (it does not start with %PDF-).")
    total = 0
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return  # pdfminer says it needs a password
        for page in reader.pages:
            contents = page.get_contents()
            total += len(contents.get_data()) if contents is not None else 0
            if total > limit:
                break
    except LimitReachedError:  # one stream alone is over pypdf's own bound
        from pypdf import Configuration

        total = max(total, int(getattr(Configuration, "ZLIB_MAX_OUTPUT_LENGTH", 75_000_000)), limit + 1)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError):
        return  # damaged: pdfminer names the problem
    if total > limit:
        raise FileTooLarge("The PDF's pages unpack to at least", total, limit, "OVERSETT_MAX_UNZIPPED_BYTES")


def _blocks(data: bytes) -> tuple[list[Block], int]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextBox
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException

    blocks: list[Block] = []
    pages = 0
    try:
        for number, page in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams())):
            pages += 1
            for element in page:
                if isinstance(element, LTTextBox):
                    block = _block(number, element)
                    if block is not None:
                        blocks.append(block)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise DocumentError("The PDF is protected with a password; send it without the protection.") from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise DocumentError(f"The PDF is damaged and cannot be read: {exc or type(exc).__name__}.") from exc
    return blocks, pages


def _block(page: int, box: Any) -> Block | None:
    from pdfminer.layout import LTChar

    lines = [line.get_text().rstrip("\n") for line in box]
    text = _joined([line for line in lines if line.strip()])
    if not any(c.isalpha() for c in text):
        return None
    chars = [c for line in box for c in line if isinstance(c, LTChar)]
    sizes = Counter(round(c.size * 2) / 2 for c in chars)
    fonts = Counter(c.fontname for c in chars)
    colors = Counter(_color(c) for c in chars)
    return Block(
        page, tuple(box.bbox), text, len(lines), sizes.most_common(1)[0][0], _standard_font(fonts.most_common(1)[0][0]),
        colors.most_common(1)[0][0],
    )


def _joined(lines: list[str]) -> str:
    """A block's lines as one text: a word hyphenated over a line break is joined again."""
    out = ""
    for line in lines:
        line = " ".join(line.split())
        if not out:
            out = line
        elif re.search(r"\w-$", out) and line[:1].islower():
            out = out[:-1] + line
        elif out.endswith(("-", "\u00ad")):
            out = out.rstrip("\u00ad") + line
        else:
            out += " " + line
    return out


def _color(char: Any) -> tuple[float, ...]:
    color = getattr(char.graphicstate, "ncolor", None)
    if isinstance(color, (int, float)):
        return (float(color),)
    if isinstance(color, (tuple, list)) and len(color) in (1, 3, 4) and all(isinstance(v, (int, float)) for v in color):
        return tuple(float(v) for v in color)
    return (0.0,)


def _standard_font(name: str) -> str:
    lowered = name.lower()
    bold = "bold" in lowered or "black" in lowered or "heavy" in lowered
    italic = "italic" in lowered or "oblique" in lowered
    if any(w in lowered for w in ("courier", "mono", "consol", "code")):
        family, styles = "Courier", ("", "-Bold", "-Oblique", "-BoldOblique")
    elif any(w in lowered for w in ("times", "serif", "roman", "georgia", "garamond", "cambria", "minion", "book")) and "sans" not in lowered:
        family, styles = "Times", ("-Roman", "-Bold", "-Italic", "-BoldItalic")
    else:
        family, styles = "Helvetica", ("", "-Bold", "-Oblique", "-BoldOblique")
    return family + styles[(1 if bold else 0) + (2 if italic else 0)]


def _written(data: bytes, blocks: list[Block], texts: list[str]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    stripped: set[int] = set()
    by_page: dict[int, list[tuple[Block, str]]] = {}
    for block, text in zip(blocks, texts, strict=True):
        by_page.setdefault(block.page, []).append((block, text))
    for number, page in enumerate(writer.pages):
        if number not in by_page:
            continue
        _strip_text(page, writer, stripped)
        page.merge_page(_overlay(page, by_page[number]))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _strip_text(page: Any, writer: Any, stripped: set[int]) -> None:
    """Takes the text-showing operators out of the page's content and of the forms it draws."""
    from pypdf.generic import ContentStream

    contents = page.get_contents()
    if contents is not None:
        stream = ContentStream(contents, writer)
        stream.operations = [(operands, op) for operands, op in stream.operations if op not in _TEXT_SHOWING]
        page.replace_contents(stream)
    _strip_forms(page.get("/Resources"), writer, stripped)


def _strip_forms(resources: Any, writer: Any, stripped: set[int]) -> None:
    """The same for every form (an XObject with content of its own) in the resources, once each."""
    from pypdf.generic import ContentStream

    forms = resources.get_object().get("/XObject") if resources is not None else None
    if forms is None:
        return
    forms = forms.get_object()
    for name in list(forms.keys()):
        reference = forms.raw_get(name)
        form = forms[name].get_object()
        key = getattr(reference, "idnum", id(form))
        if form.get("/Subtype") != "/Form" or key in stripped:
            continue
        stripped.add(key)
        stream = ContentStream(form, writer)
        stream.operations = [(operands, op) for operands, op in stream.operations if op not in _TEXT_SHOWING]
        form.set_data(stream.get_data())
        _strip_forms(form.get("/Resources"), writer, stripped)


def _overlay(page: Any, blocks: list[tuple[Block, str]]) -> Any:
    from pypdf import PdfReader
    from reportlab.pdfgen.canvas import Canvas

    box = page.mediabox
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(float(box.width), float(box.height)))
    canvas.translate(-float(box.left), -float(box.bottom))
    for block, text in blocks:
        _draw(canvas, block, text)
    canvas.showPage()
    canvas.save()
    return PdfReader(io.BytesIO(out.getvalue())).pages[0]


def fitted(text: str, block: Block) -> tuple[float, list[str]]:
    """The font size (the source's, or smaller until the text fits the block) and the lines."""
    from reportlab.lib.utils import simpleSplit

    x0, y0, x1, y1 = block.box
    width, height = max(x1 - x0, 1.0) + 2.0, max(y1 - y0, 1.0) + 0.3 * block.size
    size = block.size
    while True:
        lines = simpleSplit(text, block.font, size, width)
        if len(lines) * size * 1.15 <= height or size <= _SMALLEST:
            return size, lines
        size = max(_SMALLEST, size * 0.92)


def _draw(canvas: Any, block: Block, text: str) -> None:
    size, lines = fitted(text, block)
    if len(block.color) == 3:
        canvas.setFillColorRGB(*block.color)
    elif len(block.color) == 4:
        canvas.setFillColorCMYK(*block.color)
    else:
        canvas.setFillGray(block.color[0])
    x0, _, _, y1 = block.box
    writer = canvas.beginText()
    writer.setFont(block.font, size, leading=size * 1.15)
    writer.setTextOrigin(x0, y1 - size * 0.85)
    for line in lines:
        writer.textLine(line)
    canvas.drawText(writer)
