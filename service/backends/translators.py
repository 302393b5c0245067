"""Translator backends: turn a list of source sentences into English sentences.

Each backend follows the pipeline split preprocess → forward → postprocess. Batching is by
length (sorted, bounded by padded tokens per batch), and results come back in input order.
Backends: ``torch`` (the shared seq2seq core on transformers ``generate``) and
``ctranslate2`` (a converted model, int8 by default: the fast path for Marian models on CPU).
"""

from __future__ import annotations

import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import Any

from ..domain.protocols import Decoding, Hypothesis, ModelInfo, TranslatorStats
from .loading import LoadedCT2, LoadedModel
from .seq2seq import GenerationParams, Seq2SeqCore, one_line


def plan_batches(lengths: Sequence[int], max_batch_tokens: int, max_batch_size: int) -> list[list[int]]:
    """Group indices into batches of similar length whose padded size fits the token budget."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        longest = lengths[current[0]] if current else lengths[index]
        if current and (
            longest * (len(current) + 1) > max_batch_tokens or len(current) >= max_batch_size
        ):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


# The target-language tokens of multi-target OPUS-MT models (``>>nob<<``) that oversett serves.
TARGET_TOKEN_CODES = {"nob": "nb", "nno": "nn"}
_TARGET_TOKEN = re.compile(r">>(\w+)<<")


def target_tokens(vocabulary: Iterable[str]) -> dict[str, str]:
    """Language code → token, for the target tokens a model's vocabulary has (``{"nb": ">>nob<<"}``)."""
    found = {}
    for token in vocabulary:
        match = _TARGET_TOKEN.fullmatch(token)
        if match and match.group(1) in TARGET_TOKEN_CODES:
            found[TARGET_TOKEN_CODES[match.group(1)]] = token
    return dict(sorted(found.items()))


# Cautious decoding, for a retry after the checks flagged the first try.
CAUTIOUS_NO_REPEAT_NGRAM = 3
CAUTIOUS_REPETITION_PENALTY = 1.3


class BatchedTranslator(ABC):
    """Length-sorted batching shared by the backends; subclasses generate one batch."""

    backend: str

    def __init__(
        self,
        *,
        model_id: str,
        revision: str,
        quantization: str,
        model_max_tokens: int,
        max_batch_tokens: int = 4096,
        max_batch_size: int = 64,
        max_input_tokens: int = 256,
        vocabulary: Iterable[str] = (),
    ) -> None:
        self.model_max_tokens = model_max_tokens
        self.max_batch_tokens = max_batch_tokens
        self.max_batch_size = max_batch_size
        self._info = ModelInfo(
            model_id=model_id,
            revision=revision,
            backend=self.backend,
            quantization=quantization,
            max_input_tokens=min(max_input_tokens, model_max_tokens),
            target_tokens=target_tokens(vocabulary),
        )
        # Benchmarks only: every output exactly this many tokens, whatever the weights say.
        self.forced_output_tokens: int | None = None
        self._stats = TranslatorStats()
        # One generate at a time (it already uses every core), or as many as the backend runs side
        # by side (CTranslate2's inter_threads: each batch on its own share of the cores).
        self._lock = threading.Semaphore(1)

    @cached_property
    def info(self) -> ModelInfo:
        # Built once, on first use: the threads are known only after the subclass is set up,
        # and the pipeline asks for the limits of every sentence it plans.
        return ModelInfo(**{**vars(self._info), "threads": dict(self.threads)})

    @property
    def stats(self) -> TranslatorStats:
        return self._stats

    @property
    def pending(self) -> int:
        return 0

    @property
    def threads(self) -> Mapping[str, int]:
        return {}

    def close(self) -> None:
        return None

    @abstractmethod
    def count_tokens(self, text: str) -> int: ...

    def max_new_tokens(self, source_tokens: int) -> int:
        """Room for an English output a good deal longer than the source, within the model;
        rounded up to a multiple of 32 so similar sentences share batches."""
        if self.forced_output_tokens is not None:
            return self.forced_output_tokens
        wanted = 2 * source_tokens + 16
        return min(self.model_max_tokens - 1, -(-wanted // 32) * 32)

    def translate(self, sentences: Sequence[str], num_beams: int) -> list[str]:
        return [h.text for h in self.translate_scored(sentences, Decoding(num_beams))]

    def translate_scored(self, sentences: Sequence[str], decoding: Decoding) -> list[Hypothesis]:
        if not sentences:
            return []
        sentences = self._with_target(sentences, decoding.target)
        num_beams = decoding.num_beams
        lengths = [self.count_tokens(s) for s in sentences]
        results: list[Hypothesis] = [Hypothesis("")] * len(sentences)
        # Sentences share a batch only when they share an output bound, so a sentence's
        # translation never depends on which other sentences came with it.
        by_bound: dict[int, list[int]] = {}
        for index, length in enumerate(lengths):
            by_bound.setdefault(self.max_new_tokens(length), []).append(index)
        for bound, members in sorted(by_bound.items()):
            member_lengths = [lengths[i] for i in members]
            params = GenerationParams(
                num_beams=num_beams,
                max_new_tokens=bound,
                min_new_tokens=bound if self.forced_output_tokens is not None else 0,
                no_repeat_ngram_size=CAUTIOUS_NO_REPEAT_NGRAM if decoding.cautious else 0,
                repetition_penalty=CAUTIOUS_REPETITION_PENALTY if decoding.cautious else 1.0,
                with_scores=True,
            )
            for batch in plan_batches(member_lengths, self.max_batch_tokens, self.max_batch_size):
                indices = [members[i] for i in batch]
                outputs = self._translate_batch([sentences[i] for i in indices], params)
                for index, output in zip(indices, outputs, strict=True):
                    results[index] = output
        return results

    def _with_target(self, sentences: Sequence[str], target: str | None) -> Sequence[str]:
        """The sentences with the target token a multi-target model needs in front (the user never
        sees it); ValueError for a target the model does not serve."""
        tokens = self._info.target_tokens
        if not tokens:
            return sentences
        if target not in tokens:
            raise ValueError(f"{self._info.model_id} translates into {', '.join(tokens)}, not {target}")
        return [f"{tokens[target]} {s}" for s in sentences]

    def _translate_batch(self, texts: list[str], params: GenerationParams) -> list[Hypothesis]:
        inputs = self.preprocess(texts)
        with self._lock:
            generated = self._forward(inputs, params)
            self._stats.record(len(texts))
        return self.postprocess(generated, params)

    @abstractmethod
    def preprocess(self, texts: list[str]) -> Any: ...

    @abstractmethod
    def _forward(self, inputs: Any, params: GenerationParams) -> Any: ...

    @abstractmethod
    def postprocess(self, generated: Any, params: GenerationParams) -> list[Hypothesis]: ...


class TorchTranslator(BatchedTranslator):
    """Marian (or any seq2seq) translation with transformers ``generate`` on torch."""

    backend = "torch"

    def __init__(self, loaded: LoadedModel, **limits: int) -> None:
        """``limits``: max_batch_tokens, max_batch_size, max_input_tokens (see the base class)."""
        self.core = Seq2SeqCore(loaded)
        super().__init__(
            model_id=loaded.model_id,
            revision=loaded.revision,
            quantization=self.core.dtype,
            model_max_tokens=self.core.max_positions,
            vocabulary=loaded.tokenizer.get_vocab(),
            **limits,
        )
        self.model = loaded.model
        self.tokenizer = loaded.tokenizer

    @property
    def threads(self) -> Mapping[str, int]:
        import torch

        return {"torch_intra_op": torch.get_num_threads(), "torch_inter_op": torch.get_num_interop_threads()}

    def count_tokens(self, text: str) -> int:
        return self.core.count_tokens(text)

    def preprocess(self, texts: list[str]) -> dict[str, Any]:
        return self.core.preprocess(texts)

    def _forward(self, inputs: dict[str, Any], params: GenerationParams) -> Any:
        return self.core.forward(inputs, params)

    def postprocess(self, generated: Any, params: GenerationParams) -> list[Hypothesis]:
        texts = self.core.postprocess(generated)
        if not params.with_scores:
            return [Hypothesis(text) for text in texts]
        scores = self.core.mean_log_probs(generated, params.num_beams)
        return [Hypothesis(text, score) for text, score in zip(texts, scores, strict=True)]


class CT2Translator(BatchedTranslator):
    """A CTranslate2-converted Marian model (int8 by default), same tokenizer as the source."""

    backend = "ctranslate2"

    def __init__(self, loaded: LoadedCT2, **limits: int) -> None:
        """``limits``: max_batch_tokens, max_batch_size, max_input_tokens (see the base class)."""
        super().__init__(
            model_id=loaded.model_id,
            revision=loaded.revision,
            quantization=loaded.quantization,
            model_max_tokens=loaded.max_positions,
            vocabulary=loaded.tokenizer.get_vocab(),
            **limits,
        )
        self.model = loaded.translator
        self.tokenizer = loaded.tokenizer
        self.path = loaded.path
        self._lock = threading.Semaphore(max(1, loaded.inter_threads))
        self._threads = {
            "ct2_inter_threads": loaded.inter_threads,
            "ct2_intra_threads": loaded.intra_threads,
        }

    @property
    def threads(self) -> Mapping[str, int]:
        return self._threads

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, verbose=False).input_ids)

    def preprocess(self, texts: list[str]) -> list[list[str]]:
        return [
            self.tokenizer.convert_ids_to_tokens(ids)
            for ids in self.tokenizer(texts, verbose=False).input_ids
        ]

    def _forward(self, inputs: list[list[str]], params: GenerationParams) -> Any:
        return self.model.translate_batch(
            inputs,
            beam_size=params.num_beams,
            max_batch_size=len(inputs),
            max_decoding_length=params.max_new_tokens,
            min_decoding_length=max(1, params.min_new_tokens),
            max_input_length=0,  # inputs are already split to fit; never truncate silently
            no_repeat_ngram_size=params.no_repeat_ngram_size,
            repetition_penalty=params.repetition_penalty,
            return_scores=params.with_scores,  # log-probability divided by length (length_penalty 1)
        )

    def postprocess(self, generated: Any, params: GenerationParams) -> list[Hypothesis]:
        return [
            Hypothesis(
                one_line(
                    self.tokenizer.decode(
                        self.tokenizer.convert_tokens_to_ids(result.hypotheses[0]),
                        skip_special_tokens=True,
                    )
                ),
                float(result.scores[0]) if params.with_scores and result.scores else None,
            )
            for result in generated
        ]
