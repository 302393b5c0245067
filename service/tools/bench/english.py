"""English → Bokmål on the big architecture (Helsinki-NLP/opus-mt-tc-big-en-gmq, random weights,
target tokens in its vocabulary): naive transformers against CTranslate2 int8, the pipeline against
bare CTranslate2, and the memory of a service with both translators and the summariser loaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from ...backends.loading import ModelRef, convert_to_ctranslate2, load_ct2
from ...backends.translators import CT2Translator
from ...domain.langid import LanguageDetector
from ...domain.protocols import Decoding
from ...domain.text import segment
from ...stores.cache import open_cache
from ...usecases.batching import DynamicBatcher
from ...usecases.pipeline import TranslationPipeline
from ..tiny import EN_GMQ_TARGET_TOKENS, build_marian_translator
from .models import ARCHITECTURES, OUTPUT_TOKENS_PER_WORD, run_naive
from .report import timed
from .service import rss_while

# The tc-big English → North Germanic model is a transformer-big like tc-big-gmq-en; its vocabulary
# size is taken to be the same (the real config.json would give the exact one).
BIG_EN = {**ARCHITECTURES["big"], "hub_id": "Helsinki-NLP/opus-mt-tc-big-en-gmq"}


def build_english_model(work: Path, lines: list[str], log: Callable[[str], None]) -> tuple[Path, Path]:
    hf_dir, ct2_dir = work / "big-en-hf", work / "big-en-ct2-int8"
    log(f"building a random-weight English → Norwegian model ({BIG_EN['hub_id']} architecture, >>nob<< and >>nno<<)")
    build_marian_translator(
        hf_dir, lines, BIG_EN["config"], spm_vocab_size=8000, model_vocab_size=BIG_EN["vocab_size"],
        target_tokens=EN_GMQ_TARGET_TOKENS, languages=("en", "gmq"),
    )
    log("converting the English → Norwegian model to CTranslate2 int8")
    convert_to_ctranslate2(ModelRef(str(hf_dir), "translation", "-"), ct2_dir, "int8")
    return hf_dir, ct2_dir


def bench_english(
    hf_dir: Path, ct2_dir: Path, english: str, beams: int, threads: int, work: Path, log: Callable[[str], None],
    repeats: int = 3,
) -> dict[str, Any]:
    """The English seed into Bokmål: naive transformers one sentence at a time (the target token
    written in front, as a first script would), CTranslate2 int8 batched (the backend adds the
    token), and the whole pipeline (language id preferring English, English segmentation, an
    empty cache, the dynamic batcher, the checks of English sources) against bare CTranslate2.
    Every system writes the same number of tokens per sentence."""
    import torch

    torch.set_num_threads(threads)
    sentences = segment(english, "en").sentences
    words = sum(len(s.split()) for s in sentences) / len(sentences)
    length = max(8, round(words * OUTPUT_TOKENS_PER_WORD))
    translator = CT2Translator(load_ct2(ct2_dir, intra_threads=threads))
    translator.forced_output_tokens = length
    decoding = Decoding(beams, target="nb")
    translator.translate_scored(sentences[:2], decoding)  # warm up
    log(f"English → Bokmål: naive transformers, one sentence at a time, beams={beams}")
    naive, _ = run_naive(hf_dir, [f">>nob<< {s}" for s in sentences], beams, length)
    log("English → Bokmål: CTranslate2 int8, batched")
    bare = min(timed(lambda: translator.translate_scored(sentences, decoding)) for _ in range(repeats))
    detector = LanguageDetector()
    detector.warm_up()
    batcher = DynamicBatcher(translator)
    best = float("inf")
    log("English → Bokmål: the whole pipeline")
    try:
        for attempt in range(repeats + 1):
            cache = open_cache(str(work / f"english-{attempt}.sqlite3"))
            pipeline = TranslationPipeline(batcher, cache, detector, num_beams=beams, retry=False, targets=("nb", "nn"))
            seconds = timed(lambda: pipeline.translate_documents([english], target_lang="nb"))
            cache.close()
            if attempt:  # the first run warms lingua, wordfreq and the batcher
                best = min(best, seconds)
    finally:
        batcher.close()
    return {
        "sentences": len(sentences), "output_tokens": length, "beams": beams,
        "naive_s": naive, "ct2_s": bare, "speedup": naive / bare,
        "pipeline_s": best, "overhead": best / bare - 1,
    }


def bench_three_models_rss(
    translator_ct2: Path, en_translator_ct2: Path, summarizer_ct2: Path, english: str, norwegian: str, beams: int,
    length: int, threads: int, work: Path, log: Callable[[str], None],
) -> dict[str, float]:
    """Peak RSS of `oversett serve` with both translators (big) and the summariser on CTranslate2,
    after translating both ways and summarising into Bokmål."""
    env = {
        "OVERSETT_TRANSLATOR": str(translator_ct2),
        "OVERSETT_EN_TRANSLATOR": str(en_translator_ct2),
        "OVERSETT_SUMMARIZER": str(summarizer_ct2),
        "OVERSETT_CACHE": "none",
        "OVERSETT_THREADS": str(threads),
        "OVERSETT_FORCE_OUTPUT_TOKENS": str(length),
        "OVERSETT_LOG_LEVEL": "warning",
    }
    log("RSS: both translators and the summariser in one service, translating both ways and summarising")

    def work_once(client: httpx.Client, base: str) -> None:
        models = client.get(f"{base}/v1/models").json()
        assert models["en_translator"]["loaded"] and models["en_translator"]["backend"] == "ctranslate2"
        client.post(f"{base}/v1/translate", json={"text": norwegian, "source_lang": "nb", "num_beams": beams})
        client.post(f"{base}/v1/translate", json={"text": english, "target_lang": "nb", "num_beams": beams})
        client.post(f"{base}/v1/summarize", json={"text": english, "target_lang": "nb", "method": "abstractive"})

    return rss_while(env, work / "service-three.log", work_once)
