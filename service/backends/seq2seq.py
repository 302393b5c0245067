"""The one seq2seq core on torch, shared by the translator and the summariser: tokenize →
``generate`` → decode, as transformers' pipelines split it (preprocess → forward →
postprocess), with the generation parameters in one typed object.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .loading import LoadedModel, model_input_limit


@dataclass(frozen=True)
class GenerationParams:
    """How one batch is generated. Decoding is always deterministic (no sampling)."""

    num_beams: int
    max_new_tokens: int
    min_new_tokens: int = 0
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    with_scores: bool = False  # also return each output's mean log-probability per token


def one_line(text: str) -> str:
    """Model output as one line: a translation must never change the document's layout."""
    return " ".join(text.split())


class Seq2SeqCore:
    """A loaded transformers seq2seq model and its tokenizer, one ``generate`` at a time (a
    generate already uses every core)."""

    def __init__(self, loaded: LoadedModel) -> None:
        self.model_id = loaded.model_id
        self.revision = loaded.revision
        self.model = loaded.model
        self.tokenizer = loaded.tokenizer
        self.max_positions = model_input_limit(loaded.model.config, loaded.tokenizer)
        self.lock = threading.Lock()

    @property
    def model_type(self) -> str:
        return str(getattr(self.model.config, "model_type", ""))

    @property
    def dtype(self) -> str:
        return str(getattr(self.model, "dtype", "float32")).removeprefix("torch.")

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, verbose=False).input_ids)

    def preprocess(self, texts: Sequence[str], truncate_to: int | None = None) -> dict[str, Any]:
        """Token ids of a padded batch; ``truncate_to`` cuts inputs over that many tokens."""
        if truncate_to is None:
            return dict(self.tokenizer(list(texts), return_tensors="pt", padding=True))
        return dict(
            self.tokenizer(
                list(texts), return_tensors="pt", padding=True, truncation=True, max_length=truncate_to
            )
        )

    def forward(self, inputs: dict[str, Any], params: GenerationParams) -> Any:
        import torch

        extra: dict[str, Any] = {}
        if params.min_new_tokens:
            extra["min_new_tokens"] = params.min_new_tokens
        if params.no_repeat_ngram_size:
            extra["no_repeat_ngram_size"] = params.no_repeat_ngram_size
        if params.repetition_penalty != 1.0:
            extra["repetition_penalty"] = params.repetition_penalty
        if params.with_scores:
            extra |= {"return_dict_in_generate": True, "output_scores": True}
        device = self.model.device
        with torch.inference_mode():
            return self.model.generate(
                **{k: v.to(device) for k, v in inputs.items()},
                num_beams=params.num_beams,
                max_new_tokens=params.max_new_tokens,
                # Lengths come from the *_new_tokens bounds alone, whatever the model's
                # generation config says (summarisers often ship a min_length).
                max_length=None,
                min_length=None,
                do_sample=False,
                **extra,
            )

    def postprocess(self, generated: Any) -> list[str]:
        sequences = generated.sequences if hasattr(generated, "sequences") else generated
        return [one_line(text) for text in self.tokenizer.batch_decode(sequences, skip_special_tokens=True)]

    def mean_log_probs(self, generated: Any, num_beams: int) -> list[float]:
        """Each output's mean log-probability per generated token (from ``with_scores``)."""
        import torch

        beams = getattr(generated, "beam_indices", None) if num_beams > 1 else None
        steps = self.model.compute_transition_scores(
            generated.sequences, generated.scores, beams, normalize_logits=num_beams == 1
        )
        generated_tokens = generated.sequences[:, -steps.shape[1] :]
        pad = self.tokenizer.pad_token_id
        real = generated_tokens != pad if pad is not None else torch.ones_like(generated_tokens, dtype=torch.bool)
        totals = torch.where(real, steps, torch.zeros_like(steps)).sum(dim=1)
        counts = real.sum(dim=1).clamp(min=1)
        return [float(v) for v in (totals / counts).tolist()]

    def generate(
        self, texts: Sequence[str], params: GenerationParams, truncate_to: int | None = None
    ) -> list[str]:
        inputs = self.preprocess(texts, truncate_to)
        with self.lock:
            generated = self.forward(inputs, params)
        return self.postprocess(generated)
