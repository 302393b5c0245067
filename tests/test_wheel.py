"""The package as users install it: the wheel is built, installed without ``-e`` into a fresh
virtualenv, and ``oversett serve`` from that install answers ``/ready`` and translates with the tiny
models. A subpackage missing from the wheel (as service.formats once was) fails here."""

from __future__ import annotations

import importlib.util
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from service.tools.bench import ServiceProcess

from .conftest import REPO

LEFT_OUT = (".git", "build", "dist", "*.egg-info", "__pycache__", ".venv", "test-artifacts", "results", "node_modules")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # From a clean copy of the checkout: a build/ folder left by an earlier build would hide a
    # package that is no longer found.
    source = out / "source"
    shutil.copytree(REPO, source, symlinks=True, ignore=shutil.ignore_patterns(*LEFT_OUT))
    # Build like `pip wheel .`; without isolation when setuptools is here already (no download).
    isolation = [] if importlib.util.find_spec("setuptools") is None else ["--no-build-isolation"]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", *isolation, "--wheel-dir", str(out), str(source)],
        check=True, timeout=600, cwd=out,
    )
    (built,) = out.glob("oversett-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel installed (no ``-e``). Its dependencies come from this
    environment's site-packages through a .pth line, which adds the folder but runs none of its
    .pth files: this checkout's editable finder stays out, so ``service`` is the wheel's."""
    home = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(home)], check=True, timeout=300)
    (purelib,) = (home / "lib").glob("python3*/site-packages")
    (purelib / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    subprocess.run(
        [str(home / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
        check=True, timeout=600,
    )
    return home


def test_the_wheel_carries_every_package_and_its_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for init in REPO.joinpath("service").rglob("__init__.py"):
        assert str(init.relative_to(REPO)) in names, f"{init.relative_to(REPO)} is not in the wheel"
    for data in (
        "service/http/static/index.html",
        "service/domain/checks/data/norwegian_case.txt",
        "service/backends/prompt_templates/medium.txt",
        "eval/data/flores200-devtest/nob.txt",
    ):
        assert data in names, data


def test_oversett_serve_from_the_wheel_is_ready_and_translates(
    venv: Path, tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    python = str(venv / "bin" / "python")
    where = subprocess.run(
        [python, "-c", "import service; print(service.__file__)"],
        cwd=elsewhere, capture_output=True, text=True, check=True, env={"PATH": os.environ["PATH"]},
    ).stdout.strip()
    assert Path(where).is_relative_to(venv), where  # the wheel's copy, not the checkout
    env = {
        "OVERSETT_TRANSLATOR": str(tiny_models["translator"]), "OVERSETT_EN_TRANSLATOR": str(tiny_models["en_translator"]),
        "OVERSETT_SUMMARIZER": str(tiny_models["summarizer"]),
        "OVERSETT_NUM_BEAMS": "1",
        "OVERSETT_CACHE": str(tmp_path / "cache.sqlite3"),
        "OVERSETT_JOBS_DB": str(tmp_path / "jobs.sqlite3"),
        "OVERSETT_CT2_CACHE": str(tmp_path / "ctranslate2"),
        "HF_HUB_OFFLINE": "1",
    }
    service = ServiceProcess(env, tmp_path / "service.log", cwd=elsewhere, program=[str(venv / "bin" / "oversett")])
    try:
        service.wait_ready(timeout=180)
        assert httpx.get(f"{service.base}/ready", timeout=10).status_code == 200
        translated = httpx.post(
            f"{service.base}/v1/translate", json={"text": "Det regner i Bergen. Vi blir hjemme."}, timeout=60
        )
        assert translated.status_code == 200, translated.text
        (document,) = translated.json()["translations"]
        assert document["text"].strip() and len(document["segments"]) == 2
        page = httpx.get(f"{service.base}/", timeout=10)
        assert page.status_code == 200 and "<html" in page.text.lower()
    finally:
        service.stop()
