"""The ``untranslated`` and ``repetition`` checks: the source handed back as its own translation,
and loops (a word, phrase or letters repeated over and over)."""

from __future__ import annotations

import re

from ..text import normalise_source
from .norwegian import looks_norwegian

_LETTER_LOOP = re.compile(r"([^\W\d_]{1,4}?)\1{4,}")


def loops(text: str) -> list[str]:
    """Repeated letters (``ngngngng``) and word n-grams repeated three times in a row."""
    found = [m.group(0)[:24] for m in _LETTER_LOOP.finditer(text)]
    words = [w.lower() for w in re.findall(r"\w+", text)]
    for size in range(1, 5):
        for start in range(0, len(words) - 3 * size + 1):
            gram = words[start : start + size]
            if words[start + size : start + 2 * size] == gram and words[start + 2 * size : start + 3 * size] == gram:
                if size == 1 and len(gram[0]) < 2:
                    continue
                found.append(" ".join(gram))
                break
    return found


def untranslated_copy(source: str, translation: str) -> bool:
    """The translation is the source itself, and the source is real Norwegian of three words or
    more (a copied line of English names is a fine translation)."""
    return (
        normalise_source(translation) == normalise_source(source) and len(source.split()) >= 3
        and looks_norwegian(source)
    )
