"""The summary use case: short English summaries of (Norwegian) documents, abstractive (a
summariser on the English translation) or extractive (the most central Norwegian sentences,
translated).

The abstractive summariser sees every part of a long document: text over the model's input
limit is cut into chunks at sentence boundaries, each chunk is summarised (map), and the
joined chunk summaries are summarised again (reduce) until one summary remains.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol

from ..domain import extractive
from ..domain.errors import InvalidInput, ModelUnavailable
from ..domain.langid import NO_LINGUISTIC_CONTENT, Detection
from ..domain.pairs import already_in_target
from ..domain.presets import LengthPreset, bounded, preset_for, trim_summary
from ..domain.protocols import Cache, Summarizer, cache_key
from ..domain.text import pack, segment, split_long_sentence
from .pipeline import TranslationPipeline


class Pipelines(Protocol):
    """Where the batch and job use cases get the pipelines (the composition's ``Services``)."""

    def require_pipeline(self, target: str = "en") -> TranslationPipeline: ...

    def require_summaries(self) -> SummaryPipeline: ...

    def close(self) -> None: ...


def chunk_text(text: str, budget: int, count_tokens: Callable[[str], int]) -> list[str]:
    """Whole sentences packed into chunks of at most ``budget`` tokens, in order; a sentence
    over the budget is split at clauses or word windows first, so nothing is dropped."""
    pieces = [
        piece
        for sentence in segment(" ".join(text.split())).sentences
        for piece in split_long_sentence(sentence, budget, count_tokens)
    ]
    return pack(pieces, budget, count_tokens)


MAX_REDUCE_ROUNDS = 8


def summarize_long(text: str, summarizer: Summarizer, preset: LengthPreset, budget: int) -> str:
    """Map-reduce: summarise chunks, then the joined chunk summaries, until one fits."""
    current = text
    for _ in range(MAX_REDUCE_ROUNDS):
        chunks = chunk_text(current, budget, summarizer.count_tokens)
        if len(chunks) <= 1:
            return summarizer.summarize([current], preset)[0]
        # Chunk summaries get at most half a chunk, so every round at least halves the text.
        map_preset = bounded(preset, max(8, budget // 2))
        joined = " ".join(s for s in summarizer.summarize(chunks, map_preset) if s)
        if not joined or summarizer.count_tokens(joined) >= summarizer.count_tokens(current):
            return summarizer.summarize([joined or current], preset)[0]
        current = joined
    return summarizer.summarize([current], preset)[0]


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
    detected: Detection | None = None  # None when the request named the language


class SummaryPipeline:
    """Short summaries of Norwegian or English documents, abstractive or extractive, in English,
    or in Bokmål or Nynorsk: the summariser writes English, so a Norwegian summary is the English
    one translated by ``outbound`` (the English → Norwegian pipeline); an extractive summary of a
    text already in the language asked for is its own sentences."""

    def __init__(
        self,
        translation: TranslationPipeline,
        summarizer: Summarizer | None,
        summarizer_error: ModelUnavailable | None = None,
        outbound: Callable[[str], TranslationPipeline] | None = None,
    ) -> None:
        self.translation = translation
        self.summarizer = summarizer
        self.summarizer_error = summarizer_error
        self.outbound = outbound  # target (nb / nn) → its pipeline; raises ModelUnavailable

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
        target_lang: str = "en",
        memory: str | None = None,
        route: str | None = None,
    ) -> SummaryResult:
        """The summary in ``target_lang``; its translations use the translation memory ``memory``
        (None: the pipeline's default; "": none); ``route``: how it goes into Nynorsk (None: the setting)."""
        self.translation.check_size([text])
        chosen = self.resolve_method(method)
        outbound = self._outbound(target_lang)
        detection = self.translation.detection_of(text, source_lang)
        detected = detection if source_lang == "auto" else None
        language = detection.lang
        preset = preset_for(length, max_words)
        namespace = self._namespace(chosen, length, max_words, outbound, target_lang)
        remembered = self.translation.memory_identity(memory)
        if remembered:  # a changed memory is a new summary
            namespace["memory"] = remembered
        if outbound is not None and target_lang == "nn":  # the route into Nynorsk is a different summary
            namespace["route"] = outbound.model_target(target_lang, route)
        key = cache_key(namespace, text)
        stored = self.cache.get_many([key]).get(key)
        if stored is not None:
            return SummaryResult(**{**json.loads(stored), "cached": True, "detected": detected})
        if language == NO_LINGUISTIC_CONTENT:  # nothing to summarise or translate
            summary, translated = text.strip(), 0
        elif chosen == "extractive" and already_in_target(language, target_lang):
            picked = extractive.extract(text, language, preset.max_sentences, preset.max_words)
            summary, translated = " ".join(c.text for c in picked), 0
        else:
            if chosen == "abstractive":
                assert self.summarizer is not None
                summary, translated = self._abstractive(text, language, preset, self.summarizer, memory)
            else:
                summary, translated = self._extractive(text, language, preset, memory)
            if outbound is not None:  # the English summary, into Bokmål or Nynorsk
                (done,) = outbound.translate_documents([summary], source_lang="en", memory=memory, target_lang=target_lang,
                                                   route=route)
                summary, translated = done.text, translated + len(done.segments)
        result = SummaryResult(
            summary=summary,
            method=chosen,
            length=length if max_words is None else f"max_words={max_words}",
            source_lang=language,
            sentences_translated=translated,
            models=self._models(chosen, outbound),
            detected=detected,
        )
        stored_fields = {k: v for k, v in asdict(result).items() if k not in ("cached", "detected")}
        self.cache.set_many({key: json.dumps(stored_fields)})
        return result

    def _abstractive(
        self, text: str, language: str, preset: LengthPreset, summarizer: Summarizer, memory: str | None = None
    ) -> tuple[str, int]:
        (document,) = self.translation.translate_documents([text], source_lang=language, memory=memory)
        translated = 0 if language == "en" else len(document.segments)
        summary = summarize_long(document.text, summarizer, preset, summarizer.text_budget(preset))
        return trim_summary(summary, preset), translated

    def _extractive(self, text: str, language: str, preset: LengthPreset, memory: str | None = None) -> tuple[str, int]:
        picked = extractive.extract(text, language, preset.max_sentences, preset.max_words)
        sources = [c.text for c in picked]
        if language == "en":
            return " ".join(sources), 0
        documents = self.translation.translate_documents(sources, source_lang=language, memory=memory)
        return " ".join(d.text for d in documents), len(sources)

    def _outbound(self, target_lang: str) -> TranslationPipeline | None:
        if target_lang == "en":
            return None
        if self.outbound is None:
            raise InvalidInput(f"Summaries in {target_lang} need the English → Norwegian translator, which is not set up.")
        return self.outbound(target_lang)

    def _models(self, method: str, outbound: TranslationPipeline | None = None) -> dict[str, str | None]:
        translator = self.translation.translator
        summarizer = self.summarizer if method == "abstractive" else None
        models = {
            "translator": translator.info.model_id,
            "summarizer": summarizer.info.model_id if summarizer else None,
        }
        if outbound is not None:
            models["en_translator"] = outbound.translator.info.model_id
        return models

    def _namespace(
        self, method: str, length: str, max_words: int | None, outbound: TranslationPipeline | None = None,
        target_lang: str = "en",
    ) -> dict[str, Any]:
        namespace: dict[str, Any] = {
            **self.translation.cache_namespace(self.translation.num_beams),
            "task": "summarize",
            "method": method,
            "length": length if max_words is None else None,
            "max_words": max_words,
        }
        if method == "abstractive" and self.summarizer is not None:
            info = self.summarizer.info
            namespace["summarizer"] = info.model_id
            namespace["summarizer_revision"] = info.revision
            if info.prompts is not None:
                namespace["prompts"] = info.prompts
        if outbound is not None:
            namespace["into"] = outbound.cache_namespace(outbound.num_beams, target=target_lang)
        return namespace
