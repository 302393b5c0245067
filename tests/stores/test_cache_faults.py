"""The cache must never cost a request: damaged SQLite files and a stopped Redis."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from service.stores.cache import RedisCache, SQLiteCache

BODY = {"text": "Det regner i Bergen i dag. Sola skinner i Oslo.", "source_lang": "nb"}


def _cached(response: Any) -> list[bool]:
    assert response.status_code == 200, response.text
    return [s["cached"] for s in response.json()["translations"][0]["segments"]]


def test_corrupted_cache_file_is_moved_aside(make_client: Any, tmp_path: Path, caplog: Any) -> None:
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with caplog.at_level(logging.WARNING):
        client = make_client(cache=str(path))
        assert _cached(client.post("/v1/translate", json=BODY)) == [False, False]
        assert _cached(client.post("/v1/translate", json=BODY)) == [True, True]
    assert list(tmp_path.glob("cache.sqlite3.corrupt-*"))
    assert any("damaged" in r.getMessage() for r in caplog.records)


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


def test_redis_is_shared_by_replicas(make_services: Any, make_client: Any, redis_server: Any) -> None:
    url, _ = redis_server
    replica_a = make_services(cache=url)
    replica_b = make_services(cache=url)
    assert isinstance(replica_a.pipeline.cache, RedisCache)
    assert _cached(make_client(replica_a).post("/v1/translate", json=BODY)) == [False, False]
    assert _cached(make_client(replica_b).post("/v1/translate", json=BODY)) == [True, True]


def test_requests_succeed_when_redis_stops(
    make_services: Any, make_client: Any, redis_server: Any, caplog: Any
) -> None:
    url, process = redis_server
    services = make_services(cache=url)
    client = make_client(services)
    assert _cached(client.post("/v1/translate", json=BODY)) == [False, False]
    process.terminate()
    process.wait(10)
    with caplog.at_level(logging.ERROR, logger="service.stores.cache"):
        for i in range(5):
            response = client.post("/v1/translate", json={**BODY, "text": f"Ny setning nummer {i}."})
            assert _cached(response) == [False]
    errors = [r for r in caplog.records if "Redis cache" in r.getMessage()]
    assert len(errors) == 1  # once per interval, not once per request
    assert services.pipeline.cache.errors >= 10  # every get and set failed, quietly
