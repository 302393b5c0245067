"""Flagged sentences marked in the file on request (mark_flagged): a Word comment, a highlight
with the reason as its title in HTML, XHTML, EPUB and Markdown; formats that cannot carry marks
say so (X-Oversett-Marked-Segments: 0), and the file is as it would be without the option."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from service.domain.protocols import TranslatedUnit
from service.formats import format_for
from service.tools import office_samples, samples

NOTE = "oversett flagged «It is 31 degrees»: A number of the source is missing: 30."


def with_notes(name: str, data: bytes, flagged: set[int]) -> bytes:
    parsed = format_for(f"x.{name}").read(data)
    return parsed.write([TranslatedUnit(u, notes=(NOTE,) if i in flagged else ()) for i, u in enumerate(parsed.units)])


def test_html_gets_a_highlight_with_the_reason_and_nothing_else_changes() -> None:
    data = b'<html lang="nb"><body><h1>Overskrift</h1>\n<p>Det er <b>30</b> grader.</p></body></html>'
    out = with_notes("html", data, {1})
    assert out == data.replace(b'lang="nb"', b'lang="en"').replace(
        b"<p>Det er <b>30</b> grader.</p>",
        b'<p><mark class="oversett-flagged" title="oversett flagged \xc2\xabIt is 31 degrees\xc2\xbb: A number of the source '
        b'is missing: 30.">Det er <b>30</b> grader.</mark></p>',
    )


def test_markdown_and_epub_get_the_same_highlight() -> None:
    markdown = with_notes("md", b"# Tittel\n\nDet er 30 grader\ni Oslo.\n", {1})
    assert markdown == (b'# Tittel\n\n<mark class="oversett-flagged" title="oversett flagged \xc2\xabIt is 31 degrees\xc2\xbb: '
                        b'A number of the source is missing: 30.">Det er 30 grader\ni Oslo.</mark>\n')
    parsed = format_for("x.epub").read(office_samples.news_epub())
    book = with_notes("epub", office_samples.news_epub(), set(range(len(parsed.units))))
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        chapters = [archive.read(n) for n in archive.namelist() if n.endswith(".xhtml")]
    marks = sum(c.count(b'<mark class="oversett-flagged"') for c in chapters)
    assert 0 < marks < len(parsed.units)  # the chapters' units; the book's title and table of contents have no markup


def test_word_gets_a_comment_by_oversett() -> None:
    import docx

    out = with_notes("docx", samples.news_docx(paragraphs=2), {0, 2})
    comments = list(docx.Document(io.BytesIO(out)).comments)
    assert [(c.author, c.text) for c in comments] == [("oversett", NOTE)] * 2


@pytest.mark.parametrize("name", ["txt", "srt", "pdf", "pptx", "xlsx"])
def test_a_format_that_cannot_carry_marks_is_written_as_without_them(name: str) -> None:
    data = {"txt": "Det er 30 grader.\n".encode(), "srt": samples.SUBTITLES_SRT.encode(), "pdf": office_samples.news_pdf(),
            "pptx": office_samples.news_pptx(), "xlsx": office_samples.news_xlsx()}[name]
    parsed = format_for(f"x.{name}").read(data)
    assert not parsed.marks
    plain = parsed.write([TranslatedUnit(u) for u in parsed.units])
    again = format_for(f"x.{name}").read(data)
    assert again.write([TranslatedUnit(u, notes=(NOTE,)) for u in again.units]) == plain


def test_the_document_route_marks_on_request_and_says_how_many(client: Any) -> None:
    html = "<html><body><p>Regjeringen la fram budsjettet i dag, 70 000 kroner mer.</p></body></html>".encode()
    plain = client.post("/v1/translate/document", files={"file": ("a.html", html)}, data={"source_lang": "nb"})
    marked = client.post("/v1/translate/document", files={"file": ("a.html", html)},
                         data={"source_lang": "nb", "mark_flagged": "true"})
    flagged = int(marked.headers["x-oversett-flagged-segments"])
    assert flagged >= 1  # the tiny model's gibberish loses the number
    assert marked.headers["x-oversett-marked-segments"] == str(flagged) and plain.headers["x-oversett-marked-segments"] == "0"
    assert b"oversett-flagged" in marked.content and b"oversett-flagged" not in plain.content
    text = client.post("/v1/translate/document", files={"file": ("a.txt", "Det er 70 000 kroner.\n".encode())},
                       data={"source_lang": "nb", "mark_flagged": "true"})
    assert text.headers["x-oversett-marked-segments"] == "0"
