"""The summariser backends: a Hugging Face summariser (BART, Pegasus, T5 …) on the shared seq2seq
core (torch), or converted to CTranslate2; both apply the prompt templates of instruction-tuned
families and the same generation bounds."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from typing import Any

from ..domain.presets import LengthPreset
from ..domain.protocols import ModelInfo, SummarizerStats
from .loading import LoadedCT2, LoadedModel
from .prompts import PromptSet
from .seq2seq import GenerationParams, Seq2SeqCore, one_line


class _Summarizer:
    """What both summariser backends share: prompts, limits, generation bounds and counters."""

    backend: str

    def __init__(
        self, *, model_id: str, revision: str, quantization: str, model_type: str, tokenizer: Any,
        model_max_tokens: int, prompts: PromptSet | None, num_beams: int, max_input_tokens: int,
    ) -> None:
        self.tokenizer = tokenizer
        self.prompts = prompts
        self.num_beams = num_beams
        self.model_type = model_type
        self.model_max_tokens = model_max_tokens
        self.max_input_tokens = min(max_input_tokens, model_max_tokens)
        self._stats = SummarizerStats()
        prompts_hash = (
            hashlib.sha256(json.dumps(prompts.templates, sort_keys=True).encode()).hexdigest()[:16]
            if prompts is not None
            else None
        )
        self._info = ModelInfo(
            model_id=model_id, revision=revision, backend=self.backend, quantization=quantization,
            max_input_tokens=self.max_input_tokens, prompts=prompts_hash,
        )

    @property
    def info(self) -> ModelInfo:
        return self._info

    @property
    def stats(self) -> SummarizerStats:
        return self._stats

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, verbose=False).input_ids)

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
        return self._generate(inputs, self.generation(preset))

    def preprocess(self, texts: Sequence[str], preset: LengthPreset) -> list[str]:
        if self.prompts is None:
            return list(texts)
        return [self.prompts.apply(preset.name, text) for text in texts]

    def _generate(self, inputs: list[str], params: GenerationParams) -> list[str]:
        raise NotImplementedError


class Seq2SeqSummarizer(_Summarizer):
    """Summaries through transformers ``generate``; inputs over the limit are truncated (the
    summaries use case chunks long text first, so that only happens to a prompt's overhead)."""

    backend = "torch"

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
        super().__init__(
            model_id=loaded.model_id, revision=loaded.revision, quantization=self.core.dtype,
            model_type=self.core.model_type, tokenizer=loaded.tokenizer, model_max_tokens=self.core.max_positions,
            prompts=prompts, num_beams=num_beams, max_input_tokens=max_input_tokens,
        )

    def _generate(self, inputs: list[str], params: GenerationParams) -> list[str]:
        return self.core.generate(inputs, params, truncate_to=self.max_input_tokens)


class CT2Summarizer(_Summarizer):
    """The same summaries from a CTranslate2-converted summariser (BART, T5): the fast path."""

    backend = "ctranslate2"

    def __init__(
        self,
        loaded: LoadedCT2,
        prompts: PromptSet | None = None,
        *,
        num_beams: int = 4,
        max_input_tokens: int = 1024,
    ) -> None:
        self.model = loaded.translator
        self._lock = threading.Lock()
        super().__init__(
            model_id=loaded.model_id, revision=loaded.revision, quantization=loaded.quantization,
            model_type=loaded.model_type, tokenizer=loaded.tokenizer, model_max_tokens=loaded.max_positions,
            prompts=prompts, num_beams=num_beams, max_input_tokens=max_input_tokens,
        )

    def _generate(self, inputs: list[str], params: GenerationParams) -> list[str]:
        encoded = self.tokenizer(inputs, truncation=True, max_length=self.max_input_tokens, verbose=False).input_ids
        tokens = [self.tokenizer.convert_ids_to_tokens(ids) for ids in encoded]
        with self._lock:
            results = self.model.translate_batch(
                tokens,
                beam_size=params.num_beams,
                max_batch_size=len(tokens),
                max_decoding_length=params.max_new_tokens,
                min_decoding_length=max(1, params.min_new_tokens),
                no_repeat_ngram_size=params.no_repeat_ngram_size,
                max_input_length=0,  # already truncated to the model's input limit
            )
        return [
            one_line(self.tokenizer.decode(self.tokenizer.convert_tokens_to_ids(r.hypotheses[0]), skip_special_tokens=True))
            for r in results
        ]
