"""A file whose bytes are not what its name or the format field says is told as what it is, with
the format to send it as: a Word file sent as HTML, a program named .html, an HTML page named
.docx, a PDF named .txt. Before, html.parser read a zip as text in some language ("looks like
Yoruba") and a zip reader called an HTML page a damaged Word file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from service.domain.errors import DocumentError
from service.formats import format_for
from service.tools import office_samples, samples

PROGRAM = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 40


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("nyhet.html", PROGRAM, "The file is a program (an ELF executable), not HTML."),
        ("nyhet.txt", PROGRAM, "The file is a program (an ELF executable), not plain text."),
        ("nyhet.html", samples.news_docx(paragraphs=2), "The file is a Word document (.docx), not HTML. Send it named .docx, or with format=docx."),
        ("nyhet.md", office_samples.news_pdf(), "The file is a PDF, not Markdown. Send it named .pdf, or with format=pdf."),
        ("nyhet.docx", samples.NEWS_HTML.encode(), "The file is an HTML page, not a Word document (.docx). Send it named .html, or with format=html."),
        ("nyhet.pdf", samples.SUBTITLES_SRT.encode(), "The file is SubRip subtitles (.srt), not a PDF. Send it named .srt, or with format=srt."),
        ("bilde.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "The file is a PNG image, not plain text. oversett does not read text in images."),
        ("gammel.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "The file is an old Microsoft Office file (.doc, .xls or .ppt), not a Word document (.docx). Save it as .docx, .xlsx or .pptx."),
    ],
)
def test_the_bytes_say_what_the_file_is(name: str, data: bytes, said: str) -> None:
    with pytest.raises(DocumentError) as refused:
        format_for(name).read(data)
    assert refused.value.message == said


def test_a_file_of_the_kind_asked_for_is_read_as_before() -> None:
    assert format_for("nyhet.docx").read(samples.news_docx(paragraphs=2)).units
    assert format_for("nyhet.txt").read("Det regner i Bergen.\n".encode()).units


def test_the_api_and_the_cli_say_it_each_in_their_own_words(client: Any, tiny_models: dict[str, Path], tmp_path: Path) -> None:
    docx = samples.news_docx(paragraphs=2)
    answer = client.post("/v1/translate/document", files={"file": ("nyhet.docx", docx)}, data={"format": "html"})
    assert answer.status_code == 422
    assert answer.json()["detail"] == "The file is a Word document (.docx), not HTML. Send it named .docx, or with format=docx."
    program = client.post("/v1/translate/document", files={"file": ("side.html", PROGRAM)})
    assert program.status_code == 422 and "program" in program.json()["detail"] and "looks like" not in program.json()["detail"]
    (tmp_path / "nyhet.html").write_bytes(docx)
    env = {"OVERSETT_TRANSLATOR": str(tiny_models["translator"]), "OVERSETT_SUMMARIZER": "none", "OVERSETT_EN_TRANSLATOR": "none",
           "OVERSETT_BACKEND": "torch", "OVERSETT_CACHE": "none", "OVERSETT_JOBS_DB": str(tmp_path / "db.sqlite3"), "HF_HUB_OFFLINE": "1",
           "PATH": "/usr/bin:/bin"}
    cli = subprocess.run([sys.executable, "-m", "service", "translate", str(tmp_path / "nyhet.html")], env=env,
                         capture_output=True, text=True, timeout=300)
    assert cli.returncode == 2
    assert "nyhet.html: The file is a Word document (.docx), not HTML. Give it a .docx name, or add --format docx." in cli.stderr
