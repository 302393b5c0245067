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
from .lexicon import norwegian_case, norwegian_compound, norwegian_frequency, scandinavian
from .names import sentence_starts, sound
from .norwegian import DEMONYMS, EXONYMS, NORWEGIAN_ENDINGS, bokmal_forms

_DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
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
    """Capitalised words of the English that a Norwegian translation keeps as names: not first in
    a sentence (an abbreviation's full stop, Dr. Moll, ends none), not an acronym, month, day or
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
        if match.start() in starts or re.fullmatch(rf"(?:[A-Z]{{2,}}|{MIXED_CASE_ABBREVIATION})s?", bare) or len(bare) < 3:
            continue  # first in a sentence, or an acronym or abbreviation (NATO, UN, AMs, PhD: often said otherwise)
        if lower in ENGLISH_FUNCTION_WORDS or lower in ENGLISH_MONTHS or lower in _DAYS or lower in _TITLES:
            continue
        if lower in english_places():
            found.append(word)  # Canada, Armenia, Comoros: kept, or said as Norwegian says them
            continue
        if demonym(lower) and lower not in _NORWEGIAN_EXONYMS and _zipf(lower, "nb") < _zipf(lower) - DEMONYM_GAP:
            continue  # European, Islamic, Spaniards: small letters and other words in Norwegian
        in_run = any(
            0 <= j < len(matches) and _adjacent(source, matches[min(index, j)], matches[max(index, j)])
            for j in (index - 1, index + 1)
        )
        if _translated_word(lower, in_run):
            continue
        found.append(word)
    return found


def _headline_names(matches: list[re.Match[str]]) -> list[str]:
    found = []
    for match in matches:
        word = match.group(1)
        lower = re.sub(r"['’]s$", "", word).lower()
        if re.search(r"['’](?!s$)", word) or len(lower) < 3 or word.isupper():
            continue
        english = _zipf(lower)
        if lower in english_places() or (english < HEADLINE_NAME_ZIPF and _zipf(lower, "nb") >= english - NAME_GAP):
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
        english, norwegian = _zipf(form), _zipf(form, "nb")
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
    return max(forms, key=_zipf)


_TITLES = frozenset({"mr", "mrs", "ms", "dr", "col", "rev", "gen", "sen", "rep", "gov", "lt", "sgt", "capt", "prof", "sir", "sens", "reps"})
# Titles before a name, written small in Norwegian (King Louis → kong Ludvig, Judge Kavanaugh → dommer Kavanaugh).
_TITLES |= frozenset("king queen prince princess pope emperor empress judge president senator governor".split())


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

    folded, heard = _fold(name), sound(name)
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
    words = [_fold(w) for w in re.findall(r"\w+", translation)]
    if demonym(lower):
        stem = next((s for e, s in _DEMONYM_STEMS.items() if lower.startswith(e)), sound(lower)[:3])
        if any(w.startswith(stem) or sound(w).startswith(stem) for w in words):
            return True
    # A country said by its adjective (China's government → kinesiske myndigheter, Mexico → meksikanske).
    stems = {sound(e)[:3] for e in (lower, *exonyms) if len(e) >= 4 and (lower in english_places() or lower in _KNOWN_PLACES)}
    if any(sound(w)[:3] in stems and _ADJECTIVE_END.search(w) for w in words):
        return True
    return _like(bare, words) or _compound_tail(bare, words)


def _compound_tail(name: str, words: list[str]) -> bool:
    """The name ends a Norwegian compound of the translation, after a common word (Giant Slalom →
    storslalåm): a name of five letters or more, spelled alike."""
    from rapidfuzz import fuzz

    folded = _fold(name)
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


_NORWEGIAN_START = re.compile(r"(?:^|[.!?:;…]\s*)$")
# after an opening quote, bracket or dash a sentence may begin too: only a known name counts there
OPENING_WORD_ZIPF = 3.0  # … and a word this common in Norwegian there is taken for a word
_NORWEGIAN_OPENING = re.compile(r"[\"“”‘’«»(\[–—-]\s*$")
_QUOTED_TITLE = re.compile(r"[\"“”‘’«»(\[–—-]\s*(?:[A-ZÆØÅ][\w'’]*\s+)+$")  # «Dei Sju Systrer», «Herr Onde President»
# Words a Norwegian sentence may open with after a quote or dash, and the pronoun "Jeg"'s kin.
_NORWEGIAN_SMALL_WORDS = frozenset(
    """jeg eg det dette denne disse han hun ho de dei vi me du dere dykk når hvis viss hvordan korleis hva kva
    hvem kven hvor kor som etter til for fra frå uten utan aldri lenge hele heile tror trur husker hugsar folk
    men og så da då der her nå no om i på med av en ei et ein eit den alle mange noen nokon ingen ja nei
    hei takk også òg situasjonen""".split()
)


MAX_CAPITALISED = 0.4  # a share of the words beyond which the translation's capitals say nothing


def _norwegian_not_english(word: str) -> bool:
    """A Norwegian word or compound (perhaps with an ending: dronningen, senatorane) that English
    does not have. Frequency alone does not tell a word from a Norwegian name: Tromsø and Hansen
    are far more common in Norwegian than in English too, but English knows them."""
    common, capitalised = norwegian_case()
    stems = [word, *(word[: -len(e)] for e in NORWEGIAN_ENDINGS if word.endswith(e) and len(word) >= len(e) + 5)]
    if _zipf(word) == 0 and (
        any(scandinavian(stem) >= UNKNOWN_IN_ENGLISH_ZIPF for stem in stems)
        or norwegian_compound(word, head=UNKNOWN_IN_ENGLISH_ZIPF)
    ):
        return True  # Europaparlamentet, Skytten, Samveldelekene (Nynorsk, Danish and Swedish forms too)
    if word.capitalize() in capitalised:
        return False  # a name Norwegian text writes with a capital (Hansen, not hans + -en)
    # a compound, in Nynorsk perhaps (Raudekrossen = raude + krossen, as Bokmål røde + korsen)
    return any(stem in common for stem in stems) or any(norwegian_compound(w) for w in (word, *bokmal_forms(word)))


UNKNOWN_IN_ENGLISH_ZIPF = 2.5  # a word this common in Norwegian that English does not know at all


def added_names(source: str, translation: str) -> list[str]:
    """Capitalised words of the Norwegian, not first in a sentence, that the English does not have
    in any spelling: a name the translation put in (Norwegian capitalises little but names)."""
    return _capitalised(source, translation)[0]


def lost_names(source: str, translation: str) -> list[str]:
    """The names of the English that the translation does not keep. An English word written as a
    name (Sagittarius, Templars, Vigil) may be translated into a Norwegian one (Skytten-galaksen,
    Tempelridderne): where the translation has such a word, English words are not asked for; names
    that are no English word (Jochemsen, Khandelwal) still are."""
    lost = [name for name in names(source) if not name_is_kept(name, translation)]
    lost = [name for name in lost if not _in_compound(name, source, translation)]
    if lost and _capitalised(source, translation)[1]:
        lost = [name for name in lost if _zipf(re.sub(r"['’]s$", "", name).lower()) < ENGLISH_WORD_ZIPF]
    return lost


ENGLISH_WORD_ZIPF = 2.5  # this common in English: a word, which a translation may translate


def _in_compound(name: str, source: str, translation: str) -> bool:
    """The name ends a run whose word before it opens a Norwegian compound of the translation:
    the two said as one word (Europa League → Europaligaen, Tsunami Warning Center →
    Tsunamivarslingsenter)."""
    before = re.search(rf"(?<![\w'’-])((?:[A-Z][\w'’]*[\s-]+)+){re.escape(name)}(?![\w'’])", source)
    if not before:
        return False
    words = list(map(_fold, re.findall(r"\w+", translation)))
    heads = [_fold(h) for h in re.findall(r"[\w'’]+", before.group(1))]  # UEFA Europa League: Europa
    return any(len(head) >= 4 and any(w.startswith(head) and len(w) > len(head) + 2 for w in words) for head in heads)


# Titles Norwegian may capitalise before a name (Kong George-øyen, «Herr President»).
_NORWEGIAN_TITLES = frozenset(
    "kong dronning prins prinsesse keiser pave sankt herr fru frøken senator president statsminister general".split()
)
_RUN = re.compile(r"(?<![\w'’-])[A-ZÆØÅ][\w'’]*(?:\s+[A-ZÆØÅ][\w'’]*)+")


def _initialled(source: str, translation: str) -> set[int]:
    """Where the words of a name the English gives by its initials begin in the translation
    (Louisiana State University for LSU)."""
    acronyms = set(re.findall(r"\b([A-Z]{2,6})s?\b", source))  # LSU, AMs
    found: set[int] = set()
    for run in _RUN.finditer(translation):
        words = list(re.finditer(r"[A-ZÆØÅ][\w'’]*", run.group()))
        if "".join(w.group()[0] for w in words) in acronyms:
            found.update(run.start() + w.start() for w in words)
    return found


def _runs_of_norwegian_words(translation: str) -> set[int]:
    """Where the words of a run of capitalised words begin in the translation when they are all
    common Norwegian words, far commoner than in English (the sentence's first word aside): a
    name said in Norwegian (Vår Frue, Leger Uten Grenser)."""
    found: set[int] = set()
    for run in _RUN.finditer(translation):
        words = list(re.finditer(r"[\w'’]+", run.group()))
        inside = [w for w in words if not _NORWEGIAN_START.search(translation[: run.start() + w.start()])]
        if len(inside) >= 2 and all(
            _far_commoner_in_norwegian(w.group().lower()) and w.group() not in norwegian_case()[1] for w in inside
        ):
            found.update(run.start() + w.start() for w in words)
    return found


def _far_commoner_in_norwegian(word: str) -> bool:
    """A common Norwegian word (Bokmål or Nynorsk) far rarer in English: no name."""
    norwegian = norwegian_frequency(word)
    return norwegian >= OPENING_WORD_ZIPF and _zipf(word) < norwegian - NAME_GAP


# a title and a surname alone (Mr. Mandagi; not Dr. Christine Blasey Ford, whose name is given in full)
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+([A-Z][\w'’-]+)(?![\w'’-]|\s+[A-Z])")


def _full_names(source: str, translation: str) -> set[int]:
    """Where the words of a person's full name begin in the translation when the English gives
    the person a title and a surname (Mr. Mandagi → Petra Mandagi, Mr. Doseba → Doseba Sinay):
    Norwegian writes no Mr or Ms, but the first name."""
    surnames = [re.sub(r"['’]s$", "", m.group(1)) for m in _HONORIFIC.finditer(source)]
    found: set[int] = set()
    for run in _RUN.finditer(translation):
        words = list(re.finditer(r"[\w'’]+", run.group()))
        if any(_like(surname, [_fold(re.sub(r"['’]?s$", "", w.group())) for w in words]) for surname in surnames):
            found.update(run.start() + w.start() for w in words)
    return found


def _capitalised(source: str, translation: str) -> tuple[list[str], list[str]]:
    """The capitalised words of the Norwegian, not first in a sentence, that the English does not
    have in any spelling: (names it adds, Norwegian words and compounds: names it translated)."""
    source_words = [_fold(w) for w in re.findall(r"[^\W\d_]+|\d+", source)]  # 600Mbit/s: 600, Mbit
    english = source.lower()
    capitalised = list(re.finditer(r"(?<![\w'’-])([A-ZÆØÅ][a-zæøåéü]+)(-[a-zæøåéü]+)*(?![\w'’-])", translation))
    if len(capitalised) > MAX_CAPITALISED * max(1, len(translation.split())):
        return [], []  # a title-case headline, or no sentence at all: every word would stand out
    initialled = _initialled(source, translation)
    full_names = _full_names(source, translation)
    norwegian_runs = _runs_of_norwegian_words(translation)
    added, translated = [], []
    for match in capitalised:
        word = match.group(1)
        before = translation[: match.start()]
        if _NORWEGIAN_START.search(before) or len(word) < 3 or word.lower() in _NORWEGIAN_SMALL_WORDS:
            continue
        if _NORWEGIAN_OPENING.search(before) and word not in norwegian_case()[1] and norwegian_frequency(word.lower()) >= OPENING_WORD_ZIPF:
            continue  # «Dei Sju Systrer», (Tidligere …): a common word, perhaps opening a sentence
        if _QUOTED_TITLE.search(before) and _far_commoner_in_norwegian(word.lower()) and word not in norwegian_case()[1]:
            continue  # … and the common Norwegian words of a quoted title after it (Sju, Onde)
        if word.lower() in _NORWEGIAN_TITLES or match.start() in initialled or match.start() in full_names:
            continue  # Kong George, Senator Warren; Louisiana State University for LSU; Petra Mandagi for Mr. Mandagi
        stem = re.sub(r"(?:s|en|ens|et|ets|ene|ane|a|ar|er)$", "", word)
        exonym = any(
            n in english
            for n in (*EXONYMS.get(word.lower(), ()), *EXONYMS.get(stem.lower(), ()), *english_names().get(word.lower(), ()))
        )
        folded = _fold(word)
        compound = any(folded.startswith(w) for w in source_words if len(w) >= 4)  # Koreakrigen, Europaligaen
        if exonym or compound or _like(word, source_words) or _like(stem, source_words):
            continue
        if _norwegian_not_english(match.group().replace("-", "").lower()) or match.start() in norwegian_runs:
            translated.append(word)  # a Norwegian word or compound capitalised in a name (Melkeveien, Ildringen)
        else:
            added.append(word)
    return added, translated
