"""Real files of every document format, built with each format's own library from Norwegian
text: for the tests, the benchmark and trying the document route by hand."""

from __future__ import annotations

import io
from pathlib import Path

NEWS_HTML = """<!DOCTYPE html>
<html lang="nb">
<head>
  <meta charset="utf-8">
  <title>Regjeringen la fram statsbudsjettet</title>
  <style>body { font-family: sans-serif; } /* ikke oversett */</style>
  <script>var melding = "Dette skal ikke oversettes";</script>
</head>
<body>
  <!-- navigasjon -->
  <nav><a href="/nyheter" title="Alle nyhetene">Nyheter</a> | <a href="/sport">Sport</a></nav>
  <article>
    <h1>Regjeringen la fram statsbudsjettet i dag</h1>
    <p>Det blir <b>dyrere</b> å kjøre bil, sier <a href="https://www.regjeringen.no/" class="lenke" id="r1">finansministeren</a> til NTB.</p>
    <img src="bilde.jpg" alt="Finansministeren på talerstolen i Stortinget" width="600">
    <p>Prisen på strøm går ned &amp; skatten går opp&nbsp;neste år.</p>
    <p translate="no">Dagsrevyen</p>
    <pre><code>kode = "uendret"</code></pre>
    <input type="search" placeholder="Søk i nyhetene" aria-label="Søk">
  </article>
</body>
</html>
"""

README_MD = """---
title: Prosjektet
tags: [nyheter]
---
# Om prosjektet

Dette er en **viktig** tjeneste som oversetter [nyheter](https://example.no/nyheter "Nyheter") fra norsk.
Den kjører på `localhost` og trenger ingen nett.

> Sitatet her er *kort* og godt.

- Første punkt i listen.
- Andre punkt med <span>HTML</span> inni.

```python
tekst = "Dette skal ikke oversettes"
```

| Navn | Beskrivelse |
|------|-------------|
| Kari | Journalist i avisen |

Se <https://example.no> for mer.
"""

SUBTITLES_SRT = """1
00:00:01,000 --> 00:00:03,500
Regjeringen la i dag fram

2
00:00:03,600 --> 00:00:06,000
et statsbudsjett som gjør det

3
00:00:06,100 --> 00:00:09,000 X1:100 X2:600 Y1:50 Y2:80
dyrere å kjøre bil i Norge.

4
00:00:09,500 --> 00:00:11,000
<i>Strømprisen går ned.</i>
"""

SUBTITLES_VTT = """WEBVTT - nyheter

NOTE Laget for oversett

1
00:00:01.000 --> 00:00:03.500 align:start position:10%
Regjeringen la i dag fram

00:00:03.600 --> 00:00:06.000
et statsbudsjett som gjør det
dyrere å kjøre bil.

00:06.100 --> 00:09.000
<v Kari>Det er dumt, sier hun.</v>
"""


def news_docx(paragraphs: int = 3) -> bytes:
    """A .docx with a header and footer, a styled heading, bold and italic runs, a hyperlink-free
    body, a table, and ``paragraphs`` paragraphs of news text."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Avisen Nordlys – nyheter fra nord"
    section.footer.paragraphs[0].text = "Side med nyheter fra redaksjonen"
    document.add_heading("Regjeringen la fram statsbudsjettet", level=1)
    texts = [
        "Det blir dyrere å kjøre bil neste år, sier finansministeren.",
        "Prisen på strøm går ned, men skatten på drivstoff går opp.",
        "Opposisjonen mener budsjettet rammer folk i distriktene.",
    ]
    for index in range(paragraphs):
        paragraph = document.add_paragraph(f"Sak {index + 1}: ")
        paragraph.add_run(texts[index % 3]).bold = index % 2 == 0
        tail = paragraph.add_run(" Dette er viktig for mange i Norge.")
        tail.italic = True
        tail.font.size = Pt(11)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Område"
    table.cell(0, 1).text = "Endring"
    table.cell(1, 0).text = "Bilavgift"
    table.cell(1, 1).text = "Går opp med ti prosent"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_of(paragraphs: list[str]) -> bytes:
    """A .docx of these paragraphs; in every third one, the first three words are bold."""
    import docx

    document = docx.Document()
    for index, text in enumerate(paragraphs):
        paragraph = document.add_paragraph()
        if index % 3 == 0:
            words = text.split(" ")
            paragraph.add_run(" ".join(words[:3]) + " ").bold = True
            paragraph.add_run(" ".join(words[3:]))
        else:
            paragraph.add_run(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_samples(folder: Path, every_format: bool = False) -> list[Path]:
    """One file of each text format and .docx in ``folder`` (with ``every_format``, also .pptx,
    .xlsx, .odt, .odp, .epub and .pdf)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "nyhet.html": NEWS_HTML.encode(), "readme.md": README_MD.encode(), "nyhet.docx": news_docx(),
        "nyheter.srt": SUBTITLES_SRT.encode(), "nyheter.vtt": SUBTITLES_VTT.encode(),
        "nyhet.txt": "Regjeringen la fram statsbudsjettet i dag.\n\nDet blir dyrere å kjøre bil.\n".encode(),
    }
    if every_format:
        from . import office_samples

        files |= {
            "nyhet.pptx": office_samples.news_pptx(), "nyhet.xlsx": office_samples.news_xlsx(),
            "nyhet.odt": office_samples.news_odt(), "nyhet.odp": office_samples.news_odp(),
            "nyhet.epub": office_samples.news_epub(), "nyhet.pdf": office_samples.news_pdf(),
        }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]
