"""The Bokmål → Nynorsk part: the same Bokmål sentences through bare Apertium (oversett's pipe pool,
driven directly by as many threads as there are clients) and through a real service over HTTP (one
sentence a request, CLIENTS at a time), in one run; the median latency of one warm sentence each
way; the pool's pipelines and memory as the service reports them."""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from ...backends.apertium import NYNORSK_VARIANTS, ApertiumTranslator, escape, mode_command
from ...backends.apertium_pipes import RECORD_END
from ...domain.protocols import Decoding
from .service import ServiceProcess

CLIENTS = 8
PIPELINES = 2  # OVERSETT_APERTIUM_PIPELINES, the same for both sides
LATENCY_SAMPLES = 50


def _median_ms(call: Callable[[str], object], long: list[str], everyday: list[str]) -> dict[str, float]:
    """The median ms of one call, one sentence after another, for the long and the everyday sentences."""
    latency = {}
    for name, chosen in (("long", long), ("everyday", everyday)):
        times = []
        for sentence in chosen[:LATENCY_SAMPLES]:
            began = time.perf_counter()
            call(sentence)
            times.append(1000 * (time.perf_counter() - began))
        latency[name] = statistics.median(times)
    return latency


class _BarePipe:
    """Apertium as its users drive it by hand: a long-lived null-flush pipeline, one sentence written,
    its answer read, then the next."""

    def __init__(self, command: str) -> None:
        self.process = subprocess.Popen(["bash", "-c", command, "apertium", "-g", ""], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
        self.lock = threading.Lock()

    def call(self, text: str) -> bytes:
        assert self.process.stdin is not None and self.process.stdout is not None
        with self.lock:
            self.process.stdin.write(escape(text).encode() + RECORD_END)
            answer = b""
            while not answer.endswith(b"\0"):
                answer += os.read(self.process.stdout.fileno(), 65536)
            return answer

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def _bare(sentences: list[str], everyday: list[str]) -> tuple[float, float, float, float]:
    """Bare Apertium (the baseline): PIPELINES long-lived null-flush pipelines, one sentence a call,
    CLIENTS threads sharing them; oversett's engine given all the sentences at once; one warm
    sentence's median ms on a bare pipeline."""
    command = mode_command(NYNORSK_VARIANTS["nno_e"])
    pipes = [_BarePipe(command) for _ in range(PIPELINES)]
    try:
        for pipe in pipes:
            pipe.call(sentences[0])  # warm
        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(lambda i: pipes[i % PIPELINES].call(sentences[i]), range(len(sentences))))
        rate = len(sentences) / (time.perf_counter() - started)
        latency = _median_ms(pipes[0].call, sentences, everyday)
    finally:
        for pipe in pipes:
            pipe.close()
    engine = ApertiumTranslator("nno_e", pool_size=PIPELINES)
    try:
        one = Decoding(1, target="nn")
        engine.translate_scored(sentences[: PIPELINES * 2], one)
        started = time.perf_counter()
        engine.translate_scored(sentences, one)
        pipelined = len(sentences) / (time.perf_counter() - started)
    finally:
        engine.close()
    return rate, pipelined, latency["long"], latency["everyday"]


def _service(base: str, sentences: list[str], everyday: list[str]) -> tuple[float, float, float]:
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
        latency = _median_ms(send, sentences, everyday)  # the cache is off: the engine's work every time
        return rate, latency["long"], latency["everyday"]


def bench_nynorsk(
    translator: Path, en_translator: Path, sentences: list[str], everyday: list[str], work: Path,
    log: Callable[[str], None],
) -> dict[str, float]:
    """``sentences``: the lines for throughput and the long-sentence latency (FLORES, the seed);
    ``everyday``: shorter sentences of everyday text for the latency of one (UD Bokmål)."""
    sentences = list(dict.fromkeys(s for s in sentences if 20 < len(s) < 300))
    everyday = list(dict.fromkeys(s for s in everyday if len(s.split()) >= 3))
    log(f"nynorsk: {len(sentences)} Bokmål sentences through bare Apertium ({PIPELINES} pipelines, {CLIENTS} threads)")
    bare_rate, pipelined, bare_p50, bare_everyday = _bare(sentences, everyday)
    service = ServiceProcess({
        "OVERSETT_TRANSLATOR": str(translator), "OVERSETT_EN_TRANSLATOR": str(en_translator), "OVERSETT_SUMMARIZER": "none",
        "OVERSETT_CACHE": "none", "OVERSETT_APERTIUM_PIPELINES": str(PIPELINES), "OVERSETT_LOG_LEVEL": "warning",
        "OVERSETT_JOBS_DB": str(work / "nynorsk-jobs.sqlite3"), "OVERSETT_RATE_LIMIT_PER_MINUTE": "0",
    }, work / "service-nynorsk.log")
    try:
        service.wait_ready()
        log(f"nynorsk: the same sentences through the service, one a request, {CLIENTS} clients")
        rate, p50, everyday_p50 = _service(service.base, sentences, everyday)
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
        "bare_p50_ms": bare_p50, "service_p50_ms": p50, "bare_everyday_p50_ms": bare_everyday,
        "service_everyday_p50_ms": everyday_p50, "everyday_words": statistics.median(len(s.split()) for s in everyday[:LATENCY_SAMPLES]),
        "long_words": statistics.median(len(s.split()) for s in sentences[:LATENCY_SAMPLES]),
        "running": standards["running"], "limit": 2 * standards["pipelines"], "memory_mib": memory / 2**20,
    }
