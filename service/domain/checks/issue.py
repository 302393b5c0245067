"""What a check finds: an ``Issue`` with a code and a short message in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args


@dataclass(frozen=True)
class Issue:
    code: str
    message: str


def number_issue(missing: list[str], added: list[str]) -> Issue | None:
    """The ``number`` issue of the numbers the translation lacks and those it adds, or None."""
    if not (missing or added):
        return None
    messages = [f"Not in the translation: {', '.join(dict.fromkeys(missing))}."] if missing else []
    messages += [f"Not in the source: {', '.join(dict.fromkeys(added))}."] if added else []
    return Issue("number", " ".join(messages))


def link_issue(source_links: list[str], translation: str) -> Issue | None:
    """The ``link`` issue of the source's links the translation does not carry verbatim, or None."""
    lost = [link for link in source_links if link not in translation]
    return Issue("link", f"Not carried over verbatim: {', '.join(dict.fromkeys(lost))}.") if lost else None


Code = Literal[
    "number", "link", "name", "repetition", "length", "untranslated", "empty", "glossary", "variety", "unknown"
]
CODES: tuple[str, ...] = get_args(Code)  # the API's IssueOut.code takes Code itself
