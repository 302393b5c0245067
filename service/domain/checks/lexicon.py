"""Word look-ups for the name checks: how common a word is in Norwegian (wordfreq's Bokmål list,
Danish and Swedish, a Nynorsk word's Bokmål spellings) and in English, how Norwegian gold text
writes it in mid-sentence (``data/norwegian_case.txt``), and whether it splits into Norwegian words."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .norwegian import bokmal_forms


@lru_cache(maxsize=1)
def norwegian_case() -> tuple[frozenset[str], frozenset[str]]:
    """(common words, names): how Norwegian gold text writes words after a sentence's first word
    (built by ``python -m eval.lexicon``)."""
    lines = (Path(__file__).parent / "data" / "norwegian_case.txt").read_text(encoding="utf-8").splitlines()
    words = [line for line in lines if line and not line.startswith("#")]
    return frozenset(w for w in words if w.islower()), frozenset(w for w in words if not w.islower())

@lru_cache(maxsize=1)
def english_case() -> tuple[frozenset[str], frozenset[str]]:
    """(common words, names English writes only capitalised), from SCOWL (built by
    ``python -m eval.lexicon``)."""
    lines = (Path(__file__).parent / "data" / "english_case.txt").read_text(encoding="utf-8").splitlines()
    words = [line for line in lines if line and not line.startswith("#")]
    return frozenset(w for w in words if w.islower()), frozenset(w for w in words if not w.islower())


@lru_cache(maxsize=65536)
def frequencies(word: str) -> tuple[float, float]:
    """Zipf frequencies (Norwegian, English) of a word, or of it without a genitive -s when
    the word itself is unknown."""
    from wordfreq import zipf_frequency

    norwegian, english = scandinavian(word), zipf_frequency(word, "en")
    base = without_genitive(word)
    if norwegian == 0 and english == 0 and base != word:
        norwegian, english = scandinavian(base), zipf_frequency(base, "en")
    return norwegian, english


@lru_cache(maxsize=65536)
def scandinavian(word: str) -> float:
    """Bokmål frequency, or Danish or Swedish where those know the word better (wordfreq has no
    Nynorsk list; many Nynorsk forms are Danish or Swedish forms too)."""
    from wordfreq import zipf_frequency

    # wordfreq's small Danish and Swedish lists (common words only) are enough here and keep
    # the service's memory down (the large Swedish list alone is about 35 MiB).
    found = max(
        zipf_frequency(word, "nb"),
        zipf_frequency(word, "da", wordlist="small") - 0.5,
        zipf_frequency(word, "sv", wordlist="small") - 0.5,
    )
    if found >= 2.0:
        return found
    found = max(found, _as_bokmal(word))
    # A word Norwegian gold text writes in lower case in mid-sentence (the case lexicon: Nynorsk
    # words such as hovud, oske, overvaking) is a common word, whatever wordfreq says.
    return max(found, LEXICON_ZIPF) if word in norwegian_case()[0] else found


LEXICON_ZIPF = 3.0


@lru_cache(maxsize=65536)
def _as_bokmal(word: str) -> float:
    """How common the word is in its Bokmål spellings, when it is Nynorsk (a little less than
    the Bokmål word itself: the respelling may be wrong)."""
    from wordfreq import zipf_frequency

    return max((zipf_frequency(form, "nb") - 0.3 for form in bokmal_forms(word)), default=0.0)


def norwegian_frequency(word: str) -> float:
    """How common a word is in Bokmål, or in its Bokmål spellings when it is Nynorsk (bevisa →
    bevisene), Danish and Swedish aside (Lindqvist is a name in Norwegian text)."""
    from wordfreq import zipf_frequency

    return max(zipf_frequency(word, "nb"), _as_bokmal(word))


def commonest(word: str) -> float:
    """How common a word is in Bokmål, or as its Bokmål spelling when it is Nynorsk (eg → jeg,
    kva → hva), whichever is commoner; ``scandinavian`` asks the second only of rare words."""
    return max(scandinavian(word), _as_bokmal(word))

def norwegian_compound(word: str, depth: int = 0, head: float | None = None) -> bool:
    """Whether a word splits into Norwegian words (with a linking s or e): Brannredningsmannskaper
    = brann + rednings + mannskaper. Names rarely do. ``head`` is how common (Zipf) each first
    part must be."""
    head = COMPOUND_PART_ZIPF if head is None else head

    if depth > 3 or len(word) < 6:
        return False
    for cut in range(len(word) - 3, 2, -1):
        left, right = word[:cut], word[cut:]
        left_known = any(
            scandinavian(stem) >= head for stem in (left, left.removesuffix("s"), left.removesuffix("e"))
            if len(stem) >= 3
        )
        if not left_known:
            continue
        endings = (right, *(right[: -len(e)] for e in ("ene", "ane", "en", "et", "er", "a") if right.endswith(e)))
        if any(scandinavian(r) >= COMPOUND_TAIL_ZIPF for r in endings if len(r) >= 4):
            return True
        if norwegian_compound(right, depth + 1, head):
            return True
    return False


COMPOUND_PART_ZIPF = 3.0  # the first part of a compound: a common Norwegian word
COMPOUND_TAIL_ZIPF = 2.0  # the rest (perhaps with a definite or plural ending)
NAME_COMPOUND_PART_ZIPF = 3.5  # … and the first part of a capitalised word in mid-sentence


def translated_word(word: str) -> bool:
    """A Norwegian word English does not use (wordfreq's frequency lists), so a translation
    says it in English rather than keeping it."""

    from wordfreq import zipf_frequency

    parts = [p for p in word.lower().split("-") if p]
    for part in parts:
        norwegian, english = frequencies(part)
        if english == 0 and part.endswith("s") and zipf_frequency(part[:-1], "en") >= GENITIVE_BASE_ZIPF:
            return False  # a name in the genitive: Indonesias, Pennsylvanias
        # A capitalised word in mid-sentence is a name unless it clearly splits into common words
        # (Samveldelekene, but not Donggala = dong + gala).
        if english == 0 and (norwegian >= NORWEGIAN_WORD_ZIPF or norwegian_compound(part, head=NAME_COMPOUND_PART_ZIPF)):
            continue
        # A word Norwegian writes in lower case (hus, gris) needs less of a lead over English.
        lead = COMMON_MORE_NORWEGIAN_ZIPF if part in norwegian_case()[0] else MORE_NORWEGIAN_ZIPF
        if norwegian - english < lead:
            return False
    return True


GENITIVE_BASE_ZIPF = 2.5
NORWEGIAN_WORD_ZIPF = 2.0  # a Norwegian word at least this frequent (Zipf scale) is a word …
MORE_NORWEGIAN_ZIPF = 3.0  # … and so is one this much more frequent in Norwegian than English
COMMON_MORE_NORWEGIAN_ZIPF = 1.75  # … or this much, when Norwegian writes it in lower case

def without_genitive(name: str) -> str:
    """A name without its genitive: Canadas → Canada, Erdogans → Erdogan (Hans stays Hans only
    when it is never written without the s)."""
    return re.sub(r"(?<=\w)['’]?s$", "", name)
