"""``oversett bench``: naive transformers vs oversett torch vs oversett CTranslate2, side by side.

Runs anywhere, with no downloads: it builds random-weight models with the exact architectures
of Helsinki-NLP/opus-mt-gmq-en (base) and Helsinki-NLP/opus-mt-tc-big-gmq-en (big), and forces
every system to produce the same number of output tokens per sentence, so the systems do the
same work and only their speed differs. All figures of one report come from one run on one
machine, and speed-ups are ratios against the baseline measured in that run.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from eval.testsets import DATA_DIR

from ...domain.text import segment
from ..tiny import seed_lines
from .compat import bench_libretranslate
from .english import bench_english, bench_three_models_rss, build_english_model
from .memory import bench_memory
from .models import OUTPUT_TOKENS_PER_WORD, bench_model, build_models
from .nynorsk import bench_nynorsk
from .pipeline import (
    bench_cache,
    bench_checks,
    bench_documents,
    bench_glossary,
    bench_pipeline,
    bench_stream,
)
from .report import Report, machine_info, peak_rss_mib, render
from .service import bench_http
from .summaries import ENGLISH_SEED, bench_both_models_rss, bench_summaries

# The seed is the repo's (run the benchmark from a checkout); FLORES ships inside eval/.
DEFAULT_SEED_FILE = Path("seeds") / "000_ce698dbb45a80c69.txt"
DEFAULT_TOKENIZER_TEXT = DATA_DIR / "flores200-devtest" / "nob.txt"

def run(
    *, models: Sequence[str] = ("base", "big"), beams: Sequence[int] = (1, 4), threads: int | None = None,
    concurrency: int = 16, http_repeats: int = 4, seed_file: Path = DEFAULT_SEED_FILE,
    parts: Sequence[str] = (
        "models", "cache", "pipeline", "checks", "documents", "glossary", "memory", "stream", "summary", "rss", "http",
        "english",
    ),
    tokenizer_text: Path = DEFAULT_TOKENIZER_TEXT, out: Path | None = None, work_dir: Path | None = None,
    libretranslate_python: str | None = None,
    log: Callable[[str], None] = lambda m: print(f"[bench] {m}", file=sys.stderr, flush=True),
) -> Report:
    threads = threads or os.cpu_count() or 1
    text = seed_file.read_text(encoding="utf-8")
    sentences = segment(text).sentences
    words = sum(len(s.split()) for s in sentences) / len(sentences)
    length = max(8, round(words * OUTPUT_TOKENS_PER_WORD))
    lines = seed_lines(seed_file.parent)
    if tokenizer_text.is_file():
        lines += [line for line in tokenizer_text.read_text(encoding="utf-8").splitlines() if line.strip()]
    report = Report(machine_info(threads), length)
    with tempfile.TemporaryDirectory(prefix="oversett-bench-", dir=work_dir) as tmp:
        work = Path(tmp)
        if "nynorsk" in parts:
            from ..tiny import build_tiny_models

            log("nynorsk: building the tiny models the service needs to start")
            tiny = build_tiny_models(work / "tiny", seed_file.parent)
            bokmal = [s for line in lines for s in segment(line).sentences]
            everyday = (DATA_DIR / "ud-dev" / "nb.txt").read_text(encoding="utf-8").splitlines()
            report.nynorsk = bench_nynorsk(tiny["translator"], tiny["en_translator"], bokmal[:800], everyday, work, log)
        built = {name: build_models(work, name, lines, log) for name in models if set(parts) - {"nynorsk"}}
        if "models" in parts:
            for name in models:
                report.systems += bench_model(name, *built[name], sentences, length, beams, threads, log)
        if "big" in built:
            big_ct2 = built["big"][1]
            if "cache" in parts:
                log("cache: the seed cold, then again")
                report.cache = bench_cache(big_ct2, text, max(beams), length, threads, work)
            if "pipeline" in parts:
                log("pipeline: the seed through the pipeline against bare CTranslate2")
                report.pipeline = bench_pipeline(big_ct2, text, max(beams), length, threads, work)
            if "checks" in parts:
                log("checks: the seed with and without the faithfulness checks")
                report.checks = bench_checks(big_ct2, text, max(beams), length, threads)
            if "glossary" in parts:
                log("glossary: the seed with a 200-term glossary and without")
                report.glossary = bench_glossary(big_ct2, text, max(beams), length, threads)
            if "memory" in parts:
                log("memory: the seed with a 100,000-entry translation memory (no hits) and without; fuzzy lookups")
                report.memory = bench_memory(big_ct2, text, max(beams), length, threads, work)
            if "documents" in parts:
                log("documents: 50 paragraphs as .docx, .pptx, .xlsx, .odt, .odp, .epub and .pdf against the same text as .txt")
                # 50 paragraphs of two sentences each, no sentence twice (so neither side dedupes more)
                distinct = list(dict.fromkeys(s for line in lines for s in segment(line).sentences if len(s) > 30))
                paragraphs = [f"{distinct[2 * i]} {distinct[2 * i + 1]}" for i in range(min(50, len(distinct) // 2))]
                report.documents = bench_documents(big_ct2, paragraphs, max(beams), length, threads)
            hundred = " ".join(l for l in lines[:400] if l.strip().endswith((".", "!", "?")))
            hundred = " ".join(segment(hundred).sentences[:100])
            if "stream" in parts:
                log("stream: the first segment of a 100-sentence document, and the last")
                report.stream = bench_stream(big_ct2, hundred, max(beams), length, threads)
            english = ENGLISH_SEED.read_text(encoding="utf-8")
            if "english" in parts or "rss" in parts:
                english_lines = [line for line in english.splitlines() if line.strip()] + lines
                en_hf, en_ct2 = build_english_model(work, english_lines, log)
                if "english" in parts:
                    report.english = bench_english(en_hf, en_ct2, english, max(beams), threads, work, log)
            if "summary" in parts or "rss" in parts:
                report.summaries, summarizer_ct2 = bench_summaries(work, english, lines, max(beams), threads, log)
                if "rss" in parts:
                    report.both_models_rss = bench_both_models_rss(
                        big_ct2, summarizer_ct2, english, text, max(beams), length, threads, work, log
                    )
                    report.three_models_rss = bench_three_models_rss(
                        big_ct2, en_ct2, summarizer_ct2, english, text, max(beams), length, threads, work, log
                    )
            if "libretranslate" in parts:
                if libretranslate_python is None:
                    log("libretranslate: skipped (give --libretranslate-python, a virtualenv with libretranslate)")
                else:
                    paragraphs = [p for p in text.split("\n\n") if p.strip()]
                    report.libretranslate = bench_libretranslate(
                        libretranslate_python, built["big"][0], big_ct2, paragraphs, len(sentences), max(beams), length,
                        threads, work, log,
                    )
            if "breakdown" in parts:
                from .breakdown import bench_breakdown

                log(f"breakdown: bare batched CTranslate2 on the seed × {http_repeats}, then the service, {concurrency} clients")
                report.breakdown = bench_breakdown(
                    big_ct2, sentences * http_repeats, max(beams), length, threads, concurrency, work, log
                )
            if "http" in parts:
                http_sentences = sentences * http_repeats
                report.http, report.service_rss = bench_http(
                    big_ct2, http_sentences, max(beams), length, threads, concurrency, work, log
                )
    report.bench_peak_rss_mib = peak_rss_mib()
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        payload = asdict(report)
        payload["table"] = render(report).splitlines()
        out.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return report
