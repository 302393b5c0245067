"""Translation memories in the bench: the seed through the pipeline with a 100,000-entry memory
that has none of its sentences, against no memory (so the cost measured is the lookups: exact,
adapted and the fuzzy index, for every sentence); and single fuzzy lookups at that size.

The memory is made of sentences in the seed's own words, shuffled, of the seed's lengths: every
lookup finds candidates in the word index and scores them, the work a real memory of the same
language makes, but nothing matches (an exact hit would skip the model and flatter the figure)."""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

from ...domain.memory import MemoryEntry
from ...domain.text import segment
from ...stores.cache import NullCache
from ...stores.memory_store import SQLiteMemoryStore
from ...usecases.pipeline import TranslationPipeline
from .pipeline import seed_translator
from .report import timed


def shuffled_memory(text: str, size: int, seed: int = 13) -> list[MemoryEntry]:
    """``size`` made-up sentences in the text's words, as long as its sentences."""
    rng = random.Random(seed)
    sentences = segment(text).sentences
    words = [w for s in sentences for w in s.split()]
    lengths = [len(s.split()) for s in sentences]
    return [
        MemoryEntry(" ".join(rng.choice(words) for _ in range(rng.choice(lengths))).capitalize() + f" {i}.", f"Made-up sentence {i}.")
        for i in range(size)
    ]


def bench_memory(
    ct2_dir: Path, text: str, beams: int, length: int, threads: int, work: Path, size: int = 100_000, repeats: int = 5
) -> dict[str, float]:
    store = SQLiteMemoryStore(work / "memory-bench.db")
    started = time.perf_counter()
    store.add("bench", shuffled_memory(text, size))
    built = time.perf_counter() - started
    sentences = segment(text).sentences
    assert not any(m.kind != "fuzzy" for m in store.find("bench", sentences).values()), "the bench memory must not hit"
    lookups = []
    for sentence in sentences * max(1, 1000 // max(1, len(sentences))):
        lookups.append(timed(lambda sentence=sentence: store.find("bench", [sentence])))
    lookups.sort()
    whole = statistics.median(timed(lambda: store.find("bench", sentences)) for _ in range(5))  # the seed's lookups, in one call
    translator, detector = seed_translator(ct2_dir, length, threads)
    pipeline = TranslationPipeline(translator, NullCache(), detector, num_beams=beams, retry=False, memories=store)
    runs = {"without": lambda: pipeline.translate_documents([text], "nb", memory=""),
            "with": lambda: pipeline.translate_documents([text], "nb", memory="bench")}
    for run in runs.values():
        run()
    best: dict[str, float] = {}
    for round_ in range(repeats):
        for label in (list(runs) if round_ % 2 == 0 else list(reversed(runs))):
            best[label] = min(best.get(label, float("inf")), timed(runs[label]))
    fuzzy = pipeline.stats.memory.get("fuzzy", 0)
    store.close()
    return {
        "entries": size, "build_s": built, "sentences": len(sentences), "lookups": len(lookups),
        "lookup_p50_ms": statistics.median(lookups) * 1000, "lookup_p95_ms": lookups[int(len(lookups) * 0.95)] * 1000,
        "without_s": best["without"], "with_s": best["with"], "overhead": best["with"] / best["without"] - 1,
        "suggestions": fuzzy, "seed_lookups_s": whole, "lookup_share": whole / best["without"],
    }
