"""Glossaries: named lists of ``source term → English term`` pairs and do-not-translate terms,
checked when they are stored and matched in Norwegian text.

A term matches case-aware on word boundaries (a lower-case term also matches capitalised, at the
start of a sentence, and its English term is then capitalised too), in its common Norwegian noun
inflections where the glossary does not list them: ``bompenge`` also matches ``bompenger``,
``bompengene`` …, a definite ``Stortinget`` also its genitive ``Stortingets`` (English: the term
with ``'s``). Bokmål and Nynorsk forms are separate rows (``Regjeringen``, ``Regjeringa``); a row's
``lang`` is kept for the reader. Matched terms become placeholders the model copies
(``spans.protect``) and the English term is put in their place afterwards.

A row whose ``lang`` is ``en`` goes the other way: an English source term and the Bokmål or Nynorsk
term it becomes. It is matched in English text only (``matcher_for("nb")``), in its English forms
(plural ``-s``/``-es``, possessive ``'s``), and its Norwegian term is put in exactly as written. The
rows of the other direction never match English text, nor these Norwegian; do-not-translate terms
hold both ways.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from .errors import InvalidInput

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
MAX_TERMS = 5_000  # source terms and do-not-translate terms together
MAX_TERM_WORDS = 12
MAX_TERM_CHARS = 200
_ENDINGS_AFTER_E = ("n", "t", "r", "ne", "ns", "ts", "nes")  # bompenge → bompengen, -t, -r, -ne
_ENDINGS = ("en", "et", "a", "er", "ene", "ane", "ar", "ens", "ets", "as", "enes", "anes")


@dataclass(frozen=True)
class Term:
    source: str
    target: str  # the same as source for a do-not-translate term
    lang: str | None = None  # nb / nn, for the reader; en: an English source term (English → Norwegian)

    @property
    def keep(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True)
class Glossary:
    name: str
    terms: tuple[Term, ...] = ()
    updated: float | None = field(default=None, compare=False)
    label: str | None = field(default=None, compare=False)  # a display name (DeepL's glossary name)

    @cached_property
    def digest(self) -> str:
        """A hash of the content: part of the cache key, so a changed glossary is never served stale."""
        payload = json.dumps([[t.source, t.target] for t in sorted(self.terms, key=lambda t: t.source)])
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "terms": [{"source": t.source, "target": t.target, "lang": t.lang} for t in self.terms if not t.keep],
            "keep": [t.source for t in self.terms if t.keep],
            "digest": self.digest,
            "updated": self.updated,
            "label": self.label,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Glossary:
        terms = [Term(t["source"], t["target"], t.get("lang")) for t in data["terms"]]  # type: ignore[index, union-attr, attr-defined]
        terms += [Term(k, k) for k in data["keep"]]  # type: ignore[union-attr]
        return cls(str(data["name"]), tuple(terms), data.get("updated"), data.get("label"))  # type: ignore[arg-type]

    @cached_property
    def sizes(self) -> tuple[int, int]:
        """(terms with an English term, do-not-translate terms)."""
        kept = sum(t.keep for t in self.terms)
        return len(self.terms) - kept, kept

    @property
    def matcher(self) -> TermMatcher:
        return self.matcher_for("en")

    def matcher_for(self, target: str) -> TermMatcher:
        """The matcher of the terms of one direction: into English (``target`` en) the Norwegian
        rows, out of English the ``en`` rows; do-not-translate terms in both."""
        into_english = target == "en"
        return matcher_of(tuple(t for t in self.terms if t.keep or (t.lang == "en") != into_english))

    def keep_matcher(self) -> TermMatcher:
        """The do-not-translate terms alone: what a glossary asks of Bokmål ↔ Nynorsk, whose rows
        translate into or out of English."""
        return matcher_of(tuple(t for t in self.terms if t.keep))


def build_glossary(
    name: str, terms: list[tuple[str, str, str | None]], keep: list[str], updated: float | None = None
) -> Glossary:
    """A checked glossary; InvalidInput naming the first problem (nothing is stored half)."""
    if not NAME.fullmatch(name or ""):
        raise InvalidInput(
            f"The glossary name '{name}' is not usable: use 1–64 letters, digits, '-', '_' or '.', starting with a letter or digit."
        )
    count = len(terms) + len(keep)
    if count == 0:
        raise InvalidInput(f"The glossary '{name}' has no terms.")
    if count > MAX_TERMS:
        raise InvalidInput(f"The glossary '{name}' has {count:,} terms; the limit is {MAX_TERMS:,}. Split it into several glossaries.")
    found: dict[str, Term] = {}
    rows = [(s, t, lang) for s, t, lang in terms] + [(k, k, None) for k in keep]
    for row, (source, target, lang) in enumerate(rows, start=1):
        source, target = " ".join((source or "").split()), " ".join((target or "").split())
        kind = "do-not-translate term" if row > len(terms) else "term"
        if not source or not target:
            raise InvalidInput(f"Row {row} of the glossary '{name}' has an empty {'source' if not source else 'target'} {kind}.")
        for text in (source, target):
            if len(text) > MAX_TERM_CHARS or len(text.split()) > MAX_TERM_WORDS:
                raise InvalidInput(
                    f"Row {row} of the glossary '{name}': '{text[:40]}…' is too long for a term "
                    f"({len(text.split())} words, {len(text)} characters; at most {MAX_TERM_WORDS} words and {MAX_TERM_CHARS} characters)."
                )
        if not any(c.isalnum() for c in source):
            raise InvalidInput(f"Row {row} of the glossary '{name}': the term '{source}' has no letters or digits.")
        if lang not in (None, "", "nb", "nn", "no", "en"):
            raise InvalidInput(
                f"Row {row} of the glossary '{name}': lang must be nb, nn, en (an English source term) or empty, not '{lang}'."
            )
        if source in found and found[source].target != target:
            raise InvalidInput(
                f"The glossary '{name}' gives '{source}' two English terms: '{found[source].target}' and '{target}'. Keep one."
            )
        found[source] = Term(source, target, lang or None)
    return Glossary(name, tuple(found.values()), updated)


def parse_table(text: str) -> tuple[list[tuple[str, str, str | None]], list[str]]:
    """CSV or TSV (by the first line) of ``source,target[,lang]`` rows, a header row optional; a
    row with no target is a do-not-translate term."""
    lines = text.lstrip("\ufeff")
    first = lines.split("\n", 1)[0]
    dialect = "excel-tab" if "\t" in first else "excel"
    terms: list[tuple[str, str, str | None]] = []
    keep: list[str] = []
    try:
        rows = list(csv.reader(io.StringIO(lines), dialect=dialect))
    except csv.Error as exc:
        raise InvalidInput(f"The glossary table cannot be read as CSV/TSV: {exc}.") from exc
    for index, row in enumerate(rows):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if index == 0 and [c.lower() for c in cells[:2]] == ["source", "target"]:
            continue  # a header
        if len(cells) > 3:
            raise InvalidInput(f"Line {index + 1} of the glossary table has {len(cells)} columns; expected source, target and an optional lang.")
        source, target, lang = (cells + ["", ""])[:3]
        if target:
            terms.append((source, target, lang or None))
        else:
            keep.append(source)
    return terms, keep


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    source: str  # as it stands in the text
    target: str  # what the English says in its place


@lru_cache(maxsize=16)
def matcher_of(terms: tuple[Term, ...]) -> TermMatcher:
    """The matcher of these terms, built once: every request loads its glossary afresh from the
    store, and building the expression of 5,000 terms takes about 0.1 s."""
    return TermMatcher(terms)


class TermMatcher:
    """Every surface form of every term, longest first, in one regular expression."""

    def __init__(self, terms: tuple[Term, ...]) -> None:
        forms: dict[str, str] = {}
        listed = {t.source for t in terms}
        for term in terms:  # the listed forms first: they win over generated ones
            forms[term.source] = term.target
        for term in terms:
            for form, target in _inflections(term):
                if form not in listed:
                    forms.setdefault(form, target)
        for form, target in list(forms.items()):  # sentence-initial capitals of lower-case terms
            if form[:1].islower():
                forms.setdefault(form[:1].upper() + form[1:], target if _same(form, target) else target[:1].upper() + target[1:])
        self.forms = forms
        ordered = sorted(forms, key=len, reverse=True)
        self.regex = (
            re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in ordered) + r")(?![\w-])") if ordered else None
        )

    def find(self, text: str) -> list[Match]:
        if self.regex is None:
            return []
        return [Match(m.start(), m.end(), m.group(), self.forms[m.group()]) for m in self.regex.finditer(text)]


def _same(form: str, target: str) -> bool:
    return form.lower() == target.lower()


def _english_inflections(term: Term) -> list[tuple[str, str]]:
    """An English source term's plural and possessive; the Norwegian term stays as written."""
    source, target = term.source, term.target
    if not source.rsplit(" ", 1)[-1].isalpha():
        return []
    forms = [source + "'s", source + "’s"] + ([source + "'"] if source.endswith("s") else [])
    if not term.keep and not source.rsplit(" ", 1)[-1].isupper():
        forms += [source + ("es" if source.endswith(("s", "x", "z", "ch", "sh")) else "s")]
        if source.endswith("y") and source[-2:-1] not in "aeiou":
            forms.append(source[:-1] + "ies")  # policy → policies
    return [(form, target) for form in forms]


def _inflections(term: Term) -> list[tuple[str, str]]:
    """Common Norwegian noun forms of a term (its last word inflected), with their English."""
    if term.lang == "en":
        return _english_inflections(term)
    source, target = term.source, term.target
    keep = term.keep
    last = source.rsplit(" ", 1)[-1]
    if not last.isalpha():
        return []
    genitive = "'s" if not target.endswith("s") else "'"
    found: list[tuple[str, str]] = [(source + ("s" if not source.endswith("s") else ""), target + ("s" if keep else genitive))]
    if keep or last.isupper():  # a name or an acronym kept as it is: only its genitive
        return found
    if last.endswith(("en", "et", "a")) and source[:1].isupper():
        return found  # a definite name (Stortinget): genitive only
    endings = _ENDINGS_AFTER_E if last.endswith("e") else _ENDINGS
    for ending in endings:
        form = source + ending
        found.append((form, target + (genitive if ending.endswith("s") else "")))
    return found
