"""Shared fixtures: tiny models built once per test session, settings and app clients."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from service.compose.services import Services, load_services
from service.config import Settings
from service.domain.langid import LanguageDetector
from service.http.app import create_app
from service.tools.bench import free_port
from service.tools.tiny import build_tiny_models

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_FILE = SEEDS / "000_ce698dbb45a80c69.txt"


@pytest.fixture(autouse=True)
def _private_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the user's cache or job database, whatever Settings they build."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("OVERSETT_JOBS_DB", str(state / "jobs.sqlite3"))
    monkeypatch.setenv("OVERSETT_CACHE", "none")
    monkeypatch.setenv("OVERSETT_CT2_CACHE", str(state / "ctranslate2"))


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_tiny_models(tmp_path_factory.mktemp("tiny-models"), SEEDS)


@pytest.fixture(scope="session")
def detector() -> LanguageDetector:
    return LanguageDetector()


def tiny_settings(tiny_models: dict[str, Path], state: Path, **overrides: Any) -> Settings:
    """Settings for the tiny models, with cache and job database under ``state``. The backend
    is torch unless a test asks otherwise (many tests watch torch's ``generate``); the default,
    CTranslate2 converted on first load, has tests of its own (test_ctranslate2.py)."""
    values: dict[str, Any] = {
        "translator": str(tiny_models["translator"]),
        "en_translator": str(tiny_models["en_translator"]),
        "summarizer": str(tiny_models["summarizer"]),
        "cache": str(state / "cache.sqlite3"),
        "jobs_db": state / "jobs.sqlite3",
        "ct2_cache": state / "ctranslate2",
        "num_beams": 1,
        "backend": "torch",
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


@pytest.fixture
def settings(tiny_models: dict[str, Path], tmp_path: Path) -> Settings:
    return tiny_settings(tiny_models, tmp_path)


@pytest.fixture
def services(settings: Settings, detector: LanguageDetector):  # type: ignore[no-untyped-def]
    loaded = load_services(settings, detector)
    yield loaded
    loaded.close()


@pytest.fixture
def client(services) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(services=services)) as test_client:
        yield test_client


@pytest.fixture
def make_services(settings: Settings, detector: LanguageDetector) -> Iterator[Callable[..., Services]]:
    """Services for the tiny models with some settings changed; closed after the test."""
    made: list[Services] = []

    def make(**overrides: Any) -> Services:
        loaded = load_services(settings.model_copy(update=overrides), detector)
        made.append(loaded)
        return loaded

    yield make
    for loaded in made:
        loaded.close()


@pytest.fixture
def make_client(make_services: Callable[..., Services]) -> Iterator[Callable[..., TestClient]]:
    """A started TestClient on given services, or on new ones with settings changed; closed
    (before its services) after the test."""
    with ExitStack() as stack:

        def make(services: Services | None = None, **overrides: Any) -> TestClient:
            app = create_app(services=services or make_services(**overrides))
            return stack.enter_context(TestClient(app))

        yield make


def serve_in_thread(services: Any) -> Iterator[str]:
    """A real uvicorn serving ``services`` on 127.0.0.1 until the generator is closed."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(services=services), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        services.close()


def translator_backend(services: Any) -> Any:
    """The backend (torch or CTranslate2) behind the pipeline's dynamic batcher, if any."""
    translator = services.pipeline.translator
    return getattr(translator, "inner", translator)


def spy_translate(services: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every sentence the pipeline sends to the translator (first tries only, not the
    cautious retries of flagged sentences)."""
    translator = services.pipeline.translator
    seen: list[str] = []
    original = translator.translate_scored

    def spy(sentences: list[str], decoding: Any) -> list[Any]:
        if not decoding.cautious:
            seen.extend(sentences)
        return original(sentences, decoding)

    monkeypatch.setattr(translator, "translate_scored", spy)
    return seen


class RedisServer:
    """A redis-server on 127.0.0.1 that a test can stop and start again on the same port; with
    ``persistent`` it keeps its data across the restart (append-only file), as a job store must."""

    def __init__(self, directory: Path, *, persistent: bool = False) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (apt-get install redis-server; .ci/run does this)")
        self.binary = binary
        self.directory = directory
        self.persistent = persistent
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.persistent else ["--appendonly", "no"]
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", *persistence,
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    server = RedisServer(tmp_path)
    server.start()
    assert server.process is not None
    yield server.url, server.process
    server.stop()


@pytest.fixture
def persistent_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis", persistent=True)
    server.directory.mkdir()
    server.start()
    yield server
    server.stop()
