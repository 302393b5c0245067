"""The cache must never cost a request: damaged SQLite files and a stopped Redis."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.cache import RedisCache, SQLiteCache
from service.config import Settings
from service.services import load_services

BODY = {"text": "Det regner i Bergen i dag. Sola skinner i Oslo.", "source_lang": "nb"}


def _cached(response: Any) -> list[bool]:
    assert response.status_code == 200, response.text
    return [s["cached"] for s in response.json()["translations"][0]["segments"]]


def test_corrupted_cache_file_is_moved_aside(settings: Settings, detector: Any, tmp_path: Path, caplog: Any) -> None:
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    services = load_services(settings.model_copy(update={"cache": str(path)}), detector)
    try:
        with caplog.at_level(logging.WARNING), TestClient(create_app(services=services)) as client:
            assert _cached(client.post("/v1/translate", json=BODY)) == [False, False]
            assert _cached(client.post("/v1/translate", json=BODY)) == [True, True]
        assert list(tmp_path.glob("cache.sqlite3.corrupt-*"))
        assert any("damaged" in r.getMessage() for r in caplog.records)
    finally:
        services.close()


def test_cache_damaged_while_running(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    cache = SQLiteCache(path)
    cache.set_many({"a": "1"})
    cache._db.close()  # simulate another process clobbering the file under us
    path.write_bytes(b"\x00garbage" * 4096)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    cache._db = __import__("sqlite3").connect(path, check_same_thread=False)
    assert cache.get_many(["a"]) == {}  # no exception: moved aside, recreated
    cache.set_many({"b": "2"})
    assert cache.get_many(["b"]) == {"b": "2"}
    assert list(tmp_path.glob("cache.sqlite3.corrupt-*"))
    cache.close()


# --- Redis ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server; .ci/run does this)")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    yield url, process
    process.terminate()
    process.wait(10)


def test_redis_is_shared_by_replicas(settings: Settings, detector: Any, redis_server: Any) -> None:
    url, _ = redis_server
    replica_a = load_services(settings.model_copy(update={"cache": url}), detector)
    replica_b = load_services(settings.model_copy(update={"cache": url}), detector)
    try:
        assert isinstance(replica_a.pipeline.cache, RedisCache)
        with TestClient(create_app(services=replica_a)) as a:
            assert _cached(a.post("/v1/translate", json=BODY)) == [False, False]
        with TestClient(create_app(services=replica_b)) as b:
            assert _cached(b.post("/v1/translate", json=BODY)) == [True, True]
    finally:
        replica_a.close()
        replica_b.close()


def test_requests_succeed_when_redis_stops(settings: Settings, detector: Any, redis_server: Any, caplog: Any) -> None:
    url, process = redis_server
    services = load_services(settings.model_copy(update={"cache": url}), detector)
    try:
        with TestClient(create_app(services=services)) as client:
            assert _cached(client.post("/v1/translate", json=BODY)) == [False, False]
            process.terminate()
            process.wait(10)
            with caplog.at_level(logging.ERROR, logger="service.cache"):
                for i in range(5):
                    response = client.post("/v1/translate", json={**BODY, "text": f"Ny setning nummer {i}."})
                    assert _cached(response) == [False]
            errors = [r for r in caplog.records if "Redis cache" in r.getMessage()]
            assert len(errors) == 1  # once per interval, not once per request
            assert services.pipeline.cache.errors >= 10  # every get and set failed, quietly
    finally:
        services.close()
