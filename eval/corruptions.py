"""Broken translations on purpose: corruptions of good (human) translations, to measure how
often the faithfulness checks catch each kind of damage. Seeded, so runs repeat."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

NAMES = ("Hansen", "Smith", "Kowalski", "Oslo", "Tromsø", "Berlin", "Maria", "Ahmed", "Lindqvist")
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


def replace_name(source: str, translation: str, rng: random.Random) -> str | None:
    """Replace a name the source and the translation share with another name."""
    shared = [
        m for m in re.finditer(r"(?<![\w-])[A-ZÆØÅ][a-zæøåé]+(?:-[A-ZÆØÅ][a-zæøåé]+)*(?![\w-])", translation)
        if not _sentence_start(translation, m.start())
        and re.search(rf"(?<![\w-]){re.escape(m.group())}(?:s)?(?![\w-])", source)  # the whole word (or its genitive)
    ]
    if not shared:
        return None
    match = rng.choice(shared)
    other = rng.choice([n for n in NAMES if n != match.group() and n not in source])
    return translation[: match.start()] + other + translation[match.end() :]


CORRUPTIONS: dict[str, Corruption] = {
    "number": change_number,
    "dropped words": drop_words,
    "loop": insert_loop,
    "copied source": copy_source,
    "name": replace_name,
}


def corrupt(kind: str, source: str, translation: str, rng: random.Random) -> tuple[str, str] | None:
    """(source, corrupted translation) for one pair, or None when the pair has nothing to corrupt."""
    if kind == "link":
        return drop_link(source, translation, rng)
    damaged = CORRUPTIONS[kind](source, translation, rng)
    return None if damaged is None else (source, damaged)


KINDS = (*CORRUPTIONS, "link")
