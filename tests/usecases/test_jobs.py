from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from service.domain.protocols import JobDocument
from service.http.app import create_app
from service.stores.job_store import JobStore

DOCUMENTS = [
    {"name": "budsjett", "text": "Regjeringen la fram statsbudsjettet i dag.\n\nDet blir dyrere å kjøre bil."},
    {"name": "vær", "text": "Det snør i Tromsø. Meteorologene varsler mer snø."},
    {"name": "nynorsk", "text": "Regjeringa la fram statsbudsjettet i dag, og eg trur ikkje folk vil like det."},
]


def _wait(client: TestClient, job_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in {"completed", "failed"}:
            return job
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def test_job_runs_and_survives_a_restart(services: Any) -> None:
    with TestClient(create_app(services=services)) as client:
        response = client.post("/v1/jobs", json={"documents": DOCUMENTS, "summary": "short"})
        assert response.status_code == 202
        job_id = response.json()["job_id"]
        job = _wait(client, job_id)
    assert job["status"] == "completed"
    assert job["progress"] == {"done": 3, "total": 3}
    assert [d["name"] for d in job["documents"]] == ["budsjett", "vær", "nynorsk"]
    assert all(d["status"] == "ok" and d["translation"] and d["summary"] for d in job["documents"])
    assert [d["source_lang"] for d in job["documents"]] == ["nb", "nb", "nn"]
    assert job["documents"][0]["translation"].count("\n\n") == 1  # layout kept

    # A new app on the same database: the results are still there.
    with TestClient(create_app(services=services)) as client:
        again = client.get(f"/v1/jobs/{job_id}").json()
    assert again["status"] == "completed" and again["documents"] == job["documents"]


def test_unfinished_job_is_resumed_on_startup(services: Any) -> None:
    store = JobStore(services.settings.jobs_db)
    job_id = store.create([JobDocument("a", "Det regner i Bergen."), JobDocument("b", "Sola skinner.")], None, "nb")
    store.finish_document(job_id, 0, {"source_lang": "nb", "translation": "kept", "segments": 1, "cached_segments": 0}, None)
    store.set_status(job_id, "running")  # as if the service had stopped mid-job
    store.close()
    with TestClient(create_app(services=services)) as client:
        job = _wait(client, job_id)
    assert job["status"] == "completed"
    assert job["documents"][0]["translation"] == "kept"  # done work is not redone
    assert job["documents"][1]["status"] == "ok" and job["documents"][1]["translation"]


def test_bad_document_fails_alone(services: Any) -> None:
    documents = [*DOCUMENTS[:1], {"name": "spansk", "text": "El gobierno presentó hoy el presupuesto. Conducir será más caro."}]
    with TestClient(create_app(services=services)) as client:
        job = _wait(client, client.post("/v1/jobs", json={"documents": documents}).json()["job_id"])
    assert job["status"] == "completed"
    assert job["documents"][0]["status"] == "ok"
    assert job["documents"][1]["status"] == "error" and "Spanish" in job["documents"][1]["error"]


def test_job_requests_are_validated(client: TestClient) -> None:
    cases = [
        ({"documents": []}, 422),
        ({"documents": [{"name": "x", "text": " "}]}, 422),
        ({"documents": [{"name": "", "text": "Hei."}]}, 422),
        ({"documents": [{"name": "x", "path": "/etc/passwd"}]}, 422),  # no server paths
        ({"documents": [{"name": "x", "text": "Hei."}], "summary": "huge"}, 422),
        ({"documents": "Hei."}, 422),
    ]
    for body, status in cases:
        response = client.post("/v1/jobs", json=body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["detail"]
    missing = client.get("/v1/jobs/does-not-exist")
    assert missing.status_code == 404 and "does-not-exist" in missing.json()["detail"]


def test_job_over_the_size_limit(services: Any) -> None:
    services.settings.max_chars = 20
    with TestClient(create_app(services=services)) as client:
        response = client.post("/v1/jobs", json={"documents": [{"name": "x", "text": "Dette er for langt. " * 3}]})
    assert response.status_code == 413
