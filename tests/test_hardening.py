"""Bad input of every class, API keys, rate limits, overload, request ids and metrics."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.api import create_app
from service.config import Settings
from service.logs import JsonFormatter, RequestIdFilter
from service.services import load_services

SPANISH = "El gobierno presentó hoy el presupuesto. Conducir será más caro el año que viene."


@pytest.mark.parametrize(
    ("path", "body", "status", "needle"),
    [
        # empty or white space
        ("/v1/translate", {"text": ""}, 422, "empty"),
        ("/v1/summarize", {"text": " \t\n"}, 422, "empty"),
        ("/v1/jobs", {"documents": [{"name": "a", "text": "\n"}]}, 422, "empty"),
        # wrong JSON types
        ("/v1/translate", {"text": {"nested": 1}}, 422, "text"),
        ("/v1/summarize", {"text": "Hei.", "max_words": "many"}, 422, "max_words"),
        ("/v1/jobs", {"documents": {"name": "a"}}, 422, "documents"),
        # unknown fields
        ("/v1/translate", {"text": "Hei.", "target_lang": "de"}, 422, "target_lang"),
        ("/v1/summarize", {"text": "Hei.", "style": "poem"}, 422, "style"),
        ("/v1/jobs", {"documents": [{"name": "a", "text": "Hei.", "path": "/etc/passwd"}]}, 422, "path"),
        # too many items
        ("/v1/translate", {"text": ["Hei."] * 129}, 422, "128"),
        # NUL and other control characters
        ("/v1/translate", {"text": "Hei\u0000 på deg"}, 422, "U+0000"),
        ("/v1/translate", {"text": ["Hei.", "Escape \u001b[31m"]}, 422, "U+001B"),
        ("/v1/summarize", {"text": "Tekst med \u0007 bjelle."}, 422, "U+0007"),
        ("/v1/jobs", {"documents": [{"name": "a\u0000", "text": "Hei."}]}, 422, "U+0000"),
        # unsupported languages
        ("/v1/translate", {"text": SPANISH}, 422, "Spanish"),
        ("/v1/summarize", {"text": SPANISH}, 422, "Spanish"),
        ("/v1/translate", {"text": "Hei.", "source_lang": "es"}, 422, "source_lang"),
        # absurd parameters
        ("/v1/translate", {"text": "Hei.", "num_beams": 0}, 422, "num_beams"),
        ("/v1/translate", {"text": "Hei.", "num_beams": 1000}, 422, "num_beams"),
        ("/v1/translate", {"text": "Hei.", "num_beams": 2.5}, 422, "num_beams"),
        ("/v1/summarize", {"text": "Hei.", "max_words": -3}, 422, "max_words"),
        ("/v1/summarize", {"text": "Hei.", "max_words": 10**9}, 422, "max_words"),
    ],
)
def test_bad_input_is_a_clear_4xx(client: TestClient, path: str, body: Any, status: int, needle: str) -> None:
    response = client.post(path, json=body)
    assert response.status_code == status, response.text
    payload = response.json()
    assert needle in payload["detail"] and payload["code"]


@pytest.mark.parametrize("path", ["/v1/translate", "/v1/summarize", "/v1/jobs"])
def test_bodies_that_are_not_json(client: TestClient, path: str) -> None:
    invalid_utf8 = client.post(path, content=b'{"text": "\xff\xfe bl\xe5b\xe6r"}', headers={"content-type": "application/json"})
    assert invalid_utf8.status_code == 400
    assert "UTF-8" in invalid_utf8.json()["detail"]
    broken = client.post(path, content=b'{"text": ', headers={"content-type": "application/json"})
    assert broken.status_code == 422 and "JSON" in broken.json()["detail"]
    not_an_object = client.post(path, json=["Hei."])
    assert not_an_object.status_code == 422


def test_over_the_limit_everywhere(services: Any) -> None:
    services.settings.max_chars = 40
    services.pipeline.max_chars = 40
    with TestClient(create_app(services=services)) as client:
        long_text = "Dette er en ganske lang setning. " * 3
        for path, body in [
            ("/v1/translate", {"text": long_text}),
            ("/v1/summarize", {"text": long_text}),
            ("/v1/jobs", {"documents": [{"name": "a", "text": long_text}]}),
        ]:
            response = client.post(path, json=body)
            assert response.status_code == 413, path
            assert "limit" in response.json()["detail"]


def test_unknown_routes_and_methods_are_json(client: TestClient) -> None:
    missing = client.get("/v1/nothing")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    wrong = client.get("/v1/translate")
    assert wrong.status_code == 405 and wrong.json()["detail"]


# --- keys and rate limits ------------------------------------------------------------------


@pytest.fixture
def keyed_app(settings: Settings, detector: Any, tmp_path: Path) -> Any:
    keys_file = tmp_path / "keys"
    keys_file.write_text(
        "# newsroom\n" + hashlib.sha256(b"filed-key").hexdigest() + "\n", encoding="utf-8"
    )
    keyed = settings.model_copy(update={"api_keys": "plain-key", "api_keys_file": keys_file})
    services = load_services(keyed, detector)
    yield create_app(services=services)
    services.close()


def test_api_keys(keyed_app: Any) -> None:
    body = {"text": "Det regner i Bergen.", "source_lang": "nb"}
    with TestClient(keyed_app) as client:
        assert client.get("/health").status_code == 200
        assert client.get("/ready").status_code == 200
        refused = client.post("/v1/translate", json=body)
        assert refused.status_code == 401 and "API key" in refused.json()["detail"]
        assert refused.headers["WWW-Authenticate"] == "Bearer"
        assert client.post("/v1/translate", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/v1/models").status_code == 401
        assert client.get("/metrics").status_code == 401
        assert client.post("/v1/translate", json=body, headers={"Authorization": "Bearer plain-key"}).status_code == 200
        assert client.post("/v1/translate", json=body, headers={"X-API-Key": "filed-key"}).status_code == 200


def test_bad_keys_file_is_a_startup_error(settings: Settings, tmp_path: Path) -> None:
    from service.errors import ConfigurationError

    bad = tmp_path / "keys"
    bad.write_text("not-a-digest\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="line 1"):
        create_app(settings.model_copy(update={"api_keys_file": bad}))


def test_rate_limit_per_key(settings: Settings, detector: Any) -> None:
    limited = settings.model_copy(update={"api_keys": "k1,k2", "rate_limit_per_minute": 3})
    services = load_services(limited, detector)
    try:
        with TestClient(create_app(services=services)) as client:
            k1 = {"X-API-Key": "k1"}
            statuses = [client.get("/v1/models", headers=k1).status_code for _ in range(4)]
            assert statuses == [200, 200, 200, 429]
            limited_response = client.get("/v1/models", headers=k1)
            assert limited_response.status_code == 429
            assert int(limited_response.headers["Retry-After"]) >= 1
            assert "try again" in limited_response.json()["detail"]
            assert client.get("/v1/models", headers={"X-API-Key": "k2"}).status_code == 200  # per key
            assert client.get("/health").status_code == 200  # never limited
    finally:
        services.close()


# --- overload ------------------------------------------------------------------------------


def test_overload_gets_503_with_retry_after_then_recovers(settings: Settings, detector: Any) -> None:
    small = settings.model_copy(update={"max_pending": 2, "batch_wait_ms": 50})
    services = load_services(small, detector)
    translator = services.pipeline.translator
    original = translator.inner.translate

    def slow(sentences: list[str], num_beams: int) -> list[str]:
        time.sleep(0.3)  # a model busier than the tiny one
        return original(sentences, num_beams)

    translator.inner.translate = slow
    try:
        with TestClient(create_app(services=services)) as client:
            barrier = threading.Barrier(12)

            def post(i: int) -> Any:
                barrier.wait()
                return client.post("/v1/translate", json={"text": f"Setning nummer {i} her.", "source_lang": "nb"})

            with ThreadPoolExecutor(12) as pool:
                responses = list(pool.map(post, range(12)))
            statuses = [r.status_code for r in responses]
            assert 503 in statuses and 200 in statuses
            assert set(statuses) <= {200, 503}
            for response in responses:
                if response.status_code == 503:
                    assert response.headers["Retry-After"] and "busy" in response.json()["detail"]
            translator.inner.translate = original
            after = client.post("/v1/translate", json={"text": "Nå går det bra.", "source_lang": "nb"})
            assert after.status_code == 200
    finally:
        translator.inner.translate = original
        services.close()


def test_request_timeout(settings: Settings, detector: Any) -> None:
    services = load_services(settings.model_copy(update={"request_timeout": 0.3}), detector)
    translator = services.pipeline.translator
    original = translator.inner.translate
    translator.inner.translate = lambda s, b: (time.sleep(1.0), original(s, b))[1]
    try:
        with TestClient(create_app(services=services)) as client:
            response = client.post("/v1/translate", json={"text": "Det tar tid.", "source_lang": "nb"})
        assert response.status_code == 504 and "longer than 0.3 s" in response.json()["detail"]
    finally:
        translator.inner.translate = original
        services.close()


def test_cancelled_work_never_reaches_the_model(services: Any) -> None:
    """A request cancelled while queued at the batcher is dropped, not translated."""
    from service.admission import Cancelled, cancellable

    batcher = services.pipeline.translator
    gate = threading.Event()
    seen: list[list[str]] = []
    original = batcher.inner.translate

    def gated(sentences: list[str], num_beams: int) -> list[str]:
        seen.append(list(sentences))
        gate.wait(5)
        return original(sentences, num_beams)

    batcher.inner.translate = gated
    try:
        first = threading.Thread(target=lambda: batcher.translate(["Først."], 1))
        first.start()
        time.sleep(0.2)  # the first request now holds the model
        cancel = threading.Event()
        outcome: list[Any] = []

        def second() -> None:
            with cancellable(cancel):
                try:
                    outcome.append(batcher.translate(["Avbrutt."], 1))
                except Cancelled as exc:
                    outcome.append(exc)

        waiting = threading.Thread(target=second)
        waiting.start()
        time.sleep(0.2)
        cancel.set()
        waiting.join(5)
        gate.set()
        first.join(5)
        assert isinstance(outcome[0], Cancelled)
        time.sleep(0.2)
        assert ["Avbrutt."] not in seen
    finally:
        batcher.inner.translate = original


# --- request ids, logs, metrics ------------------------------------------------------------


def test_request_id_is_echoed(client: TestClient) -> None:
    given = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/health")
    assert len(made.headers["X-Request-ID"]) == 32
    for hostile in ("x" * 300, "two words", "semi;colon"):
        echoed = client.get("/health", headers={"X-Request-ID": hostile}).headers["X-Request-ID"]
        assert echoed != hostile and len(echoed) == 32  # replaced, never reflected


def test_json_log_lines_carry_the_request_id() -> None:
    from service.logs import REQUEST_ID

    record = logging.LogRecord("oversett.access", logging.INFO, __file__, 1, "GET %s", ("/health",), None)
    record.status = 200
    token = REQUEST_ID.set("req-42")
    try:
        RequestIdFilter().filter(record)
    finally:
        REQUEST_ID.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-42" and line["message"] == "GET /health" and line["status"] == 200
    assert line["level"] == "info" and line["logger"] == "oversett.access"


def test_metrics_expose_the_series(client: TestClient) -> None:
    text_ = {"text": "Det regner i Bergen. Sola skinner i Oslo.", "source_lang": "nb"}
    assert client.post("/v1/translate", json=text_).status_code == 200
    assert client.post("/v1/translate", json=text_).status_code == 200  # cache hits
    assert client.post("/v1/translate", json={"text": ""}).status_code == 422
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}

    def samples(name: str) -> list[Any]:
        return families[name].samples

    requests = {(s.labels["endpoint"], s.labels["status"]): s.value for s in samples("oversett_requests") if s.name.endswith("_total")}
    assert requests[("/v1/translate", "200")] == 2 and requests[("/v1/translate", "422")] == 1
    assert any(s.name == "oversett_request_seconds_bucket" for s in samples("oversett_request_seconds"))
    assert samples("oversett_segments_translated")[0].value >= 2
    assert samples("oversett_cache_hits")[0].value >= 2 and samples("oversett_cache_misses")[0].value >= 2
    batch = {s.labels.get("le"): s.value for s in samples("oversett_batch_size") if s.name.endswith("_bucket")}
    assert batch["+Inf"] >= 1
    assert {s.labels["queue"] for s in samples("oversett_queue_depth")} == {"admitted", "batcher"}
    loads = {s.labels["role"]: s.value for s in samples("oversett_model_load_seconds")}
    assert loads["translation"] > 0 and "summarization" in loads


def test_client_disconnect_drops_its_queued_work(settings: Settings, detector: Any) -> None:
    """A client that hangs up while its request waits for the model: its sentence is never
    translated (a real server on 127.0.0.1, a raw socket that closes)."""
    import socket as socketlib
    from urllib.parse import urlparse

    from .conftest import serve_in_thread

    services = load_services(settings.model_copy(update={"batch_wait_ms": 1}), detector)
    batcher = services.pipeline.translator
    gate = threading.Event()
    seen: list[str] = []
    original = batcher.inner.translate

    def gated(sentences: list[str], num_beams: int) -> list[str]:
        seen.extend(sentences)
        gate.wait(10)
        return original(sentences, num_beams)

    batcher.inner.translate = gated
    server = serve_in_thread(services)
    url = next(server)
    try:
        port = urlparse(url).port
        holder = threading.Thread(
            target=lambda: __import__("httpx").post(f"{url}/v1/translate", json={"text": "Først ut.", "source_lang": "nb"}, timeout=30)
        )
        holder.start()
        deadline = time.monotonic() + 10
        while "Først ut." not in seen and time.monotonic() < deadline:
            time.sleep(0.02)
        body = json.dumps({"text": "Denne klienten gir opp.", "source_lang": "nb"}).encode()
        with socketlib.create_connection(("127.0.0.1", port)) as raw:
            raw.sendall(
                b"POST /v1/translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
            )
            time.sleep(0.5)  # queued behind the first request
        time.sleep(0.5)  # the server notices the hang-up and cancels
        gate.set()
        holder.join(30)
        time.sleep(0.3)
        assert "Først ut." in seen
        assert "Denne klienten gir opp." not in seen
        assert batcher.pending == 0
    finally:
        gate.set()
        batcher.inner.translate = original
        server.close()
