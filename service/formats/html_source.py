"""Where each node of an HTML file stands in its source text, so that a translated file is the
source with only its translated text and attributes replaced: the doctype, entities, attribute
quoting, ``<br/>`` or ``<br>``, upper-case tags and whitespace inside tags stay as they were, and an
identity translation gives the file's bytes back.

BeautifulSoup (html.parser) builds the tree as before; a thin subclass of its parser notes where
each parser event begins. An event ends where the next begins, so every start tag, end tag, run of
text (text and the entities in it) and comment gets its exact span. They are matched to the tree's
nodes in document order and checked against the source; if anything does not line up, there is no
``SourceMap`` and the caller writes the file through BeautifulSoup as before.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.builder import HTMLParserTreeBuilder, ParserRejectedMarkup
from bs4.builder._htmlparser import BeautifulSoupHTMLParser

_ATTRIBUTE = re.compile(r"""([^\s/>=][^\s/>=]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")
_TAG_NAME = re.compile(r"<\s*[^\s/>]+")


@dataclass
class _Event:
    start: int
    kind: str  # start, end, data, other
    raw_start_tag: str = ""
    closes: Tag | None = None
    end: int = 0


class _Recorder(BeautifulSoupHTMLParser):
    """bs4's html.parser front end, noting where each event of the source begins (events that
    bs4 makes up itself, such as the end of a void element, are not in the source)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.events: list[tuple[int, int, _Event]] = []
        self._inner = 0

    def _note(self, kind: str, **extra: Any) -> None:
        if not self._inner:
            line, column = self.getpos()
            self.events.append((line, column, _Event(0, kind, **extra)))

    def _within(self, method: Any, *args: Any) -> None:
        self._inner += 1
        try:
            method(*args)
        finally:
            self._inner -= 1

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        self._note("start", raw_start_tag=self.get_starttag_text() or "")
        self._within(super().handle_startendtag, tag, attrs)

    def handle_starttag(self, tag: str, attrs: Any, handle_empty_element: bool = True) -> None:
        self._note("start", raw_start_tag=self.get_starttag_text() or "")
        self._within(super().handle_starttag, tag, attrs, handle_empty_element)

    def handle_endtag(self, tag: str, check_already_closed: bool = True) -> None:
        if not self._inner:
            redundant = check_already_closed and tag in self.already_closed_empty_element
            open_tags = [t for t in self.soup.tagStack[1:] if t.name == tag]
            self._note("end", closes=None if redundant or not open_tags else open_tags[-1])
        self._within(super().handle_endtag, tag, check_already_closed)

    def handle_data(self, data: str) -> None:
        self._note("data")
        self._within(super().handle_data, data)

    def handle_charref(self, name: str) -> None:
        self._note("data")
        self._within(super().handle_charref, name)

    def handle_entityref(self, name: str) -> None:
        self._note("data")
        self._within(super().handle_entityref, name)

    def handle_comment(self, data: str) -> None:
        self._note("other")
        self._within(super().handle_comment, data)

    def handle_decl(self, decl: str) -> None:
        self._note("other")
        self._within(super().handle_decl, decl)

    def unknown_decl(self, data: str) -> None:
        self._note("other")
        self._within(super().unknown_decl, data)

    def handle_pi(self, data: str) -> None:
        self._note("other")
        self._within(super().handle_pi, data)


class _RecordingBuilder(HTMLParserTreeBuilder):
    """html.parser's tree builder, keeping the text it was fed and the events' positions."""

    markup: str = ""
    events: list[tuple[int, int, _Event]]

    def feed(self, markup: Any) -> None:  # as HTMLParserTreeBuilder.feed, with the recording parser
        assert isinstance(markup, str) and self.soup is not None
        args, kwargs = self.parser_args
        parser = _Recorder(self.soup, *args, **kwargs)
        try:
            parser.feed(markup)
            parser.close()
        except AssertionError as exc:
            raise ParserRejectedMarkup(exc) from exc
        parser.already_closed_empty_element = []
        self.markup = markup
        self.events = parser.events


@dataclass
class SourceMap:
    """The source text, and the span of every node of its tree."""

    text: str
    start_tags: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(tag) → span
    end_tags: dict[int, tuple[int, int]] = field(default_factory=dict)
    strings: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(string) → span

    def span(self, node: Tag | NavigableString) -> tuple[int, int]:
        """Where the node stands, its end tag and content included."""
        if isinstance(node, Tag):
            start, end = self.start_tags[id(node)]
            if id(node) in self.end_tags:
                return start, self.end_tags[id(node)][1]
            last = node.contents[-1] if node.contents else None
            return start, self.span(last)[1] if last is not None else end
        return self.strings[id(node)]

    def start_tag(self, tag: Tag) -> str:
        start, end = self.start_tags[id(tag)]
        return self.text[start:end]

    def end_tag(self, tag: Tag) -> str:
        span = self.end_tags.get(id(tag))
        return self.text[span[0]:span[1]] if span else ""


def parse_with_source(data: bytes, **builder_options: Any) -> tuple[BeautifulSoup, SourceMap | None]:
    """The soup of an HTML file, and where its nodes stand in the decoded source (None if the two
    cannot be matched up)."""
    builder = _RecordingBuilder(**builder_options)
    soup = BeautifulSoup(data, builder=builder)
    return soup, _source_map(soup, builder)


def _source_map(soup: BeautifulSoup, builder: _RecordingBuilder) -> SourceMap | None:
    text = builder.markup
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    events = [event for _, _, event in builder.events]
    for (line, column, event) in builder.events:
        event.start = line_starts[line - 1] + column if line - 1 < len(line_starts) else len(text)
    for event, following in zip(events, events[1:] + [None], strict=True):
        event.end = following.start if following is not None else len(text)
    source = SourceMap(text)
    tags = [t for t in soup.descendants if isinstance(t, Tag)]
    starts = [e for e in events if e.kind == "start"]
    if len(tags) != len(starts):
        return None
    for tag, event in zip(tags, starts, strict=True):
        raw = text[event.start:event.start + len(event.raw_start_tag)]
        if raw != event.raw_start_tag or (tag.sourceline, tag.sourcepos) != _position(line_starts, event.start):
            return None
        source.start_tags[id(tag)] = (event.start, event.start + len(raw))
    for event in events:
        if event.kind == "end" and event.closes is not None and id(event.closes) in source.start_tags:
            source.end_tags[id(event.closes)] = (event.start, event.end)
    strings = [s for s in soup.descendants if isinstance(s, NavigableString)]
    runs = _string_events(events)
    if len(strings) != len(runs):
        return None
    for string, (start, end) in zip(strings, runs, strict=True):
        source.strings[id(string)] = (start, end)
    return source


def _position(line_starts: list[int], offset: int) -> tuple[int, int]:
    line = max(i for i, start in enumerate(line_starts) if start <= offset)
    return line + 1, offset - line_starts[line]


def _string_events(events: list[_Event]) -> list[tuple[int, int]]:
    """The spans that become strings: each run of consecutive data events, and each comment,
    doctype, declaration or processing instruction."""
    spans: list[tuple[int, int]] = []
    previous = ""
    for event in events:
        if event.kind == "data" and previous == "data":
            spans[-1] = (spans[-1][0], event.end)
        elif event.kind in ("data", "other"):
            spans.append((event.start, event.end))
        previous = event.kind
    return spans


def with_attributes(start_tag: str, values: dict[str, str]) -> str:
    """A start tag as written in the source, with the given attributes' values replaced (their
    quotes kept; an unquoted value is quoted)."""
    if not values:
        return start_tag
    wanted = {name.lower(): value for name, value in values.items()}
    name_end = _TAG_NAME.match(start_tag)
    position = name_end.end() if name_end else 1
    found: dict[str, re.Match[str]] = {}
    for match in _ATTRIBUTE.finditer(start_tag, position):
        if match.group(1).lower() in wanted and match.group(2) is not None:
            found[match.group(1).lower()] = match  # the last of a repeated attribute, as bs4 takes it
    edits = sorted(((m.span(2), wanted[name]) for name, m in found.items()), reverse=True)
    for (start, end), value in edits:
        quote = start_tag[start] if start_tag[start] in "\"'" else '"'
        escaped = html.escape(value, quote=False).replace(quote, "&quot;" if quote == '"' else "&#39;")
        start_tag = start_tag[:start] + quote + escaped + quote + start_tag[end:]
    return start_tag


def text_of(value: str) -> str:
    """Translated text as HTML: &, < and > escaped, a no-break space written as &nbsp;."""
    return html.escape(value, quote=False).replace("\xa0", "&nbsp;")
