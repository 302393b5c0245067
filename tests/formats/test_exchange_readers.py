"""What oversett writes for CAT tools, read by libraries nobody here wrote: translate-toolkit (the
library behind Pootle and Weblate; GPL, so it runs in a virtualenv of its own as a separate
process and is never a dependency) and the npm `xliff` package (MIT; it reads XLIFF, not TMX).
Every TMX and XLIFF file oversett writes, in both directions, is read back by them; a translator's
edits made with translate-toolkit come back into the document through a memory; TMX files
translate-toolkit writes are imported and used. The official TMX and XLIFF schemas cannot be
fetched here, so these readers are the check."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pytest

from service.domain.memory import MemoryEntry
from service.formats.tmx import tmx_of
from service.tools import samples

from ..conftest import REPO
from .test_exchange import EVERY_DIRECTION

FIXTURES = REPO / "tests" / "fixtures"
TOOLKIT = "translate-toolkit==3.20.4"
XLIFF_JS = "xliff@6.4.0"


@pytest.fixture(scope="module")
def toolkit(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Any]:
    """translate-toolkit in a virtualenv of its own; runs tests/fixtures/toolkit_reader.py there."""
    home = tmp_path_factory.mktemp("translate-toolkit") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(home)], check=True, timeout=300)
    python = str(home / "bin" / "python")
    installed = subprocess.run([python, "-m", "pip", "install", "--quiet", TOOLKIT], capture_output=True, text=True, timeout=900)
    if installed.returncode != 0:
        pytest.fail(f"translate-toolkit could not be installed from the package index: {installed.stderr[-2000:]}")

    def run(*args: str) -> Any:
        done = subprocess.run([python, str(FIXTURES / "toolkit_reader.py"), *args], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else None

    return run


@pytest.fixture(scope="module")
def xliff_js(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str, Path], Any]]:
    """The npm `xliff` package, installed from the npm registry; reads XLIFF 2.0 or 1.2."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not installed (Node.js 20 with npm is part of the test machine)")
    folder = tmp_path_factory.mktemp("xliff-js")
    (folder / "package.json").write_text('{"name": "reader", "private": true, "type": "module"}', encoding="utf-8")
    installed = subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", XLIFF_JS], cwd=folder,
                               capture_output=True, text=True, timeout=600)
    if installed.returncode != 0:
        pytest.fail(f"the npm xliff package could not be installed: {installed.stderr[-2000:]}")
    shutil.copy(FIXTURES / "xliff_reader.mjs", folder / "reader.mjs")

    def read(version: str, path: Path) -> Any:
        done = subprocess.run(["node", "reader.mjs", version, str(path)], cwd=folder, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    yield read


def test_translate_toolkit_reads_a_memory_export_in_every_direction(toolkit: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "desk.tmx"
    path.write_bytes(tmx_of(EVERY_DIRECTION))
    read = toolkit("read", str(path))
    assert read["kind"] == "tmxfile" and read["source_language"] == "*all*"  # the units go several ways
    for unit, entry in zip(read["units"], EVERY_DIRECTION, strict=True):
        assert unit["languages"] == [entry.source_lang, entry.target_lang]  # the source first, in its language
        assert (unit["source"].strip(), unit["target"].strip()) == (
            entry.source.replace("QY1 ", "").replace(" QY2", ""), entry.target.replace("QY1 ", "").replace(" QY2", ""))
        assert "QY" not in unit["source"] + unit["target"]
        assert unit["codes"] == entry.source.count("QY")  # the markup is TMX's own codes
    one_way = tmp_path / "nb.tmx"
    one_way.write_bytes(tmx_of([MemoryEntry("It is raining.", "Det regner.", "nb", "en")]))
    assert toolkit("read", str(one_way))["source_language"] == "en"


def _document_xliff(client: Any, version: str, english: bool) -> bytes:
    if english:
        data = samples.docx_of(["The budget is ready.", "It rains in Bergen."])
        form = {"xliff": version, "target_lang": "nn", "source_lang": "en"}
    else:
        data, form = samples.news_docx(paragraphs=2), {"xliff": version}
    answer = client.post("/v1/translate/document", files={"file": ("doc.docx", data)}, data=form)
    assert answer.status_code == 200, answer.text
    return answer.content  # type: ignore[no-any-return]


@pytest.mark.parametrize("version", ["2.0", "1.2"])
@pytest.mark.parametrize("english", [False, True], ids=["nb-en", "en-nn"])
def test_both_readers_read_every_xliff_oversett_writes(
    client: Any, toolkit: Callable[..., Any], xliff_js: Callable[[str, Path], Any], tmp_path: Path, version: str, english: bool
) -> None:
    path = tmp_path / "doc.docx.xlf"
    path.write_bytes(_document_xliff(client, version, english))
    source, target = ("en", "nn") if english else ("nb", "en")
    read = toolkit("read", str(path))
    assert (read["source_language"], read["target_language"]) == (source, target)
    assert read["units"] and all(u["source"].strip() and u["target"].strip() for u in read["units"])
    assert not any("QY" in u["source"] + u["target"] for u in read["units"])
    js = xliff_js(version, path)
    assert (js["sourceLanguage"], js["targetLanguage"]) == (source, target)
    units = [u for resource in js["resources"].values() for u in resource.values()]
    assert len(units) == len(read["units"])
    if not english:  # the Word file's bold run is a standalone code to both readers, never text
        coded = [u for u in units if isinstance(u["source"], list)]
        assert coded and all(isinstance(part, str) or "Standalone" in part for u in coded for part in u["source"])
        assert not any("QY" in json.dumps(u, ensure_ascii=False) for u in units)


def test_a_translators_edits_in_translate_toolkit_come_back_into_the_document(
    client: Any, toolkit: Callable[..., Any], tmp_path: Path
) -> None:
    source = samples.news_docx(paragraphs=2)
    xlf = tmp_path / "nyhet.docx.xlf"
    xlf.write_bytes(client.post("/v1/translate/document", files={"file": ("nyhet.docx", source)}, data={"xliff": "2.0"}).content)
    units = toolkit("read", str(xlf))["units"]
    cell = next(u for u in units if u["source"] == "Område")
    coded = next(u for u in units if u["codes"])  # a sentence with a bold run: inline codes around its words
    edits = {cell["source"]: [cell["target"], "Area (edited)"], coded["source"]: [coded["target"].split()[0], "EDITED"]}
    (tmp_path / "edits.json").write_text(json.dumps(edits, ensure_ascii=False), encoding="utf-8")
    toolkit("edit", str(xlf), str(tmp_path / "edited.xlf"), str(tmp_path / "edits.json"))
    imported = client.post("/v1/memories/desk/import", files={"file": ("edited.xlf", (tmp_path / "edited.xlf").read_bytes())})
    assert imported.status_code == 200 and imported.json()["added"] == 2, imported.text
    again = client.post("/v1/translate/document", files={"file": ("nyhet.docx", source)}, data={"memory": "desk"})
    assert again.headers["x-oversett-memory-segments"] == "2"
    document = docx.Document(__import__("io").BytesIO(again.content))
    assert document.tables[0].cell(0, 0).text == "Area (edited)"
    edited = next(p for p in document.paragraphs if "EDITED" in p.text)
    assert any(r.bold for r in edited.runs)  # the bold run is still there, where the codes were


def test_tmx_files_translate_toolkit_writes_are_imported_and_used_both_ways(
    client: Any, toolkit: Callable[..., Any], tmp_path: Path
) -> None:
    for name, units in (
        ("en-nb.tmx", [{"source": "The budget is ready.", "srclang": "en", "target": "Budsjettet er klart.", "tgtlang": "nb"}]),
        ("nb-en.tmx", [{"source": "Det snør i Tromsø.", "srclang": "nb", "target": "It is snowing in Tromsø.", "tgtlang": "en"}]),
    ):
        (tmp_path / "units.json").write_text(json.dumps(units, ensure_ascii=False), encoding="utf-8")
        toolkit("tmx", str(tmp_path / name), str(tmp_path / "units.json"))
        imported = client.post("/v1/memories/desk/import", files={"file": (name, (tmp_path / name).read_bytes())})
        assert imported.status_code == 200 and imported.json()["added"] == 1, imported.text
    into_bokmal = client.post("/v1/translate", json={"text": "The budget is ready.", "target_lang": "nb", "memory": "desk",
                                                     "source_lang": "en"}).json()["translations"][0]
    assert into_bokmal["text"] == "Budsjettet er klart." and into_bokmal["segments"][0]["origin"] == "memory"
    into_english = client.post("/v1/translate", json={"text": "Det snør i Tromsø.", "memory": "desk", "source_lang": "nb"}).json()
    assert into_english["translations"][0]["text"] == "It is snowing in Tromsø."
