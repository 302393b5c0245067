"""What every format shares: units with inline markers, and the way back from translations to
the format's own text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from ..domain.errors import DocumentError
from ..domain.protocols import TranslatedUnit
from .inline import Unit, repaired

Notes = list[tuple[str, ...]]  # each unit's notes (what the checks found in it), in unit order


@dataclass
class Parsed:
    """A ``ParsedDocument``: the units (with their markers) and a function that rebuilds the
    file from the units' repaired translations (markers still in, in nesting order). A format
    that can mark a unit with notes (a comment, a highlight with its reason) gives ``rebuild_marked``."""

    unit_markup: list[Unit]
    rebuild: Callable[[list[str]], bytes]
    rebuild_marked: Callable[[list[str], Notes], bytes] | None = None

    @property
    def units(self) -> list[str]:
        return [u.text for u in self.unit_markup]

    @property
    def marks(self) -> bool:
        return self.rebuild_marked is not None

    def write(self, translations: Sequence[TranslatedUnit], language: str = "en") -> bytes:
        """The file rebuilt from the translations; a format that declares its language (HTML's
        ``lang``, EPUB's ``dc:language``) declares ``language``."""
        if len(translations) != len(self.unit_markup):
            raise ValueError(f"{len(translations)} translations for {len(self.unit_markup)} units")
        texts = [
            t.text if not u.payload else repaired(t.segments or ((u.text, t.text),), t.text, u)
            for u, t in zip(self.unit_markup, translations, strict=True)
        ]
        notes = [t.notes for t in translations]
        token = _LANGUAGE.set(language)
        try:
            if self.rebuild_marked is not None and any(notes):
                return self.rebuild_marked(texts, notes)
            return self.rebuild(texts)
        finally:
            _LANGUAGE.reset(token)


_LANGUAGE: ContextVar[str] = ContextVar("oversett_target_language", default="en")


def target_language() -> str:
    """The language the file being written is translated into (set by ``Parsed.write``)."""
    return _LANGUAGE.get()


def decode_text(data: bytes, kind: str) -> tuple[str, bool]:
    """UTF-8 text (a byte-order mark is noted, so it can be written back); DocumentError else."""
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        return data[3 if bom else 0 :].decode("utf-8"), bom
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"The {kind} file is not UTF-8 text (byte {exc.start} cannot be read); save it as UTF-8."
        ) from exc


def encode_text(text: str, bom: bool) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def plain_unit(text: str) -> Unit:
    unit = Unit()
    unit.add_text(text)
    return unit
