"""TMX 1.4b, the translation-memory exchange format of CAT tools: a memory's entries written out
(one ``<tu>`` an entry, its origin as a ``<prop>``), and read back. Reading takes TMX 1.1–1.4
(``xml:lang`` or ``lang``), the source being the ``<tuv>`` in the file's source language and the
target the English one; inline codes (``<ph>``, ``<bpt>`` …) are left out of the text. A file
that is not well-formed, or a ``<tu>`` without both sides, is refused whole with its line: nothing
is stored from a broken file."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from ..domain.errors import DocumentError
from ..domain.memory import MemoryEntry

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CODES = frozenset({"ph", "bpt", "ept", "it", "ut"})


def _stamp(seconds: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(seconds or time.time()))


def _seconds(stamp: str | None) -> float:
    try:
        return float(time.mktime(time.strptime(stamp or "", "%Y%m%dT%H%M%SZ"))) - time.timezone
    except ValueError:
        return 0.0


def tmx_of(entries: Iterable[MemoryEntry], version: str = "0.1.0") -> bytes:
    """The entries as a TMX 1.4b document (it validates against the TMX 1.4b DTD)."""
    from lxml import etree

    entries = list(entries)
    languages = Counter(e.source_lang for e in entries)
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root, "header", creationtool="oversett", creationtoolversion=version, segtype="sentence", **{"o-tmf": "oversett"},
        adminlang="en", srclang=languages.most_common(1)[0][0] if len(languages) == 1 else "*all*", datatype="plaintext",
        creationdate=_stamp(time.time()),
    )
    body = etree.SubElement(root, "body")
    for entry in entries:
        unit = etree.SubElement(body, "tu", srclang=entry.source_lang, creationdate=_stamp(entry.created),
                                changedate=_stamp(entry.changed))
        if entry.id is not None:
            unit.set("tuid", str(entry.id))
        if entry.author:
            unit.set("creationid", entry.author)
            unit.set("changeid", entry.author)
        etree.SubElement(unit, "prop", type="x-origin").text = entry.origin
        for lang, text in ((entry.source_lang, entry.source), (entry.target_lang, entry.target)):
            variant = etree.SubElement(unit, "tuv")
            variant.set(XML_LANG, lang)
            etree.SubElement(variant, "seg").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True,
                          doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">')


def _text(seg: Any) -> str:
    parts = [seg.text or ""]
    for child in seg:
        if child.tag not in _CODES:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _lang(element: Any) -> str:
    return (element.get(XML_LANG) or element.get("lang") or "").lower()


def entries_from_tmx(data: bytes, origin: str = "import", author: str = "") -> list[MemoryEntry]:
    """The file's translation units as entries (Norwegian → English); DocumentError naming the
    line of the first problem."""
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError as exc:
        raise DocumentError(f"The TMX file is not well-formed XML: {exc}.") from exc
    if root.tag != "tmx":
        raise DocumentError(f"The file is not TMX: its root element is <{root.tag}> (line {root.sourceline}), not <tmx>.")
    header, body = root.find("header"), root.find("body")
    if body is None:
        raise DocumentError("The TMX file has no <body>.")
    default_source = (header.get("srclang", "") if header is not None else "").lower()
    entries = []
    for unit in body.iter("tu"):
        variants = [(_lang(v), v.find("seg")) for v in unit.iter("tuv")]
        source_lang = (unit.get("srclang") or default_source).lower()
        english = [(lang, seg) for lang, seg in variants if lang.split("-")[0] == "en"]
        others = [(lang, seg) for lang, seg in variants if lang.split("-")[0] != "en"]
        if source_lang and source_lang != "*all*":
            others = [(lang, seg) for lang, seg in others if lang.split("-")[0] == source_lang.split("-")[0]] or others
        if not english or not others:
            missing = "English <tuv>" if not english else "<tuv> in the source language"
            raise DocumentError(f"The TMX file's <tu> on line {unit.sourceline} has no {missing}.")
        for lang, seg in (english[0], others[0]):
            if seg is None:
                raise DocumentError(f"The TMX file's <tuv xml:lang=\"{lang}\"> in the <tu> on line {unit.sourceline} has no <seg>.")
        source, target = _text(others[0][1]).strip(), _text(english[0][1]).strip()
        if not source or not target:
            raise DocumentError(f"The TMX file's <tu> on line {unit.sourceline} has an empty <seg>.")
        language = others[0][0].split("-")[0]
        entries.append(MemoryEntry(
            source, target, "en", language if language in ("nb", "nn", "no", "da", "sv") else "nb", author, origin,
            _seconds(unit.get("creationdate")), _seconds(unit.get("changedate")),
        ))
    if not entries:
        raise DocumentError("The TMX file has no translation units (<tu>).")
    return entries
