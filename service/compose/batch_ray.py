"""Ray engine for batch runs: the same per-document work over a Ray Data dataset.

Each Ray worker is an actor that loads the models once and processes the documents sent to
it with ``DocumentTranslator.process`` — the function the local engine runs — so outputs,
state records and the manifest are the same. The cluster comes from ``RAY_ADDRESS``; without
it a local Ray starts. On a cluster, the input and output folders must be on a file system
every node sees at the same path.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..config import Settings
from ..domain.errors import OversettError
from ..domain.glossary import Glossary
from ..usecases.batch import BatchEngine, Progress
from ..usecases.batch_files import ManifestEntry, SourceDocument
from .services import document_worker


class _DocumentActor:
    """Loads the models once per worker (on first use) and translates one batch of paths."""

    def __init__(
        self, settings_json: str, out_dir: str, summary: str | None, glossary_json: str | None = None,
        model: str | None = None, target_lang: str = "en", mark_flagged: bool = False,
    ) -> None:
        settings = Settings.model_validate_json(settings_json)
        glossary = Glossary.from_json(json.loads(glossary_json)) if glossary_json else None
        self.worker = document_worker(settings, Path(out_dir), summary, glossary, model, target_lang, mark_flagged)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        entries = [
            json.dumps(asdict(self.worker.process(SourceDocument(Path(path), relative))))
            for path, relative in zip(batch["path"], batch["relative"], strict=True)
        ]
        return {"entry": entries}


def ray_engine(
    settings: Settings, out_dir: Path, summary: str | None, glossary: Glossary | None = None, model: str | None = None,
    target_lang: str = "en", mark_flagged: bool = False,
) -> BatchEngine:
    """The batch engine that runs the documents on Ray workers."""

    def run(documents: Sequence[SourceDocument], progress: Progress) -> list[ManifestEntry]:
        return run_ray(settings, out_dir, summary, documents, progress, glossary, model, target_lang, mark_flagged)

    return run


def run_ray(
    settings: Settings,
    out_dir: Path,
    summary: str | None,
    documents: Sequence[SourceDocument],
    progress: Progress,
    glossary: Glossary | None = None,
    model: str | None = None,
    target_lang: str = "en",
    mark_flagged: bool = False,
) -> list[ManifestEntry]:
    try:
        import ray
    except ImportError as exc:
        raise OversettError(
            "the Ray engine needs Ray: pip install 'oversett[ray]' (or use --engine local)"
        ) from exc
    if not documents:
        return []
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(
            address=os.environ.get("RAY_ADDRESS") or None,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
        )
    try:
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        actors = min(cpus, len(documents))
        # Threads per model: the cores shared out among the workers, unless set explicitly.
        worker_settings = settings.model_copy(
            update={"threads": settings.threads or max(1, cpus // actors), "batch_wait_ms": 0}
        )
        dataset = ray.data.from_items(
            [{"path": str(d.path.resolve()), "relative": d.relative} for d in documents]
        )
        results = dataset.map_batches(
            _DocumentActor,
            fn_constructor_args=(
                worker_settings.model_dump_json(), str(out_dir.resolve()), summary,
                json.dumps(glossary.to_json()) if glossary is not None else None, model, target_lang, mark_flagged,
            ),
            batch_size=1,
            concurrency=actors,
            num_cpus=1,
        )
        entries: dict[str, ManifestEntry] = {}
        try:
            for row in results.iter_rows():
                entry = ManifestEntry(**json.loads(row["entry"]))
                entries[entry.file] = entry
                progress.finish_document(entry)
        except Exception as exc:  # a worker failed as a whole (a model missing, say)
            cause = getattr(exc, "cause", None) or exc
            message = getattr(cause, "message", None) or str(cause).strip().splitlines()[-1]
            raise OversettError(f"the Ray run failed: {message}") from exc
        return [entries[d.relative] for d in documents]
    finally:
        if started_here:
            ray.shutdown()
