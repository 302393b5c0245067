"""`POST /v1/translate/stream`: NDJSON, a line per segment in document order as soon as it is
done, cached ones at once, then the whole document; errors before the first line are ordinary
JSON errors, after it a final error line."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.domain.errors import ModelUnavailable


def stream(client: TestClient, body: dict[str, Any]) -> tuple[Any, list[dict[str, Any]]]:
    with client.stream("POST", "/v1/translate/stream", json=body) as response:
        if response.status_code != 200:
            response.read()
            return response, []
        return response, [json.loads(line) for line in response.iter_lines() if line.strip()]


def test_stream_the_seed_in_document_order_then_the_whole_text(client: TestClient, seed_text: str) -> None:
    response, lines = stream(client, {"text": seed_text})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    segments = [line for line in lines if line["type"] == "segment"]
    (document,) = [line for line in lines if line["type"] == "document"]
    assert lines[-1] is document or lines[-1] == document
    assert [s["index"] for s in segments] == list(range(len(segments)))
    assert [s["segment"] for s in segments] == document["translation"]["segments"]
    whole = client.post("/v1/translate", json={"text": seed_text}).json()["translations"][0]
    assert document["translation"]["text"] == whole["text"]  # the same translation, the same layout
    assert document["translation"]["detected"]["lang"] == "nb"


def test_cached_segments_come_at_once(client: TestClient) -> None:
    first = "Det regner i Bergen i dag. Sola skinner i Oslo."
    client.post("/v1/translate", json={"text": first, "source_lang": "nb"})
    _, lines = stream(client, {"text": first + " Vinden kommer fra vest.", "source_lang": "nb"})
    cached = [line["segment"]["cached"] for line in lines if line["type"] == "segment"]
    assert cached == [True, True, False]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": "Die Regierung hat heute den Haushalt vorgestellt. Autofahren wird teurer."}, 422, "unsupported_language"),
        ({"text": ""}, 422, "invalid_request"),
        ({"text": "Hei. " * 40_000}, 413, "input_too_large"),
    ],
)
def test_errors_before_the_first_line_are_json(client: TestClient, body: dict[str, Any], status: int, code: str) -> None:
    response, _ = stream(client, body)
    assert response.status_code == status and response.json()["code"] == code


def test_an_error_after_the_first_line_ends_the_stream_with_an_error_line(
    client: TestClient, services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = services.pipeline
    original = pipeline._translate_checked
    calls = {"n": 0}

    def fails_second_time(units: list[str], beams: int, glossary: Any = None, target: str = "en") -> Any:
        calls["n"] += 1
        if calls["n"] > 1:
            raise ModelUnavailable("translation", "tiny", "OVERSETT_TRANSLATOR", "it went away")
        return original(units, beams, glossary, target)

    monkeypatch.setattr(pipeline, "_translate_checked", fails_second_time)
    text = " ".join(f"Setning nummer {i} kommer her." for i in range(12))
    response, lines = stream(client, {"text": text, "source_lang": "nb"})
    assert response.status_code == 200
    assert lines[0]["type"] == "segment" and lines[-1]["type"] == "error"
    assert lines[-1]["code"] == "model_unavailable" and "went away" in lines[-1]["detail"]
    assert not any(line["type"] == "document" for line in lines)


def test_the_request_timeout_holds_for_the_stream_too(make_services: Any, make_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """OVERSETT_REQUEST_TIMEOUT: a 504 when no line has gone yet; after the first line, an error
    line (code request_timeout) ends the stream, and the work is told to stop."""
    import time

    services = make_services(request_timeout=1.0)
    pipeline = services.pipeline
    original = pipeline._translate_checked
    calls = {"n": 0}

    def slow_after_the_first(units: list[str], beams: int, glossary: Any = None, target: str = "en") -> Any:
        calls["n"] += 1
        if calls["n"] > 1:
            time.sleep(3)
        return original(units, beams, glossary, target)

    monkeypatch.setattr(pipeline, "_translate_checked", slow_after_the_first)
    client = make_client(services)
    text = " ".join(f"Setning nummer {i} kommer her." for i in range(12))
    response, lines = stream(client, {"text": text, "source_lang": "nb"})
    assert response.status_code == 200 and lines[0]["type"] == "segment"
    assert lines[-1]["type"] == "error" and lines[-1]["code"] == "request_timeout"
    assert "longer than 1 s" in lines[-1]["detail"]

    calls["n"] = 1  # every call is slow now: nothing can be sent before the time runs out
    before = client.post("/v1/translate/stream", json={"text": "Det tar tid her også.", "source_lang": "nb"})
    assert before.status_code == 504 and before.json()["code"] == "request_timeout"
