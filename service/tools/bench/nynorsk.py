"""The Bokmål → Nynorsk part: the same Bokmål sentences through bare Apertium (oversett's pipe pool,
driven directly by as many threads as there are clients) and through a real service over HTTP (one
sentence a request, CLIENTS at a time), in one run; the median latency of one warm sentence each
way; the pool's pipelines and memory as the service reports them."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from ...backends.apertium import ApertiumTranslator
from ...domain.protocols import Decoding
from .service import ServiceProcess

CLIENTS = 8
PIPELINES = 2  # OVERSETT_APERTIUM_PIPELINES, the same for both sides
LATENCY_SAMPLES = 50


def _bare(sentences: list[str]) -> tuple[float, float, float]:
    """Bare Apertium: long-lived null-flush pipelines, one sentence a call, CLIENTS threads sharing
    PIPELINES of them (the baseline); the same pipelines given all the sentences at once (each
    pipeline's programs then work on different sentences at the same time); one warm sentence's
    median ms."""
    engine = ApertiumTranslator("nno_e", pool_size=PIPELINES)
    try:
        one = Decoding(1, target="nn")
        engine.translate_scored(sentences[:PIPELINES * 2], one)  # start and warm the pipelines
        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(lambda s: engine.pools["nn"].call(s), sentences))
        rate = len(sentences) / (time.perf_counter() - started)
        started = time.perf_counter()
        engine.translate_scored(sentences, one)
        pipelined = len(sentences) / (time.perf_counter() - started)
        latencies = []
        for sentence in sentences[:LATENCY_SAMPLES]:
            began = time.perf_counter()
            engine.translate_scored([sentence], one)
            latencies.append(1000 * (time.perf_counter() - began))
        return rate, pipelined, statistics.median(latencies)
    finally:
        engine.close()


def _service(base: str, sentences: list[str]) -> tuple[float, float]:
    with httpx.Client(timeout=120) as client:

        def send(text: str) -> None:
            answer = client.post(f"{base}/v1/translate", json={"text": text, "source_lang": "nb", "target_lang": "nn"})
            answer.raise_for_status()

        for sentence in sentences[: PIPELINES * 2]:
            send(sentence + " ")  # warm the pipelines (a text the run does not send: the cache stays cold)
        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(send, sentences))
        rate = len(sentences) / (time.perf_counter() - started)
        latencies = []
        for sentence in sentences[:LATENCY_SAMPLES]:
            began = time.perf_counter()
            send(sentence + "  ")  # not cached: the engine's work, not the cache's
            latencies.append(1000 * (time.perf_counter() - began))
        return rate, statistics.median(latencies)


def bench_nynorsk(
    translator: Path, en_translator: Path, sentences: list[str], work: Path, log: Callable[[str], None],
) -> dict[str, float]:
    sentences = list(dict.fromkeys(s for s in sentences if 20 < len(s) < 300))
    log(f"nynorsk: {len(sentences)} Bokmål sentences through bare Apertium ({PIPELINES} pipelines, {CLIENTS} threads)")
    bare_rate, pipelined, bare_p50 = _bare(sentences)
    service = ServiceProcess({
        "OVERSETT_TRANSLATOR": str(translator), "OVERSETT_EN_TRANSLATOR": str(en_translator), "OVERSETT_SUMMARIZER": "none",
        "OVERSETT_CACHE": "none", "OVERSETT_APERTIUM_PIPELINES": str(PIPELINES), "OVERSETT_LOG_LEVEL": "warning",
        "OVERSETT_JOBS_DB": str(work / "nynorsk-jobs.sqlite3"), "OVERSETT_RATE_LIMIT_PER_MINUTE": "0",
    }, work / "service-nynorsk.log")
    try:
        service.wait_ready()
        log(f"nynorsk: the same sentences through the service, one a request, {CLIENTS} clients")
        rate, p50 = _service(service.base, sentences)
        standards = httpx.get(f"{service.base}/v1/models", timeout=30).json()["standards"]
        metrics = httpx.get(f"{service.base}/metrics", timeout=30).text
    finally:
        service.stop()
    memory = next(
        (float(line.split()[-1]) for line in metrics.splitlines() if line.startswith("oversett_apertium_memory_bytes{")), 0.0
    )
    return {
        "sentences": len(sentences), "clients": CLIENTS, "pipelines": PIPELINES,
        "bare_per_s": bare_rate, "pipelined_per_s": pipelined, "service_per_s": rate, "share": rate / bare_rate,
        "bare_p50_ms": bare_p50, "service_p50_ms": p50,
        "running": standards["running"], "limit": 2 * standards["pipelines"], "memory_mib": memory / 2**20,
    }
