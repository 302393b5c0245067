"""EPUB (.epub): every XHTML document of the book (chapters and the navigation document) goes
through the XHTML format, which translates what the HTML format does; the package's title and
description and the old-style table of contents' labels (NCX) are translated as plain text, and
the book's language becomes ``en``. Every other part of the container (images, styles, fonts, the
uncompressed ``mimetype`` first) and every document with nothing to translate is written back
byte for byte.
"""

from __future__ import annotations

import posixpath
from typing import Any
from urllib.parse import unquote

from ..domain.errors import DocumentError
from .base import Notes, Parsed, plain_unit, target_language
from .html import Xhtml
from .inline import Unit
from .package import Package
from .runs import has_words

_CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
_OPF = "http://www.idpf.org/2007/opf"
_DC = "http://purl.org/dc/elements/1.1/"
_NCX = "http://www.daisy.org/z3986/2005/ncx/"


class Epub:
    name = "epub"
    extensions = (".epub",)
    media_type = "application/epub+zip"
    binary = True

    def __init__(self, max_unzipped_bytes: int = 200 * 1024 * 1024) -> None:
        self.max_unzipped_bytes = max_unzipped_bytes

    def read(self, data: bytes) -> Parsed:
        package = Package(data, "EPUB (.epub)", ["META-INF/container.xml"], self.max_unzipped_bytes)
        rootfile = package.xml("META-INF/container.xml").find(f".//{{{_CONTAINER}}}rootfile")
        opf_name = rootfile.get("full-path") if rootfile is not None else None
        if not opf_name or not package.has(opf_name):
            raise DocumentError("The EPUB file is damaged: META-INF/container.xml does not name a package document that is in it.")
        opf = package.xml(opf_name)
        base = posixpath.dirname(opf_name)
        plain: list[tuple[str, Any]] = []  # (part, element whose text is translated)
        metadata = opf.find(f"{{{_OPF}}}metadata")
        if metadata is not None:
            plain += [(opf_name, e) for e in metadata if e.tag in (f"{{{_DC}}}title", f"{{{_DC}}}description")]
        chapters: list[tuple[str, Parsed]] = []
        for item in opf.iterfind(f"{{{_OPF}}}manifest/{{{_OPF}}}item"):
            path = posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
            kind = item.get("media-type", "")
            if not package.has(path):
                continue
            if kind == "application/xhtml+xml":
                try:
                    chapters.append((path, Xhtml().read(package.parts[path])))
                except DocumentError as exc:
                    raise DocumentError(f"The EPUB file's document {path} cannot be read: {exc.message}") from exc
            elif kind == "application/x-dtbncx+xml":
                ncx = package.xml(path)
                plain += [(path, t) for t in ncx.iter(f"{{{_NCX}}}text")]
        plain = [(part, e) for part, e in plain if has_words(e.text or "")]
        units: list[Unit] = [plain_unit(e.text) for _, e in plain]
        for _, parsed in chapters:
            units += parsed.unit_markup

        def rebuild(texts: list[str], notes: Notes | None = None) -> bytes:
            changed = False
            for (part, element), unit, translation in zip(plain, units, texts, strict=False):
                if translation != unit.text:
                    element.text = translation
                    package.changed(part)
                    changed = True
            at = len(plain)
            for path, parsed in chapters:
                mine = texts[at : at + len(parsed.unit_markup)]
                noted = notes[at : at + len(parsed.unit_markup)] if notes else []
                at += len(parsed.unit_markup)
                if parsed.rebuild_marked is not None and any(noted):  # a chapter's flagged sentences, marked
                    package.replace(path, parsed.rebuild_marked(mine, noted))
                    changed = True
                elif mine != parsed.units:
                    package.replace(path, parsed.rebuild(mine))
                    changed = True
            if changed and metadata is not None:
                for language in metadata.iter(f"{{{_DC}}}language"):
                    language.text = target_language()
                    package.changed(opf_name)
            return package.write()

        return Parsed(units, rebuild, rebuild)
