"""A bounded load run on loopback: a real `oversett serve`, concurrent clients, no errors."""

from __future__ import annotations

from pathlib import Path

from service.tools.bench import DEFAULT_TOKENIZER_TEXT, load_run


def test_bounded_load_run_has_no_errors(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    texts = [line for line in DEFAULT_TOKENIZER_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()][:100]
    env = {
        "OVERSETT_TRANSLATOR": str(tiny_models["translator"]),
        "OVERSETT_SUMMARIZER": "none",
        "OVERSETT_NUM_BEAMS": "1",
        "OVERSETT_CACHE": str(tmp_path / "cache.sqlite3"),
        "OVERSETT_JOBS_DB": str(tmp_path / "jobs.sqlite3"),
    }
    report = load_run(env, texts, requests=300, concurrency=16, work_dir=tmp_path, timeout=300)
    assert report.status_counts == {"200": 300}
    assert report.errors == 0
    assert report.p95_ms >= report.p50_ms > 0
    assert report.rss_after_mib > 0
