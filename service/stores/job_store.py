"""Job records in the service's SQLite database: jobs, their documents and each document's
result, stored as soon as it is done so finished results survive a restart. One process owns the
file, so its worker holds every job it claims until it stops: no leases are needed, and jobs it
left running are queued again when it starts (``recover``). Replicas share jobs through Redis
instead (``redis_job_store``)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from ..domain.errors import JobNotFound
from ..domain.protocols import ClaimedJob, JobDocument

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,          -- queued / running / completed / failed
    summary TEXT,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL DEFAULT 'en',
    memory TEXT,                   -- the translation memory it uses (NULL: the service's default)
    route TEXT,                    -- English → Nynorsk: bokmal / direct (NULL: the service's setting)
    created REAL NOT NULL,
    updated REAL NOT NULL,
    error TEXT
);
CREATE TABLE IF NOT EXISTS job_documents (
    job_id TEXT NOT NULL REFERENCES jobs(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL,          -- pending / ok / error
    result TEXT,                   -- JSON
    error TEXT,
    PRIMARY KEY (job_id, position)
);
"""


def job_view(job: dict[str, Any], documents: list[dict[str, Any]]) -> dict[str, Any]:
    """The answer to ``GET /v1/jobs/{id}`` from a job's record and its documents' rows (name,
    status, error, result as JSON text); the same shape from every store."""
    results = [
        {"name": d["name"], "status": d["status"], "error": d.get("error"),
         **(json.loads(d["result"]) if d.get("result") else {})}
        for d in documents
    ]
    done = sum(d["status"] != "pending" for d in documents)
    return {
        "job_id": job["id"],
        "status": job["status"],
        "error": job.get("error"),
        "summary": job.get("summary"),
        "source_lang": job["source_lang"],
        "target_lang": job.get("target_lang") or "en",
        "memory": job.get("memory") or None,
        "nynorsk_route": job.get("route") or None,
        "created": job["created"],
        "updated": job["updated"],
        "progress": {"done": done, "total": len(documents)},
        "documents": results,
    }


def open_database(path: Path, schema: str) -> sqlite3.Connection:
    """The service's SQLite database (WAL, rows by name, shareable between threads, guarded by
    its user's lock), with ``schema`` created if it is not there yet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False, timeout=30)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(schema)
    db.commit()
    return db


class JobStore:
    """Jobs and their documents in one SQLite file (WAL), safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._lock = threading.Lock()
        self._db = open_database(self.path, SCHEMA)
        columns = {row["name"] for row in self._db.execute("PRAGMA table_info(jobs)")}
        if "target_lang" not in columns:  # a database of an older version: every job went into English
            with self._db:
                self._db.execute("ALTER TABLE jobs ADD COLUMN target_lang TEXT NOT NULL DEFAULT 'en'")
        if "memory" not in columns:  # older still: every job used the default memory
            with self._db:
                self._db.execute("ALTER TABLE jobs ADD COLUMN memory TEXT")
        if "route" not in columns:  # before the route into Nynorsk could be chosen
            with self._db:
                self._db.execute("ALTER TABLE jobs ADD COLUMN route TEXT")

    def create(
        self, documents: list[JobDocument], summary: str | None, source_lang: str, target_lang: str = "en",
        memory: str | None = None, route: str | None = None,
    ) -> str:
        job_id = uuid.uuid4().hex
        now = time.time()
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO jobs (id, status, summary, source_lang, target_lang, memory, route, created, updated) "
                "VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?)",
                (job_id, summary, source_lang, target_lang, memory, route, now, now),
            )
            self._db.executemany(
                "INSERT INTO job_documents (job_id, position, name, text, status) VALUES (?, ?, ?, ?, 'pending')",
                [(job_id, i, d.name, d.text) for i, d in enumerate(documents)],
            )
        return job_id

    def recover(self) -> None:
        with self._lock, self._db:
            self._db.execute("UPDATE jobs SET status = 'queued' WHERE status = 'running'")

    def claim(self) -> ClaimedJob | None:
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT id FROM jobs WHERE status = 'queued' ORDER BY created LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            self._db.execute(
                "UPDATE jobs SET status = 'running', updated = ? WHERE id = ?", (time.time(), row["id"])
            )
        return ClaimedJob(str(row["id"]))

    def renew(self, job_id: str) -> bool:
        return True  # one process, one worker: the job stays its own

    def release(self, job_id: str) -> None:
        self.set_status(job_id, "queued")

    def set_status(self, job_id: str, status: str, error: str | None = None) -> bool:
        with self._lock, self._db:
            self._db.execute(
                "UPDATE jobs SET status = ?, error = ?, updated = ? WHERE id = ?",
                (status, error, time.time(), job_id),
            )
        return True

    def pending_documents(self, job_id: str) -> list[tuple[int, JobDocument]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT position, name, text FROM job_documents WHERE job_id = ? AND status = 'pending' ORDER BY position",
                (job_id,),
            ).fetchall()
        return [(row["position"], JobDocument(row["name"], row["text"])) for row in rows]

    def finish_document(self, job_id: str, position: int, result: dict[str, Any] | None, error: str | None) -> bool:
        with self._lock, self._db:
            self._db.execute(
                "UPDATE job_documents SET status = ?, result = ?, error = ? WHERE job_id = ? AND position = ?",
                ("error" if error else "ok", json.dumps(result) if result else None, error, job_id, position),
            )
            self._db.execute("UPDATE jobs SET updated = ? WHERE id = ?", (time.time(), job_id))
        return True

    def job(self, job_id: str) -> dict[str, Any]:
        with self._lock:
            job = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if job is None:
                raise JobNotFound(job_id)
            documents = self._db.execute(
                "SELECT position, name, status, result, error FROM job_documents WHERE job_id = ? ORDER BY position",
                (job_id,),
            ).fetchall()
        return job_view(dict(job), [dict(d) for d in documents])

    def close(self) -> None:
        with self._lock:
            self._db.close()
