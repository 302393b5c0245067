"""Dynamic batching: sentences from concurrent requests share model batches.

Request threads call ``translate`` as on any translator; a worker thread (one for each batch the
backend runs side by side) takes what is queued, runs one merged call on the backend and routes
each result back to its request. When a merged call fails, each request in it is retried alone,
so one bad request fails alone.

A worker waits for more only when more is on the way: requests that have entered the pipeline
(``arriving``) but not yet reached the model. A lone request starts at once; under load, a batch
waits for the requests being parsed, segmented and looked up, at most ``max_wait``, so a model
call is not spent on the one or two that happened to be first.

With more than one worker (batches side by side, each on its own share of the cores), a batch
takes at most its share of the requests in the service lately, so sixteen clients on two workers
become two batches of eight decoding at once, not one of sixteen on half the cores beside an idle
worker.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..domain.cancel import CURRENT_CANCEL, raise_if_cancelled
from ..domain.errors import Cancelled
from ..domain.protocols import Decoding, Hypothesis, ModelInfo, Translator, TranslatorStats
from ..domain.timing import current as current_timings

log = logging.getLogger(__name__)
WAIT_STEP = 0.001  # how often a waiting worker looks whether requests are still on their way


@dataclass
class _Job:
    sentences: list[str]
    decoding: Decoding
    tokens: int
    future: Future[list[Hypothesis]] = field(default_factory=Future)
    queued: float = field(default_factory=time.perf_counter)
    started: float = 0.0  # the merged model call it went into: when it began and ended
    ended: float = 0.0


@dataclass
class BatcherStats:
    merged_calls: int = 0
    requests_per_call: deque[int] = field(default_factory=lambda: deque(maxlen=10_000))  # the latest
    isolated_failures: int = 0


class DynamicBatcher:
    """A Translator that merges concurrent calls into fewer, larger backend calls."""

    def __init__(self, inner: Translator, *, max_wait: float = 0.02, max_tokens: int = 8192, workers: int = 1) -> None:
        self.inner = inner
        self.max_wait = max_wait
        self.max_tokens = max_tokens
        self.merging = BatcherStats()  # how requests were merged (its own counters)
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._arriving = 0  # requests in the pipeline that have not yet queued their sentences
        # Requests a worker's next batch may expect: those of its last merged call (under steady load
        # their clients send the next one at once) and, with one worker, those that queued while it ran.
        self._expected = threading.local()
        self._arriving_lock = threading.Lock()
        self._mine = threading.local()  # this thread's request counts as arriving
        self._parallel = max(1, workers)
        self._in_service = 0  # requests queued, collected or in a model call
        self._recent: deque[int] = deque(maxlen=4 * self._parallel)  # requests in service as batches began
        self._workers = [
            threading.Thread(target=self._run, name="oversett-batcher", daemon=True) for _ in range(self._parallel)
        ]
        for worker in self._workers:
            worker.start()

    @contextmanager
    def arriving(self) -> Iterator[None]:
        """A request on its way to the model: a worker about to run a batch waits for it (up to
        ``max_wait``) rather than leave it for the next call."""
        with self._arriving_lock:
            self._arriving += 1
        self._mine.arriving = True
        try:
            yield
        finally:
            self._arrived()

    def _arrived(self) -> None:
        if getattr(self._mine, "arriving", False):
            self._mine.arriving = False
            with self._arriving_lock:
                self._arriving -= 1

    # The Translator protocol: what the model is and what it did are the backend's.
    @property
    def info(self) -> ModelInfo:
        return self.inner.info

    @property
    def stats(self) -> TranslatorStats:
        return self.inner.stats

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    @property
    def pending(self) -> int:
        """Requests queued for the model (not counting the batch it is working on)."""
        return self._queue.qsize()

    def translate(self, sentences: Sequence[str], num_beams: int) -> list[str]:
        return [h.text for h in self.translate_scored(sentences, Decoding(num_beams))]

    def translate_scored(self, sentences: Sequence[str], decoding: Decoding) -> list[Hypothesis]:
        if not sentences:
            return []
        raise_if_cancelled()
        # Budgeted by characters / 4, a cheap stand-in for tokens: the backend does the exact
        # token-bounded batching of whatever is merged.
        job = _Job(list(sentences), decoding, sum(len(s) for s in sentences) // 4 + 1)
        with self._arriving_lock:
            self._in_service += 1
        job.future.add_done_callback(self._left)
        self._queue.put(job)
        self._arrived()  # here: nothing more of this request to wait for
        cancel = CURRENT_CANCEL.get()
        if cancel is None:
            return self._timed(job, job.future.result())
        while True:
            try:
                return self._timed(job, job.future.result(timeout=0.05))
            except FutureTimeout:
                if cancel.is_set() and job.future.cancel():
                    raise Cancelled() from None  # dropped before it reached the model

    def _left(self, _: Future[list[Hypothesis]]) -> None:
        with self._arriving_lock:
            self._in_service -= 1

    def _share(self) -> int:
        """The most requests one batch takes: all of them with one worker; with several, an even
        share of the most requests in service as the latest batches began (clients come back)."""
        if self._parallel == 1:
            return 1 << 30
        with self._arriving_lock:
            now = self._in_service + self._arriving
        busiest = max(now, *self._recent) if self._recent else now
        return max(1, -(-busiest // self._parallel))

    @staticmethod
    def _timed(job: _Job, result: list[Hypothesis]) -> list[Hypothesis]:
        """The request's time waiting for the model, and in the merged call (shared with the
        requests merged with it), for its Server-Timing."""
        timings = current_timings()
        if timings is not None and job.started:
            timings.add("queue", job.started - job.queued)
            timings.add("model", job.ended - job.started)
        return result

    def close(self) -> None:
        for _ in self._workers:
            self._queue.put(None)
        for worker in self._workers:
            worker.join(timeout=10)
        self.inner.close()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            jobs = [first]
            stop = self._collect(jobs)
            with self._arriving_lock:
                self._recent.append(self._in_service + self._arriving)
            live = [job for job in jobs if job.future.set_running_or_notify_cancel()]
            for group in _by_decoding(live):
                self._run_group(group)
            if stop:
                return

    def _collect(self, jobs: list[_Job]) -> bool:
        """Add what is queued, and what arrives while requests are still on their way (within
        ``max_wait``), up to the token budget; True on close."""
        deadline = time.monotonic() + self.max_wait
        tokens = jobs[0].tokens
        while tokens < self.max_tokens and len(jobs) < (share := self._share()):
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                remaining = deadline - time.monotonic()
                # Wait for requests already in the pipeline, and, under steady load, for the clients
                # of the last call to come back: one full batch, not two half ones taking turns.
                expected = self._arriving > 0 or len(jobs) < min(getattr(self._expected, "jobs", 1), share)
                if not expected or remaining <= 0:
                    return False  # nothing on the way (or waited enough): run what there is
                try:
                    job = self._queue.get(timeout=min(remaining, WAIT_STEP))
                except queue.Empty:
                    continue
            if job is None:
                self._queue.put(None)  # the other workers' stop, not only this one's
                return True
            jobs.append(job)
            tokens += job.tokens
        return False

    def _run_group(self, jobs: list[_Job]) -> None:
        unique = list(dict.fromkeys(s for job in jobs for s in job.sentences))
        started = time.perf_counter()
        try:
            outputs = self.inner.translate_scored(unique, jobs[0].decoding)
        except Exception as exc:
            if len(jobs) == 1:
                jobs[0].future.set_exception(exc)
                return
            self.merging.isolated_failures += 1
            log.warning("a merged batch of %d requests failed; retrying each alone", len(jobs))
            for job in jobs:
                self._run_group([job])
            return
        self.merging.merged_calls += 1
        self.merging.requests_per_call.append(len(jobs))
        self._expected.jobs = len(jobs) + (self._queue.qsize() if self._parallel == 1 else 0)
        translated = dict(zip(unique, outputs, strict=True))
        ended = time.perf_counter()
        for job in jobs:
            job.started, job.ended = started, ended
            job.future.set_result([translated[s] for s in job.sentences])


def _by_decoding(jobs: list[_Job]) -> list[list[_Job]]:
    groups: dict[Decoding, list[_Job]] = {}
    for job in jobs:
        groups.setdefault(job.decoding, []).append(job)
    return list(groups.values())
