"""Detect the source language: Bokmål, Nynorsk, Danish, Swedish or English (lingua), with a
policy that fits a Norwegian service: Norwegian is never turned away, doubt is resolved by
translating, and only text that is confidently something unsupported is refused.

How a text is judged (the thresholds were tuned on Universal Dependencies dev treebanks;
``oversett eval --task langid`` measures them):

1. No letters at all (numbers, emoji, symbols): nothing to translate (``zxx``).
2. Refusal needs all of: a broad detector over every lingua language puts an unsupported
   language U on top; no Norwegian evidence (``ø``/``å`` without Icelandic ``ð``/``þ``, ``æ``
   unless U is Icelandic, or a Scandinavian function word unless U is Icelandic); and a second,
   head-to-head check of U against the supported languages is sure of U. For the neighbours
   most often mistaken for Norwegian (``CHECKED``) that check uses lingua's high-accuracy
   models; for any other language the low-accuracy ones, a stricter bar and at least four
   words. Text of one or two words is refused only when the high-accuracy check is near certain.
3. Otherwise the supported language with the highest confidence. Into English, English must be
   sure (and at least three words): short or doubtful text is translated, not passed through.
   From English (``prefer_english``) it is the other way round: a Scandinavian language must be
   sure, have three words or more, or show ``æ``/``ø``/``å``; doubt is English, so translated.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from .errors import InvalidInput, UnsupportedLanguage
from .spans import PROTECTED

if TYPE_CHECKING:
    from lingua import Language
    from lingua import LanguageDetector as LinguaDetector

# Request codes → the code oversett reports. "no" means Norwegian of either written form.
SOURCE_CODES: dict[str, str] = {"nb": "nb", "nn": "nn", "no": "no", "da": "da", "sv": "sv", "en": "en"}
LANGUAGE_NAMES: dict[str, str] = {
    "nb": "Norwegian Bokmål",
    "nn": "Norwegian Nynorsk",
    "no": "Norwegian",
    "da": "Danish",
    "sv": "Swedish",
    "en": "English",
}
NO_LINGUISTIC_CONTENT = "zxx"  # ISO 639-2: text with no letters, returned as it is
# Unsupported languages checked head-to-head with lingua's high-accuracy models (ISO 639-1).
CHECKED = frozenset({"de", "nl", "fi", "es", "is", "fr", "it", "pt"})

BROAD_MIN_CONFIDENCE = 0.3  # the broad detector's top unsupported language, to look closer
SURE_OF_NEIGHBOUR = 0.6  # head-to-head (high accuracy), three words or more
SURE_OF_NEIGHBOUR_SHORT = 0.95  # head-to-head (high accuracy), one or two words
SURE_OF_OTHER = 0.95  # head-to-head (low accuracy), any other language, four words or more
SURE_OF_ENGLISH = 0.9
MIN_WORDS = 3
MIN_WORDS_OTHER = 4
MIN_WORDS_WITHOUT_NAMES = 5  # a short text keeps its names: each word counts ("Det snør i Tromsø.")

_WORD = re.compile(r"[^\W\d_]+")
_NORWEGIAN_LETTERS = re.compile(r"[øØåÅ]")
_ASH = re.compile(r"[æÆ]")
_ICELANDIC_LETTERS = re.compile(r"[ðþÐÞ]")
# Function words of Bokmål and Nynorsk that the refused languages' texts (German, Dutch,
# Finnish, Spanish and the like) do not use; Icelandic and Faroese share several, so they
# count only against other languages.
SCANDINAVIAN_WORDS = frozenset(
    """og eller ikke ikkje det dette denne disse som på med av har hadde jeg eg meg deg seg oss
    dykk dei eit hva kva hvem kven hvor kor hvordan korleis når fra frå etter ved hos uten utan
    også òg så fordi blir ble vart vert skal må sitt sine mellom slik sånn kanskje bare berre
    mye mykje noen nokon nokre ingen første nå bli være vere vært vore hvis viss dersom enn enda
    mens sammen""".split()
)


# German function words that Norwegian, Danish, Swedish and English do not use: two different ones
# (or one and ß/ü) make German the language to check head to head, whatever the broad detector's
# top (short German is often put nearer Dutch, English or Esperanto there).
GERMAN_WORDS = frozenset(
    """ist nicht und der das ich sehr ein eine einen einem einer mit auf für von wenn auch aber wir sie es
    sind wird werden zu des im noch nur schon wie oder bei nach aus durch über gegen ohne kann muss hat
    hatte war waren wurde mich dich sich uns euch ihr ihm ihn ihre sein seine meine keine kein gut gibt""".split()
)
_GERMAN_LETTERS = re.compile(r"[ßüÜ]")
# English words the refused languages do not use (Dutch shares is, was, of, in): enough of them
# (``_english_by_its_words``) and English is a source to translate, not a language to refuse
# (short English puts the broad detector on Latin, Tagalog or Estonian).
ENGLISH_WORDS = frozenset(
    """the and has have been with from this that which they their were would could should after about
    said its she what when where there these those because while than into his her our your my above
    off out not but""".split()
)
SURE_OF_GERMAN = 0.35  # head-to-head, with that evidence

# Norwegian is one language written two ways, and the model splits it between them: when Bokmål and
# Nynorsk together are likelier than Danish by this much, the text is Norwegian.
NORWEGIAN_TOGETHER_MARGIN = 0.1
# Words Norwegian (Bokmål or Nynorsk) writes and its neighbours do not (Danish mig/af/efter/noget,
# Swedish jag/inte/och): more of them than of the neighbour's own words make a text Norwegian.
NORWEGIAN_NOT_NEIGHBOUR = frozenset(
    """å meg deg seg av etter noe noen nå hva vet mye blir ble hadde ikkje eg kva kven korleis berre mykje frå ho
    dei eit ein hjå veldig gjennom mellom uten ut opp enn sier sa ta gi si kanskje litt fikk gikk tok sånn
    henne dere vår vårt våre mitt sitt oss bli blitt vært gjøre gjør nokon noko nokre vere vore""".split()
)
DANISH_NOT_NORWEGIAN = frozenset(
    """af mig dig sig efter noget nogle nogen nu hvad meget bliver blev havde gennem mellem uden ud op end
    siger sagde tage give sige måske lidt fik gik tog sådan hende jer vores vort os blive været gøre gør""".split()
)
SWEDISH_NOT_NORWEGIAN = frozenset("och inte jag är att också från mycket vad hur när hade något någon".split())
NORWEGIAN_NOT_SWEDISH = frozenset(
    "å og ikke ikkje jeg eg hva kva hvem kven hvor kor er ble vart blir hadde etter noe noen mye også meg deg seg fra frå".split()
)
_SWEDISH_LETTERS = re.compile(r"[äöÄÖ]")
_NORWEGIAN_ONLY_LETTERS = re.compile(r"[æøÆØ]")
_NAME_INSIDE = re.compile(r"(?<![.!?…:]\s)(?<!^)(?<=\s)[A-ZÆØÅÄÖÜ][^\W\d_]+")


@dataclass(frozen=True)
class Detection:
    """What the text was taken to be, and how sure (0–1; lingua's relative confidence among
    the supported languages)."""

    lang: str
    confidence: float


def supported_names() -> list[str]:
    return [f"{name} ({code})" for code, name in LANGUAGE_NAMES.items() if code != "no"]


def normalise_code(code: str) -> str:
    """Map a request's ``source_lang`` to oversett's code, or raise InvalidInput."""
    key = code.strip().lower()
    if key in {"nob"}:
        key = "nb"
    elif key in {"nno"}:
        key = "nn"
    elif key in {"nor"}:
        key = "no"
    if key not in SOURCE_CODES:
        raise InvalidInput(
            f"source_lang '{code}' is not supported; use 'auto' or one of: "
            + ", ".join(SOURCE_CODES)
        )
    return SOURCE_CODES[key]


KNOWN_TEXTS = 4096  # texts whose language is remembered (16-byte digests, not the texts)


class LanguageDetector:
    """Detects the language of a text; builds lingua's models once, on first use. A text it has
    already judged (a request sent again, a cached translation asked for once more) is answered
    from memory: the latest ``KNOWN_TEXTS`` answers, by the text's digest."""

    def __init__(self) -> None:
        self._known: OrderedDict[bytes, Detection] = OrderedDict()
        self._known_lock = threading.Lock()

    @cached_property
    def _supported(self) -> dict[Language, str]:
        from lingua import Language

        return {
            Language.BOKMAL: "nb",
            Language.NYNORSK: "nn",
            Language.DANISH: "da",
            Language.SWEDISH: "sv",
            Language.ENGLISH: "en",
        }

    @cached_property
    def _broad(self) -> LinguaDetector:
        from lingua import LanguageDetectorBuilder

        return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()

    @cached_property
    def _narrow(self) -> LinguaDetector:
        from lingua import LanguageDetectorBuilder

        return LanguageDetectorBuilder.from_languages(*self._supported).build()

    def warm_up(self) -> None:
        self.detect("Dette er en setning på norsk.")

    def detect(self, text: str, *, prefer_english: bool = False) -> Detection:
        """The language of ``text`` (nb / nn / da / sv / en, or zxx without letters); raise
        UnsupportedLanguage naming the language when it is confidently something else.
        ``prefer_english``: the request goes out of English, so doubt means English."""
        key = _key(text, prefer_english)
        known = self._recall(key)
        if known is not None:
            return known
        detection = self._detect(text, prefer_english)
        self._remember(key, detection)
        return detection

    def detect_many(self, texts: Sequence[str], *, prefer_english: bool = False) -> None:
        """Judge many texts at once (a request's texts): lingua scores those not yet known in
        parallel, over every core, and ``detect`` then answers each from memory. A text refused
        is not remembered: ``detect`` refuses it again, in its turn."""
        keys = [_key(text, prefer_english) for text in texts]
        wanted = {key: text for key, text in zip(keys, texts, strict=True) if self._recall(key) is None}
        prepared = {key: PROTECTED.sub(" ", text) for key, text in wanted.items()}
        prepared = {key: text for key, text in prepared.items() if _WORD.search(text)}
        if len(prepared) < 2:
            return  # nothing to share: ``detect`` does it
        scored = dict(zip(prepared, self._narrow.compute_language_confidence_values_in_parallel(
            [_without_names(text) for text in prepared.values()]
        ), strict=True))
        for key, text in prepared.items():
            try:
                self._remember(key, self._detect(text, prefer_english, scored[key]))
            except UnsupportedLanguage:
                continue

    def _recall(self, key: bytes) -> Detection | None:
        with self._known_lock:
            known = self._known.get(key)
            if known is not None:
                self._known.move_to_end(key)
            return known

    def _remember(self, key: bytes, detection: Detection) -> None:
        with self._known_lock:
            self._known[key] = detection
            if len(self._known) > KNOWN_TEXTS:
                self._known.popitem(last=False)

    def _detect(self, text: str, prefer_english: bool, ranked: list | None = None) -> Detection:  # type: ignore[type-arg]
        text = PROTECTED.sub(" ", text)  # links, addresses and code are no language (www.vg.no/nyheter)
        words = [w.lower() for w in _WORD.findall(text)]
        if not words:
            return Detection(NO_LINGUISTIC_CONTENT, 1.0)
        self._refuse_if_unsupported(text, words)
        return self._supported_language(_without_names(text), words, prefer_english, ranked)

    def _refuse_if_unsupported(self, text: str, words: list[str]) -> None:
        if _NORWEGIAN_LETTERS.search(text) and not _ICELANDIC_LETTERS.search(text):
            return
        if self._german_by_its_words(text, words) or _english_by_its_words(words):
            return
        top = self._broad.compute_language_confidence_values(text)[0]
        if top.language in self._supported or top.value < BROAD_MIN_CONFIDENCE:
            return
        code = top.language.iso_code_639_1.name.lower()
        if code != "is" and (_ASH.search(text) or any(w in SCANDINAVIAN_WORDS for w in words)):
            return
        neighbour = code in CHECKED
        if neighbour:
            needed = SURE_OF_NEIGHBOUR if len(words) >= MIN_WORDS else SURE_OF_NEIGHBOUR_SHORT
        elif len(words) >= MIN_WORDS_OTHER and not any(w in ENGLISH_WORDS for w in words):
            needed = SURE_OF_OTHER  # (one English word is enough against a far language: a headline
        else:                       # put on Latin or Tagalog by the broad detector is English)
            return
        head_to_head = _head_to_head(top.language, high_accuracy=neighbour)
        sure = next(c.value for c in head_to_head.compute_language_confidence_values(text) if c.language == top.language)
        if sure >= needed:
            raise UnsupportedLanguage(top.language.name.title(), supported_names(), code, round(sure, 4))

    def _german_by_its_words(self, text: str, words: list[str]) -> bool:
        """Refuse text with German's own function words (and no Scandinavian ones) when the
        head-to-head check puts German first; False when that evidence is not there."""
        from lingua import Language

        german = {w for w in words if w in GERMAN_WORDS}
        if len(german) + bool(_GERMAN_LETTERS.search(text)) < 2 or _ASH.search(text):
            return False
        if any(w in SCANDINAVIAN_WORDS for w in words):
            return False
        ranked = _head_to_head(Language.GERMAN, high_accuracy=True).compute_language_confidence_values(text)
        if ranked[0].language == Language.GERMAN and ranked[0].value >= SURE_OF_GERMAN:
            raise UnsupportedLanguage("German", supported_names(), "de", round(ranked[0].value, 4))
        return False

    def _supported_language(
        self, text: str, words: list[str], prefer_english: bool = False, ranked: list | None = None,  # type: ignore[type-arg]
    ) -> Detection:
        """``ranked``: lingua's confidence values for ``text``, when already computed."""
        ranked = ranked if ranked is not None else self._narrow.compute_language_confidence_values(text)
        best = ranked[0]
        if prefer_english:
            return self._english_or_scandinavian(text, ranked)
        if self._supported[best.language] == "en" and (
            best.value < SURE_OF_ENGLISH or len(words) < MIN_WORDS
        ):
            best = next(c for c in ranked if self._supported[c.language] != "en")
        code = self._supported[best.language]
        if code in ("da", "sv"):
            return _norwegian_or_neighbour(code, words, {self._supported[c.language]: c.value for c in ranked})
        return Detection(code, round(best.value, 4))


    def _english_or_scandinavian(self, text: str, ranked: list) -> Detection:  # type: ignore[type-arg]
        """From English: English unless the Scandinavian languages together are sure (or the text's
        own words show it: æ/ø/å in lower-case words, two of Norwegian's function words); then the
        likeliest of them, Norwegian unless Danish or Swedish is the likelier by a clear margin (a
        text meant for a Norwegian target is most often Norwegian). So text comes back as it is only
        when English is unlikely (links and names, which tell nothing, left out)."""
        by_code = {self._supported[c.language]: c.value for c in ranked}
        words = [w.lower() for w in _WORD.findall(text)]
        lower = " ".join(w for w in _WORD.findall(text) if w.islower())  # æ/ø/å of names (Bjørn Dæhlie) say nothing
        evidence = bool(_NORWEGIAN_LETTERS.search(lower) or _ASH.search(lower)) or _scandinavian_by_its_words(words)
        if by_code["en"] > 1 - SURE_OF_ENGLISH and not evidence:
            return Detection("en", round(by_code["en"], 4))
        scandinavian = sorted((v, c) for c, v in by_code.items() if c != "en")
        value, code = scandinavian[-1]
        if code not in ("nb", "nn") and value < SURE_OF_NEIGHBOUR:
            value, code = max((v, c) for v, c in scandinavian if c in ("nb", "nn"))
        if code in ("nb", "nn"):  # how sure it is Norwegian, as either written form is already in the target
            value = by_code["nb"] + by_code["nn"]
        return Detection(code, round(value, 4))


def _key(text: str, prefer_english: bool) -> bytes:
    """What a judged text is remembered by: its digest, and which way the request goes."""
    return hashlib.blake2b(
        text.encode("utf-8", "surrogatepass"), digest_size=16, person=b"into-norwegian" if prefer_english else b""
    ).digest()


def _without_names(text: str) -> str:
    """The text without its names (capitalised words inside a sentence: Jens Stoltenberg, Stockholm),
    which tell little of the language around them, when enough words are left to judge by."""
    rest = _NAME_INSIDE.sub(" ", text)
    return rest if len(_WORD.findall(rest)) >= MIN_WORDS_WITHOUT_NAMES else text


def _norwegian_or_neighbour(code: str, words: list[str], by_code: dict[str, float]) -> Detection:
    """Danish or Swedish on top: Norwegian all the same when the text has more of Norwegian's own
    words than of the neighbour's, or when Bokmål and Nynorsk together are clearly likelier (a
    Norwegian service calls doubtful Danish/Norwegian text Norwegian: "Eg er glad i deg.")."""
    if code == "da":
        norwegian = sum(w in NORWEGIAN_NOT_NEIGHBOUR for w in words)
        neighbour = sum(w in DANISH_NOT_NORWEGIAN for w in words)
    else:
        norwegian = sum(w in NORWEGIAN_NOT_SWEDISH for w in words) + bool(_NORWEGIAN_ONLY_LETTERS.search(" ".join(words)))
        neighbour = sum(w in SWEDISH_NOT_NORWEGIAN for w in words) + bool(_SWEDISH_LETTERS.search(" ".join(words)))
    together = by_code["nb"] + by_code["nn"]
    close = code == "da" and together - by_code[code] > NORWEGIAN_TOGETHER_MARGIN  # Swedish is told apart well
    if norwegian > neighbour or (norwegian == neighbour and close):
        written = "nb" if by_code["nb"] >= by_code["nn"] else "nn"
        return Detection(written, round(together, 4))
    return Detection(code, round(by_code[code], 4))


def _scandinavian_by_its_words(words: list[str]) -> bool:
    """Two or more words of Norwegian's own that English does not write (eg, deg, ikkje), more of
    them than of English's own words: "Eg er glad i deg." goes out as it is, not as English."""
    own = {w for w in words if w in NORWEGIAN_NOT_NEIGHBOUR or w in SCANDINAVIAN_WORDS} - _ALSO_ENGLISH
    return len(own) >= 2 and len(own) > sum(w in ENGLISH_WORDS for w in words)


_ALSO_ENGLISH = frozenset({"bare", "sine", "mens", "ut", "sa", "ta", "gi", "si", "ein", "dei", "opp", "eit"})


def _english_by_its_words(words: list[str]) -> bool:
    """Two or more of English's own words, a fifth of the text at least (one "the" is often a
    name's: The Beatles in a Spanish sentence)."""
    english = [w for w in words if w in ENGLISH_WORDS]
    return len(english) >= 2 and len(english) >= 0.2 * len(words)


@lru_cache(maxsize=None)
def _head_to_head(language: Language, *, high_accuracy: bool) -> LinguaDetector:
    """A detector of ``language`` against the supported ones (lingua shares its models between
    detectors, so each language's models are loaded once)."""
    from lingua import Language as Lang
    from lingua import LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_languages(
        Lang.BOKMAL, Lang.NYNORSK, Lang.DANISH, Lang.SWEDISH, Lang.ENGLISH, language
    )
    return builder.build() if high_accuracy else builder.with_low_accuracy_mode().build()
