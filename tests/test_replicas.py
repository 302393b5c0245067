"""Replicas that behave as one: a key's rate limit holds across two real `oversett serve`
processes sharing one redis-server on 127.0.0.1, and so do jobs: any replica answers for any job,
a job whose replica is killed is taken over and finished by the other, and a job outlives a
Redis restart."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.http.security import RedisRateLimiter
from service.tools.bench import ServiceProcess

from .conftest import SEED_FILE, RedisServer, free_port

LIMIT = 5


def start_replica(tiny_models: dict[str, Path], folder: Path, name: str, **settings: str) -> ServiceProcess:
    """An `oversett serve` with the tiny translator and these OVERSETT_ settings."""
    env = {"TRANSLATOR": str(tiny_models["translator"]), "SUMMARIZER": "none", "BACKEND": "torch",
           "LOG_LEVEL": "warning", **settings}
    return ServiceProcess({f"OVERSETT_{k}": v for k, v in env.items()}, folder / f"replica-{name}.log")


@pytest.fixture
def two_replicas(redis_server: Any, tiny_models: dict[str, Path], tmp_path: Path) -> Iterator[list[str]]:
    url, _ = redis_server
    yield from _ready(tiny_models, tmp_path, CACHE="none", REDIS_URL=url, API_KEYS="newsroom-key",
                      RATE_LIMIT_PER_MINUTE=str(LIMIT), MEMORY_WRITE_KEYS="newsroom-key")


def _ready(tiny_models: dict[str, Path], tmp_path: Path, **settings: str) -> Iterator[list[str]]:
    """Replicas a and b (each its own SQLite file beside the shared Redis), ready; their URLs until the
    generator is closed."""
    replicas = [
        start_replica(tiny_models, tmp_path, name, JOBS_DB=str(tmp_path / f"jobs-{name}.sqlite3"), **settings)
        for name in ("a", "b")
    ]
    try:
        for replica in replicas:
            replica.wait_ready(timeout=120)
        yield [replica.base for replica in replicas]
    finally:
        for replica in replicas:
            replica.stop()


def test_a_keys_limit_holds_across_replicas(two_replicas: list[str]) -> None:
    headers = {"X-API-Key": "newsroom-key"}
    with httpx.Client(timeout=30) as client:
        responses = [client.get(f"{two_replicas[i % 2]}/v1/models", headers=headers) for i in range(3 * LIMIT)]
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) <= LIMIT and set(statuses) <= {200, 429}, statuses
    assert statuses.count(200) >= LIMIT - 1  # the bucket starts full (a token may refill meanwhile)
    for response in responses:
        if response.status_code == 429:
            assert int(response.headers["Retry-After"]) >= 1 and "try again" in response.json()["detail"]
    # both replicas answered, and both refused: one bucket, not one each
    assert {r.url.port for r in responses if r.status_code == 429} == {httpx.URL(b).port for b in two_replicas}


def test_a_correction_made_on_one_replica_is_used_by_the_other(two_replicas: list[str]) -> None:
    headers = {"X-API-Key": "newsroom-key"}
    sentence = "Regjeringen legger fram statsbudsjettet i dag."
    with httpx.Client(timeout=60, headers=headers) as client:
        saved = client.post(f"{two_replicas[0]}/v1/memories/desk/entries",
                            json={"entries": [{"source": sentence, "target": "The government presents the budget today."}]})
        assert saved.status_code == 200, saved.text
        used = client.post(f"{two_replicas[1]}/v1/translate", json={"text": sentence, "source_lang": "nb", "memory": "desk"})
    assert used.status_code == 200, used.text
    segment = used.json()["translations"][0]["segments"][0]
    assert (segment["origin"], segment["translation"]) == ("memory", "The government presents the budget today.")


def test_without_redis_each_replica_limits_on_its_own() -> None:
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0", per_minute=60, burst=2)
    assert [limiter.retry_after("key") is None for _ in range(3)] == [True, True, False]


# --- DeepL documents, LibreTranslate files and usage, any step on any replica ---------------


@pytest.fixture
def compat_replicas(redis_server: Any, tiny_models: dict[str, Path], tmp_path: Path) -> Iterator[list[str]]:
    url, _ = redis_server
    yield from _ready(tiny_models, tmp_path, CACHE="none", NUM_BEAMS="1", REDIS_URL=url, API_KEYS="desk-a,desk-b")


def test_a_deepl_document_uploaded_to_one_replica_is_polled_and_downloaded_on_the_other(compat_replicas: list[str]) -> None:
    a, b = compat_replicas
    auth = {"Authorization": "DeepL-Auth-Key desk-a"}
    with httpx.Client(timeout=120, headers=auth) as client:
        for round_ in range(3):
            upload = client.post(f"{a}/v2/document", data={"target_lang": "EN-GB"},
                                 files={"file": (f"sak-{round_}.txt", f"Sak {round_}. Det snør i Oslo i dag.".encode())})
            assert upload.status_code == 200, upload.text
            handle = upload.json()
            status = client.post(f"{b}/v2/document/{handle['document_id']}", data={"document_key": handle["document_key"]})
            assert status.status_code == 200 and status.json()["status"] == "done", status.text
            wrong = client.post(f"{b}/v2/document/{handle['document_id']}/result", data={"document_key": "0" * 64})
            assert wrong.status_code == 404
            result = client.post(f"{b}/v2/document/{handle['document_id']}/result", data={"document_key": handle["document_key"]})
            assert result.status_code == 200 and result.content, result.text
            again = client.post(f"{a}/v2/document/{handle['document_id']}/result", data={"document_key": handle["document_key"]})
            assert again.status_code == 404 and "once" in again.json()["message"]  # downloaded once, on any replica


def test_a_libretranslate_file_made_on_one_replica_is_downloaded_once_from_the_other(compat_replicas: list[str]) -> None:
    a, b = compat_replicas
    with httpx.Client(timeout=120) as client:
        made = client.post(f"{a}/translate_file", data={"source": "nb", "target": "en", "api_key": "desk-a"},
                           files={"file": ("sak.txt", "Det snør i Oslo i dag.".encode())})
        assert made.status_code == 200, made.text
        link = httpx.URL(made.json()["translatedFileUrl"])
        on_b = httpx.URL(b).copy_with(path=link.path)
        first = client.get(str(on_b), params={"api_key": "desk-a"})
        assert first.status_code == 200 and first.content
        second = client.get(str(link), params={"api_key": "desk-a"})
        assert second.status_code == 404


def test_deepl_usage_is_counted_per_key_over_every_replica(compat_replicas: list[str]) -> None:
    a, b = compat_replicas
    texts = ["Det snør i Oslo.", "Regjeringen legger fram budsjettet.", "Vi ses i morgen."]
    with httpx.Client(timeout=120) as client:
        for i, text in enumerate(texts):
            done = client.post(f"{(a, b)[i % 2]}/v2/translate", headers={"Authorization": "DeepL-Auth-Key desk-a"},
                               json={"text": [text], "target_lang": "EN-GB"})
            assert done.status_code == 200, done.text
        usages = [client.get(f"{base}/v2/usage", headers={"Authorization": f"DeepL-Auth-Key {key}"}).json()
                  for base in (a, b) for key in ("desk-a", "desk-b")]
    total = sum(len(t) for t in texts)
    assert [u["character_count"] for u in usages] == [total, 0, total, 0]


# --- jobs shared through Redis ------------------------------------------------------------

LEASE = 2  # seconds: a killed replica's job is taken over this long after its last renewal
POLL = min(1.0, LEASE / 4)  # how often an idle worker looks for queued or abandoned jobs (compose.job_runner)
TAKEOVER_BOUND = LEASE + POLL  # the lease runs out at most LEASE after the kill; the next look finds it


def _documents(count: int) -> list[dict[str, str]]:
    """Distinct news paragraphs (no two share a sentence, so no document hits another's cache)."""
    paragraphs = [p for p in SEED_FILE.read_text(encoding="utf-8").split("\n\n") if len(p) > 80]
    return [{"name": f"sak-{i:02d}", "text": f"Sak {i} fra Oslo. {paragraphs[i % len(paragraphs)]}"} for i in range(count)]


@pytest.fixture
def job_replicas(tiny_models: dict[str, Path], tmp_path: Path) -> Iterator[Callable[[str], list[ServiceProcess]]]:
    started: list[ServiceProcess] = []

    def start(redis_url: str) -> list[ServiceProcess]:
        replicas = [
            start_replica(tiny_models, tmp_path, name, NUM_BEAMS="1", CACHE=redis_url[: -len("/0")] + "/1",  # the cache shared too
                    REDIS_URL=redis_url, JOB_LEASE=str(LEASE))
            for name in ("a", "b")
        ]
        started.extend(replicas)
        for replica in replicas:
            replica.wait_ready(timeout=120)
        return replicas

    yield start
    for replica in started:
        replica.stop()


def _one_replica_run(make_services: Any, documents: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The same job on one in-process replica with its own SQLite store and no cache."""
    services = make_services(summarizer="none", cache="none")
    from fastapi.testclient import TestClient

    from service.http.app import create_app

    with TestClient(create_app(services=services)) as client:
        job_id = client.post("/v1/jobs", json={"documents": documents}).json()["job_id"]
        return _results(_wait_for(client.get, f"/v1/jobs/{job_id}"))


def _results(job: dict[str, Any]) -> list[dict[str, Any]]:
    keep = ("name", "status", "source_lang", "translation", "segments", "flagged_segments")
    return [{k: d.get(k) for k in keep} for d in job["documents"]]


def _wait_for(get: Callable[..., Any], url: str, timeout: float = 180, done: int | None = None) -> dict[str, Any]:
    """Poll a job until it is finished (or has ``done`` documents done)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = get(url)
        if response.status_code == 200:
            job = response.json()
            if job["status"] in {"completed", "failed"} or (done is not None and job["progress"]["done"] >= done):
                return job  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError(f"the job did not get there in {timeout} s")


def _metric(base: str, name: str) -> float:
    text = httpx.get(f"{base}/metrics", timeout=10).text
    found = re.findall(rf"^{re.escape(name)}(?:{{[^}}]*}})? ([0-9.e+]+)$", text, re.MULTILINE)
    return sum(float(value) for value in found)  # every direction


def test_a_job_created_on_one_replica_is_read_and_finished_on_either(
    redis_server: Any, job_replicas: Any, make_services: Any
) -> None:
    a, b = job_replicas(redis_server[0])
    documents = _documents(4)
    with httpx.Client(timeout=30) as client:
        created = client.post(f"{a.base}/v1/jobs", json={"documents": documents})
        assert created.status_code == 202
        job_id = created.json()["job_id"]
        on_b = client.get(f"{b.base}/v1/jobs/{job_id}")
        assert on_b.status_code == 200 and on_b.json()["progress"]["total"] == 4
        job = _wait_for(client.get, f"{b.base}/v1/jobs/{job_id}")
        assert job["status"] == "completed"
        assert client.get(f"{a.base}/v1/jobs/{job_id}").json() == job  # one record, whoever asks
    assert _results(job) == _one_replica_run(make_services, documents)


def test_a_job_survives_kill_9_of_its_replica(redis_server: Any, job_replicas: Any, make_services: Any) -> None:
    """The survivor takes the job over within the stated bound (the lease plus one look for work),
    measured from the kill; the waits are the bound and this machine's own pace per document, never
    a bare number of seconds, so a loaded machine is slower without failing."""
    replicas = job_replicas(redis_server[0])
    documents = _documents(20)
    with httpx.Client(timeout=30) as client:
        started = time.monotonic()
        job_id = client.post(f"{replicas[0].base}/v1/jobs", json={"documents": documents}).json()["job_id"]
        url = f"{replicas[1].base}/v1/jobs/{job_id}"
        _wait_for(client.get, url, done=2)
        per_document = (time.monotonic() - started) / 2  # this machine's pace now (claim included: generous)
        (runner,) = [r for r in replicas if _metric(r.base, 'oversett_jobs_total{event="claimed"}') == 1]
        (survivor,) = [r for r in replicas if r is not runner]
        runner.process.kill()  # SIGKILL: no goodbye, the lease is simply no longer renewed
        killed = time.monotonic()
        runner.process.wait()
        done_at_kill = client.get(f"{survivor.base}/v1/jobs/{job_id}").json()["progress"]["done"]
        assert 2 <= done_at_kill < 20, "the job should still be running when its replica dies"
        while _metric(survivor.base, 'oversett_jobs_total{event="taken_over"}') < 1:
            assert time.monotonic() - killed < 5 * TAKEOVER_BOUND, "not taken over in five times the bound"
            time.sleep(0.05)
        takeover = time.monotonic() - killed
        print(f"takeover after kill -9: {takeover:.2f} s (bound {TAKEOVER_BOUND:.2f} s: lease {LEASE} s + look {POLL} s)")
        # the bound, plus what a loaded machine adds to one scrape of /metrics (a few of its own documents' time)
        assert takeover <= TAKEOVER_BOUND + per_document, (takeover, per_document)
        job = _wait_for(client.get, f"{survivor.base}/v1/jobs/{job_id}", timeout=TAKEOVER_BOUND + 4 * per_document * 20)
    assert job["status"] == "completed" and job["progress"] == {"done": 20, "total": 20}
    assert _metric(survivor.base, 'oversett_jobs_total{event="taken_over"}') == 1
    # the survivor translated exactly the documents not yet stored: none twice
    assert _metric(survivor.base, 'oversett_job_documents_total{outcome="ok"}') == 20 - done_at_kill
    # and it never re-translated a finished document (those are in the shared cache): at most
    # the one document the killed replica was in the middle of can have been cached already
    most_segments = max(d["segments"] for d in job["documents"])
    assert _metric(survivor.base, "oversett_cache_hits_total") <= most_segments
    assert _results(job) == _one_replica_run(make_services, documents)


def test_a_job_outlives_a_redis_restart(persistent_redis: RedisServer, job_replicas: Any, make_services: Any) -> None:
    replicas = job_replicas(persistent_redis.url)
    documents = _documents(20)
    with httpx.Client(timeout=30) as client:
        started = time.monotonic()
        job_id = client.post(f"{replicas[0].base}/v1/jobs", json={"documents": documents}).json()["job_id"]
        _wait_for(client.get, f"{replicas[0].base}/v1/jobs/{job_id}", done=2)
        per_document = (time.monotonic() - started) / 2  # this machine's pace now
        persistent_redis.stop()
        for replica in replicas:
            translated = client.post(f"{replica.base}/v1/translate", json={"text": "Det regner i Bergen."})
            assert translated.status_code == 200 and translated.json()["translations"][0]["text"]
            for response in (
                client.get(f"{replica.base}/v1/jobs/{job_id}"),
                client.post(f"{replica.base}/v1/jobs", json={"documents": documents[:1]}),
            ):
                assert response.status_code == 503 and response.headers["Retry-After"] == "5"
                assert "job store cannot be reached" in response.json()["detail"]
        time.sleep(LEASE + 1)  # long enough for the lease to run out meanwhile
        persistent_redis.start()
        # the workers' retries back off to 5 s at most; then the bound and the documents left, at this pace
        job = _wait_for(client.get, f"{replicas[1].base}/v1/jobs/{job_id}", timeout=5 + TAKEOVER_BOUND + 4 * per_document * 20)
    assert job["status"] == "completed" and job["progress"] == {"done": 20, "total": 20}
    assert _results(job) == _one_replica_run(make_services, documents)
    done = sum(_metric(r.base, 'oversett_job_documents_total{outcome="ok"}') for r in replicas)
    assert done == 20  # every document stored once, none lost in the outage
