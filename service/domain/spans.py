"""Protected spans: URLs, e-mail addresses, @handles, #tags and code-like tokens are swapped for
placeholders the model copies, and put back verbatim afterwards; so are a glossary's terms, which
come back as their English terms. A placeholder the model lost is reported, and its span (or
term) is added at the end of the sentence rather than lost."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .glossary import TermMatcher

PROTECTED = re.compile(
    r"(?:https?://|www\.)[^\s<>«»\"]*[^\s<>«»\".,;:!?)]"  # URLs (not their trailing punctuation)
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|(?<![\w@])@\w{2,}"  # @handles
    r"|(?<![\w&#])#\w*[^\W\d_]\w*"  # #tags
    r"|`[^`\n]+`"  # inline code
    r"|(?<![\w/])(?:[A-Za-z]:)?/(?:[\w.-]+/)+[\w.-]*"  # paths
    r"|\b[A-Za-z]\w*_\w+\b"  # snake_case identifiers
)
# "QX7": short, ASCII and name-like, so translation models copy it through.
PLACEHOLDER = "QX{}"
_PLACEHOLDER = re.compile(r"Q\s?X\s?(\d+)", re.IGNORECASE)
# "QY7": the same kind of placeholder for a document's inline markup (a bold phrase, a link),
# which the format layer puts in and takes out (``formats/inline.py``).
MARKUP = "QY{}"
MARKUP_PLACEHOLDER = re.compile(r"Q\s?Y\s?(\d+)", re.IGNORECASE)


def without_markup(text: str) -> str:
    """The text with its markup placeholders blanked out (layout kept)."""
    return MARKUP_PLACEHOLDER.sub(" ", text)


_SPACE_BEFORE_CLOSING = re.compile(r"\s+([.,;:!?)\]}»”’])")
_SPACE_AFTER_OPENING = re.compile(r"([(\[{«“‘])\s+")


def plain_text(text: str) -> str:
    """The text as a reader sees it, its markup placeholders gone with the spaces they brought
    (``QY1 Det var kaldt. QY2`` → ``Det var kaldt.``): for lists and exports that show text."""
    if not MARKUP_PLACEHOLDER.search(text):
        return text
    spaced = " ".join(MARKUP_PLACEHOLDER.sub(" ", text).split())
    return _SPACE_AFTER_OPENING.sub(r"\1", _SPACE_BEFORE_CLOSING.sub(r"\1", spaced))


@dataclass(frozen=True)
class Protected:
    text: str  # with placeholders
    spans: tuple[str, ...]  # what each placeholder becomes: the span itself, or a glossary term's English
    terms: tuple[tuple[str, str], ...] = ()  # glossary terms: (as in the source, English), by placeholder
    checked_source: str = ""  # the source with glossary terms in English: what the checks compare

    def term(self, index: int) -> tuple[str, str] | None:
        """The glossary term (as in the source, English) behind placeholder ``index``, if any."""
        first = len(self.spans) - len(self.terms)
        return self.terms[index - first] if index >= first else None

    def is_term(self, index: int) -> bool:
        return self.term(index) is not None


def protect(text: str, terms: TermMatcher | None = None) -> Protected:
    """Spans become placeholders (numbered first), and so do a glossary's terms outside them: a
    term's placeholder becomes its English term on the way back. One pass over the text gives
    both the text for the model and the text the checks compare."""
    found = list(PROTECTED.finditer(text))
    taken = [(m.start(), m.end()) for m in found]
    matches = [
        m for m in (terms.find(text) if terms is not None else [])
        if not any(start < m.end and m.start < end for start, end in taken)
    ]
    spans = [m.group() for m in found] + [m.target for m in matches]
    places = sorted([(a, b, i) for i, (a, b) in enumerate(taken)] + [(m.start, m.end, len(found) + j) for j, m in enumerate(matches)])
    out: list[str] = []
    checked: list[str] = []
    position = 0
    for start, end, index in places:
        out += [text[position:start], PLACEHOLDER.format(index + 1)]
        checked += [text[position:start], spans[index] if index >= len(found) else text[start:end]]
        position = end
    out.append(text[position:])
    checked.append(text[position:])
    return Protected("".join(out), tuple(spans), tuple((m.source, m.target) for m in matches), "".join(checked))


def restore(translation: str, protected: Protected) -> tuple[str, list[int]]:
    """The translation with its spans back, and the indices of spans whose placeholder was lost
    (those are appended at the end)."""
    if not protected.spans:
        return translation, []
    seen: set[int] = set()

    def back(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        if 0 <= index < len(protected.spans) and index not in seen:
            seen.add(index)
            return protected.spans[index]
        return ""  # a placeholder the source did not have, or a repeat: dropped

    restored = " ".join(_PLACEHOLDER.sub(back, translation).split())
    lost = [index for index in range(len(protected.spans)) if index not in seen]
    if lost:
        restored = " ".join([restored, *(protected.spans[i] for i in lost)]).strip()
    return restored, lost
