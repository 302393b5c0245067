"""Faithfulness checks of one (Norwegian source sentence, English translation) pair, with no
model: what a reader would notice is wrong. Each finding is an ``Issue``: a code and a short
message in plain words.

Codes:
- ``number``: a number, date, time, amount or percentage of the source is not in the
  translation (Norwegian forms understood: ``70.000`` = ``70,000``, ``4,5`` = ``4.5``,
  ``1,2 mrd.`` = ``1.2 billion``, ``kl. 3.49`` = ``3:49``, ``13. februar`` = ``February 13``);
- ``link``: a URL, e-mail address, @handle or #tag is not carried over verbatim;
- ``name``: a capitalised name of the source is missing (genitive -s and common exonyms such as
  Norge → Norway are allowed for);
- ``repetition``: a loop (a word, phrase or letters repeated over and over) the source does not have;
- ``length``: the translation is implausibly short or long for the source, or stops mid-sentence;
- ``untranslated``: the output is the source itself; ``empty``: there is no output;
- ``glossary``: the model lost a glossary term's placeholder (the pipeline adds the term at the
  end of the sentence and says so).

The length bounds were calibrated on the FLORES-200 devtest and NTREX-128 pairs (human
translations): as tight as they can be while the checks together flag at most 2 % of the good
Bokmål translations of either set (``oversett eval --task checks`` shows what looser bounds cost).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from ..text import locate, normalise_source


@dataclass(frozen=True)
class Issue:
    code: str
    message: str


Code = Literal["number", "link", "name", "repetition", "length", "untranslated", "empty", "glossary"]
CODES: tuple[str, ...] = get_args(Code)  # the API's IssueOut.code takes Code itself

# --- numbers -------------------------------------------------------------------------------

NORWEGIAN_MONTHS = {
    "januar": 1, "februar": 2, "mars": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12,
}
ENGLISH_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
NORWEGIAN_SCALES = {
    "tusen": 1e3, "million": 1e6, "millioner": 1e6, "mill": 1e6, "mln": 1e6, "milliard": 1e9,
    "milliarder": 1e9, "mrd": 1e9, "billion": 1e12, "billioner": 1e12,
}
# Numbers Norwegian writes in words ("to til fem dager", "rundt førti", "det tiende århundre").
# Not en/ett/ei (also articles), første or andre (also "other").
NORWEGIAN_NUMBER_WORDS = {
    "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9, "ti": 10,
    "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14, "femten": 15, "seksten": 16, "sytten": 17,
    "atten": 18, "nitten": 19, "tjue": 20, "tyve": 20, "tretti": 30, "tredve": 30, "førti": 40, "femti": 50,
    "seksti": 60, "sytti": 70, "åtti": 80, "nitti": 90, "hundre": 100, "tusen": 1000,
    "tredje": 3, "fjerde": 4, "femte": 5, "sjette": 6, "sjuande": 7, "sjuende": 7, "syvende": 7, "åttande": 8,
    "åttende": 8, "niande": 9, "niende": 9, "tiande": 10, "tiende": 10, "ellevte": 11, "tolvte": 12,
    "hundrede": 100, "tusende": 1000,
}
# Words that are numbers only now and then (en bil, andre land): they may account for a digit of
# the translation (andre verdenskrig → World War 2) but are never looked for.
NORWEGIAN_MAYBE_NUMBERS = {"en": 1, "ett": 1, "ei": 1, "eitt": 1, "første": 1, "fyrste": 1, "andre": 2}
_AGED = re.compile(rf"({'|'.join(sorted(NORWEGIAN_NUMBER_WORDS, key=len, reverse=True))})-?åring(?:en|er|ane|ar|ene)?")
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

# Norwegian: a date 17.09.1939, a time 22:08 / kl. 15.00, 70.000 / 70 000 (thousands), 4,5
# (decimal), 1500-tallet (a century); then an optional unit or scale word.
_NO_NUMBER = re.compile(
    r"(?<!\d)(?<!\d[,.])(?:(?P<date>\d{1,2}\.\d{1,2}\.\d{2,4})|(?P<clock>\d{1,2}:\d{2}[.,]\d{1,3}(?!\d)|\d{1,2}:\d(?!\d))"
    r"|(?P<time>\d{1,2}[:.]\d{2})(?!\d)(?![.,]\d)"
    r"|(?P<num>\d{1,3}(?:[ \u00a0.]\d{3})+(?!\d)(?:,\d+)?|\d+,\d+|\d+\.\d+|\d+))(?P<century>-tal(?:l)?et)?"
    r"(?:\s?(?P<scale>°\s?C|[A-Za-zæøå/]+)\.?)?"
)
_EN_NUMBER = re.compile(
    r"(?<!\d)(?<!\d[.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0]\d{3})+|\d+(?:[.:]\d+)?)"
    r"(?:st|nd|rd|th)?(?:[\s-]?(?P<scale>[A-Za-z]+))?"
)
# Units that English texts often convert: (Norwegian unit, factors to the usual English units).
UNIT_FACTORS: dict[str, tuple[float, ...]] = {
    "kg": (2.20462,), "kilo": (2.20462,), "cm": (1 / 2.54,), "mm": (1 / 25.4,), "m": (3.28084,),
    "meter": (3.28084,), "km": (0.621371,), "km/t": (0.621371,), "kilometer": (0.621371,),
    "liter": (0.264172, 2.11338), "grader": (1.8,), "graders": (1.8,), "tonn": (1.10231,),
    "mil": (6.21371,), "°c": (1.8,), "° c": (1.8,),
    "centimeter": (1 / 2.54,), "millimeter": (1 / 25.4,), "kilogram": (2.20462,), "gram": (0.035274,),
    "km²": (0.386102,), "kvadratkilometer": (0.386102,), "hektar": (2.47105,), "meter/sekund": (2.23694,),
}
UNIT_FACTORS["cm"] += (1 / 30.48,)  # centimetres to inches or feet (60 centimeter → a two-foot brim)
UNIT_FACTORS["centimeter"] += (1 / 30.48,)
UNIT_FACTORS["m"] += (1.09361,)  # metres to feet or yards
UNIT_FACTORS["meter"] += (1.09361,)
_RANGE = re.compile(r"\s*(?:–|-|til|to|og)\s*$")
_CELSIUS = ("grader", "°c", "° c")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def _no_value(text: str) -> float:
    text = text.replace("\u00a0", " ")
    if re.fullmatch(r"\d{1,3}(?:[ .]\d{3})+(?:,\d+)?", text):
        text = text.replace(" ", "").replace(".", "")
    return float(text.replace(",", "."))


_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_COMPOUND_NUMBER = re.compile(rf"\b({'|'.join(_TENS)})[- ]({'|'.join(_UNITS)})\b", re.IGNORECASE)


def _en_value(text: str) -> float:
    text = text.replace("\u00a0", " ")
    if ":" in text:
        hours, minutes = text.split(":", 1)
        return float(f"{hours}.{minutes}")
    return float(text.replace(",", "").replace(" ", ""))


def _time_values(hours: int, minutes: int) -> set[float]:
    """22:08 may be written 22:08, 10:08 (p.m.), 2208; 15.00 also 15 or 3 (p.m.)."""
    values = {hours + minutes / 100, hours * 100 + minutes}
    if hours > 12:
        values.add(hours - 12 + minutes / 100)
    if minutes == 0:
        values.update({float(hours), float(hours - 12) if hours > 12 else float(hours)})
    return values


def source_numbers(source: str) -> list[tuple[str, set[float]]]:
    """Each number of a Norwegian sentence, with the values a translation may show it as
    (months as negative numbers, so they match month names)."""
    found: list[tuple[str, set[float]]] = []
    words = [w.lower() for w in _WORD.findall(source)]
    after_kl = re.compile(r"(?:kl|klokka|klokken)\.?\s*$", re.IGNORECASE)
    matches = list(_NO_NUMBER.finditer(source))
    years: set[int] = set()
    for position, match in enumerate(matches):
        if match.group("date"):
            day, month, year = (int(x) for x in match.group("date").split("."))
            found += [(match.group("date"), {float(day)}), (match.group("date"), {-float(month)})]
            if year not in years:  # "24.08.2021 til 05.09.2021" = "24 August to 5 September 2021"
                years.add(year)
                found.append((match.group("date"), {float(year), float(year % 100), float(2000 + year % 100)}))
            continue
        if match.group("clock"):  # a race time 4:41.30 (English: 4:41.30 too), a ratio 3:2
            minutes, rest = match.group("clock").split(":")
            found.append((match.group("clock"), {float(f"{minutes}.{rest[:2]}")}))
            continue
        if match.group("time"):
            raw = match.group("time")
            hours, minutes = (int(x) for x in re.split(r"[:.]", raw))
            if hours < 24 and minutes < 60:  # a time (or a decimal number: 17.30 is both)
                found.append((raw, _time_values(hours, minutes) | {float(raw.replace(":", "."))}))
                continue
            values = {float(raw.replace(":", "."))}
        else:
            raw = match.group("num")
            try:
                values = {_no_value(raw)}
            except ValueError:
                continue
            if re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw):  # English digit grouping in the source
                values.add(float(raw.replace(",", "")))
        value = next(iter(values))
        if after_kl.search(source[: match.start()]) and value.is_integer() and value < 24:
            values |= _time_values(int(value), 0)
        if match.group("century"):
            values |= {value / 100 + 1, value}
        scale = (match.group("scale") or "").lower()
        if scale not in NORWEGIAN_SCALES and scale not in UNIT_FACTORS and scale not in _CELSIUS:
            scale = ""  # a word, not a unit: "5 og 7 centimeter"
        following = matches[position + 1] if position + 1 < len(matches) else None
        number_end = match.end("scale") if scale else max(match.end(g) for g in ("num", "time", "century") if match.group(g))
        if not scale and following is not None and _RANGE.fullmatch(source[number_end : following.start()]):
            scale = (following.group("scale") or "").lower()  # "3 til 10 cm": both in cm
        if scale in NORWEGIAN_SCALES:
            values.add(value * NORWEGIAN_SCALES[scale])
        for factor in UNIT_FACTORS.get(scale, ()):
            values.add(-1e12 - value * factor)  # converted units match within 20% (see _same)
        if scale in _CELSIUS:
            values.add(-1e12 - (value * 1.8 + 32))
        if value == 1:
            values.add(ONE)
        found.append((raw, values))
    words = [w.lower() for w in _WORD.findall(source)]
    for index, word in enumerate(words):
        if word in NORWEGIAN_MONTHS and (word != "mai" or index > 0):
            found.append((word, {-float(NORWEGIAN_MONTHS[word])}))
    return found


def source_number_words(source: str) -> list[tuple[str, set[float]]]:
    """Numbers the source writes in words (fire, førti, tiende, trettenåring). A translation may
    say them otherwise (ti år → a decade, to ganger → twice, til syvende og sist → ultimately),
    so they are not required; they account for digits of the translation (rundt førti → about 40)."""
    found: list[tuple[str, set[float]]] = []
    words = [w.lower() for w in _WORD.findall(source)]
    for index, word in enumerate(words):
        if "døgn" in word or "døger" in word:
            found.append((word, {24.0}))  # ett døgn, døgnet: 24 hours
        aged = _AGED.fullmatch(word)  # trettenåring: a 13-year-old
        number = NORWEGIAN_NUMBER_WORDS.get(aged.group(1) if aged else word, NORWEGIAN_MAYBE_NUMBERS.get(word))
        if number is None:
            continue
        following = words[index + 1] if index + 1 < len(words) else ""
        values = {float(number)}
        if following in NORWEGIAN_SCALES:
            values.add(number * NORWEGIAN_SCALES[following])
        for factor in UNIT_FACTORS.get(following, ()):
            values.add(-1e12 - number * factor)
        if following in ("døgn", "døger"):
            values.add(24.0 * number)
        found.append((word, values))
    return found





ONE = -2e12  # "1" may be "a", "an", "one" or "single"
_ONE_WORDS = {"a", "an", "one", "single", "once", "first"}


def _digit_numbers(translation: str) -> Iterator[tuple[re.Match[str], set[float]]]:
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
    found: list[set[float]] = [values for _, values in _digit_numbers(translation)]
    compounds = list(_COMPOUND_NUMBER.finditer(translation))
    for compound in compounds:  # "fifty-eight"
        found.append({float(_TENS[compound.group(1).lower()] + _UNITS[compound.group(2).lower()])})
    in_compound = {w.lower() for c in compounds for w in (c.group(1), c.group(2))}
    words = [re.sub(r"['’]s$", "", w.lower()) for w in _WORD.findall(translation)]
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
    for match, candidates in _digit_numbers(translation):
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


# --- links ---------------------------------------------------------------------------------

_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>«»\"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@])@\w{2,}|(?<![\w&#])#\w*[^\W\d_]\w*"
)


def links(text: str) -> list[str]:
    return [match.group().rstrip(".,;:!?)»\"'") for match in _LINK.finditer(text)]


# --- names ---------------------------------------------------------------------------------

EXONYMS: dict[str, tuple[str, ...]] = {
    "norge": ("norway",), "noreg": ("norway",), "sverige": ("sweden",), "danmark": ("denmark",),
    "tyskland": ("germany",), "frankrike": ("france",), "russland": ("russia",), "kina": ("china",),
    "usa": ("us", "u.s", "united states", "america"), "storbritannia": ("britain", "united kingdom", "uk"),
    "nederland": ("netherlands", "holland"), "belgia": ("belgium",), "spania": ("spain",),
    "italia": ("italy",), "hellas": ("greece",), "tyrkia": ("turkey", "türkiye"), "polen": ("poland",),
    "østerrike": ("austria",), "sveits": ("switzerland",), "island": ("iceland",), "irland": ("ireland",),
    "skottland": ("scotland",), "europa": ("europe",), "afrika": ("africa",), "amerika": ("america",),
    "brasil": ("brazil",), "københavn": ("copenhagen",), "moskva": ("moscow",), "roma": ("rome",),
    "wien": ("vienna",), "münchen": ("munich",), "praha": ("prague",), "warszawa": ("warsaw",),
    "bryssel": ("brussels",), "genève": ("geneva",), "lisboa": ("lisbon",), "athen": ("athens",),
    "fn": ("un", "united nations"), "eu": ("eu", "european union"), "nord-korea": ("north korea",),
    "sør-korea": ("south korea",), "sør-afrika": ("south africa",), "midtøsten": ("middle east",),
    "ukraina": ("ukraine",), "hviterussland": ("belarus",), "mexico": ("mexico",), "japan": ("japan",),
    "egypt": ("egypt",), "syria": ("syria",), "irak": ("iraq",), "iran": ("iran",), "israel": ("israel",),
    "libanon": ("lebanon",), "marokko": ("morocco",), "etiopia": ("ethiopia",), "kenya": ("kenya",),
    "australia": ("australia",), "canada": ("canada",), "argentina": ("argentina",), "india": ("india",),
    "pakistan": ("pakistan",), "filippinene": ("philippines",), "vietnam": ("vietnam",),
    "nord-amerika": ("north america",), "sør-amerika": ("south america",), "jorden": ("earth",),
    "månen": ("moon",), "solen": ("sun",), "sola": ("sun",), "stortinget": ("storting", "parliament"),
    "gud": ("god",), "jesus": ("jesus",), "kristus": ("christ",), "bibelen": ("bible",),
    "finland": ("finland",), "estland": ("estonia",), "latvia": ("latvia",), "litauen": ("lithuania",),
    "grønland": ("greenland",), "færøyene": ("faroe",), "atlanterhavet": ("atlantic",),
    "stillehavet": ("pacific",), "middelhavet": ("mediterranean",), "nordpolen": ("north pole",),
    "sydpolen": ("south pole",), "antarktis": ("antarctica",), "arktis": ("arctic",),
    "haag": ("hague",), "köln": ("cologne",), "bayern": ("bavaria",), "ludvig": ("louis",),
    "twitter": ("twitter", "tweet"), "kypros": ("cyprus",), "preussen": ("prussia",), "sibir": ("siberia",),
    "normandie": ("normandy",), "bretagne": ("brittany",), "flandern": ("flanders",), "jylland": ("jutland",),
    "sjælland": ("zealand",), "østersjøen": ("baltic",), "nordsjøen": ("north sea",),
    "svartehavet": ("black sea",), "rødehavet": ("red sea",), "donau": ("danube",), "rhinen": ("rhine",),
    "themsen": ("thames",), "nilen": ("nile",), "alpene": ("alps",), "vatikanet": ("vatican",),
    "karibia": ("caribbean",), "skandinavia": ("scandinavia",), "kaukasus": ("caucasus",),
    "kroatia": ("croatia",), "ungarn": ("hungary",), "kreta": ("crete",), "mekka": ("mecca",),
    "kors": ("cross",), "wales": ("wales", "welsh"), "new": ("ny", "nyc"), "york": ("ny", "nyc"),
    "united": ("u.s", "us", "usa"), "states": ("u.s", "us", "usa"), "los": ("la", "l.a"), "angeles": ("la", "l.a"),
}
EXONYMS["storbritannia"] += ("u.k", "british", "england")
EXONYMS |= {"sankt": ("st", "saint"), "napoli": ("naples",), "firenze": ("florence",), "venezia": ("venice",),
            "milano": ("milan",), "torino": ("turin",), "beograd": ("belgrade",), "bucuresti": ("bucharest",),
            "noreg": ("norway",), "nord-irland": ("northern ireland",), "kvitrussland": ("belarus",),
            "st": ("saint", "st"), "dr": ("doctor", "dr"), "nord": ("north",), "sør": ("south",), "øst": ("east",), "vest": ("west",), "kapp": ("cape",)}
# A country's name may become its adjective in English (Tyskland sitt landslag → the German team).
DEMONYMS = {
    "norge": "norwegian", "noreg": "norwegian", "sverige": "swedish", "danmark": "danish", "finland": "finnish",
    "island": "icelandic", "tyskland": "german", "frankrike": "french", "spania": "spanish", "italia": "italian",
    "russland": "russian", "kina": "chinese", "japan": "japanese", "usa": "american", "amerika": "american",
    "storbritannia": "british", "england": "english", "skottland": "scottish", "irland": "irish", "polen": "polish",
    "nederland": "dutch", "hellas": "greek", "tyrkia": "turkish", "india": "indian", "canada": "canadian",
    "mexico": "mexican", "brasil": "brazilian", "australia": "australian", "ukraina": "ukrainian", "iran": "iranian",
    "israel": "israeli", "egypt": "egyptian", "europa": "european", "afrika": "african", "asia": "asian",
}
# Capitalised words that open Norwegian names of institutions and places ("Det hvite hus",
# "Den internasjonale domstolen"): the English says them in other words.
NAME_OPENERS = frozenset({"det", "den", "de", "dei", "nye", "store", "lille", "gamle", "forente", "hvite", "røde"})
# Capitalised words that start a sentence, or that Norwegian capitalises although they are
# not names a translation keeps.
_NAME = re.compile(r"(?<![\w'’-])([A-ZÆØÅÄÖÜÉ][\w'’]*(?:-[\w'’]+)*)")
ABBREVIATED = frozenset({"nr", "kr", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "co", "inc", "ltd", "fr", "hr", "e", "f"})
# … but these, before a name, are part of it: St. Petersburg, Dr. Moll (Saint Petersburg, Doctor Moll).
NAME_ABBREVIATIONS = re.compile(r"\.?\s+[A-ZÆØÅ]")
TITLES = frozenset({"mr", "mrs", "ms", "herr", "fru", "frk", "sen", "pastor"})  # Mr Bean → Bean


def names(source: str) -> list[str]:
    """Capitalised words of the source that are names a translation keeps: not an acronym
    (``FN``, ``TV-kanal``), not a Norwegian word that English does not use (``Stortinget``,
    ``Melkeveien``: such names are translated), and, first in a sentence, only when the word
    is no common Norwegian word (``Bush sa …`` yes, ``Regjeringen sa …`` no)."""
    from ..text import segment

    starts = _sentence_starts(source, segment(source).sentences)
    found: list[str] = []
    for match in _NAME.finditer(source):
        word = match.group(1)
        head = word.split("-", 1)[0]
        if len(word) < 2 or head.isupper() or head.rstrip("s").isupper():
            continue  # an acronym, or an acronym compound: FN-leiren, PC-er
        if source[match.end() : match.end() + 1] == "." and word.lower() in ABBREVIATED:
            if not (word.lower() in ("st", "dr") and NAME_ABBREVIATIONS.match(source, match.end())):
                continue
        if word.lower() in TITLES or source[match.start() - 1 : match.start()] == ".":
            continue  # a title, or the end of an abbreviation (e.Kr.)
        if _english_function_word(word) or word.lower() in NORWEGIAN_NUMBER_WORDS:
            continue  # The Sunday Times → the Sunday Times, «I Love It» → I Love it, Dei Sju Systrer
        if word.lower() in norwegian_case()[0] and _commonest(word.lower()) >= VERY_COMMON_ZIPF:
            continue  # a very common word written with a capital: «…,» Sa Glen Cushing, «… om Eg behøver …»
        if word.lower() in NAME_OPENERS or (word.lower() not in EXONYMS and _translated_word(word)):
            continue
        if match.start() in starts and not _name_even_first(word):
            continue
        found.append(word)
    return found


def _sentence_starts(source: str, sentences: list[str]) -> set[int]:
    """Where each sentence's first word begins (after opening quotes, brackets and dashes)."""
    starts: set[int] = set()
    for at, end in locate(sentences, source):
        opening = re.match(r"[\s«\"“‘'(\[–—-]*", source[at:end])
        starts.add(at + (opening.end() if opening else 0))
    # After a colon or an opening quote a sentence may begin too: «Vi har …», oppfatninger: At …
    # A straight quote opens only where a word does not end right before it ("Hans" Geiger).
    starts.update(m.end() for m in re.finditer(r"(?:[:«“]\s*|(?<!\w)\"(?!\s))(?=\w)", source))
    return starts


def _name_even_first(word: str) -> bool:
    """A sentence's first word is a name when Norwegian writes it capitalised in mid-sentence
    (``service/data/norwegian_case.txt``), or when it is no common word of Norwegian or English
    (Danius, Carpanedo, Kavanaugh, Rockies)."""

    key = word.lower()
    common, capitalised = norwegian_case()
    if key in common:
        return False
    if word in capitalised:
        return True
    norwegian, english = _frequencies(key)
    # Not a common word of either language: a name, unless it is a Norwegian compound or has a
    # Norwegian inflection. A word both languages know well (Bush, but also President, Pass)
    # cannot be told from a word here.
    return (
        norwegian < FIRST_NORWEGIAN_ZIPF and english < FIRST_ENGLISH_ZIPF and not norwegian_compound(key)
        and not key.endswith(NORWEGIAN_ENDINGS)
        and _scandinavian(key + "e") < COMPOUND_PART_ZIPF  # an imperative: Utarbeid (utarbeide) …
    )


VERY_COMMON_ZIPF = 5.5  # a Norwegian word this common is no name, even with a capital
FIRST_NORWEGIAN_ZIPF = 3.0  # a sentence's first word, unknown in lower case, this rare in Norwegian …
FIRST_ENGLISH_ZIPF = 4.0  # … and in English is a name


@lru_cache(maxsize=1)
def norwegian_case() -> tuple[frozenset[str], frozenset[str]]:
    """(common words, names): how Norwegian gold text writes words after a sentence's first word
    (built by ``python -m eval.lexicon``)."""
    lines = (Path(__file__).parent / "data" / "norwegian_case.txt").read_text(encoding="utf-8").splitlines()
    words = [line for line in lines if line and not line.startswith("#")]
    return frozenset(w for w in words if w.islower()), frozenset(w for w in words if not w.islower())


NORWEGIAN_ENDINGS = ("ene", "ane", "en", "et", "er", "ers", "ets", "ens", "ing", "ingen", "else", "heten", "het", "inga", "ar")


@lru_cache(maxsize=65536)
def _frequencies(word: str) -> tuple[float, float]:
    """Zipf frequencies (Norwegian, English) of a word, or of it without a genitive -s when
    the word itself is unknown."""
    from wordfreq import zipf_frequency

    norwegian, english = _scandinavian(word), zipf_frequency(word, "en")
    base = _base(word)
    if norwegian == 0 and english == 0 and base != word:
        norwegian, english = _scandinavian(base), zipf_frequency(base, "en")
    return norwegian, english


@lru_cache(maxsize=65536)
def _scandinavian(word: str) -> float:
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


def _commonest(word: str) -> float:
    """How common a word is in Bokmål, or as its Bokmål spelling when it is Nynorsk (eg → jeg,
    kva → hva), whichever is commoner; ``_scandinavian`` asks the second only of rare words."""
    return max(_scandinavian(word), _as_bokmal(word))


# Nynorsk spellings and their Bokmål counterparts, for looking a Nynorsk word up in the Bokmål
# list (wordfreq has none for Nynorsk): ifølgje → ifølge, høgsterett → høyesterett, mjølkevegen →
# melkeveien, forhåpentlegvis → forhåpentligvis, raudekrossen → rødekorsen …
_NYNORSK_SPELLINGS = (
    ("gje", "ge"), ("leg", "lig"), ("høg", "høy"), ("raud", "rød"), ("mjølk", "melk"), ("vegen", "veien"),
    ("veg", "vei"), ("kj", "k"), ("ei", "e"), ("au", "ø"), ("jo", "ju"), ("ø", "y"), ("øy", "ø"), ("å", "o"),
    ("sjølv", "selv"), ("kva", "hva"), ("kven", "hvem"), ("korleis", "hvordan"), ("ikkje", "ikke"), ("eg", "jeg"),
    ("kross", "kors"), ("ver", "vær"), ("vêr", "vær"), ("erd", "ørels"), ("je", "jø"), ("an", "en"), ("dd", "dt"),
    ("are", "ere"), ("arar", "ere"),
)
_NYNORSK_ENDINGS = (
    ("ane", "ene"), ("ar", "er"), ("a", "en"), ("a", "et"), ("inga", "ingen"), ("ast", "est"), ("te", "et"),
    ("as", "ens"), ("era", "eren"), ("ar", "e"),
)


def bokmal_forms(word: str) -> list[str]:
    """Bokmål spellings a Nynorsk word may have (each rewrite alone, and with an ending changed)."""
    forms = {word.replace(a, b, count) for a, b in _NYNORSK_SPELLINGS if a in word for count in (1, -1)}
    every = word
    for a, b in _NYNORSK_SPELLINGS:  # and all of them at once: seinare → senere, utanlandske → utenlandske
        every = every.replace(a, b) if a not in ("ø", "å", "øy") else every
    forms.add(every)
    forms |= {f[: -len(a)] + b for f in [word, *forms] for a, b in _NYNORSK_ENDINGS if f.endswith(a) and len(f) > len(a) + 2}
    forms.discard(word)
    return sorted(forms)


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
            _scandinavian(stem) >= head for stem in (left, left.removesuffix("s"), left.removesuffix("e"))
            if len(stem) >= 3
        )
        if not left_known:
            continue
        endings = (right, *(right[: -len(e)] for e in ("ene", "ane", "en", "et", "er", "a") if right.endswith(e)))
        if any(_scandinavian(r) >= COMPOUND_TAIL_ZIPF for r in endings if len(r) >= 4):
            return True
        if norwegian_compound(right, depth + 1, head):
            return True
    return False


COMPOUND_PART_ZIPF = 3.0  # the first part of a compound: a common Norwegian word
COMPOUND_TAIL_ZIPF = 2.0  # the rest (perhaps with a definite or plural ending)
NAME_COMPOUND_PART_ZIPF = 3.5  # … and the first part of a capitalised word in mid-sentence


def _translated_word(word: str) -> bool:
    """A Norwegian word English does not use (wordfreq's frequency lists), so a translation
    says it in English rather than keeping it."""

    from wordfreq import zipf_frequency

    parts = [p for p in word.lower().split("-") if p]
    for part in parts:
        norwegian, english = _frequencies(part)
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
DIRECTIONS = {"nord", "sør", "øst", "vest", "nordvest", "nordøst", "sørvest", "sørøst", "mellom", "sentral"}


_APOSTROPHES = str.maketrans(dict.fromkeys("’‘ʼ`´", "'"))  # Sainsbury’s = Sainsbury's, I’m = I'm


def _folded(text: str) -> str:
    return _folded_keep_case(text.lower())


def _folded_keep_case(text: str) -> str:
    return unicodedata.normalize("NFKD", text.translate(_APOSTROPHES)).encode("ascii", "ignore").decode()


@lru_cache(maxsize=65536)
def _sound(text: str) -> str:
    """A rough spelling-independent key: Konstantinopel ~ Constantinople, Mekka ~ Mecca."""
    key = _folded(text.replace("ø", "o").replace("æ", "ae").replace("å", "a"))
    for old, new in (("ph", "f"), ("ck", "k"), ("c", "k"), ("q", "k"), ("w", "v"), ("y", "i"), ("j", "i"), ("z", "s")):
        key = key.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", key)


def _own_forms(name: str) -> set[str]:
    """The name as written, without the genitive, and without a definite ending (case kept)."""
    name = name.rstrip("'’")
    forms = {name, _base(name)}
    for base in list(forms):
        if base.endswith(("en", "et")) and len(base) > 5:
            forms.add(base[:-2])
    return {f for f in forms if len(f) >= 2}


def _exonyms(name: str) -> set[str]:
    known = cldr_exonyms()
    return {e for form in _own_forms(name) for e in (*EXONYMS.get(form.lower(), ()), *known.get(form.lower(), ()))}


@lru_cache(maxsize=1)
def cldr_exonyms() -> dict[str, frozenset[str]]:
    """English names of countries, territories and cities as Bokmål and Nynorsk write them
    (Unicode CLDR, through Babel): Kypros → Cyprus, Hongkong → Hong Kong, Moskva → Moscow."""
    from babel import Locale

    english = Locale("en")
    found: dict[str, set[str]] = {}

    def add(norwegian: str | None, name: str | None) -> None:
        if norwegian and name:
            norwegian, name = (re.sub(r"\s+SAR\b.*", "", n).lower() for n in (norwegian, name))
            if norwegian != name:
                found.setdefault(norwegian, set()).add(name)

    for code in ("nb", "nn"):
        locale = Locale(code)
        for key, norwegian in locale.territories.items():
            add(norwegian, english.territories.get(key))
        for zone, names in locale.time_zones.items():
            add(names.get("city"), english.time_zones.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " "))
    return {norwegian: frozenset(names) for norwegian, names in found.items()}


_GENITIVE_END = r"(?:['’]?s)?(?!\w)"  # a name may take a genitive, but no other ending (Iran is not Iranian)


ENGLISH_FUNCTION_WORDS = frozenset(
    "the a an it its of and or but to in on at by for with from as if so not no this that these those who what "
    "which is are was be do my your our their his her he she we you they me us them".split()
)


def _english_function_word(word: str) -> bool:
    return word.lower() in ENGLISH_FUNCTION_WORDS


def _common_english(name: str) -> bool:
    """A name English also uses as an ordinary word (Radio, Bush, League): it may be written in
    lower case, or said another way."""
    from wordfreq import zipf_frequency

    return zipf_frequency(name.lower(), "en") >= 4.0


def name_is_kept(name: str, translation: str, source: str = "", taken_words: frozenset[str] | None = None) -> bool:
    """Whether the translation keeps a name of the source: as written (perhaps with a genitive),
    as its English exonym, or spelled the English way (Konstantinopel ~ Constantinople).

    English may say a name longer (Premier League → Premiership, Tonganske → Tongan), but not when
    the longer word has its own source in the ``source`` sentence: another of its capitalised
    words (John is not Johnson, Hong is not Kong) or a derivation of the name (with ``iranske`` in
    the source, Iranian stands for that word, not for Iran). ``taken_words`` is
    ``spoken_for(source, translation)``, given when several names of one sentence are checked."""
    # A name that is an English word too (Radio, Team, Network) must keep its capital: in lower
    # case it is that word ("talk radio"). A rarer one may lose it (Aurora borealis).
    loses_capital = not _common_english(name)
    text = _folded_keep_case(translation)
    folded = _folded(translation)
    lowered = translation.lower()
    own = {_sound(form) for part in [name, *name.split("-")] if part for form in _own_forms(part)}
    taken = (spoken_for(source, translation) if taken_words is None else taken_words) - own
    derived = _derived(name, source)
    parts = [p for p in re.split(r"[-]", name) if p and p[0].isupper() and p.lower() not in DIRECTIONS]
    parts += [head for head in (_name_head(p) for p in parts) if head]
    for part in parts or [name]:
        for form in _own_forms(part) | _own_forms(name):
            wanted = _folded_keep_case(form)
            for found in re.finditer(rf"(?<![^\W\d_]){re.escape(wanted)}(\w*)", text):
                longer = found.group(1) not in ("", "s")
                if not longer or (not derived and _sound(_base(found.group())) not in taken):
                    return True
        for exonym in _exonyms(part) | _exonyms(name):
            for found in re.finditer(rf"(?<!\w){re.escape(exonym)}(\w*)", lowered):
                if found.group(1) in ("", "s") or (not derived and len(exonym) >= 4):  # Twitter → tweeted
                    return True
        # The country's adjective, unless the source has an adjective of its own (iranske).
        adjective = DEMONYMS.get(_base(part).lower())
        if adjective and re.search(rf"(?<!\w){adjective}(?!\w)", lowered) and not re.search(
            rf"(?<![\w-]){re.escape(part[:3].lower())}\w*(?:sk|ske|isk|iske)(?!\w)", source
        ):
            return True
        # In lower case (Aurora Borealis → Aurora borealis), but as the whole word.
        if loses_capital and any(
            re.search(rf"(?<!\w){re.escape(_folded(form))}{_GENITIVE_END}", folded) for form in _own_forms(part)
        ):
            return True
        wanted_sound = _sound(_base(part))
        if len(wanted_sound) < 4:
            continue
        # Spelled another way (a capitalised word), or, for a name that is an English word too,
        # inflected (County → counties).
        for word in re.findall(r"(?<![\w'’])[^\W\d_]{3,}", translation):
            heard = _sound(_base(word))
            # In lower case only as a plural across a list (Lee og Collier County → Lee and
            # Collier counties): "talk radio" is not TogiNet Radio.
            plural = word.islower() and not loses_capital and word.endswith("s") and heard != wanted_sound
            if heard in taken or not (word[0].isupper() or plural):
                continue
            if derived and len(heard) > len(wanted_sound):
                continue  # Haitian for Haiti, when the source has haitiske too
            prefix = len(wanted_sound) >= 5 and heard.startswith(wanted_sound[:5])
            if prefix or (word[0].isupper() and _close(wanted_sound, heard)):
                return True
    return False


def spoken_for(source: str, translation: str) -> frozenset[str]:
    """Capitalised words of the translation (as sounds) that stand for the same word of the
    source, as often as the source says it: no other name may claim them."""
    in_source = Counter(_sound(_base(word)) for word in _CAPITALISED.findall(source))
    in_translation = Counter(_sound(_base(word)) for word in _CAPITALISED.findall(translation))
    return frozenset(sound for sound, times in in_source.items() if in_translation[sound] <= times)


_CAPITALISED = re.compile(r"(?<![\w'’])[A-ZÆØÅÄÖÜÉ][^\W\d_]+")


_RUN = re.compile(r"(?<![\w'’-])[A-ZÆØÅÄÖÜÉ][\w'’-]*(?:\s+[A-ZÆØÅÄÖÜÉ][\w'’-]*)+")
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sen|Rep|Gov|Col|Gen|Lt|Sgt|Prof)\.?\s+([A-ZÆØÅ][\w'’-]*?)(?:['’]s)?(?![\w'’-])(?!\s+[A-ZÆØÅ])")


def _said_short(name: str, source: str, translation: str) -> bool:
    """Whether English says the many-word name the word belongs to in short: by its initials
    (Louisiana State University → LSU, Assembly Members → AMs), or by a title and one of its words
    alone (Theresa May → Mrs May, Sutopo Purwo Nugroho → Mr. Sutopo)."""
    short = {_base(w) for w in _TITLED.findall(translation)}
    for run in _RUN.finditer(source):
        words = run.group().split()
        if name not in words:
            continue
        initials = "".join(w[0] for w in words if not _english_function_word(w))
        if len(initials) >= 2 and re.search(rf"(?<!\w){re.escape(initials)}s?(?!\w)", translation):
            return True
        if short & {_base(w) for w in words}:
            return True
    return False


def _derived(name: str, source: str) -> bool:
    """Whether the source has a word derived from the name (Iran … iranske, Haiti … Haitiske)."""
    stem = _folded(_base(name))
    return any(len(word) > len(stem) + 2 and _folded(word).startswith(stem) for word in re.findall(r"[^\W\d_]+", source))


def _name_head(word: str) -> str | None:
    """The name in a compound of a name and a Norwegian noun: Rhindalen → Rhin (the Rhine
    valley), Eriekanalen → Erie (the Erie Canal)."""
    lowered = word.lower()
    for cut in range(3, len(word) - 4):
        if _scandinavian(lowered[cut:]) >= COMPOUND_PART_ZIPF:
            return word[:cut]
    return None


def _base(name: str) -> str:
    """A name without its genitive: Canadas → Canada, Erdogans → Erdogan (Hans stays Hans only
    when it is never written without the s)."""
    return re.sub(r"(?<=\w)['’]?s$", "", name)


def _occurrences(name: str, translation: str, source: str = "") -> int:
    """How often the name stands in the translation as it is (perhaps with a genitive), as its
    exonym (Napoli … Naples), or, when the source has no derivation of it, derived (Haiti …
    the Haitian Institute)."""
    lowered = translation.lower()
    ending = r"\w*" if source and not _derived(name, source) else _GENITIVE_END
    return max(len(re.findall(rf"(?<!\w){re.escape(f)}{ending}", translation)) for f in _own_forms(name)) + sum(
        len(re.findall(rf"(?<!\w){re.escape(e)}(?!\w)", lowered)) for e in _exonyms(name) if e != name.lower()
    )


def _close(a: str, b: str) -> bool:
    from difflib import SequenceMatcher

    return abs(len(a) - len(b)) <= 3 and SequenceMatcher(None, a, b).ratio() >= 0.75


# --- repetition ----------------------------------------------------------------------------

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


# --- length --------------------------------------------------------------------------------

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
_TERMINAL = re.compile(r"[.!?…]['\"»”’)\]]*$")


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
    if cut_short and _TERMINAL.search(source) and not _TERMINAL.search(translation):
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


# --- the check -----------------------------------------------------------------------------


COMMON_NORWEGIAN = frozenset("og er det som på til av ikke ikkje med har jeg eg vi at å".split())


def _looks_norwegian(text: str) -> bool:
    """Non-trivial Norwegian: a copy of it is no translation (a line of English names is)."""
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", text)}
    return bool(words & COMMON_NORWEGIAN) or re.search(r"[æøåÆØÅ]", text) is not None


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def check(source: str, translation: str) -> list[Issue]:
    """The issues of one translated sentence (empty when nothing looks wrong)."""
    if not _has_letters(source) and not any(c.isdigit() for c in source):
        return []
    if not translation.strip():
        return [Issue("empty", "The translation is empty.")]
    issues: list[Issue] = []
    if normalise_source(translation) == normalise_source(source) and len(source.split()) >= 3 and _looks_norwegian(source):
        issues.append(Issue("untranslated", "The translation is the source text itself: it was not translated."))
    missing = missing_numbers(source, translation)
    added = added_numbers(source, translation)
    if missing or added:
        messages = [f"Not in the translation: {', '.join(dict.fromkeys(missing))}."] if missing else []
        messages += [f"Not in the source: {', '.join(dict.fromkeys(added))}."] if added else []
        issues.append(Issue("number", " ".join(messages)))
    lost_links = [link for link in links(source) if link not in translation]
    if lost_links:
        issues.append(Issue("link", f"Not carried over verbatim: {', '.join(dict.fromkeys(lost_links))}."))
    found_names = names(source)
    taken = spoken_for(source, translation)  # once for all the names of the sentence
    lost_names = [
        name for name in found_names
        if not name_is_kept(name, translation, source, taken) and not _said_short(name, source, translation)
    ]
    # A name the source repeats and the translation keeps as it is should not be said fewer
    # times (Bush … Bush → Bush … Smith; Canada … Canadas → Canada … Berlin's).
    said = Counter(_base(name) for name in found_names if "-" not in name)
    for name, times in said.items():
        if times > 1 and name not in lost_names and 0 < _occurrences(name, translation, source) < times:
            lost_names.append(name)

    if lost_names:
        issues.append(Issue("name", f"Names missing in the translation: {', '.join(dict.fromkeys(lost_names))}."))
    # A loop in the source ("Nei, nei, nei, nei!") may be a loop in the translation too.
    new_loops = [] if loops(source) else loops(translation)
    if new_loops:
        issues.append(Issue("repetition", f"The translation repeats itself: “{new_loops[0]}…”."))
    problem = length_problem(source, translation)
    if problem and not any(i.code in ("untranslated",) for i in issues):
        issues.append(Issue("length", problem[0].upper() + problem[1:] + "."))
    return issues
