"""Shared fixtures: tiny models built once per test session, settings and app clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api import create_app, load_services
from service.config import Settings
from service.langid import LanguageDetector
from service.tiny import build_tiny_models

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_FILE = SEEDS / "000_ce698dbb45a80c69.txt"


@pytest.fixture(autouse=True)
def _private_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the user's cache or job database, whatever Settings they build."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("OVERSETT_JOBS_DB", str(state / "jobs.sqlite3"))
    monkeypatch.setenv("OVERSETT_CACHE", "none")


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_tiny_models(tmp_path_factory.mktemp("tiny-models"), SEEDS)


@pytest.fixture(scope="session")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.fixture
def settings(tiny_models: dict[str, Path], tmp_path: Path) -> Settings:
    return Settings(
        translator=str(tiny_models["translator"]),
        summarizer=str(tiny_models["summarizer"]),
        cache=str(tmp_path / "cache.sqlite3"),
        jobs_db=tmp_path / "jobs.sqlite3",
        num_beams=1,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def services(settings: Settings, detector: LanguageDetector):  # type: ignore[no-untyped-def]
    loaded = load_services(settings, detector)
    yield loaded
    loaded.close()


@pytest.fixture
def client(services) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(services=services)) as test_client:
        yield test_client
