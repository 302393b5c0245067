"""The HTTP edge: API keys, rate limits and request ids."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.config import Settings
from service.http.app import create_app


def test_api_keys(make_client: Any, tmp_path: Path) -> None:
    keys_file = tmp_path / "keys"
    keys_file.write_text(
        "# newsroom\n" + hashlib.sha256(b"filed-key").hexdigest() + "\n", encoding="utf-8"
    )
    body = {"text": "Det regner i Bergen.", "source_lang": "nb"}
    client = make_client(api_keys="plain-key", api_keys_file=keys_file)
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
    from service.domain.errors import ConfigurationError

    bad = tmp_path / "keys"
    bad.write_text("not-a-digest\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="line 1"):
        create_app(settings.model_copy(update={"api_keys_file": bad}))


def test_rate_limit_per_key(make_client: Any) -> None:
    client = make_client(api_keys="k1,k2", rate_limit_per_minute=3)
    k1 = {"X-API-Key": "k1"}
    statuses = [client.get("/v1/models", headers=k1).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited_response = client.get("/v1/models", headers=k1)
    assert limited_response.status_code == 429
    assert int(limited_response.headers["Retry-After"]) >= 1
    assert "try again" in limited_response.json()["detail"]
    assert client.get("/v1/models", headers={"X-API-Key": "k2"}).status_code == 200  # per key
    assert client.get("/health").status_code == 200  # never limited


def test_request_id_is_echoed(client: TestClient) -> None:
    given = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/health")
    assert len(made.headers["X-Request-ID"]) == 32
    for hostile in ("x" * 300, "two words", "semi;colon"):
        echoed = client.get("/health", headers={"X-Request-ID": hostile}).headers["X-Request-ID"]
        assert echoed != hostile and len(echoed) == 32  # replaced, never reflected
