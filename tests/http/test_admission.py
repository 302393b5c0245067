"""Backpressure and cancellation: overload answers 503 and recovers, slow work times out,
and work whose client went away never reaches the model."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def test_overload_gets_503_with_retry_after_then_recovers(make_services: Any, make_client: Any) -> None:
    services = make_services(max_pending=2, batch_wait_ms=50)
    translator = services.pipeline.translator
    original = translator.inner.translate_scored

    def slow(sentences: list[str], decoding: Any) -> list[Any]:
        time.sleep(0.3)  # a model busier than the tiny one
        return original(sentences, decoding)

    translator.inner.translate_scored = slow
    try:
        client = make_client(services)
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
        translator.inner.translate_scored = original
        after = client.post("/v1/translate", json={"text": "Nå går det bra.", "source_lang": "nb"})
        assert after.status_code == 200
    finally:
        translator.inner.translate_scored = original


def test_request_timeout(make_services: Any, make_client: Any) -> None:
    services = make_services(request_timeout=0.3)
    translator = services.pipeline.translator
    original = translator.inner.translate_scored
    translator.inner.translate_scored = lambda s, d: (time.sleep(1.0), original(s, d))[1]
    try:
        response = make_client(services).post("/v1/translate", json={"text": "Det tar tid.", "source_lang": "nb"})
        assert response.status_code == 504 and "longer than 0.3 s" in response.json()["detail"]
    finally:
        translator.inner.translate_scored = original


def test_cancelled_work_never_reaches_the_model(services: Any) -> None:
    """A request cancelled while queued at the batcher is dropped, not translated."""
    from service.domain.cancel import cancellable
    from service.domain.errors import Cancelled

    batcher = services.pipeline.translator
    gate = threading.Event()
    seen: list[list[str]] = []
    original = batcher.inner.translate_scored

    def gated(sentences: list[str], decoding: Any) -> list[Any]:
        seen.append(list(sentences))
        gate.wait(5)
        return original(sentences, decoding)

    batcher.inner.translate_scored = gated
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
        batcher.inner.translate_scored = original


def test_client_disconnect_drops_its_queued_work(make_services: Any) -> None:
    """A client that hangs up while its request waits for the model: its sentence is never
    translated (a real server on 127.0.0.1, a raw socket that closes)."""
    import socket as socketlib
    from urllib.parse import urlparse

    from ..conftest import serve_in_thread

    services = make_services(batch_wait_ms=1)
    batcher = services.pipeline.translator
    gate = threading.Event()
    seen: list[str] = []
    original = batcher.inner.translate_scored

    def gated(sentences: list[str], decoding: Any) -> list[Any]:
        seen.extend(sentences)
        gate.wait(10)
        return original(sentences, decoding)

    batcher.inner.translate_scored = gated
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
        batcher.inner.translate_scored = original
        server.close()
