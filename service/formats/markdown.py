"""Markdown (.md): markdown-it-py finds the blocks and their source lines; the text of headings,
paragraphs, list items, block quotes and table cells is translated in place, and everything else
(code fences and indented code, HTML blocks, front matter, link reference definitions, the list
and quote markers, table rules) is left byte for byte.

Inside a block, inline code, images, autolinks and inline HTML are atoms (kept verbatim), and
emphasis and link texts are marker pairs (see ``inline``); a link's destination and title stay
with its closing bracket. When markdown-it-py reads the inline markup differently from this
module (unusual emphasis), only the atoms are protected and the rest is text. A paragraph over
several lines keeps its line count: the translation is shared out over the lines by length.
"""

from __future__ import annotations

import re
from html import escape

from markdown_it import MarkdownIt

from .base import Notes, Parsed, decode_text, encode_text
from .inline import Unit, share_words, substitute

_INLINE = re.compile(
    r"(?P<escape>\\[!-/:-@\[-`{-~])"
    r"|(?P<code>(?P<ticks>`+)(?:(?!(?P=ticks)).)+?(?P=ticks))"
    r"|(?P<image>!\[[^\]]*\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\))"
    r"|(?P<autolink><(?:[a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^<>\s]*|[^<>@\s]+@[^<>@\s]+)>)"
    r"|(?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->)"
    r"|(?P<close>\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)|\]\[[^\]]*\])"
    r"|(?P<open>\[)"
    r"|(?P<emphasis>\*{1,3}|_{1,3})"
)


class Markdown:
    name = "md"
    extensions = (".md", ".markdown")
    media_type = "text/markdown; charset=utf-8"
    binary = False

    def read(self, data: bytes) -> Parsed:
        text, bom = decode_text(data, ".md")
        lines = text.splitlines(keepends=True)
        front = _front_matter(lines)
        source = "".join("\n" if i < front else line for i, line in enumerate(lines))
        parser = MarkdownIt("commonmark").enable("table")
        units: list[Unit] = []
        slots: list[list[tuple[int, int, int]]] = []
        cursor: dict[int, int] = {}
        for token in parser.parse(source):
            if token.type != "inline" or token.map is None or not token.content.strip():
                continue
            found = _slots(token.content, token.map[0], lines, cursor)
            if not found:
                continue
            expected = _counts(token.children or [])
            unit = _encode([lines[n][a:b] for n, a, b in found], expected)
            units.append(unit)
            slots.append(found)

        def rebuild(texts: list[str], notes: Notes | None = None) -> bytes:
            out = list(lines)
            edits: dict[int, list[tuple[int, int, str]]] = {}
            for index, (unit, where, translation) in enumerate(zip(units, slots, texts, strict=True)):
                noted = notes[index] if notes else ()
                if translation == unit.text and not noted:
                    continue
                raw = [lines[n][a:b] for n, a, b in where]
                if translation == unit.text:
                    pieces = raw
                else:
                    words = translation.split()
                    counts = share_words(words, [len(r) for r in raw])
                    pieces, at = [], 0
                    for count in counts:
                        pieces.append(substitute(" ".join(words[at : at + count]), unit).strip())
                        at += count
                if noted:  # inline HTML, which CommonMark passes through: a highlight with the reason
                    title = escape("\n".join(noted), quote=True)
                    pieces[0] = f'<mark class="oversett-flagged" title="{title}">{pieces[0]}'
                    pieces[-1] = f"{pieces[-1]}</mark>"
                for (n, a, b), mine in zip(where, pieces, strict=True):
                    edits.setdefault(n, []).append((a, b, mine))
            for n, changes in edits.items():
                line = out[n]
                for a, b, new in sorted(changes, reverse=True):
                    line = line[:a] + new + line[b:]
                out[n] = line
            return encode_text("".join(out), bom)

        return Parsed(units, rebuild, rebuild)


def _front_matter(lines: list[str]) -> int:
    """How many lines a YAML front matter block (--- … --- at the very top) takes."""
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].strip() in {"---", "..."}:
            return index + 1
    return 0


def _slots(content: str, first_line: int, lines: list[str], cursor: dict[int, int]) -> list[tuple[int, int, int]]:
    """Where each line of an inline token's content stands in the source: (line, start, end)."""
    found = []
    for offset, piece in enumerate(content.split("\n")):
        number = first_line + offset
        if not piece.strip():
            continue
        if number >= len(lines):
            return []
        at = lines[number].find(piece, cursor.get(number, 0))
        if at < 0:
            return []
        cursor[number] = at + len(piece)
        found.append((number, at, at + len(piece)))
    return found


def _counts(children: list) -> dict[str, int]:  # type: ignore[type-arg]
    types = [c.type for c in children]
    return {
        "emphasis": types.count("strong_open") + types.count("em_open"),
        "link": types.count("link_open"),
    }


def _encode(raws: list[str], expected: dict[str, int]) -> Unit:
    unit = _encode_with(raws, pairs=True)
    if _pairs_found(unit) == expected:
        return unit
    return _encode_with(raws, pairs=False)  # read differently from markdown-it-py: atoms only


def _pairs_found(unit: Unit) -> dict[str, int]:
    kinds = [unit.payload[m] for m in unit.closes]
    return {
        "emphasis": sum(1 for k in kinds if str(k)[:1] in "*_"),
        "link": sum(1 for k in kinds if k == "["),
    }


def _encode_with(raws: list[str], *, pairs: bool) -> Unit:
    unit = Unit()
    stack: list[tuple[str, int]] = []
    for index, raw in enumerate(raws):
        if index:
            unit.add_text(" ")
        position = 0
        for match in _INLINE.finditer(raw):
            kind = "code" if match.group("code") else match.lastgroup
            token = match.group()
            before, after = raw[match.start() - 1 : match.start()], raw[match.end() : match.end() + 1]
            if kind == "escape" or (kind in {"open", "close", "emphasis"} and not pairs):
                continue
            unit.add_text(raw[position : match.start()])
            position = match.end()
            if kind in {"code", "image", "autolink", "html"}:
                unit.atom(token)
            elif kind == "open":
                stack.append(("[", unit.open("[")))
            elif kind == "close":
                if stack and stack[-1][0] == "[":
                    unit.close(stack.pop()[1], token)
                else:
                    unit.add_text(token)
            else:  # emphasis: opens when followed by a word, closes the same run when after one
                closing = bool(stack) and stack[-1][0] == token and before.strip() != ""
                opening = after.strip() != "" and not (token[0] == "_" and before.isalnum())
                if closing:
                    unit.close(stack.pop()[1], token)
                elif opening:
                    stack.append((token, unit.open(token)))
                else:
                    unit.add_text(token)
        unit.add_text(raw[position:])
    for _, opening in stack:  # never closed: the markup was text after all
        unit.text = unit.text.replace(f"QY{opening} ", str(unit.payload[opening]), 1)
        del unit.payload[opening]
    return unit
