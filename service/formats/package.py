"""Zip-based documents (Word, PowerPoint, Excel, OpenDocument, EPUB): the archive is checked
before anything is unpacked (a damaged zip or one that would unpack to more than the limit is
refused with the reason), its XML parts are parsed on demand, and the file is written back with
every part that was not changed byte for byte as it was, in the same order and with the same
compression (EPUB's uncompressed ``mimetype`` stays first)."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

from ..domain.errors import DocumentError, FileTooLarge

_DECLARATION = re.compile(rb"\s*<\?xml[^>]*\?>\s*")


class Package:
    """The parts of one zip document, read once; ``xml(name)`` parses a part, ``changed`` marks
    it to be written from its tree."""

    def __init__(self, data: bytes, kind: str, required: Iterable[str], max_unzipped_bytes: int) -> None:
        self.kind = kind
        archive = checked_archive(data, kind, required, max_unzipped_bytes)
        self.infos = archive.infolist()
        try:
            self.parts = {info.filename: archive.read(info) for info in self.infos}
        except zipfile.BadZipFile as exc:
            raise DocumentError(f"The {kind} file is damaged: {exc}.") from exc
        except (NotImplementedError, RuntimeError, EOFError, zlib.error) as exc:
            raise DocumentError(f"The {kind} file cannot be unpacked: {exc}.") from exc
        self.trees: dict[str, Any] = {}
        self.dirty: set[str] = set()

    def names(self, prefix: str = "", suffix: str = "") -> list[str]:
        return [i.filename for i in self.infos if i.filename.startswith(prefix) and i.filename.endswith(suffix)]

    def has(self, name: str) -> bool:
        return name in self.parts

    def xml(self, name: str) -> Any:
        """The part's parsed tree (parsed once); DocumentError naming the part and line when it is
        not well-formed XML."""
        from lxml import etree

        if name not in self.trees:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)
            try:
                self.trees[name] = etree.fromstring(self.parts[name], parser)
            except etree.XMLSyntaxError as exc:
                raise DocumentError(f"The {self.kind} file is damaged: its part {name} is not well-formed XML ({exc}).") from exc
        return self.trees[name]

    def changed(self, name: str) -> None:
        self.dirty.add(name)

    def apply(self, found: Sequence[tuple[str, Any]], texts: Sequence[str]) -> None:
        """Each paragraph (``unit`` and ``replace``, as in ``runs`` and ``mixed``) of a part whose
        translation differs from its source gets it, and its part is written from its tree."""
        for (name, paragraph), translation in zip(found, texts, strict=True):
            if translation != paragraph.unit.text:
                paragraph.replace(translation)
                self.changed(name)

    def replace(self, name: str, data: bytes) -> None:
        """The part's new bytes (a part the file did not have is added at its end)."""
        if name not in self.parts:
            self.infos.append(zipfile.ZipInfo(name, date_time=self.infos[-1].date_time if self.infos else (1980, 1, 1, 0, 0, 0)))
            self.infos[-1].compress_type = zipfile.ZIP_DEFLATED
        self.parts[name] = data
        self.trees.pop(name, None)
        self.dirty.discard(name)

    def write(self) -> bytes:
        from lxml import etree

        for name in self.dirty:
            declaration = _DECLARATION.match(self.parts[name])  # kept as the part wrote it
            if declaration and re.search(rb"encoding=[\"'](?!utf-8)", declaration.group(0), re.IGNORECASE):
                self.parts[name] = etree.tostring(self.trees[name].getroottree(), encoding="UTF-8", xml_declaration=True)
                continue
            body = etree.tostring(self.trees[name].getroottree(), encoding="UTF-8", xml_declaration=False)
            self.parts[name] = (declaration.group(0) if declaration else b"") + body
        self.dirty.clear()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for info in self.infos:
                archive.writestr(info, self.parts[info.filename], compress_type=info.compress_type)
        return out.getvalue()


def checked_archive(data: bytes, kind: str, required: Iterable[str], max_unzipped_bytes: int) -> zipfile.ZipFile:
    """The zip archive, once its directory has been read and its unpacked size checked against the
    limit (the sizes it declares: reading stops there, so a lying entry fails its check instead);
    DocumentError or FileTooLarge with the reason else."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentError(f"The {kind} file is damaged or cut short (it is not a complete zip archive: {exc}).") from exc
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > max_unzipped_bytes:
        raise FileTooLarge(f"The {kind} file unpacks to", unpacked, max_unzipped_bytes, "OVERSETT_MAX_UNZIPPED_BYTES")
    names = set(archive.namelist())
    missing = [name for name in required if name not in names]
    if missing:
        raise DocumentError(f"The file is a zip archive but not a {kind} file (it has no {missing[0]}).")
    return archive


def local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
