"""Broken translations on purpose: corruptions of good (human) translations, to measure how
often the faithfulness checks catch each kind of damage. Seeded, so runs repeat."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

# Replacement names: rare ones, and names that are also words of Norwegian or English (Per, Tom,
# Anna, Liv, Sol, Dag, Will, Mark), which a check must not read as the word.
NAMES = ("Hansen", "Smith", "Kowalski", "Oslo", "Tromsø", "Berlin", "Maria", "Ahmed", "Lindqvist",
         "Per", "Tom", "Anna", "Liv", "Sol", "Dag", "Stein", "Will", "Mark", "Ingrid", "Esperanto")
URLS = ("https://www.nrk.no/nyheter/123", "post@example.no", "https://example.org/a?b=1")

Corruption = Callable[[str, str, random.Random], str | None]
_DIGITS = re.compile(r"\d+(?:[.,:]\d+)*")


def change_number(source: str, translation: str, rng: random.Random) -> str | None:
    """Drop one number of the translation, or change it."""
    numbers = list(_DIGITS.finditer(translation))
    if not numbers:
        return None
    match = rng.choice(numbers)
    if rng.random() < 0.5:
        replacement = ""
    else:
        replacement = match.group()
        while replacement == match.group():
            digits = list(replacement)
            positions = [i for i, c in enumerate(digits) if c.isdigit()]
            digits[rng.choice(positions)] = str(rng.randrange(10))
            replacement = "".join(digits)
    return " ".join((translation[: match.start()] + replacement + translation[match.end() :]).split())


def drop_words(source: str, translation: str, rng: random.Random) -> str | None:
    """Drop at least 30% of the words (at random, or one stretch)."""
    words = translation.split()
    if len(words) < 4:
        return None
    count = max(1, -(-len(words) * rng.choice((30, 40, 50)) // 100))
    if rng.random() < 0.5:
        start = rng.randrange(0, len(words) - count + 1)
        kept = words[:start] + words[start + count :]
    else:
        dropped = set(rng.sample(range(len(words)), count))
        kept = [w for i, w in enumerate(words) if i not in dropped]
    return " ".join(kept)


def insert_loop(source: str, translation: str, rng: random.Random) -> str | None:
    """Insert a phrase repeated several times, as a looping model does."""
    words = translation.split()
    if not words:
        return None
    size = rng.randint(1, 3)
    start = rng.randrange(0, max(1, len(words) - size + 1))
    phrase = words[start : start + size]
    loop = phrase * rng.randint(3, 6)
    at = rng.randrange(0, len(words) + 1)
    return " ".join(words[:at] + loop + words[at:])


def copy_source(source: str, translation: str, rng: random.Random) -> str | None:
    return source


def drop_link(source: str, translation: str, rng: random.Random) -> tuple[str, str] | None:
    """Put a URL or e-mail in both, then leave it out of the translation (returns both)."""
    link = rng.choice(URLS)
    return f"{source} Se {link}", f"{translation} See"


def _sentence_start(text: str, at: int) -> bool:
    """A capital after the start, a full stop, or an opening quote or bracket is a sentence's first
    word, not (necessarily) a name."""
    before = text[:at].rstrip(" \"'“‘«([")
    return not before or before[-1] in ".!?:;–—"


_CAPITALISED = re.compile(r"(?<![\w-])[A-ZÆØÅ][a-zæøåé]+(?:-[A-ZÆØÅ][a-zæøåé]+)*(?![\w-])")
_WORD = re.compile(r"(?<![\w-])[^\W\d_]+(?![\w-])")


def corpus_names(lines: list[str]) -> frozenset[str]:
    """The words a corpus writes capitalised in mid-sentence and never in lower case: its names.
    A corruption replaces a sentence's first word only when it is one of these (Gosling, Huhne,
    Adekoya), so what it replaces is a name by the text's own evidence, not by the checks' lists."""
    capitalised: set[str] = set()
    lower: set[str] = set()
    for line in lines:
        for match in _WORD.finditer(line):
            word = match.group()
            if word.islower():
                lower.add(word)
            elif word[0].isupper() and not word.isupper() and not _sentence_start(line, match.start()):
                capitalised.add(word)
    return frozenset(w for w in capitalised if w.lower() not in lower)


def _shared_names(source: str, translation: str, first_only: bool, known: frozenset[str]) -> list[re.Match[str]]:
    """Capitalised words of the translation that the source has as they are (or with a genitive):
    names the two share, wherever they stand; a sentence's first word when the corpus knows it as
    a name (``corpus_names``)."""
    shared = []
    for match in _CAPITALISED.finditer(translation):
        word = match.group()
        first = _sentence_start(translation, match.start())
        if first_only and not first:
            continue
        in_source = re.search(rf"(?<![\w-]){re.escape(word)}(?:s)?(?![\w-])", source)  # the whole word (or its genitive)
        if in_source and (word in known or not first and not _sentence_start(source, in_source.start())):
            shared.append(match)
    return shared


def replace_name(
    source: str, translation: str, rng: random.Random, first_only: bool = False, known: frozenset[str] = frozenset()
) -> str | None:
    """Replace a name the source and the translation share, wherever it stands (the sentence's first
    word included, when it is a name of the corpus), with another name, rare or one that is also a word."""
    shared = _shared_names(source, translation, first_only, known)
    if not shared:
        return None
    match = rng.choice(shared)
    other = rng.choice([n for n in NAMES if n != match.group() and n not in source])
    return translation[: match.start()] + other + translation[match.end() :]


def replace_first_name(source: str, translation: str, rng: random.Random, known: frozenset[str] = frozenset()) -> str | None:
    """The same, only for a name that is a sentence's first word."""
    return replace_name(source, translation, rng, first_only=True, known=known)


def truncate(source: str, translation: str, rng: random.Random) -> str | None:
    """Drop the second half: the translation stops after half of its words, as a model cut short
    by its length limit does."""
    words = translation.split()
    if len(words) < 4:
        return None
    return " ".join(words[: len(words) // 2])


CORRUPTIONS: dict[str, Corruption] = {
    "number": change_number,
    "dropped words": drop_words,
    "truncated": truncate,
    "loop": insert_loop,
    "copied source": copy_source,
    "name": replace_name,
    "name, first word": replace_first_name,
}


def corrupt(
    kind: str, source: str, translation: str, rng: random.Random, names: frozenset[str] = frozenset()
) -> tuple[str, str] | None:
    """(source, corrupted translation) for one pair, or None when the pair has nothing to corrupt;
    ``names``: the corpus's names (``corpus_names`` of the source side), for names that open a sentence."""
    if kind == "link":
        return drop_link(source, translation, rng)
    if kind.startswith("name"):
        damaged = (replace_first_name if kind == "name, first word" else replace_name)(source, translation, rng, known=names)
        return None if damaged is None else (source, damaged)
    damaged = CORRUPTIONS[kind](source, translation, rng)
    return None if damaged is None else (source, damaged)


KINDS = (*CORRUPTIONS, "link")
