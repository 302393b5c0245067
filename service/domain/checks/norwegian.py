"""What the checks know of Norwegian (Bokmål and Nynorsk) as a source language: its months,
number words and scales, how it writes numbers, dates and times, the units English converts, the
rules for its names (exonyms, demonyms, titles, words that open an institution's name) and the
Nynorsk spellings to look a word up in Bokmål. An English-source set stands beside it in
``english.py``."""

from __future__ import annotations

import re
from functools import lru_cache

from .values import ONE, WORD

NORWEGIAN_MONTHS = {
    "januar": 1, "februar": 2, "mars": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12,
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
SENTENCES_REMEMBERED = 4096  # source sentences whose facts (numbers, names) the checks keep: a batch and its second tries
_AGED = re.compile(rf"({'|'.join(sorted(NORWEGIAN_NUMBER_WORDS, key=len, reverse=True))})-?åring(?:en|er|ane|ar|ene)?")

# Norwegian: a date 17.09.1939, a time 22:08 / kl. 15.00, 70.000 / 70 000 (thousands), 4,5
# (decimal), 1500-tallet (a century); then an optional unit or scale word.
_NO_NUMBER = re.compile(
    r"(?<!\d)(?<!\d[,.])(?:(?P<date>\d{1,2}\.\d{1,2}\.\d{2,4})|(?P<clock>\d{1,2}:\d{2}[.,]\d{1,3}(?!\d)|\d{1,2}:\d(?!\d))"
    r"|(?P<time>\d{1,2}[:.]\d{2})(?!\d)(?![.,]\d)"
    r"|(?P<num>\d{1,3}(?:[ \u00a0.]\d{3})+(?!\d)(?:,\d+)?|\d+,\d+|\d+\.\d+|\d+))(?P<century>-tal(?:l)?et)?"
    r"(?:\s?(?P<scale>°\s?C|[A-Za-zæøå/]+)\.?)?"
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

def _no_value(text: str) -> float:
    text = text.replace("\u00a0", " ")
    if re.fullmatch(r"\d{1,3}(?:[ .]\d{3})+(?:,\d+)?", text):
        text = text.replace(" ", "").replace(".", "")
    return float(text.replace(",", "."))

def _time_values(hours: int, minutes: int) -> set[float]:
    """22:08 may be written 22:08, 10:08 (p.m.), 2208; 15.00 also 15 or 3 (p.m.)."""
    values = {hours + minutes / 100, hours * 100 + minutes}
    if hours > 12:
        values.add(hours - 12 + minutes / 100)
    if minutes == 0:
        values.update({float(hours), float(hours - 12) if hours > 12 else float(hours)})
    return values

@lru_cache(maxsize=SENTENCES_REMEMBERED)
def source_numbers(source: str) -> tuple[tuple[str, frozenset[float]], ...]:
    """Each number of a Norwegian sentence, with the values a translation may show it as
    (months as negative numbers, so they match month names). Worked out once a sentence: both
    number checks, and a second try's checks, ask again."""
    return tuple((raw, frozenset(values)) for raw, values in _source_numbers(source))


def _source_numbers(source: str) -> list[tuple[str, set[float]]]:
    found: list[tuple[str, set[float]]] = []
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
    for index, written in enumerate(WORD.findall(source)):
        word = written.lower()
        if word in NORWEGIAN_MONTHS and not _month_as_name(written, index):
            found.append((word, {-float(NORWEGIAN_MONTHS[word])}))
    return found


def _month_as_name(written: str, index: int) -> bool:
    """Norwegian writes its months in lower case: a capitalised one in mid-sentence is a name (Mai
    Lindstrøm, Mars the planet), and Mars is the planet at a sentence's start too (a sentence seldom
    opens with the month, and an unchecked month costs less than a false alarm); Mai opening a
    sentence is the name as often as the month."""
    return written[0].isupper() and (index > 0 or written.lower() in ("mars", "mai"))

@lru_cache(maxsize=SENTENCES_REMEMBERED)
def source_number_words(source: str) -> tuple[tuple[str, frozenset[float]], ...]:
    """The numbers a sentence writes in words (see ``_source_number_words``), once a sentence."""
    return tuple((raw, frozenset(values)) for raw, values in _source_number_words(source))


def _source_number_words(source: str) -> list[tuple[str, set[float]]]:
    """Numbers the source writes in words (fire, førti, tiende, trettenåring). A translation may
    say them otherwise (ti år → a decade, to ganger → twice, til syvende og sist → ultimately),
    so they are not required; they account for digits of the translation (rundt førti → about 40)."""
    found: list[tuple[str, set[float]]] = []
    words = [w.lower() for w in WORD.findall(source)]
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
    "gud": ("god",), "jesus": ("jesus",), "kristus": ("christ",), "kristi": ("christ",), "bibelen": ("bible",),
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

ABBREVIATED = frozenset({"nr", "kr", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "co", "inc", "ltd", "fr", "hr", "e", "f"})
# … but these, before a name, are part of it: St. Petersburg, Dr. Moll (Saint Petersburg, Doctor Moll).
NAME_ABBREVIATIONS = re.compile(r"\.?\s+[A-ZÆØÅ]")
TITLES = frozenset({"mr", "mrs", "ms", "herr", "fru", "frk", "sen", "pastor"})  # Mr Bean → Bean

DIRECTIONS = {"nord", "sør", "øst", "vest", "nordvest", "nordøst", "sørvest", "sørøst", "mellom", "sentral"}

NORWEGIAN_ENDINGS = ("ene", "ane", "en", "et", "er", "ers", "ets", "ens", "ing", "ingen", "else", "heten", "het", "inga", "ar")

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

# --- Nynorsk -------------------------------------------------------------------------------

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

# --- copies --------------------------------------------------------------------------------

COMMON_NORWEGIAN = frozenset("og er det som på til av ikke ikkje med har jeg eg vi at å".split())


def looks_norwegian(text: str) -> bool:
    """Non-trivial Norwegian: a copy of it is no translation (a line of English names is)."""
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", text)}
    return bool(words & COMMON_NORWEGIAN) or re.search(r"[æøåÆØÅ]", text) is not None
