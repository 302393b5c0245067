"""PowerPoint (.pptx), worked on as the XML inside the zip: every paragraph of every slide (text
frames, shapes grouped at any depth, tables), of the speaker notes, of chart titles and axis titles,
and of SmartArt diagrams is translated, with its runs' formatting and hyperlinks (see ``runs``).
Layouts, masters, themes, media and every part without text are written back byte for byte.

python-pptx (which the tests use to build files) is not used to write: it re-serialises every part
it loads, and oversett promises the parts it does not translate come back as they were.
"""

from __future__ import annotations

import re

from .base import Parsed
from .package import Package
from .runs import DRAWING, RunParagraph, paragraphs

_TEXT_PARTS = ("ppt/slides/slide", "ppt/notesSlides/notesSlide", "ppt/charts/chart", "ppt/diagrams/data", "ppt/diagrams/drawing")


def _number(name: str) -> tuple[str, int]:
    found = re.search(r"(\d+)\.xml$", name)
    return (name[: found.start()] if found else name, int(found.group(1)) if found else 0)


class Pptx:
    name = "pptx"
    extensions = (".pptx",)
    media_type = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    binary = True

    def __init__(self, max_unzipped_bytes: int = 200 * 1024 * 1024) -> None:
        self.max_unzipped_bytes = max_unzipped_bytes

    def read(self, data: bytes) -> Parsed:
        package = Package(data, "PowerPoint (.pptx)", ["ppt/presentation.xml"], self.max_unzipped_bytes)
        names = sorted(
            (n for n in package.names(suffix=".xml") if n.startswith(_TEXT_PARTS)),
            key=lambda n: (_TEXT_PARTS.index(next(p for p in _TEXT_PARTS if n.startswith(p))), _number(n)),
        )
        found: list[tuple[str, RunParagraph]] = [
            (name, paragraph) for name in names for paragraph in paragraphs(package.xml(name), DRAWING)
        ]

        def rebuild(texts: list[str]) -> bytes:
            package.apply(found, texts)
            return package.write()

        return Parsed([p.unit for _, p in found], rebuild)
