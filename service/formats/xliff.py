"""XLIFF for post-editing a machine-translated document in a CAT tool: every segment's source
and machine translation, in XLIFF 2.0 (or 1.2, which older tools need). The machine translation is
also kept in a note, so what a translator changed can be told on the way back: reading a file gives
the segments whose target differs from it (all segments with a target, for an XLIFF oversett did
not write). A document's inline markup (``QY1`` … in a segment) is written as XLIFF placeholders
(``<ph id="1"/>``, ``<x id="1"/>``) and read back as markers, so the segments match the document's
sentences exactly when it is translated again; the note holds the machine translation as text, its
markup left out, as a CAT tool shows it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..domain.errors import DocumentError
from ..domain.memory import MemoryEntry
from ..domain.pairs import language_of_tag, pair_label, served_pairs
from ..domain.spans import MARKUP, MARKUP_PLACEHOLDER, plain_text

XLIFF_2 = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"
MT_NOTE = "oversett-mt"
VERSIONS = ("2.0", "1.2")


def _fill(element: Any, text: str, placeholder: str, ns: str) -> None:
    """Text with markers into an element: text, and a placeholder element for each marker."""
    from lxml import etree

    position = 0
    last = None
    element.text = ""
    for match in MARKUP_PLACEHOLDER.finditer(text):
        chunk = text[position : match.start()]
        if last is None:
            element.text += chunk
        else:
            last.tail = (last.tail or "") + chunk
        last = etree.SubElement(element, f"{{{ns}}}{placeholder}", id=match.group(1))
        position = match.end()
    rest = text[position:]
    if last is None:
        element.text += rest
    else:
        last.tail = (last.tail or "") + rest


def xliff_of(
    original: str, segments: Sequence[tuple[str, str]], source_lang: str, version: str = "2.0", target_lang: str = "en"
) -> bytes:
    """The segments (source, machine translation) of one document as XLIFF 2.0 or 1.2."""
    from lxml import etree

    lang = source_lang if source_lang in ("nb", "nn", "da", "sv", "en") else "nb"
    if target_lang != "en":
        lang = "en"
    if version == "2.0":
        root = etree.Element(f"{{{XLIFF_2}}}xliff", nsmap={None: XLIFF_2}, version="2.0", srcLang=lang, trgLang=target_lang)
        file = etree.SubElement(root, f"{{{XLIFF_2}}}file", id="f1", original=original)
        for number, (source, target) in enumerate(segments, 1):
            unit = etree.SubElement(file, f"{{{XLIFF_2}}}unit", id=f"u{number}")
            notes = etree.SubElement(unit, f"{{{XLIFF_2}}}notes")
            etree.SubElement(notes, f"{{{XLIFF_2}}}note", category=MT_NOTE).text = plain_text(target)
            segment = etree.SubElement(unit, f"{{{XLIFF_2}}}segment", state="translated")
            _fill(etree.SubElement(segment, f"{{{XLIFF_2}}}source"), source, "ph", XLIFF_2)
            _fill(etree.SubElement(segment, f"{{{XLIFF_2}}}target"), target, "ph", XLIFF_2)
    elif version == "1.2":
        root = etree.Element(f"{{{XLIFF_12}}}xliff", nsmap={None: XLIFF_12}, version="1.2")
        file = etree.SubElement(root, f"{{{XLIFF_12}}}file", original=original, datatype="plaintext",
                                **{"source-language": lang, "target-language": target_lang})
        body = etree.SubElement(file, f"{{{XLIFF_12}}}body")
        for number, (source, target) in enumerate(segments, 1):
            unit = etree.SubElement(body, f"{{{XLIFF_12}}}trans-unit", id=str(number))
            _fill(etree.SubElement(unit, f"{{{XLIFF_12}}}source"), source, "x", XLIFF_12)
            target_element = etree.SubElement(unit, f"{{{XLIFF_12}}}target", state="translated")
            _fill(target_element, target, "x", XLIFF_12)
            etree.SubElement(unit, f"{{{XLIFF_12}}}note", **{"from": MT_NOTE}).text = plain_text(target)
    else:
        raise ValueError(f"XLIFF version {version} (oversett writes {' and '.join(VERSIONS)})")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _text(element: Any) -> str:
    """An element's text with placeholders as markers; other inline elements' text kept."""
    parts = [element.text or ""]
    for child in element:
        name = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if name in ("ph", "x") and (child.get("id") or "").isdigit():
            parts.append(MARKUP.format(child.get("id")))
        elif name not in ("ph", "x", "bx", "ex", "sc", "ec"):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _target(code: str) -> str | None:
    """oversett's code of an XLIFF target language (en-GB → en, nb-NO → nb, no → nb), or None."""
    found = language_of_tag(code)
    return found if found in ("en", "nb", "nn") else None


def entries_from_xliff(data: bytes, author: str = "") -> list[MemoryEntry]:
    """The segments a translator changed (target ≠ the machine translation in the note), or
    every translated segment of an XLIFF without those notes; DocumentError naming the line or
    element of the first problem."""
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError as exc:
        raise DocumentError(f"The XLIFF file is not well-formed XML: {exc}.") from exc
    if root.tag == f"{{{XLIFF_2}}}xliff":
        ns, lang, target_lang = XLIFF_2, root.get("srcLang", "nb"), root.get("trgLang", "")
        if _target(target_lang) is None:
            raise DocumentError(
                f"The XLIFF file's trgLang is '{target_lang}' (line {root.sourceline}); oversett's memories hold "
                "English, Bokmål (nb) or Nynorsk (nn) translations."
            )
        pairs = []
        for unit in root.iter(f"{{{ns}}}unit"):
            note = next((n.text or "" for n in unit.iter(f"{{{ns}}}note") if n.get("category") == MT_NOTE), None)
            segments = list(unit.iter(f"{{{ns}}}segment"))
            if not segments:
                raise DocumentError(f"The XLIFF file's <unit id=\"{unit.get('id')}\"> on line {unit.sourceline} has no <segment>.")
            for segment in segments:
                pairs.append((segment, segment.find(f"{{{ns}}}source"), segment.find(f"{{{ns}}}target"), note if len(segments) == 1 else None))
    elif root.tag == f"{{{XLIFF_12}}}xliff":
        ns = XLIFF_12
        file = root.find(f"{{{ns}}}file")
        if file is None:
            raise DocumentError(f"The XLIFF file has no <file> (line {root.sourceline}).")
        lang, target_lang = file.get("source-language", "nb"), file.get("target-language", "en")
        if _target(target_lang) is None:
            raise DocumentError(
                f"The XLIFF file's target-language is '{target_lang}' (line {file.sourceline}); oversett's memories hold "
                "English, Bokmål (nb) or Nynorsk (nn) translations."
            )
        pairs = []
        for unit in root.iter(f"{{{ns}}}trans-unit"):
            note = next((n.text or "" for n in unit.iter(f"{{{ns}}}note") if n.get("from") == MT_NOTE), None)
            pairs.append((unit, unit.find(f"{{{ns}}}source"), unit.find(f"{{{ns}}}target"), note))
    else:
        raise DocumentError(f"The file is not XLIFF 2.0 or 1.2: its root element is <{root.tag}> (line {root.sourceline}).")
    source_code, target_code = language_of_tag(lang), _target(target_lang) or "en"
    if (source_code, target_code) not in served_pairs():
        raise DocumentError(
            f"The XLIFF file goes from '{lang}' into '{target_lang}' (line {root.sourceline}): no pair oversett's memories "
            f"hold ({', '.join(pair_label(s, t) for s, t in served_pairs())})."
        )
    entries = []
    for holder, source, target, machine in pairs:
        if source is None:
            raise DocumentError(f"The XLIFF file's <{holder.tag.rsplit('}', 1)[-1]}> on line {holder.sourceline} has no <source>.")
        if target is None or not _squeezed(_text(target)):
            continue  # not translated: nothing to keep
        source_text, target_text = _squeezed(_text(source)), _squeezed(_text(target))
        if machine is not None and _squeezed(plain_text(machine)) == _squeezed(plain_text(target_text)):
            continue  # the machine's translation, unchanged
        entries.append(MemoryEntry(source_text, target_text, target_code, source_code or "nb", author, "import"))
    return entries
