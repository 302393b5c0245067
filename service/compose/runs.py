"""Batch runs from settings: picks the engine (this process, or Ray workers) and runs the
batch use case with it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from ..config import Settings
from ..domain.glossary import Glossary
from ..formats import EXTENSIONS
from ..usecases.batch import BatchSummary, local_engine, run_batch
from .batch_ray import ray_engine
from .services import document_worker


def run_batch_with_settings(
    input_dir: Path,
    out_dir: Path,
    *,
    settings: Settings,
    patterns: Sequence[str] | None = None,
    summary: str | None = None,
    engine: Literal["local", "ray"] = "local",
    stream: Any = None,
    glossary: Glossary | None = None,
    model: str | None = None,
    target_lang: str = "en",
    mark_flagged: bool = False,
) -> BatchSummary:
    """Translate every matching document of ``input_dir`` into ``out_dir`` (by default, every
    file of a supported type: .html, .md, .docx, .pptx, .xlsx, .odt, .odp, .epub, .pdf, .srt, .vtt, .txt …)."""
    chosen = (
        ray_engine(settings, out_dir, summary, glossary, model, target_lang, mark_flagged)
        if engine == "ray"
        else local_engine(document_worker(settings, out_dir, summary, glossary, model, target_lang, mark_flagged))
    )
    wanted = patterns or DOCUMENT_PATTERNS
    return run_batch(input_dir, out_dir, engine=chosen, patterns=wanted, stream=stream)


DOCUMENT_PATTERNS = tuple(f"*{extension}" for extension in EXTENSIONS)
