"""Glossaries and model choice from the command line: `oversett glossary add|list|show|delete`,
`oversett translate --glossary/--model` and `oversett batch --glossary/--model`, with the tiny
models, on the service's own database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SEED_FILE


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


def test_batch_with_a_glossary_and_a_model_records_both(env: dict[str, str], tmp_path: Path) -> None:
    table = tmp_path / "g.tsv"
    table.write_text("Nato-sjef\tNATO Secretary General\nBakhmut\t\n", encoding="utf-8")
    assert oversett(env, "glossary", "add", "g", str(table)).returncode == 0
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(SEED_FILE, source / "seed.txt")
    (source / "notat.md").write_text("# Nato-sjef\n\nNato-sjef Jens Stoltenberg talte.\n", encoding="utf-8")
    run = oversett(env, "batch", str(source), "--out", str(tmp_path / "out"), "--glossary", "g", "--model", "fast")
    assert run.returncode == 0, run.stderr
    entries = [json.loads(line) for line in (tmp_path / "out" / "manifest.jsonl").read_text().splitlines()]
    for entry in entries:
        assert entry["models"]["model"] == "fast" and entry["models"]["glossary"].startswith("g@")
        assert entry["models"]["translator"].endswith("fast")
    assert "NATO Secretary General" in (tmp_path / "out" / "seed.en.txt").read_text()
    heading = (tmp_path / "out" / "notat.en.md").read_text().splitlines()[0]
    assert heading.startswith("# ") and "NATO Secretary General" in heading  # the tiny model loses the placeholder: added
    table.write_text("Nato-sjef\tthe NATO chief\n", encoding="utf-8")
    assert oversett(env, "glossary", "add", "g", str(table), "--replace").returncode == 0
    rerun = oversett(env, "batch", str(source), "--out", str(tmp_path / "out"), "--glossary", "g", "--model", "fast")
    assert "2 done, 0 skipped" in rerun.stderr  # a changed glossary translates again
    assert "the NATO chief" in (tmp_path / "out" / "seed.en.txt").read_text()
