"""TMX 1.4b, the translation-memory exchange format of CAT tools: a memory's entries written out
(one ``<tu>`` an entry, in its direction: ``srclang`` on the ``<tu>``, and on the header when every
entry has the same source language; its origin as a ``<prop>``), and read back.

Reading takes TMX 1.1–1.4 (``xml:lang`` or ``lang``) and keeps each unit's direction: the source is
the ``<tuv>`` in the unit's ``srclang`` (the header's when the unit has none), each other ``<tuv>``
whose language makes a pair oversett serves is a target. Language tags are read as CAT tools write
them (``en-US``, ``nb-NO``, ``no``, ``nno`` …). A unit whose direction cannot be told (``srclang``
``*all*`` with both directions possible) or whose languages are no pair oversett serves is refused
with its line, and so is a file that is not well-formed or a unit without both sides: nothing is
stored from such a file.

Inline markup is TMX's own: oversett's markup placeholders are written as ``<ph x="N"/>`` (the text
around them as it is, so reading the file back gives the entry exactly), and ``<ph>``, ``<it>``,
``<bpt>``/``<ept>`` read as placeholders; ``<hi>`` keeps its text, ``<ut>`` is left out. A round trip,
export then import, gives the same entries: direction, text, markup, times, author and origin.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from ..domain.errors import DocumentError
from ..domain.memory import MemoryEntry
from ..domain.pairs import language_of_tag, pair_label, served_pairs
from ..domain.spans import MARKUP, MARKUP_PLACEHOLDER

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CODES = frozenset({"ph", "it", "bpt", "ept"})


def _stamp(seconds: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(seconds or time.time()))


def _seconds(stamp: str | None) -> float:
    try:
        return float(time.mktime(time.strptime(stamp or "", "%Y%m%dT%H%M%SZ"))) - time.timezone
    except ValueError:
        return 0.0


def tmx_of(entries: Iterable[MemoryEntry], version: str = "0.1.0") -> bytes:
    """The entries as a TMX 1.4b document (it validates against the TMX 1.4b DTD), each unit in
    its own direction."""
    from lxml import etree

    entries = list(entries)
    languages = Counter(e.source_lang for e in entries)
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root, "header", creationtool="oversett", creationtoolversion=version, segtype="sentence", **{"o-tmf": "oversett"},
        adminlang="en", srclang=next(iter(languages)) if len(languages) == 1 else "*all*", datatype="plaintext",
        creationdate=_stamp(time.time()),
    )
    body = etree.SubElement(root, "body")
    for entry in entries:
        unit = etree.SubElement(body, "tu", srclang=entry.source_lang, creationdate=_stamp(entry.created),
                                changedate=_stamp(entry.changed))
        if entry.id is not None:
            unit.set("tuid", str(entry.id))
        unit.set("creationid", entry.author)  # also when empty: the entry had no author (an open service)
        unit.set("changeid", entry.author)
        etree.SubElement(unit, "prop", type="x-origin").text = entry.origin
        for lang, text in ((entry.source_lang, entry.source), (entry.target_lang, entry.target)):
            variant = etree.SubElement(unit, "tuv")
            variant.set(XML_LANG, lang)
            _write_segment(etree.SubElement(variant, "seg"), text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True,
                          doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">')


def _write_segment(seg: Any, text: str) -> None:
    """Text with markup placeholders into a ``<seg>``: the text, and a ``<ph x="N"/>`` for each."""
    from lxml import etree

    seg.text, last, position = "", None, 0
    for match in MARKUP_PLACEHOLDER.finditer(text):
        chunk = text[position:match.start()]
        if last is None:
            seg.text += chunk
        else:
            last.tail = (last.tail or "") + chunk
        last = etree.SubElement(seg, "ph", x=match.group(1))
        position = match.end()
    if last is None:
        seg.text += text[position:]
    else:
        last.tail = (last.tail or "") + text[position:]


def _segment_text(seg: Any, numbers: dict[tuple[str, str], int], assign: bool) -> str:
    """A ``<seg>``'s text with its inline codes as markup placeholders: numbered in the source
    (``assign``; a numeric ``x`` keeps its number), and the target's codes matched to them."""
    parts = [seg.text or ""]
    counts: Counter[str] = Counter()
    for child in seg:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _CODES:
            counts[tag] += 1
            key = _code_key(child, tag, counts[tag])
            if assign and key not in numbers:
                wanted = child.get("x", "")
                taken = set(numbers.values())
                numbers[key] = int(wanted) if tag == "ph" and wanted.isdigit() and int(wanted) not in taken else max(taken, default=0) + 1
            if key in numbers:  # spaced as oversett's own markers are: an opening one before a word, a closing one after
                marker = MARKUP.format(numbers[key])
                parts.append(f"{marker} " if tag == "bpt" and not (child.tail or " ")[0].isspace() else
                             f" {marker}" if tag == "ept" and parts[-1][-1:].strip() else marker)
        elif tag == "hi":
            parts.append(_segment_text(child, numbers, assign))
        parts.append(child.tail or "")
    return "".join(parts)


def _code_key(code: Any, tag: str, ordinal: int) -> tuple[str, str]:
    if tag in ("bpt", "ept"):
        return (tag, code.get("i") or str(ordinal))
    return (tag, code.get("x") or f"#{ordinal}")


def _lang(element: Any) -> str:
    return element.get(XML_LANG) or element.get("lang") or ""


def _pairs_text() -> str:
    return ", ".join(pair_label(s, t) for s, t in served_pairs())


def _directions(unit: Any, declared: str, variants: list[tuple[str | None, str, Any]]) -> list[tuple[int, int]]:
    """(source, target) indexes into ``variants`` for the unit's entries; DocumentError naming the
    unit when its direction cannot be told or is no pair oversett serves."""
    served = set(served_pairs())
    where = f"The TMX file's <tu> on line {unit.sourceline}"
    if declared and declared != "*all*":
        source = language_of_tag(declared)
        if source is None:
            raise DocumentError(f"{where} has srclang '{declared}': oversett's memories hold the pairs {_pairs_text()}.")
        sources = [i for i, (code, _, _) in enumerate(variants) if code == source]
        if not sources:
            raise DocumentError(f"{where} has no <tuv> in its source language '{declared}'.")
        targets = [i for i, (code, _, _) in enumerate(variants) if code is not None and (source, code) in served]
        if not targets:
            found = ", ".join(raw for _, raw, _ in variants if language_of_tag(raw) != source) or "none"
            raise DocumentError(
                f"{where} goes from '{declared}' into {found}: no pair oversett serves (pairs: {_pairs_text()})."
            )
        return [(sources[0], t) for t in targets]
    possible = [(i, j) for i, (a, _, _) in enumerate(variants) for j, (b, _, _) in enumerate(variants)
                if i != j and (a, b) in served]
    if len({(variants[i][0], variants[j][0]) for i, j in possible}) == 1:
        return possible[:1]
    what = f"srclang is '{declared}'" if declared else "it has no srclang, nor has the header"
    if not possible:
        found = ", ".join(raw for _, raw, _ in variants) or "none"
        raise DocumentError(f"{where} has <tuv>s in {found}: no pair oversett serves (pairs: {_pairs_text()}).")
    raise DocumentError(
        f"{where} does not say which side is the source ({what}), and it could go "
        + " or ".join(sorted({pair_label(variants[i][0] or "", variants[j][0] or "") for i, j in possible}))
        + ": set srclang on the <header> or on the <tu>."
    )


def entries_from_tmx(data: bytes, origin: str = "import", author: str = "") -> list[MemoryEntry]:
    """The file's translation units as entries, each in its own direction; DocumentError naming
    the line of the first problem. A unit's author (``creationid``, also when empty) and origin
    (its ``x-origin`` prop) are kept when the file has them; else ``author`` and ``origin``."""
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
    default_source = header.get("srclang", "") if header is not None else ""
    entries = []
    for unit in body.iter("tu"):
        variants = [(language_of_tag(_lang(v)), _lang(v), v.find("seg")) for v in unit.iter("tuv")]
        if len(variants) < 2:
            only = f" ({variants[0][1] or 'no language'})" if variants else ""
            raise DocumentError(
                f"The TMX file's <tu> on line {unit.sourceline} has {'only one <tuv>' if variants else 'no <tuv>'}{only}: "
                "it needs a source and its translation."
            )
        for source_index, target_index in _directions(unit, unit.get("srclang") or default_source, variants):
            entries.append(_entry(unit, variants[source_index], variants[target_index], origin, author))
    if not entries:
        raise DocumentError("The TMX file has no translation units (<tu>).")
    return entries


def _entry(unit: Any, source: tuple[str | None, str, Any], target: tuple[str | None, str, Any], origin: str, author: str) -> MemoryEntry:
    for code, raw, seg in (source, target):
        if seg is None:
            raise DocumentError(f"The TMX file's <tuv xml:lang=\"{raw}\"> in the <tu> on line {unit.sourceline} has no <seg>.")
    numbers: dict[tuple[str, str], int] = {}
    source_text = _segment_text(source[2], numbers, assign=True).strip()
    target_text = _segment_text(target[2], numbers, assign=False).strip()
    if not source_text or not target_text:
        raise DocumentError(f"The TMX file's <tu> on line {unit.sourceline} has an empty <seg>.")
    kept_origin = next((p.text for p in unit.iter("prop") if p.get("type") == "x-origin" and p.text in ("correction", "import")), None)
    written_by = unit.get("creationid")
    return MemoryEntry(
        source_text, target_text, target[0] or "en", source[0] or "nb", author if written_by is None else written_by,
        kept_origin or origin, _seconds(unit.get("creationdate")), _seconds(unit.get("changedate")),
    )
