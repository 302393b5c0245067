"""The format layer with no model: every format read into units and written back. With an
identity translation the file comes back byte for byte (.md, .srt, .vtt, .txt) or with the same
parsed structure (.html, .docx); broken files get an error that names the problem; inline markup
follows the words when the model keeps its markers and encloses the sentence when it does not."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.errors import DocumentError, FileTooLarge, UnsupportedFormat
from service.domain.protocols import TranslatedUnit
from service.formats import format_for, formats
from service.formats.inline import Unit, decode, repair, repaired, strip_markers
from service.tools import samples

from ..fakes import zip_bomb

FORMATS = formats()


def identity(name: str, data: bytes) -> bytes:
    parsed = FORMATS[name].read(data)
    return parsed.write([TranslatedUnit(unit) for unit in parsed.units])


def html_structure(data: bytes) -> list[Any]:
    """Tags with their attributes (in order) and the text, whitespace between tags aside."""
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(data, "html.parser")
    out: list[Any] = []
    for node in soup.descendants:
        if isinstance(node, NavigableString):
            if node.strip():
                out.append((type(node).__name__, str(node).strip()))
        else:
            out.append((node.name, list(node.attrs.items())))
    return out


def docx_structure(data: bytes) -> list[Any]:
    """Per paragraph (body, tables, headers, footers): its style and its text with run formatting."""
    import docx

    document = docx.Document(io.BytesIO(data))
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        paragraphs += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for section in document.sections:
        paragraphs += section.header.paragraphs + section.footer.paragraphs
    out = []
    for paragraph in paragraphs:
        runs: list[list[Any]] = []
        for run in paragraph.runs:
            key = (run.bold, run.italic, run.font.size)
            if runs and runs[-1][0] == key:
                runs[-1][1] += run.text
            else:
                runs.append([key, run.text])
        out.append((paragraph.style.name, [tuple(r) for r in runs if r[1]]))
    return out


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("md", samples.README_MD.encode()),
        ("srt", samples.SUBTITLES_SRT.encode()),
        ("srt", samples.SUBTITLES_SRT.replace("\n", "\r\n").encode()),
        ("vtt", samples.SUBTITLES_VTT.encode()),
        ("txt", "Hei.\r\n\r\n  Innrykk og\ttabulator.\n".encode()),
        ("txt", "\ufeffMed BOM.\n".encode()),
    ],
)
def test_identity_round_trip_is_byte_for_byte(name: str, data: bytes) -> None:
    assert identity(name, data) == data


HTML_AS_WRITTEN = [
    b'<!doctype html>\n<html><head><meta charset="utf-8"><title>Hei</title></head>\n<body><p>Det regner.</p></body></html>\n',
    b"<p class='a'>Hei &amp; h&aring; &#229; &#xE5; \xc2\xa0rett</p>\n",
    b"<p>Linje<br>to<br/>tre<br />fire</p>",
    b'<input disabled placeholder="Skriv her" value=x>',
    b'<P CLASS="a">Store bokstaver</P>',
    b'<p  class="a"  >Mellomrom i taggen</p >',
    b'<p title="a &quot;b&quot;">Sitat</p>',
    b"<p>a > b &lt; c \"q\" 's'</p>",
    b"<!-- c --><p>x</p><![CDATA[x]]>",
    b'\xef\xbb\xbf<p lang=nb>Med BOM</p>\r\n',
    b'<img src="a.png" alt="Et bilde">',
]


@pytest.mark.parametrize("data", HTML_AS_WRITTEN)
def test_an_identity_translation_gives_the_html_bytes_back(data: bytes) -> None:
    """Doctype, entities, quoting, <br/>, upper case and whitespace inside tags stay as written."""
    assert identity("html", data) == data


def test_a_translated_html_file_is_its_source_with_only_the_translations_replaced() -> None:
    data = (b"<!DOCTYPE html>\n<html lang=nb><body>\n<P CLASS=x>Det <B>regner</B> i <a href='/b' title=\"Bergen by\">"
            b"Bergen</a>.</P>\n<img alt='Et bilde' src=x></body></html>")
    parsed = FORMATS["html"].read(data)
    assert parsed.units == ["Det QY1 regner QY2 i QY3 Bergen QY4.", "Bergen by", "Et bilde"]
    out = parsed.write([TranslatedUnit("It QY1 rains QY2 in QY3 Bergen QY4."), TranslatedUnit("Bergen city"),
                        TranslatedUnit("A 'picture'")])
    assert out == (b"<!DOCTYPE html>\n<html lang=\"en\"><body>\n<P CLASS=x>It <B>rains</B> in <a href='/b' "
                   b"title=\"Bergen city\">Bergen</a>.</P>\n<img alt='A &#39;picture&#39;' src=x></body></html>")


def test_identity_round_trip_keeps_the_html_structure() -> None:
    data = samples.NEWS_HTML.encode()
    out = identity("html", data)
    assert out == data.replace(b'<html lang="nb">', b'<html lang="en">')  # only the language it declares changes
    assert html_structure(out) == html_structure(data.replace(b'lang="nb"', b'lang="en"'))
    assert b"&nbsp;" in out and b"&amp;" in out and b"<!-- navigasjon -->" in out
    assert b'<a href="https://www.regjeringen.no/" class="lenke" id="r1">' in out  # attribute order
    assert b'<html lang="en">' in out


def test_identity_round_trip_keeps_the_docx_structure() -> None:
    data = samples.news_docx(paragraphs=4)
    assert docx_structure(identity("docx", data)) == docx_structure(data)


WORDS = st.sampled_from(["Regjeringen", "la", "fram", "budsjettet", "i", "dag", "Det", "blir", "dyrere", "å",
                         "kjøre", "bil", "Oslo", "2024", "70,5", "prosent", "«sitat»", "–", "NRK"])
SENTENCE = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)


@st.composite
def markdown_documents(draw: Any) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["para", "heading", "list", "quote", "code", "fence", "table", "emph"]))
        text = draw(SENTENCE)
        if kind == "para":
            blocks.append(text + ".\n" + draw(SENTENCE))
        elif kind == "heading":
            blocks.append("#" * draw(st.integers(1, 4)) + " " + text)
        elif kind == "list":
            blocks.append("\n".join(f"- {draw(SENTENCE)}" for _ in range(draw(st.integers(1, 3)))))
        elif kind == "quote":
            blocks.append("> " + text + "\n> " + draw(SENTENCE))
        elif kind == "code":
            blocks.append(f"Se `kode {text}` og <https://example.no/{draw(st.integers(0, 99))}>.")
        elif kind == "fence":
            blocks.append(f"```\n{text}\n```")
        elif kind == "table":
            blocks.append(f"| {text} | tall |\n|---|---:|\n| {draw(SENTENCE)} | 12 |")
        else:
            blocks.append(f"Det er **{text}** og *{draw(SENTENCE)}* med [lenke](https://x.no/a \"tittel\").")
    return "\n\n".join(blocks) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=60, deadline=None)
@given(markdown_documents())
def test_any_markdown_comes_back_byte_for_byte(document: str) -> None:
    assert identity("md", document.encode()) == document.encode()


@st.composite
def srt_documents(draw: Any) -> str:
    cues = []
    for index in range(1, draw(st.integers(1, 6)) + 1):
        start = draw(st.integers(0, 3_000_000))
        end = start + draw(st.integers(1, 9_999))

        def stamp(ms: int) -> str:
            return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

        lines = [draw(SENTENCE) + draw(st.sampled_from(["", ".", ",", "?"])) for _ in range(draw(st.integers(1, 3)))]
        cues.append(f"{index}\n{stamp(start)} --> {stamp(end)}\n" + "\n".join(lines) + "\n")
    return "\n".join(cues)


@settings(max_examples=60, deadline=None)
@given(srt_documents())
def test_any_srt_comes_back_byte_for_byte(document: str) -> None:
    assert identity("srt", document.encode()) == document.encode()


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_any_text_comes_back_byte_for_byte(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return
    assert identity("txt", data) == data


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(SENTENCE, st.sampled_from(["", "b", "em", "a", "code"])), min_size=1, max_size=6))
def test_any_html_paragraphs_keep_their_structure(parts: list[tuple[str, str]]) -> None:
    body = " ".join(
        text if not tag else f'<a href="/x" title="{text}">{text}</a>' if tag == "a" else f"<{tag}>{text}</{tag}>"
        for text, tag in parts
    )
    data = f"<html lang=\"nb\"><body><p>{body}</p><p>{parts[0][0]}</p></body></html>".encode()
    assert html_structure(identity("html", data)) == html_structure(data.replace(b'lang="nb"', b'lang="en"'))


# --- where inline markup goes --------------------------------------------------------------


def _bold_unit() -> Unit:
    unit = Unit()
    unit.add_text("Det blir ")
    opening = unit.open("b")
    unit.add_text("dyrere")
    unit.close(opening, "/b")
    unit.add_text(" å kjøre bil.")
    return unit


def test_markup_follows_the_words_when_the_model_keeps_the_markers() -> None:
    unit = _bold_unit()
    assert unit.text == "Det blir QY1 dyrere QY2 å kjøre bil."
    moved = "Driving becomes QY1 more expensive QY2."
    assert repair(unit.text, moved, unit) == moved
    pieces = decode(moved, unit)
    assert [(p.text, p.stack) for p in pieces] == [("Driving becomes ", ()), ("more expensive", (1,)), (".", ())]


def test_markup_encloses_the_sentence_when_the_model_loses_or_crosses_the_markers() -> None:
    unit = _bold_unit()
    for broken in ("Driving becomes more expensive.", "Driving QY2 becomes QY1 dearer.", "QY1 QY1 Driving QY2."):
        fixed = repair(unit.text, broken, unit)
        pieces = decode(fixed, unit)
        assert len(pieces) == 1 and pieces[0].stack == (1,), (broken, fixed)
        assert pieces[0].text == strip_markers(broken)


def test_several_pieces_of_markup_keep_their_places_when_the_markers_are_lost() -> None:
    unit = Unit()
    first = unit.open("a1")
    unit.add_text("Nyheter")
    unit.close(first)
    unit.add_text(" og ")
    second = unit.open("a2")
    unit.add_text("Sport")
    unit.close(second)
    fixed = repair(unit.text, "News and sports today", unit)
    stacks = [p.stack for p in decode(fixed, unit) if p.text.strip()]
    assert stacks[0] == (1,) and stacks[-1] == (3,) and (1,) not in stacks[1:]  # never a link in a link


# --- broken files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("html", b"<html><body><div><p>Regjeringen la fram budsjettet.</body></html>", ["<div>", "line 1"]),
        ("html", b"<html><body><p>Regjeringen la fram <a href=\"/x\"", ["ends inside a tag"]),
        ("docx", samples.news_docx()[:3000], ["damaged or cut short"]),
        ("docx", b"PK\x03\x04 not really a zip", ["damaged or cut short"]),
        ("srt", samples.SUBTITLES_SRT.replace("00:00:03,600", "00:00:0x,600").encode(), ["Cue 2", "line 6", "bad timing line"]),
        ("srt", b"1\nRegjeringen la fram budsjettet.\n", ["Cue 1", "no timing line"]),
        ("vtt", b"1\n00:00:01.000 --> 00:00:02.000\nHei.\n", ["WEBVTT"]),
        ("md", b"\xff\xfe ikke UTF-8", ["not UTF-8"]),
    ],
)
def test_broken_files_are_refused_with_the_problem_named(name: str, data: bytes, words: list[str]) -> None:
    with pytest.raises(DocumentError) as raised:
        FORMATS[name].read(data)
    for word in words:
        assert word in raised.value.message, raised.value.message


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    bomb = zip_bomb(64 << 20)
    assert len(bomb) < 200_000
    with pytest.raises(FileTooLarge, match="unpacks to 67,108,8.*OVERSETT_MAX_UNZIPPED_BYTES"):
        format_for("bomb.docx", max_unzipped_bytes=16 << 20).read(bomb)


def test_formats_are_chosen_by_extension_or_by_name() -> None:
    assert format_for("a/b/Nyhet.HTM").name == "html"
    assert format_for("notes.markdown").name == "md"
    assert format_for("x.bin", "srt").name == "srt"
    assert format_for("rapport.PDF").name == "pdf" and format_for("bok.epub").name == "epub"
    with pytest.raises(UnsupportedFormat, match=r"'\.rtf' files.*\.docx.*\.pdf"):
        format_for("rapport.rtf")
    with pytest.raises(UnsupportedFormat, match="'doc'"):
        format_for("rapport.txt", "doc")


def test_a_unit_is_repaired_sentence_by_sentence() -> None:
    unit = Unit()
    unit.add_text("Første setning er ")
    opening = unit.open("b")
    unit.add_text("viktig")
    unit.close(opening)
    unit.add_text(". Andre setning er ikke det.")
    sentences = (("Første setning er QY1 viktig QY2.", "The first sentence is important."),
                 ("Andre setning er ikke det.", "The second is not."))
    whole = "The first sentence is important. The second is not."
    fixed = repaired(sentences, whole, unit)
    assert fixed == "QY1 The first sentence is important. QY2 The second is not."
    kept = "The first sentence is QY1 important QY2. The second is not."
    assert repaired(sentences, kept, unit) == kept


def _docx_with_a_comment_and_text_boxes() -> bytes:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph("Regjeringen la fram budsjettet.")
    document.add_comment(paragraph.runs, text="Sjekk dette tallet.", author="desk")
    box = ('<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
           'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
           '<w:p><w:r><w:t>{}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
    document.add_paragraph()._p.append(parse_xml(box.format("Tekst i en boks.")))
    header = document.sections[0].header
    header.is_linked_to_previous = False
    header.add_paragraph()._p.append(parse_xml(box.format("Boks i toppteksten.")))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_comments_and_text_boxes_are_translated() -> None:
    """LibreTranslate #688's kind of gap: text outside the body's paragraphs comes back translated."""
    import docx

    parsed = format_for("a.docx").read(_docx_with_a_comment_and_text_boxes())
    assert {"Tekst i en boks.", "Boks i toppteksten."} <= set(parsed.units)
    assert any("Sjekk dette tallet." in unit for unit in parsed.units)
    document = docx.Document(io.BytesIO(parsed.rebuild([unit.upper() for unit in parsed.units])))
    boxes = [t.text for t in document.element.body.xpath(".//w:txbxContent//w:t")]
    header_boxes = [t.text for t in document.sections[0].header._element.xpath(".//w:txbxContent//w:t")]
    assert boxes == ["TEKST I EN BOKS."] and header_boxes == ["BOKS I TOPPTEKSTEN."]
    assert [c.paragraphs[0].text.strip() for c in document.comments] == ["SJEKK DETTE TALLET."]


def test_a_docx_without_comments_gets_no_comments_part() -> None:
    import zipfile

    data = samples.news_docx(paragraphs=2)
    out = identity("docx", data)
    assert sorted(zipfile.ZipFile(io.BytesIO(out)).namelist()) == sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())
