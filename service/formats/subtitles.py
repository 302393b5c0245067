"""Subtitles (.srt, .vtt): numbering, timing lines, cue settings, headers and NOTE/STYLE/REGION
blocks are kept byte for byte; only cue text changes. Cues are joined into sentences (a sentence
spanning three cues is one unit, translated once) and the translation is spread back over the
same cues in proportion to their length, each cue's lines wrapped at 42 characters where possible.

Parsed here with a strict reader of cue blocks rather than the `srt` / `webvtt-py` packages:
both rewrite timings and line endings (byte-for-byte output is the point) and both accept
malformed timestamps silently, which should instead be a clear error.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from ..domain.errors import DocumentError
from .base import Parsed, decode_text, encode_text
from .inline import Unit, share_words, substitute

LINE_LENGTH = 42
MAX_CUES_PER_SENTENCE = 8
_SRT_TIME = r"\d{2}:\d{2}:\d{2}[,.]\d{3}"
SRT_TIMING = re.compile(rf"^{_SRT_TIME}[ \t]*-->[ \t]*{_SRT_TIME}(?:[ \t]+.*)?$")
_VTT_TIME = r"(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}"
VTT_TIMING = re.compile(rf"^{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t]+.*)?$")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<\d[\d:.]*>")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'»”’)\]]*$|[-–—]$")


@dataclass
class Cue:
    lines: list[str]  # the text lines, each with its line ending
    text: str = ""  # the lines joined, markers for tags
    words: int = 0


@dataclass
class Group:
    cues: list[Cue] = field(default_factory=list)
    unit: Unit = field(default_factory=Unit)


class Subtitles:
    def __init__(self, name: str) -> None:
        self.name = name
        self.extensions = (f".{name}",)
        self.binary = False
        self.media_type = "application/x-subrip" if name == "srt" else "text/vtt; charset=utf-8"
        self.timing = SRT_TIMING if name == "srt" else VTT_TIMING
        self.example = "00:01:02,500 --> 00:01:04,000" if name == "srt" else "00:01:02.500 --> 00:01:04.000"

    def read(self, data: bytes) -> Parsed:
        text, bom = decode_text(data, f".{self.name}")
        lines = text.splitlines(keepends=True)
        if self.name == "vtt" and not (lines and lines[0].startswith("WEBVTT")):
            raise DocumentError("The .vtt file does not start with 'WEBVTT' on its first line.")
        output: list[str | Cue] = []
        cues = self._cues(lines, output)
        groups = _groups(cues)

        def rebuild(texts: list[str]) -> bytes:
            for group, translation in zip(groups, texts, strict=True):
                _spread(group, translation)
            return encode_text("".join(x if isinstance(x, str) else "".join(x.lines) for x in output), bom)

        return Parsed([g.unit for g in groups], rebuild)

    def _cues(self, lines: list[str], output: list[str | Cue]) -> list[Cue]:
        cues: list[Cue] = []
        index = 0
        number = 0
        while index < len(lines):
            if not lines[index].strip():
                output.append(lines[index])
                index += 1
                continue
            start = index
            while index < len(lines) and lines[index].strip():
                index += 1
            block = lines[start:index]
            if self.name == "vtt" and (start == 0 or re.match(r"(NOTE|STYLE|REGION)\b", block[0])):
                output.extend(block)  # the header, comments, styles, regions: as they are
                continue
            number += 1
            timing = next((i for i, line in enumerate(block[:2]) if "-->" in line), None)
            if timing is None:
                raise DocumentError(
                    f"Cue {number} (line {start + 1}) has no timing line; expected a line like '{self.example}'."
                )
            line = block[timing].rstrip("\r\n")
            if not self.timing.match(line):
                raise DocumentError(
                    f"Cue {number} (line {start + timing + 1}) has a bad timing line '{line.strip()}'; "
                    f"expected a line like '{self.example}'."
                )
            output.extend(block[: timing + 1])
            cue = Cue(block[timing + 1 :])
            output.append(cue)
            cues.append(cue)
        return cues


def _groups(cues: list[Cue]) -> list[Group]:
    groups: list[Group] = []
    current = Group()
    for cue in cues:
        if not cue.lines:
            continue
        unit = current.unit
        before = len(unit.text)
        if unit.text:
            unit.add_text(" ")
        _encode(" ".join(line.strip() for line in cue.lines), unit)
        cue.text = unit.text[before:].strip()
        cue.words = len(cue.text.split())
        current.cues.append(cue)
        plain = _TAG.sub("", " ".join(line.strip() for line in cue.lines)).strip()
        if _SENTENCE_END.search(plain) or len(current.cues) >= MAX_CUES_PER_SENTENCE:
            groups.append(current)
            current = Group()
    if current.cues:
        groups.append(current)
    return groups


def _encode(text: str, unit: Unit) -> None:
    """Cue text with its tags (<i>, <b>, <v Name>, timestamps) as markers."""
    open_tags: list[tuple[str, int]] = []
    position = 0
    for match in _TAG.finditer(text):
        unit.add_text(text[position : match.start()])
        tag = match.group()
        name = re.match(r"</?([a-zA-Z]+)", tag)
        if name and not tag.startswith("</"):
            open_tags.append((name.group(1).lower(), unit.open(tag)))
        elif name and open_tags and open_tags[-1][0] == name.group(1).lower():
            unit.close(open_tags.pop()[1], tag)
        else:
            unit.atom(tag)
        position = match.end()
    unit.add_text(text[position:])
    for _, opening in open_tags:  # opened here, closed in a later cue: kept as it is
        unit.atoms.add(opening)
        del unit.closes[opening]


def _spread(group: Group, translation: str) -> None:
    """Share the translation out over the group's cues (by the source's word counts when the
    translation has as many words, else by the cues' lengths) and write each cue's lines."""
    words = translation.split()
    cues = group.cues
    if len(words) == sum(c.words for c in cues):
        counts = [c.words for c in cues]
    else:
        counts = share_words(words, [len(c.text) for c in cues])
    at = 0
    for cue, count in zip(cues, counts, strict=True):
        mine = " ".join(words[at : at + count])
        at += count
        ending = next((line[len(line.rstrip("\r\n")) :] for line in cue.lines), "\n") or "\n"
        last_ending = cue.lines[-1][len(cue.lines[-1].rstrip("\r\n")) :]
        if mine == " ".join(cue.text.split()):
            continue  # unchanged: the lines as they were
        text = substitute(mine, group.unit).strip() or "…"  # a cue is never left empty: that would end its block
        wrapped = _wrap(text)
        cue.lines = [line + ending for line in wrapped[:-1]] + [wrapped[-1] + last_ending]


def _wrap(text: str) -> list[str]:
    """One line up to 42 characters; else two balanced lines if each fits; else 42-wide lines."""
    if len(text) <= LINE_LENGTH:
        return [text]
    spaces = [i for i, c in enumerate(text) if c == " "]
    if spaces:
        middle = min(spaces, key=lambda i: abs(i - len(text) / 2))
        first, second = text[:middle], text[middle + 1 :]
        if len(first) <= LINE_LENGTH and len(second) <= LINE_LENGTH:
            return [first, second]
    return textwrap.wrap(text, LINE_LENGTH, break_long_words=False, break_on_hyphens=False) or [text]
