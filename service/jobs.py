"""HTTP batch jobs, the use case: a job is a list of named document texts (never server
paths), checked against the limits when it is submitted and worked through by one thread,
document by document. A job that was queued or running when the service stopped is picked up
again on startup, its finished documents kept.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from typing import Any

from .errors import InputTooLarge, InvalidInput, OversettError
from .protocols import JobDocument, JobRecords
from .summaries import Pipelines

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobLimits:
    """What one job may hold."""

    max_documents: int
    max_chars: int  # per document
    max_job_chars: int  # all documents together


class JobRunner:
    """Works through jobs one at a time on a background thread, document by document."""

    def __init__(self, store: JobRecords, services: Pipelines, limits: JobLimits) -> None:
        self.store = store
        self.services = services
        self.limits = limits
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="oversett-jobs", daemon=True)

    def start(self) -> None:
        for job_id in self.store.unfinished():  # left over from a stop: resume them
            log.info("resuming job %s", job_id)
            self._queue.put(job_id)
        self._thread.start()

    def submit(self, documents: list[JobDocument], summary: str | None, source_lang: str) -> str:
        """Queue a job; raise InvalidInput / InputTooLarge over the limits, ModelUnavailable
        when there is no translator (refused now rather than failed later)."""
        self.check(documents)
        self.services.require_pipeline()
        job_id = self.store.create(documents, summary, source_lang)
        self._queue.put(job_id)
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
        """Stop the worker (after the job at hand) and close the store."""
        self._queue.put(None)
        self._thread.join(timeout=30)
        self.store.close()

    def _run(self) -> None:
        while (job_id := self._queue.get()) is not None:
            try:
                self._run_job(job_id)
            except Exception as exc:  # a job must never take the worker down with it
                log.exception("job %s failed", job_id)
                self.store.set_status(job_id, "failed", str(exc) or type(exc).__name__)

    def _run_job(self, job_id: str) -> None:
        job = self.store.job(job_id)
        self.store.set_status(job_id, "running")
        try:
            pipeline = self.services.require_pipeline()
            summaries = self.services.require_summaries() if job["summary"] else None
        except OversettError as exc:
            self.store.set_status(job_id, "failed", exc.message)
            return
        source_lang = job["source_lang"]
        for position, document in self.store.pending_documents(job_id):
            try:
                (translation,) = pipeline.translate_documents([document.text], source_lang)
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
                        document.text, job["summary"], source_lang=translation.source_lang
                    )
                    result |= {"summary": summary.summary, "summary_method": summary.method}
                self.store.finish_document(job_id, position, result, None)
            except OversettError as exc:
                self.store.finish_document(job_id, position, None, exc.message)
        self.store.set_status(job_id, "completed")
