"""The ``name`` check of an English source: which capitalised words of the English are names a
Norwegian translation keeps (``names``), whether it keeps each one (``name_is_kept``: as written,
with Norwegian endings and spellings, as its Norwegian exonym, or a people's word as a Norwegian
adjective), and which names the translation puts in (``added_names``). A capitalised English word
may also be translated into a capitalised Norwegian word or compound (Templars → Tempelridderne):
``lost_names`` allows for that."""

from __future__ import annotations

import re
from functools import lru_cache

from .english import ENGLISH_FUNCTION_WORDS, ENGLISH_MONTHS, MIXED_CASE_ABBREVIATION
from .lexicon import english_case, scandinavian
from .names import sentence_starts, sound
from .norwegian import DEMONYMS, EXONYMS

_DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# Articles and particles of other languages' names (Le Golf National, Del Potro): no name of their own.
_PARTICLES = frozenset("le la les de del du da di el al van von der den dos das".split())
# English capitalises these kinds of words; Norwegian writes them small (norsk, kristen, mandag).
_SMALL_IN_NORWEGIAN = re.compile(
    r"(?:ians?|ish|ese|eans?|ics?|ists?|ism|icans?|mans?|ards?|swiss|welsh|dutch|french|greeks?|thai|czechs?|slovaks?"
    r"|swedes?|danes?|finns?|poles?|turks?|arabs?|jews?|iraqis?|israelis?|pakistanis?|saudis?|somalis?|kuwaitis?"
    r"|qataris?|yemenis?|nepalis?|bangladeshis?|afghans?|kurds?|serbs?|croats?|scots?|brits?)$"
)
_NAME = re.compile(r"(?<![\w'’-])([A-Z][\w’'-]*[\w])")
_NORWEGIAN_EXONYMS: dict[str, tuple[str, ...]] = {}
for _norwegian, _english in EXONYMS.items():
    for _name in _english:
        _NORWEGIAN_EXONYMS.setdefault(_name, ())
        _NORWEGIAN_EXONYMS[_name] += (_norwegian,)



def names(source: str) -> list[str]:
    """Capitalised words of the English that a Norwegian translation keeps as names: first in a
    sentence only when English writes the word only capitalised or does not know it (``name_at_start``;
    an abbreviation's full stop, Dr. Moll, ends no sentence), not an acronym, month, day or
    contraction (I'm), not a word Norwegian writes small (European, Islamic), not a word Norwegian
    translates (``_translated_word``: far rarer in Norwegian than in English, all the more in a run
    of capitalised words: United States, Supreme Court, White House); a country's or city's English
    name (CLDR) always is one. In a headline (mostly capitalised words: every word is) only the
    places and the words that are names by their frequencies (Kanye, Palin)."""
    from ..text import segment

    matches = list(_NAME.finditer(source))
    words = re.findall(r"[^\W\d_]+", source)
    if len(words) >= 4 and len(matches) >= 0.6 * len(words):
        return _headline_names(matches)
    starts = sentence_starts(source, segment(source, "en").sentences)
    starts.update(m.end() for m in re.finditer(r"[;(\[‘]\s*(?=\w)", source))
    found = []
    for index, match in enumerate(matches):
        word = match.group(1)
        if re.search(r"['’](?!s$)", word):
            continue  # I'm, I've, O'Brien (said many ways)
        bare = re.sub(r"['’]s$", "", word)
        lower = bare.lower()
        if match.start() in starts and not name_at_start(bare):
            continue  # first in a sentence, and a word English writes small too (Many, Yesterday, Fire)
        known = bare in english_case()[1]  # a name English writes only capitalised (Jamie, Stephen, Hu)
        short_name = known and lower not in _PARTICLES and not source[match.end():match.end() + 1] == "."  # Hu, not Co. or Le
        if re.fullmatch(rf"(?:[A-Z]{{2,}}|{MIXED_CASE_ABBREVIATION})s?", bare) or len(bare) < (2 if short_name else 3):
            continue  # an acronym or abbreviation (NATO, UN, AMs, PhD: often said otherwise)
        if lower in ENGLISH_FUNCTION_WORDS or lower in ENGLISH_MONTHS or lower in _DAYS or lower in _TITLES:
            continue
        if lower in english_places():
            found.append(word)  # Canada, Armenia, Comoros: kept, or said as Norwegian says them
            continue
        if demonym(lower) and lower not in _NORWEGIAN_EXONYMS and zipf(lower, "nb") < zipf(lower) - DEMONYM_GAP:
            continue  # European, Islamic, Spaniards: small letters and other words in Norwegian
        in_run = any(
            0 <= j < len(matches) and _adjacent(source, matches[min(index, j)], matches[max(index, j)])
            for j in (index - 1, index + 1)
        )
        if _translated_word(lower, in_run and not known):  # a run's looser bar is for its words (White House), not Jamie Siminoff
            continue
        found.append(word)
    return found


def name_at_start(word: str) -> bool:
    """A sentence's first word is a name when English writes it only capitalised (Ingrid,
    Esperanto, Columbus: SCOWL's word lists, ``data/english_case.txt``), or when it is no English
    word at all (Stoltenberg, Merkel); not when English has it as a common word (Many, Fire, Will)."""
    common, proper = english_case()
    if word in proper:
        return True
    lower = word.lower()
    if lower in common or word.isupper():
        return False
    if "-" in lower and lower.rsplit("-", 1)[1] in common or _english_compound(lower, common):
        return False  # Pre-operative, Well-known, Wagonways: English words joined
    # A word English does not list may be English all the same (Neurobiological, Geophysicists): made
    # with English endings, or far rarer in Norwegian text than in English where a name is not
    # (Stoltenberg, Merkel, Mandagi). Names of English news (Huhne, Xinhua, Sainsbury) are rare in
    # Norwegian text too, but have no English ending.
    return zipf(lower) <= zipf(lower, "nb") + START_NAME_GAP or not (_ENGLISH_DERIVED.search(lower) or _INTERJECTION.match(lower))

# Endings English makes words with (speciation, neurobiological, geophysicists, hopelessness).
_ENGLISH_DERIVED = re.compile(
    r"\w{3}(?:ations?|itions?|ical(?:ly)?|ists?|isms?|ness|ments?|ity|ities|olog(?:y|ies|ists?)|ous|ive|ives"
    r"|able|ible|ings?|ed|ly|ers?|ian|ians|ise[ds]?|ize[ds]?)$"
)
_INTERJECTION = re.compile(r"^(?:[^aeiouy]+|(\w{1,2})\1+h?)$")  # hmm, shh, haha, hehe: no name


START_NAME_GAP = 0.5


def _english_compound(word: str, common: frozenset[str]) -> bool:
    """Two common English words written as one (wagon + ways, cross + ties), the second perhaps in
    the plural: a word English makes, where a name is rarely so made."""
    return any(
        word[:cut] in common and any(tail in common for tail in (word[cut:], word[cut:].removesuffix("s")) if len(tail) >= 3)
        for cut in range(3, len(word) - 2)
    )


def _headline_names(matches: list[re.Match[str]]) -> list[str]:
    found = []
    for match in matches:
        word = match.group(1)
        lower = re.sub(r"['’]s$", "", word).lower()
        if re.search(r"['’](?!s$)", word) or len(lower) < 3 or word.isupper():
            continue
        english = zipf(lower)
        if lower in english_places() or (english < HEADLINE_NAME_ZIPF and zipf(lower, "nb") >= english - NAME_GAP):
            found.append(word)
    return found


# A capitalised word of a headline is a name if it is rare in English and about as common in
# Norwegian (Kanye, Palin), not a word Norwegian does not use (Mauls, Soars, Debacle).
HEADLINE_NAME_ZIPF = 3.5


def demonym(word: str) -> bool:
    """Ends like a people's or a faith's word (Norwegian, Islamic, Spaniards, Swedes)."""
    return _SMALL_IN_NORWEGIAN.search(word) is not None


# A word with a demonym's ending that Norwegian text uses about as often as English (Howard,
# Goldman, Christian, Norwegian Air) may be a name: it must then be in the translation, at least
# as a word of the same stem (Norwegian → norsk).
DEMONYM_GAP = 0.7
# Demonyms whose Norwegian word starts otherwise: German → tysk, Dutch → nederlandsk.
_DEMONYM_STEMS = {
    "german": "tysk", "dutch": "nederland", "swiss": "sveits", "czech": "tsjekk", "turk": "tyrk", "jew": "jød",
    "christian": "krist", "welsh": "walis", "greek": "gre", "swede": "svensk", "finn": "finsk", "dane": "dansk",
}


@lru_cache(maxsize=1)
def english_places() -> dict[str, frozenset[str]]:
    """English names of countries, territories and cities (Unicode CLDR, through Babel), one
    word each, with how Bokmål and Nynorsk write them (Comoros → Komorene, Canada → Canada)."""
    from babel import Locale

    english = Locale("en")
    found: dict[str, set[str]] = {}
    for code in ("nb", "nn"):
        locale = Locale(code)
        pairs = [(english.territories.get(key), name) for key, name in locale.territories.items()]
        pairs += [
            (english.time_zones.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " "), names.get("city"))
            for zone, names in locale.time_zones.items()
        ]
        for name, norwegian in pairs:
            if name and norwegian and re.fullmatch(r"[A-Z][a-z]+", name):
                found.setdefault(name.lower(), set()).add(norwegian.lower())
    return {name: frozenset(norwegian) for name, norwegian in found.items()}


# A name is about as frequent in Norwegian text as in English (Trump, London, Smith); a word English
# capitalises in a name but Norwegian translates is far rarer there (Court, Congress, Democrats).
RARE_ZIPF = 2.5  # rarer than this in English: a name (or a rare word kept as it is)
NAME_GAP = 1.0  # this much rarer in Norwegian than in English: a word that is translated
RUN_GAP = 0.5  # … in a run of capitalised words (United States, White House), where more are translated
RUN_RARE_ZIPF = 3.5  # … if an English word at all (Judge Kavanaugh: a name)


@lru_cache(maxsize=1)
def english_names() -> dict[str, tuple[str, ...]]:
    """The countries, territories and cities CLDR names, as Bokmål and Nynorsk write them, with
    their English names (Komorene → comoros, Mosambik → mozambique)."""
    found: dict[str, tuple[str, ...]] = {}
    for name, norwegian in english_places().items():
        for form in norwegian:
            found[form] = (*found.get(form, ()), name)
    return found


@lru_cache(maxsize=1)
def norwegian_places() -> frozenset[str]:
    """How Bokmål and Nynorsk write the countries, territories and cities CLDR names."""
    return frozenset(english_names())


def _translated_word(word: str, in_run: bool) -> bool:
    """Far rarer in Norwegian than in English, as written or in the singular (Headmasters)."""
    for form in dict.fromkeys((word, _singular(word))):
        english, norwegian = zipf(form), zipf(form, "nb")
        if english >= RARE_ZIPF and norwegian < english - NAME_GAP or (
            in_run and english >= RUN_RARE_ZIPF and norwegian < english - RUN_GAP
        ):
            return True
    return False


def _singular(word: str) -> str:
    """The word's singular, where English uses that more than the word (Headmasters → headmaster,
    Scaffolds → scaffold): a plural's own frequency may be too low to tell a word from a name."""
    forms = [word, *(word[: -len(end)] + single for end, single in (("ies", "y"), ("es", ""), ("s", ""))
                     if word.endswith(end) and not word.endswith("ss") and len(word) > len(end) + 3)]
    return max(forms, key=zipf)


_TITLES = frozenset({"mr", "mrs", "ms", "dr", "col", "rev", "gen", "sen", "rep", "gov", "lt", "sgt", "capt", "prof", "sir", "sens", "reps",
                     "det", "insp", "supt", "cllr", "cmdr", "maj", "adm"})  # British police ranks: Det Insp, Det Supt
# Titles before a name, written small in Norwegian (King Louis → kong Ludvig, Judge Kavanaugh → dommer Kavanaugh).
_TITLES |= frozenset("king queen prince princess pope emperor empress judge president senator governor".split())


def _adjacent(source: str, first: re.Match[str], second: re.Match[str]) -> bool:
    """Two capitalised words one after the other (United States, Court of Appeal's "of" aside)."""
    between = source[first.end() : second.start()]
    return between.strip() in ("", "of", "and", "the", "for", "of the", "-")


@lru_cache(maxsize=65_536)
def zipf(word: str, lang: str = "en") -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, lang))


def fold(word: str) -> str:
    """Lower case without accents, ø/æ/å written out: Bjørn ~ Bjorn, Württemberg ~ Wuerttemberg."""
    import unicodedata

    word = word.lower().replace("ø", "o").replace("æ", "ae").replace("å", "a").replace("ü", "u").replace("ue", "u")
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def spelled_alike(name: str, words: list[str]) -> bool:
    from rapidfuzz import fuzz

    folded, heard = fold(name), sound(name)
    return any(
        w.startswith(folded[: max(4, len(folded) - 3)]) or fuzz.ratio(folded, w) >= SAME_NAME
        or sound(w).startswith(heard[: max(4, len(heard) - 3)])  # Isaac ~ Isak, Catalans ~ katalanere
        for w in words
    )


SAME_NAME = 80  # rapidfuzz ratio of folded spellings: Macedonia ~ Makedonia, Brussels ~ Brussel


def name_is_kept(name: str, translation: str) -> bool:
    """The name, or a spelling of it (Norwegian endings and spellings differ: Europe → Europa,
    Macedonia → Makedonia, Bjorn → Bjørn), or its Norwegian exonym (Comoros → Komorene), is in the
    translation; for a compound (Baden-Wuerttemberg-class) its first part; for a word with a
    demonym's ending, a word of its stem (Norwegian → norsk, Christian → kristen)."""
    bare = re.sub(r"['’]s$", "", name).split("-")[0]
    lower = bare.lower()
    lowered = translation.lower()
    exonyms = (*_NORWEGIAN_EXONYMS.get(lower, ()), *english_places().get(lower, ()))
    if lower in lowered or any(e in lowered for e in exonyms):
        return True
    words = [fold(w) for w in re.findall(r"\w+", translation)]
    if demonym(lower):
        stem = next((s for e, s in _DEMONYM_STEMS.items() if lower.startswith(e)), sound(lower)[:3])
        if any(w.startswith(stem) or sound(w).startswith(stem) for w in words):
            return True
    # A country said by its adjective (China's government → kinesiske myndigheter, Mexico → meksikanske).
    stems = {sound(e)[:3] for e in (lower, *exonyms) if len(e) >= 4 and (lower in english_places() or lower in _KNOWN_PLACES)}
    if any(sound(w)[:3] in stems and _ADJECTIVE_END.search(w) for w in words):
        return True
    return spelled_alike(bare, words) or _compound_tail(bare, words)


def _compound_tail(name: str, words: list[str]) -> bool:
    """The name ends a Norwegian compound of the translation, after a common word (Giant Slalom →
    storslalåm): a name of five letters or more, spelled alike."""
    from rapidfuzz import fuzz

    folded = fold(name)
    if len(folded) < 5:
        return False
    return any(
        scandinavian(word[:cut]) >= COMPOUND_HEAD_ZIPF and fuzz.ratio(word[cut:], folded) >= SAME_NAME
        for word in words if len(word) >= len(folded) + 3
        for cut in range(3, len(word) - len(folded) + 2)
    )


COMPOUND_HEAD_ZIPF = 3.0


# Places with a Norwegian adjective that CLDR's countries and cities leave out (England, Europe, Africa),
# in their Norwegian and English names.
_KNOWN_PLACES = frozenset(
    name for place in DEMONYMS for name in (place, *EXONYMS.get(place, ())) if name.isalpha() and len(name) >= 4
)
_ADJECTIVE_END = re.compile(r"(?:sk|ske|skt|ere|erne|arar|arane)$")
