"""The systems side by side on the seed: naive transformers, oversett on torch and on CTranslate2,
with random-weight models of the real architectures (base and big)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ...backends.loading import ModelRef, convert_to_ctranslate2, load_ct2, load_seq2seq
from ...backends.translators import CT2Translator, TorchTranslator
from ..tiny import build_marian_translator
from .report import SystemResult, percentile

# Published configurations (config.json on the Hub). The base model's vocabulary size is
# estimated from its 296 MB float32 checkpoint (74 M parameters): about 57 k entries.
ARCHITECTURES: dict[str, dict[str, Any]] = {
    "base": {
        "hub_id": "Helsinki-NLP/opus-mt-gmq-en",
        "vocab_size": 57_000,
        "config": {
            "d_model": 512,
            "encoder_layers": 6,
            "decoder_layers": 6,
            "encoder_attention_heads": 8,
            "decoder_attention_heads": 8,
            "encoder_ffn_dim": 2048,
            "decoder_ffn_dim": 2048,
            "max_position_embeddings": 512,
            "activation_function": "swish",
        },
    },
    "big": {
        "hub_id": "Helsinki-NLP/opus-mt-tc-big-gmq-en",
        "vocab_size": 54_765,
        "config": {
            "d_model": 1024,
            "encoder_layers": 6,
            "decoder_layers": 6,
            "encoder_attention_heads": 16,
            "decoder_attention_heads": 16,
            "encoder_ffn_dim": 4096,
            "decoder_ffn_dim": 4096,
            "max_position_embeddings": 1024,
            "activation_function": "relu",
        },
    },
}
OUTPUT_TOKENS_PER_WORD = 1.3  # English tokens per Norwegian word, for the forced length

# --- building the models -------------------------------------------------------------------


def build_models(work: Path, name: str, lines: list[str], log: Callable[[str], None]) -> tuple[Path, Path]:
    arch = ARCHITECTURES[name]
    hf_dir = work / f"{name}-hf"
    ct2_dir = work / f"{name}-ct2-int8"
    log(f"building a random-weight {name} model ({arch['hub_id']} architecture)")
    build_marian_translator(
        hf_dir, lines, arch["config"], spm_vocab_size=8000, model_vocab_size=arch["vocab_size"]
    )
    log(f"converting the {name} model to CTranslate2 int8")
    convert_to_ctranslate2(ModelRef(str(hf_dir), "translation", "-"), ct2_dir, "int8")
    return hf_dir, ct2_dir


# --- the systems ---------------------------------------------------------------------------


def run_naive(hf_dir: Path, sentences: list[str], beams: int, length: int) -> tuple[float, list[float]]:
    """What a first script does: transformers, one sentence at a time."""
    import torch
    from transformers import AutoTokenizer, MarianMTModel

    tokenizer = AutoTokenizer.from_pretrained(hf_dir)
    model = MarianMTModel.from_pretrained(hf_dir).eval()
    times: list[float] = []
    started = time.perf_counter()
    for sentence in sentences:
        t0 = time.perf_counter()
        with torch.inference_mode():
            output = model.generate(
                **tokenizer([sentence], return_tensors="pt"),
                num_beams=beams,
                max_new_tokens=length,
                min_new_tokens=length,
                max_length=None,
            )
        tokenizer.decode(output[0], skip_special_tokens=True)
        times.append(time.perf_counter() - t0)
    return time.perf_counter() - started, times


def run_translator(translator: TorchTranslator | CT2Translator, sentences: list[str], beams: int) -> float:
    started = time.perf_counter()
    translator.translate(sentences, beams)
    return time.perf_counter() - started


def bench_model(
    name: str, hf_dir: Path, ct2_dir: Path, sentences: list[str], length: int, beams_list: Sequence[int],
    threads: int, log: Callable[[str], None],
) -> list[SystemResult]:
    import torch

    torch.set_num_threads(threads)
    results: list[SystemResult] = []
    torch_translator = TorchTranslator(load_seq2seq(ModelRef(str(hf_dir), "translation", "-")))
    ct2_translator = CT2Translator(load_ct2(ct2_dir, intra_threads=threads))
    for translator in (torch_translator, ct2_translator):
        translator.forced_output_tokens = length
    total_tokens = length * len(sentences)
    # Warm up each system once on a short input, so first-call set-up is not measured.
    run_translator(torch_translator, sentences[:2], 1)
    run_translator(ct2_translator, sentences[:2], 1)
    for beams in beams_list:
        log(f"{name}: naive transformers, one sentence at a time, beams={beams}")
        seconds, times = run_naive(hf_dir, sentences, beams, length)
        results.append(
            SystemResult(name, "naive transformers (1 sentence at a time)", beams, seconds, len(sentences),
                         total_tokens, percentile(times, 50) * 1000, percentile(times, 95) * 1000)
        )
        log(f"{name}: oversett torch, batched, beams={beams}")
        results.append(SystemResult(name, "oversett torch (batched)", beams,
                                    run_translator(torch_translator, sentences, beams), len(sentences), total_tokens))
        log(f"{name}: oversett CTranslate2 int8, beams={beams}")
        results.append(SystemResult(name, "oversett ctranslate2 int8", beams,
                                    run_translator(ct2_translator, sentences, beams), len(sentences), total_tokens))
    return results
