"""The ``length`` check: a translation implausibly short or long for its source, one that stops
mid-sentence, or a short one that reads like a fragment."""

from __future__ import annotations

import math
import re

# log(len(translation) / len(source)) for human translations, by source length (chars):
# below LOW or above HIGH is implausible (calibrated on FLORES-200 devtest and NTREX-128: from 60
# characters on, 0.5% of human translations fall below LOW; none of the shorter ones do, as short
# sentences vary too much to judge by length. All LOWs 0.05 lower would miss 3 points more dropped
# words, 0.05 higher would flag over 2% of NTREX's Bokmål file).
LENGTH_BOUNDS: list[tuple[int, float, float]] = [
    (20, -1.15, 1.30),
    (60, -0.57, 0.75),
    (120, -0.40, 0.55),
    (10**9, -0.35, 0.45),
]
MIN_LENGTH_CHARS = 12
CUT_SHORT_RATIO = -0.05  # a translation without a final full stop counts as cut off only when it is short too
TERMINAL = re.compile(r"[.!?…]['\"»”’)\]]*$")


def _length_ratio(source: str, translation: str) -> tuple[float, float, float] | None:
    """log(len(translation) / len(source)) and the bounds (LOW, HIGH) for the source's length, of
    the stripped texts; None when the source is too short to judge."""
    if len(source) < MIN_LENGTH_CHARS:
        return None
    low, high = next((lo, hi) for limit, lo, hi in LENGTH_BOUNDS if len(source) < limit)
    return math.log(max(1, len(translation)) / len(source)), low, high


def length_margin(source: str, translation: str) -> float | None:
    """How much longer (log ratio) the translation is than the shortest the bounds allow for this
    source: below 0 it is flagged as too short. None when the source is too short to judge."""
    judged = _length_ratio(source.strip(), translation.strip())
    return None if judged is None else judged[0] - judged[1]


def length_problem(source: str, translation: str) -> str | None:
    source, translation = source.strip(), translation.strip()
    judged = _length_ratio(source, translation)
    if judged is None:
        return None
    ratio, low, high = judged
    if ratio < low:
        return f"the translation is much shorter than the source ({len(translation)} vs {len(source)} characters): text may be missing"
    if ratio > high:
        return f"the translation is much longer than the source ({len(translation)} vs {len(source)} characters)"
    cut_short = ratio < CUT_SHORT_RATIO and len(source.split()) >= 4
    if cut_short and TERMINAL.search(source) and not TERMINAL.search(translation):
        return "the translation stops mid-sentence: it is short, and the source ends with a full stop but the translation does not"
    if ratio < FRAGMENT_RATIO and len(source.split()) >= 4:
        gap = _gap(source, translation)
        if gap:
            return f"words seem to be missing: the translation is short and {gap}"
    return None


FRAGMENT_RATIO = -0.15  # shorter than the source by this much (log ratio), and reading like a fragment
_ARTICLES = frozenset({"the", "a", "an"})
_NOT_AFTER_ARTICLE = frozenset({
    "the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "with", "from", "and", "or", "is", "was", "were", "are",
    ",", ".", ";", ":", "!", "?", "",
})
_OPENING = re.compile(r"[\s«\"“‘'(\[–—-]*(\w)")


def _gap(source: str, translation: str) -> str | None:
    """What makes a short translation read as if words were dropped: it starts in lower case
    where the source starts with a capital, or an article stands before a preposition, a verb
    'to be', punctuation or the end ("the of", "a ,")."""
    first, start = _OPENING.match(source), _OPENING.match(translation)
    if first and start and first.group(1).isupper() and start.group(1).islower():
        return "starts in lower case where the source starts with a capital"
    tokens = re.findall(r"[\w'’-]+|[.,;:!?]", translation)
    for word, following in zip(tokens, [*tokens[1:], ""], strict=True):
        if word.lower() in _ARTICLES and word != "A" and following.lower() in _NOT_AFTER_ARTICLE:
            return f"has “{word} {following}”".rstrip() + (" at the end" if not following else "")
    return None
