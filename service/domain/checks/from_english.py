"""The checks of an English source against its Bokmål or Nynorsk translation, with the same codes
as the other direction. The readers are the other direction's, swapped: English numbers are read
as ``english`` reads a translation, Norwegian ones as ``norwegian`` reads a source.

- ``number``: each number the English writes in digits has a number of its own in the
  translation (1,500 = 1 500 = 1500; 1.5 million = 1,5 millioner; a month = its Norwegian name);
  digits the translation adds are flagged unless the source accounts for them (five → 5);
- ``name``: a capitalised name of the English (not first in its sentence, not a month, a day, a
  word English capitalises and Norwegian writes small, such as Norwegian → norsk) is in the
  translation, allowing for Norwegian endings (Europe → Europa, Trump's → Trumps) and exonyms
  (Norway → Norge);
- ``link``, ``repetition``, ``empty``: as the other direction;
- ``untranslated``: the English handed back as its own translation (three words or more, with an
  English function word and no Norwegian one);
- ``length``: the bounds of the other direction, mirrored (a Norwegian translation of English is
  about as much longer as an English one of Norwegian is shorter);
- ``variety``: a Nynorsk request answered in Bokmål, or the other way round (``variety.py``).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .copies import loops, untranslated_english
from .english import ENGLISH_FUNCTION_WORDS, ENGLISH_MONTHS, digit_numbers, translation_numbers
from .issue import Issue, link_issue, number_issue
from .length import LENGTH_BOUNDS, MIN_LENGTH_CHARS
from .links import links
from .norwegian import EXONYMS, bokmal_forms, source_number_words, source_numbers
from .values import ONE
from .variety import variety_problem

# log(len(Norwegian) / len(English)): the other direction's bounds, mirrored.
MIRRORED_BOUNDS = [(limit, -high, -low) for limit, low, high in LENGTH_BOUNDS]
_DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# English capitalises these kinds of words; Norwegian writes them small (norsk, kristen, mandag).
_SMALL_IN_NORWEGIAN = re.compile(
    r"(?:ians?|ish|ese|eans?|ics?|ists?|ism|icans?|mans?|ards?|swiss|welsh|dutch|french|greeks?|thai|czechs?|slovaks?"
    r"|swedes?|danes?|finns?|poles?|turks?|arabs?|jews?|iraqis?|israelis?|pakistanis?|saudis?|somalis?|kuwaitis?"
    r"|qataris?|yemenis?|nepalis?|bangladeshis?|afghans?|kurds?|serbs?|croats?|scots?|brits?)$"
)
_NAME = re.compile(r"(?<![\w'’-])([A-Z][\w’'-]*[\w])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[\"“‘(\[]\s*)$")
_NORWEGIAN_EXONYMS: dict[str, tuple[str, ...]] = {}
for _norwegian, _english in EXONYMS.items():
    for _name in _english:
        _NORWEGIAN_EXONYMS.setdefault(_name, ())
        _NORWEGIAN_EXONYMS[_name] += (_norwegian,)


def check_from_english(source: str, translation: str, target: str) -> list[Issue]:
    """The issues of one sentence translated from English into ``target`` (nb or nn)."""
    if not any(c.isalnum() for c in source):
        return []
    if not translation.strip():
        return [Issue("empty", "The translation is empty.")]
    issues: list[Issue] = []
    if untranslated_english(source, translation):
        issues.append(Issue("untranslated", "The translation is the English source itself: it was not translated."))
    issues += [i for i in (number_issue(missing_numbers(source, translation), added_numbers(source, translation)),
                           link_issue(links(source), translation)) if i is not None]
    lost_names = [name for name in names(source) if not name_is_kept(name, translation)]
    new_names = added_names(source, translation)
    if lost_names or new_names:
        said = [f"Names missing in the translation: {', '.join(dict.fromkeys(lost_names))}."] if lost_names else []
        said += [f"Names the source does not have: {', '.join(dict.fromkeys(new_names))}."] if new_names else []
        issues.append(Issue("name", " ".join(said)))
    new_loops = [] if loops(source) else loops(translation)
    if new_loops:
        issues.append(Issue("repetition", f"The translation repeats itself: “{new_loops[0]}…”."))
    problem = length_problem(source, translation)
    if problem and not any(i.code == "untranslated" for i in issues):
        issues.append(Issue("length", problem))
    variety = variety_problem(translation, target)
    if variety:
        issues.append(Issue("variety", variety))
    return issues


def _norwegian_values(translation: str) -> list[set[float]]:
    return [values for _, values in source_numbers(translation) + source_number_words(translation)]


def _same(wanted: float, shown: float) -> bool:
    return math.isclose(wanted, shown, rel_tol=1e-6, abs_tol=1e-9)


# US and imperial units a Norwegian translation converts (550 pounds → 250 kg, 85 mph → 136 km/t,
# 10 inches → 25 cm): the metric figure, rounded, stands for the English one.
UNIT_FACTORS = {
    "pound": 0.4536, "pounds": 0.4536, "lb": 0.4536, "lbs": 0.4536, "mph": 1.609, "mile": 1.609, "miles": 1.609,
    "inch": 2.54, "inches": 2.54, "in": 2.54, "foot": 0.3048, "feet": 0.3048, "ft": 0.3048, "yard": 0.9144,
    "yards": 0.9144, "gallon": 3.785, "gallons": 3.785, "ounce": 28.35, "ounces": 28.35, "oz": 28.35,
    "acre": 0.4047, "acres": 0.4047, "square": 2.59,
}
CONVERTED = 0.2  # a converted figure is rounded: within this share of the exact one
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
    factor = UNIT_FACTORS.get(word)
    return {v * factor for v in values} if factor else set()


def _near(wanted: float, shown: float) -> bool:
    return shown > 0 and math.isclose(wanted, shown, rel_tol=CONVERTED)


def missing_numbers(source: str, translation: str) -> list[str]:
    """The English digits with no number of their own in the Norwegian (each Norwegian number
    stands for one English one)."""
    shown = _norwegian_values(translation)
    used: set[int] = set()
    missing = []
    for match, values in sorted(digit_numbers(source), key=lambda item: len(item[1])):
        converted = _converted(source, match, values)
        found = next(
            (
                i for i, candidates in enumerate(shown)
                if i not in used and any(_same(v, c) for v in values for c in candidates)
                or i not in used and any(_near(v, c) for v in converted for c in candidates)
            ),
            None,
        )
        if found is None:
            missing.append(match.group("num"))
        else:
            used.add(found)
    return missing


def added_numbers(source: str, translation: str) -> list[str]:
    """Digits of the Norwegian that stand for nothing of the English (not a number, a number
    word or a month of it)."""
    known = [v for values in translation_numbers(source) for v in values]
    known += [-float(n) for w, n in ENGLISH_MONTHS.items() if re.search(rf"\b{w}\b", source, re.IGNORECASE)]
    converted = [v for match, values in digit_numbers(source) for v in _converted(source, match, values)]
    added = []
    for raw, candidates in source_numbers(translation):
        if any(_near(v, c) for v in converted for c in candidates):
            continue  # a converted unit
        if not any(_same(v, c) or (v == ONE and c == 1) for v in known for c in candidates):
            added.append(raw)
    return added


def names(source: str) -> list[str]:
    """Capitalised words of the English that a Norwegian translation keeps as names: not first in
    a sentence, not an acronym, month, day or contraction (I'm), not a word Norwegian writes small
    (Norwegian, European), not a word Norwegian translates (``_translated_word``: far rarer in Norwegian than in English,
    all the more in a run of capitalised words: United States, Supreme Court, White House);
    none in a headline (mostly capitalised words: every word is)."""
    matches = list(_NAME.finditer(source))
    words = re.findall(r"[^\W\d_]+", source)
    if len(words) >= 4 and len(matches) >= 0.6 * len(words):
        return []  # A Headline In Title Case
    found = []
    for index, match in enumerate(matches):
        word = match.group(1)
        if re.search(r"['’](?!s$)", word):
            continue  # I'm, I've, O'Brien (said many ways)
        bare = re.sub(r"['’]s$", "", word)
        lower = bare.lower()
        if _SENTENCE_START.search(source[: match.start()]) or re.fullmatch(r"[A-Z]{2,}s?", bare) or len(bare) < 3:
            continue  # first in a sentence, or an acronym (NATO, UN, AMs: often said otherwise)
        if lower in ENGLISH_FUNCTION_WORDS or lower in ENGLISH_MONTHS or lower in _DAYS or lower in _TITLES:
            continue
        if _SMALL_IN_NORWEGIAN.search(lower) and lower not in _NORWEGIAN_EXONYMS:
            continue  # Norwegian, European, Christian, Islamic: small letters and other words in Norwegian
        in_run = any(
            0 <= j < len(matches) and _adjacent(source, matches[min(index, j)], matches[max(index, j)])
            for j in (index - 1, index + 1)
        )
        if _translated_word(lower, in_run):
            continue
        found.append(word)
    return found


# A name is about as frequent in Norwegian text as in English (Trump, London, Smith); a word English
# capitalises in a name but Norwegian translates is far rarer there (Court, Congress, Democrats).
RARE_ZIPF = 3.0  # rarer than this in English: a name (or a rare word kept as it is)
NAME_GAP = 1.0  # this much rarer in Norwegian than in English: a word that is translated
RUN_GAP = 0.5  # … in a run of capitalised words (United States, White House), where more are translated


def _norwegian_word(word: str) -> bool:
    """Far more frequent in Norwegian than in English: a Norwegian word (a name is about as
    frequent in both). A Nynorsk word is looked up in its Bokmål spellings (høgsterett →
    høyesterett): wordfreq has no Nynorsk list."""
    for form in (word, *bokmal_forms(word)):
        norwegian = _zipf(form, "nb")
        if norwegian >= RARE_ZIPF and _zipf(form) < norwegian - NAME_GAP:
            return True
    return False


def _translated_word(word: str, in_run: bool) -> bool:
    english = _zipf(word)
    return english >= RARE_ZIPF and _zipf(word, "nb") < english - (RUN_GAP if in_run else NAME_GAP)


_TITLES = frozenset({"mr", "mrs", "ms", "dr", "col", "rev", "gen", "sen", "rep", "gov", "lt", "sgt", "capt", "prof", "sir"})


def _adjacent(source: str, first: re.Match[str], second: re.Match[str]) -> bool:
    """Two capitalised words one after the other (United States, Court of Appeal's "of" aside)."""
    between = source[first.end() : second.start()]
    return between.strip() in ("", "of", "and", "the", "for", "of the", "-")


@lru_cache(maxsize=65_536)
def _zipf(word: str, lang: str = "en") -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, lang))


def _fold(word: str) -> str:
    """Lower case without accents, ø/æ/å written out: Bjørn ~ Bjorn, Württemberg ~ Wuerttemberg."""
    import unicodedata

    word = word.lower().replace("ø", "o").replace("æ", "ae").replace("å", "a").replace("ü", "u").replace("ue", "u")
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _like(name: str, words: list[str]) -> bool:
    from rapidfuzz import fuzz

    folded = _fold(name)
    return any(w.startswith(folded[: max(4, len(folded) - 3)]) or fuzz.ratio(folded, w) >= SAME_NAME for w in words)


SAME_NAME = 80  # rapidfuzz ratio of folded spellings: Macedonia ~ Makedonia, Brussels ~ Brussel


def name_is_kept(name: str, translation: str) -> bool:
    """The name, or a spelling of it (Norwegian endings and spellings differ: Europe → Europa,
    Macedonia → Makedonia, Bjorn → Bjørn), or its Norwegian exonym, is in the translation; for a
    compound (Baden-Wuerttemberg-class) its first part."""
    bare = re.sub(r"['’]s$", "", name).split("-")[0]
    lowered = translation.lower()
    if bare.lower() in lowered or any(e in lowered for e in _NORWEGIAN_EXONYMS.get(bare.lower(), ())):
        return True
    return _like(bare, [_fold(w) for w in re.findall(r"\w+", translation)])


_NORWEGIAN_START = re.compile(r"(?:^|[.!?:;…]\s*|[\"“”‘’«»(\[–—-]\s*)$")
# Words a Norwegian sentence may open with after a quote or dash, and the pronoun "Jeg"'s kin.
_NORWEGIAN_SMALL_WORDS = frozenset(
    """jeg eg det dette denne disse han hun ho de dei vi me du dere dykk når hvis viss hvordan korleis hva kva
    hvem kven hvor kor som etter til for fra frå uten utan aldri lenge hele heile tror trur husker hugsar folk
    men og så da då der her nå no om i på med av en ei et ein eit den alle mange noen nokon ingen ja nei
    hei takk også òg situasjonen""".split()
)


MAX_CAPITALISED = 0.4  # a share of the words beyond which the translation's capitals say nothing


def added_names(source: str, translation: str) -> list[str]:
    """Capitalised words of the Norwegian, not first in a sentence, that the English does not have
    in any spelling: a name the translation put in (Norwegian capitalises little but names)."""
    source_words = [_fold(w) for w in re.findall(r"\w+", source)]
    english = source.lower()
    capitalised = list(re.finditer(r"(?<![\w'’-])([A-ZÆØÅ][a-zæøåéü]+)(?![\w'’-])", translation))
    if len(capitalised) > MAX_CAPITALISED * max(1, len(translation.split())):
        return []  # a title-case headline, or no sentence at all: every word would stand out
    found = []
    for match in capitalised:
        word = match.group(1)
        if _NORWEGIAN_START.search(translation[: match.start()]) or len(word) < 3 or word.lower() in _NORWEGIAN_SMALL_WORDS:
            continue
        stem = re.sub(r"(?:s|en|ens|et|ets|ene|ane|a|ar|er)$", "", word)
        exonym = any(n in english for n in EXONYMS.get(word.lower(), ()) + EXONYMS.get(stem.lower(), ()))
        folded = _fold(word)
        compound = any(folded.startswith(w) for w in source_words if len(w) >= 4)  # Koreakrigen, Europaligaen
        if exonym or compound or _like(word, source_words) or _like(stem, source_words) or _norwegian_word(word.lower()):
            continue  # a Norwegian word capitalised in a name (Kongressen, Røde Kors): translated, not added
        found.append(word)
    return found


def length_problem(source: str, translation: str) -> str | None:
    source, translation = source.strip(), translation.strip()
    if len(source) < MIN_LENGTH_CHARS:
        return None
    low, high = next((lo, hi) for limit, lo, hi in MIRRORED_BOUNDS if len(source) < limit)
    ratio = math.log(max(1, len(translation)) / len(source))
    if ratio < low:
        return (
            f"The translation is much shorter than the source ({len(translation)} vs {len(source)} characters): "
            "text may be missing."
        )
    if ratio > high:
        return f"The translation is much longer than the source ({len(translation)} vs {len(source)} characters)."
    return None
