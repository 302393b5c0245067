"""Paragraphs of mixed content, as OpenDocument writes them: text, then inline elements with text
of their own and text after them (``<text:p>Les <text:span>dette</text:span> nå</text:p>``).

A paragraph is one unit. Inline elements that hold text (a span with a style, a link) are marker
pairs; every other child (a space count, a tab, a line break, a note, a frame, a bookmark) is an
atom and stays the same element, so a note's or a frame's own paragraphs, translated as units of
their own, come along (see ``inline``). The translation is written with new elements that copy the
inline ones' tags and attributes, so styles and link targets stay.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .inline import Unit, decode


class MixedParagraph:
    def __init__(self, element: Any, is_pair: Callable[[Any], bool]) -> None:
        self.element = element
        self.is_pair = is_pair
        self.unit = Unit()
        self.unit.add_text(element.text or "")
        self._encode(element)

    def _encode(self, parent: Any) -> None:
        for child in parent:
            if self.is_pair(child):
                opening = self.unit.open(child)
                self.unit.add_text(child.text or "")
                self._encode(child)
                self.unit.close(opening)
            else:
                self.unit.atom(child)
            self.unit.add_text(child.tail or "")

    def replace(self, translation: str) -> None:
        if translation == self.unit.text:
            return
        root = self.element
        for child in list(root):
            root.remove(child)
        root.text = None
        shells: dict[tuple[int, ...], Any] = {}
        for piece in decode(translation, self.unit):
            parent = root
            for depth in range(1, len(piece.stack) + 1):
                key = piece.stack[:depth]
                if key not in shells:
                    original = self.unit.payload[key[-1]]
                    shell = original.makeelement(original.tag, original.attrib)
                    parent.append(shell)
                    shells[key] = shell
                parent = shells[key]
            for key in [k for k in shells if k != piece.stack[: len(k)]]:
                del shells[key]  # a stack that was left: a later piece gets a new element
            if piece.atom is not None:
                atom = self.unit.payload[piece.atom]
                atom.tail = None
                parent.append(atom)
            elif piece.text:
                _append_text(parent, piece.text)


def _append_text(parent: Any, text: str) -> None:
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
