"""Parts that run the seed through oversett's pipeline on the big model (CTranslate2 int8): the
cache, the pipeline's overhead over bare CTranslate2, the checks, the glossary, documents and the
stream's first segment."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...backends.loading import load_ct2
from ...backends.translators import CT2Translator
from ...domain.langid import LanguageDetector
from ...domain.text import segment
from ...stores.cache import open_cache
from ...usecases.pipeline import TranslationPipeline
from .report import best_of, timed


def bench_cache(ct2_dir: Path, text: str, beams: int, length: int, threads: int, work: Path) -> dict[str, float]:
    """The seed article cold (empty cache) and again (every sentence cached)."""
    translator, detector = seed_translator(ct2_dir, length, threads)
    pipeline = TranslationPipeline(translator, open_cache(str(work / "bench-cache.sqlite3")), detector, num_beams=beams)
    started = time.perf_counter()
    pipeline.translate_documents([text])
    cold = time.perf_counter() - started
    started = time.perf_counter()
    (warm_result,) = pipeline.translate_documents([text])
    warm = time.perf_counter() - started
    assert all(s.cached for s in warm_result.segments)
    pipeline.cache.close()
    return {"cold_s": cold, "cached_s": warm, "speedup": cold / warm}

def bench_pipeline(
    ct2_dir: Path, text: str, beams: int, length: int, threads: int, work: Path, repeats: int = 3
) -> dict[str, float]:
    """The seed's sentences straight to CTranslate2, against the seed through the whole pipeline
    as the service runs it (language id, segmentation, an empty SQLite cache, the dynamic batcher,
    the checks; cautious retries off: they are model work that depends on the model's quality).
    Best of ``repeats`` each."""
    from ...usecases.batching import DynamicBatcher

    translator, detector = seed_translator(ct2_dir, length, threads)
    sentences = segment(text).sentences
    translator.translate(sentences, beams)  # warm up
    bare = min(timed(lambda: translator.translate(sentences, beams)) for _ in range(repeats))
    batcher = DynamicBatcher(translator)
    best = float("inf")
    try:
        for attempt in range(repeats + 1):
            cache = open_cache(str(work / f"pipeline-{attempt}.sqlite3"))
            pipeline = TranslationPipeline(batcher, cache, detector, num_beams=beams, retry=False)
            seconds = timed(lambda: pipeline.translate_documents([text]))
            cache.close()
            if attempt:  # the first run warms lingua, wordfreq and the batcher
                best = min(best, seconds)
    finally:
        batcher.close()
    return {"bare_s": bare, "pipeline_s": best, "overhead": best / bare - 1}




def seed_translator(ct2_dir: Path, length: int, threads: int) -> tuple[CT2Translator, LanguageDetector]:
    """The converted model on CTranslate2, every output forced to ``length`` tokens, and a
    language detector already warm: what the pipeline benchmarks translate with."""
    translator = CT2Translator(load_ct2(ct2_dir, intra_threads=threads))
    translator.forced_output_tokens = length
    detector = LanguageDetector()
    detector.warm_up()
    return translator, detector


def bench_checks(ct2_dir: Path, text: str, beams: int, length: int, threads: int, repeats: int = 3) -> dict[str, float]:
    """The seed through the pipeline (empty cache) with the faithfulness checks and protected
    spans, and without them; best of ``repeats`` each (cautious retries off: they are model work,
    not the checks' cost)."""
    from ...stores.cache import NullCache

    translator, detector = seed_translator(ct2_dir, length, threads)
    timings: dict[str, float] = {}
    for label, checks in (("without", False), ("with", True)):
        pipeline = TranslationPipeline(translator, NullCache(), detector, num_beams=beams, checks=checks, retry=False)
        timings[f"{label}_s"] = best_of(lambda: pipeline.translate_documents([text]), repeats)
    timings["overhead"] = timings["with_s"] / timings["without_s"] - 1
    return timings


def bench_documents(
    ct2_dir: Path, paragraphs: list[str], beams: int, length: int, threads: int, repeats: int = 3
) -> dict[str, float]:
    """The same paragraphs as every file format oversett reads besides text (.docx with a bold
    phrase in every third paragraph, .pptx, .xlsx, .odt, .odp, .epub, .pdf: see
    ``office_samples``) through the format layer, and as plain text through the pipeline; empty
    cache, best of ``repeats`` each. ``FMT_overhead`` is each format's time over the text's."""
    from ...formats import format_for
    from ...stores.cache import NullCache
    from ...usecases.documents import translate_file
    from ..office_samples import BUILDERS
    from ..samples import docx_of

    translator, detector = seed_translator(ct2_dir, length, threads)
    pipeline = TranslationPipeline(translator, NullCache(), detector, num_beams=beams, retry=False)
    text = "\n\n".join(paragraphs)
    files = {"docx": docx_of(paragraphs), **{name: build(paragraphs) for name, build in BUILDERS.items()}}
    work: dict[str, Callable[[], Any]] = {"txt": lambda: pipeline.translate_documents([text], "nb")}
    for name, data in files.items():
        work[name] = lambda kind=format_for(f"bench.{name}"), data=data: translate_file(pipeline, kind, data, "nb")
    for run in work.values():  # warm up
        run()
    best: dict[str, float] = {}
    labels = list(work)
    for round_ in range(repeats):  # rounds, each in a rotated order, so drift in the machine's speed is shared
        for label in labels[round_ % len(labels) :] + labels[: round_ % len(labels)]:
            best[label] = min(best.get(label, float("inf")), timed(work[label]))
    timings: dict[str, float] = {"paragraphs": len(paragraphs), **{f"{k}_s": v for k, v in best.items()}}
    for name in files:
        timings[f"{name}_overhead"] = timings[f"{name}_s"] / timings["txt_s"] - 1
    timings["overhead"] = timings["docx_overhead"]
    return timings


def bench_glossary(ct2_dir: Path, text: str, beams: int, length: int, threads: int, repeats: int = 3) -> dict[str, float]:
    """The seed through the pipeline (empty cache) with a 200-term glossary and without; the
    glossary holds the seed's own names and words that recur (so terms are applied) and made-up
    terms (so most of the matcher's work is looking). Best of ``repeats`` each."""
    import re as _re

    from ...domain.glossary import build_glossary
    from ...stores.cache import NullCache

    words = list(dict.fromkeys(w for w in _re.findall(r"[A-ZÆØÅ][a-zæøå-]{3,}", text)))[:40]
    terms = [(w, f"{w} (EN)", None) for w in words]
    terms += [(f"fagterm{i}", f"term {i}", None) for i in range(200 - len(terms))]
    glossary = build_glossary("bench", terms, [])
    translator, detector = seed_translator(ct2_dir, length, threads)
    pipeline = TranslationPipeline(translator, NullCache(), detector, num_beams=beams, retry=False)
    timings: dict[str, float] = {"terms": len(glossary.terms)}
    for label, chosen in (("without", None), ("with", glossary)):
        timings[f"{label}_s"] = best_of(lambda: pipeline.translate_documents([text], "nb", glossary=chosen), repeats)
    (result,) = pipeline.translate_documents([text], "nb", glossary=glossary)
    timings["applied"] = sum(len(s.terms) for s in result.segments)
    timings["overhead"] = timings["with_s"] / timings["without_s"] - 1
    return timings

def bench_stream(ct2_dir: Path, text: str, beams: int, length: int, threads: int) -> dict[str, float]:
    """A 100-sentence document streamed through the pipeline (empty cache): when the first
    segment comes, and when the last."""
    from ...stores.cache import NullCache
    from ...usecases.batching import DynamicBatcher

    translator, detector = seed_translator(ct2_dir, length, threads)
    batcher = DynamicBatcher(translator)
    try:
        TranslationPipeline(batcher, NullCache(), detector, num_beams=beams, retry=False).translate_documents(["Hei på deg."])
        pipeline = TranslationPipeline(batcher, NullCache(), detector, num_beams=beams, retry=False)
        started = time.perf_counter()
        first = None
        sentences = 0
        for event in pipeline.stream_documents([text]):
            if event.segment is not None:
                sentences += 1
                first = first if first is not None else time.perf_counter() - started
        total = time.perf_counter() - started
    finally:
        batcher.close()
    return {"sentences": sentences, "first_s": first or total, "total_s": total, "share": (first or total) / total}
