"""OpenDocument text (.odt) and presentations (.odp), worked on as the XML inside the zip with lxml:
every paragraph and heading (``text:p``, ``text:h``) of the content, wherever it stands (lists,
tables, frames and text boxes, notes, a presentation's slides and speaker notes) is translated, and
an .odt's headers and footers too (its master pages); spans and links keep their styles and targets
(see ``mixed``). Styles, an .odp's master slides and every other part are written back byte for
byte.
"""

from __future__ import annotations

from typing import Any

from ..domain.errors import DocumentError
from .base import Parsed
from .mixed import MixedParagraph
from .package import Package
from .runs import has_words

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_PARAGRAPHS = (f"{{{TEXT}}}p", f"{{{TEXT}}}h")
_PAIRS = frozenset({f"{{{TEXT}}}span", f"{{{TEXT}}}a"})


def _is_pair(element: Any) -> bool:
    return element.tag in _PAIRS


class Odf:
    def __init__(self, name: str, kind: str, media_type: str, max_unzipped_bytes: int = 200 * 1024 * 1024) -> None:
        self.name = name
        self.extensions = (f".{name}",)
        self.kind = kind
        self.media_type = media_type
        self.binary = True
        self.max_unzipped_bytes = max_unzipped_bytes

    def read(self, data: bytes) -> Parsed:
        package = Package(data, f"{self.kind} (.{self.name})", ["content.xml"], self.max_unzipped_bytes)
        mimetype = package.parts.get("mimetype", b"").decode("ascii", "replace").strip()
        if mimetype and mimetype != self.media_type:
            raise DocumentError(f"The file is an OpenDocument file of another kind ({mimetype}), not {self.kind} (.{self.name}).")
        roots: list[tuple[str, Any]] = [("content.xml", package.xml("content.xml").find(f"{{{OFFICE}}}body"))]
        if self.name == "odt" and package.has("styles.xml"):
            roots.append(("styles.xml", package.xml("styles.xml").find(f"{{{OFFICE}}}master-styles")))
        found: list[tuple[str, MixedParagraph]] = []
        for name, root in roots:
            if root is None:
                continue
            for element in root.iter(*_PARAGRAPHS):
                paragraph = MixedParagraph(element, _is_pair)
                if has_words(paragraph.unit.text):
                    found.append((name, paragraph))

        def rebuild(texts: list[str]) -> bytes:
            package.apply(found, texts)
            return package.write()

        return Parsed([p.unit for _, p in found], rebuild)


def odt(max_unzipped_bytes: int) -> Odf:
    return Odf("odt", "OpenDocument text", "application/vnd.oasis.opendocument.text", max_unzipped_bytes)


def odp(max_unzipped_bytes: int) -> Odf:
    return Odf("odp", "OpenDocument presentation", "application/vnd.oasis.opendocument.presentation", max_unzipped_bytes)
