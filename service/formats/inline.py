"""Inline markup inside a translatable unit (bold, a link, inline code, an image in a sentence):
each piece of markup becomes a marker, ``QY1``, ``QY2``, … that the translation model copies
through like a name, so the markup can be put back around the right words afterwards. Markers
always stand as words of their own (``Sak 1: QY2 Det blir``, never ``QY2Det``).

Markers come as *pairs* (an opening and a closing one: ``<b>`` … ``</b>``) or *atoms* (kept
whole and never translated: inline code, an image, a line break). An opening marker is written
with a space after it and a closing one with a space before it (``QY1 viktig QY2``), and those
spaces are taken off again, so a unit that comes back unchanged gives back its source exactly.

Where the model kept every marker of a sentence once, in an order that nests, the markup stays
around the words the model put between the markers. Where it did not (lost, doubled or crossed
markers), oversett does not guess word alignments: a sentence's single piece of markup is moved
to enclose the whole translated sentence; several pieces keep their places, the translated
words shared out over the source's stretches of text by length (see ``repair``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ..domain.spans import MARKUP, MARKUP_PLACEHOLDER, without_markup

_ENDS_WITH_MARKER = re.compile(r"QY\d+$")


@dataclass
class Unit:
    """A unit's text with markers, and what each marker stands for (format-specific)."""

    text: str = ""
    closes: dict[int, int] = field(default_factory=dict)  # opening marker → its closing marker
    atoms: set[int] = field(default_factory=set)
    payload: dict[int, object] = field(default_factory=dict)  # marker → what the format keeps for it
    count: int = 0

    def add_text(self, text: str) -> None:
        if text[:1].isalnum() and _ENDS_WITH_MARKER.search(self.text):
            text = " " + text  # "QY2 Det", never "QY2Det": the model must see a word of its own
        self.text += text

    def open(self, payload: object) -> int:
        number = self._new(payload)
        space = " " if self.text and not self.text[-1].isspace() else ""
        self.text += space + MARKUP.format(number) + " "
        return number

    def close(self, opening: int, payload: object = None) -> int:
        number = self._new(payload)
        self.text = self.text + " " + MARKUP.format(number)
        self.closes[opening] = number
        return number

    def atom(self, payload: object) -> int:
        number = self._new(payload)
        self.atoms.add(number)
        space = " " if self.text[-1:].isalnum() or _ENDS_WITH_MARKER.search(self.text) else ""
        self.text += space + MARKUP.format(number)
        return number

    def _new(self, payload: object) -> int:
        self.count += 1
        self.payload[self.count] = payload
        return self.count


@dataclass(frozen=True)
class Piece:
    """Decoded output: text with the stack of opening markers around it, or an atom."""

    text: str
    stack: tuple[int, ...] = ()
    atom: int | None = None


def markers_in(text: str) -> list[int]:
    return [int(m.group(1)) for m in MARKUP_PLACEHOLDER.finditer(text)]


def strip_markers(text: str) -> str:
    return " ".join(without_markup(text).split())


def _nests(found: list[int], wanted: list[int], unit: Unit) -> bool:
    """Every wanted marker exactly once, each opening before its closing, properly nested."""
    if sorted(found) != sorted(wanted):
        return False
    opening_of = {close: opening for opening, close in unit.closes.items()}
    open_here = {m for m in wanted if m in unit.closes}
    stack: list[int] = []
    for marker in found:
        if marker in unit.closes:
            stack.append(marker)
        elif marker in opening_of:
            opening = opening_of[marker]
            if opening in open_here:
                if not stack or stack[-1] != opening:
                    return False
                stack.pop()
            elif stack:  # closes a pair opened in an earlier sentence: nothing of this one may be open
                return False
    return True


def repair(source: str, translation: str, unit: Unit) -> str:
    """One sentence's translation with exactly the sentence's markers, in an order that nests:
    as the model placed them if it kept them all. Else, when the sentence has one piece of
    markup (``<b>`` … ``</b>``), it encloses the whole translated sentence; when it has several
    (two links, a bold word and inline code), the translated words are shared out over the
    source's stretches of text in proportion to their length, each marker where the source had
    it, so the markup stays valid (no link inside a link) and roughly in place."""
    wanted = markers_in(source)
    if _nests(markers_in(translation), wanted, unit):
        return translation
    words = strip_markers(translation)
    opens = [m for m in wanted if m in unit.closes]
    whole_pair = len(opens) == 1 and unit.closes[opens[0]] in wanted and len(wanted) == 2
    if whole_pair:
        return f"{MARKUP.format(opens[0])} {words} {MARKUP.format(unit.closes[opens[0]])}"
    return _by_slots(source, words.split(), unit)


def _by_slots(source: str, words: list[str], unit: Unit) -> str:
    """The source sentence's markers where they were, the words shared out over its text."""
    opening_of = {close: opening for opening, close in unit.closes.items()}
    parts: list[int | str] = []
    position = 0
    for match in MARKUP_PLACEHOLDER.finditer(source):
        parts.append(source[position : match.start()])
        parts.append(int(match.group(1)))
        position = match.end()
    parts.append(source[position:])
    slots = [i for i, p in enumerate(parts) if isinstance(p, str) and p.strip()]
    counts = share_words(words, [len(str(parts[i]).strip()) for i in slots]) if slots else []
    given: dict[int, str] = {}
    at = 0
    for index, count in zip(slots, counts, strict=True):
        given[index] = " ".join(words[at : at + count])
        at += count
    if not slots and words:  # the source had no text of its own here: the words go first
        parts.insert(0, " ".join(words))
        given[0] = str(parts[0])
    out: list[str] = []
    for index, part in enumerate(parts):
        if isinstance(part, int):
            if part in unit.closes:
                out.append(MARKUP.format(part) + " ")
            elif part in opening_of:
                out.append(" " + MARKUP.format(part))
            else:
                out.append(MARKUP.format(part))
        elif index in given:
            lead = " " if part[:1].isspace() and out and not out[-1].endswith(" ") else ""
            trail = " " if part[-1:].isspace() else ""
            out.append(lead + given[index] + trail)
    return "".join(out).strip()


def share_words(words: list[str], lengths: list[int]) -> list[int]:
    """How many of the words each slot (a stretch of text, a cue, a line) gets: cut where the
    running length best matches the source's, each slot getting a word while there are enough."""
    total = sum(lengths) or 1
    size = sum(len(w) + 1 for w in words)
    counts: list[int] = []
    at = 0
    running = 0.0
    for index, length in enumerate(lengths):
        left = len(lengths) - index - 1
        if left == 0:
            counts.append(len(words) - at)
            break
        running += length / total * size
        taken = 0
        reached = sum(len(w) + 1 for w in words[:at])
        while at + taken < len(words) - left and (
            taken == 0 or abs(reached + len(words[at + taken]) + 1 - running) <= abs(reached - running)
        ):
            reached += len(words[at + taken]) + 1
            taken += 1
        counts.append(taken)
        at += taken
    return counts


def repaired(segments: Sequence[tuple[str, str]], whole: str, unit: Unit) -> str:
    """The unit's translation (``whole``, layout kept) if its markers are all there and nest,
    else each sentence repaired (``segments``: source and translated sentences) and joined."""
    if _nests(markers_in(whole), markers_in(unit.text), unit):
        return whole
    return " ".join(repair(source, translation, unit) for source, translation in segments if source.strip())


def _tokens(text: str, unit: Unit, *, drop_unknown: bool) -> Iterator[str | int]:
    """Text with markers → its stretches of text and its markers (as numbers), the spaces written
    next to markers taken off: the one after an opening marker ("QY1 viktig") and the one before a
    closing one ("viktig QY2"). A marker the unit does not have is dropped, or kept as text."""
    opening_of = {close: opening for opening, close in unit.closes.items()}
    position = 0
    for match in MARKUP_PLACEHOLDER.finditer(text):
        marker = int(match.group(1))
        if marker not in unit.payload and not drop_unknown:
            continue
        start, end = match.start(), match.end()
        if marker in unit.closes and end < len(text) and text[end] == " ":
            end += 1
        before = text[position:start]
        if marker in opening_of and before.endswith(" "):
            before = before[:-1]
        if before:
            yield before
        position = end
        if marker in unit.payload:
            yield marker
    if text[position:]:
        yield text[position:]


def decode(text: str, unit: Unit) -> list[Piece]:
    """Text with markers → pieces, each with the stack of pairs open around it. Markers the unit
    does not have are dropped; the spaces written next to markers are taken off."""
    opening_of = {close: opening for opening, close in unit.closes.items()}
    pieces: list[Piece] = []
    stack: list[int] = []
    for token in _tokens(text, unit, drop_unknown=True):
        if isinstance(token, str):
            pieces.append(Piece(token, tuple(stack)))
        elif token in unit.closes:
            stack.append(token)
        elif token in opening_of:
            if opening_of[token] in stack:
                stack.remove(opening_of[token])
        elif token in unit.atoms:
            pieces.append(Piece("", tuple(stack), token))
    return pieces


def substitute(text: str, unit: Unit) -> str:
    """Text with markers → the format's own text: each marker replaced by its payload (a string:
    the markup as the source had it), the spaces written next to markers taken off."""
    return "".join(t if isinstance(t, str) else str(unit.payload[t]) for t in _tokens(text, unit, drop_unknown=False))
