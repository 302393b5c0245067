"""The files of a batch run: the documents found in the input folder, how their bytes are read,
the outputs and state records of the output folder (each written to a temporary file and renamed
into place), and the manifest's entry for each document."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..domain.errors import DocumentError
from ..domain.protocols import DocumentFormat

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
    marked_segments: int = 0  # of those, marked in the output with the reason (--mark-flagged, where the format can)
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
