"""A real ``oversett serve`` on 127.0.0.1 for the HTTP parts: start it, wait for it, read its memory,
and send it requests."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from ..ports import free_port, stop, wait_for
from .report import HttpResult, percentile

# --- over HTTP -----------------------------------------------------------------------------


def _proc_status_mib(pid: int, field: str) -> float:
    """A memory line of /proc/PID/status (VmRSS: now, VmHWM: peak), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def vm_rss_mib(pid: int) -> float:
    return _proc_status_mib(pid, "VmRSS")


def vm_hwm_mib(pid: int) -> float:
    return _proc_status_mib(pid, "VmHWM")


class ServiceProcess:
    """``oversett serve`` on 127.0.0.1 in a child process, for HTTP load and its memory. ``program``
    is how to call oversett: this interpreter's ``-m service`` unless given (an installed script)."""

    def __init__(
        self, env: dict[str, str], log_path: Path, cwd: Path | None = None, program: Sequence[str] | None = None
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [*(program or (sys.executable, "-m", "service")), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env={**os.environ, **env}, stdout=self._log, stderr=subprocess.STDOUT, cwd=cwd,
        )

    def wait_ready(self, timeout: float = 600) -> None:
        wait_for(f"{self.base}/ready", self.process, self.log_path, "the service", timeout)

    def stop(self) -> None:
        stop(self.process)
        self._log.close()


def load_requests(base: str, texts: list[str], beams: int, concurrency: int) -> HttpResult:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    with httpx.Client(timeout=600) as client:

        def send(text: str) -> None:
            nonlocal errors
            t0 = time.perf_counter()
            response = client.post(f"{base}/v1/translate", json={"text": text, "source_lang": "nb", "num_beams": beams})
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                errors += response.status_code != 200

        started = time.perf_counter()
        if concurrency == 1:
            for text in texts:
                send(text)
        else:
            with ThreadPoolExecutor(concurrency) as pool:
                list(pool.map(send, texts))
        seconds = time.perf_counter() - started
    mode = "serial" if concurrency == 1 else f"{concurrency} concurrent clients"
    return HttpResult(mode, len(texts), errors, seconds, percentile(latencies, 50) * 1000, percentile(latencies, 95) * 1000)


def rss_while(env: dict[str, str], log_file: Path, work: Callable[[httpx.Client, str], None]) -> dict[str, float]:
    """RSS of an `oversett serve` started with ``env``: idle, after ``work`` (a client and the
    service's base URL), and its peak."""
    service = ServiceProcess(env, log_file)
    try:
        service.wait_ready()
        idle = vm_rss_mib(service.process.pid)
        with httpx.Client(timeout=600) as client:
            work(client, service.base)
        return {"idle_mib": idle, "after_mib": vm_rss_mib(service.process.pid), "peak_mib": vm_hwm_mib(service.process.pid)}
    finally:
        service.stop()


def bench_http(
    ct2_dir: Path, sentences: list[str], beams: int, length: int, threads: int, concurrency: int,
    work: Path, log: Callable[[str], None],
) -> tuple[list[HttpResult], dict[str, float]]:
    env = {
        "OVERSETT_BACKEND": "ctranslate2",
        "OVERSETT_CT2_MODEL": str(ct2_dir),
        "OVERSETT_TRANSLATOR": str(ct2_dir),
        "OVERSETT_SUMMARIZER": "none",
        "OVERSETT_EN_TRANSLATOR": "none",
        "OVERSETT_CACHE": "none",  # every request does model work
        "OVERSETT_THREADS": str(threads),
        "OVERSETT_FORCE_OUTPUT_TOKENS": str(length),
        "OVERSETT_LOG_LEVEL": "warning",
    }
    service = ServiceProcess(env, work / "service.log")
    try:
        service.wait_ready()
        rss_idle = vm_rss_mib(service.process.pid)
        load_requests(service.base, sentences[:4], beams, 1)  # warm-up
        log(f"HTTP: {len(sentences)} one-sentence requests, serially")
        serial = load_requests(service.base, sentences, beams, 1)
        log(f"HTTP: the same requests from {concurrency} concurrent clients")
        concurrent = load_requests(service.base, sentences, beams, concurrency)
        rss = {
            "idle_mib": rss_idle,
            "after_load_mib": vm_rss_mib(service.process.pid),
            "peak_mib": vm_hwm_mib(service.process.pid),
        }
    finally:
        service.stop()
    return [serial, concurrent], rss
