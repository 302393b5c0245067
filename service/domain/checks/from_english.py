"""The checks of an English source against its Bokmål or Nynorsk translation, with the same codes
as the other direction. The readers are the other direction's, swapped: English numbers are read
as ``english`` reads a translation, Norwegian ones as ``norwegian`` reads a source.

- ``number``: each number the English writes in digits has a number of its own in the
  translation (1,500 = 1 500 = 1500; 1.5 million = 1,5 millioner; a month = its Norwegian name);
  digits the translation adds are flagged unless the source accounts for them (five → 5);
- ``name``: the names of the English are in the translation, and it puts in none of its own
  (``english_names.py``, ``translation_names.py``);
- ``link``: as the other direction (``repetition``, ``empty`` and ``variety`` are added by
  ``sentence.check``);
- ``untranslated``: the English handed back as its own translation (three words or more, with an
  English function word and no Norwegian one);
- ``length``: the bounds of the other direction, mirrored (a Norwegian translation of English is
  about as much longer as an English one of Norwegian is shorter).
"""

from __future__ import annotations

import math
import re

from .copies import untranslated_english
from .english import (
    ENGLISH_MONTHS,
    ENGLISH_NUMBER_WORDS,
    MIXED_CASE_ABBREVIATION,
    digit_numbers,
    translation_numbers,
)
from .issue import Issue, link_issue, number_issue
from .length import LENGTH_BOUNDS, MIN_LENGTH_CHARS, TERMINAL
from .links import links
from .norwegian import source_number_words, source_numbers
from .translation_names import added_names, lost_names
from .values import ONE

# log(len(Norwegian) / len(English)): the other direction's bounds, mirrored, with more room above:
# a Norwegian translation may spell out what English abbreviates (AI → kunstig intelligens, AM →
# medlem av nasjonalforsamlingen), and an output that runs on is caught as a loop.
LONGER_SLACK = 0.1
# Below the mirrored bounds from 60 characters on, which leave room for the mirrored direction's
# spread: 0.1-0.2% of FLORES's and NTREX's human Bokmål and Nynorsk fall below these, and half of
# the translations with a third of their words dropped do (-0.55 and -0.45 caught a third fewer).
SHORTER_LOWS = {120: -0.5, 10**9: -0.4}
MIRRORED_BOUNDS = [
    (limit, SHORTER_LOWS.get(limit, -high), -low + LONGER_SLACK) for limit, low, high in LENGTH_BOUNDS
]


def check_from_english(source: str, translation: str, target: str = "nb") -> list[Issue]:
    """The issues of one sentence translated from English into Norwegian that are this
    direction's own: the copy, numbers, links and names (``sentence.check`` adds the rest)."""
    issues: list[Issue] = []
    if untranslated_english(source, translation):
        issues.append(Issue("untranslated", "The translation is the English source itself: it was not translated."))
    issues += [i for i in (number_issue(missing_numbers(source, translation), added_numbers(source, translation)),
                           link_issue(links(source), translation)) if i is not None]
    lost = lost_names(source, translation)
    new_names = added_names(source, translation, target)
    if lost or new_names:
        said = [f"Names missing in the translation: {', '.join(dict.fromkeys(lost))}."] if lost else []
        said += [f"Names the source does not have: {', '.join(dict.fromkeys(new_names))}."] if new_names else []
        issues.append(Issue("name", " ".join(said)))
    return issues


def _norwegian_values(translation: str) -> list[set[float]]:
    return [values for _, values in source_numbers(translation) + source_number_words(translation)]


def _same(wanted: float, shown: float) -> bool:
    return math.isclose(wanted, shown, rel_tol=1e-6, abs_tol=1e-9)


# US and imperial units a Norwegian translation converts (550 pounds → 250 kg, 85 mph → 136 km/t,
# 10 inches → 25 cm): the metric figure, rounded, stands for the English one.
UNIT_FACTORS: dict[str, tuple[float, ...]] = {
    "pound": (0.4536,), "pounds": (0.4536,), "lb": (0.4536,), "lbs": (0.4536,), "mph": (1.609,), "mile": (1.609,),
    "miles": (1.609,), "inch": (2.54,), "inches": (2.54,), "in": (2.54,), "gallon": (3.785,), "gallons": (3.785,),
    "ounce": (28.35,), "ounces": (28.35,), "oz": (28.35,), "acre": (0.4047,), "acres": (0.4047,), "square": (2.59,),
}
# feet and yards in metres or centimetres (a two-foot brim → 60 cm)
UNIT_FACTORS |= dict.fromkeys(("foot", "feet", "ft"), (0.3048, 30.48)) | dict.fromkeys(("yard", "yards"), (0.9144, 91.44))
# A converted figure is rounded: within this share of the exact one, or within half the last place
# it is written to (1 inch → 3 cm, 130 miles → 200 km; but 0.5 inches is 1,3 cm, not 1,5).
CONVERTED = 0.1
# the unit after a number, or after the range it opens ("2 to 4 inches", "6-foot-6")
_UNIT_AFTER = re.compile(r"(?:\s*(?:to|-|–|and|or)\s*\d[\d.,]*)?[\s-]*(?:\(\w+\))?\s*([A-Za-z°]+)")


def _converted(source: str, match: re.Match[str], values: set[float]) -> set[float]:
    """The metric values an English number with a unit after it may be shown as."""
    scale = (match.group("scale") or "").lower()
    # the number reader takes the word after a number as its scale ("2 to"): read on from there
    unit = _UNIT_AFTER.match(source, match.start("scale") - 1 if scale else match.end())
    word = scale if scale in UNIT_FACTORS else (unit.group(1) if unit else "").lower()
    if word in ("°f", "f", "fahrenheit", "degrees", "degree"):  # a temperature, or a difference of one
        return {(v - 32) * 5 / 9 for v in values} | {v * 5 / 9 for v in values}
    return {v * factor for v in values for factor in UNIT_FACTORS.get(word, ())}


def _near(wanted: float, shown: float) -> bool:
    return shown > 0 and abs(shown - wanted) <= max(CONVERTED * abs(wanted), _last_place(shown) / 2)


def _last_place(value: float) -> float:
    """The place value of a figure's last written digit: 200 → 100, 210 → 10, 3 → 1, 1,5 → 0.1."""
    if value != int(value):
        return 10.0 ** -len(f"{value:.9f}".rstrip("0").split(".")[1])
    place, whole = 1.0, int(value)
    while whole and whole % 10 == 0:
        whole //= 10
        place *= 10
    return place


def missing_numbers(source: str, translation: str) -> list[str]:
    """The English digits with no number of their own in the Norwegian (each Norwegian number
    stands for one English one). Numbers said as they are claim theirs first; a converted unit
    then takes the nearest figure left (385 miles → 620 km, not the 500 of 05.00). A conversion in
    brackets comes last and may be left out when the figure it converts is there (45 miles (72
    kilometers) → 72 km; $200 billion (£150 billion) → 200 milliarder dollar), and so may the
    inches of a height (6-foot-6)."""
    shown = _norwegian_values(translation)
    used: set[int] = set()

    def claim(candidates: list[tuple[float, int]]) -> bool:
        if candidates:
            used.add(min(candidates)[1])
        return bool(candidates)

    missing = []
    numbers = sorted(digit_numbers(source), key=lambda item: len(item[1]))
    for bracketed in (False, True):  # the figures said first, then their conversions in brackets
        group = [(match, values) for match, values in numbers if _in_brackets(source, match) == bracketed]
        unmatched = [
            (match, values) for match, values in group
            if not claim([(0.0, i) for i, found in enumerate(shown) if i not in used and any(_same(v, c) for v in values for c in found)][:1])
        ]
        for match, values in unmatched:
            converted = _converted(source, match, values)
            near = [
                (min(abs(c - v) / v for v in converted for c in found if _near(v, c)), i)
                for i, found in enumerate(shown)
                if i not in used and any(_near(v, c) for v in converted for c in found)
            ]
            if not claim(near) and not _INCHES.search(source, 0, match.start("num")):
                missing.append(match)
    missed = {m.start("num") for m in missing}
    return [m.group("num") for m in missing if not (_in_brackets(source, m) and _converts(source, m) not in missed)]


_INCHES = re.compile(r"\d[- ](?:foot|feet|ft)[- ]$")  # 6-foot-6
_BRACKET_BEFORE = re.compile(r"(\d)[\w.,$£€%° -]{0,25}\(\s*[$£€]?\s*$")


def _in_brackets(source: str, match: re.Match[str]) -> bool:
    """A figure in brackets right after another: a conversion of it."""
    return _BRACKET_BEFORE.search(source, 0, match.start("num")) is not None


def _converts(source: str, match: re.Match[str]) -> int:
    """Where the figure a conversion in brackets converts begins."""
    before = _BRACKET_BEFORE.search(source, 0, match.start("num"))
    at = before.start(1) if before else -1
    return next((m.start("num") for m, _ in digit_numbers(source) if m.start("num") <= at < m.end("num")), -1)


_COUNTED_UNITS = [unit for unit in UNIT_FACTORS if unit not in ("in", "square")]  # "fifth in" is no inch
_WORD_UNIT = re.compile(
    rf"\b(?P<number>an?|half an?|{'|'.join(ENGLISH_NUMBER_WORDS)})[\s-]+(?P<unit>{'|'.join(_COUNTED_UNITS)})\b", re.IGNORECASE
)


def _words_converted(source: str) -> list[float]:
    """The metric figures of units counted in words (a mile → 1,6 km, two-foot → 60 cm)."""
    found = []
    for match in _WORD_UNIT.finditer(source):
        number = match.group("number").lower()
        value = 0.5 if number.startswith("half") else 1.0 if number in ("a", "an") else ENGLISH_NUMBER_WORDS[number]
        found += [value * factor for factor in UNIT_FACTORS[match.group("unit").lower()]]
    return found


# Norwegian numbers the days of Christmas, Easter and Whitsun (1. juledag: Christmas Day, 2. påskedag:
# Easter Monday) and the first of the year (1. nyttårsdag): the digit is part of the day's name.
_HOLIDAY_NUMBER = re.compile(r"\b[1-3]\.\s*(?=(?:jule|påske|pinse|nyttårs)dag)", re.IGNORECASE)


def added_numbers(source: str, translation: str) -> list[str]:
    """Digits of the Norwegian that stand for nothing of the English (not a number, a number
    word or a month of it)."""
    known = [v for values in translation_numbers(source) for v in values]
    known += [-float(n) for w, n in ENGLISH_MONTHS.items() if re.search(rf"\b{w}\b", source, re.IGNORECASE)]
    converted = [v for match, values in digit_numbers(source) for v in _converted(source, match, values)]
    converted += _words_converted(source)
    added = []
    for raw, candidates in source_numbers(_HOLIDAY_NUMBER.sub("", translation)):
        if any(_near(v, c) for v in converted for c in candidates):
            continue  # a converted unit
        if not any(_same(v, c) or (v == ONE and c == 1) for v in known for c in candidates):
            added.append(raw)
    return added


# An acronym the translation does not keep is spelled out (AI → kunstig intelligens): each one
# gives the translation this many characters more room.
SPELLED_OUT_CHARS = 20
_ACRONYM = re.compile(rf"\b([A-Z]{{2,5}}|{MIXED_CASE_ABBREVIATION})s?\b")  # AI, AMs, WiFi, PhD


def length_problem(source: str, translation: str) -> str | None:
    """The mirrored bounds' verdict, worded as ``length.length_problem``'s."""
    source, translation = source.strip(), translation.strip()
    if len(source) < MIN_LENGTH_CHARS:
        return None
    low, high = next((lo, hi) for limit, lo, hi in MIRRORED_BOUNDS if len(source) < limit)
    ratio = math.log(max(1, len(translation)) / len(source))
    if ratio < low:
        return f"the translation is much shorter than the source ({len(translation)} vs {len(source)} characters): text may be missing"
    spelled_out = sum(SPELLED_OUT_CHARS for acronym in _ACRONYM.findall(source) if acronym not in translation)
    if math.log(max(1, len(translation) - spelled_out) / len(source)) > high:
        return f"the translation is much longer than the source ({len(translation)} vs {len(source)} characters)"
    if ratio < CUT_SHORT_RATIO and len(source.split()) >= 4 and TERMINAL.search(source) and not _ENDED.search(translation):
        return "the translation stops mid-sentence: it is short, and the source ends with a full stop but the translation does not"
    gap = _gap(source, translation) if ratio < FRAGMENT_RATIO and len(source.split()) >= 4 else None
    return f"words seem to be missing: the translation is short and {gap}" if gap else None


FRAGMENT_RATIO = 0.1  # no longer than this (log ratio) and reading like a fragment: Norwegian is usually longer
_OPENING = re.compile(r"[\s«\"“‘'(\[–—-]*(\w)")
_ARTICLES = frozenset({"en", "et", "ei", "ein", "eit"})
_DOUBLED_IN_GRAMMAR = frozenset({"det", "den", "de", "som", "at", "så", "ha", "har", "er", "var"})  # at det det gjelder
_DOUBLED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
_NOT_AFTER_INFINITIVE = frozenset({"en", "et", "ei", "ein", "eit", "og", "men", "som", "at", ",", ".", ";", "!", "?", ""})


def _gap(source: str, translation: str) -> str | None:
    """What makes a short Norwegian translation read as if words were dropped: it starts in lower
    case where the source starts with a capital, a word stands twice (kritikk av av), an article
    before another (en et), or the infinitive mark before no verb (å og, å en, å at the end)."""
    first, start = _OPENING.match(source), _OPENING.match(translation)
    if first and start and first.group(1).isupper() and start.group(1).islower():
        return "starts in lower case where the source starts with a capital"
    tokens = re.findall(r"[\w'’-]+|[.,;:!?]", translation)
    for at, (word, following) in enumerate(zip(tokens, [*tokens[1:], ""], strict=True)):
        if not (word.isalpha() and word.islower()):
            continue
        doubled = word == following and word not in _DOUBLED_IN_GRAMMAR and not _DOUBLED.search(source)  # plus plus
        if doubled or word in _ARTICLES - {"et"} and following in _ARTICLES:  # Nynorsk "som et eit" = that eats a
            return f"has “{word} {following}”"
        if word == "å" and at and following in _NOT_AFTER_INFINITIVE:
            return f"has “å {following}”".replace(" ”", "” at the end")
    return None


# A Norwegian translation of English is about as long or longer; one a tenth shorter that lacks the
# full stop its source has was cut off (human ones that lack it are complete sentences, as long).
CUT_SHORT_RATIO = -0.1
# A Norwegian sentence ends with its full stop, or with the closing quote or bracket of what it
# quotes (Norwegian may leave the stop out before »: «Vi har sett på tallene»).
_ENDED = re.compile(TERMINAL.pattern + r"|[»”\"')\]]$")
