"""Paragraphs made of formatted runs, as Office Open XML writes them: DrawingML's ``<a:p>`` (slides,
notes, charts, shapes in any file), and SpreadsheetML's rich strings (``<si>``, comment text).

A paragraph is one unit. The formatting most of its text has is the base; runs with other
formatting (bold, a colour, a hyperlink, which DrawingML keeps in the run's properties) are marker
pairs, and anything that is not a plain text run (a line break, a field such as the slide number,
a drawing) is an atom (see ``inline``). The translation is written as copies of those runs, so
each piece keeps its formatting; properties of the paragraph itself are never touched.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..domain.spans import without_markup
from .inline import Unit, decode
from .package import local

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass(frozen=True)
class Dialect:
    """How one XML vocabulary writes runs."""

    ns: str
    kept: frozenset[str]  # children of a paragraph that are properties, not content
    text_children: frozenset[str] = frozenset({"rPr", "t"})
    preserve_space: bool = False  # write xml:space="preserve" on text with outer spaces

    def tag(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"


DRAWING = Dialect("http://schemas.openxmlformats.org/drawingml/2006/main", frozenset({"pPr", "endParaRPr"}))
SHEET = Dialect(
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main", frozenset({"rPh", "phoneticPr"}), preserve_space=True
)


def _key(run: Any, dialect: Dialect) -> bytes:
    from lxml import etree

    props = run.find(dialect.tag("rPr"))
    return b"" if props is None else etree.tostring(props)


class RunParagraph:
    """One paragraph element (``a:p``, ``si`` …) as a unit, and the way to write its
    translation back."""

    def __init__(self, element: Any, dialect: Dialect) -> None:
        self.element = element
        self.dialect = dialect
        self.unit = Unit()
        self.items = [c for c in element if local(c.tag) not in dialect.kept]
        plain = element.find(dialect.tag("t"))
        self.plain = plain if plain is not None and len(self.items) == 1 else None  # <si><t>…</t></si>
        if self.plain is not None:
            self.unit.add_text(self.plain.text or "")
            return
        text_runs = [i for i in self.items if self._is_text_run(i)]
        weights: Counter[bytes] = Counter()
        for run in text_runs:
            weights[_key(run, dialect)] += len(self._text(run))
        self.base_key = weights.most_common(1)[0][0] if weights else b""
        self.base_run = next((r for r in text_runs if _key(r, dialect) == self.base_key), None)
        open_pair: tuple[bytes, int] | None = None
        for item in self.items:
            if not self._is_text_run(item):
                if open_pair:
                    self.unit.close(open_pair[1])
                    open_pair = None
                self.unit.atom(item)
                continue
            key = _key(item, dialect)
            if open_pair and open_pair[0] != key:
                self.unit.close(open_pair[1])
                open_pair = None
            if key != self.base_key and open_pair is None:
                open_pair = (key, self.unit.open(item))
            self.unit.add_text(self._text(item))
        if open_pair:
            self.unit.close(open_pair[1])

    def _is_text_run(self, item: Any) -> bool:
        return (
            local(item.tag) == "r"
            and item.find(self.dialect.tag("t")) is not None
            and all(local(c.tag) in self.dialect.text_children for c in item)
        )

    def _text(self, run: Any) -> str:
        parts = []
        for child in run:
            name = local(child.tag)
            if name == "t":
                parts.append(child.text or "")
            elif name == "tab":
                parts.append("\t")
            elif name in ("br", "cr"):
                parts.append("\n")
            elif name == "noBreakHyphen":
                parts.append("\u2011")
        return "".join(parts)

    def _set_text(self, t: Any, text: str) -> None:
        t.text = text
        if self.dialect.preserve_space:
            if text != text.strip():
                t.set(XML_SPACE, "preserve")
            elif XML_SPACE in t.attrib:
                del t.attrib[XML_SPACE]

    def _run_with(self, template: Any, text: str) -> Any:
        from lxml import etree

        if template is None:
            run = etree.Element(self.dialect.tag("r"))
        else:
            run = copy.deepcopy(template)
            for child in list(run):
                if local(child.tag) != "rPr":
                    run.remove(child)
        t = etree.SubElement(run, self.dialect.tag("t"))
        self._set_text(t, text)
        return run

    def replace(self, translation: str) -> None:
        if translation == self.unit.text:
            return
        if self.plain is not None:
            self._set_text(self.plain, translation)
            return
        new: list[Any] = []
        made: set[int] = set()
        for piece in decode(translation, self.unit):
            if piece.atom is not None:
                new.append(self.unit.payload[piece.atom])
                continue
            template = self.unit.payload[piece.stack[-1]] if piece.stack else self.base_run
            if piece.text.isspace() and new and id(new[-1]) in made:
                text = new[-1].find(self.dialect.tag("t"))  # a space between runs joins the run before it
                self._set_text(text, text.text + piece.text)
            elif piece.text:
                new.append(self._run_with(template, piece.text))
                made.add(id(new[-1]))
        anchor = self.items[0]
        position = self.element.index(anchor)
        kept = {id(e) for e in new}
        for item in self.items:
            if id(item) not in kept:
                self.element.remove(item)
        for offset, element in enumerate(new):
            if element.getparent() is not None:
                self.element.remove(element)
            self.element.insert(position + offset, element)


def paragraphs(root: Any, dialect: Dialect, tag: str = "p") -> list[RunParagraph]:
    """Every paragraph under ``root`` that has letters to translate, in document order."""
    found = [RunParagraph(p, dialect) for p in root.iter(dialect.tag(tag))]
    return [p for p in found if has_words(p.unit.text)]


def has_words(text: str) -> bool:
    """Whether a unit has letters outside its markers (a slide number alone has none)."""
    return any(c.isalpha() for c in without_markup(text))
