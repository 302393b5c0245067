"""Translation memories: human translations of sentences, used before the model.

An entry is found three ways, in this order:
- **exact**: the sentence is the entry's source once both are normalised (whitespace squeezed,
  curly and angled quotes made straight, the first letter's case ignored). The entry's target is
  the translation, its first letter's case following the sentence's.
- **adapted**: the sentence differs from the entry's source only in its numbers or protected
  spans (links, e-mail addresses, handles, code): ``30 grader`` vs ``31 grader``. The entry's
  target is used with each span swapped for the sentence's (a Norwegian decimal comma in the
  target written with a point, as the target wrote it).
- **fuzzy**: the sentence is close to an entry's source (a similarity score, 0–100, at least the
  memory's threshold): the entry is offered as a suggestion; the model's translation is used.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .spans import PROTECTED

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‟": '"', "‘": "'", "’": "'", "‚": "'", "‹": "'", "›": "'", "`": "'"})
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+|[\u00a0 ]\d{3})*(?![\w])")
_SPANS = re.compile(f"{PROTECTED.pattern}|{_NUMBER.pattern}")
SLOT = "\u2063"  # an invisible separator: where a span was, in a skeleton
KINDS = ("exact", "adapted", "fuzzy")
ORIGINS = ("correction", "import")


def normalised(text: str) -> str:
    """The form two sentences are compared in: NFC, straight quotes, one space, first letter lower."""
    text = " ".join(unicodedata.normalize("NFC", text).translate(_QUOTES).split())
    first = _first_letter(text)
    return text if first is None else text[:first] + text[first].lower() + text[first + 1 :]


def _first_letter(text: str) -> int | None:
    return next((i for i, c in enumerate(text) if c.isalpha()), None)


def skeleton(text: str) -> tuple[str, tuple[str, ...]]:
    """The normalised text with its numbers and protected spans taken out, and those spans."""
    text = normalised(text)
    spans = tuple(m.group() for m in _SPANS.finditer(text))
    return _SPANS.sub(SLOT, text), spans


def _forms(span: str) -> list[str]:
    """How a span may stand in an English target: as it is, or (a number) with a decimal point
    for the decimal comma and without the thousands spaces."""
    forms = [span]
    if _NUMBER.fullmatch(span):
        english = re.sub(r"[\u00a0 ]", ",", span) if re.search(r"\d[\u00a0 ]\d{3}", span) else span
        english = re.sub(r",(\d{1,2})$", r".\1", english) if "," in span and not re.search(r",\d{3}$", span) else english
        forms += [english, span.replace("\u00a0", " "), re.sub(r"[\u00a0 ]", "", span)]
    return list(dict.fromkeys(forms))


def adapted(entry_source: str, entry_target: str, sentence: str) -> str | None:
    """The entry's target with the sentence's spans in place of the entry's, when the two
    sources differ only in spans and every span of the entry is found in its target; else None."""
    old_shape, old_spans = skeleton(entry_source)
    new_shape, new_spans = skeleton(sentence)
    if old_shape != new_shape or len(old_spans) != len(new_spans) or old_spans == new_spans:
        return None
    out = entry_target
    position = 0
    for old, new in zip(old_spans, new_spans, strict=True):
        if old == new:
            continue
        for index, form in enumerate(_forms(old)):
            found = out.find(form, position)
            if found >= 0:
                replacement = _forms(new)[index] if index < len(_forms(new)) else new
                out = out[:found] + replacement + out[found + len(form) :]
                position = found + len(replacement)
                break
        else:
            return None
    return out


def with_case_of(target: str, sentence: str) -> str:
    """The target's first letter upper or lower as the sentence's is."""
    mine, theirs = _first_letter(target), _first_letter(sentence)
    if mine is None or theirs is None:
        return target
    letter = target[mine].upper() if sentence[theirs].isupper() else target[mine].lower()
    return target[:mine] + letter + target[mine + 1 :]


def remembered(sentence: str, exact: tuple[str, str] | None, near: tuple[str, str] | None) -> MemoryMatch | None:
    """What a store's index probes give a sentence: the exact entry's target (source, target), else
    the target of an entry of the same shape with the sentence's spans in, else None (then the
    store looks for fuzzy matches). The target's first letter follows the sentence's."""
    if exact is not None:
        return MemoryMatch("exact", with_case_of(exact[1], sentence))
    if near is not None:
        target = adapted(near[0], near[1], sentence)
        if target is not None:
            return MemoryMatch("adapted", with_case_of(target, sentence))
    return None


@dataclass(frozen=True)
class MemoryEntry:
    source: str
    target: str
    target_lang: str = "en"
    source_lang: str = "nb"
    author: str = ""  # the writing key's label ("key:…"), or "" on an open service
    origin: str = "correction"  # correction | import
    created: float = 0.0
    changed: float = 0.0
    id: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id, "source": self.source, "target": self.target, "source_lang": self.source_lang,
            "target_lang": self.target_lang, "author": self.author, "origin": self.origin,
            "created": self.created, "changed": self.changed,
        }


@dataclass(frozen=True)
class Suggestion:
    source: str
    target: str
    score: float  # 0–100


@dataclass(frozen=True)
class MemoryMatch:
    """What a memory has for one sentence: a translation (exact or adapted), or suggestions."""

    kind: str  # exact | adapted | fuzzy
    target: str = ""
    suggestions: tuple[Suggestion, ...] = field(default=())
