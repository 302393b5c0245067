"""HTML (.html, .htm), read with BeautifulSoup (Python's html.parser, which keeps comments,
doctype, attribute order and the source's whitespace). Translated: text, and the ``alt``,
``title``, ``placeholder`` and ``aria-label`` attributes. Untouched: ``script``, ``style``,
``code``, ``pre``, ``kbd``, ``samp``, ``textarea``, ``template``, ``svg``, ``math`` and anything
under ``translate="no"``. ``<html lang>`` becomes ``en``.

A run of text and inline elements (``<b>``, ``<a href>``, ``<em>``, …) between block boundaries is
one unit; its inline elements are marker pairs and its ``<br>``, ``<img>``, ``<code>`` … atoms
(see ``inline`` for where the markup goes when the model does not keep the markers). The rebuilt
run uses shallow copies of the same inline elements, attributes in the same order.

A file whose tags do not close (``<div>`` never closed, a tag cut off at the end) is refused
with the line of the problem: html.parser would silently guess, and the guess may be wrong.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from html import escape
from html.parser import HTMLParser

from bs4 import (
    BeautifulSoup,
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    ProcessingInstruction,
    Tag,
)
from bs4.dammit import EntitySubstitution
from bs4.formatter import HTMLFormatter, XMLFormatter

from ..domain.errors import DocumentError
from .base import Notes, Parsed, target_language
from .html_source import SourceMap, parse_with_source, text_of, with_attributes
from .inline import Piece, Unit, decode

TRANSLATED_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
MARK_CLASS = "oversett-flagged"  # a run the checks flagged, marked on request
UNTOUCHED = frozenset({"script", "style", "code", "pre", "kbd", "samp", "textarea", "template", "svg", "math", "noscript"})
INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "data", "dfn", "em", "i", "mark", "q", "s", "small", "span",
    "strong", "sub", "sup", "time", "u", "font", "label", "del", "ins",
})
ATOMS = frozenset({"br", "img", "wbr", "input", "button", "select", "code", "kbd", "samp", "var", "svg", "math", "object", "video", "audio", "iframe"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"})
# Elements whose end tag HTML lets you leave out.
OPTIONAL_END = frozenset({"html", "head", "body", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot",
                          "option", "optgroup", "colgroup", "caption", "rb", "rt", "rtc", "rp"})
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


class Html:
    name = "html"
    extensions = (".html", ".htm")
    media_type = "text/html; charset=utf-8"
    binary = False

    def read(self, data: bytes) -> Parsed:
        soup, source = parse_with_source(data, preserve_whitespace_tags=_Everything())
        encoding = soup.original_encoding or "utf-8"
        if encoding.lower() in ("ascii", "us-ascii"):  # UTF-8 writes ASCII the same, and every translation too
            encoding = "utf-8"
        _check_closed(data.decode(encoding, "replace"))
        if source is None:  # not matched up with its source: written through BeautifulSoup
            return _parsed(soup, lambda: soup.encode("utf-8", formatter=_formatter()))
        bom = data[:3] == b"\xef\xbb\xbf" and not source.text.startswith("\ufeff")
        return _parsed(soup, lambda: b"", source=source, encoding=encoding, bom=bom)


class Xhtml:
    """XHTML (.xhtml), as EPUB chapters are written: the same units as HTML, parsed and written as
    XML (case and namespaces kept, empty elements as ``<br/>``, no entities XML does not know)."""

    name = "xhtml"
    extensions = (".xhtml",)
    media_type = "application/xhtml+xml"
    binary = False

    def read(self, data: bytes) -> Parsed:
        from lxml import etree

        try:
            etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            raise DocumentError(f"The XHTML is broken (it is not well-formed XML): {exc}.") from exc
        soup = BeautifulSoup(data, "xml", preserve_whitespace_tags=_Everything())
        formatter = XMLFormatter(entity_substitution=EntitySubstitution.substitute_xml)
        formatter.attributes = lambda tag: list(tag.attrs.items())  # type: ignore[method-assign]
        return _parsed(soup, lambda: soup.encode("utf-8", formatter=formatter), xml=True)


def _parsed(
    soup: BeautifulSoup, encode: Callable[[], bytes], xml: bool = False, source: SourceMap | None = None,
    encoding: str = "utf-8", bom: bool = False,
) -> Parsed:
    runs: list[_Run] = []
    attributes: list[tuple[Tag, str]] = []
    _collect(soup, runs, attributes)
    units = [run.unit for run in runs]
    for tag, name in attributes:
        unit = Unit()
        unit.add_text(str(tag[name]))
        units.append(unit)

    def rebuild(texts: list[str], notes: Notes | None = None) -> bytes:
        if source is not None:
            written = _rebuilt_source(soup, source, runs, attributes, texts, notes)
            return (b"\xef\xbb\xbf" if bom else b"") + written.encode(encoding, "xmlcharrefreplace")
        # attributes first: a run's rebuilt inline elements are copies of the originals
        for (tag, name), translation in zip(attributes, texts[len(runs) :], strict=True):
            tag[name] = translation
        for index, (run, translation) in enumerate(zip(runs, texts, strict=False)):
            run.replace(translation)
            if notes and notes[index]:
                run.mark(soup, "\n".join(notes[index]))
        root = soup.find("html")
        if isinstance(root, Tag):
            for name in ("lang", "xml:lang") if xml else ("lang",):
                if root.has_attr(name):
                    root[name] = target_language()
        return bytes(encode())

    return Parsed(units, rebuild, rebuild)


def _rebuilt_source(
    soup: BeautifulSoup, source: SourceMap, runs: list[_Run], attributes: list[tuple[Tag, str]], texts: list[str],
    notes: Notes | None = None,
) -> str:
    """The source with the changed runs and attributes (and ``<html lang>``) replaced, every other
    character as it was."""
    values: dict[int, dict[str, str]] = {}
    tags: dict[int, Tag] = {}
    for (tag, name), translation in zip(attributes, texts[len(runs) :], strict=True):
        if translation != str(tag[name]):
            values.setdefault(id(tag), {})[name] = translation
            tags[id(tag)] = tag
    root = soup.find("html")
    if isinstance(root, Tag) and root.has_attr("lang") and root["lang"] != target_language():
        values.setdefault(id(root), {})["lang"] = target_language()
        tags[id(root)] = root
    attribute_edits = [(*source.start_tags[key], with_attributes(source.start_tag(tags[key]), edit)) for key, edit in values.items()]
    edits: list[tuple[int, int, str]] = []
    for index, (run, translation) in enumerate(zip(runs, texts, strict=False)):
        noted = notes[index] if notes else ()
        if translation == run.unit.text and not noted:
            continue
        start, end = source.span(run.nodes[0])[0], source.span(run.nodes[-1])[1]
        inside = [e for e in attribute_edits if start <= e[0] and e[1] <= end]
        written = run.from_source(translation, source, inside) if translation != run.unit.text else _spliced(source.text, start, end, inside)
        edits.append((start, end, marked(written, noted) if noted else written))
    edits += [e for e in attribute_edits if not any(s <= e[0] and e[1] <= t for s, t, _ in edits)]
    return _spliced(source.text, 0, len(source.text), edits)


def marked(html_text: str, notes: tuple[str, ...]) -> str:
    """HTML enclosed in a highlight whose title (shown on hover) says what the checks found."""
    return f'<mark class="{MARK_CLASS}" title="{escape(chr(10).join(notes), quote=True)}">{html_text}</mark>'


def _spliced(text: str, start: int, end: int, edits: list[tuple[int, int, str]]) -> str:
    """``text[start:end]`` with the edits that fall inside it applied (they do not overlap)."""
    out, position = [], start
    for edit_start, edit_end, replacement in sorted(e for e in edits if start <= e[0] and e[1] <= end):
        out += [text[position:edit_start], replacement]
        position = edit_end
    out.append(text[position:end])
    return "".join(out)


class _Everything(frozenset):  # type: ignore[type-arg]
    """Every tag keeps its whitespace (html.parser's tree builder would squeeze it to one newline)."""

    def __contains__(self, item: object) -> bool:
        return True


def _formatter() -> HTMLFormatter:
    """Attributes in their order, void elements as HTML writes them (``<br>``), only &, <, >
    and the no-break space as entities."""
    formatter = HTMLFormatter(
        entity_substitution=lambda s: EntitySubstitution.substitute_xml(s).replace("\xa0", "&nbsp;"),
        void_element_close_prefix="", empty_attributes_are_booleans=False,
    )
    formatter.attributes = lambda tag: list(tag.attrs.items())  # type: ignore[method-assign]
    return formatter


class _Run:
    """Consecutive text and inline nodes of one parent: one unit."""

    def __init__(self, parent: Tag, nodes: list[NavigableString | Tag]) -> None:
        self.parent = parent
        self.nodes = nodes
        self.unit = Unit()
        self.lead = ""
        self.trail = ""
        self._encode_nodes(nodes)
        text = self.unit.text
        stripped = text.strip()
        self.lead = text[: len(text) - len(text.lstrip())]
        self.trail = text[len(text.rstrip()) :]
        self.unit.text = stripped

    def _encode_nodes(self, nodes: list[NavigableString | Tag]) -> None:
        for node in nodes:
            if isinstance(node, _SKIPPED_STRINGS):
                self.unit.atom(node)
            elif isinstance(node, NavigableString):
                self.unit.add_text(str(node))
            elif node.name in ATOMS or _untouched(node) or node.name not in INLINE:
                self.unit.atom(node)
            else:
                opening = self.unit.open(node)
                self._encode_nodes(list(node.children))
                self.unit.close(opening)

    def pieces(self, translation: str) -> list[Piece]:
        """The translation's text and markup, with the run's outer whitespace put back."""
        pieces = decode(translation, self.unit)
        if pieces and not pieces[0].atom and self.lead:
            pieces[0] = Piece(self.lead + pieces[0].text, pieces[0].stack)
        elif self.lead:
            pieces.insert(0, Piece(self.lead))
        if pieces and not pieces[-1].atom and self.trail:
            pieces[-1] = Piece(pieces[-1].text + self.trail, pieces[-1].stack)
        elif self.trail:
            pieces.append(Piece(self.trail))
        return pieces

    def from_source(self, translation: str, source: SourceMap, edits: list[tuple[int, int, str]]) -> str:
        """The translated run as HTML: its inline elements' tags and its atoms as the source writes
        them (with ``edits``, their translated attributes), the new text escaped."""
        out: list[str] = []
        stack: list[int] = []
        for piece in self.pieces(translation):
            common = 0
            while common < min(len(stack), len(piece.stack)) and stack[common] == piece.stack[common]:
                common += 1
            out += [source.end_tag(self._tag(key)) for key in reversed(stack[common:])]
            out += [_spliced(source.text, *source.start_tags[id(self._tag(key))], edits) for key in piece.stack[common:]]
            stack = list(piece.stack)
            if piece.atom is not None:
                out.append(_spliced(source.text, *source.span(self.unit.payload[piece.atom]), edits))  # type: ignore[arg-type]
            else:
                out.append(text_of(piece.text))
        out += [source.end_tag(self._tag(key)) for key in reversed(stack)]
        return "".join(out)

    def _tag(self, key: int) -> Tag:
        tag = self.unit.payload[key]
        assert isinstance(tag, Tag)
        return tag

    def mark(self, soup: BeautifulSoup, note: str) -> None:
        """Enclose the run in a highlight whose title says why (``<mark title>``)."""
        wrapper = soup.new_tag("mark", attrs={"class": MARK_CLASS, "title": note})
        self.nodes[0].insert_before(wrapper)
        for node in self.nodes:
            wrapper.append(node.extract())
        self.nodes = [wrapper]

    def replace(self, translation: str) -> None:
        """Put the translated run where the old one was (in the tree, for XHTML)."""
        if translation == self.unit.text:
            return
        anchor = self.nodes[0]
        marker = NavigableString("")
        anchor.insert_before(marker)
        for node in self.nodes:
            node.extract()
        built: list[NavigableString | Tag] = []
        pieces = self.pieces(translation)
        open_copies: dict[tuple[int, ...], Tag] = {}
        for piece in pieces:
            node: NavigableString | Tag = (
                self.unit.payload[piece.atom] if piece.atom is not None else NavigableString(piece.text)  # type: ignore[assignment]
            )
            parent: Tag | None = None
            for depth in range(1, len(piece.stack) + 1):
                key = piece.stack[:depth]
                if key not in open_copies:
                    original = self.unit.payload[key[-1]]
                    assert isinstance(original, Tag)
                    shell = copy.copy(original)
                    shell.clear()
                    open_copies[key] = shell
                    (parent.append(shell) if parent is not None else built.append(shell))
                parent = open_copies[key]
            # a new element when the stack changed: forget copies not on this piece's stack
            for key in [k for k in open_copies if k != piece.stack[: len(k)]]:
                del open_copies[key]
            (parent.append(node) if parent is not None else built.append(node))
        for node in built:
            marker.insert_before(node)
        marker.extract()
        self.nodes = built or self.nodes


def _untouched(tag: Tag) -> bool:
    return tag.name in UNTOUCHED or str(tag.get("translate", "")).lower() == "no"


def _collect(tag: Tag, runs: list[_Run], attributes: list[tuple[Tag, str]]) -> None:
    if tag.name != "[document]" and _untouched(tag):
        return
    for name in TRANSLATED_ATTRIBUTES:
        if tag.has_attr(name) and any(c.isalpha() for c in str(tag[name])):
            attributes.append((tag, name))
    current: list[NavigableString | Tag] = []

    def flush() -> None:
        if any(isinstance(n, NavigableString) and not isinstance(n, _SKIPPED_STRINGS) and n.strip() or
               isinstance(n, Tag) and n.name in INLINE and not _untouched(n) and n.get_text().strip() for n in current):
            runs.append(_Run(tag, list(current)))
        current.clear()

    for child in list(tag.children):
        if isinstance(child, _SKIPPED_STRINGS):
            current.append(child)
        elif isinstance(child, NavigableString):
            current.append(child)
        elif child.name in INLINE and not _untouched(child) and not _has_block(child):
            current.append(child)
            _attributes_within(child, attributes)
        elif child.name in ATOMS and current:
            current.append(child)
            _attributes_within(child, attributes)
        else:
            flush()
            _collect(child, runs, attributes)
    flush()


def _attributes_within(tag: Tag, attributes: list[tuple[Tag, str]]) -> None:
    """Translated attributes of an inline element and its descendants (kept with the element)."""
    for element in [tag, *tag.find_all(True)]:
        if _untouched(element):
            continue
        for name in TRANSLATED_ATTRIBUTES:
            if element.has_attr(name) and any(c.isalpha() for c in str(element[name])):
                attributes.append((element, name))


def _has_block(tag: Tag) -> bool:
    return any(d.name not in INLINE and d.name not in ATOMS for d in tag.find_all(True))


class _Closing(HTMLParser):
    """Finds elements that are opened and never closed (leaving out optional end tags is fine)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.open.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return None

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                unclosed = [t for t in self.open[index + 1 :] if t[0] not in OPTIONAL_END]
                if unclosed:
                    name, line = unclosed[-1]
                    raise DocumentError(
                        f"The HTML is broken: <{name}> opened on line {line} is not closed before </{tag}> "
                        f"on line {self.getpos()[0]}."
                    )
                del self.open[index:]
                return


def _check_closed(text: str) -> None:
    parser = _Closing()
    parser.feed(text)
    rest = parser.rawdata[parser.rawdata.rfind("<") :] if "<" in parser.rawdata else ""
    if rest.strip():
        line = text.count("\n", 0, len(text) - len(rest)) + 1
        raise DocumentError(f"The HTML is broken: the file ends inside a tag ('{rest[:40].strip()}…', line {line}).")
    unclosed = [t for t in parser.open if t[0] not in OPTIONAL_END]
    if unclosed:
        name, line = unclosed[-1]
        raise DocumentError(f"The HTML is broken: <{name}> opened on line {line} is never closed.")
