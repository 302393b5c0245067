"""Plain text (.txt): the whole file is one unit; the pipeline keeps its layout (paragraphs,
lines, indentation)."""

from __future__ import annotations

from .base import Parsed, decode_text, encode_text, plain_unit


class PlainText:
    name = "txt"
    extensions = (".txt",)
    media_type = "text/plain; charset=utf-8"
    binary = False

    def read(self, data: bytes) -> Parsed:
        text, bom = decode_text(data, "text")
        return Parsed([plain_unit(text)], lambda texts: encode_text(texts[0], bom))
