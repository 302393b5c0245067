"""PowerPoint, Excel, OpenDocument, EPUB, PDF and Word's notes with the tiny model, through every
surface: the native API, the DeepL document route (with DeepL's own client), the CLI, a batch run
and its manifest, /metrics. Each file is built with its format's own library with known Norwegian
in every kind of place; after translation every place holds other text and the structure is the
same (slides, shapes, cells, pages)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from service.compose.runs import run_batch_with_settings
from service.formats.pdf import _blocks
from service.tools import office_samples as samples


def _pptx(data: bytes) -> tuple[list[str], list[Any]]:
    from pptx import Presentation

    deck = Presentation(io.BytesIO(data))
    slide = deck.slides[0]
    group = [s for s in slide.shapes if s.shape_type == 6][0]
    table = [s for s in slide.shapes if s.has_table][0].table
    places = [
        slide.shapes.title.text, slide.placeholders[1].text_frame.paragraphs[0].text,
        "".join(r.text for r in slide.placeholders[1].text_frame.paragraphs[1].runs if r.hyperlink.address),
        group.shapes[0].shapes[0].text_frame.text, table.cell(0, 0).text, table.cell(1, 0).text,
        [s for s in slide.shapes if s.has_chart][0].chart.chart_title.text_frame.text,
        slide.notes_slide.notes_text_frame.text, deck.slides[1].shapes.title.text,
    ]
    structure = [[(s.shape_type, s.name, s.left, s.top) for s in sl.shapes] for sl in deck.slides] + [table.cell(1, 1).text]
    return places, structure


def _xlsx(data: bytes) -> tuple[list[str], list[Any]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Budsjett"]
    places = [sheet["A1"].value, sheet["B1"].value, sheet["A2"].value, sheet["A1"].comment.text, book["Oversikt"]["A1"].value]
    structure = [book.sheetnames, [(c.coordinate, c.data_type) for row in sheet.iter_rows() for c in row],
                 sheet["B2"].value, sheet["C2"].value, sheet["D2"].value, book["Oversikt"]["B1"].value]
    return places, structure


def _odf(data: bytes) -> tuple[list[str], list[Any]]:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = etree.fromstring(archive.read("content.xml"))
        styles = etree.fromstring(archive.read("styles.xml"))
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    places = ["".join(p.itertext()) for p in content.iter(f"{{{text}}}p", f"{{{text}}}h") if "".join(p.itertext()).strip()]
    places += ["".join(p.itertext()) for p in styles.iter(f"{{{text}}}p")]
    structure = [e.tag for e in content.iter() if e.tag not in (f"{{{text}}}span", f"{{{text}}}a")]
    return places, structure


def _epub(data: bytes) -> tuple[list[str], list[Any]]:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        opf = etree.fromstring(archive.read("OEBPS/bok.opf"))
        ncx = etree.fromstring(archive.read("OEBPS/toc.ncx"))
        nav = etree.fromstring(archive.read("OEBPS/nav.xhtml"))
        chapter = etree.fromstring(archive.read("OEBPS/kapittel1.xhtml"))
        kept = [archive.read(n) for n in ("OEBPS/stil.css", "OEBPS/bilde.png", "mimetype")]
    xhtml = "{http://www.w3.org/1999/xhtml}"
    dc = "{http://purl.org/dc/elements/1.1/}"
    places = [opf.findtext(f".//{dc}title"), opf.findtext(f".//{dc}description")]
    places += [t.text for t in ncx.iter("{http://www.daisy.org/z3986/2005/ncx/}text")]
    places += ["".join(a.itertext()) for a in nav.iter(f"{xhtml}a")]
    places += ["".join(p.itertext()) for p in chapter.iter(f"{xhtml}p", f"{xhtml}h1") if "".join(p.itertext()).strip()]
    structure = [names, kept, [e.tag for e in chapter.iter() if e.tag != f"{xhtml}em"]]
    return places, structure


def _pdf(data: bytes) -> tuple[list[str], list[Any]]:
    from pypdf import PdfReader

    blocks, pages = _blocks(data)
    return [b.text for b in blocks], [pages, [tuple(p.mediabox) for p in PdfReader(io.BytesIO(data)).pages], [b.page for b in blocks]]


def _docx(data: bytes) -> tuple[list[str], list[Any]]:
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        notes = [etree.fromstring(archive.read(f"word/{k}s.xml")) for k in ("footnote", "endnote")]
    places = ["".join(t.text for t in root.iter(f"{w}t")) for root in notes]
    return places, [[e.tag for e in root.iter() if e.tag not in (f"{w}r", f"{w}t", f"{w}rPr", f"{w}i")] for root in notes]


CASES: dict[str, tuple[Callable[[], bytes], Callable[[bytes], tuple[list[str], list[Any]]]]] = {
    "pptx": (samples.news_pptx, _pptx), "xlsx": (samples.news_xlsx, _xlsx), "odt": (samples.news_odt, _odf),
    "odp": (samples.news_odp, _odf), "epub": (samples.news_epub, _epub), "pdf": (samples.news_pdf, _pdf),
    "docx": (samples.docx_with_notes, _docx),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_place_is_translated_and_the_structure_kept(client: Any, name: str) -> None:
    build, read = CASES[name]
    source = build()
    response = client.post("/v1/translate/document", files={"file": (f"nyhet.{name}", source)})
    assert response.status_code == 200, response.text
    assert response.headers["x-oversett-format"] == name
    assert response.headers["content-disposition"].startswith(f'attachment; filename="nyhet.en.{name}"')
    before_places, before_structure = read(source)
    after_places, after_structure = read(response.content)
    assert after_structure == before_structure
    assert len(after_places) == len(before_places)
    for old, new in zip(before_places, after_places, strict=True):
        assert new.strip() and new != old, (old, new)
    metrics = client.get("/metrics").text
    assert f'oversett_documents_translated_total{{direction="into-english",format="{name}"}} 1.0' in metrics


@pytest.mark.parametrize(
    ("name", "data", "status", "words"),
    [
        ("skann.pdf", samples.scanned_pdf(), 422, "text recognition"),
        ("kort.pptx", samples.news_pptx()[:5000], 422, "damaged or cut short"),
        ("feil.xlsx", samples.news_pptx(), 422, "is a PowerPoint presentation (.pptx), not an Excel workbook (.xlsx)"),
    ],
)
def test_a_broken_office_file_gets_a_clear_422(client: Any, name: str, data: bytes, status: int, words: str) -> None:
    response = client.post("/v1/translate/document", files={"file": (name, data)})
    assert response.status_code == status and words in response.text, response.text


def test_deepl_client_translates_a_presentation(services: Any, tmp_path: Path) -> None:
    import deepl

    from ..conftest import serve_in_thread

    (tmp_path / "nyhet.pptx").write_bytes(samples.news_pptx())
    server = serve_in_thread(services)
    try:
        translator = deepl.Translator("any-key:fx", server_url=next(server))
        status = translator.translate_document_from_filepath(tmp_path / "nyhet.pptx", tmp_path / "nyhet.en.pptx", target_lang="EN-GB")
    finally:
        server.close()
    assert status.done
    places, structure = _pptx((tmp_path / "nyhet.en.pptx").read_bytes())
    old_places, old_structure = _pptx(samples.news_pptx())
    assert structure == old_structure and all(n != o for n, o in zip(places, old_places, strict=True))


@pytest.fixture
def cli_env(tiny_models: dict[str, Path]) -> dict[str, str]:
    import os

    return {**os.environ, "OVERSETT_TRANSLATOR": str(tiny_models["translator"]), "OVERSETT_EN_TRANSLATOR": str(tiny_models["en_translator"]), "OVERSETT_SUMMARIZER": "none",
            "OVERSETT_BACKEND": "torch", "OVERSETT_CACHE": "none", "HF_HUB_OFFLINE": "1"}


def test_cli_writes_an_office_file_beside_its_source(cli_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "tall.xlsx").write_bytes(samples.news_xlsx())
    done = subprocess.run([sys.executable, "-m", "service", "translate", "tall.xlsx"], env=cli_env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and "tall.xlsx → tall.en.xlsx: xlsx" in done.stderr
    places, structure = _xlsx((tmp_path / "tall.en.xlsx").read_bytes())
    assert structure == _xlsx(samples.news_xlsx())[1]


def test_batch_takes_every_new_format_and_the_manifest_names_it(settings: Any, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    for name, (build, _) in CASES.items():
        (source / f"fil.{name}").write_bytes(build())
    (source / "skann.pdf").write_bytes(samples.scanned_pdf())
    out = tmp_path / "out"
    summary = run_batch_with_settings(source, out, settings=settings, stream=io.StringIO())
    assert (summary.done, summary.failed) == (len(CASES), 1)
    entries = {e["file"]: e for e in map(json.loads, (out / "manifest.jsonl").read_text().splitlines())}
    for name, (build, read) in CASES.items():
        entry = entries[f"fil.{name}"]
        assert entry["format"] == name and entry["outputs"] == [f"fil.en.{name}"]
        assert read((out / f"fil.en.{name}").read_bytes())[1] == read(build())[1]
    assert entries["skann.pdf"]["status"] == "error" and "text recognition" in entries["skann.pdf"]["error"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_format_goes_from_bokmal_into_nynorsk_with_its_structure(client: Any, name: str) -> None:
    """Apertium behind the format layer: every place converted, the structure as it was."""
    build, read = CASES[name]
    source = build()
    response = client.post(
        "/v1/translate/document", files={"file": (f"nyhet.{name}", source)}, data={"source_lang": "nb", "target_lang": "nn"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith(f'attachment; filename="nyhet.nn.{name}"')
    before_places, before_structure = read(source)
    after_places, after_structure = read(response.content)
    assert after_structure == before_structure and len(after_places) == len(before_places)
    assert any(new != old for old, new in zip(before_places, after_places, strict=True))  # Bokmål became Nynorsk
    metrics = client.get("/metrics").text
    assert f'oversett_documents_translated_total{{direction="bokmal-nynorsk",format="{name}"}} 1.0' in metrics
