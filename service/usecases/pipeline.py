"""The translation use case: whole documents into the translator's target language (English, or
Bokmål / Nynorsk from English), composing segmentation, language id, the cache and a translator.
It knows models only through the ``Translator`` protocol."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from ..domain.cancel import raise_if_cancelled
from ..domain.checks import Issue, check
from ..domain.errors import (
    EngineUnavailable,
    InputTooLarge,
    InvalidInput,
    OversettError,
    UnsupportedLanguage,
)
from ..domain.glossary import Glossary
from ..domain.langid import NO_LINGUISTIC_CONTENT, Detection, LanguageDetector, normalise_code
from ..domain.memory import MemoryMatch
from ..domain.pairs import ENGLISH, already_in_target, check_pair
from ..domain.protocols import Cache, Decoding, MemoryStore, Translator, cache_key
from ..domain.spans import Protected, protect, restore
from ..domain.text import normalise_source, segment, split_long_sentence
from ..domain.timing import timed, timed_model
from .results import (
    DocumentTranslation,
    PipelineStats,
    SegmentTranslation,
    StreamEvent,
    UnitTranslation,
)
from .standards import Standards, converts

__all__ = [
    "DocumentTranslation", "PipelineStats", "SegmentTranslation", "StreamEvent", "TranslationPipeline", "UnitTranslation",
]

log = logging.getLogger(__name__)

DETECTION_SAMPLE_CHARS = 5_000  # enough text for a sure guess; detection cost stays flat
PROGRESS_SLICE = 64  # sentences per model call when someone is watching progress
STREAM_SLICE = 4  # units per model call when streaming: the first segment comes early


@dataclass
class _PlannedSentence:
    source: str
    units: list[str]  # what goes to the model: the normalised sentence, or its pieces if long
    remembered: MemoryMatch | None = None  # what the request's translation memory has for it


class TranslationPipeline:
    """Translate whole documents: layout kept, cached sentences reused, misses batched."""

    def __init__(
        self,
        translator: Translator,
        cache: Cache,
        detector: LanguageDetector,
        *,
        num_beams: int = 4,
        max_chars: int = 100_000,
        checks: bool = True,
        retry: bool = True,
        memories: MemoryStore | None = None,
        default_memory: str | None = None,
        targets: tuple[str, ...] = (ENGLISH,),
        standards: Standards | None = None,
        converter: bool = False,
    ) -> None:
        self.translator = translator
        # Bokmål ↔ Nynorsk, and the route of English into Nynorsk (``standards.py``); ``converter``:
        # this pipeline is that engine's own, and converts what it is given.
        self.standards = standards
        self.converter = converter
        self.missing: OversettError | None = None  # a converter standing in for a missing model: its error
        self.targets = targets  # the languages it translates into; the first is the default
        self.memories = memories
        self.default_memory = default_memory  # used when a request names none ("" turns it off)
        self.cache = cache
        self.detector = detector
        self.num_beams = num_beams
        self.max_chars = max_chars
        self.checks = checks
        self.retry = retry and checks
        self.stats = PipelineStats()

    def close(self) -> None:
        """Let go of the model (and its batcher thread) and the cache."""
        self.translator.close()
        self.cache.close()
        if self.memories is not None:
            self.memories.close()

    def target_of(self, target_lang: str | None) -> str:
        """The request's target (the default when None); InvalidInput when this pipeline's
        translator does not translate into it."""
        target = target_lang or self.targets[0]
        if target not in self.targets:
            raise InvalidInput(f"{self.translator.info.model_id} translates into {', '.join(self.targets)}, not {target}.")
        return target

    def passed_through(self, lang: str, target: str) -> bool:
        """Text that comes back as it is, with no model call: no letters, or already in the target."""
        return lang == NO_LINGUISTIC_CONTENT or already_in_target(lang, target)

    def cache_namespace(self, num_beams: int, glossary: Glossary | None = None, target: str = ENGLISH) -> dict[str, Any]:
        info = self.translator.info
        namespace = {
            "task": "translate",
            "model": info.model_id,
            "revision": info.revision,
            "backend": info.backend,
            "quantization": info.quantization,
            "num_beams": num_beams,
            "max_input_tokens": info.max_input_tokens,
            "format": 2,  # cached value: text, confidence and issues (JSON)
            "checks": self.checks,
            "retry": self.retry,
        }
        if info.target_tokens:  # a multi-target model: the target token is part of the input
            namespace["target"] = info.target_tokens.get(target, target)
        if glossary is not None:
            namespace["glossary"] = glossary.digest  # a changed glossary never serves stale text
        return namespace

    def translate_documents(
        self,
        texts: Sequence[str],
        source_lang: str = "auto",
        num_beams: int | None = None,
        progress: Callable[[int], None] | None = None,
        glossary: Glossary | None = None,
        memory: str | None = None,
        target_lang: str | None = None,
        route: str | None = None,
    ) -> list[DocumentTranslation]:
        """Translate each text into ``target_lang`` (the pipeline's default when None); raise
        InputTooLarge / InvalidInput before any work. ``route``: how English goes into Nynorsk
        (``standards.ROUTES``; None: the service's setting).
        ``progress`` is told how many sentences were translated, as the work goes. A sentence
        the translation memory ``memory`` has (exact or adapted) is not translated (None: the
        pipeline's default memory; "": none)."""
        with self._on_the_way():
            return self._translate_documents(texts, source_lang, num_beams, progress, glossary, memory, target_lang, route)

    def _on_the_way(self) -> AbstractContextManager[None]:
        """This request counts as on its way to the model until it has queued its sentences: a
        dynamic batcher about to run a batch waits for it (``batching.DynamicBatcher.arriving``)."""
        arriving = getattr(self.translator, "arriving", None)
        return arriving() if arriving is not None else nullcontext()

    def _translate_documents(
        self, texts: Sequence[str], source_lang: str, num_beams: int | None, progress: Callable[[int], None] | None,
        glossary: Glossary | None, memory: str | None, target_lang: str | None, route: str | None,
    ) -> list[DocumentTranslation]:
        beams = num_beams or self.num_beams
        target = self.target_of(target_lang)
        self.check_size(texts)
        detections = self.detections_of(texts, source_lang, target)
        model_target = self.model_target(target, route)
        routed = [i for i, d in enumerate(detections) if self.routes(d.lang, target)]
        converted = dict(zip(routed, self.require_standards().convert_documents(
            [texts[i] for i in routed], [detections[i] for i in routed], target, num_beams=num_beams, glossary=glossary,
            memory=memory, detected=source_lang == "auto",
        ), strict=True)) if routed else {}
        languages = [d.lang for d in detections]
        with timed("segment"):
            documents = [segment(text, lang) for text, lang in zip(texts, languages, strict=True)]
            plans = [
                [self._plan(s) for s in doc.sentences] if not (i in converted or self.passed_through(lang, target)) else []
                for i, (doc, lang) in enumerate(zip(documents, languages, strict=True))
            ]
        self._remember([p for plan in plans for p in plan], memory, target)
        units = [u for plan in plans for sentence in plan for u in sentence.units]
        translated, hits = self._translate_units(units, beams, progress, glossary, model_target)
        results: list[DocumentTranslation] = []
        for i, (doc, detection, plan) in enumerate(zip(documents, detections, plans, strict=True)):
            lang = detection.lang
            if i in converted:
                results.append(converted[i])
                continue
            if self.passed_through(lang, target):
                segments = [SegmentTranslation(s, s, False) for s in doc.sentences]
            else:
                segments = [self._segment(p, translated, hits) for p in plan]
                if model_target != target:
                    segments = self.require_standards().into_nynorsk(segments)
            english = doc.render([s.translation for s in segments])
            detected = detection if source_lang == "auto" else None
            results.append(DocumentTranslation(english, lang, segments, detected))
        return results

    def routes(self, lang: str, target: str) -> bool:
        """A Norwegian text of the other written standard, which the Bokmål ↔ Nynorsk engine takes."""
        return converts(lang, target) and not self.converter

    def stats_for(self, lang: str, target: str) -> PipelineStats:
        """The counters of the pipeline that does the work: the engine's for the other written standard."""
        engine = self.standards.pipeline if self.standards is not None and self.routes(lang, target) else None
        return engine.stats if engine is not None else self.stats

    def model_target(self, target: str, route: str | None = None) -> str:
        """What to ask the model for: Bokmål when English goes into Nynorsk by way of Bokmål."""
        if target != "nn" or self.converter:
            return target
        if route == "bokmal":
            self.require_standards().require()  # asked for by name: a 503 naming Apertium's packages without it
        return self.require_standards().model_target(target, self.targets, route)

    def require_standards(self) -> Standards:
        """The Bokmål ↔ Nynorsk engine; EngineUnavailable (503, naming the packages) without it."""
        if self.standards is None:
            return Standards(None, EngineUnavailable("nob-nno"))
        return self.standards

    def translate_sentences(self, sentences: Sequence[str], target: str) -> list[tuple[UnitTranslation, bool]]:
        """Each text as one unit (no segmentation, no memory), through the cache and the checks:
        its translation, and whether it came from the cache."""
        units = [normalise_source(s) for s in sentences]
        translated, hits = self._translate_units(units, self.num_beams, None, None, self.target_of(target))
        return [(translated[u], u in hits) for u in units]

    def stream_documents(
        self, texts: Sequence[str], source_lang: str = "auto", num_beams: int | None = None,
        glossary: Glossary | None = None, memory: str | None = None, target_lang: str | None = None,
        route: str | None = None,
    ) -> Iterator[StreamEvent]:
        """Translate each text, telling each segment as soon as it and the segments before it
        are done (those found in the cache at once), then the whole document. Limits and
        language are checked before the first event, so a bad request fails before it streams."""
        beams = num_beams or self.num_beams
        target = self.target_of(target_lang)
        self.check_size(texts)
        detections = self.detections_of(texts, source_lang, target)
        model_target = self.model_target(target, route)
        for index, (text, detection) in enumerate(zip(texts, detections, strict=True)):
            if self.routes(detection.lang, target):
                yield from self.require_standards().stream_document(
                    index, text, detection, target, num_beams=num_beams, glossary=glossary, memory=memory,
                    detected=source_lang == "auto",
                )
                continue
            with timed("segment"):
                doc = segment(text, detection.lang)
            detected = detection if source_lang == "auto" else None
            if self.passed_through(detection.lang, target):
                segments = [SegmentTranslation(s, s, False) for s in doc.sentences]
                for position, passed in enumerate(segments):
                    yield StreamEvent(index, position, passed)
                yield StreamEvent(index, None, None, DocumentTranslation(text, detection.lang, segments, detected))
                continue
            with timed("segment"):
                plan = [self._plan(s) for s in doc.sentences]
            self._remember(plan, memory, target)
            units = list(dict.fromkeys(u for p in plan for u in p.units))
            translated, hits, keys = self._lookup(units, beams, glossary, model_target)
            done: list[SegmentTranslation] = []

            def ready() -> Iterator[StreamEvent]:
                while len(done) < len(plan) and all(u in translated for u in plan[len(done)].units):
                    made = self._segment(plan[len(done)], translated, hits)
                    if model_target != target:  # English → Bokmål, then Nynorsk
                        (made,) = self.require_standards().into_nynorsk([made])
                    done.append(made)
                    yield StreamEvent(index, len(done) - 1, done[-1])

            yield from ready()
            misses = [u for u in units if u not in translated]  # in document order
            for start in range(0, len(misses), STREAM_SLICE):
                raise_if_cancelled()
                part = misses[start : start + STREAM_SLICE]
                self._translate_misses(part, beams, keys, translated, glossary, model_target)
                yield from ready()
            english = doc.render([s.translation for s in done])
            yield StreamEvent(index, None, None, DocumentTranslation(english, detection.lang, done, detected))

    def check_size(self, texts: Sequence[str]) -> None:
        size = sum(len(t) for t in texts)
        if size > self.max_chars:
            raise InputTooLarge(size, self.max_chars)

    def detections_of(self, texts: Sequence[str], source_lang: str, target: str) -> list[Detection]:
        """Each text's ``detection_of``; texts of unknown language are judged first in one call,
        lingua's parallel one, so each is then found judged."""
        if source_lang == "auto" and len(texts) > 1:
            with timed("langid"):
                self.detector.detect_many([t[:DETECTION_SAMPLE_CHARS] for t in texts], prefer_english=target != ENGLISH)
        return [self.detection_of(text, source_lang, i, len(texts), target) for i, text in enumerate(texts)]

    def detection_of(
        self, text: str, source_lang: str = "auto", index: int = 0, count: int = 1, target: str = ENGLISH
    ) -> Detection:
        """The request's language (confidence 1), or the detected one; raise
        UnsupportedLanguage when the text is confidently in a language oversett does not take,
        InvalidInput when oversett does not translate it into ``target`` (Danish into Bokmål)."""
        try:
            if source_lang != "auto":
                detection = Detection(normalise_code(source_lang), 1.0)
            else:
                try:
                    with timed("langid"):
                        detection = self.detector.detect(text[:DETECTION_SAMPLE_CHARS], prefer_english=target != ENGLISH)
                except UnsupportedLanguage as exc:
                    self.stats.record_language(refused=exc.detected)
                    raise
                self.stats.record_language(detected=detection.lang)
            if detection.lang != NO_LINGUISTIC_CONTENT:
                check_pair(detection.lang, target)
                if self.routes(detection.lang, target):
                    self.require_standards().require()  # 503 naming Apertium's packages, before any work
                if self.missing is not None and not converts(detection.lang, target) and not self.passed_through(
                    detection.lang, target
                ):
                    raise self.missing  # English for a missing English → Norwegian translator
        except InvalidInput as exc:
            if count > 1:
                raise InvalidInput(f"Text {index + 1} of {count}: {exc.message}") from exc
            raise
        return detection

    def _plan(self, sentence: str) -> _PlannedSentence:
        units = split_long_sentence(
            normalise_source(sentence), self.translator.info.max_input_tokens, self.translator.count_tokens
        )
        return _PlannedSentence(sentence, units)

    def memory_identity(self, memory: str | None) -> str | None:
        """The memory a request's translations use, with its version (``name@version``), or None
        when it uses none: what a cache of results made through it must be keyed by."""
        name = self.default_memory if memory is None else memory
        if not name or self.memories is None:
            return None
        return f"{name}@{self.memories.version(name)}"

    def _remember(self, plans: list[_PlannedSentence], memory: str | None, target: str = ENGLISH) -> None:
        """Sentences the memory has a translation for need no model (their units go); near
        matches are noted as suggestions."""
        memory = self.default_memory if memory is None else memory
        if not memory or self.memories is None or not plans:
            return
        with timed("memory"):
            found = self.memories.find(memory, [p.source for p in plans], target)
        kinds = []
        for plan in plans:
            plan.remembered = found.get(plan.source)
            if plan.remembered is not None:
                kinds.append(plan.remembered.kind)
                if plan.remembered.kind != "fuzzy":
                    plan.units = []
        self.stats.record_memory(kinds)

    def _segment(
        self, plan: _PlannedSentence, translated: dict[str, UnitTranslation], hits: set[str]
    ) -> SegmentTranslation:
        remembered = plan.remembered
        if remembered is not None and remembered.kind != "fuzzy":
            origin = "memory" if remembered.kind == "exact" else "memory-adapted"
            return SegmentTranslation(plan.source, remembered.target, False, None, origin=origin)
        units = [translated[u] for u in plan.units]
        confidences = [u.confidence for u in units if u.confidence is not None]
        cached = all(u in hits for u in plan.units)
        return SegmentTranslation(
            plan.source,
            " ".join(u.text for u in units if u.text),
            cached,
            min(confidences) if confidences else None,
            tuple(dict.fromkeys(i for u in units for i in u.issues)),
            tuple(t for u in units for t in u.terms),
            "cache" if cached and plan.units else "model",
            remembered.suggestions if remembered is not None else (),
        )

    def _translate_units(
        self, units: list[str], num_beams: int, progress: Callable[[int], None] | None = None,
        glossary: Glossary | None = None, target: str = ENGLISH,
    ) -> tuple[dict[str, UnitTranslation], set[str]]:
        """Translations for every unit, and the set of units that came from the cache."""
        translated, hits, keys = self._lookup(units, num_beams, glossary, target)
        if progress is not None and hits:
            progress(len(hits))
        misses = [unit for unit in keys if unit not in translated]
        # With a progress listener, work in slices so it hears of progress as it happens.
        step = PROGRESS_SLICE if progress is not None else max(1, len(misses))
        for start in range(0, len(misses), step):
            raise_if_cancelled()
            part = misses[start : start + step]
            self._translate_misses(part, num_beams, keys, translated, glossary, target)
            if progress is not None:
                progress(len(part))
        return translated, hits

    def _lookup(
        self, units: list[str], num_beams: int, glossary: Glossary | None = None, target: str = ENGLISH
    ) -> tuple[dict[str, UnitTranslation], set[str], dict[str, str]]:
        """What the cache has: translations found, the units found, and every unit's key."""
        with timed("cache"):
            namespace = self.cache_namespace(num_beams, glossary, target)
            keys = {unit: cache_key(namespace, unit) for unit in dict.fromkeys(units)}
            stored = self.cache.get_many(keys.values())
        translated: dict[str, UnitTranslation] = {}
        for unit, key in keys.items():
            if key in stored:
                try:
                    translated[unit] = UnitTranslation.load(stored[key])
                except (ValueError, KeyError, TypeError):  # an entry of another format: a miss
                    continue
        self.stats.record(len(translated), len(keys) - len(translated))
        return translated, set(translated), keys

    def _translate_misses(
        self, part: list[str], num_beams: int, keys: dict[str, str], translated: dict[str, UnitTranslation],
        glossary: Glossary | None = None, target: str = ENGLISH,
    ) -> None:
        results = self._translate_checked(part, num_beams, glossary, target)
        translated.update(zip(part, results, strict=True))
        with timed("cache"):
            self.cache.set_many({keys[u]: r.dump() for u, r in zip(part, results, strict=True)})

    def _translate_checked(
        self, units: list[str], num_beams: int, glossary: Glossary | None = None, target: str = ENGLISH
    ) -> list[UnitTranslation]:
        """Translate (protected spans and glossary terms kept), check, and translate the flagged
        ones once more, cautiously, keeping the better try."""
        matcher = None
        if glossary is not None:  # Bokmål ↔ Nynorsk keeps the do-not-translate terms only
            matcher = glossary.keep_matcher() if self.converter else glossary.matcher_for(target)
        with timed("protect"):
            protected = [protect(u, matcher) for u in units]
        wanted = target if self.translator.info.target_tokens else None
        first = self._try(units, protected, Decoding(num_beams, target=wanted), target)
        results = list(first)
        flagged = [i for i, r in enumerate(first) if r.issues] if self.retry else []
        if flagged:
            raise_if_cancelled()
            cautious = Decoding(num_beams, cautious=True, target=wanted)
            second = self._try([units[i] for i in flagged], [protected[i] for i in flagged], cautious, target)
            for index, retried in zip(flagged, second, strict=True):
                better = _rank(retried) < _rank(first[index])
                results[index] = retried if better else first[index]
                self.stats.record_checks((), retried=True, improved=better)
        for result in results:
            self.stats.record_checks(result.issues)
            if result.terms:
                self.stats.record_terms(len(result.terms), sum(1 for i in result.issues if i.code == "glossary"))
        return results

    def _try(
        self, units: list[str], protected: list[Protected], decoding: Decoding, target: str = ENGLISH
    ) -> list[UnitTranslation]:
        with timed_model():
            hypotheses = self.translator.translate_scored([p.text for p in protected], decoding)
        results = []
        for unit, shield, hypothesis in zip(units, protected, hypotheses, strict=True):
            with timed("protect"):
                text, lost = restore(hypothesis.text, shield)
            with timed("checks"):
                issues = check(shield.checked_source or unit, text, target) if self.checks else []
            lost_spans = [shield.spans[i] for i in lost if not shield.is_term(i)]
            if lost_spans:
                issues.insert(0, Issue("link", f"The model lost {', '.join(lost_spans)}; added at the end of the sentence."))
            for source, english in (t for t in map(shield.term, lost) if t is not None):
                issues.insert(0, Issue("glossary", f"The model lost the glossary term “{source}” (“{english}”); added at the end of the sentence."))
            if hypothesis.unknown:
                issues.append(Issue("unknown", f"Words the rule-based engine does not know, left as they are: {', '.join(hypothesis.unknown)}."))
            results.append(UnitTranslation(text, hypothesis.confidence, tuple(issues), shield.terms))
        return results


def _rank(result: UnitTranslation) -> tuple[int, float]:
    """Fewer issues first, then the more confident."""
    return len(result.issues), -(result.confidence if result.confidence is not None else 0.0)
