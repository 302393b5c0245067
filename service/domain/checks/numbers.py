"""The ``number`` check: each number, date, time, amount or percentage of the source has a number
of its own in the translation, and the translation adds no digits the source does not account for."""

from __future__ import annotations

import math
import re

from .english import digit_numbers, translation_numbers
from .norwegian import source_number_words, source_numbers
from .values import ONE


def _same(wanted: float, shown: float) -> bool:
    if wanted <= -1e12 and wanted != ONE:  # a converted unit: rounded, so within 20 %
        return shown > 0 and math.isclose(-1e12 - wanted, shown, rel_tol=0.2)
    return math.isclose(wanted, shown, rel_tol=1e-6, abs_tol=1e-9)


_CONVERSION = re.compile(r"\d[^()]{0,30}\(\s*(?:about|approx\.?|around|c\.|ca\.)?\s*[£$€¥]?\s*$")


def added_numbers(source: str, translation: str) -> list[str]:
    """Numbers the translation writes in digits that stand for nothing in the source (not a
    number, a number word, a date, a time or a converted unit of it): a changed number whose
    original the source still accounts for elsewhere (kl. 14 → 4pm, «åtte» → 18)."""
    known = [v for _, values in source_numbers(source) + source_number_words(source) for v in values]
    added = []
    for match, candidates in digit_numbers(translation):
        if _CONVERSION.search(translation[: match.start()]):
            continue  # 200 milliarder dollar → $200 billion (£150 billion): a conversion
        if not any(_same(v, c) or (v == ONE and c == 1) for v in known for c in candidates):
            added.append(match.group("num"))
    return added


def missing_numbers(source: str, translation: str) -> list[str]:
    """The source's numbers with no number of their own in the translation: each number of the
    translation stands for one number of the source (so "6-6" needs two sixes)."""
    shown = translation_numbers(translation)
    used: set[int] = set()
    missing = []
    for raw, values in sorted(source_numbers(source), key=lambda item: len(item[1])):
        match = next(
            (i for i, candidates in enumerate(shown) if i not in used and any(_same(v, c) for v in values for c in candidates)),
            None,
        )
        if match is None:
            missing.append(raw)
        else:
            used.add(match)
    return missing
