"""Protected spans: URLs, e-mail addresses, @handles, #tags and code-like tokens are swapped for
placeholders the model copies, and put back verbatim afterwards. A placeholder the model lost
is reported, and its span is added at the end of the sentence rather than lost."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Protected:
    text: str  # with placeholders
    spans: tuple[str, ...]  # the protected spans, in order


def protect(text: str) -> Protected:
    spans: list[str] = []

    def swap(match: re.Match[str]) -> str:
        spans.append(match.group())
        return PLACEHOLDER.format(len(spans))

    return Protected(PROTECTED.sub(swap, text), tuple(spans))


def restore(translation: str, protected: Protected) -> tuple[str, list[str]]:
    """The translation with its spans back, and the spans whose placeholder was lost (those are
    appended at the end)."""
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
    lost = [span for index, span in enumerate(protected.spans) if index not in seen]
    if lost:
        restored = " ".join([restored, *lost]).strip()
    return restored, lost
