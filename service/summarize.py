"""The seq2seq summariser backend: a Hugging Face summariser (BART, Pegasus, T5 …) on the
shared seq2seq core, with the prompt templates of instruction-tuned families."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from .models import LoadedModel
from .presets import LengthPreset
from .prompts import PromptSet
from .protocols import ModelInfo, SummarizerStats
from .seq2seq import GenerationParams, Seq2SeqCore


class Seq2SeqSummarizer:
    """Summaries through ``generate``; inputs over the limit are truncated (the summaries use
    case chunks long text first, so that only happens to a prompt's own overhead)."""

    def __init__(
        self,
        loaded: LoadedModel,
        prompts: PromptSet | None = None,
        *,
        num_beams: int = 4,
        max_input_tokens: int = 1024,
    ) -> None:
        self.core = Seq2SeqCore(loaded)
        self.model = loaded.model
        self.tokenizer = loaded.tokenizer
        self.prompts = prompts
        self.num_beams = num_beams
        self.model_max_tokens = self.core.max_positions
        self.max_input_tokens = min(max_input_tokens, self.model_max_tokens)
        self._stats = SummarizerStats()
        prompts_hash = (
            hashlib.sha256(json.dumps(prompts.templates, sort_keys=True).encode()).hexdigest()[:16]
            if prompts is not None
            else None
        )
        self._info = ModelInfo(
            model_id=loaded.model_id,
            revision=loaded.revision,
            backend="torch",
            quantization=self.core.dtype,
            max_input_tokens=self.max_input_tokens,
            prompts=prompts_hash,
        )

    @property
    def info(self) -> ModelInfo:
        return self._info

    @property
    def stats(self) -> SummarizerStats:
        return self._stats

    @property
    def model_type(self) -> str:
        return self.core.model_type

    def count_tokens(self, text: str) -> int:
        return self.core.count_tokens(text)

    def text_budget(self, preset: LengthPreset) -> int:
        """Tokens of article text that fit beside the prompt."""
        overhead = self.count_tokens(self.prompts.overhead(preset.name)) if self.prompts else 0
        return max(16, self.max_input_tokens - overhead)

    def generation(self, preset: LengthPreset) -> GenerationParams:
        max_new = min(preset.max_new_tokens, self.model_max_tokens - 1)
        return GenerationParams(
            num_beams=self.num_beams,
            max_new_tokens=max_new,
            min_new_tokens=min(preset.min_new_tokens, max_new),
            no_repeat_ngram_size=3,
        )

    def summarize(self, texts: Sequence[str], preset: LengthPreset) -> list[str]:
        if not texts:
            return []
        inputs = self.preprocess(texts, preset)
        self._stats.calls += 1
        self._stats.inputs.extend(inputs)
        return self.core.generate(inputs, self.generation(preset), truncate_to=self.max_input_tokens)

    def preprocess(self, texts: Sequence[str], preset: LengthPreset) -> list[str]:
        if self.prompts is None:
            return list(texts)
        return [self.prompts.apply(preset.name, text) for text in texts]
