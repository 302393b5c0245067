"""Office files, PDF and EPUB for tests and the bench, each built with its format's own library
(python-pptx, openpyxl and XlsxWriter, odfpy, reportlab; an EPUB is a zip of XML by definition):
``news_*`` puts known Norwegian in every kind of place the format has (a footer, a speaker note, a
cell, a grouped shape, a navigation label, a second column), ``*_of`` writes given paragraphs for
the bench. python-pptx, openpyxl and odfpy come with the ``test`` extra."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from xml.sax.saxutils import escape

SENTENCES = [
    "Regjeringen legger fram budsjettet i dag.",
    "Skattene går ned for de fleste husholdninger.",
    "Kommunene får mer penger til skoler og sykehjem.",
    "Opposisjonen mener budsjettet rammer distriktene.",
]


def news_pptx() -> bytes:
    """A slide with a title, a body with a bold hyperlink, a text box two groups deep, a table and
    a chart with a title, and speaker notes; a second slide with a title only."""
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Regjeringen legger fram budsjettet"
    body = slide.placeholders[1].text_frame
    body.text = "Skattene går ned for de fleste."
    paragraph = body.add_paragraph()
    paragraph.add_run().text = "Les mer om saken "
    link = paragraph.add_run()
    link.text = "på nettsidene"
    link.hyperlink.address = "https://example.no/budsjett"
    link.font.bold = True
    outer = slide.shapes.add_group_shape()
    inner = outer.shapes.add_group_shape()
    inner.shapes.add_textbox(Inches(1), Inches(5), Inches(3), Inches(1)).text_frame.text = "Teksten ligger dypt i en gruppe."
    table = slide.shapes.add_table(2, 2, Inches(5), Inches(5), Inches(4), Inches(1)).table
    table.cell(0, 0).text = "Kommune"
    table.cell(0, 1).text = "Innbyggere"
    table.cell(1, 0).text = "Byen ved fjorden"
    table.cell(1, 1).text = "709037"
    data = CategoryChartData()
    data.categories = ["2024", "2025"]
    data.add_series("Ledighet", (3.1, 2.9))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(6), Inches(1), Inches(3), Inches(3), data).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = "Ledigheten i fylkene"
    slide.notes_slide.notes_text_frame.text = "Husk å nevne rentene når du viser lysbildet."
    second = deck.slides.add_slide(deck.slide_layouts[5])
    second.shapes.title.text = "Spørsmål fra salen"
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def news_xlsx() -> bytes:
    """Built with openpyxl: two sheets, string cells, a number, a date, a formula that names the
    other sheet, a comment."""
    import datetime

    import openpyxl
    from openpyxl.comments import Comment

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Budsjett"
    sheet["A1"] = "Kommune"
    sheet["B1"] = "Innbyggere"
    sheet["C1"] = "Dato"
    sheet["A2"] = "Byen ved fjorden"
    sheet["B2"] = 709037
    sheet["C2"] = datetime.date(2025, 1, 1)
    sheet["D2"] = "=B2*2"
    sheet["A1"].comment = Comment("Tallene er hentet fra statistikken.", "Kari")
    other = book.create_sheet("Oversikt")
    other["A1"] = "Summen for kommunen"
    other["B1"] = "=Budsjett!B2+1"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def news_xlsx_shared() -> bytes:
    """Built with XlsxWriter, which writes shared strings: a string used by two cells, a rich
    string with a bold word, a number."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Ark")
    bold = book.add_format({"bold": True})
    sheet.write("A1", "Kommune")
    sheet.write("A2", "Kommune")
    sheet.write_rich_string("B1", "Skattene går ", bold, "ned", " neste år.")
    sheet.write_number("C1", 42.5)
    book.close()
    return out.getvalue()


def news_odt() -> bytes:
    """A heading, a paragraph with a styled span, a link and a footnote, a list, a table, a frame
    with a text box, and a footer."""
    from odf.draw import Frame, TextBox
    from odf.opendocument import OpenDocumentText
    from odf.style import Footer, MasterPage, PageLayout, Style, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import A, H, List, ListItem, Note, NoteBody, NoteCitation, P, Span

    document = OpenDocumentText()
    bold = Style(name="Fet", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    layout = PageLayout(name="Side")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    footer = Footer()
    footer.addElement(P(text="Side fra redaksjonen"))
    master.addElement(footer)
    document.masterstyles.addElement(master)
    document.text.addElement(H(outlinelevel=1, text="Regjeringen legger fram budsjettet"))
    paragraph = P(text="Skattene går ")
    paragraph.addElement(Span(stylename=bold, text="ned"))
    paragraph.addText(" for mange. ")
    paragraph.addElement(A(href="https://example.no/budsjett", text="Les mer her"))
    note = Note(noteclass="footnote", id="note1")
    note.addElement(NoteCitation(text="1"))
    body = NoteBody()
    body.addElement(P(text="Kilde: Finansdepartementet."))
    note.addElement(body)
    paragraph.addElement(note)
    document.text.addElement(paragraph)
    items = List()
    item = ListItem()
    item.addElement(P(text="Første punkt i lista"))
    items.addElement(item)
    document.text.addElement(items)
    table = Table(name="Tabell")
    table.addElement(TableColumn())
    row = TableRow()
    cell = TableCell()
    cell.addElement(P(text="Innbyggere i kommunen"))
    row.addElement(cell)
    table.addElement(row)
    document.text.addElement(table)
    holder = P()
    frame = Frame(width="6cm", height="2cm", anchortype="paragraph")
    box = TextBox()
    box.addElement(P(text="Tekst i en ramme."))
    frame.addElement(box)
    holder.addElement(frame)
    document.text.addElement(holder)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def news_odp() -> bytes:
    """Two slides with a text box each and speaker notes on the first."""
    from odf.draw import Frame, Page, TextBox
    from odf.opendocument import OpenDocumentPresentation
    from odf.presentation import Notes
    from odf.style import MasterPage, PageLayout
    from odf.text import P

    deck = OpenDocumentPresentation()
    layout = PageLayout(name="Lysbilde")
    deck.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    deck.masterstyles.addElement(master)
    for title in ("Regjeringen legger fram budsjettet", "Spørsmål fra salen"):
        page = Page(masterpagename=master)
        frame = Frame(width="20cm", height="3cm", x="2cm", y="2cm")
        box = TextBox()
        box.addElement(P(text=title))
        frame.addElement(box)
        page.addElement(frame)
        if title.startswith("Regjeringen"):
            notes = Notes()
            note_frame = Frame(width="16cm", height="10cm", x="2cm", y="14cm")
            note_box = TextBox()
            note_box.addElement(P(text="Husk å nevne rentene."))
            note_frame.addElement(note_box)
            notes.addElement(note_frame)
            page.addElement(notes)
        deck.presentation.addElement(page)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _xhtml(title: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="nb" xml:lang="nb">\n'
        f"<head><title>{escape(title)}</title><link rel=\"stylesheet\" href=\"stil.css\"/></head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def epub_of(chapters: list[list[str]], title: str = "Nyheter fra nord", bare: bool = False) -> bytes:
    """An EPUB 3 (with an EPUB 2 table of contents too) of chapters of paragraphs, a stylesheet
    and an image. ``bare``: no text but the paragraphs (numbers for the title, the navigation
    labels and the headings; no description, no image), so the bench compares the same text."""
    names = [f"kapittel{i + 1}.xhtml" for i in range(len(chapters))]
    label = (lambda i, c: str(i + 1)) if bare else (lambda i, c: f"Kapittel {i + 1}: {c[0][:30]}")
    title = "1" if bare else title
    description = "" if bare else "<dc:description>En samling saker om budsjettet og kommunene.</dc:description>"
    nav_items = "".join(f'<li><a href="{n}">{escape(label(i, c))}</a></li>' for i, (n, c) in enumerate(zip(names, chapters, strict=True)))
    files = {
        "mimetype": b"application/epub+zip",
        "META-INF/container.xml": b'<?xml version="1.0"?>\n<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/bok.opf" media-type="application/oebps-package+xml"/></rootfiles></container>\n',
        "OEBPS/bok.opf": (
            '<?xml version="1.0" encoding="utf-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:12345678-1234-1234-1234-123456789abc</dc:identifier>'
            f"<dc:title>{escape(title)}</dc:title><dc:language>nb</dc:language>"
            f"{description}"
            '<meta property="dcterms:modified">2026-01-01T00:00:00Z</meta></metadata><manifest>'
            '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
            '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
            '<item id="css" href="stil.css" media-type="text/css"/><item id="bilde" href="bilde.png" media-type="image/png"/>'
            + "".join(f'<item id="k{i}" href="{n}" media-type="application/xhtml+xml"/>' for i, n in enumerate(names))
            + '</manifest><spine toc="ncx">' + "".join(f'<itemref idref="k{i}"/>' for i in range(len(names))) + "</spine></package>\n"
        ).encode(),
        "OEBPS/nav.xhtml": _xhtml("1" if bare else "Innhold", f'<nav epub:type="toc"><h1>{"1" if bare else "Innhold"}</h1><ol>{nav_items}</ol></nav>').encode(),
        "OEBPS/toc.ncx": (
            '<?xml version="1.0" encoding="utf-8"?>\n<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
            f"<head/><docTitle><text>{escape(title)}</text></docTitle><navMap>"
            + "".join(f'<navPoint id="p{i}" playOrder="{i + 1}"><navLabel><text>{escape(label(i, c))}</text></navLabel><content src="{n}"/></navPoint>' for i, (n, c) in enumerate(zip(names, chapters, strict=True)))
            + "</navMap></ncx>\n"
        ).encode(),
        "OEBPS/stil.css": b"p { text-indent: 1em; }\n",
        "OEBPS/bilde.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
    }
    for index, (name, paragraphs) in enumerate(zip(names, chapters, strict=True)):
        heading = f"{index + 1}" if bare else f"Kapittel {index + 1}"
        body = f"<section epub:type=\"chapter\">\n<h1>{heading}</h1>\n" + "\n".join(
            f"<p>{escape(p)}</p>" if i % 3 else f"<p><em>{escape(p.split(' ')[0])}</em> {escape(' '.join(p.split(' ')[1:]))}</p>"
            for i, p in enumerate(paragraphs)
        ) + ("" if bare else '\n<p><img src="bilde.png" alt="Et kart over fylkene"/></p>') + "\n</section>"
        files[f"OEBPS/{name}"] = _xhtml(heading, body).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def news_epub() -> bytes:
    return epub_of([SENTENCES[:2], SENTENCES[2:]])


def pdf_of(paragraphs: list[str], columns: int = 1, title: str | None = None) -> bytes:
    """An A4 PDF (reportlab): a title, then the paragraphs flowing down one or two columns and
    over as many pages as they need, a filled rectangle on each page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame, Paragraph

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    style = getSampleStyleSheet()["Normal"]
    story = [Paragraph(escape(p), style) for p in paragraphs]
    first = True
    while story or first:
        canvas.setFillGray(0.8)
        canvas.rect(72, 40, 60, 20, fill=1, stroke=0)
        canvas.setFillGray(0)
        top = 770
        if first and title:
            canvas.setFont("Helvetica-Bold", 18)
            canvas.drawString(72, 780, title)
            top = 750
        first = False
        width = (451 - 20 * (columns - 1)) / columns
        for column in range(columns):
            frame = Frame(72 + column * (width + 20), 80, width, top - 80, showBoundary=0)
            frame.addFromList(story, canvas)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def news_pdf() -> bytes:
    """Two pages: a title and two columns on the first (the second column starts with its own
    sentence), one paragraph on the second."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame, Paragraph

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    style = getSampleStyleSheet()["Normal"]
    canvas.setFont("Helvetica-Bold", 18)
    canvas.drawString(72, 780, "Regjeringen legger fram budsjettet")
    Frame(72, 400, 215, 350).addFromList([Paragraph(" ".join(SENTENCES[1:3]) + " Finansministeren sier at regjeringen prioriterer velferd.", style)], canvas)
    Frame(307, 400, 215, 350).addFromList([Paragraph("I den andre spalten står det om kommunene, som får mer penger til skoler over hele landet.", style)], canvas)
    canvas.setFillColorRGB(0.2, 0.4, 0.8)
    canvas.rect(72, 200, 100, 100, fill=1)
    canvas.showPage()
    canvas.setFont("Times-Roman", 12)
    canvas.drawString(72, 700, "Side to handler om rentene og boligprisene.")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A page that is only an image (as a scanner writes it): no text layer."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    image = Image.new("L", (200, 100), 255)
    for x in range(20, 180):
        image.putpixel((x, 50), 0)
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawImage(ImageReader(image), 72, 600, 200, 100)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def pptx_of(paragraphs: list[str]) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    for start in range(0, len(paragraphs), 5):
        slide = deck.slides.add_slide(deck.slide_layouts[6])
        frame = slide.shapes.add_textbox(Inches(0.5), Inches(0.5), Inches(9), Inches(6)).text_frame
        frame.text = paragraphs[start]
        for text in paragraphs[start + 1 : start + 5]:
            frame.add_paragraph().text = text
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def xlsx_of(paragraphs: list[str]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row, text in enumerate(paragraphs, start=1):
        book.active.cell(row=row, column=1, value=text)
        book.active.cell(row=row, column=2, value=row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def odt_of(paragraphs: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for text in paragraphs:
        document.text.addElement(P(text=text))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odp_of(paragraphs: list[str]) -> bytes:
    from odf.draw import Frame, Page, TextBox
    from odf.opendocument import OpenDocumentPresentation
    from odf.style import MasterPage, PageLayout
    from odf.text import P

    deck = OpenDocumentPresentation()
    layout = PageLayout(name="Lysbilde")
    deck.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    deck.masterstyles.addElement(master)
    for start in range(0, len(paragraphs), 5):
        page = Page(masterpagename=master)
        frame = Frame(width="24cm", height="16cm", x="1cm", y="1cm")
        box = TextBox()
        for text in paragraphs[start : start + 5]:
            box.addElement(P(text=text))
        frame.addElement(box)
        page.addElement(frame)
        deck.presentation.addElement(page)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


BUILDERS: dict[str, Callable[[list[str]], bytes]] = {
    "pptx": pptx_of, "xlsx": xlsx_of, "odt": odt_of, "odp": odp_of,
    "epub": lambda paragraphs: epub_of([paragraphs], bare=True), "pdf": pdf_of,
}


def docx_with_notes() -> bytes:
    """A Word file (python-docx, with the notes parts it has no API for added as parts) whose body
    paragraph has a footnote and an endnote, each note with an italic run."""
    import docx
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    paragraph = document.add_paragraph("Budsjettet ble lagt fram i dag.")
    for kind in ("footnote", "endnote"):
        paragraph._p.append(parse_xml(f'<w:r {w}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:{kind}Reference w:id="1"/></w:r>'))
    notes = {"footnote": "Kilde: Finansdepartementet i Oslo.", "endnote": "Tallene gjelder for neste år."}
    for kind, content_type, relation in (("footnote", CT.WML_FOOTNOTES, RT.FOOTNOTES), ("endnote", CT.WML_ENDNOTES, RT.ENDNOTES)):
        first, rest = notes[kind].split(" ", 1)
        xml = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{kind}s {w}>'
            f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
            f'<w:{kind} w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:{kind}Ref/></w:r>'
            f'<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve"> {first}</w:t></w:r><w:r><w:t xml:space="preserve"> {rest}</w:t></w:r></w:p></w:{kind}></w:{kind}s>'
        )
        part = Part(PackURI(f"/word/{kind}s.xml"), content_type, xml.encode(), document.part.package)
        document.part.relate_to(part, relation)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
