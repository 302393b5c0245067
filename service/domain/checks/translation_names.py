"""The names of a Norwegian translation of an English sentence: which capitalised words of the
Norwegian are names the English does not have (``added_names``: Norwegian capitalises little but
names, so a capitalised word in mid-sentence is one, and so is a known name opening a sentence),
and which names of the English the translation loses (``lost_names``), allowing for an English word
written as a name that Norwegian translates into a Norwegian word or compound (Templars →
Tempelridderne). What counts as a name of the English, and whether one is kept, is
``english_names``'s."""

from __future__ import annotations

import re

from .english_names import (
    NAME_GAP,
    english_names,
    fold,
    name_is_kept,
    names,
    spelled_alike,
    zipf,
)
from .lexicon import (
    english_case,
    norwegian_case,
    norwegian_compound,
    norwegian_frequency,
    scandinavian,
)
from .norwegian import EXONYMS, NORWEGIAN_ENDINGS, bokmal_forms
from .variety import treebank_words

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
    if zipf(word) == 0 and (
        any(scandinavian(stem) >= UNKNOWN_IN_ENGLISH_ZIPF for stem in stems)
        or norwegian_compound(word, head=UNKNOWN_IN_ENGLISH_ZIPF)
    ):
        return True  # Europaparlamentet, Skytten, Samveldelekene (Nynorsk, Danish and Swedish forms too)
    if word.capitalize() in capitalised:
        return False  # a name Norwegian text writes with a capital (Hansen, not hans + -en)
    # a compound, in Nynorsk perhaps (Raudekrossen = raude + krossen, as Bokmål røde + korsen)
    return any(stem in common for stem in stems) or any(norwegian_compound(w) for w in (word, *bokmal_forms(word)))


UNKNOWN_IN_ENGLISH_ZIPF = 2.5  # a word this common in Norwegian that English does not know at all


def added_names(source: str, translation: str, target: str = "nb") -> list[str]:
    """Capitalised words of the Norwegian that the English does not have in any spelling: a name
    the translation put in (Norwegian capitalises little but names; a sentence's first word only
    when it is a known name in the target's written form)."""
    return _capitalised(source, translation, target)[0]


def lost_names(source: str, translation: str) -> list[str]:
    """The names of the English that the translation does not keep. An English word written as a
    name (Sagittarius, Templars, Vigil) may be translated into a Norwegian one (Skytten-galaksen,
    Tempelridderne): where the translation has such a word, English words are not asked for; names
    that are no English word (Jochemsen, Khandelwal) still are."""
    lost = [name for name in names(source) if not name_is_kept(name, translation)]
    lost = [name for name in lost if not _in_compound(name, source, translation)]
    if lost and _capitalised(source, translation)[1]:
        lost = [name for name in lost if zipf(re.sub(r"['’]s$", "", name).lower()) < ENGLISH_WORD_ZIPF]
    return lost


ENGLISH_WORD_ZIPF = 2.5  # this common in English: a word, which a translation may translate


def _in_compound(name: str, source: str, translation: str) -> bool:
    """The name ends a run whose word before it opens a Norwegian compound of the translation:
    the two said as one word (Europa League → Europaligaen, Tsunami Warning Center →
    Tsunamivarslingsenter)."""
    before = re.search(rf"(?<![\w'’-])((?:[A-Z][\w'’]*[\s-]+)+){re.escape(name)}(?![\w'’])", source)
    if not before:
        return False
    words = list(map(fold, re.findall(r"\w+", translation)))
    heads = [fold(h) for h in re.findall(r"[\w'’]+", before.group(1))]  # UEFA Europa League: Europa
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
    return norwegian >= OPENING_WORD_ZIPF and zipf(word) < norwegian - NAME_GAP


# a title and a surname alone (Mr. Mandagi; not Dr. Christine Blasey Ford, whose name is given in full)
_HONORIFIC = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|PM|President|Chancellor|Premier|Senator|Sen|Governor|Gov)\.?\s+"
    r"([A-Z][\w'’-]+)(?![\w'’-]|\s+[A-Z])"
)  # and a leader's title (PM May → statsminister Theresa May)


def _full_names(source: str, translation: str) -> set[int]:
    """Where the words of a person's full name begin in the translation when the English gives
    the person a title and a surname (Mr. Mandagi → Petra Mandagi, Mr. Doseba → Doseba Sinay):
    Norwegian writes no Mr or Ms, but the first name."""
    surnames = [re.sub(r"['’]s$", "", m.group(1)) for m in _HONORIFIC.finditer(source)]
    found: set[int] = set()
    for run in _RUN.finditer(translation):
        words = list(re.finditer(r"[\w'’]+", run.group()))
        if any(spelled_alike(surname, [fold(re.sub(r"['’]?s$", "", w.group())) for w in words]) for surname in surnames):
            found.update(run.start() + w.start() for w in words)
    return found


PLAIN_WORD_LETTERS = 5  # a plain word this short: one word, no compound or definite form (Per, Anna, Stein)


def _plain_word_as_name(word: str) -> bool:
    """A short plain Norwegian word written with a capital in mid-sentence, as names are (Per,
    Tom, Sol, Liv, Dag; Anna, a word of Nynorsk only): Norwegian capitalises a plain word there
    only in a name. Longer or definite forms may be a thing's name said in Norwegian (Melkeveien,
    Høyesterett, Stortinget), which the English may well give otherwise."""
    lower = word.lower()
    common, capitalised = norwegian_case()
    return (
        len(lower) <= PLAIN_WORD_LETTERS and lower.isalpha() and word not in capitalised
        and (lower in common or norwegian_frequency(lower) >= OPENING_WORD_ZIPF)
    )


def _standing_alone(translation: str, match: re.Match[str], before: str, norwegian_runs: set[int]) -> bool:
    """Where a capitalised plain word is a name by its place: not after an opening quote, bracket or
    dash (a sentence may begin there), not in a run of common Norwegian words (Vår Frue, Det Nye
    riket; but Per Harper, Tom Kong-øya are names), and not a weak adjective of Norwegian before a
    word, nor its noun (Røde Kors, det Kvite Hus, det Kvite hus): names said in Norwegian words."""
    after = translation[match.end():]
    if _NORWEGIAN_OPENING.search(before) or match.start() in norwegian_runs:
        return False
    word = match.group(1)
    adjective = re.search(r"([A-ZÆØÅ][\w'’]*e)\s+$", before)
    if adjective and _NORWEGIAN_START.search(before[: adjective.start()].strip()):
        adjective = None  # Amerikanske Liv Mickelson: the sentence's first word
    if adjective and _norwegian_word(adjective.group(1).lower()) and _norwegian_word(word.lower()):
        return False  # the noun after a weak adjective: det Kvite Hus
    if word.endswith("e") and re.match(r"\s+[a-zæøå]", after):
        return False  # a weak adjective before its noun: det Kvite hus, Den Store pyramiden
    return not (word.endswith("e") and _norwegian_word(word.lower()) and re.match(r"\s+[A-ZÆØÅ]", after))  # Røde Kors


def _norwegian_word(word: str) -> bool:
    """A word Norwegian writes small in mid-sentence, and far commoner in Norwegian than in English
    (røde, kvite, hus; not the, rose)."""
    return word in norwegian_case()[0] and zipf(word) < norwegian_frequency(word) - NAME_GAP


def _known_name(word: str, target: str) -> bool:
    """A word that is a name wherever it stands, even opening a sentence: Norwegian writes it only
    capitalised (Tromsø, Hansen; not a noun's definite form: Kongen, Moren), or English does and it
    is no word of the target's written form (Ingrid, Esperanto; Anna in Bokmål, where anna is no
    word, but not in Nynorsk)."""
    common, capitalised = norwegian_case()
    if word in capitalised:
        return word in english_case()[1] or not _definite_form(word.lower())
    lower = word.lower()
    other_form_only = treebank_words()["nn" if target == "nb" else "nb"] if target in ("nb", "nn") else frozenset()
    return word in english_case()[1] and (lower not in common or lower in other_form_only)


_DEFINITE_ENDINGS = ("enes", "anes", "ens", "ets", "ene", "ane", "en", "et", "a")
DEFINITE_STEM_ZIPF = 3.5  # how common the word must be without its ending


def _definite_form(word: str) -> bool:
    """A common Norwegian noun in its definite or genitive form, which Norwegian capitalises only
    opening a sentence or in official style (Kongen, Moren, Regjeringens, Arbeidarpartiet)."""
    stems = [word[: -len(e)] for e in _DEFINITE_ENDINGS if word.endswith(e) and len(word) - len(e) >= 3]
    stems += [word[:-1]] if word.endswith("en") else []  # konge-n
    return any(norwegian_frequency(stem) >= DEFINITE_STEM_ZIPF or norwegian_compound(stem) for stem in stems)


def _capitalised(source: str, translation: str, target: str = "nb") -> tuple[list[str], list[str]]:
    """The capitalised words of the Norwegian that the English does not have in any spelling, not
    first in a sentence unless a known name (``_known_name``): (names it adds, Norwegian words and
    compounds: names it translated)."""
    source_words = [fold(w) for w in re.findall(r"[^\W\d_]+|\d+", source)]  # 600Mbit/s: 600, Mbit
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
        first = _NORWEGIAN_START.search(before.strip()) is not None
        if first and not _known_name(word, target) or len(word) < 3 or word.lower() in _NORWEGIAN_SMALL_WORDS:
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
        folded = fold(word)
        compound = any(folded.startswith(w) for w in source_words if len(w) >= 4)  # Koreakrigen, Europaligaen
        if exonym or compound or spelled_alike(word, source_words) or spelled_alike(stem, source_words):
            continue
        if first:
            added.append(word)  # a known name opening a sentence (Tromsø kom …), which the English does not have
        elif _plain_word_as_name(word) and _standing_alone(translation, match, before, norwegian_runs):
            added.append(word)  # Per, Tom, Sol, Liv: a short plain word capitalised in mid-sentence is a name
        elif _norwegian_not_english(match.group().replace("-", "").lower()) or match.start() in norwegian_runs:
            translated.append(word)  # a Norwegian word or compound capitalised in a name (Melkeveien, Ildringen)
        else:
            added.append(word)
    return added, translated
