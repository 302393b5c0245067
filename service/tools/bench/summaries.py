"""Parts for the summariser (the distilbart-cnn-12-6 architecture) and the memory of a service with
both models loaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from ...backends.loading import ModelRef, convert_to_ctranslate2, load_ct2, load_seq2seq
from .report import timed
from .service import rss_while

# sshleifer/distilbart-cnn-12-6's published configuration (config.json on the Hub).
DISTILBART = {
    "d_model": 1024, "encoder_layers": 12, "decoder_layers": 6, "encoder_attention_heads": 16,
    "decoder_attention_heads": 16, "encoder_ffn_dim": 4096, "decoder_ffn_dim": 4096,
    "max_position_embeddings": 1024,
}
DISTILBART_VOCAB = 50264
SUMMARY_TOKENS = 60  # every system writes exactly this many tokens
ENGLISH_SEED = Path("eval") / "references" / "000_ce698dbb45a80c69.en.txt"


def bench_summaries(
    work: Path, english: str, lines: list[str], beams: int, threads: int, log: Callable[[str], None]
) -> tuple[list[dict[str, Any]], Path]:
    """Summary latency for the seed: transformers' summarization pipeline vs oversett's torch
    and CTranslate2 summarisers, random weights of distilbart-cnn-12-6, the same input (truncated
    to 1,024 tokens) and exactly SUMMARY_TOKENS output tokens each. Returns rows and the
    converted model."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from ...backends.summarizers import CT2Summarizer, Seq2SeqSummarizer
    from ...domain.presets import LengthPreset
    from ..tiny import build_tiny_summarizer

    torch.set_num_threads(threads)
    hf_dir, ct2_dir = work / "distilbart-hf", work / "distilbart-ct2-int8"
    log("building a random-weight summariser (sshleifer/distilbart-cnn-12-6 architecture)")
    build_tiny_summarizer(hf_dir, lines, architecture=DISTILBART, bpe_vocab_size=8000, model_vocab_size=DISTILBART_VOCAB)
    log("converting the summariser to CTranslate2 int8")
    convert_to_ctranslate2(ModelRef(str(hf_dir), "summarization", "-"), ct2_dir, "int8")
    preset = LengthPreset("short", 1, 2, 50, SUMMARY_TOKENS, SUMMARY_TOKENS)
    # transformers 5 removed pipeline("summarization"); this is what it did: tokenize with
    # truncation, generate, decode, one text at a time, in float32 eager torch.
    naive_tokenizer = AutoTokenizer.from_pretrained(hf_dir)
    naive_model = AutoModelForSeq2SeqLM.from_pretrained(hf_dir).eval()

    def run_naive() -> None:
        inputs = naive_tokenizer(english, return_tensors="pt", truncation=True)
        with torch.no_grad():
            output = naive_model.generate(**inputs, num_beams=beams, min_new_tokens=SUMMARY_TOKENS,
                                          max_new_tokens=SUMMARY_TOKENS, max_length=None, min_length=None,
                                          no_repeat_ngram_size=3)
        naive_tokenizer.batch_decode(output, skip_special_tokens=True)

    torch_summarizer = Seq2SeqSummarizer(load_seq2seq(ModelRef(str(hf_dir), "summarization", "-")), num_beams=beams)
    ct2_summarizer = CT2Summarizer(load_ct2(ct2_dir, intra_threads=threads), num_beams=beams)
    systems = {
        "naive transformers (summarization-pipeline steps)": run_naive,
        "oversett torch": lambda: torch_summarizer.summarize([english], preset),
        "oversett ctranslate2 int8": lambda: ct2_summarizer.summarize([english], preset),
    }
    rows = []
    for name, work_once in systems.items():
        log(f"summary: {name}")
        work_once()  # warm up
        rows.append({"system": name, "beams": beams, "seconds": min(timed(work_once) for _ in range(2))})
    for row in rows:
        row["speedup"] = rows[0]["seconds"] / row["seconds"]
    return rows, ct2_dir

def bench_both_models_rss(
    translator_ct2: Path, summarizer_ct2: Path, english: str, text: str, beams: int, length: int, threads: int,
    work: Path, log: Callable[[str], None],
) -> dict[str, float]:
    """Peak RSS of `oversett serve` with the big translator and the summariser both on
    CTranslate2, after translating and summarising."""
    env = {
        "OVERSETT_TRANSLATOR": str(translator_ct2),
        "OVERSETT_SUMMARIZER": str(summarizer_ct2),
        "OVERSETT_EN_TRANSLATOR": "none",  # this figure is the first direction's; english.py has all three
        "OVERSETT_CACHE": "none",
        "OVERSETT_THREADS": str(threads),
        "OVERSETT_FORCE_OUTPUT_TOKENS": str(length),
        "OVERSETT_LOG_LEVEL": "warning",
    }
    log("RSS: translate and summarise through a service with both models on CTranslate2")

    def work_once(client: httpx.Client, base: str) -> None:
        models = client.get(f"{base}/v1/models").json()
        assert models["translator"]["backend"] == "ctranslate2"
        client.post(f"{base}/v1/translate", json={"text": text, "source_lang": "nb", "num_beams": beams})
        client.post(f"{base}/v1/summarize", json={"text": english, "source_lang": "en", "method": "abstractive"})

    return rss_while(env, work / "service-both.log", work_once)
