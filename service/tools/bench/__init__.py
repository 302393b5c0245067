"""``oversett bench`` and ``oversett load``, one module per part: the systems side by side
(``models``), the pipeline parts (``pipeline``), the summariser and memory (``summaries``), a real
service over HTTP (``service``), a bounded load run (``load``), the report (``report``), and the
run that ties them together (``run``)."""

from __future__ import annotations

from .load import LoadReport, load_run
from .report import Report, render
from .run import DEFAULT_SEED_FILE, DEFAULT_TOKENIZER_TEXT, run
from .service import ServiceProcess, free_port

__all__ = [
    "DEFAULT_SEED_FILE", "DEFAULT_TOKENIZER_TEXT", "LoadReport", "Report", "ServiceProcess", "free_port", "load_run",
    "render", "run",
]
