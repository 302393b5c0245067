"""A translation-memory file of either exchange format, told apart by its root element."""

from __future__ import annotations

from ..domain.errors import DocumentError
from ..domain.memory import MemoryEntry
from .tmx import entries_from_tmx
from .xliff import entries_from_xliff


def entries_from_file(filename: str, data: bytes, author: str) -> list[MemoryEntry]:
    """TMX, or XLIFF (2.0 or 1.2); DocumentError (422) naming the problem."""
    head = data[:2000].lower()
    if b"<tmx" in head:
        return entries_from_tmx(data, author=author)
    if b"<xliff" in head:
        return entries_from_xliff(data, author=author)
    raise DocumentError(f"{filename or 'The file'} is neither TMX nor XLIFF (no <tmx> or <xliff> root element).")
