"""Glossaries and model choice from the command line: `oversett glossary add|list|show|delete`,
`oversett translate --glossary/--model` and `oversett batch --glossary/--model`, with the tiny
models, on the service's own database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def env(tiny_models: dict[str, Path], tmp_path: Path) -> dict[str, str]:
    shutil.copytree(tiny_models["translator"], tmp_path / "fast")
    return {**os.environ, "OVERSETT_TRANSLATORS": f"accurate={tiny_models['translator']},fast={tmp_path / 'fast'}",
            "OVERSETT_SUMMARIZER": "none", "OVERSETT_BACKEND": "torch", "OVERSETT_CACHE": "none",
            "OVERSETT_JOBS_DB": str(tmp_path / "service.sqlite3"), "HF_HUB_OFFLINE": "1"}


def oversett(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service", *args], env=env, input=stdin, capture_output=True, text=True, timeout=300)


def test_glossary_commands_and_translate_with_one(env: dict[str, str], tmp_path: Path) -> None:
    table = tmp_path / "nyheter.csv"
    table.write_text("source,target,lang\nStortinget,the Storting,nb\nNato-sjef,NATO Secretary General,\n", encoding="utf-8")
    added = oversett(env, "glossary", "add", "nyheter", str(table), "--keep", "Bakhmut")
    assert added.returncode == 0 and "added nyheter: 2 terms, 1 kept verbatim" in added.stderr
    again = oversett(env, "glossary", "add", "nyheter", str(table))
    assert again.returncode == 2 and "exists" in again.stderr
    assert "--replace" in again.stderr and "PUT" not in again.stderr  # the CLI names its flag, not a route
    assert oversett(env, "glossary", "add", "nyheter", str(table), "--replace").returncode == 0
    assert oversett(env, "glossary", "list").stdout.startswith("nyheter\t2 terms\t0 kept")
    shown = oversett(env, "glossary", "show", "nyheter").stdout.splitlines()
    assert shown[0] == "source\ttarget\tlang" and "Stortinget\tthe Storting\tnb" in shown

    translated = oversett(env, "translate", "--glossary", "nyheter", "--model", "fast", "-",
                          stdin="Stortinget møtes. Stortingets leder og Nato-sjef Jens Stoltenberg talte.")
    assert translated.returncode == 0, translated.stderr
    assert "the Storting" in translated.stdout and "the Storting's" in translated.stdout
    assert "NATO Secretary General" in translated.stdout and "glossary terms applied" in translated.stderr
    unknown = oversett(env, "translate", "--model", "huge", "-", stdin="Hei.")
    assert unknown.returncode == 2 and "accurate, fast" in unknown.stderr

    bad = tmp_path / "bad.csv"
    bad.write_text("NAV,a\nNAV,b\n", encoding="utf-8")
    refused = oversett(env, "glossary", "add", "bad", str(bad))
    assert refused.returncode == 2 and "two English terms" in refused.stderr
    assert "bad" not in oversett(env, "glossary", "list").stdout
    assert oversett(env, "glossary", "delete", "nyheter").returncode == 0
    gone = oversett(env, "glossary", "show", "nyheter")
    assert gone.returncode == 2 and "No glossary named 'nyheter'" in gone.stderr
    assert "`oversett glossary list` lists them" in gone.stderr and "GET" not in gone.stderr


def test_a_reader_that_closes_the_pipe_gets_no_traceback(env: dict[str, str], tmp_path: Path) -> None:
    """`oversett … | head`: the reader goes away while the output is still being written; the
    command stops quietly with the shell's SIGPIPE status, as `yes | head` does."""
    table = tmp_path / "big.csv"
    table.write_text("".join(f"ord{i},word{i}\n" for i in range(5000)), encoding="utf-8")
    assert oversett(env, "glossary", "add", "big", str(table)).returncode == 0
    piped = subprocess.run(
        f"{sys.executable} -m service glossary show big | head -n 2; echo \"status ${{PIPESTATUS[0]}}\" >&2",
        shell=True, executable="/bin/bash", env=env, capture_output=True, text=True, timeout=300,
    )
    assert piped.stdout.splitlines() == ["source\ttarget\tlang", "ord0\tword0\t"]
    assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr, piped.stderr
    assert "status 141" in piped.stderr
