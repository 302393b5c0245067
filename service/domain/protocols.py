"""What the use cases may ask of models and stores. The backends (torch, CTranslate2, SQLite,
Redis) implement these; callers read ``info`` and ``stats`` and never look at a concrete class.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .glossary import Glossary
from .memory import MemoryEntry, MemoryMatch
from .presets import LengthPreset
from .text import normalise_source


@dataclass(frozen=True)
class ModelInfo:
    """What a loaded model is: enough to key a cache, fill ``/v1/models`` and name it in a
    manifest."""

    model_id: str
    revision: str
    backend: str  # torch / ctranslate2
    quantization: str  # float32, int8, ...
    max_input_tokens: int  # longest input a request piece may have
    threads: Mapping[str, int] = field(default_factory=dict)
    prompts: str | None = None  # hash of the prompt templates a summariser applies, if any
    # A multi-target model's target languages and the token that asks for each (nb → >>nob<<);
    # empty for a model with one target language.
    target_tokens: Mapping[str, str] = field(default_factory=dict)


@dataclass
class TranslatorStats:
    """Counters of real model work (the cache tests, benchmarks and metrics read these)."""

    batches: int = 0
    sentences: int = 0
    batch_size_counts: Counter[int] = field(default_factory=Counter)  # size → batches, for metrics
    batch_sizes: deque[int] = field(default_factory=lambda: deque(maxlen=10_000))  # the latest

    def record(self, size: int) -> None:
        self.batches += 1
        self.sentences += size
        self.batch_size_counts[size] += 1
        self.batch_sizes.append(size)


@dataclass(frozen=True)
class Decoding:
    """How to translate: the beam size, and whether to decode more cautiously (a retry after a
    check flagged the first try: no repeated 3-grams, a repetition penalty)."""

    num_beams: int
    cautious: bool = False
    target: str | None = None  # the target language of a multi-target model (nb, nn); None: its only one


@dataclass(frozen=True)
class Hypothesis:
    """One translation and the model's mean log-probability per output token."""

    text: str
    score: float | None = None
    unknown: tuple[str, ...] = ()  # words a rule-based engine did not know and left as they are

    @property
    def confidence(self) -> float | None:
        """The geometric mean of the output tokens' probabilities, 0–1 (exp of ``score``)."""
        return None if self.score is None else round(math.exp(min(0.0, self.score)), 4)


@dataclass
class SummarizerStats:
    calls: int = 0
    # The latest inputs the model saw, prompt and all (for tests and debugging): a bounded few, never
    # every text summarised since the start (that grew with traffic: found by the soak).
    inputs: deque[str] = field(default_factory=lambda: deque(maxlen=100))


class Translator(Protocol):
    """A translation backend: sentences in, English sentences out, in the same order."""

    @property
    def info(self) -> ModelInfo: ...

    @property
    def stats(self) -> TranslatorStats: ...

    @property
    def pending(self) -> int:
        """Requests queued for the model (0 for a backend called directly)."""
        ...

    def count_tokens(self, text: str) -> int: ...

    def translate(self, sentences: Sequence[str], num_beams: int) -> list[str]: ...

    def translate_scored(self, sentences: Sequence[str], decoding: Decoding) -> list[Hypothesis]:
        """Translations in input order, with the model's scores."""
        ...

    def close(self) -> None: ...


class Summarizer(Protocol):
    """A summariser of English text."""

    @property
    def info(self) -> ModelInfo: ...

    @property
    def stats(self) -> SummarizerStats: ...

    def count_tokens(self, text: str) -> int: ...

    def text_budget(self, preset: LengthPreset) -> int:
        """Tokens of article text that fit in one input beside the prompt."""
        ...

    def summarize(self, texts: Sequence[str], preset: LengthPreset) -> list[str]: ...


class MemoryStore(Protocol):
    """Where translation memories are kept (``domain.memory``). Raises MemoryNotFound for a
    memory or entry that is not there, MemoryConflict for an import that would change entries
    (with ``on_conflict="report"``), StoreUnavailable when a shared store is away."""

    def find(self, name: str, sentences: Sequence[str], target_lang: str = "en") -> dict[str, MemoryMatch]: ...

    def names(self) -> list[tuple[str, int]]: ...

    def exists(self, name: str) -> bool: ...

    def version(self, name: str) -> str: ...

    def entries(self, name: str, offset: int = 0, limit: int = 100) -> list[MemoryEntry]: ...

    def add(self, name: str, entries: Iterable[MemoryEntry], *, on_conflict: str = "replace") -> dict[str, int]: ...

    def update(self, name: str, entry_id: int, target: str, author: str) -> MemoryEntry: ...

    def delete(self, name: str, entry_ids: Sequence[int] | None = None) -> int: ...

    def close(self) -> None: ...


class Cache(Protocol):
    """A string store for results; keys are ``cache_key`` hashes."""

    def get_many(self, keys: Iterable[str]) -> dict[str, str]: ...

    def set_many(self, items: Mapping[str, str]) -> None: ...

    def close(self) -> None: ...


def cache_key(namespace: Mapping[str, Any], text: str) -> str:
    """Hash of (model id and revision, generation parameters, ...) and the normalised text."""
    payload = json.dumps([dict(sorted(namespace.items())), normalise_source(text)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class JobDocument:
    """One named document text of an HTTP job."""

    name: str
    text: str


@dataclass(frozen=True)
class ClaimedJob:
    """A job a worker took: ``taken_over`` when another worker had it and its lease ran out."""

    job_id: str
    taken_over: bool = False


class JobRecords(Protocol):
    """Where jobs, their documents and each document's result are kept, and which worker runs
    which job. A worker *claims* a job (the oldest queued one, or one whose worker's lease ran out:
    that worker died) and holds it by *renewing* its lease; writes from a worker that no longer
    holds the job are refused (return False), so a job taken over is never written twice.
    Every method may raise StoreUnavailable when a shared store cannot be reached."""

    def create(
        self, documents: list[JobDocument], summary: str | None, source_lang: str, target_lang: str = "en",
        memory: str | None = None, route: str | None = None,
    ) -> str: ...

    def recover(self) -> None:
        """On startup: make jobs this store's process left running claimable again."""
        ...

    def claim(self) -> ClaimedJob | None:
        """Take a job to run (now ``running``, held by this worker), or None when there is none."""
        ...

    def renew(self, job_id: str) -> bool:
        """Extend this worker's lease on the job; False when it is no longer this worker's."""
        ...

    def release(self, job_id: str) -> None:
        """Give a running job back (this worker is stopping); another worker may take it now."""
        ...

    def set_status(self, job_id: str, status: str, error: str | None = None) -> bool:
        """``completed`` or ``failed`` end the job (and its lease); False if not this worker's."""
        ...

    def pending_documents(self, job_id: str) -> list[tuple[int, JobDocument]]: ...

    def finish_document(
        self, job_id: str, position: int, result: dict[str, Any] | None, error: str | None
    ) -> bool:
        """Store one document's result; False (nothing written) if the job is not this worker's."""
        ...

    def job(self, job_id: str) -> dict[str, Any]:
        """The job's record and its documents' results; raise JobNotFound."""
        ...

    def close(self) -> None: ...


# --- documents of other formats --------------------------------------------------------------


@dataclass(frozen=True)
class TranslatedUnit:
    """One unit of a document, translated: the whole (layout kept) and its sentences as pairs of
    (source sentence, translation), so inline markup can be repaired sentence by sentence."""

    text: str
    segments: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()  # what the checks found in its sentences, to mark in the file where it can be


class ParsedDocument(Protocol):
    """A file taken apart: its translatable units, in document order, and a way back."""

    @property
    def units(self) -> Sequence[str]: ...

    @property
    def marks(self) -> bool:
        """Whether the file can carry a unit's notes (a comment in Word, a highlight in HTML)."""
        ...

    def write(self, translations: Sequence[TranslatedUnit]) -> bytes:
        """The file again, each unit replaced by its translation, everything else as it was."""
        ...


class DocumentFormat(Protocol):
    """HTML, Markdown, office files, EPUB, PDF, subtitles, plain text: reads a file into units and
    a skeleton; raises DocumentError naming the problem for a broken file, FileTooLarge for a zip
    bomb."""

    name: str  # html, md, docx, pptx, xlsx, odt, odp, epub, pdf, srt, vtt, txt …
    extensions: tuple[str, ...]
    media_type: str
    binary: bool  # not text: the CLI writes it beside its source, never to standard output

    def read(self, data: bytes) -> ParsedDocument: ...


class GlossaryStore(Protocol):
    """Where glossaries are kept (SQLite, or Redis shared by replicas). A glossary is written
    whole or not at all. Methods may raise StoreUnavailable when a shared store is away."""

    def get(self, name: str) -> Glossary:
        """The glossary; GlossaryNotFound."""
        ...

    def put(self, glossary: Glossary, *, create: bool = False) -> bool:
        """Store (replace) it; True when it is new. With ``create``, GlossaryExists if it is not."""
        ...

    def names(self) -> list[Glossary]: ...

    def delete(self, name: str) -> None:
        """GlossaryNotFound when there is none."""
        ...

    def close(self) -> None: ...



@dataclass(frozen=True)
class HeldFile:
    """A translated file waiting for its one download (DeepL's documents, LibreTranslate's files)."""

    data: bytes
    media_type: str
    filename: str
    characters: int  # of the source's translatable text
    expires: float = 0.0  # time.time() after which it is gone (the store sets it)


class HeldFiles(Protocol):
    """Where translated files wait for their download: SQLite for one process, Redis shared by
    replicas, so a file made on one replica is asked after and fetched on another. A file is
    found only with its id and key, is taken once (by whichever replica asks first), and is gone
    after ``ttl`` seconds. Methods may raise StoreUnavailable when a shared store is away."""

    def put(self, kind: str, file_id: str, key: str, held: HeldFile, ttl: float) -> None: ...

    def peek(self, kind: str, file_id: str, key: str) -> HeldFile | None:
        """The file, left in place; None when there is none (or the key is wrong, or it expired)."""
        ...

    def take(self, kind: str, file_id: str, key: str) -> HeldFile | None:
        """The file, removed in the same step: of two replicas asking at once, one gets it."""
        ...

    def close(self) -> None: ...


class UsageCounts(Protocol):
    """Characters translated per key (a key's digest), summed over every replica."""

    def add(self, api: str, key_digest: str, characters: int) -> None: ...

    def total(self, api: str, key_digest: str) -> int: ...

    def close(self) -> None: ...
