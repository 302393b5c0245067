"""Where a request's time goes, step by step, for the ``Server-Timing`` header and the bench's
breakdown: the HTTP edge starts a ``Timings`` for each request, the pipeline's steps add to it
(``timed``), the dynamic batcher adds the time its sentences waited and the model call they were
in. Work outside a request (a batch run, a job's worker) is not timed: ``timed`` then costs one
context-variable read."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

# In the order a request meets them; "http" is what is left of the request's wall time: parsing,
# validation, JSON, the hops between the event loop and the worker threads.
STEPS = ("langid", "segment", "memory", "cache", "protect", "queue", "model", "checks", "http")


class Timings:
    """Seconds by step for one request (its threads add to it: a lock keeps the sums right)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._lock = threading.Lock()

    def add(self, step: str, seconds: float) -> None:
        with self._lock:
            self.seconds[step] = self.seconds.get(step, 0.0) + seconds

    def of(self, *steps: str) -> float:
        """The seconds told so far for ``steps``, together."""
        with self._lock:
            return sum(self.seconds.get(step, 0.0) for step in steps)

    def header(self, total: float) -> str:
        """``Server-Timing`` (milliseconds): each step, ``http`` for the rest, ``total``."""
        with self._lock:
            steps = dict(self.seconds)
        steps["http"] = max(0.0, total - sum(steps.values()))
        return ", ".join(f"{step};dur={steps[step] * 1000:.2f}" for step in STEPS if step in steps) + (
            f", total;dur={total * 1000:.2f}"
        )


_CURRENT: ContextVar[Timings | None] = ContextVar("oversett_timings", default=None)


def start() -> tuple[Timings, Token[Timings | None]]:
    timings = Timings()
    return timings, _CURRENT.set(timings)


def stop(token: Token[Timings | None]) -> None:
    _CURRENT.reset(token)


def current() -> Timings | None:
    return _CURRENT.get()


@contextmanager
def timed(step: str) -> Iterator[None]:
    timings = _CURRENT.get()
    if timings is None:
        yield
        return
    began = time.perf_counter()
    try:
        yield
    finally:
        timings.add(step, time.perf_counter() - began)


@contextmanager
def timed_model() -> Iterator[None]:
    """A call to a translator: whatever of its time a dynamic batcher did not already tell as
    ``queue`` and ``model`` is ``model`` (a translator without a batcher, e.g. Apertium's pipes)."""
    timings = _CURRENT.get()
    if timings is None:
        yield
        return
    told = timings.of("queue", "model")
    began = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - began
        timings.add("model", max(0.0, elapsed - (timings.of("queue", "model") - told)))
