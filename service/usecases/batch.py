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
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
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
from .batch_files import (
    ManifestEntry,
    OutputFolder,
    SourceDocument,
    find_documents,
    read_bytes,
    read_document,
    remove_stale_temporaries,
    write_atomic,
)
from .documents import translate_file
from .summaries import Pipelines

log = logging.getLogger(__name__)

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
        mark_flagged: bool = False,
    ) -> None:
        self.load = load
        self.mark_flagged = mark_flagged
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
        if "nynorsk_route" in self.key:  # into Nynorsk: how English went there, and which Nynorsk
            models |= {k: self.key[k] for k in ("nynorsk_route", "nynorsk_variant")}
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
                                  memory=self.memory, target_lang=self.target_lang, mark_flagged=self.mark_flagged)
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
            marked_segments=done.marked_segments,
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
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, what is wrong)
    interrupted: bool = False  # stopped by Ctrl-C: the manifest holds what was finished
    total: int = 0

    def line(self) -> str:
        """What the run did, for the last lines on the terminal: the failures by name, and how
        to go on after an interruption."""
        counts = f"{self.done} done, {self.skipped} skipped, {self.failed} failed"
        lines = [f"  {name}: {reason}" for name, reason in self.failures[:MAX_FAILURES_SHOWN]]
        if len(self.failures) > MAX_FAILURES_SHOWN:
            lines.append(f"  … and {len(self.failures) - MAX_FAILURES_SHOWN} more (status \"error\" in the manifest)")
        if self.interrupted:
            head = (f"Interrupted after {self.done + self.skipped + self.failed} of {self.total} documents "
                    f"({counts}) in {self.seconds:.1f} s; manifest of what was finished: {self.manifest}")
            tail = ["Run the same command again to resume: finished documents are skipped."]
        else:
            head = f"{counts} in {self.seconds:.1f} s; manifest: {self.manifest}"
            tail = []
        failed = [f"Failed ({self.failed}):"] + lines if lines else []
        return "\n".join([head, *failed, *tail])


MAX_FAILURES_SHOWN = 20


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
        self.entries: list[ManifestEntry] = []  # finished documents, in order (for a manifest after Ctrl-C)
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
        self.entries.append(entry)
        if self._sentences is not None:
            self._sentences.close()
            self._sentences = None
        if self.interactive:
            if entry.status == "error":  # above the bar, where it stays on screen
                self._bar.write(f"{entry.file}: error: {entry.error}", file=self.stream)
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
    interrupted = False
    try:
        entries = engine(documents, progress)
    except KeyboardInterrupt:  # Ctrl-C: what was finished is kept, and said, so a rerun resumes
        entries, interrupted = progress.entries, True
    finally:
        progress.close()
    manifest = OutputFolder(out_dir).write_manifest(entries)
    return BatchSummary(
        done=sum(e.status == "ok" for e in entries),
        skipped=sum(e.status == "skipped" for e in entries),
        failed=sum(e.status == "error" for e in entries),
        seconds=time.perf_counter() - started,
        manifest=manifest,
        failures=[(e.file, e.error or "") for e in entries if e.status == "error"],
        interrupted=interrupted,
        total=len(documents),
    )


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False
