"""The ``name`` check: which capitalised words of the source are names a translation keeps, and
whether the translation keeps each one (as written, in the genitive, as its exonym or demonym,
spelled the English way, or said short by initials or a title)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from ..text import locate
from .english import common_english, english_function_word
from .lexicon import (
    COMPOUND_PART_ZIPF,
    commonest,
    frequencies,
    norwegian_case,
    norwegian_compound,
    scandinavian,
    translated_word,
    without_genitive,
)
from .norwegian import (
    ABBREVIATED,
    DEMONYMS,
    DIRECTIONS,
    EXONYMS,
    NAME_ABBREVIATIONS,
    NAME_OPENERS,
    NORWEGIAN_ENDINGS,
    NORWEGIAN_NUMBER_WORDS,
    SENTENCES_REMEMBERED,
    TITLES,
    cldr_exonyms,
)

# Capitalised words that start a sentence, or that Norwegian capitalises although they are
# not names a translation keeps.
_NAME = re.compile(r"(?<![\w'’-])([A-ZÆØÅÄÖÜÉ][\w'’]*(?:-[\w'’]+)*)")

def names(source: str) -> list[str]:
    """The names a translation should keep (see ``_names``); worked out once a sentence, since the
    checks of a second try ask again."""
    return list(_names(source))


@lru_cache(maxsize=SENTENCES_REMEMBERED)
def _names(source: str) -> tuple[str, ...]:
    """Capitalised words of the source that are names a translation keeps: not an acronym
    (``FN``, ``TV-kanal``), not a Norwegian word that English does not use (``Stortinget``,
    ``Melkeveien``: such names are translated), and, first in a sentence, only when the word
    is no common Norwegian word (``Bush sa …`` yes, ``Regjeringen sa …`` no)."""
    from ..text import segment

    starts = sentence_starts(source, segment(source).sentences)
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
        if english_function_word(word) or word.lower() in NORWEGIAN_NUMBER_WORDS:
            continue  # The Sunday Times → the Sunday Times, «I Love It» → I Love it, Dei Sju Systrer
        if word.lower() in norwegian_case()[0] and commonest(word.lower()) >= VERY_COMMON_ZIPF:
            continue  # a very common word written with a capital: «…,» Sa Glen Cushing, «… om Eg behøver …»
        if word.lower() in NAME_OPENERS or (word.lower() not in EXONYMS and translated_word(word)):
            continue
        if match.start() in starts and not _name_even_first(word):
            continue
        found.append(word)
    return tuple(found)


def sentence_starts(source: str, sentences: list[str]) -> set[int]:
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
    (``service/domain/checks/data/norwegian_case.txt``), or when it is no common word of Norwegian or English
    (Danius, Carpanedo, Kavanaugh, Rockies)."""

    key = word.lower()
    common, capitalised = norwegian_case()
    if key in common:
        return False
    if word in capitalised:
        return True
    norwegian, english = frequencies(key)
    # Not a common word of either language: a name, unless it is a Norwegian compound or has a
    # Norwegian inflection. A word both languages know well (Bush, but also President, Pass)
    # cannot be told from a word here.
    return (
        norwegian < FIRST_NORWEGIAN_ZIPF and english < FIRST_ENGLISH_ZIPF and not norwegian_compound(key)
        and not key.endswith(NORWEGIAN_ENDINGS)
        and scandinavian(key + "e") < COMPOUND_PART_ZIPF  # an imperative: Utarbeid (utarbeide) …
    )


VERY_COMMON_ZIPF = 5.5  # a Norwegian word this common is no name, even with a capital
FIRST_NORWEGIAN_ZIPF = 3.0  # a sentence's first word, unknown in lower case, this rare in Norwegian …
FIRST_ENGLISH_ZIPF = 4.0  # … and in English is a name

_APOSTROPHES = str.maketrans(dict.fromkeys("’‘ʼ`´", "'"))  # Sainsbury’s = Sainsbury's, I’m = I'm


def _folded(text: str) -> str:
    return _folded_keep_case(text.lower())


def _folded_keep_case(text: str) -> str:
    return unicodedata.normalize("NFKD", text.translate(_APOSTROPHES)).encode("ascii", "ignore").decode()


@lru_cache(maxsize=65536)
def sound(text: str) -> str:
    """A rough spelling-independent key: Konstantinopel ~ Constantinople, Mekka ~ Mecca, Meksiko ~ Mexico,
    Kristoffer ~ Christopher, Tomas ~ Thomas."""
    key = _folded(text.replace("ø", "o").replace("æ", "ae").replace("å", "a"))
    for old, new in (("ph", "f"), ("ch", "k"), ("th", "t"), ("ck", "k"), ("c", "k"), ("q", "k"), ("w", "v"), ("y", "i"), ("j", "i"), ("z", "s"), ("x", "ks")):
        key = key.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", key)


def _own_forms(name: str) -> set[str]:
    """The name as written, without the genitive, and without a definite ending (case kept)."""
    name = name.rstrip("'’")
    forms = {name, without_genitive(name)}
    for base in list(forms):
        if base.endswith(("en", "et")) and len(base) > 5:
            forms.add(base[:-2])
    return {f for f in forms if len(f) >= 2}


def _exonyms(name: str) -> set[str]:
    known = cldr_exonyms()
    return {e for form in _own_forms(name) for e in (*EXONYMS.get(form.lower(), ()), *known.get(form.lower(), ()))}

_GENITIVE_END = r"(?:['’]?s)?(?!\w)"  # a name may take a genitive, but no other ending (Iran is not Iranian)

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
    loses_capital = not common_english(name)
    text = _folded_keep_case(translation)
    folded = _folded(translation)
    lowered = translation.lower()
    own = {sound(form) for part in [name, *name.split("-")] if part for form in _own_forms(part)}
    taken = (spoken_for(source, translation) if taken_words is None else taken_words) - own
    derived = _derived(name, source)
    parts = [p for p in re.split(r"[-]", name) if p and p[0].isupper() and p.lower() not in DIRECTIONS]
    parts += [head for head in (_name_head(p) for p in parts) if head]
    for part in parts or [name]:
        for form in _own_forms(part) | _own_forms(name):
            wanted = _folded_keep_case(form)
            for found in re.finditer(rf"(?<![^\W\d_]){re.escape(wanted)}(\w*)", text):
                longer = found.group(1) not in ("", "s")
                if not longer or (not derived and sound(without_genitive(found.group())) not in taken):
                    return True
        for exonym in _exonyms(part) | _exonyms(name):
            for found in re.finditer(rf"(?<!\w){re.escape(exonym)}(\w*)", lowered):
                if found.group(1) in ("", "s") or (not derived and len(exonym) >= 4):  # Twitter → tweeted
                    return True
        # The country's adjective, unless the source has an adjective of its own (iranske).
        adjective = DEMONYMS.get(without_genitive(part).lower())
        if adjective and re.search(rf"(?<!\w){adjective}(?!\w)", lowered) and not re.search(
            rf"(?<![\w-]){re.escape(part[:3].lower())}\w*(?:sk|ske|isk|iske)(?!\w)", source
        ):
            return True
        # In lower case (Aurora Borealis → Aurora borealis), but as the whole word.
        if loses_capital and any(
            re.search(rf"(?<!\w){re.escape(_folded(form))}{_GENITIVE_END}", folded) for form in _own_forms(part)
        ):
            return True
        wanted_sound = sound(without_genitive(part))
        if len(wanted_sound) < 4:
            continue
        # Spelled another way (a capitalised word), or, for a name that is an English word too,
        # inflected (County → counties).
        for word in re.findall(r"(?<![\w'’])[^\W\d_]{3,}", translation):
            heard = sound(without_genitive(word))
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
    in_source = Counter(sound(without_genitive(word)) for word in _CAPITALISED.findall(source))
    in_translation = Counter(sound(without_genitive(word)) for word in _CAPITALISED.findall(translation))
    return frozenset(sound for sound, times in in_source.items() if in_translation[sound] <= times)


_CAPITALISED = re.compile(r"(?<![\w'’])[A-ZÆØÅÄÖÜÉ][^\W\d_]+")


_RUN = re.compile(r"(?<![\w'’-])[A-ZÆØÅÄÖÜÉ][\w'’-]*(?:\s+[A-ZÆØÅÄÖÜÉ][\w'’-]*)+")
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sen|Rep|Gov|Col|Gen|Lt|Sgt|Prof)\.?\s+([A-ZÆØÅ][\w'’-]*?)(?:['’]s)?(?![\w'’-])(?!\s+[A-ZÆØÅ])")


def said_short(name: str, source: str, translation: str) -> bool:
    """Whether English says the many-word name the word belongs to in short: by its initials
    (Louisiana State University → LSU, Assembly Members → AMs), or by a title and one of its words
    alone (Theresa May → Mrs May, Sutopo Purwo Nugroho → Mr. Sutopo)."""
    short = {without_genitive(w) for w in _TITLED.findall(translation)}
    for run in _RUN.finditer(source):
        words = run.group().split()
        if name not in words:
            continue
        initials = "".join(w[0] for w in words if not english_function_word(w))
        if len(initials) >= 2 and re.search(rf"(?<!\w){re.escape(initials)}s?(?!\w)", translation):
            return True
        if short & {without_genitive(w) for w in words}:
            return True
    return False


def _derived(name: str, source: str) -> bool:
    """Whether the source has a word derived from the name (Iran … iranske, Haiti … Haitiske)."""
    stem = _folded(without_genitive(name))
    return any(len(word) > len(stem) + 2 and _folded(word).startswith(stem) for word in re.findall(r"[^\W\d_]+", source))


def _name_head(word: str) -> str | None:
    """The name in a compound of a name and a Norwegian noun: Rhindalen → Rhin (the Rhine
    valley), Eriekanalen → Erie (the Erie Canal)."""
    lowered = word.lower()
    for cut in range(3, len(word) - 4):
        if scandinavian(lowered[cut:]) >= COMPOUND_PART_ZIPF:
            return word[:cut]
    return None

def occurrences(name: str, translation: str, source: str = "") -> int:
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
