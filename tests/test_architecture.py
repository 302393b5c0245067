"""The import contracts hold, and they are not toothless: a copy of the package with a layer
broken on purpose fails ``lint-imports``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"]


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LINT, "--no-cache"], cwd=root, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )


def test_the_contracts_are_kept() -> None:
    result = lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for folder in ("service", "eval"):
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("usecases/pipeline", "import torch", "no heavy library"),
        ("usecases/pipeline", "from ..config import Settings", "no settings"),
        ("usecases/jobs", "import sqlite3", "no heavy library"),
        ("domain/errors", "from . import glossary", "No import cycles"),
        ("domain/text", "from ..usecases import pipeline", "Layers"),
        ("compose/services", "from ..http import app", "Layers"),
        ("usecases/summaries", "from ..tools import bench", "development tools"),
        ("domain/extractive", "from ..stores import cache", "Layers"),
        ("backends/translators", "from ..stores import cache", "Layers"),
        ("http/routes/translate", "from ...backends import translators", "HTTP edge"),
    ],
)
def test_breaking_a_layer_fails_the_lint(copy: Path, module: str, line: str, contract: str) -> None:
    path = copy / "service" / f"{module}.py"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = lint(copy)
    assert result.returncode != 0, result.stdout
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(contract in row for row in broken), result.stdout
