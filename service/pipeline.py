"""The use cases: translate documents, composing segmentation, language id, cache and model."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .cache import Cache, cache_key, normalise_source, open_cache
from .config import Settings
from .errors import InputTooLarge, InvalidInput, UnsupportedLanguage
from .langid import LanguageDetector, normalise_code
from .models import ModelRef, load_seq2seq
from .text import segment, split_long_sentence
from .translate import TorchTranslator, Translator

log = logging.getLogger(__name__)

DETECTION_SAMPLE_CHARS = 5_000  # enough text for a sure guess; detection cost stays flat


@dataclass(frozen=True)
class SegmentTranslation:
    source: str
    translation: str
    cached: bool


@dataclass(frozen=True)
class DocumentTranslation:
    text: str
    source_lang: str
    segments: list[SegmentTranslation]


@dataclass
class _PlannedSentence:
    source: str
    units: list[str]  # what goes to the model: the normalised sentence, or its pieces if long


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
    ) -> None:
        self.translator = translator
        self.cache = cache
        self.detector = detector
        self.num_beams = num_beams
        self.max_chars = max_chars

    def cache_namespace(self, num_beams: int) -> dict[str, Any]:
        return {
            "task": "translate",
            "model": self.translator.model_id,
            "revision": self.translator.revision,
            "backend": self.translator.backend,
            "num_beams": num_beams,
            "max_input_tokens": self.translator.max_input_tokens,
        }

    def translate_documents(
        self, texts: Sequence[str], source_lang: str = "auto", num_beams: int | None = None
    ) -> list[DocumentTranslation]:
        """Translate each text to English; raise InputTooLarge / InvalidInput before any work."""
        beams = num_beams or self.num_beams
        size = sum(len(t) for t in texts)
        if size > self.max_chars:
            raise InputTooLarge(size, self.max_chars)
        languages = [self._language(text, source_lang, i, len(texts)) for i, text in enumerate(texts)]
        documents = [segment(text) for text in texts]
        plans = [
            [self._plan(s) for s in doc.sentences] if lang != "en" else []
            for doc, lang in zip(documents, languages, strict=True)
        ]
        units = [u for plan in plans for sentence in plan for u in sentence.units]
        translated, hits = self._translate_units(units, beams)
        results: list[DocumentTranslation] = []
        for doc, lang, plan in zip(documents, languages, plans, strict=True):
            if lang == "en":
                segments = [SegmentTranslation(s, s, False) for s in doc.sentences]
            else:
                segments = [
                    SegmentTranslation(
                        p.source,
                        " ".join(translated[u] for u in p.units if translated[u]),
                        all(u in hits for u in p.units),
                    )
                    for p in plan
                ]
            english = doc.render([s.translation for s in segments])
            results.append(DocumentTranslation(english, lang, segments))
        return results

    def _language(self, text: str, source_lang: str, index: int, count: int) -> str:
        if source_lang != "auto":
            return normalise_code(source_lang)
        try:
            return self.detector.detect(text[:DETECTION_SAMPLE_CHARS])
        except UnsupportedLanguage as exc:
            if count > 1:
                raise InvalidInput(f"Text {index + 1} of {count}: {exc.message}") from exc
            raise

    def _plan(self, sentence: str) -> _PlannedSentence:
        units = split_long_sentence(
            normalise_source(sentence), self.translator.max_input_tokens, self.translator.count_tokens
        )
        return _PlannedSentence(sentence, units)

    def _translate_units(self, units: list[str], num_beams: int) -> tuple[dict[str, str], set[str]]:
        """Translations for every unit, and the set of units that came from the cache."""
        namespace = self.cache_namespace(num_beams)
        keys = {unit: cache_key(namespace, unit) for unit in dict.fromkeys(units)}
        stored = self.cache.get_many(keys.values())
        translated = {unit: stored[key] for unit, key in keys.items() if key in stored}
        hits = set(translated)
        misses = [unit for unit in keys if unit not in translated]
        if misses:
            outputs = self.translator.translate(misses, num_beams)
            translated.update(zip(misses, outputs, strict=True))
            self.cache.set_many({keys[u]: t for u, t in zip(misses, outputs, strict=True)})
        return translated, hits


def load_pipeline(settings: Settings, detector: LanguageDetector | None = None) -> TranslationPipeline:
    """Load the configured translator and cache; raises ModelUnavailable."""
    if settings.threads:
        import torch

        torch.set_num_threads(settings.threads)
    loaded = load_seq2seq(
        ModelRef(settings.translator, "translation", "OVERSETT_TRANSLATOR", settings.translator_revision),
        device=settings.device,
        offline=settings.offline,
    )
    translator = TorchTranslator(
        loaded,
        max_batch_tokens=settings.max_batch_tokens,
        max_input_tokens=settings.max_input_tokens,
    )
    return TranslationPipeline(
        translator,
        open_cache(settings.cache),
        detector or LanguageDetector(),
        num_beams=settings.num_beams,
        max_chars=settings.max_chars,
    )
