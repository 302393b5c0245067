"""What the translation use case gives back: a document's translation and its segments, the
events of a stream, a unit's translation as cached, and the pipeline's counters."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..domain.checks import Issue
from ..domain.langid import Detection
from ..domain.memory import Suggestion


@dataclass(frozen=True)
class SegmentTranslation:
    source: str
    translation: str
    cached: bool
    confidence: float | None = None  # the model's, 0–1 (see protocols.Hypothesis)
    issues: tuple[Issue, ...] = ()  # what the faithfulness checks found (after a retry)
    terms: tuple[tuple[str, str], ...] = ()  # glossary terms applied: (as in the source, English)
    origin: str = "model"  # model | cache | memory | memory-adapted
    suggestions: tuple[Suggestion, ...] = ()  # a memory's near matches (fuzzy), best first


@dataclass(frozen=True)
class DocumentTranslation:
    text: str
    source_lang: str
    segments: list[SegmentTranslation]
    detected: Detection | None = None  # None when the request named the language

    @property
    def flagged(self) -> int:
        """Segments with an issue."""
        return sum(1 for s in self.segments if s.issues)


@dataclass(frozen=True)
class StreamEvent:
    """One step of a streamed translation: a segment (``position`` set) or, last for each
    document, the whole document (``document`` set)."""

    index: int  # which of the request's texts
    position: int | None
    segment: SegmentTranslation | None
    document: DocumentTranslation | None = None


@dataclass(frozen=True)
class UnitTranslation:
    """What the model made of one unit (a sentence, or a piece of a long one), as cached."""

    text: str
    confidence: float | None
    issues: tuple[Issue, ...]
    terms: tuple[tuple[str, str], ...] = ()  # glossary terms applied

    def dump(self) -> str:
        return json.dumps({"t": self.text, "c": self.confidence, "i": [[i.code, i.message] for i in self.issues],
                           "g": [list(t) for t in self.terms]}, ensure_ascii=False)

    @classmethod
    def load(cls, stored: str) -> UnitTranslation:
        data = json.loads(stored)
        terms = tuple((source, target) for source, target in data.get("g", []))
        return cls(data["t"], data["c"], tuple(Issue(code, message) for code, message in data["i"]), terms)


@dataclass
class PipelineStats:
    """Cache traffic and language id of the translation pipeline (read by /metrics)."""

    cache_hits: int = 0
    cache_misses: int = 0
    detected: Counter[str] = field(default_factory=Counter)  # language code → texts
    refused: Counter[str] = field(default_factory=Counter)  # language name → texts
    issues: Counter[str] = field(default_factory=Counter)  # check code → units flagged (after retry)
    retries: int = 0  # units translated again, cautiously, after a check flagged them
    retries_improved: int = 0  # … where the second try was kept
    documents: Counter[str] = field(default_factory=Counter)  # file format → files translated
    terms: Counter[str] = field(default_factory=Counter)  # glossary terms: applied / lost
    memory: Counter[str] = field(default_factory=Counter)  # translation-memory matches: exact / adapted / fuzzy
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, hits: int, misses: int) -> None:
        with self.lock:
            self.cache_hits += hits
            self.cache_misses += misses

    def record_checks(self, issues: Sequence[Issue], retried: bool = False, improved: bool = False) -> None:
        with self.lock:
            self.issues.update(i.code for i in issues)
            self.retries += retried
            self.retries_improved += improved

    def record_terms(self, applied: int, lost: int) -> None:
        with self.lock:
            self.terms["applied"] += applied
            self.terms["lost"] += lost

    def record_memory(self, kinds: Sequence[str]) -> None:
        with self.lock:
            self.memory.update(kinds)

    def record_document(self, file_format: str) -> None:
        with self.lock:
            self.documents[file_format] += 1

    def record_language(self, detected: str | None = None, refused: str | None = None) -> None:
        with self.lock:
            if detected:
                self.detected[detected] += 1
            if refused:
                self.refused[refused] += 1
