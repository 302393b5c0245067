"""The ``link`` check's reader: URLs, e-mail addresses, @handles and #tags, carried over verbatim."""

from __future__ import annotations

import re

_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>«»\"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@])@\w{2,}|(?<![\w&#])#\w*[^\W\d_]\w*"
)


def links(text: str) -> list[str]:
    return [match.group().rstrip(".,;:!?)»\"'") for match in _LINK.finditer(text)]
