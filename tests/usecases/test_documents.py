"""Documents through every surface with the tiny models: real files built with each format's own
library go through the API, the CLI and a batch run; every translatable unit changes, every
protected part stays, the file opens with its library, and broken files get their clear error
with no partial output while a batch goes on with the rest."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from service.compose.runs import run_batch_with_settings
from service.tools import samples

from ..fakes import zip_bomb


def post_file(client: Any, name: str, data: bytes, **form: str) -> Any:
    return client.post("/v1/translate/document", files={"file": (name, data)}, data=form)


def test_a_news_page_keeps_its_navigation_script_and_image(client: Any) -> None:
    from bs4 import BeautifulSoup

    response = post_file(client, "nyhet.html", samples.NEWS_HTML.encode())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-disposition"].startswith('attachment; filename="nyhet.en.html"')
    assert response.headers["x-oversett-source-lang"] == "nb" and int(response.headers["x-oversett-units"]) == 9
    before = BeautifulSoup(samples.NEWS_HTML, "html.parser")
    after = BeautifulSoup(response.content, "html.parser")
    assert after.html["lang"] == "en"
    for protected in ("script", "style", "pre", "code"):
        assert after.find(protected).string == before.find(protected).string
    assert after.find(attrs={"translate": "no"}).get_text() == "Dagsrevyen"
    assert [a["href"] for a in after.find_all("a")] == [a["href"] for a in before.find_all("a")]
    assert after.find("img")["src"] == "bilde.jpg" and after.find("img")["alt"] != before.find("img")["alt"]
    for tag in ("title", "h1"):
        assert after.find(tag).get_text() != before.find(tag).get_text()
    for old, new in zip(before.find_all("p"), after.find_all("p"), strict=True):
        assert (new.get_text() == old.get_text()) == (old.get("translate") == "no")
    assert after.find("input")["placeholder"] != "Søk i nyhetene" and after.find("input")["type"] == "search"
    assert "navigasjon" in str(after)  # the comment


def test_a_markdown_readme_keeps_its_code_links_and_front_matter(client: Any) -> None:
    from markdown_it import MarkdownIt

    response = post_file(client, "readme.md", samples.README_MD.encode())
    assert response.status_code == 200, response.text
    text = response.content.decode()
    source_lines = samples.README_MD.splitlines()
    lines = text.splitlines()
    assert len(lines) == len(source_lines)
    assert lines[:4] == source_lines[:4]  # front matter
    fence = source_lines.index("```python")
    assert lines[fence : fence + 3] == source_lines[fence : fence + 3]
    for kept in ("`localhost`", "(https://example.no/nyheter \"Nyheter\")", "<https://example.no>", "<span>", "|------|"):
        assert kept in text
    changed = [i for i, (a, b) in enumerate(zip(source_lines, lines, strict=True)) if a != b]
    for index in (4, 6, 7, 9, 11, 12, 18, 20, 22):  # heading, paragraph, quote, list items, table rows, last line
        assert index in changed, (index, lines[index])
    assert lines[4].startswith("# ") and lines[11].startswith("- ") and lines[9].startswith("> ")
    assert lines[19] == source_lines[19] and lines[18].count("|") == 3  # the table rule, the cells
    MarkdownIt("commonmark").enable("table").parse(text)


def test_a_word_file_keeps_its_table_header_and_bold_runs(client: Any) -> None:
    import docx

    source = samples.news_docx(paragraphs=4)
    response = post_file(client, "nyhet.docx", source)
    assert response.status_code == 200, response.text
    before, after = docx.Document(io.BytesIO(source)), docx.Document(io.BytesIO(response.content))
    assert [p.style.name for p in after.paragraphs] == [p.style.name for p in before.paragraphs]
    def formats(paragraph: Any) -> set[Any]:
        return {(r.bold, r.italic, r.font.size) for r in paragraph.runs}

    for old, new in zip(before.paragraphs, after.paragraphs, strict=True):
        assert new.text != old.text
        assert formats(new) <= formats(old)  # runs are copies of the paragraph's own runs
    # the tiny model says a sentence in a word or two, so one paragraph may not hold all three
    # formats; the document does
    assert set().union(*map(formats, after.paragraphs)) == set().union(*map(formats, before.paragraphs))
    assert any(r.bold and r.text for p in after.paragraphs for r in p.runs)
    for old, new in (
        (before.sections[0].header.paragraphs[0], after.sections[0].header.paragraphs[0]),
        (before.sections[0].footer.paragraphs[0], after.sections[0].footer.paragraphs[0]),
    ):
        assert new.text and new.text != old.text
    old_cells = [c.text for row in before.tables[0].rows for c in row.cells]
    new_cells = [c.text for row in after.tables[0].rows for c in row.cells]
    assert len(new_cells) == 4 and all(n != o for n, o in zip(new_cells, old_cells, strict=True))


def test_a_sentence_across_three_cues_is_translated_once_and_spread_back(client: Any, services: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from ..conftest import spy_translate

    seen = spy_translate(services, monkeypatch)
    response = post_file(client, "nyheter.srt", samples.SUBTITLES_SRT.encode())
    assert response.status_code == 200, response.text
    text = response.content.decode()
    blocks = text.split("\n\n")
    source_blocks = samples.SUBTITLES_SRT.split("\n\n")
    assert len(blocks) == len(source_blocks)
    for old, new in zip(source_blocks, blocks, strict=True):
        assert new.splitlines()[:2] == old.splitlines()[:2]  # number and timing (with its settings)
        assert new.splitlines()[2:] and new.splitlines()[2:] != old.splitlines()[2:]
    assert not any("Regjeringen la i dag fram" in s and "Norge" not in s for s in seen)  # one unit, not three
    assert any(s.startswith("Regjeringen la i dag fram") and s.endswith("Norge.") for s in seen)
    assert "<i>" in blocks[3] and "</i>" in blocks[3]
    assert int(response.headers["x-oversett-units"]) == 2


def test_vtt_keeps_its_header_notes_and_cue_settings(client: Any) -> None:
    response = post_file(client, "nyheter.vtt", samples.SUBTITLES_VTT.encode())
    assert response.status_code == 200, response.text
    text = response.content.decode()
    for kept in ("WEBVTT - nyheter\n\nNOTE Laget for oversett\n\n1\n", "00:00:01.000 --> 00:00:03.500 align:start position:10%\n",
                 "00:06.100 --> 00:09.000\n<v Kari>"):
        assert kept in text
    assert "Regjeringen" not in text


@pytest.mark.parametrize(
    ("name", "data", "status", "words"),
    [
        ("brutt.html", b"<html><body><div><p>Regjeringen la fram budsjettet.</body></html>", 422, ["<div>"]),
        ("kort.docx", samples.news_docx()[:3000], 422, ["damaged or cut short"]),
        ("feil.srt", samples.SUBTITLES_SRT.replace("00:00:03,600", "00:00:0x,600").encode(), 422, ["Cue 2", "bad timing line"]),
        ("bombe.docx", zip_bomb(256 << 20), 413, ["unpacks to"]),
        ("rapport.rtf", b"{\\rtf1 Hei}", 415, [".rtf", ".docx", ".pdf"]),
        ("rapport.pdf", b"%PDF-1.4", 422, ["PDF is damaged"]),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None,  # not the bytes: they go into the env
)
def test_broken_uploads_get_their_clear_error(client: Any, name: str, data: bytes, status: int, words: list[str]) -> None:
    response = post_file(client, name, data)
    assert response.status_code == status, response.text
    for word in words:
        assert word in response.json()["detail"]


def test_upload_limits_and_form_fields(make_client: Any) -> None:
    client = make_client(max_document_bytes=2_000)
    response = post_file(client, "stor.txt", ("Det regner i Bergen. " * 200).encode())
    assert response.status_code == 413 and "the limit is 2,000" in response.json()["detail"]
    assert "The file is 4,200 bytes" in response.json()["detail"]  # its real size, not the bytes read
    forced = post_file(client, "notat.bin", b"# Overskrift\n\nDet regner i Bergen.\n", format="md", source_lang="nb")
    assert forced.status_code == 200 and forced.headers["x-oversett-format"] == "md"
    assert forced.headers["content-disposition"].startswith('attachment; filename="notat.en.bin"')
    assert post_file(client, "a.md", b"Hei.", format="pdf").status_code == 422
    assert client.post("/v1/translate/document", data={"source_lang": "nb"}).status_code == 422
    metrics = client.get("/metrics").text
    assert 'oversett_documents_translated_total{direction="into-english",format="md"} 1.0' in metrics
    odd = post_file(client, "Æøå nyhet.md", b"Det regner.\n")
    assert "filename*=UTF-8''%C3%86%C3%B8%C3%A5%20nyhet.en.md" in odd.headers["content-disposition"]


def _oversett(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture
def cli_env(tiny_models: dict[str, Path], tmp_path: Path) -> dict[str, str]:
    import os

    return {**os.environ, "OVERSETT_TRANSLATOR": str(tiny_models["translator"]), "OVERSETT_EN_TRANSLATOR": str(tiny_models["en_translator"]), "OVERSETT_SUMMARIZER": "none",
            "OVERSETT_BACKEND": "torch", "OVERSETT_CACHE": "none", "HF_HUB_OFFLINE": "1"}


def test_cli_translates_a_file_by_its_extension(cli_env: dict[str, str], tmp_path: Path) -> None:
    paths = samples.write_samples(tmp_path / "in")
    html = _oversett(["translate", str(paths[0]), "--out", str(tmp_path / "ut.html")], cli_env, tmp_path)
    assert html.returncode == 0, html.stderr
    assert "<script>var melding" in (tmp_path / "ut.html").read_text() and "nyhet.html → " in html.stderr
    srt = _oversett(["translate", str(tmp_path / "in" / "nyheter.srt")], cli_env, tmp_path)
    assert srt.returncode == 0 and "00:00:06,100 --> 00:00:09,000 X1:100" in srt.stdout
    word = _oversett(["translate", str(tmp_path / "in" / "nyhet.docx")], cli_env, tmp_path)
    assert word.returncode == 0 and (tmp_path / "in" / "nyhet.en.docx").is_file()
    piped = subprocess.run([sys.executable, "-m", "service", "translate", "-", "--format", "md"], env=cli_env,
                           input="# Tittel\n\nDet regner.\n", capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and piped.stdout.count("\n") == 3


def test_cli_leaves_no_output_for_a_broken_file(cli_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "brutt.html").write_text("<div><p>Regjeringen la fram budsjettet.")
    done = _oversett(["translate", "brutt.html", "--out", "brutt.en.html"], cli_env, tmp_path)
    assert done.returncode == 2 and "<div> opened on line 1 is never closed" in done.stderr
    assert not (tmp_path / "brutt.en.html").exists()
    assert not list(tmp_path.glob("*.oversett-tmp"))


def test_batch_takes_every_supported_type_and_goes_on_past_broken_files(settings: Any, tmp_path: Path) -> None:
    import docx

    source = tmp_path / "in"
    samples.write_samples(source)
    (source / "brutt.html").write_text("<div><p>Regjeringen la fram budsjettet.")
    (source / "kort.docx").write_bytes(samples.news_docx()[:3000])
    (source / "feil.srt").write_text(samples.SUBTITLES_SRT.replace("00:00:03,600", "00:00:0x,600"))
    (source / "bombe.docx").write_bytes(zip_bomb(32 << 20))
    (source / "notater.rtf").write_bytes(b"{\\rtf1 Hei}")  # not a supported type: not taken
    out = tmp_path / "out"
    settings = settings.model_copy(update={"max_unzipped_bytes": 16 << 20})
    summary = run_batch_with_settings(source, out, settings=settings, summary="short", stream=io.StringIO())
    assert (summary.done, summary.failed) == (6, 4)
    entries = {e["file"]: e for e in map(json.loads, (out / "manifest.jsonl").read_text().splitlines())}
    assert set(entries) == {"nyhet.html", "readme.md", "nyhet.docx", "nyheter.srt", "nyheter.vtt", "nyhet.txt",
                            "brutt.html", "kort.docx", "feil.srt", "bombe.docx"}
    assert "unpacks to 33,554,4" in entries["bombe.docx"]["error"] and not (out / "bombe.en.docx").exists()
    assert {e["file"]: e["format"] for e in entries.values()}["nyhet.docx"] == "docx"
    assert entries["nyhet.html"]["outputs"] == ["nyhet.en.html", "nyhet.summary.en.txt"]
    assert entries["nyhet.txt"]["outputs"][0] == "nyhet.en.txt"
    for broken in ("brutt.html", "kort.docx", "feil.srt"):
        assert entries[broken]["status"] == "error" and entries[broken]["error"]
    assert not (out / "brutt.en.html").exists() and not (out / "kort.en.docx").exists() and not (out / "feil.en.srt").exists()
    docx.Document(str(out / "nyhet.en.docx"))  # opens
    again = run_batch_with_settings(source, out, settings=settings, summary="short", stream=io.StringIO())
    assert again.skipped == 6  # resumable like text documents
    narrowed = run_batch_with_settings(source, tmp_path / "only-md", settings=settings, patterns=["*.md"], stream=io.StringIO())
    assert narrowed.done == 1 and re.search(r"readme\.en\.md", " ".join(p.name for p in (tmp_path / "only-md").iterdir()))
