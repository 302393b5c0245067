"""What a check finds: an ``Issue`` with a code and a short message in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args


@dataclass(frozen=True)
class Issue:
    code: str
    message: str


Code = Literal["number", "link", "name", "repetition", "length", "untranslated", "empty", "glossary", "variety"]
CODES: tuple[str, ...] = get_args(Code)  # the API's IssueOut.code takes Code itself
