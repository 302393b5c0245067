"""Batch translation of a folder: resumable, crash-safe, with progress and a manifest.

For each document ``name.ext`` the run writes ``OUT/name.en.ext`` (HTML, Markdown, Word and
subtitle files through the format layer, structure kept; plain text and any other file a
``--glob`` picks as UTF-8 text, written ``OUT/name.en.txt``) and, when asked,
``OUT/name.summary.en.txt``; into Bokmål or Nynorsk, ``nb`` or ``nn`` in place of ``en``. Every file is written to a temporary file and renamed into
place, and a document counts as done only when its state record (``OUT/.oversett/…``) is
renamed into place after its outputs. A rerun skips documents whose state matches the same
source hash and model settings, so a run killed at any point and started again ends with
every output complete, byte for byte what an uninterrupted run writes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..domain.errors import (
    DocumentError,
    InputTooLarge,
    ModelUnavailable,
    OversettError,
    UnsupportedFormat,
)
from ..domain.glossary import Glossary
from ..domain.protocols import DocumentFormat
from .documents import translate_file
from .summaries import Pipelines

log = logging.getLogger(__name__)

STATE_DIR = ".oversett"
MANIFEST = "manifest.jsonl"
TEMP_SUFFIX = ".oversett-tmp"
TRANSLATION_SUFFIX = ".en.txt"  # the outputs of a run into English (eval reads them)
SUMMARY_SUFFIX = ".summary.en.txt"


@dataclass
class ManifestEntry:
    file: str
    sha256: str | None
    status: str  # ok / skipped / error
    error: str | None = None
    format: str = "txt"  # html, md, docx, pptx, xlsx, odt, odp, epub, pdf, srt, vtt or txt
    source_lang: str | None = None
    target_lang: str = "en"  # the direction: what the document was translated into
    confidence: float | None = None  # language id's, when it detected the language
    segments: int = 0
    cached_segments: int = 0
    flagged_segments: int = 0  # segments the faithfulness checks flagged
    issues: dict[str, int] = field(default_factory=dict)  # check code → segments
    memory_hits: int = 0  # segments the translation memory gave (exact or adapted)
    seconds: float = 0.0
    models: dict[str, Any] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SourceDocument:
    path: Path
    relative: str  # path under the input folder, with forward slashes

    @property
    def stem(self) -> str:
        return self.relative.rsplit(".", 1)[0] if "." in Path(self.relative).name else self.relative


def find_documents(root: Path, patterns: Sequence[str]) -> list[SourceDocument]:
    """Files under ``root`` matching any pattern, in a stable order; the output folder and
    hidden files are left out."""
    found: dict[str, SourceDocument] = {}
    for pattern in patterns:
        for path in root.glob(pattern):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and not any(part.startswith(".") for part in Path(relative).parts):
                found[relative] = SourceDocument(path, relative)
    return [found[key] for key in sorted(found)]


def read_document(path: Path, max_chars: int) -> tuple[str, str]:
    """The text of a document and the sha256 of its bytes; DocumentError for anything that
    is not usable text."""
    data = read_bytes(path)
    return decode_document(data, max_chars), hashlib.sha256(data).hexdigest()


def read_bytes(path: Path) -> bytes:
    """A document's bytes; DocumentError when the file cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read the file: {exc.strerror or exc}") from exc


def decode_document(data: bytes, max_chars: int) -> str:
    """The text of a document's bytes; DocumentError when they are not usable text (empty,
    binary, over the limit, not UTF-8)."""
    if not data.strip():
        raise DocumentError("the document is empty")
    if b"\x00" in data:
        raise DocumentError("binary file (it contains NUL bytes), not text")
    if len(data) > 4 * max_chars:
        raise DocumentError(f"the document is {len(data):,} bytes; the limit is {max_chars:,} characters (OVERSETT_MAX_CHARS)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}); "
            "convert it to UTF-8 first, e.g. iconv -f latin1 -t utf-8"
        ) from exc
    if len(text) > max_chars:
        raise DocumentError(f"the document has {len(text):,} characters; the limit is {max_chars:,} (OVERSETT_MAX_CHARS)")
    return text


def write_atomic(target: Path, content: str | bytes) -> None:
    """Write to a temporary file beside ``target``, flush it to disk, rename it into place: a
    reader never sees half a file, and a failed write leaves none."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}{TEMP_SUFFIX}")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def remove_stale_temporaries(out_dir: Path) -> int:
    removed = 0
    for path in out_dir.rglob(f"*{TEMP_SUFFIX}"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


class OutputFolder:
    """Where a run writes: outputs, state records and the manifest."""

    def __init__(self, root: Path, language: str = "en") -> None:
        self.root = root
        self.language = language  # the outputs' language: name.LANGUAGE.ext

    def translation(self, doc: SourceDocument, document_format: DocumentFormat | None = None) -> Path:
        if document_format is None or document_format.name == "txt":
            return self.root / f"{doc.stem}.{self.language}.txt"
        return self.root / f"{doc.stem}.{self.language}{Path(doc.relative).suffix}"

    def summary(self, doc: SourceDocument) -> Path:
        return self.root / f"{doc.stem}.summary.{self.language}.txt"

    def state(self, doc: SourceDocument) -> Path:
        return self.root / STATE_DIR / f"{doc.relative}.json"

    def outputs(self, doc: SourceDocument, summary: str | None, document_format: DocumentFormat | None = None) -> list[Path]:
        return [self.translation(doc, document_format)] + ([self.summary(doc)] if summary else [])

    def completed(
        self, doc: SourceDocument, sha256: str, key: dict[str, Any], summary: str | None,
        document_format: DocumentFormat | None = None,
    ) -> ManifestEntry | None:
        """The recorded entry when this document is done for this source and these models."""
        try:
            state = json.loads(self.state(doc).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if state.get("sha256") != sha256 or state.get("key") != key:
            return None
        if not all(path.is_file() for path in self.outputs(doc, summary, document_format)):
            return None
        return ManifestEntry(**state["entry"])

    def record(self, doc: SourceDocument, sha256: str, key: dict[str, Any], entry: ManifestEntry) -> None:
        write_atomic(self.state(doc), json.dumps({"sha256": sha256, "key": key, "entry": asdict(entry)}))

    def write_manifest(self, entries: Iterable[ManifestEntry]) -> Path:
        target = self.root / MANIFEST
        write_atomic(target, "".join(json.dumps(asdict(e), ensure_ascii=False) + "\n" for e in entries))
        return target


class DocumentTranslator:
    """The per-document work, the same for every engine: read, translate (and summarise),
    write the outputs atomically, record the state. Models load on first use (``load``), so a
    run where everything is skipped loads none. ``key`` is what the outputs depend on (the
    composition computes it from the settings without loading a model)."""

    def __init__(
        self,
        load: Callable[[], Pipelines],
        out_dir: Path,
        summary: str | None,
        *,
        key: dict[str, Any],
        max_chars: int,
        format_of: Callable[[str], DocumentFormat] | None = None,
        max_bytes: int = 20 * 1024 * 1024,
        glossary: Glossary | None = None,
        model_name: str = "default",
        memory: str | None = None,
        target_lang: str = "en",
    ) -> None:
        self.load = load
        self.target_lang = target_lang
        self.glossary = glossary
        self.memory = memory
        self.model_name = model_name
        self.format_of = format_of
        self.max_bytes = max_bytes
        self.output = OutputFolder(out_dir, target_lang)
        self.summary = summary
        self.key = key
        self.max_chars = max_chars
        self._services: Pipelines | None = None

    @property
    def services(self) -> Pipelines:
        if self._services is None:
            services = self.load()
            services.require_pipeline(self.target_lang)  # a missing translator stops the run: it is not per document
            if self.summary:
                services.require_summaries()
            self._services = services
        return self._services

    def close(self) -> None:
        if self._services is not None:
            self._services.close()

    def process(self, doc: SourceDocument, on_sentences: Callable[[int], None] | None = None) -> ManifestEntry:
        started = time.perf_counter()
        sha256: str | None = None
        document_format = self._format(doc)
        try:
            if document_format is None:
                text, sha256 = read_document(doc.path, self.max_chars)
            else:
                data, sha256 = self._read_bytes(doc)
            done = self.output.completed(doc, sha256, self.key, self.summary, document_format)
            if done is not None:
                return ManifestEntry(**{**asdict(done), "status": "skipped", "seconds": 0.0})
            if document_format is None:
                entry = self._translate(doc, text, sha256, on_sentences)
            else:
                entry = self._translate_file(doc, document_format, data, sha256, on_sentences)
        except ModelUnavailable:
            raise
        except OversettError as exc:
            name = document_format.name if document_format else "txt"
            return ManifestEntry(doc.relative, sha256, "error", exc.said_on("cli"), name, seconds=time.perf_counter() - started)
        entry.seconds = round(time.perf_counter() - started, 3)
        self.output.record(doc, sha256, self.key, entry)
        return entry

    def _models(self, model_id: str, backend: str) -> dict[str, Any]:
        """What the manifest records of the models (and the glossary) a document was made with."""
        models: dict[str, Any] = {"model": self.model_name, "translator": model_id, "backend": backend}
        if self.glossary is not None:
            models["glossary"] = f"{self.glossary.name}@{self.glossary.digest}"
        if self.memory is not None:
            models["memory"] = self.memory
        return models

    def _format(self, doc: SourceDocument) -> DocumentFormat | None:
        """The document's format, None for plain text (and any file a --glob picked that no
        format claims: it is read as UTF-8 text, as before)."""
        if self.format_of is None:
            return None
        try:
            found = self.format_of(doc.relative)
        except UnsupportedFormat:
            return None
        return None if found.name == "txt" else found

    def _read_bytes(self, doc: SourceDocument) -> tuple[bytes, str]:
        data = read_bytes(doc.path)
        if not data.strip():
            raise DocumentError("the document is empty")
        if len(data) > self.max_bytes:
            raise DocumentError(f"the document is {len(data):,} bytes; the limit is {self.max_bytes:,} (OVERSETT_MAX_DOCUMENT_BYTES)")
        return data, hashlib.sha256(data).hexdigest()

    def _translate_file(
        self, doc: SourceDocument, document_format: DocumentFormat, data: bytes, sha256: str,
        on_sentences: Callable[[int], None] | None,
    ) -> ManifestEntry:
        services = self.services
        pipeline = services.require_pipeline(self.target_lang)
        try:
            done = translate_file(pipeline, document_format, data, progress=on_sentences, glossary=self.glossary,
                                  memory=self.memory, target_lang=self.target_lang)
        except InputTooLarge as exc:
            raise DocumentError(exc.message) from exc
        write_atomic(self.output.translation(doc, document_format), done.data)
        info = pipeline.translator.info
        models = self._models(info.model_id, info.backend)
        if self.summary and done.source_text.strip():
            summary = services.require_summaries().summarize_document(
                done.source_text, self.summary, source_lang=done.source_lang, target_lang=self.target_lang
            )
            write_atomic(self.output.summary(doc), summary.summary + "\n")
            models |= {"summarizer": summary.models.get("summarizer"), "summary_method": summary.method}
        outputs = self.output.outputs(doc, self.summary if done.source_text.strip() else None, document_format)
        return ManifestEntry(
            file=doc.relative, sha256=sha256, status="ok", format=document_format.name,
            source_lang=done.source_lang, target_lang=self.target_lang, confidence=done.confidence, segments=done.segments, cached_segments=done.cached_segments,
            flagged_segments=done.flagged_segments, issues=done.issues, memory_hits=done.memory_hits, models=models,
            outputs=[p.relative_to(self.output.root).as_posix() for p in outputs],
        )

    def _translate(
        self, doc: SourceDocument, text: str, sha256: str, on_sentences: Callable[[int], None] | None
    ) -> ManifestEntry:
        services = self.services
        pipeline = services.require_pipeline(self.target_lang)
        (result,) = pipeline.translate_documents(
            [text], progress=on_sentences, glossary=self.glossary, memory=self.memory, target_lang=self.target_lang
        )
        write_atomic(self.output.translation(doc), result.text)
        info = pipeline.translator.info
        models = self._models(info.model_id, info.backend)
        if self.summary:
            summary = services.require_summaries().summarize_document(
                text, self.summary, source_lang=result.source_lang, target_lang=self.target_lang
            )
            write_atomic(self.output.summary(doc), summary.summary + "\n")
            models |= {"summarizer": summary.models.get("summarizer"), "summary_method": summary.method}
        return ManifestEntry(
            file=doc.relative,
            sha256=sha256,
            status="ok",
            source_lang=result.source_lang,
            target_lang=self.target_lang,
            confidence=result.detected.confidence if result.detected else None,
            segments=len(result.segments),
            cached_segments=sum(s.cached for s in result.segments),
            flagged_segments=result.flagged,
            issues=dict(Counter(i.code for s in result.segments for i in s.issues)),
            memory_hits=sum(1 for s in result.segments if s.origin.startswith("memory")),
            models=models,
            outputs=[p.relative_to(self.output.root).as_posix() for p in self.output.outputs(doc, self.summary)],
        )


@dataclass
class BatchSummary:
    done: int
    skipped: int
    failed: int
    seconds: float
    manifest: Path

    def line(self) -> str:
        return (
            f"{self.done} done, {self.skipped} skipped, {self.failed} failed in {self.seconds:.1f} s; "
            f"manifest: {self.manifest}"
        )


class Progress:
    """A progress bar on a terminal (documents, and sentences of the document at hand);
    plain log lines otherwise."""

    def __init__(self, total: int, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.count = 0
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar: Any = None
        self._sentences: Any = None
        if self.interactive:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="doc", file=self.stream, position=0)

    def start_document(self, doc: SourceDocument) -> Callable[[int], None]:
        if not self.interactive:
            return lambda n: None
        from tqdm import tqdm

        self._sentences = tqdm(desc=doc.relative, unit="sent", file=self.stream, position=1, leave=False)
        return lambda n: self._sentences.update(n)

    def finish_document(self, entry: ManifestEntry) -> None:
        self.count += 1
        if self._sentences is not None:
            self._sentences.close()
            self._sentences = None
        if self.interactive:
            self._bar.update(1)
            self._bar.set_postfix_str(f"{entry.file}: {entry.status}")
            return
        detail = entry.error if entry.status == "error" else f"{entry.segments} segments, {entry.seconds:.1f} s"
        print(f"[{self.count}/{self.total}] {entry.file}: {entry.status} ({detail})", file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


BatchEngine = Callable[[Sequence[SourceDocument], Progress], list[ManifestEntry]]
"""Runs the per-document work over documents, in their order, telling ``Progress``."""


def local_engine(worker: DocumentTranslator) -> BatchEngine:
    """Documents one after the other in this process, with one set of models."""

    def run(documents: Sequence[SourceDocument], progress: Progress) -> list[ManifestEntry]:
        try:
            return list(run_local(worker, documents, progress))
        finally:
            worker.close()

    return run


def run_local(worker: DocumentTranslator, documents: Sequence[SourceDocument], progress: Progress) -> Iterator[ManifestEntry]:
    for doc in documents:
        entry = worker.process(doc, progress.start_document(doc))
        progress.finish_document(entry)
        yield entry


def run_batch(
    input_dir: Path,
    out_dir: Path,
    *,
    engine: BatchEngine,
    patterns: Sequence[str] = ("*.txt",),
    stream: Any = None,
) -> BatchSummary:
    """Translate every matching document of ``input_dir`` into ``out_dir`` with ``engine``."""
    if not input_dir.is_dir():
        raise OversettError(f"{input_dir} is not a folder")
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    stale = remove_stale_temporaries(out_dir)
    if stale:
        log.info("removed %d temporary files left by an interrupted run", stale)
    documents = [d for d in find_documents(input_dir, patterns) if not _inside(d.path, out_dir)]
    progress = Progress(len(documents), stream)
    try:
        entries = engine(documents, progress)
    finally:
        progress.close()
    manifest = OutputFolder(out_dir).write_manifest(entries)
    return BatchSummary(
        done=sum(e.status == "ok" for e in entries),
        skipped=sum(e.status == "skipped" for e in entries),
        failed=sum(e.status == "error" for e in entries),
        seconds=time.perf_counter() - started,
        manifest=manifest,
    )


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False
