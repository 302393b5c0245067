"""Drive a soak: ``clients`` threads run the flows (``flows.FLOWS``, weighted) against the
replicas until the time is up, while a sampler reads each server's RSS from its /metrics; then the
memory entries written are read back from every replica, and the summary is made."""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from .flows import FLOWS, Context
from .record import Record, growth

RSS = re.compile(r"^process_resident_memory_bytes ([0-9.e+]+)$", re.MULTILINE)


@dataclass
class SoakReport:
    seconds: float
    clients: int
    replicas: list[str]
    requests: int
    server_errors: int  # 5xx
    routes: dict[str, dict[str, Any]]
    flows: dict[str, dict[str, int]]  # flow → {"passed": n, "failed": n}
    failures: dict[str, list[str]]
    memory_entries: dict[str, int]  # written, lost, stale (per replica read back)
    rss: dict[str, list[tuple[float, float]]]
    rss_growth_window_s: float
    rss_growth: dict[str, float | None]  # server → % over the window

    def ok(self) -> bool:
        return (self.server_errors == 0 and self.memory_entries["lost"] == 0 and self.memory_entries["stale"] == 0
                and all(counts["failed"] == 0 for counts in self.flows.values()))

    def lines(self) -> list[str]:
        out = [f"soak: {self.seconds / 60:.1f} min, {self.clients} clients, {len(self.replicas)} replica(s), "
               f"{self.requests} requests, {self.server_errors} responses of 5xx", "", "route: statuses, p50 / p95 ms"]
        for route, entry in self.routes.items():
            statuses = ", ".join(f"{status} {count}" for status, count in entry["statuses"].items())
            out.append(f"  {route}: {statuses}; {entry['p50_ms']:.0f} / {entry['p95_ms']:.0f}")
        out += ["", "cross-replica flows: passed / failed"]
        for name, counts in self.flows.items():
            out.append(f"  {name}: {counts['passed']} / {counts['failed']}"
                       + (f"  ({'; '.join(self.failures[name][:2])})" if self.failures.get(name) else ""))
        m = self.memory_entries
        out += ["", f"memory entries: {m['written']} written, {m['lost']} lost, {m['stale']} stale "
                f"(read back from every replica)", "", "RSS (MiB) over time:"]
        for server, curve in self.rss.items():
            shown = curve[:: max(1, len(curve) // 12)] + ([curve[-1]] if len(curve) > 12 else [])
            points = " ".join(f"{s / 60:.1f}m:{mib:.0f}" for s, mib in shown)
            out.append(f"  {server}: {points}; growth over the last {self.rss_growth_window_s / 60:.1f} min: "
                       f"{self.rss_growth[server]} %")
        return out


def rss_mib(client: httpx.Client, base: str, headers: dict[str, str]) -> float | None:
    """The server's resident memory, from its own /metrics (so a replica elsewhere is measured too)."""
    try:
        found = RSS.search(client.get(f"{base}/metrics", headers=headers).text)
    except httpx.HTTPError:
        return None
    return float(found.group(1)) / 2**20 if found else None


def soak(
    bases: list[str], seconds: float, *, clients: int = 8, texts: list[str], files: list[Path], key: str | None = None,
    sample_every: float = 10.0, seed: int = 1, window: float = 600.0,
) -> SoakReport:
    """Run the mix for ``seconds`` and summarise; RSS growth is measured over the last ``window``
    seconds (the whole run's last third when it is shorter)."""
    record = Record()
    limits = httpx.Limits(max_connections=clients * 2 + 4)
    with httpx.Client(timeout=600, limits=limits) as client:
        ctx = Context(bases, client, record, texts, files, key, memory=f"soak-{seed}", glossary=f"soak-{seed}")
        started = time.monotonic()
        deadline = started + seconds
        done = threading.Event()

        def sample() -> None:
            while True:
                for base in bases:
                    mib = rss_mib(client, base, ctx.headers())
                    if mib is not None:
                        record.sample(base, time.monotonic() - started, mib)
                if done.wait(sample_every):
                    return

        def worker(number: int) -> None:
            rng = random.Random(seed * 1000 + number)
            flows, weights = list(FLOWS), list(FLOWS.values())
            k = number
            while time.monotonic() < deadline:
                rng.choices(flows, weights)[0](ctx, k, rng)
                k += clients

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done.set()
        sampler.join()
        for base in bases:  # the last point of the curve, after the load
            mib = rss_mib(client, base, ctx.headers())
            if mib is not None:
                record.sample(base, time.monotonic() - started, mib)
        elapsed = time.monotonic() - started
        memory = _read_back(ctx)
    span = window if elapsed > 1.5 * window else elapsed / 3
    flows: dict[str, dict[str, int]] = {}
    for (name, passed), count in sorted(record.flows.items()):
        flows.setdefault(name, {"passed": 0, "failed": 0})["passed" if passed else "failed"] += count
    return SoakReport(
        seconds=elapsed, clients=clients, replicas=bases, requests=sum(record.requests.values()),
        server_errors=record.server_errors(), routes=record.by_route(), flows=flows, failures=dict(record.failures),
        memory_entries=memory, rss=dict(record.rss), rss_growth_window_s=span,
        rss_growth={server: growth(curve, span) for server, curve in record.rss.items()},
    )


def _read_back(ctx: Context) -> dict[str, int]:
    """Every entry written, looked for in the memory as each replica sees it: lost (missing) or
    stale (another translation)."""
    lost = stale = 0
    for base in ctx.bases:
        seen: dict[str, str] = {}
        offset = 0
        while True:
            page = ctx.client.get(f"{base}/v1/memories/{ctx.memory}/entries", headers=ctx.headers(),
                                  params={"offset": offset, "limit": 1000})
            if page.status_code != 200:
                break
            entries = page.json()["entries"]
            seen |= {e["source"]: e["target"] for e in entries}
            if len(entries) < 1000:
                break
            offset += 1000
        lost += sum(1 for source in ctx.record.written if source not in seen)
        stale += sum(1 for source, target in ctx.record.written.items() if source in seen and seen[source] != target)
    return {"written": len(ctx.record.written), "lost": lost, "stale": stale}
