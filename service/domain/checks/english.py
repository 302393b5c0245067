"""What the checks know of English as the translation's language: its months, number words and
scales, how it writes numbers in digits and words, and its function words."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .values import ONE, WORD

ENGLISH_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}

ENGLISH_SCALES = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "m": 1e6, "mn": 1e6,
                  "billion": 1e9, "billions": 1e9, "bn": 1e9, "trillion": 1e12, "k": 1e3}
ENGLISH_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "thousand": 1000, "dozen": 12, "twice": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "half": 0.5, "million": 1e6, "billion": 1e9,
}

_EN_NUMBER = re.compile(
    r"(?<!\d)(?<!\d[.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0]\d{3})+|\d+(?:[.:]\d+)?)"
    r"(?:st|nd|rd|th)?(?:[\s-]?(?P<scale>[A-Za-z]+))?"
)

_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
# … and as ordinals: twenty-fourth
_UNITS |= {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9}
# An abbreviation in mixed case, said in words like an acronym (PhD, WiFi, MSc).
MIXED_CASE_ABBREVIATION = r"[A-Z][a-z]?[A-Z][a-z]?"
_COMPOUND_NUMBER = re.compile(rf"\b({'|'.join(_TENS)})[- ]({'|'.join(_UNITS)})\b", re.IGNORECASE)

def _en_value(text: str) -> float:
    text = text.replace("\u00a0", " ")
    if ":" in text:
        hours, minutes = text.split(":", 1)
        return float(f"{hours}.{minutes}")
    return float(text.replace(",", "").replace(" ", ""))

_ONE_WORDS = {"a", "an", "one", "single", "once", "first"}

def digit_numbers(translation: str) -> Iterator[tuple[re.Match[str], set[float]]]:
    """Each number an English sentence writes in digits, with the values it may stand for."""
    for match in _EN_NUMBER.finditer(translation):
        try:
            value = _en_value(match.group("num"))
        except ValueError:
            continue
        values = {value}
        scale = (match.group("scale") or "").lower()
        if scale in ENGLISH_SCALES:
            values.add(value * ENGLISH_SCALES[scale])
        if re.fullmatch(r"\d+\.\d+", match.group("num")):  # "3.49" may be a time: "3:49" too
            values.add(round(value, 2))
        if scale in ("am", "pm", "p", "a"):
            values.add(value + 12)
        yield match, values

def translation_numbers(translation: str) -> list[set[float]]:
    """Each number of an English sentence (digits, words, months), as the values it may stand for."""
    found: list[set[float]] = [values for _, values in digit_numbers(translation)]
    compounds = list(_COMPOUND_NUMBER.finditer(translation))
    for compound in compounds:  # "fifty-eight"
        found.append({float(_TENS[compound.group(1).lower()] + _UNITS[compound.group(2).lower()])})
    in_compound = {w.lower() for c in compounds for w in (c.group(1), c.group(2))}
    words = [re.sub(r"['’]s$", "", w.lower()) for w in WORD.findall(translation)]
    words = [w[:-1] if w.endswith("s") and w[:-1] in ENGLISH_NUMBER_WORDS else w for w in words]  # "fours"
    found += [{ONE} for w in words if w in _ONE_WORDS]
    for index, word in enumerate(words):
        if word in ENGLISH_MONTHS:
            found.append({-float(ENGLISH_MONTHS[word])})
        if word in ENGLISH_NUMBER_WORDS and word not in in_compound:
            value = float(ENGLISH_NUMBER_WORDS[word])
            values = {value}
            following = words[index + 1] if index + 1 < len(words) else ""
            if following in ENGLISH_SCALES:
                values.add(value * ENGLISH_SCALES[following])
            if following in ("decade", "decades"):
                values.add(value * 10)  # dei siste 20 åra → the past two decades
            found.append(values)
    return found

ENGLISH_FUNCTION_WORDS = frozenset(
    "the a an it its of and or but to in on at by for with from as if so not no this that these those who what "
    "which is are was be do my your our their his her he she we you they me us them".split()
)


def english_function_word(word: str) -> bool:
    return word.lower() in ENGLISH_FUNCTION_WORDS


def common_english(name: str) -> bool:
    """A name English also uses as an ordinary word (Radio, Bush, League): it may be written in
    lower case, or said another way."""
    from wordfreq import zipf_frequency

    return zipf_frequency(name.lower(), "en") >= 4.0
