"""`oversett soak`, short: two replicas sharing Redis (started by the soak itself, as `--tiny 2`
does), every route family in the mix, each flow's steps split across the replicas; no 5xx, no
memory entry lost or stale, every cross-replica flow passes, and each server's RSS is sampled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from service.tools.samples import write_samples
from service.tools.soak import soak
from service.tools.soak.servers import tiny_replicas
from service.tools.tiny import seed_lines

from .conftest import REPO, SEEDS

FAMILIES = ("/v1/translate", "/v1/translate/stream", "/v1/translate/document", "/v1/summarize", "/v1/jobs",
            "/v1/glossaries/{name}", "/v1/memories/{name}/entries", "/translate", "/translate_file", "/download_file/{name}",
            "/v2/translate", "/v2/document", "/v2/document/{id}/result", "bad:", "hang-up")


def test_a_short_soak_over_two_replicas_passes_every_flow(tmp_path: Path) -> None:
    texts = [line for line in seed_lines(SEEDS) if len(line.split()) >= 4]
    files = write_samples(tmp_path / "samples", every_format=True)
    with tiny_replicas(2, tmp_path, SEEDS) as bases:
        report = soak(bases, 40, clients=4, texts=texts, files=files, sample_every=4)
    print("\n".join(report.lines()))
    assert report.server_errors == 0, report.routes
    assert report.memory_entries["written"] > 0 and report.memory_entries["lost"] == report.memory_entries["stale"] == 0
    assert set(report.flows) == {"deepl document", "glossary", "job", "libretranslate file", "memory"}
    for name, counts in report.flows.items():
        assert counts["passed"] > 0 and counts["failed"] == 0, (name, counts, report.failures)
    for family in FAMILIES:
        assert any(route.startswith(family) for route in report.routes), family
    assert all(status.startswith("4") for route, entry in report.routes.items() if route.startswith("bad:")
               for status in entry["statuses"])  # bad input: a clear 4xx, never a 5xx
    assert set(report.rss) == set(bases) and all(len(curve) >= 5 for curve in report.rss.values())
    assert report.ok()


def test_the_command_says_what_it_needs(tmp_path: Path) -> None:
    both = subprocess.run([sys.executable, "-m", "service", "soak", "--tiny", "2", "--url", "http://127.0.0.1:1"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert both.returncode != 0 and "--url" in both.stderr and "--tiny" in both.stderr
