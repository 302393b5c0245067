"""The ``untranslated`` and ``repetition`` checks: the source handed back as its own translation,
and loops (a word, phrase or letters repeated over and over)."""

from __future__ import annotations

import re

from ..text import normalise_source
from .english import ENGLISH_FUNCTION_WORDS
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
    """The translation is the source itself, and the source is real Norwegian of two words or more
    (a copied line of English names is a fine translation)."""
    if normalise_source(translation) != normalise_source(source) or len(_words(source)) < 2:
        return False
    return looks_norwegian(source) or lean(source) >= LEAN


def untranslated_english(source: str, translation: str) -> bool:
    """The translation (into Norwegian) is the English source itself, of two words or more, and
    not a line of names alone (Elite League: Dundee Stars 5-3 Belfast Giants: every word
    capitalised, none a function word), which Norwegian keeps as it is."""
    if normalise_source(translation) != normalise_source(source) or len(_words(source)) < 2:
        return False
    words = re.findall(r"[^\W\d_]+", source)
    if all(w[0].isupper() for w in words) and not any(w.lower() in ENGLISH_FUNCTION_WORDS for w in words):
        return False
    return lean(source) <= -LEAN


LEAN = 0.5  # mean zipf(nb) − zipf(en) of a text's words: this far either way, it is that language


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[^\W\d_]+", text)]


def lean(text: str) -> float:
    """How much more Norwegian than English a text's words are: the mean of each word's Zipf
    frequency in Bokmål minus in English (a name weighs little, being about as frequent in both).
    Asked only of a translation identical to its source, so its cost is rarely paid."""
    from wordfreq import zipf_frequency

    words = _words(text)
    if not words:
        return 0.0
    return sum(zipf_frequency(w, "nb") - zipf_frequency(w, "en") for w in words) / len(words)
