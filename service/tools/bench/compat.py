"""The LibreTranslate part: the same seed text through LibreTranslate's own server and through
oversett's LibreTranslate-compatible route, with the same CTranslate2 model (packed as an Argos
package for LibreTranslate), the same threads, the same beams and every output forced to the same
length, a cold cache, in one run. LibreTranslate runs from a virtualenv of its own (see
``service/tools/libretranslate.py`` for what had to be replaced to run it here)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from ..libretranslate import LibreTranslateProcess
from .service import ServiceProcess

CLIENTS = 4  # concurrent clients, the same for both servers


def _throughput(base: str, paragraphs: list[str], sentences: int) -> float:
    """Sentences a second, every paragraph a LibreTranslate /translate request, CLIENTS at a time."""
    with httpx.Client(timeout=600) as client:

        def send(text: str) -> None:
            answer = client.post(f"{base}/translate", data={"q": text, "source": "nb", "target": "en"})
            answer.raise_for_status()

        send(paragraphs[0][:40] + ".")  # warm up (a sentence the seed does not have)
        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(send, paragraphs))
        return sentences / (time.perf_counter() - started)


def bench_libretranslate(
    python: str, hf_dir: Path, ct2_dir: Path, paragraphs: list[str], sentences: int, beams: int, length: int,
    threads: int, work: Path, log: Callable[[str], None],
) -> dict[str, float]:
    log("libretranslate: starting LibreTranslate with the big model as an Argos package")
    theirs = LibreTranslateProcess(python, ct2_dir, hf_dir / "source.spm", work, threads=threads,
                                   force_output_tokens=length)
    try:
        theirs.wait_ready()
        log("libretranslate: the seed through LibreTranslate")
        libretranslate = _throughput(theirs.base, paragraphs, sentences)
    finally:
        theirs.stop()
    ours = ServiceProcess({
        "OVERSETT_TRANSLATOR": str(ct2_dir), "OVERSETT_SUMMARIZER": "none", "OVERSETT_CACHE": "none",
        "OVERSETT_THREADS": str(threads), "OVERSETT_NUM_BEAMS": str(beams), "OVERSETT_FORCE_OUTPUT_TOKENS": str(length),
        # The checks run; their cautious second tries do not: random weights make nearly every
        # sentence look wrong, and a retry is model work LibreTranslate never does (as in `pipeline`).
        "OVERSETT_CHECKS": "true", "OVERSETT_RETRY_FLAGGED": "false", "OVERSETT_LOG_LEVEL": "warning", "OVERSETT_JOBS_DB": str(work / "lt-jobs.sqlite3"),
    }, work / "service-lt.log")
    try:
        ours.wait_ready()
        log("libretranslate: the seed through oversett's LibreTranslate-compatible route")
        oversett = _throughput(ours.base, paragraphs, sentences)
    finally:
        ours.stop()
    return {"libretranslate_sent_s": libretranslate, "oversett_sent_s": oversett, "ratio": oversett / libretranslate,
            "beams": float(beams), "threads": float(threads), "clients": float(CLIENTS)}
