"""Translator backends: turn a list of source sentences into English sentences.

Each backend follows the pipeline split preprocess → forward → postprocess. Batching is by
length (sorted, bounded by padded tokens per batch), and results come back in input order.
Backends: ``torch`` (transformers ``generate``) and ``ctranslate2`` (a converted model,
int8 by default: the fast path for Marian models on CPU).
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .models import LoadedCT2, LoadedModel, model_input_limit


class Translator(Protocol):
    """What the pipeline needs from a translation backend."""

    model_id: str
    revision: str
    backend: str
    quantization: str
    max_input_tokens: int

    def count_tokens(self, text: str) -> int: ...

    def translate(self, sentences: Sequence[str], num_beams: int) -> list[str]: ...


@dataclass
class TranslatorStats:
    """Counters of real model work (the cache tests, benchmarks and metrics read these)."""

    batches: int = 0
    sentences: int = 0
    batch_size_counts: Counter[int] = field(default_factory=Counter)  # size → batches, for metrics
    batch_sizes: deque[int] = field(default_factory=lambda: deque(maxlen=10_000))  # the latest

    def record(self, size: int) -> None:
        self.batches += 1
        self.sentences += size
        self.batch_size_counts[size] += 1
        self.batch_sizes.append(size)


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


def clean_output(text: str) -> str:
    """Model output as one line: a translation must never change the document's layout."""
    return " ".join(text.split())


class BatchedTranslator(ABC):
    """Length-sorted batching shared by the backends; subclasses generate one batch."""

    backend: str
    quantization: str

    def __init__(
        self,
        *,
        model_id: str,
        revision: str,
        tokenizer: Any,
        model_max_tokens: int,
        max_batch_tokens: int = 4096,
        max_batch_size: int = 64,
        max_input_tokens: int = 256,
    ) -> None:
        self.model_id = model_id
        self.revision = revision
        self.tokenizer = tokenizer
        self.model_max_tokens = model_max_tokens
        self.max_batch_tokens = max_batch_tokens
        self.max_batch_size = max_batch_size
        self.max_input_tokens = min(max_input_tokens, model_max_tokens)
        # Benchmarks only: every output exactly this many tokens, whatever the weights say.
        self.forced_output_tokens: int | None = None
        self.stats = TranslatorStats()
        self._lock = threading.Lock()  # one generate at a time: it already uses every core

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, verbose=False).input_ids)

    def max_new_tokens(self, source_tokens: int) -> int:
        """Room for an English output a good deal longer than the source, within the model;
        rounded up to a multiple of 32 so similar sentences share batches."""
        if self.forced_output_tokens is not None:
            return self.forced_output_tokens
        wanted = 2 * source_tokens + 16
        return min(self.model_max_tokens - 1, -(-wanted // 32) * 32)

    def translate(self, sentences: Sequence[str], num_beams: int) -> list[str]:
        if not sentences:
            return []
        lengths = [self.count_tokens(s) for s in sentences]
        results: list[str] = [""] * len(sentences)
        # Sentences share a batch only when they share an output bound, so a sentence's
        # translation never depends on which other sentences came with it.
        by_bound: dict[int, list[int]] = {}
        for index, length in enumerate(lengths):
            by_bound.setdefault(self.max_new_tokens(length), []).append(index)
        for bound, members in sorted(by_bound.items()):
            member_lengths = [lengths[i] for i in members]
            for batch in plan_batches(member_lengths, self.max_batch_tokens, self.max_batch_size):
                indices = [members[i] for i in batch]
                outputs = self._translate_batch([sentences[i] for i in indices], bound, num_beams)
                for index, output in zip(indices, outputs, strict=True):
                    results[index] = output
        return results

    def _translate_batch(self, texts: list[str], max_new_tokens: int, num_beams: int) -> list[str]:
        inputs = self.preprocess(texts)
        min_new_tokens = max_new_tokens if self.forced_output_tokens is not None else 0
        with self._lock:
            generated = self._forward(inputs, max_new_tokens, min_new_tokens, num_beams)
            self.stats.record(len(texts))
        return self.postprocess(generated)

    @abstractmethod
    def preprocess(self, texts: list[str]) -> Any: ...

    @abstractmethod
    def _forward(self, inputs: Any, max_new_tokens: int, min_new_tokens: int, num_beams: int) -> Any: ...

    @abstractmethod
    def postprocess(self, generated: Any) -> list[str]: ...


class TorchTranslator(BatchedTranslator):
    """Marian (or any seq2seq) translation with transformers ``generate`` on torch."""

    backend = "torch"

    def __init__(self, loaded: LoadedModel, **limits: int) -> None:
        """``limits``: max_batch_tokens, max_batch_size, max_input_tokens (see the base class)."""
        super().__init__(
            model_id=loaded.model_id,
            revision=loaded.revision,
            tokenizer=loaded.tokenizer,
            model_max_tokens=model_input_limit(loaded.model.config, loaded.tokenizer),
            **limits,
        )
        self.model = loaded.model
        self.quantization = str(getattr(loaded.model, "dtype", "float32")).removeprefix("torch.")

    @property
    def threads(self) -> dict[str, int]:
        import torch

        return {"torch_intra_op": torch.get_num_threads(), "torch_inter_op": torch.get_num_interop_threads()}

    def preprocess(self, texts: list[str]) -> dict[str, Any]:
        return dict(self.tokenizer(texts, return_tensors="pt", padding=True))

    def _forward(
        self, inputs: dict[str, Any], max_new_tokens: int, min_new_tokens: int, num_beams: int
    ) -> Any:
        import torch

        device = self.model.device
        extra: dict[str, Any] = {"min_new_tokens": min_new_tokens} if min_new_tokens else {}
        with torch.inference_mode():
            return self.model.generate(
                **{k: v.to(device) for k, v in inputs.items()},
                num_beams=num_beams,
                max_new_tokens=max_new_tokens,
                max_length=None,
                do_sample=False,
                **extra,
            )

    def postprocess(self, generated: Any) -> list[str]:
        decoded = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
        return [clean_output(text) for text in decoded]


class CT2Translator(BatchedTranslator):
    """A CTranslate2-converted Marian model (int8 by default), same tokenizer as the source."""

    backend = "ctranslate2"

    def __init__(self, loaded: LoadedCT2, **limits: int) -> None:
        """``limits``: max_batch_tokens, max_batch_size, max_input_tokens (see the base class)."""
        super().__init__(
            model_id=loaded.model_id,
            revision=loaded.revision,
            tokenizer=loaded.tokenizer,
            model_max_tokens=loaded.max_positions,
            **limits,
        )
        self.model = loaded.translator
        self.quantization = loaded.quantization
        self.path = loaded.path
        self.threads = {
            "ct2_inter_threads": loaded.inter_threads,
            "ct2_intra_threads": loaded.intra_threads,
        }

    def preprocess(self, texts: list[str]) -> list[list[str]]:
        return [
            self.tokenizer.convert_ids_to_tokens(ids)
            for ids in self.tokenizer(texts, verbose=False).input_ids
        ]

    def _forward(
        self, inputs: list[list[str]], max_new_tokens: int, min_new_tokens: int, num_beams: int
    ) -> Any:
        return self.model.translate_batch(
            inputs,
            beam_size=num_beams,
            max_batch_size=len(inputs),
            max_decoding_length=max_new_tokens,
            min_decoding_length=max(1, min_new_tokens),
            max_input_length=0,  # inputs are already split to fit; never truncate silently
        )

    def postprocess(self, generated: Any) -> list[str]:
        return [
            clean_output(
                self.tokenizer.decode(
                    self.tokenizer.convert_tokens_to_ids(result.hypotheses[0]),
                    skip_special_tokens=True,
                )
            )
            for result in generated
        ]
