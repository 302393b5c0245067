"""PowerPoint, Excel, OpenDocument, EPUB, PDF and Word's notes through the format layer, no model:
each file is built with its format's own library with known Norwegian in every kind of place;
a stand-in translation (upper case) reaches every place and leaves the structure; an identity
translation gives the file back byte for byte; every part that holds nothing to translate comes
back byte for byte; broken files, zip bombs and scans get an error that names the problem."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from service.domain.errors import DocumentError, FileTooLarge
from service.domain.protocols import TranslatedUnit
from service.formats import format_for
from service.formats.pdf import _blocks
from service.tools import office_samples as samples

from ..fakes import zip_bomb

BUILT: dict[str, Callable[[], bytes]] = {
    "pptx": samples.news_pptx, "xlsx": samples.news_xlsx, "odt": samples.news_odt, "odp": samples.news_odp,
    "epub": samples.news_epub, "pdf": samples.news_pdf, "docx": samples.docx_with_notes,
}


def translated(name: str, data: bytes, translate: Callable[[str], str] = str.upper, **options: Any) -> bytes:
    parsed = format_for(f"x.{name}", **options).read(data)
    return parsed.write([TranslatedUnit(translate(unit)) for unit in parsed.units])


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("name", sorted(BUILT))
def test_an_identity_translation_gives_the_file_back_byte_for_byte(name: str) -> None:
    data = BUILT[name]()
    assert translated(name, data, lambda unit: unit) == data


@pytest.mark.parametrize("name", ["pptx", "xlsx", "odt", "odp", "epub", "docx"])
def test_parts_without_text_come_back_byte_for_byte_in_the_same_order(name: str) -> None:
    data = BUILT[name]()
    out = translated(name, data)
    before, after = parts(data), parts(out)
    assert list(after) == list(before)
    changed = {part for part in before if before[part] != after[part]}
    text_parts = {
        "pptx": {"ppt/slides/slide1.xml", "ppt/slides/slide2.xml", "ppt/notesSlides/notesSlide1.xml", "ppt/charts/chart1.xml"},
        "xlsx": {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/comments/comment1.xml"},
        "odt": {"content.xml", "styles.xml"},
        "odp": {"content.xml"},
        "epub": {"OEBPS/bok.opf", "OEBPS/toc.ncx", "OEBPS/nav.xhtml", "OEBPS/kapittel1.xhtml", "OEBPS/kapittel2.xhtml"},
        "docx": {"word/document.xml", "word/footnotes.xml", "word/endnotes.xml"},
    }[name]
    assert changed == text_parts
    if name == "epub":
        first = zipfile.ZipFile(io.BytesIO(out)).infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED


def test_pptx_every_place_is_translated_and_the_deck_keeps_its_shapes() -> None:
    from pptx import Presentation

    data = samples.news_pptx()
    before, after = Presentation(io.BytesIO(data)), Presentation(io.BytesIO(translated("pptx", data)))

    def shapes(deck: Any) -> list[Any]:
        found: list[Any] = []

        def walk(collection: Any, depth: int) -> None:
            for shape in collection:
                found.append((depth, shape.shape_type, shape.name, shape.left, shape.top, shape.width, shape.height))
                if shape.shape_type == 6:  # a group
                    walk(shape.shapes, depth + 1)

        for slide in deck.slides:
            walk(slide.shapes, 0)
        return found

    assert shapes(after) == shapes(before) and len(after.slides) == 2
    slide = after.slides[0]
    assert slide.shapes.title.text == "REGJERINGEN LEGGER FRAM BUDSJETTET"
    body = slide.placeholders[1].text_frame.paragraphs
    assert body[0].text == "SKATTENE GÅR NED FOR DE FLESTE."
    link = [run for run in body[1].runs if run.hyperlink.address]
    assert len(link) == 1 and link[0].text == "PÅ NETTSIDENE" and link[0].font.bold
    assert link[0].hyperlink.address == "https://example.no/budsjett"
    deep = [s for s in slide.shapes if s.shape_type == 6][0].shapes[0].shapes[0]
    assert deep.text_frame.text == "TEKSTEN LIGGER DYPT I EN GRUPPE."
    table = [s for s in slide.shapes if s.has_table][0].table
    assert [[c.text for c in row.cells] for row in table.rows] == [["KOMMUNE", "INNBYGGERE"], ["BYEN VED FJORDEN", "709037"]]
    chart = [s for s in slide.shapes if s.has_chart][0].chart
    assert chart.chart_title.text_frame.text == "LEDIGHETEN I FYLKENE"
    assert slide.notes_slide.notes_text_frame.text == "HUSK Å NEVNE RENTENE NÅR DU VISER LYSBILDET."
    assert after.slides[1].shapes.title.text == "SPØRSMÅL FRA SALEN"
    for layout_part in ("ppt/slideLayouts/slideLayout1.xml", "ppt/slideMasters/slideMaster1.xml"):
        assert parts(translated("pptx", data))[layout_part] == parts(data)[layout_part]


def test_xlsx_strings_and_comments_are_translated_numbers_dates_and_formulas_are_not() -> None:
    import openpyxl

    data = samples.news_xlsx()
    before = openpyxl.load_workbook(io.BytesIO(data))
    after = openpyxl.load_workbook(io.BytesIO(translated("xlsx", data)))
    assert after.sheetnames == ["Budsjett", "Oversikt"]  # names kept by default
    sheet, old = after["Budsjett"], before["Budsjett"]
    assert [c.value for c in sheet[1]][:3] == ["KOMMUNE", "INNBYGGERE", "DATO"]
    assert sheet["A2"].value == "BYEN VED FJORDEN"
    for cell in ("B2", "C2", "D2"):
        assert sheet[cell].value == old[cell].value and sheet[cell].number_format == old[cell].number_format
    assert sheet["A1"].comment.text == "TALLENE ER HENTET FRA STATISTIKKEN."
    assert after["Oversikt"]["A1"].value == "SUMMEN FOR KOMMUNEN" and after["Oversikt"]["B1"].value == "=Budsjett!B2+1"


def test_xlsx_shared_and_rich_strings_keep_their_runs() -> None:
    from lxml import etree

    data = samples.news_xlsx_shared()
    out = parts(translated("xlsx", data))
    strings = etree.fromstring(out["xl/sharedStrings.xml"])
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    items = strings.findall("m:si", ns)
    assert "".join(items[0].itertext()) == "KOMMUNE"  # one shared string, both cells
    runs = items[1].findall("m:r", ns)
    assert [r.findtext("m:t", namespaces=ns).strip() for r in runs] == ["SKATTENE GÅR", "NED", "NESTE ÅR."]
    assert runs[1].find("m:rPr/m:b", ns) is not None
    assert out["xl/worksheets/sheet1.xml"] == parts(data)["xl/worksheets/sheet1.xml"]


def test_xlsx_sheet_names_are_translated_when_asked_and_formulas_follow() -> None:
    import openpyxl

    data = samples.news_xlsx()
    out = translated("xlsx", data, lambda unit: unit.upper().replace("OVERSIKT", "OVERSIKT: ALT"), sheet_names=True)
    book = openpyxl.load_workbook(io.BytesIO(out))
    assert book.sheetnames == ["BUDSJETT", "OVERSIKT  ALT"]  # ':' is not allowed in a sheet name
    assert book["OVERSIKT  ALT"]["B1"].value == "='BUDSJETT'!B2+1"


def test_odt_every_place_is_translated_and_styles_links_and_notes_stay() -> None:
    from lxml import etree

    data = samples.news_odt()
    out = parts(translated("odt", data))
    content = etree.fromstring(out["content.xml"])
    ns = {"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0", "xlink": "http://www.w3.org/1999/xlink"}
    texts = ["".join(p.itertext()) for p in content.iter("{%s}p" % ns["text"], "{%s}h" % ns["text"])]
    for expected in ("REGJERINGEN LEGGER FRAM BUDSJETTET", "KILDE: FINANSDEPARTEMENTET.", "FØRSTE PUNKT I LISTA",
                     "INNBYGGERE I KOMMUNEN", "TEKST I EN RAMME."):
        assert expected in texts
    span = content.find(".//text:span", ns)
    assert span.text == "NED" and span.get("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}style-name") == "Fet"
    link = content.find(".//text:a", ns)
    assert link.text == "LES MER HER" and link.get("{http://www.w3.org/1999/xlink}href") == "https://example.no/budsjett"
    assert content.find(".//text:note/text:note-citation", ns).text == "1"
    footer = etree.fromstring(out["styles.xml"]).find(".//{urn:oasis:names:tc:opendocument:xmlns:style:1.0}footer")
    assert "".join(footer.itertext()) == "SIDE FRA REDAKSJONEN"
    before = etree.fromstring(parts(data)["content.xml"])
    assert [e.tag for e in content.iter()] == [e.tag for e in before.iter()]  # the same elements in the same order


def test_odp_slides_and_speaker_notes_are_translated_and_masters_stay() -> None:
    from odf.opendocument import load
    from odf.text import P

    data = samples.news_odp()
    out = translated("odp", data)
    document = load(io.BytesIO(out))
    texts = [str(p) for p in document.getElementsByType(P)]
    assert texts == ["REGJERINGEN LEGGER FRAM BUDSJETTET", "HUSK Å NEVNE RENTENE.", "SPØRSMÅL FRA SALEN"]
    assert parts(out)["styles.xml"] == parts(data)["styles.xml"]


def test_epub_chapters_navigation_and_metadata_are_translated() -> None:
    from lxml import etree

    data = samples.news_epub()
    out = parts(translated("epub", data))
    opf = etree.fromstring(out["OEBPS/bok.opf"])
    dc = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.findtext(".//dc:title", namespaces=dc) == "NYHETER FRA NORD"
    assert opf.findtext(".//dc:description", namespaces=dc) == "EN SAMLING SAKER OM BUDSJETTET OG KOMMUNENE."
    assert opf.findtext(".//dc:language", namespaces=dc) == "en"
    assert opf.findtext(".//dc:identifier", namespaces=dc) == "urn:uuid:12345678-1234-1234-1234-123456789abc"
    labels = [t.text for t in etree.fromstring(out["OEBPS/toc.ncx"]).iter("{http://www.daisy.org/z3986/2005/ncx/}text")]
    assert labels[1:] == ["KAPITTEL 1: REGJERINGEN LEGGER FRAM BUDSJE", "KAPITTEL 2: KOMMUNENE FÅR MER PENGER TIL S"]
    nav = etree.fromstring(out["OEBPS/nav.xhtml"])
    xhtml = "{http://www.w3.org/1999/xhtml}"
    assert [a.text for a in nav.iter(f"{xhtml}a")] == labels[1:]
    chapter = etree.fromstring(out["OEBPS/kapittel1.xhtml"])
    assert chapter.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert ["".join(p.itertext()) for p in chapter.iter(f"{xhtml}p")][:2] == [
        "REGJERINGEN LEGGER FRAM BUDSJETTET I DAG.", "SKATTENE GÅR NED FOR DE FLESTE HUSHOLDNINGER."]
    assert chapter.find(f".//{xhtml}em").text == "REGJERINGEN"
    assert chapter.find(f".//{xhtml}img").get("alt") == "ET KART OVER FYLKENE"
    assert chapter.find(f".//{xhtml}section").get("{http://www.idpf.org/2007/ops}type") == "chapter"
    for kept in ("OEBPS/stil.css", "OEBPS/bilde.png", "META-INF/container.xml", "mimetype"):
        assert out[kept] == parts(data)[kept]


def test_pdf_blocks_are_translated_in_place_on_pages_of_the_same_size() -> None:
    from pypdf import PdfReader

    data = samples.news_pdf()
    source_blocks, pages = _blocks(data)
    assert pages == 2
    assert source_blocks[2].text.startswith("I den andre spalten")  # the second column, after the first
    assert source_blocks[2].box[0] > 300
    out = translated("pdf", data)
    blocks, _ = _blocks(out)
    assert [b.text for b in blocks] == [b.text.upper() for b in source_blocks]
    for old, new in zip(source_blocks, blocks, strict=True):
        assert new.page == old.page
        assert abs(new.box[0] - old.box[0]) < 3 and abs(new.box[3] - old.box[3]) < 6  # the same top-left corner
        assert new.size <= old.size and new.font == old.font
    before, after = PdfReader(io.BytesIO(data)), PdfReader(io.BytesIO(out))
    assert [tuple(p.mediabox) for p in after.pages] == [tuple(p.mediabox) for p in before.pages]
    assert "Regjeringen" not in "".join(p.extract_text() for p in after.pages)  # no hidden Norwegian left
    assert "re" in after.pages[0].get_contents().get_data().decode("latin-1")  # the drawing stays


def test_a_pdf_line_break_in_a_hyphenated_word_is_joined() -> None:
    from service.formats.pdf import _joined

    assert _joined(["Finansminis-", "teren sa", "at Nord-", "Norge får mer."]) == "Finansministeren sa at Nord-Norge får mer."


def test_text_that_no_longer_fits_is_shrunk_to_its_block() -> None:
    from service.formats.pdf import Block, fitted

    block = Block(0, (72, 700, 272, 730), "x", 2, 12.0, "Helvetica", (0.0,))
    size, lines = fitted("Kort tekst.", block)
    assert size == 12.0 and len(lines) == 1
    size, lines = fitted("En mye lengre tekst som ikke får plass på to linjer i en boks som er så smal som denne. " * 3, block)
    assert size < 12.0 and len(lines) * size * 1.15 <= 30 + 0.3 * 12


def test_docx_footnotes_and_endnotes_are_translated() -> None:
    from lxml import etree

    out = parts(translated("docx", samples.docx_with_notes()))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for part, expected in (("word/footnotes.xml", "KILDE: FINANSDEPARTEMENTET I OSLO."), ("word/endnotes.xml", "TALLENE GJELDER FOR NESTE ÅR.")):
        root = etree.fromstring(out[part])
        text = " ".join("".join(t.text for t in root.iter(f"{w}t")).split())
        assert text == expected
        assert root.find(f".//{w}footnoteRef") is not None or root.find(f".//{w}endnoteRef") is not None
        assert root.find(f".//{w}i") is not None  # the italic run stayed italic


# --- broken files ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pptx", "xlsx", "odt", "odp", "epub"])
def test_a_cut_short_or_foreign_zip_is_refused_with_the_reason(name: str) -> None:
    data = BUILT[name]()
    with pytest.raises(DocumentError, match="damaged or cut short"):
        format_for(f"x.{name}").read(data[: len(data) // 2])
    foreign = io.BytesIO()
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(DocumentError, match=r"The file is a Word document \(\.docx\), not .*format=docx"):
        format_for(f"x.{name}").read(foreign.getvalue())


@pytest.mark.parametrize("name", ["pptx", "xlsx", "odt", "epub"])
def test_a_part_that_is_not_xml_is_named_with_its_line(name: str) -> None:
    data = BUILT[name]()
    target = {"pptx": "ppt/slides/slide1.xml", "xlsx": "xl/worksheets/sheet1.xml", "odt": "content.xml", "epub": "OEBPS/bok.opf"}[name]
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(broken, "w") as archive:
        for info in source.infolist():
            body = source.read(info)
            archive.writestr(info, body[:-40] + b"\n<unclosed" if info.filename == target else body)
    with pytest.raises(DocumentError, match=rf"part {target} is not well-formed XML .*line"):
        format_for(f"x.{name}").read(broken.getvalue())


@pytest.mark.parametrize("name", ["pptx", "xlsx", "odt", "odp", "epub"])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(name: str) -> None:
    with pytest.raises(FileTooLarge, match=r"unpacks to 67,108,\d{3}.*OVERSETT_MAX_UNZIPPED_BYTES"):
        format_for(f"bomb.{name}", max_unzipped_bytes=16 << 20).read(zip_bomb(64 << 20, name))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (samples.news_pdf()[:1500], "damaged"),
        (b"not a pdf at all", "not a PDF"),
        (samples.scanned_pdf(), "no text layer.*text recognition"),
    ],
)
def test_broken_pdfs_and_scans_are_refused_with_the_reason(data: bytes, words: str) -> None:
    with pytest.raises(DocumentError, match=words):
        format_for("x.pdf").read(data)


def test_a_pdf_with_a_password_is_refused() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(samples.news_pdf())))
    writer.encrypt(user_password="hemmelig", owner_password="hemmelig", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(DocumentError, match="password"):
        format_for("x.pdf").read(out.getvalue())


def test_a_pdf_whose_pages_inflate_past_the_limit_is_refused_before_it_is_read() -> None:
    """A PDF bomb: one small page whose compressed content unpacks to 32 MB."""
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    content = ContentStream(None, writer)
    content.set_data(b"BT /F1 12 Tf 72 700 Td (Hei) Tj ET\n" + b" " * (32 << 20))
    page.replace_contents(content)
    page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    assert len(out.getvalue()) < 200_000
    with pytest.raises(FileTooLarge, match="PDF's pages unpack to at least 33,554,4.*OVERSETT_MAX_UNZIPPED_BYTES"):
        format_for("bomb.pdf", max_unzipped_bytes=16 << 20).read(out.getvalue())
