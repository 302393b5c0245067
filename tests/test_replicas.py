"""Replicas that behave as one: a key's rate limit holds across two real `oversett serve`
processes sharing one redis-server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.security import RedisRateLimiter
from service.tools.bench import ServiceProcess

from .conftest import free_port

LIMIT = 5


@pytest.fixture
def two_replicas(redis_server: Any, tiny_models: dict[str, Path], tmp_path: Path) -> Iterator[list[str]]:
    url, _ = redis_server
    replicas = [
        ServiceProcess(
            {
                "OVERSETT_TRANSLATOR": str(tiny_models["translator"]),
                "OVERSETT_SUMMARIZER": "none",
                "OVERSETT_BACKEND": "torch",
                "OVERSETT_CACHE": "none",
                "OVERSETT_JOBS_DB": str(tmp_path / f"jobs-{name}.sqlite3"),
                "OVERSETT_REDIS_URL": url,
                "OVERSETT_API_KEYS": "newsroom-key",
                "OVERSETT_RATE_LIMIT_PER_MINUTE": str(LIMIT),
                "OVERSETT_LOG_LEVEL": "warning",
            },
            tmp_path / f"replica-{name}.log",
        )
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


def test_without_redis_each_replica_limits_on_its_own() -> None:
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0", per_minute=60, burst=2)
    assert [limiter.retry_after("key") is None for _ in range(3)] == [True, True, False]
