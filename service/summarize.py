"""Summarisers of English text: length presets, the seq2seq backend and map-reduce over chunks.

The abstractive summariser sees every part of a long document: text over the model's input
limit is cut into chunks at sentence boundaries, each chunk is summarised (map), and the
joined chunk summaries are summarised again (reduce) until one summary remains.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .models import LoadedModel, model_input_limit
from .prompts import PromptSet
from .text import pack, segment, split_long_sentence


@dataclass(frozen=True)
class LengthPreset:
    """How long a summary may be: sentences and words, and the matching generation bounds."""

    name: str
    min_sentences: int
    max_sentences: int
    max_words: int
    min_new_tokens: int
    max_new_tokens: int


# The one table of summary lengths. Tokens are about 1.3–1.5 per English word.
LENGTH_PRESETS: dict[str, LengthPreset] = {
    "short": LengthPreset("short", 1, 2, 50, 12, 80),
    "medium": LengthPreset("medium", 3, 5, 110, 50, 170),
    "long": LengthPreset("long", 4, 8, 150, 100, 230),
}
WORDS_PER_SENTENCE = 20  # what a max_words budget means in sentences


def preset_for(length: str, max_words: int | None) -> LengthPreset:
    """The named preset, or one derived from a word budget (which then wins)."""
    if max_words is None:
        return LENGTH_PRESETS[length]
    nearest = min(LENGTH_PRESETS.values(), key=lambda p: abs(p.max_words - max_words))
    return LengthPreset(
        name=nearest.name,  # whose prompt template applies
        min_sentences=1,
        max_sentences=max(1, -(-max_words // WORDS_PER_SENTENCE)),
        max_words=max_words,
        min_new_tokens=max(1, max_words // 3),
        max_new_tokens=int(max_words * 1.5) + 10,
    )


def trim_summary(text: str, preset: LengthPreset) -> str:
    """Keep whole sentences within the preset's sentence and word budgets; a first sentence
    that alone is over the word budget is cut at a word and marked with an ellipsis."""
    sentences = segment(" ".join(text.split())).sentences
    kept: list[str] = []
    words = 0
    for sentence in sentences[: preset.max_sentences]:
        length = len(sentence.split())
        if kept and words + length > preset.max_words:
            break
        kept.append(sentence)
        words += length
    if kept and words > preset.max_words:
        kept = [" ".join(kept[0].split()[: preset.max_words]).rstrip(",;:") + "…"]
    return " ".join(kept)


class Summarizer(Protocol):
    model_id: str
    revision: str
    max_input_tokens: int

    def count_tokens(self, text: str) -> int: ...

    def text_budget(self, preset: LengthPreset) -> int: ...

    def summarize(self, texts: Sequence[str], preset: LengthPreset) -> list[str]: ...


@dataclass
class SummarizerStats:
    calls: int = 0
    inputs: list[str] = field(default_factory=list)


class Seq2SeqSummarizer:
    """A Hugging Face seq2seq summariser (BART, Pegasus, T5 …) through ``generate``."""

    def __init__(
        self,
        loaded: LoadedModel,
        prompts: PromptSet | None = None,
        *,
        num_beams: int = 4,
        max_input_tokens: int = 1024,
    ) -> None:
        self.model_id = loaded.model_id
        self.revision = loaded.revision
        self.tokenizer = loaded.tokenizer
        self.model = loaded.model
        self.prompts = prompts
        self.num_beams = num_beams
        self.model_max_tokens = model_input_limit(self.model.config, self.tokenizer)
        self.max_input_tokens = min(max_input_tokens, self.model_max_tokens)
        self.stats = SummarizerStats()
        self._lock = threading.Lock()

    @property
    def model_type(self) -> str:
        return str(getattr(self.model.config, "model_type", ""))

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, verbose=False).input_ids)

    def text_budget(self, preset: LengthPreset) -> int:
        """Tokens of article text that fit beside the prompt."""
        overhead = self.count_tokens(self.prompts.overhead(preset.name)) if self.prompts else 0
        return max(16, self.max_input_tokens - overhead)

    def summarize(self, texts: Sequence[str], preset: LengthPreset) -> list[str]:
        if not texts:
            return []
        inputs = self.preprocess(texts, preset)
        with self._lock:
            self.stats.calls += 1
            self.stats.inputs.extend(inputs)
            generated = self._forward(inputs, preset)
        return self.postprocess(generated)

    def preprocess(self, texts: Sequence[str], preset: LengthPreset) -> list[str]:
        if self.prompts is None:
            return list(texts)
        return [self.prompts.apply(preset.name, text) for text in texts]

    def _forward(self, inputs: list[str], preset: LengthPreset) -> Any:
        import torch

        encoded = self.tokenizer(
            inputs, return_tensors="pt", padding=True, truncation=True,
            max_length=self.max_input_tokens,
        )
        max_new = min(preset.max_new_tokens, self.model_max_tokens - 1)
        with torch.inference_mode():
            return self.model.generate(
                **{k: v.to(self.model.device) for k, v in encoded.items()},
                num_beams=self.num_beams,
                min_new_tokens=min(preset.min_new_tokens, max_new),
                max_new_tokens=max_new,
                max_length=None,
                min_length=None,
                no_repeat_ngram_size=3,
                do_sample=False,
            )

    def postprocess(self, generated: Any) -> list[str]:
        decoded = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
        return [" ".join(text.split()) for text in decoded]


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
        map_preset = _bounded(preset, max(8, budget // 2))
        joined = " ".join(s for s in summarizer.summarize(chunks, map_preset) if s)
        if not joined or summarizer.count_tokens(joined) >= summarizer.count_tokens(current):
            return summarizer.summarize([joined or current], preset)[0]
        current = joined
    return summarizer.summarize([current], preset)[0]


def _bounded(preset: LengthPreset, max_new_tokens: int) -> LengthPreset:
    return LengthPreset(
        name=preset.name,
        min_sentences=preset.min_sentences,
        max_sentences=preset.max_sentences,
        max_words=preset.max_words,
        min_new_tokens=min(preset.min_new_tokens, max_new_tokens // 2),
        max_new_tokens=min(preset.max_new_tokens, max_new_tokens),
    )
