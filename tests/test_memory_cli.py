"""Translation memories from the command line with the tiny model: `oversett memory
add|import|export|list|delete`, `translate --memory`, and the post-editing round trip a translator
makes: `translate doc.docx --xliff` → targets changed in the XLIFF → `memory import` → `translate
--memory` gives the corrected document; a batch run's manifest counts the memory's sentences."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.tools import samples


@pytest.fixture
def env(tiny_models: dict[str, Path], tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "OVERSETT_TRANSLATOR": str(tiny_models["translator"]), "OVERSETT_EN_TRANSLATOR": str(tiny_models["en_translator"]), "OVERSETT_SUMMARIZER": "none",
            "OVERSETT_BACKEND": "torch", "OVERSETT_CACHE": "none", "OVERSETT_JOBS_DB": str(tmp_path / "service.sqlite3"),
            "HF_HUB_OFFLINE": "1"}


def oversett(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_memory_commands_and_translate_with_one(env: dict[str, str], tmp_path: Path) -> None:
    added = oversett(env, "memory", "add", "desk", "Det regner i Bergen i dag.", "It is raining in Bergen today.")
    assert added.returncode == 0 and "desk: 1 added" in added.stderr
    (tmp_path / "tekst.txt").write_text("Det regner i Bergen i dag.\n", encoding="utf-8")
    used = oversett(env, "translate", str(tmp_path / "tekst.txt"), "--memory", "desk")
    assert used.returncode == 0, used.stderr
    assert used.stdout == "It is raining in Bergen today.\n"
    missing = oversett(env, "translate", str(tmp_path / "tekst.txt"), "--memory", "nowhere")
    assert missing.returncode != 0 and "No translation memory named 'nowhere'" in missing.stderr
    exported = oversett(env, "memory", "export", "desk", "--out", str(tmp_path / "desk.tmx"))
    assert exported.returncode == 0 and b"<seg>It is raining in Bergen today.</seg>" in (tmp_path / "desk.tmx").read_bytes()
    conflict = (tmp_path / "desk.tmx").read_text(encoding="utf-8").replace("It is raining", "It rains")
    (tmp_path / "other.tmx").write_text(conflict, encoding="utf-8")
    refused = oversett(env, "memory", "import", "desk", str(tmp_path / "other.tmx"))
    assert refused.returncode != 0 and "nothing was stored" in refused.stderr
    assert "--on-conflict replace" in refused.stderr and "on_conflict=" not in refused.stderr
    replaced = oversett(env, "memory", "import", "desk", str(tmp_path / "other.tmx"), "--on-conflict", "replace")
    assert replaced.returncode == 0 and "1 updated" in replaced.stderr
    listed = oversett(env, "memory", "list", "desk").stdout.splitlines()
    # the file's own origin of the unit (an oversett export says correction) is kept, as its author and times are
    assert len(listed) == 1 and listed[0].split("\t")[1:4] == ["Det regner i Bergen i dag.", "It rains in Bergen today.", "correction"]
    assert oversett(env, "memory", "list").stdout == "desk\t1 entries\n"
    entry_id = listed[0].split("\t")[0]
    assert oversett(env, "memory", "delete", "desk", "--id", entry_id).returncode == 0
    assert oversett(env, "memory", "list").stdout == ""


def test_post_editing_a_document_through_xliff_corrects_it(env: dict[str, str], tmp_path: Path) -> None:
    import docx
    from lxml import etree

    (tmp_path / "nyhet.docx").write_bytes(samples.news_docx(paragraphs=2))
    first = oversett(env, "translate", "nyhet.docx", "--xliff", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "nyhet.en.docx").is_file() and "segments for post-editing" in first.stderr
    root = etree.parse(str(tmp_path / "nyhet.docx.xlf"))
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    heading = next(s for s in root.iterfind(".//x:segment", ns) if "".join(s.find("x:source", ns).itertext()) == "Regjeringen la fram statsbudsjettet")
    heading.find("x:target", ns).text = "The government presented the national budget"
    root.write(str(tmp_path / "nyhet.docx.xlf"), xml_declaration=True, encoding="UTF-8")
    imported = oversett(env, "memory", "import", "desk", "nyhet.docx.xlf", cwd=tmp_path)
    assert imported.returncode == 0 and "1 added" in imported.stderr
    again = oversett(env, "translate", "nyhet.docx", "--memory", "desk", "--out", "nyhet.rettet.docx", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    document = docx.Document(str(tmp_path / "nyhet.rettet.docx"))
    assert document.paragraphs[0].text == "The government presented the national budget"
    assert document.paragraphs[0].style.name == "Heading 1"


def test_a_batch_manifest_counts_the_memory_sentences(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Det regner i Bergen i dag. Sola skinner i Tromsø.\n", encoding="utf-8")
    assert oversett(env, "memory", "add", "desk", "Det regner i Bergen i dag.", "It is raining in Bergen today.").returncode == 0
    done = oversett(env, "batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--memory", "desk")
    assert done.returncode == 0, done.stderr
    (entry,) = [json.loads(line) for line in (tmp_path / "out" / "manifest.jsonl").read_text().splitlines()]
    assert entry["memory_hits"] == 1 and entry["models"]["memory"] == "desk"
    assert (tmp_path / "out" / "a.en.txt").read_text().startswith("It is raining in Bergen today.")
    assert oversett(env, "memory", "add", "desk", "Sola skinner i Tromsø.", "The sun shines in Tromsø.").returncode == 0
    again = oversett(env, "batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--memory", "desk")
    assert again.returncode == 0 and again.stderr.rstrip().splitlines()[-1].startswith("1 done, 0 skipped"), again.stderr  # the memory changed
    entries = [json.loads(line) for line in (tmp_path / "out" / "manifest.jsonl").read_text().splitlines()]
    assert entries[-1]["memory_hits"] == 2


def test_memory_add_takes_english_into_bokmal_or_nynorsk(env: dict[str, str], tmp_path: Path) -> None:
    added = oversett(env, "memory", "add", "desk", "The budget is ready.", "Budsjettet er klart.", "--to", "nb")
    assert added.returncode == 0, added.stderr
    exported = oversett(env, "memory", "export", "desk")
    assert '<tu srclang="en"' in exported.stdout and '<tuv xml:lang="nb">' in exported.stdout
    (tmp_path / "story.txt").write_text("The budget is ready.\n", encoding="utf-8")
    used = oversett(env, "translate", str(tmp_path / "story.txt"), "--to", "nb", "--memory", "desk")
    assert used.returncode == 0 and used.stdout == "Budsjettet er klart.\n", used.stderr
    wrong = oversett(env, "memory", "add", "desk", "Hei.", "Hallo.", "--to", "de")
    assert wrong.returncode == 2 and "oversett does not translate into 'de'" in wrong.stderr
