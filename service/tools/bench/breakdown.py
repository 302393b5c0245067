"""The HTTP path at the limit (``--parts breakdown``): one-sentence requests from many clients
against bare batched CTranslate2 on the same sentences in the same run, and where each request's
time went, from the service's own ``Server-Timing`` headers (language id, segmentation, memory,
cache, protected spans, the batcher's queue, the model, the checks, and the HTTP layer), with a
sampled profile of the server under that load when py-spy is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from ...domain.timing import STEPS
from .pipeline import _seed_translator
from .report import percentile
from .service import ServiceProcess

TIMING = re.compile(r"(\w+);dur=([0-9.]+)")


def bench_breakdown(
    ct2_dir: Path, sentences: list[str], beams: int, length: int, threads: int, clients: int, work: Path,
    log: Callable[[str], None], *, retry: bool = False, settings: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Bare batched CTranslate2 on ``sentences`` (oversett's backend, tokenisation included, one
    call), then the service on the same sentences, one a request from ``clients`` clients; the
    ratio of the two, and the mean time of each step per request."""
    # This machine's speed drifts from minute to minute (a shared VM): both sides are the best of
    # their runs, bare CTranslate2 measured before and after the service.
    translator, _ = _seed_translator(ct2_dir, length, threads)
    translator.translate(sentences[:8], beams)  # warm up
    bare_s = min(_timed(lambda: translator.translate(sentences, beams)) for _ in range(2))
    env = {
        "OVERSETT_BACKEND": "ctranslate2", "OVERSETT_CT2_MODEL": str(ct2_dir), "OVERSETT_TRANSLATOR": str(ct2_dir),
        "OVERSETT_SUMMARIZER": "none", "OVERSETT_EN_TRANSLATOR": "none", "OVERSETT_APERTIUM": "false",
        "OVERSETT_CACHE": "none", "OVERSETT_THREADS": str(threads), "OVERSETT_FORCE_OUTPUT_TOKENS": str(length),
        "OVERSETT_LOG_LEVEL": "warning", "OVERSETT_RETRY_FLAGGED": "true" if retry else "false", **(settings or {}),
    }
    service = ServiceProcess(env, work / "breakdown-service.log")
    try:
        service.wait_ready()
        log(f"breakdown: {len(sentences)} one-sentence requests, 1 client (single-request latency)")
        _requests(service.base, sentences[:4], beams, 1)  # warm up
        serial = _requests(service.base, sentences[:24], beams, 1)
        log(f"breakdown: the same {len(sentences)} sentences from {clients} clients, twice")
        concurrent = min((_requests(service.base, sentences, beams, clients) for _ in range(2)), key=lambda r: r["seconds"])
        top = None
        if shutil.which("py-spy"):  # a second pass: the sampler costs CPU, so it never runs in the measured one
            log("breakdown: again, with py-spy sampling the server (for the profile only)")
            profile = _Profile(service.process.pid, work / "profile.txt")
            _requests(service.base, sentences, beams, clients)
            top = profile.stop()
    finally:
        service.stop()
    bare_s = min(bare_s, *(_timed(lambda: translator.translate(sentences, beams)) for _ in range(2)))
    translator.close()
    served = len(sentences) / concurrent["seconds"]
    bare = len(sentences) / bare_s
    return {
        "clients": clients, "sentences": len(sentences), "beams": beams, "retry_flagged": retry,
        "bare_sentences_per_s": round(bare, 2), "service_sentences_per_s": round(served, 2),
        "ratio": round(served / bare, 3), "serial_p50_ms": round(serial["p50_ms"], 1),
        "concurrent_p50_ms": round(concurrent["p50_ms"], 1), "errors": serial["errors"] + concurrent["errors"],
        "steps_ms": concurrent["steps_ms"], "serial_steps_ms": serial["steps_ms"], "profile": top,
    }


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _requests(base: str, sentences: list[str], beams: int, clients: int) -> dict[str, Any]:
    latencies: list[float] = []
    steps: list[dict[str, float]] = []
    errors = 0
    lock = threading.Lock()
    with httpx.Client(timeout=600, limits=httpx.Limits(max_connections=clients + 2)) as client:

        def send(text: str) -> None:
            nonlocal errors
            began = time.perf_counter()
            response = client.post(f"{base}/v1/translate", json={"text": text, "source_lang": "nb", "num_beams": beams})
            elapsed = time.perf_counter() - began
            timing = {step: float(ms) for step, ms in TIMING.findall(response.headers.get("server-timing", ""))}
            with lock:
                latencies.append(elapsed)
                steps.append(timing)
                errors += response.status_code != 200

        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(send, sentences))
        seconds = time.perf_counter() - started
    mean = {step: round(sum(s.get(step, 0.0) for s in steps) / len(steps), 2) for step in (*STEPS, "total")}
    return {"seconds": seconds, "p50_ms": percentile(latencies, 50) * 1000, "errors": errors, "steps_ms": mean}


class _Profile:
    """py-spy sampling the server (all threads, native frames off) while the load runs: the share
    of samples by package and the top functions by their own samples."""

    def __init__(self, pid: int, out: Path) -> None:
        self.out = out
        binary = shutil.which("py-spy")
        self.process = subprocess.Popen(
            [binary, "record", "--pid", str(pid), "--rate", "100", "--format", "raw", "--nonblocking",
             "--output", str(out), "--duration", "3600"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ) if binary else None

    def stop(self) -> dict[str, Any] | None:
        if self.process is None:
            return None
        self.process.send_signal(2)  # SIGINT: py-spy writes what it has
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return None
        if not self.out.is_file():
            return None
        return summarise_profile(self.out.read_text(encoding="utf-8", errors="replace"))


def summarise_profile(raw: str, top: int = 12) -> dict[str, Any]:
    """py-spy's raw (collapsed) stacks: samples by package of the innermost frame, the top
    functions by their own samples, and the share of samples that were waiting (idle threads)."""
    own: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        leaf = frames[-1]
        samples = int(count)
        total += samples
        own[leaf] += samples
        packages[_package(leaf)] += samples
    return {
        "samples": total,
        "by_package_pct": {name: round(100 * n / max(1, total), 1) for name, n in packages.most_common(12)},
        "top_functions_pct": [(name, round(100 * n / max(1, total), 1)) for name, n in own.most_common(top)],
    }


def _package(frame: str) -> str:
    found = re.search(r"\(([^)]*)\)", frame)
    path = found.group(1) if found else frame
    for marker in ("site-packages/", "lib/python3"):
        if marker in path:
            rest = path.split(marker, 1)[1].lstrip("/")
            return rest.split("/")[0].split(".")[0] if marker == "site-packages/" else "python"
    if "/service/" in path:
        return "oversett:" + path.split("/service/", 1)[1].split("/")[0].removesuffix(".py")
    return path.split(":")[0] or "other"
