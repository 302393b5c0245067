"""What a soak saw: every request (route, status, latency), every cross-replica flow (passed or
failed, and why), memory entries written and found, and each server's RSS over time."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..bench.report import percentile


@dataclass
class Record:
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)  # (route, status) → count
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # route → seconds
    flows: Counter[tuple[str, bool]] = field(default_factory=Counter)  # (flow, passed) → count
    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # flow → first reasons
    written: dict[str, str] = field(default_factory=dict)  # memory source → target, as written
    rss: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))  # server → (s, MiB)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, route: str, status: str, seconds: float) -> None:
        with self._lock:
            self.requests[route, status] += 1
            self.latencies[route].append(seconds)

    def flow(self, name: str, passed: bool, why: str = "") -> None:
        with self._lock:
            self.flows[name, passed] += 1
            if not passed and len(self.failures[name]) < 5:
                self.failures[name].append(why)

    def wrote(self, source: str, target: str) -> None:
        with self._lock:
            self.written[source] = target

    def sample(self, server: str, seconds: float, mib: float) -> None:
        with self._lock:
            self.rss[server].append((seconds, mib))

    def server_errors(self) -> int:
        return sum(n for (_, status), n in self.requests.items() if status.startswith("5"))

    def by_route(self) -> dict[str, dict[str, object]]:
        routes: dict[str, dict[str, object]] = {}
        for (route, status), count in sorted(self.requests.items()):
            entry = routes.setdefault(route, {"statuses": {}})
            entry["statuses"][status] = count  # type: ignore[index]
        for route, seconds in self.latencies.items():
            routes[route] |= {"p50_ms": round(percentile(seconds, 50) * 1000, 1),
                              "p95_ms": round(percentile(seconds, 95) * 1000, 1)}
        return routes


def growth(curve: list[tuple[float, float]], window: float) -> float | None:
    """How much RSS grew over the last ``window`` seconds of the curve, in % of where the window
    began (None with too few samples)."""
    if len(curve) < 2:
        return None
    end = curve[-1][0]
    start = next((mib for seconds, mib in curve if seconds >= end - window), curve[0][1])
    return round(100 * (curve[-1][1] - start) / start, 2) if start else None
