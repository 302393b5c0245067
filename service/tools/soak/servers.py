"""Servers for a soak run on this machine: ``oversett serve`` replicas with the tiny models on
127.0.0.1, and, for more than one, a redis-server they share (state and cache), as in
docker-compose.yml and kubernetes/."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ...domain.errors import OversettError
from ..bench.service import ServiceProcess
from ..ports import free_port, stop
from ..tiny import build_tiny_models


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A redis-server on 127.0.0.1 (append-only, as state must be); its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise OversettError("replicas share state through Redis: install redis-server (apt-get install redis-server)")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise OversettError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        stop(process)


@contextmanager
def tiny_replicas(count: int, work: Path, seeds: Path) -> Iterator[list[str]]:
    """``count`` replicas with the tiny models (sharing Redis when more than one); their URLs."""
    models = build_tiny_models(work / "models", seeds)
    env = {
        "OVERSETT_TRANSLATOR": str(models["translator"]), "OVERSETT_EN_TRANSLATOR": str(models["en_translator"]),
        "OVERSETT_SUMMARIZER": str(models["summarizer"]), "OVERSETT_NUM_BEAMS": "1", "OVERSETT_LOG_LEVEL": "warning",
    }
    with _shared(count, work) as shared:
        replicas = [
            ServiceProcess({**env, "OVERSETT_JOBS_DB": str(work / f"jobs-{i}.sqlite3"),
                            "OVERSETT_CACHE": str(work / f"cache-{i}.sqlite3"), **shared}, work / f"replica-{i}.log")
            for i in range(count)
        ]
        try:
            for replica in replicas:
                replica.wait_ready()
            yield [replica.base for replica in replicas]
        finally:
            for replica in replicas:
                replica.stop()


@contextmanager
def _shared(count: int, work: Path) -> Iterator[dict[str, str]]:
    if count == 1:
        yield {}
        return
    with redis_server(work / "redis") as url:
        yield {"OVERSETT_REDIS_URL": f"{url}/0", "OVERSETT_CACHE": f"{url}/1", "OVERSETT_JOB_LEASE": "10"}
