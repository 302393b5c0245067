"""The use cases: translate documents, composing segmentation, language id, cache and model."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from . import extractive
from .admission import raise_if_cancelled
from .batching import DynamicBatcher
from .cache import Cache, cache_key, normalise_source, open_cache
from .config import Settings
from .errors import InputTooLarge, InvalidInput, ModelUnavailable, UnsupportedLanguage
from .langid import LanguageDetector, normalise_code
from .models import ModelRef, find_ct2_model, load_ct2, load_seq2seq
from .prompts import load_prompts, uses_prompts
from .summarize import (
    LENGTH_PRESETS,
    LengthPreset,
    Seq2SeqSummarizer,
    Summarizer,
    preset_for,
    summarize_long,
    trim_summary,
)
from .text import segment, split_long_sentence
from .translate import BatchedTranslator, CT2Translator, TorchTranslator, Translator

log = logging.getLogger(__name__)

DETECTION_SAMPLE_CHARS = 5_000  # enough text for a sure guess; detection cost stays flat
PROGRESS_SLICE = 64  # sentences per model call when someone is watching progress


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
class PipelineStats:
    """Cache traffic of the translation pipeline (read by /metrics)."""

    cache_hits: int = 0
    cache_misses: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, hits: int, misses: int) -> None:
        with self.lock:
            self.cache_hits += hits
            self.cache_misses += misses


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
        self.stats = PipelineStats()

    def cache_namespace(self, num_beams: int) -> dict[str, Any]:
        return {
            "task": "translate",
            "model": self.translator.model_id,
            "revision": self.translator.revision,
            "backend": self.translator.backend,
            "quantization": self.translator.quantization,
            "num_beams": num_beams,
            "max_input_tokens": self.translator.max_input_tokens,
        }

    def translate_documents(
        self,
        texts: Sequence[str],
        source_lang: str = "auto",
        num_beams: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> list[DocumentTranslation]:
        """Translate each text to English; raise InputTooLarge / InvalidInput before any work.
        ``progress`` is told how many sentences were translated, as the work goes."""
        beams = num_beams or self.num_beams
        self.check_size(texts)
        languages = [self.language_of(text, source_lang, i, len(texts)) for i, text in enumerate(texts)]
        documents = [segment(text) for text in texts]
        plans = [
            [self._plan(s) for s in doc.sentences] if lang != "en" else []
            for doc, lang in zip(documents, languages, strict=True)
        ]
        units = [u for plan in plans for sentence in plan for u in sentence.units]
        translated, hits = self._translate_units(units, beams, progress)
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

    def check_size(self, texts: Sequence[str]) -> None:
        size = sum(len(t) for t in texts)
        if size > self.max_chars:
            raise InputTooLarge(size, self.max_chars)

    def language_of(self, text: str, source_lang: str = "auto", index: int = 0, count: int = 1) -> str:
        """The request's language code, or the detected one (raises UnsupportedLanguage)."""
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

    def _translate_units(
        self, units: list[str], num_beams: int, progress: Callable[[int], None] | None = None
    ) -> tuple[dict[str, str], set[str]]:
        """Translations for every unit, and the set of units that came from the cache."""
        namespace = self.cache_namespace(num_beams)
        keys = {unit: cache_key(namespace, unit) for unit in dict.fromkeys(units)}
        stored = self.cache.get_many(keys.values())
        translated = {unit: stored[key] for unit, key in keys.items() if key in stored}
        hits = set(translated)
        if progress is not None and hits:
            progress(len(hits))
        misses = [unit for unit in keys if unit not in translated]
        self.stats.record(len(hits), len(misses))
        # With a progress listener, work in slices so it hears of progress as it happens.
        step = PROGRESS_SLICE if progress is not None else max(1, len(misses))
        for start in range(0, len(misses), step):
            raise_if_cancelled()
            part = misses[start : start + step]
            outputs = self.translator.translate(part, num_beams)
            translated.update(zip(part, outputs, strict=True))
            self.cache.set_many({keys[u]: t for u, t in zip(part, outputs, strict=True)})
            if progress is not None:
                progress(len(part))
        return translated, hits


def cpu_threads(settings: Settings) -> int:
    return settings.threads or os.cpu_count() or 1


def load_translator(settings: Settings) -> BatchedTranslator:
    """The configured backend: CTranslate2 when asked for, or (auto) when a converted model is
    configured or found beside the translator; torch otherwise. Raises ModelUnavailable."""
    limits = {"max_batch_tokens": settings.max_batch_tokens, "max_input_tokens": settings.max_input_tokens}
    converted = find_ct2_model(settings.translator, settings.ct2_model)
    if settings.backend == "ctranslate2" or (settings.backend == "auto" and converted is not None):
        if converted is None:
            raise ModelRef(settings.translator, "translation", "OVERSETT_CT2_MODEL").unavailable(
                "OVERSETT_BACKEND=ctranslate2 but no converted model is configured or found "
                "beside it; convert one with `oversett models convert SRC OUT` and set "
                "OVERSETT_CT2_MODEL=OUT"
            )
        loaded_ct2 = load_ct2(
            converted,
            device=settings.device,
            intra_threads=cpu_threads(settings),
            inter_threads=settings.ct2_inter_threads,
        )
        ct2_translator = CT2Translator(loaded_ct2, **limits)
        ct2_translator.forced_output_tokens = settings.force_output_tokens
        return ct2_translator
    import torch

    torch.set_num_threads(cpu_threads(settings))
    loaded = load_seq2seq(
        ModelRef(settings.translator, "translation", "OVERSETT_TRANSLATOR", settings.translator_revision),
        device=settings.device,
        offline=settings.offline,
    )
    torch_translator = TorchTranslator(loaded, **limits)
    torch_translator.forced_output_tokens = settings.force_output_tokens
    return torch_translator


def load_pipeline(settings: Settings, detector: LanguageDetector | None = None) -> TranslationPipeline:
    """Load the configured translator (behind the dynamic batcher) and cache; raises
    ModelUnavailable."""
    backend = load_translator(settings)
    translator: Translator = (
        DynamicBatcher(backend, max_wait=settings.batch_wait_ms / 1000, max_tokens=settings.batch_max_tokens)
        if settings.batch_wait_ms > 0
        else backend
    )
    return TranslationPipeline(
        translator,
        open_cache(settings.cache),
        detector or LanguageDetector(),
        num_beams=settings.num_beams,
        max_chars=settings.max_chars,
    )


SummaryMethod = Literal["auto", "abstractive", "extractive"]


@dataclass(frozen=True)
class SummaryResult:
    summary: str
    method: str
    length: str
    source_lang: str
    sentences_translated: int
    models: dict[str, str | None]
    cached: bool = False


class SummaryPipeline:
    """Short English summaries of (Norwegian) documents, abstractive or extractive."""

    def __init__(
        self,
        translation: TranslationPipeline,
        summarizer: Summarizer | None,
        summarizer_error: ModelUnavailable | None = None,
    ) -> None:
        self.translation = translation
        self.summarizer = summarizer
        self.summarizer_error = summarizer_error

    @property
    def cache(self) -> Cache:
        return self.translation.cache

    def resolve_method(self, method: SummaryMethod) -> str:
        if method == "auto":
            return "abstractive" if self.summarizer is not None else "extractive"
        if method == "abstractive" and self.summarizer is None:
            raise self.summarizer_error or ModelUnavailable(
                "summarization", "(none configured)", "OVERSETT_SUMMARIZER", "not loaded"
            )
        return method

    def summarize_document(
        self,
        text: str,
        length: str = "short",
        max_words: int | None = None,
        method: SummaryMethod = "auto",
        source_lang: str = "auto",
    ) -> SummaryResult:
        self.translation.check_size([text])
        chosen = self.resolve_method(method)
        language = self.translation.language_of(text, source_lang)
        preset = preset_for(length, max_words)
        key = cache_key(self._namespace(chosen, length, max_words), text)
        stored = self.cache.get_many([key]).get(key)
        if stored is not None:
            return SummaryResult(**{**json.loads(stored), "cached": True})
        if chosen == "abstractive":
            assert self.summarizer is not None
            summary, translated = self._abstractive(text, language, preset, self.summarizer)
        else:
            summary, translated = self._extractive(text, language, preset)
        result = SummaryResult(
            summary=summary,
            method=chosen,
            length=length if max_words is None else f"max_words={max_words}",
            source_lang=language,
            sentences_translated=translated,
            models=self._models(chosen),
        )
        self.cache.set_many({key: json.dumps({k: v for k, v in asdict(result).items() if k != "cached"})})
        return result

    def _abstractive(
        self, text: str, language: str, preset: LengthPreset, summarizer: Summarizer
    ) -> tuple[str, int]:
        (document,) = self.translation.translate_documents([text], source_lang=language)
        translated = 0 if language == "en" else len(document.segments)
        summary = summarize_long(document.text, summarizer, preset, summarizer.text_budget(preset))
        return trim_summary(summary, preset), translated

    def _extractive(self, text: str, language: str, preset: LengthPreset) -> tuple[str, int]:
        picked = extractive.extract(text, language, preset.max_sentences, preset.max_words)
        sources = [c.text for c in picked]
        if language == "en":
            return " ".join(sources), 0
        documents = self.translation.translate_documents(sources, source_lang=language)
        return " ".join(d.text for d in documents), len(sources)

    def _models(self, method: str) -> dict[str, str | None]:
        translator = self.translation.translator
        summarizer = self.summarizer if method == "abstractive" else None
        return {
            "translator": translator.model_id,
            "summarizer": summarizer.model_id if summarizer else None,
        }

    def _namespace(self, method: str, length: str, max_words: int | None) -> dict[str, Any]:
        namespace: dict[str, Any] = {
            **self.translation.cache_namespace(self.translation.num_beams),
            "task": "summarize",
            "method": method,
            "length": length if max_words is None else None,
            "max_words": max_words,
        }
        if method == "abstractive" and self.summarizer is not None:
            namespace["summarizer"] = self.summarizer.model_id
            namespace["summarizer_revision"] = self.summarizer.revision
            prompts = getattr(self.summarizer, "prompts", None)
            if prompts is not None:
                namespace["prompts"] = hashlib.sha256(
                    json.dumps(prompts.templates, sort_keys=True).encode()
                ).hexdigest()[:16]
        return namespace


def load_summarizer(settings: Settings) -> Seq2SeqSummarizer:
    """Load the configured summariser with its prompts; raises ModelUnavailable, or
    ConfigurationError for a broken prompt template."""
    loaded = load_seq2seq(
        ModelRef(settings.summarizer, "summarization", "OVERSETT_SUMMARIZER", settings.summarizer_revision),
        device=settings.device,
        offline=settings.offline,
    )
    model_type = str(getattr(loaded.model.config, "model_type", ""))
    prompts = (
        load_prompts(settings.prompts_dir, LENGTH_PRESETS, settings.prompt_template)
        if uses_prompts(model_type, settings.summary_prompts)
        else None
    )
    return Seq2SeqSummarizer(
        loaded, prompts, num_beams=settings.num_beams, max_input_tokens=settings.summary_max_input_tokens
    )
