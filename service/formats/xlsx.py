"""Excel (.xlsx), worked on as the XML inside the zip: the shared strings (plain and rich text),
strings written inside a cell (``inlineStr``) and cell comments are translated, with their runs'
formatting (see ``runs``). Numbers, dates, formulas and their cached results, styles, charts and
every other part are written back byte for byte. A string shared by several cells is translated
once, and every cell that uses it shows the translation.

Sheet names are kept unless ``translate_sheet_names`` is on (``OVERSETT_TRANSLATE_SHEET_NAMES``):
then each name is translated, made a legal sheet name (at most 31 characters, none of ``[]:*?/\\``,
unique in the workbook; otherwise the old name stays), and every formula, defined name and chart
reference that names the sheet is changed with it.

openpyxl (which the tests use to build files) is not used to write: it drops what it does not
model (charts, images, pivot tables) and rewrites every part.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .base import Parsed, plain_unit
from .package import Package
from .runs import SHEET, RunParagraph, has_words, paragraphs

_MAIN = SHEET.ns
_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


class Xlsx:
    name = "xlsx"
    extensions = (".xlsx",)
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    binary = True

    def __init__(self, max_unzipped_bytes: int = 200 * 1024 * 1024, sheet_names: bool = False) -> None:
        self.max_unzipped_bytes = max_unzipped_bytes
        self.sheet_names = sheet_names

    def read(self, data: bytes) -> Parsed:
        package = Package(data, "Excel (.xlsx)", ["xl/workbook.xml"], self.max_unzipped_bytes)
        found: list[tuple[str, RunParagraph]] = []
        if package.has("xl/sharedStrings.xml"):
            found += [("xl/sharedStrings.xml", p) for p in paragraphs(package.xml("xl/sharedStrings.xml"), SHEET, "si")]
        for name in package.names("xl/worksheets/", ".xml"):
            found += [(name, p) for p in paragraphs(package.xml(name), SHEET, "is")]
        for name in package.names("xl/comments", ".xml"):
            found += [(name, p) for p in paragraphs(package.xml(name), SHEET, "text")]
        units = [p.unit for _, p in found]
        sheets = package.xml("xl/workbook.xml").findall(f"{{{_MAIN}}}sheets/{{{_MAIN}}}sheet") if self.sheet_names else []
        sheets = [s for s in sheets if has_words(s.get("name", ""))]
        units += [plain_unit(s.get("name")) for s in sheets]

        def rebuild(texts: list[str]) -> bytes:
            package.apply(found, texts[: len(found)])
            if sheets:
                _rename_sheets(package, sheets, texts[len(found) :])
            return package.write()

        return Parsed(units, rebuild)


def _legal_names(old: list[str], wanted: list[str], others: set[str]) -> list[str]:
    taken = {o.lower() for o in others}
    names = []
    for before, after in zip(old, wanted, strict=True):
        legal = _ILLEGAL.sub(" ", after).strip().strip("'")[:31].strip()
        if not legal or legal.lower() in taken:
            legal = before
        taken.add(legal.lower())
        names.append(legal)
    return names


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _reference(name: str) -> re.Pattern[str]:
    """The sheet named in a formula: 'Old name'!A1 or Old!A1 (not part of a longer name)."""
    return re.compile(re.escape(_quoted(name)) + "!" + (r"|(?<![\w.'])" + re.escape(name) + "!" if re.fullmatch(r"\w+", name) else ""))


def _rename_sheets(package: Package, sheets: list, texts: list[str]) -> None:  # type: ignore[type-arg]
    every = {s.get("name") for s in package.xml("xl/workbook.xml").iter(f"{{{_MAIN}}}sheet")}
    old = [s.get("name") for s in sheets]
    new = _legal_names(old, texts, every - set(old))
    renames = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    if not renames:
        return
    for sheet, name in zip(sheets, new, strict=True):
        sheet.set("name", name)
    package.changed("xl/workbook.xml")

    def fix(text: str) -> str:
        for before, after in renames:
            text = _reference(before).sub(lambda _m, a=after: _quoted(a) + "!", text)
        return text

    _rewrite(package, "xl/workbook.xml", f"{{{_MAIN}}}definedName", fix)
    for name in package.names("xl/worksheets/", ".xml"):
        _rewrite(package, name, f"{{{_MAIN}}}f", fix)
    for name in package.names("xl/charts/", ".xml"):
        _rewrite(package, name, "{http://schemas.openxmlformats.org/drawingml/2006/chart}f", fix)


def _rewrite(package: Package, name: str, tag: str, fix: Callable[[str], str]) -> None:
    for element in package.xml(name).iter(tag):
        if element.text and fix(element.text) != element.text:
            element.text = fix(element.text)
            package.changed(name)
