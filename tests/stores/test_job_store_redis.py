"""Jobs in Redis, shared by replicas: the same records as the SQLite store, one claim per job,
leases that let a live worker keep its job and another take over a dead worker's, writes refused
from a worker that lost its job, and a clear 503 while Redis is away."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.domain.errors import StoreUnavailable
from service.domain.protocols import JobDocument
from service.http.app import create_app
from service.stores.job_store import JobStore
from service.stores.redis_job_store import RedisJobStore
from service.usecases.jobs import JobLimits, JobRunner

from ..conftest import free_port

DOCUMENTS = [JobDocument("a", "Det regner i Bergen."), JobDocument("b", "Sola skinner i Oslo."),
             JobDocument("c", "Det snør i Tromsø.")]
RESULT = {"source_lang": "nb", "translation": "It rains.", "segments": 1, "cached_segments": 0}


def _comparable(job: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in job.items() if k not in {"job_id", "created", "updated"}}


def test_a_redis_job_reads_exactly_like_a_sqlite_job(redis_server: Any, tmp_path: Path) -> None:
    stores = [RedisJobStore(redis_server[0]), JobStore(tmp_path / "jobs.sqlite3")]
    views = []
    for store in stores:
        job_id = store.create(DOCUMENTS, "short", "auto")
        queued = store.job(job_id)
        assert queued["status"] == "queued" and queued["progress"] == {"done": 0, "total": 3}
        claimed = store.claim()
        assert claimed is not None and claimed.job_id == job_id and not claimed.taken_over
        assert store.claim() is None  # one claim per job
        assert [p for p, _ in store.pending_documents(job_id)] == [0, 1, 2]
        assert store.finish_document(job_id, 0, RESULT, None)
        assert store.finish_document(job_id, 2, None, "The text looks like Spanish.")
        assert store.pending_documents(job_id) == [(1, DOCUMENTS[1])]
        assert store.job(job_id)["status"] == "running"
        assert store.set_status(job_id, "completed")
        views.append(store.job(job_id))
        store.close()
    assert _comparable(views[0]) == _comparable(views[1])
    assert views[0]["documents"][0]["translation"] == "It rains." and views[0]["progress"]["done"] == 2


def test_jobs_are_claimed_oldest_first_and_each_by_one_worker(redis_server: Any) -> None:
    workers = [RedisJobStore(redis_server[0]) for _ in range(4)]
    created = [workers[0].create(DOCUMENTS[:1], None, "nb") for _ in range(40)]
    claimed: list[str] = []
    lock = threading.Lock()

    def work(store: RedisJobStore) -> None:
        while (job := store.claim()) is not None:
            with lock:
                claimed.append(job.job_id)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(created) and len(set(claimed)) == 40
    fifo = RedisJobStore(redis_server[0])
    first, second = fifo.create(DOCUMENTS, None, "nb"), fifo.create(DOCUMENTS, None, "nb")
    assert [fifo.claim().job_id, fifo.claim().job_id] == [first, second]  # type: ignore[union-attr]


def test_a_dead_workers_job_is_taken_over_when_its_lease_runs_out(redis_server: Any) -> None:
    alive = RedisJobStore(redis_server[0], lease_seconds=0.4)
    dying = RedisJobStore(redis_server[0], lease_seconds=0.4)
    job_id = dying.create(DOCUMENTS, None, "nb")
    assert dying.claim().job_id == job_id  # type: ignore[union-attr]
    assert dying.finish_document(job_id, 0, RESULT, None)
    # while the lease is renewed, nobody else takes the job
    for _ in range(4):
        time.sleep(0.15)
        assert dying.renew(job_id)
        assert alive.claim() is None
    time.sleep(0.6)  # the worker died: no more renewals
    taken = alive.claim()
    assert taken is not None and taken.job_id == job_id and taken.taken_over
    assert [p for p, _ in alive.pending_documents(job_id)] == [1, 2]  # done work kept
    # the old worker, if it was only stalled, can no longer write or keep the job
    assert not dying.renew(job_id)
    assert not dying.finish_document(job_id, 1, RESULT, None)
    assert not dying.set_status(job_id, "completed")
    assert alive.finish_document(job_id, 1, RESULT, None)
    assert alive.renew(job_id)


def test_a_released_job_is_claimable_at_once(redis_server: Any) -> None:
    stopping, other = RedisJobStore(redis_server[0]), RedisJobStore(redis_server[0])
    job_id = stopping.create(DOCUMENTS, None, "nb")
    assert stopping.claim() is not None and other.claim() is None
    stopping.release(job_id)
    again = other.claim()
    assert again is not None and again.job_id == job_id


def test_two_runners_share_the_queue_and_finish_every_job_once(redis_server: Any, services: Any) -> None:
    limits = JobLimits(10, 10_000, 100_000)
    runners = [JobRunner(RedisJobStore(redis_server[0], lease_seconds=3), services, limits, poll_seconds=0.05)
               for _ in range(2)]
    for runner in runners:
        runner.start()
    try:
        ids = [runners[i % 2].submit([DOCUMENTS[i % 3]], None, "nb") for i in range(6)]
        deadline = time.monotonic() + 120
        while any(runners[0].store.job(i)["status"] != "completed" for i in ids):
            assert time.monotonic() < deadline, "the jobs did not finish"
            time.sleep(0.1)
        assert sum(r.stats.completed for r in runners) == 6
        assert sum(r.stats.documents.get("ok", 0) for r in runners) == 6
        assert all(runners[1].store.job(i)["documents"][0]["translation"] for i in ids)
    finally:
        for runner in runners:
            runner.stop()


def test_unreachable_redis_is_a_503_for_jobs_and_translation_goes_on(make_services: Any) -> None:
    store = RedisJobStore(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(StoreUnavailable, match="Try again in 5 s"):
        store.create(DOCUMENTS, None, "nb")
    services = make_services(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    with TestClient(create_app(services=services)) as client:
        created = client.post("/v1/jobs", json={"documents": [{"name": "a", "text": "Det regner i Bergen."}]})
        read = client.get("/v1/jobs/0123456789abcdef")
        translated = client.post("/v1/translate", json={"text": "Det regner i Bergen."})
    for response in (created, read):
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"] == "5"
        assert "job store cannot be reached" in response.json()["detail"]
        assert response.json()["code"] == "store_unavailable"
    assert translated.status_code == 200 and translated.json()["translations"][0]["text"]
