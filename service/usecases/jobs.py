"""HTTP batch jobs, the use case: a job is a list of named document texts (never server
paths), checked against the limits when it is submitted and worked through by a worker thread,
document by document. The store decides which worker runs which job (``JobRecords``): with one
SQLite file, this process's worker, which resumes on startup what it left unfinished; with Redis,
any replica's worker, and a job whose replica died is taken over when its lease runs out. Either
way finished documents are kept and not redone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..domain.errors import InputTooLarge, InvalidInput, OversettError, StoreUnavailable
from ..domain.protocols import JobDocument, JobRecords
from .pipeline import TranslationPipeline
from .summaries import Pipelines, SummaryPipeline

T = TypeVar("T")

log = logging.getLogger(__name__)


@dataclass
class JobStats:
    """What this process's worker did, for ``/metrics``."""

    claimed: int = 0
    taken_over: int = 0  # claimed from a worker whose lease ran out
    completed: int = 0
    documents: dict[str, int] = field(default_factory=dict)  # by outcome: ok / error


@dataclass(frozen=True)
class JobLimits:
    """What one job may hold."""

    max_documents: int
    max_chars: int  # per document
    max_job_chars: int  # all documents together


class JobRunner:
    """Works through jobs one at a time on a background thread, document by document.

    The worker claims a job from the store (the oldest queued one, or one whose worker died),
    renews its lease on a heartbeat thread while it works, and stores each document's result as
    soon as it is done. When the store cannot be reached mid-job (Redis restarting), the worker
    keeps what it has and retries the write until the store is back: nothing is lost. A worker
    that lost its job (its lease ran out) stops working on it; the store refuses its writes."""

    def __init__(
        self, store: JobRecords, services: Pipelines, limits: JobLimits, *,
        lease_seconds: float = 30.0, poll_seconds: float = 1.0,
    ) -> None:
        self.store = store
        self.services = services
        self.limits = limits
        self.renew_every = lease_seconds / 3
        self.poll_seconds = poll_seconds
        self.stats = JobStats()
        self._unreachable = False
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="oversett-jobs", daemon=True)

    def start(self) -> None:
        try:
            self.store.recover()  # jobs left running by this store's last process are queued again
        except StoreUnavailable as exc:
            log.error("%s", exc.message)
        self._thread.start()

    def submit(
        self, documents: list[JobDocument], summary: str | None, source_lang: str, target_lang: str = "en",
        memory: str | None = None, route: str | None = None,
    ) -> str:
        """Queue a job (``route``: how English goes into Nynorsk, None: the setting); raise InvalidInput / InputTooLarge over the limits, ModelUnavailable
        when there is no translator (refused now rather than failed later), StoreUnavailable
        when the job cannot be stored."""
        self.check(documents)
        pipeline = self.services.require_pipeline(target_lang)
        if target_lang == "nn":
            pipeline.model_target(target_lang, route)  # an unknown route, or Apertium missing for 'bokmal': refused now
        job_id = self.store.create(documents, summary, source_lang, target_lang, memory, route)
        self._wake.set()
        return job_id

    def check(self, documents: list[JobDocument]) -> None:
        limits = self.limits
        if len(documents) > limits.max_documents:
            raise InvalidInput(
                f"The job has {len(documents)} documents; the limit is {limits.max_documents}."
            )
        for document in documents:
            if len(document.text) > limits.max_chars:
                raise InputTooLarge(len(document.text), limits.max_chars)
        total = sum(len(d.text) for d in documents)
        if total > limits.max_job_chars:
            raise InputTooLarge(total, limits.max_job_chars)

    def stop(self) -> None:
        """Stop the worker after the document at hand (a job it was running is given back to
        the store for another worker, or for this one's next start) and close the store."""
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout=30)
        self.store.close()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                claimed = self.store.claim()
                if self._unreachable:
                    log.warning("the job store is back; jobs go on")
                    self._unreachable = False
            except StoreUnavailable as exc:
                if not self._unreachable:  # said once per outage, not once per poll
                    log.warning("%s", exc.message)
                    self._unreachable = True
                claimed = None
            if claimed is None:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
                continue
            job_id = claimed.job_id
            self.stats.claimed += 1
            self.stats.taken_over += claimed.taken_over
            try:
                self._run_job(job_id)
            except Exception as exc:  # a job must never take the worker down with it
                log.exception("job %s failed", job_id)
                message = str(exc) or type(exc).__name__
                self._durably(lambda: self.store.set_status(job_id, "failed", message))

    def _durably(self, operation: Callable[[], T]) -> T | None:
        """Run a store operation, retrying while the store cannot be reached; None only when
        the worker is stopping (the job's lease then runs out and another worker goes on)."""
        delay = 0.2
        while True:
            try:
                return operation()
            except StoreUnavailable as exc:
                if self._stopping.is_set():
                    return None
                log.warning("%s; retrying in %.1f s", exc.message, delay)
                self._stopping.wait(delay)
                delay = min(delay * 2, 5.0)

    def _run_job(self, job_id: str) -> None:
        with _Heartbeat(self.store, job_id, self.renew_every) as lease:
            job = self._durably(lambda: self.store.job(job_id))
            pending = self._durably(lambda: self.store.pending_documents(job_id))
            if job is None or pending is None:
                return
            try:
                pipeline = self.services.require_pipeline(job.get("target_lang") or "en")
                summaries = self.services.require_summaries() if job["summary"] else None
            except OversettError as exc:
                message = exc.message
                self._durably(lambda: self.store.set_status(job_id, "failed", message))
                return
            for position, document in pending:
                if self._stopping.is_set():
                    self._durably(lambda: self.store.release(job_id))
                    return
                if lease.lost.is_set():
                    log.warning("job %s: lease lost (another worker took it over); left to it", job_id)
                    return
                result, error = self._translate(pipeline, summaries, job, document)
                stored = self._durably(lambda: self.store.finish_document(job_id, position, result, error))
                if not stored:
                    return
                outcome = "error" if error else "ok"
                self.stats.documents[outcome] = self.stats.documents.get(outcome, 0) + 1
            if self._durably(lambda: self.store.set_status(job_id, "completed")):
                self.stats.completed += 1

    @staticmethod
    def _translate(
        pipeline: TranslationPipeline, summaries: SummaryPipeline | None, job: dict[str, Any],
        document: JobDocument,
    ) -> tuple[dict[str, Any] | None, str | None]:
        source_lang, target_lang = job["source_lang"], job.get("target_lang") or "en"
        stored = job.get("memory") or None  # None: the pipeline's default memory; "none": no memory
        memory = "" if stored == "none" else stored
        route = job.get("nynorsk_route") or None
        try:
            (translation,) = pipeline.translate_documents(
                [document.text], source_lang, memory=memory, target_lang=target_lang, route=route,
            )
            result: dict[str, Any] = {
                "source_lang": translation.source_lang,
                "confidence": translation.detected.confidence if translation.detected else None,
                "translation": translation.text,
                "segments": len(translation.segments),
                "cached_segments": sum(s.cached for s in translation.segments),
                "flagged_segments": translation.flagged,
            }
            if summaries is not None:
                summary = summaries.summarize_document(
                    document.text, job["summary"], source_lang=translation.source_lang, target_lang=target_lang,
                    memory=memory, route=route,
                )
                result |= {"summary": summary.summary, "summary_method": summary.method}
            return result, None
        except OversettError as exc:
            return None, exc.message


class _Heartbeat:
    """Renews a job's lease every ``every`` seconds on its own thread while the job runs, so a
    long document does not lose it; ``lost`` is set when the store says the job is no longer
    this worker's."""

    def __init__(self, store: JobRecords, job_id: str, every: float) -> None:
        self.store = store
        self.job_id = job_id
        self.every = every
        self.lost = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"oversett-lease-{job_id[:8]}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        while not self._done.wait(self.every):
            try:
                if not self.store.renew(self.job_id):
                    self.lost.set()
                    return
            except StoreUnavailable as exc:
                log.warning("job %s: cannot renew its lease: %s", self.job_id, exc.message)
