"""Word (.docx), read with python-docx (only the parts a translation changed are written again, the
rest of the zip stays byte for byte): paragraphs of the body, of tables (nested
too), of every section's headers and footers, of text boxes (in any of those) and of comments are
translated, and so are footnotes and endnotes (python-docx has no API for them: their parts are
parsed with its XML classes and written back from the tree); styles, paragraph properties, images,
fields and everything else stay as they are.

Within a paragraph, the formatting most of its text has is the base; runs with other formatting
(bold, italic, a colour …) and hyperlinks are marker pairs, and runs that hold more than text (an
image, a field) are atoms (see ``inline``). The translated paragraph is written as copies of those
runs, so each piece keeps its formatting. The file is checked before it is opened: a damaged zip
is refused with the reason, and one that would unpack to more than the limit (a zip bomb) is
refused without being unpacked.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections import Counter
from typing import Any

from ..domain.errors import DocumentError
from ..domain.spans import without_markup
from .base import Notes, Parsed
from .inline import Unit, decode
from .package import Package

_TEXT_CHILDREN = frozenset({"rPr", "t", "tab", "br", "cr", "noBreakHyphen", "softHyphen", "lastRenderedPageBreak"})


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class Docx:
    name = "docx"
    extensions = (".docx",)
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    binary = True

    def __init__(self, max_unzipped_bytes: int = 200 * 1024 * 1024) -> None:
        self.max_unzipped_bytes = max_unzipped_bytes

    def read(self, data: bytes) -> Parsed:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        package = Package(data, "Word (.docx)", ["word/document.xml"], self.max_unzipped_bytes)
        try:
            document = docx.Document(io.BytesIO(data))
        except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
            raise DocumentError(f"The .docx file cannot be opened as a Word document: {exc}.") from exc
        paragraphs = _paragraphs(document)
        notes = _notes(document)
        paragraphs += [p for _, _, found in notes for p in found]
        edits = [_Paragraph(p) for p in paragraphs]
        edits = [e for e in edits if without_markup(e.unit.text).strip()]  # not a separator's lone marker

        def rebuild(texts: list[str], flags: Notes | None = None) -> bytes:
            changed: set[int] = set()
            for edit, translation in zip(edits, texts, strict=True):
                if translation != edit.unit.text:
                    edit.replace(translation)
                    changed.add(id(edit.paragraph._p.getroottree().getroot()))
            if flags and any(flags):
                commented = _comment(document, [e.paragraph for e in edits], flags)
                if commented:
                    changed.add(id(document.part.element))
                    _write_comment_parts(document, package)
            # only the parts a translation changed are serialised again; the zip keeps the rest
            for part in document.part.package.iter_parts():
                element = getattr(part, "_element", None)
                if element is not None and id(element) in changed:
                    package.replace(part.partname.lstrip("/"), part.blob)
            for part, root, _ in notes:
                if id(root) in changed:
                    package.replace(part.partname.lstrip("/"), _serialized(part.blob, root))
            return package.write()

        return Parsed([e.unit for e in edits], rebuild, rebuild)


def _comment(document: Any, paragraphs: list[Any], notes: Notes) -> int:
    """A Word comment (author "oversett") on each paragraph of the body with notes, saying what the
    checks found; how many were added. Paragraphs of headers, footers, notes and comments are not
    commented (Word does not anchor comments there)."""
    added = 0
    for paragraph, noted in zip(paragraphs, notes, strict=True):
        if noted and paragraph.part is document.part and paragraph.runs and not _inside_comment(paragraph):
            document.add_comment(paragraph.runs, text="\n".join(noted), author="oversett", initials="OS")
            added += 1
    return added


def _inside_comment(paragraph: Any) -> bool:
    return any(_local(a.tag) == "comment" for a in paragraph._p.iterancestors())


def _write_comment_parts(document: Any, package: Package) -> None:
    """The comments part, the document's relationships and the content types, as python-docx
    holds them once comments are added (the comments part may be new)."""
    from docx.opc.pkgwriter import _ContentTypesItem

    parts = list(document.part.package.iter_parts())
    for part in parts:
        if part.partname.endswith("/comments.xml"):
            package.replace(part.partname.lstrip("/"), part.blob)
    package.replace(document.part.partname.rels_uri.lstrip("/"), document.part.rels.xml)
    package.replace("[Content_Types].xml", _ContentTypesItem.from_parts(parts).blob)


def _paragraphs(document: Any) -> list[Any]:
    found: list[Any] = []
    seen: set[int] = set()

    def add(paragraphs: Any, tables: Any) -> None:
        for paragraph in paragraphs:
            if id(paragraph._p) not in seen:
                seen.add(id(paragraph._p))
                found.append(paragraph)
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    add(cell.paragraphs, cell.tables)

    add(document.paragraphs, document.tables)
    stories: list[Any] = [document._body]
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer,
                     section.even_page_header, section.even_page_footer):
            if not part.is_linked_to_previous:
                add(part.paragraphs, part.tables)
                stories.append(part)
    for story in stories:  # text boxes (shapes, and their VML fallbacks), which hold paragraphs of their own
        add(_text_box_paragraphs(story), [])
    if _has_comments(document):
        for comment in document.comments:
            add(comment.paragraphs, [])
    return found


def _notes(document: Any) -> list[tuple[Any, Any, list[Any]]]:
    """The footnotes and endnotes parts: (part, its parsed tree, its paragraphs)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    found = []
    for rel in document.part.rels.values():
        if rel.reltype in (RT.FOOTNOTES, RT.ENDNOTES) and not rel.is_external:
            root = parse_xml(rel.target_part.blob)
            found.append((rel.target_part, root, [Paragraph(p, None) for p in root.iter(qn("w:p"))]))
    return found


def _serialized(original: bytes, root: Any) -> bytes:
    from lxml import etree

    head = original[: original.find(b"?>") + 2] if original.lstrip().startswith(b"<?xml") else b""
    return head + (b"\n" if head else b"") + etree.tostring(root, encoding="UTF-8")


def _text_box_paragraphs(story: Any) -> list[Any]:
    from docx.text.paragraph import Paragraph

    root = story._element if hasattr(story, "_element") else story._body
    return [Paragraph(p, story) for p in root.xpath(".//w:txbxContent//w:p")]


def _has_comments(document: Any) -> bool:
    """Whether the file has comments (asking python-docx for them would add an empty part)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    return any(rel.reltype == RT.COMMENTS for rel in document.part.rels.values())


def _is_text_run(run: Any) -> bool:
    return all(_local(child.tag) in _TEXT_CHILDREN for child in run._r)


def _format_key(run: Any) -> bytes:
    from lxml import etree

    rpr = run._r.rPr
    return b"" if rpr is None else etree.tostring(rpr)


class _Paragraph:
    def __init__(self, paragraph: Any) -> None:
        from docx.text.hyperlink import Hyperlink

        self.paragraph = paragraph
        self.items = list(paragraph.iter_inner_content())
        self.unit = Unit()
        text_runs = [i for i in self.items if not isinstance(i, Hyperlink) and _is_text_run(i)]
        weights: Counter[bytes] = Counter()
        for run in text_runs:
            weights[_format_key(run)] += len(run.text)
        self.base_key = weights.most_common(1)[0][0] if weights else b""
        self.base_run = next((r._r for r in text_runs if _format_key(r) == self.base_key), None)
        open_pair: tuple[bytes, int] | None = None
        for item in self.items:
            if isinstance(item, Hyperlink):
                if open_pair:
                    self.unit.close(open_pair[1])
                    open_pair = None
                first = item.runs[0]._r if item.runs else None
                opening = self.unit.open(("link", item._hyperlink, first))
                self.unit.add_text(item.text)
                self.unit.close(opening)
                continue
            if not _is_text_run(item):
                if open_pair:
                    self.unit.close(open_pair[1])
                    open_pair = None
                self.unit.atom(("atom", item._r))
                continue
            key = _format_key(item)
            if open_pair and open_pair[0] != key:
                self.unit.close(open_pair[1])
                open_pair = None
            if key != self.base_key and open_pair is None:
                open_pair = (key, self.unit.open(("run", item._r)))
            self.unit.add_text(item.text)
        if open_pair:
            self.unit.close(open_pair[1])

    def replace(self, translation: str) -> None:
        from docx.oxml import OxmlElement
        from docx.text.run import Run

        if translation == self.unit.text:
            return
        p = self.paragraph._p
        old = [i._hyperlink if hasattr(i, "_hyperlink") else i._r for i in self.items]
        anchor = old[0]
        new: list[Any] = []
        link_shell: tuple[int, Any] | None = None
        for piece in decode(translation, self.unit):
            if piece.atom is not None:
                new.append(self.unit.payload[piece.atom][1])  # type: ignore[index]
                link_shell = None
                continue
            payload = self.unit.payload[piece.stack[-1]] if piece.stack else None
            kind = payload[0] if payload else "base"  # type: ignore[index]
            template = self.base_run if kind == "base" else payload[-1] if kind == "link" else payload[1]  # type: ignore[index]
            run = copy.deepcopy(template) if template is not None else OxmlElement("w:r")
            Run(run, self.paragraph).text = piece.text
            if kind == "link":
                if link_shell is None or link_shell[0] != piece.stack[-1]:
                    shell = copy.deepcopy(payload[1])  # type: ignore[index]
                    for child in list(shell):
                        shell.remove(child)
                    link_shell = (piece.stack[-1], shell)
                    new.append(shell)
                link_shell[1].append(run)
            else:
                link_shell = None
                new.append(run)
        sentinel = OxmlElement("w:r")
        anchor.addprevious(sentinel)
        kept = {id(e) for e in new}
        for element in old:
            if id(element) not in kept and element.getparent() is not None:
                element.getparent().remove(element)
        for element in new:
            sentinel.addprevious(element)
        p.remove(sentinel)
