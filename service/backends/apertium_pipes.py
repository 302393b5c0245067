"""Long-lived Apertium pipelines in null-flush mode, and a bounded pool of them.

A pipeline is about twenty programs joined by pipes. Each segment is written as its own record
(escaped text, an empty superblank, a NUL) and comes back as its own record, ending with that
superblank. Records from many requests are written one after another without waiting, and a reader
thread hands each answer to the oldest record waiting: the programs then work on different segments
at the same time, and an answer is the same as that of a call on its own.

A pipeline that makes no progress for ``timeout`` seconds, stops, or answers out of step is killed.
The record at the head of its line fails (EngineFailed, a 503 for that request alone); the records
queued behind it are sent again to a fresh pipeline.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.errors import EngineFailed

RECORD_END = b"[]\0"  # an empty superblank Apertium passes through, then the null flush
_POLL = 0.05  # seconds between a waiter's looks at its pipeline's progress


class _Record:
    __slots__ = ("answer", "done", "error", "payload", "retry")

    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        self.done = threading.Event()
        self.answer: str | None = None
        self.error: str | None = None
        self.retry = False  # failed behind another record: send it again elsewhere


class ApertiumPipe:
    """One pipeline (its programs in a process group of their own), shared by many requests."""

    def __init__(self, command: str, timeout: float) -> None:
        self.timeout = timeout
        self.process = subprocess.Popen(
            ["bash", "-c", command, "apertium", "-g", ""],  # $1: generation marks unknown words, $2: tagger
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True, bufsize=0,
        )
        self.broken: str | None = None
        self._pending: deque[_Record] = deque()
        self._lock = threading.Lock()  # the pending line and the writes, in the same order
        self._progress = time.monotonic()
        self._reader = threading.Thread(target=self._read, name="oversett-apertium-reader", daemon=True)
        self._reader.start()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def submit(self, payloads: Sequence[bytes]) -> list[_Record]:
        """Queue records and write them (a reader thread drains the answers, so a full pipe cannot
        block us for good)."""
        records = [_Record(p) for p in payloads]
        with self._lock:
            if self.broken:
                raise EngineFailed(self.broken)
            if not self._pending:
                self._progress = time.monotonic()
            self._pending.extend(records)
            try:
                assert self.process.stdin is not None
                self.process.stdin.write(b"".join(r.payload for r in records))
            except (BrokenPipeError, OSError) as exc:
                self._fail(f"the pipeline had stopped ({exc.__class__.__name__})")
        return records

    def wait(self, record: _Record) -> str:
        """The record's answer; EngineFailed when its pipeline failed (``record.retry`` when the
        record was only queued behind the one that failed)."""
        while not record.done.wait(_POLL):
            if self._pending and time.monotonic() - self._progress > self.timeout:
                with self._lock:
                    if self._pending and time.monotonic() - self._progress > self.timeout:
                        self._fail(f"no answer within {self.timeout:g} s")
        if record.error is not None:
            raise EngineFailed(record.error)
        assert record.answer is not None
        return record.answer

    def _read(self) -> None:
        assert self.process.stdout is not None
        descriptor = self.process.stdout.fileno()
        buffer = bytearray()
        while True:
            try:
                chunk = os.read(descriptor, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                with self._lock:
                    self._fail(f"the pipeline stopped (exit code {self.process.poll()})")
                return
            buffer += chunk
            while (end := buffer.find(b"\0")) >= 0:
                answer, buffer[: end + 1] = bytes(buffer[:end]), b""
                if not self._answer(answer):
                    return

    def _answer(self, answer: bytes) -> bool:
        with self._lock:
            if not self._pending or not answer.endswith(b"[]"):
                self._fail("the pipeline answered out of step")
                return False
            record = self._pending.popleft()
            self._progress = time.monotonic()
        try:
            record.answer = answer[:-2].decode("utf-8")
        except UnicodeDecodeError:
            record.error = "the pipeline answered with text that is not UTF-8"
        record.done.set()
        return True

    def _fail(self, reason: str) -> None:
        """Kill the pipeline (the lock is held): the head record fails, the rest are to be sent again."""
        if self.broken is None:
            self.broken = reason
            self.kill()
        for position, record in enumerate(self._pending):
            record.error, record.retry = reason, position > 0
            record.done.set()
        self._pending.clear()

    def alive(self) -> bool:
        return self.broken is None and self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def close(self) -> None:
        with self._lock:
            self._fail("the pipeline was closed")
        self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


@dataclass
class PoolStats:
    started: int = 0  # pipelines started, restarts included
    restarts: int = 0  # pipelines replaced after a failure
    failures: int = 0  # segments that failed


class PipePool:
    """At most ``size`` pipelines of one mode, started on demand; a request's records go to the
    pipeline with the shortest line, a new one while there are fewer than ``size``."""

    def __init__(self, command: str, size: int, timeout: float, stats: PoolStats) -> None:
        self.command, self.size, self.timeout, self.stats = command, size, timeout, stats
        self._lock = threading.Lock()
        self._pipes: list[ApertiumPipe] = []
        self._failed = False  # a pipeline failed: the next one started is a restart

    def _choose(self) -> ApertiumPipe:
        with self._lock:
            dead = [p for p in self._pipes if not p.alive()]
            for pipe in dead:
                self._pipes.remove(pipe)
                threading.Thread(target=pipe.close, daemon=True).start()
            idle = [p for p in self._pipes if p.pending == 0]
            if idle:
                return idle[0]
            if len(self._pipes) < self.size:
                pipe = ApertiumPipe(self.command, self.timeout)
                self._pipes.append(pipe)
                self.stats.started += 1
                if self._failed:
                    self.stats.restarts += 1
                    self._failed = False
                return pipe
            return min(self._pipes, key=lambda p: p.pending)

    def call(self, text: bytes) -> str:
        return self.call_many([text])[0]

    def call_many(self, payloads: Sequence[bytes]) -> list[str]:
        """The answers to the records, in order. A record queued behind one that broke its pipeline is
        sent once more, to another; the one that broke it fails (EngineFailed)."""
        pipe = self._choose()
        records = pipe.submit(payloads)
        answers: list[str] = []
        for index, record in enumerate(records):
            try:
                answers.append(pipe.wait(record))
            except EngineFailed:
                self._note_failure()
                if not record.retry:
                    self.stats.failures += 1
                    raise
                return answers + self._again(payloads[index:])
        return answers

    def _again(self, payloads: Sequence[bytes]) -> list[str]:
        pipe = self._choose()
        records = pipe.submit(payloads)
        answers = []
        for record in records:
            try:
                answers.append(pipe.wait(record))
            except EngineFailed:
                self._note_failure()
                self.stats.failures += 1
                raise
        return answers

    def _note_failure(self) -> None:
        with self._lock:
            self._failed = True

    @property
    def pipelines(self) -> int:
        with self._lock:
            return sum(1 for p in self._pipes if p.alive())

    def pids(self) -> list[int]:
        with self._lock:
            return [p.process.pid for p in self._pipes if p.alive()]

    def close(self) -> None:
        with self._lock:
            pipes, self._pipes = list(self._pipes), []
        for pipe in pipes:
            pipe.close()
