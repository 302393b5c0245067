"""Translation memories in their exchange formats keep their meaning: each TMX unit's direction
comes from the file (srclang and the <tuv> languages, as CAT tools write them), a unit whose
direction cannot be told or is no pair oversett serves is refused by its line, inline markup is
TMX's own <ph> codes (never oversett's placeholders), and an export read back is the same memory."""

from __future__ import annotations

import re

import pytest

from service.domain.errors import DocumentError
from service.domain.memory import MemoryEntry
from service.formats.tmx import entries_from_tmx, tmx_of
from service.formats.xliff import entries_from_xliff, xliff_of

EVERY_DIRECTION = [
    MemoryEntry("Det regner.", "It is raining.", "en", "nb", "key:aaaa", "correction", 1796600000.0, 1796600100.0),
    MemoryEntry("Det regnar.", "It is raining.", "en", "nn", "key:bbbb", "import", 1796600200.0, 1796600200.0),
    MemoryEntry("Det regner.", "It's raining.", "en", "da", "", "correction", 1796600300.0, 1796600300.0),
    MemoryEntry("Det regnar.", "It rains.", "en", "sv", "", "correction", 1796600400.0, 1796600400.0),
    MemoryEntry("It is raining.", "Det regner.", "nb", "en", "key:cccc", "correction", 1796600500.0, 1796600600.0),
    MemoryEntry("It is raining.", "Det regnar.", "nn", "en", "key:cccc", "correction", 1796600700.0, 1796600700.0),
    MemoryEntry("QY1 Det var kaldt. QY2", "QY1 It was cold. QY2", "en", "nb", "", "import", 1796600800.0, 1796600800.0),
]


def _body(tmx: bytes) -> bytes:
    """The units of a TMX file, without the store's ids (a new memory numbers its own)."""
    return re.sub(rb' tuid="\d+"', b"", tmx[tmx.index(b"<body>"):])


def test_an_export_read_back_is_the_same_memory_in_every_direction() -> None:
    exported = tmx_of(EVERY_DIRECTION)
    back = entries_from_tmx(exported, author="key:importer")
    assert back == EVERY_DIRECTION  # direction, text, markup, times, author and origin
    assert _body(tmx_of(back)) == _body(exported)


def test_english_into_bokmal_comes_back_english_into_bokmal() -> None:
    """Before, the non-English side was always taken as the source: this entry came back nb → en."""
    (entry,) = entries_from_tmx(tmx_of([MemoryEntry("It is raining.", "Det regner.", "nb", "en")]))
    assert (entry.source_lang, entry.target_lang, entry.source, entry.target) == ("en", "nb", "It is raining.", "Det regner.")


CAT_TOOL = b"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="SomeCAT" creationtoolversion="9" segtype="sentence" o-tmf="x" adminlang="en-US"
 srclang="en-US" datatype="plaintext"/>
<body>
<tu creationdate="20260101T120000Z" creationid="ANNA"><tuv xml:lang="en-US"><seg>The <bpt i="1">&lt;b&gt;</bpt>budget<ept i="1">&lt;/b&gt;</ept> is ready.</seg></tuv>
<tuv xml:lang="nb-NO"><seg>Budsjettet er <bpt i="1">&lt;b&gt;</bpt>klart<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>
<tuv xml:lang="nn-NO"><seg>Budsjettet er klart.</seg></tuv></tu>
<tu srclang="no"><tuv xml:lang="no"><seg>Hei.</seg></tuv><tuv xml:lang="en-GB"><seg>Hello.</seg></tuv></tu>
</body></tmx>"""


def test_a_cat_tools_memory_is_stored_in_its_own_directions() -> None:
    first, second, third = entries_from_tmx(CAT_TOOL, author="key:me")
    assert (first.source_lang, first.target_lang, second.target_lang) == ("en", "nb", "nn")  # one unit, two targets
    assert (first.source, first.target) == ("The QY1 budget QY2 is ready.", "Budsjettet er QY1 klart QY2.")
    assert (first.author, first.origin) == ("ANNA", "import")  # its own author; no origin of oversett's
    assert (third.source_lang, third.target_lang, third.author) == ("nb", "en", "key:me")  # srclang on the unit wins


@pytest.mark.parametrize(
    ("unit", "said"),
    [
        (b'<tu><tuv xml:lang="en"><seg>Hi.</seg></tuv><tuv xml:lang="nb"><seg>Hei.</seg></tuv></tu>',
         r"<tu> on line 3 does not say which side is the source \(srclang is '\*all\*'\), and it could go en-nb or nb-en: "
         r"set srclang on the <header> or on the <tu>"),
        (b'<tu srclang="de-DE"><tuv xml:lang="de-DE"><seg>Hallo.</seg></tuv><tuv xml:lang="en"><seg>Hi.</seg></tuv></tu>',
         r"<tu> on line 3 has srclang 'de-DE': oversett's memories hold the pairs nb-en, nn-en, da-en, sv-en, en-nb, en-nn"),
        (b'<tu srclang="da"><tuv xml:lang="da"><seg>Hej.</seg></tuv><tuv xml:lang="nb"><seg>Hei.</seg></tuv></tu>',
         r"<tu> on line 3 goes from 'da' into nb: no pair oversett serves"),
        (b'<tu srclang="en"><tuv xml:lang="nb"><seg>Hei.</seg></tuv><tuv xml:lang="nn"><seg>Hei.</seg></tuv></tu>',
         r"<tu> on line 3 has no <tuv> in its source language 'en'"),
    ],
)
def test_a_unit_whose_direction_cannot_be_told_or_served_is_refused_by_its_line(unit: bytes, said: str) -> None:
    data = b'<tmx version="1.4"><header srclang="*all*"/>\n<body>\n' + unit + b"\n</body></tmx>"
    with pytest.raises(DocumentError, match=said):
        entries_from_tmx(data)


def test_all_is_fine_when_only_one_direction_is_served() -> None:
    data = (b'<tmx version="1.4"><header srclang="*all*"/><body><tu><tuv xml:lang="en"><seg>Hi.</seg></tuv>'
            b'<tuv xml:lang="sv"><seg>Hej.</seg></tuv></tu></body></tmx>')
    (entry,) = entries_from_tmx(data)
    assert (entry.source_lang, entry.target_lang) == ("sv", "en")  # English does not go into Swedish


def test_markup_is_written_as_tmx_codes_never_as_oversetts_placeholders() -> None:
    exported = tmx_of([EVERY_DIRECTION[-1]]).decode()
    assert "QY" not in exported
    assert '<seg><ph x="1"/> Det var kaldt. <ph x="2"/></seg>' in exported


def test_an_xliff_segment_with_markup_keeps_it_for_documents_and_an_english_source_goes_into_norwegian() -> None:
    data = xliff_of("story.docx", [("The QY1 budget QY2 is ready.", "Budsjettet er QY1 klart QY2.")], "en", "2.0", "nn")
    head, _, tail = data.rpartition(b"klart")  # the target; the note before it keeps the machine's
    edited = head + b"ferdig" + tail
    (entry,) = entries_from_xliff(edited)
    assert (entry.source_lang, entry.target_lang) == ("en", "nn")
    assert entry.target == "Budsjettet er QY1 ferdig QY2."
    assert b"QY" not in tmx_of([entry])
