"""The HTTP path at the limit (``--parts breakdown``): one-sentence requests from many clients
against bare batched CTranslate2 on the same sentences in the same run, and where each request's
time went, from the service's own ``Server-Timing`` headers (language id, segmentation, memory,
cache, protected spans, the batcher's queue, the model, the checks, and the HTTP layer), with a
sampled profile of the server under that load when py-spy is installed."""

from __future__ import annotations

import re
import shutil
import statistics
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
from .pipeline import seed_translator
from .report import percentile, timed
from .service import ServiceProcess

ROUNDS = 5  # service runs for each layout, each between two runs of bare CTranslate2
TIMING = re.compile(r"(\w+);dur=([0-9.]+)")


def layouts(threads: int) -> dict[str, dict[str, str]]:
    """The settings the service is measured with: its defaults (one batch on every core, the
    best single-request latency), and two batches side by side on half the cores each (README's
    row for many clients on a small machine), with second tries off and on."""
    side_by_side = {"OVERSETT_THREADS": str(max(1, threads // 2)), "OVERSETT_CT2_INTER_THREADS": "2"}
    return {
        "one batch on every core": {"OVERSETT_RETRY_FLAGGED": "false"},
        "two batches side by side": {**side_by_side, "OVERSETT_RETRY_FLAGGED": "false"},
        "two batches side by side, second tries on": {**side_by_side, "OVERSETT_RETRY_FLAGGED": "true"},
    }


def bench_breakdown(
    ct2_dir: Path, sentences: list[str], beams: int, length: int, threads: int, clients: int, work: Path,
    log: Callable[[str], None], *, chosen: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Bare batched CTranslate2 on ``sentences`` (oversett's backend, tokenisation included, one
    call, every core), then the service in each layout on the same sentences, one a request from
    ``clients`` clients; the ratio of each to bare, and the mean time of each step per request."""
    # This machine's speed drifts from minute to minute (a shared VM): each run of the service lies
    # between two runs of bare CTranslate2, and a layout's ratio is the median of its runs'.
    translator, _ = seed_translator(ct2_dir, length, threads)
    translator.translate(sentences[:8], beams)  # warm up
    bare_runs: list[float] = []

    def bare() -> float:
        bare_runs.append(timed(lambda: translator.translate(sentences, beams)))
        return bare_runs[-1]

    measured = []
    top = None
    for label, settings in (chosen or layouts(threads)).items():
        log(f"breakdown: the service, {label}")
        result, profile = _serve(
            ct2_dir, sentences, beams, length, threads, clients, work, log, settings, bare, profile=top is None
        )
        top = top or profile
        measured.append({"layout": label, "settings": settings, **result})
    translator.close()
    return {
        "clients": clients, "sentences": len(sentences), "beams": beams, "threads": threads, "rounds": ROUNDS,
        "bare_sentences_per_s": round(len(sentences) / statistics.median(bare_runs), 2), "layouts": measured,
        "profile": top,
    }


def _serve(
    ct2_dir: Path, sentences: list[str], beams: int, length: int, threads: int, clients: int, work: Path,
    log: Callable[[str], None], settings: dict[str, str], bare: Callable[[], float], *, profile: bool,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """One service with ``settings``: a lone client's requests, then ``ROUNDS`` times every sentence
    from ``clients`` clients, each between two runs of bare CTranslate2, and, when asked and py-spy
    is here, one more pass under the sampler."""
    env = {
        "OVERSETT_BACKEND": "ctranslate2", "OVERSETT_CT2_MODEL": str(ct2_dir), "OVERSETT_TRANSLATOR": str(ct2_dir),
        "OVERSETT_SUMMARIZER": "none", "OVERSETT_EN_TRANSLATOR": "none", "OVERSETT_APERTIUM": "false",
        "OVERSETT_CACHE": "none", "OVERSETT_THREADS": str(threads), "OVERSETT_FORCE_OUTPUT_TOKENS": str(length),
        "OVERSETT_LOG_LEVEL": "warning", **settings,
    }
    service = ServiceProcess(env, work / "breakdown-service.log")
    top = None
    try:
        service.wait_ready()
        _requests(service.base, sentences[:4], beams, 1)  # warm up
        serial = _requests(service.base, sentences[:24], beams, 1)
        # Each service run between two bare runs, its ratio against their mean: a drift of the
        # machine's speed during the pass is shared by both sides.
        before = bare()
        runs = []
        for _ in range(ROUNDS):
            served = _requests(service.base, sentences, beams, clients)
            after = bare()
            runs.append(((before + after) / 2, served))
            before = after
        ratios = [bare_s / served["seconds"] for bare_s, served in runs]
        middle = sorted(range(ROUNDS), key=ratios.__getitem__)[ROUNDS // 2]
        concurrent = runs[middle][1]
        if profile and shutil.which("py-spy"):  # a pass of its own: the sampler costs CPU
            log("breakdown: again, with py-spy sampling the server (for the profile only)")
            sampler = _Profile(service.process.pid, work / "profile.txt")
            _requests(service.base, sentences, beams, clients)
            top = sampler.stop()
    finally:
        service.stop()
    return {
        "ratio": round(ratios[middle], 3), "ratios": [round(r, 3) for r in ratios],
        "service_sentences_per_s": round(len(sentences) / concurrent["seconds"], 2),
        "paired_bare_sentences_per_s": round(len(sentences) / runs[middle][0], 2),
        "serial_p50_ms": round(serial["p50_ms"], 1), "concurrent_p50_ms": round(concurrent["p50_ms"], 1),
        "errors": serial["errors"] + concurrent["errors"], "steps_ms": concurrent["steps_ms"],
        "serial_steps_ms": serial["steps_ms"],
    }, top


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
