"""A non-editable install works from anywhere: the package is built and installed like a
user's ``pip install .`` (into its own folder, dependencies from this environment), then served
from another directory; the summary prompt templates are found inside the installed package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from service.tools.bench import ServiceProcess
from service.tools.tiny import build_tiny_t5_summarizer, seed_lines

from .conftest import REPO, SEEDS


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(REPO)],
        check=True, timeout=600,
    )
    return target


def test_installed_package_carries_its_prompts_and_data(installed: Path) -> None:
    assert sorted(p.name for p in (installed / "service" / "backends" / "prompt_templates").glob("*.txt")) == [
        "long.txt", "medium.txt", "short.txt",
    ]
    assert (installed / "service" / "http" / "static" / "index.html").is_file()
    assert (installed / "service" / "formats" / "docx.py").is_file()
    assert (installed / "eval" / "data" / "flores200-devtest" / "nob.txt").is_file()


def test_installed_service_serves_and_summarises_with_prompts(
    installed: Path, tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    t5 = build_tiny_t5_summarizer(tmp_path / "t5", seed_lines(SEEDS))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        "PYTHONPATH": str(installed),
        "OVERSETT_TRANSLATOR": str(tiny_models["translator"]),
        "OVERSETT_SUMMARIZER": str(t5),
        "OVERSETT_NUM_BEAMS": "1",
        "OVERSETT_CACHE": "none",
        "OVERSETT_JOBS_DB": str(tmp_path / "jobs.sqlite3"),
        "OVERSETT_CT2_CACHE": str(tmp_path / "ctranslate2"),
    }
    where = subprocess.run(
        [sys.executable, "-c", "import service, sys; print(service.__file__)"],
        cwd=elsewhere, env={**os.environ, **env}, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed)  # the installed copy, not the checkout
    service = ServiceProcess(env, tmp_path / "service.log", cwd=elsewhere)
    base = service.base
    try:
        service.wait_ready(timeout=120)
        models = httpx.get(f"{base}/v1/models", timeout=10).json()
        assert models["summarizer"]["loaded"] and models["summarizer"]["prompts"] is True
        # No backend setting: the fast path, the translator converted to CTranslate2 on first start.
        assert models["translator"]["backend"] == "ctranslate2"
        assert any((tmp_path / "ctranslate2").glob("*/model.bin"))
        text = (SEEDS / "000_ce698dbb45a80c69.txt").read_text(encoding="utf-8")
        summary = httpx.post(
            f"{base}/v1/summarize", json={"text": text, "method": "abstractive"}, timeout=120
        )
        assert summary.status_code == 200, summary.text
        assert summary.json()["method"] == "abstractive" and summary.json()["summary"]
        translated = httpx.post(f"{base}/v1/translate", json={"text": "Det regner i Bergen."}, timeout=60)
        assert translated.status_code == 200, translated.text
    finally:
        service.stop()
