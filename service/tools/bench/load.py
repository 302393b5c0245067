"""``oversett load``: a bounded load run against a real service on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from .report import percentile
from .service import ServiceProcess, vm_hwm_mib, vm_rss_mib

# --- a bounded load run --------------------------------------------------------------------


@dataclass
class LoadReport:
    requests: int
    concurrency: int
    errors: int
    status_counts: dict[str, int]
    seconds: float
    p50_ms: float
    p95_ms: float
    rss_before_mib: float
    rss_after_mib: float
    peak_rss_mib: float

    def line(self) -> str:
        return (
            f"{self.requests} requests, {self.concurrency} concurrent: {self.errors} errors "
            f"({self.status_counts}), {self.requests / self.seconds:.1f} req/s, p50 {self.p50_ms:.0f} ms, "
            f"p95 {self.p95_ms:.0f} ms; service RSS before {self.rss_before_mib:.0f} MiB, after "
            f"{self.rss_after_mib:.0f} MiB, peak {self.peak_rss_mib:.0f} MiB"
        )


def load_run(
    env: dict[str, str], texts: Sequence[str], *, requests: int = 2000, concurrency: int = 32,
    work_dir: Path, timeout: float = 900,
) -> LoadReport:
    """Start ``oversett serve`` on 127.0.0.1, send ``requests`` translate requests from
    ``concurrency`` clients (texts in turn), and measure errors, latency and memory. Bounded
    in count and time; loopback only."""
    service = ServiceProcess(env, work_dir / "load-service.log")
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    try:
        service.wait_ready()
        rss_before = vm_rss_mib(service.process.pid)
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=120, limits=httpx.Limits(max_connections=concurrency)) as client:

            def send(index: int) -> None:
                if time.monotonic() > deadline:
                    status = "skipped (time bound)"
                else:
                    t0 = time.perf_counter()
                    try:
                        response = client.post(
                            f"{service.base}/v1/translate",
                            json={"text": texts[index % len(texts)], "source_lang": "nb"},
                        )
                        status = str(response.status_code)
                    except httpx.HTTPError as exc:
                        status = type(exc).__name__
                    with lock:
                        latencies.append(time.perf_counter() - t0)
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1

            started = time.perf_counter()
            with ThreadPoolExecutor(concurrency) as pool:
                list(pool.map(send, range(requests)))
            seconds = time.perf_counter() - started
        rss_after = vm_rss_mib(service.process.pid)
        peak = vm_hwm_mib(service.process.pid)
    finally:
        service.stop()
    return LoadReport(
        requests=requests,
        concurrency=concurrency,
        errors=sum(n for status, n in statuses.items() if status != "200"),
        status_counts=statuses,
        seconds=seconds,
        p50_ms=percentile(latencies, 50) * 1000,
        p95_ms=percentile(latencies, 95) * 1000,
        rss_before_mib=rss_before,
        rss_after_mib=rss_after,
        peak_rss_mib=peak,
    )
