"""What one benchmark run measured, the machine it ran on, the table it prints, and the timers
and percentiles every part measures with."""

from __future__ import annotations

import os
import platform
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class SystemResult:
    model: str
    system: str
    beams: int
    seconds: float
    sentences: int
    output_tokens: int
    sentence_p50_ms: float | None = None
    sentence_p95_ms: float | None = None

    @property
    def sentences_per_s(self) -> float:
        return self.sentences / self.seconds

    @property
    def tokens_per_s(self) -> float:
        return self.output_tokens / self.seconds


@dataclass
class HttpResult:
    mode: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds


@dataclass
class Report:
    machine: dict[str, Any]
    output_tokens: int
    systems: list[SystemResult] = field(default_factory=list)
    cache: dict[str, float] = field(default_factory=dict)
    http: list[HttpResult] = field(default_factory=list)
    service_rss: dict[str, float] = field(default_factory=dict)
    checks: dict[str, float] = field(default_factory=dict)
    pipeline: dict[str, float] = field(default_factory=dict)
    summaries: list[dict[str, Any]] = field(default_factory=list)
    stream: dict[str, float] = field(default_factory=dict)
    both_models_rss: dict[str, float] = field(default_factory=dict)
    documents: dict[str, float] = field(default_factory=dict)
    glossary: dict[str, float] = field(default_factory=dict)
    memory: dict[str, float] = field(default_factory=dict)
    libretranslate: dict[str, float] = field(default_factory=dict)
    english: dict[str, Any] = field(default_factory=dict)  # English → Bokmål
    three_models_rss: dict[str, float] = field(default_factory=dict)
    nynorsk: dict[str, float] = field(default_factory=dict)  # Bokmål → Nynorsk, Apertium bare and through the service
    breakdown: dict[str, Any] = field(default_factory=dict)  # the HTTP path against bare batched CTranslate2, by step
    bench_peak_rss_mib: float = 0.0


def machine_info(threads: int) -> dict[str, Any]:
    import ctranslate2
    import torch
    import transformers

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "threads": threads,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "ctranslate2": ctranslate2.__version__,
    }


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started



def best_of(work: Callable[[], Any], repeats: int) -> float:
    """Seconds of the fastest of ``repeats`` runs, after one run to warm up (lingua, wordfreq,
    CTranslate2)."""
    work()
    return min(timed(work) for _ in range(repeats))


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def render(report: Report) -> str:
    lines = [
        f"machine: {report.machine['cpu']}, {report.machine['cores']} cores, {report.machine['threads']} threads; "
        f"torch {report.machine['torch']}, transformers {report.machine['transformers']}, "
        f"ctranslate2 {report.machine['ctranslate2']}",
        f"seed article: {str(report.systems[0].sentences) + ' sentences' if report.systems else 'the seed'}, "
        f"every output forced to {report.output_tokens} tokens",
        "",
        f"{'model':<5} {'system':<42} {'beams':>5} {'seconds':>8} {'sent/s':>7} {'tok/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'× naive':>8}",
    ]
    naive = {(r.model, r.beams): r.seconds for r in report.systems if r.system.startswith("naive")}
    for r in report.systems:
        p50 = f"{r.sentence_p50_ms:7.0f}" if r.sentence_p50_ms is not None else f"{'–':>7}"
        p95 = f"{r.sentence_p95_ms:7.0f}" if r.sentence_p95_ms is not None else f"{'–':>7}"
        lines.append(
            f"{r.model:<5} {r.system:<42} {r.beams:>5} {r.seconds:8.2f} {r.sentences_per_s:7.2f} "
            f"{r.tokens_per_s:8.1f} {p50} {p95} {naive[(r.model, r.beams)] / r.seconds:8.2f}"
        )
    if report.cache:
        c = report.cache
        lines += ["", f"cache (big, ctranslate2 int8): cold {c['cold_s']:.3f} s, cached repeat {c['cached_s'] * 1000:.1f} ms, "
                  f"{c['speedup']:.0f}× faster"]
    if report.http:
        lines += ["", f"{'HTTP (big, ctranslate2 int8)':<32} {'requests':>8} {'errors':>6} {'seconds':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}"]
        for h in report.http:
            lines.append(f"{h.mode:<32} {h.requests:>8} {h.errors:>6} {h.seconds:8.2f} {h.requests_per_s:7.2f} {h.p50_ms:7.0f} {h.p95_ms:7.0f}")
        lines.append(f"concurrent / serial throughput: {report.http[1].requests_per_s / report.http[0].requests_per_s:.2f}×")
    if report.pipeline:
        p = report.pipeline
        lines += ["", f"pipeline (big, ctranslate2 int8, the seed): bare CTranslate2 {p['bare_s']:.3f} s, "
                  f"through the pipeline {p['pipeline_s']:.3f} s, overhead {100 * p['overhead']:+.1f}%"]
    if report.summaries:
        lines += ["", f"{'summary (distilbart-cnn-12-6 architecture, the seed)':<52} {'beams':>5} {'seconds':>8} {'× naive':>8}"]
        for row in report.summaries:
            lines.append(f"{row['system']:<52} {row['beams']:>5} {row['seconds']:8.2f} {row['speedup']:8.2f}")
    if report.stream:
        t = report.stream
        lines += ["", f"stream (big, ctranslate2 int8, {t['sentences']:.0f} sentences): first segment {t['first_s']:.2f} s, "
                  f"all {t['total_s']:.2f} s ({100 * t['share']:.1f}% of the total)"]
    if report.both_models_rss:
        r = report.both_models_rss
        lines += ["", f"service RSS, translator (big) and summariser both on ctranslate2 int8: idle {r['idle_mib']:.0f} MiB, "
                  f"after {r['after_mib']:.0f} MiB, peak {r['peak_mib']:.0f} MiB ({r['peak_mib'] / 1024:.2f} GiB)"]
    if report.english:
        e = report.english
        lines += [
            "", f"English → Bokmål (tc-big-en-gmq architecture, the English seed, {e['sentences']} sentences, "
            f"{e['output_tokens']} tokens each, beams {e['beams']}): naive transformers {e['naive_s']:.2f} s, "
            f"ctranslate2 int8 {e['ct2_s']:.2f} s ({e['speedup']:.1f}× naive); pipeline {e['pipeline_s']:.2f} s "
            f"({100 * e['overhead']:+.1f}% over bare ctranslate2)",
        ]
    if report.nynorsk:
        n = report.nynorsk
        lines += [
            "", f"Bokmål → Nynorsk (Apertium nob-nno_e, {n['sentences']:.0f} sentences, {n['pipelines']:.0f} pipelines, "
            f"{n['clients']:.0f} clients): bare Apertium, one sentence a call {n['bare_per_s']:.1f} sentences/s "
            f"(all at once: {n['pipelined_per_s']:.1f}); through the service (one sentence a "
            f"request) {n['service_per_s']:.1f} sentences/s ({100 * n['share']:.1f}% of bare); one warm sentence, median: "
            f"everyday ({n['everyday_words']:.0f} words) bare {n['bare_everyday_p50_ms']:.1f} ms, service "
            f"{n['service_everyday_p50_ms']:.1f} ms; long ({n['long_words']:.0f} words) bare {n['bare_p50_ms']:.1f} ms, "
            f"service {n['service_p50_ms']:.1f} ms; pipelines running "
            f"{n['running']:.0f} (at most {n['limit']:.0f}), their memory {n['memory_mib']:.0f} MiB (PSS)",
        ]
    if report.breakdown:
        lines += ["", *render_breakdown(report.breakdown)]
    if report.three_models_rss:
        r = report.three_models_rss
        lines += ["", f"service RSS, both translators (big) and the summariser on ctranslate2 int8: idle {r['idle_mib']:.0f} MiB, "
                  f"after {r['after_mib']:.0f} MiB, peak {r['peak_mib']:.0f} MiB ({r['peak_mib'] / 1024:.2f} GiB)"]
    if report.checks:
        c = report.checks
        lines += ["", f"checks (big, ctranslate2 int8, the seed, empty cache): without {c['without_s']:.3f} s, "
                  f"with checks and protected spans {c['with_s']:.3f} s, overhead {100 * c['overhead']:+.1f}%"]
    if report.documents:
        d = report.documents
        lines += ["", f"documents (big, ctranslate2 int8, {d['paragraphs']:.0f} paragraphs, empty cache): as .txt {d['txt_s']:.3f} s; "
                  "through the format layer, and over the .txt:"]
        lines += [f"  .{name:<5} {d[name + '_s']:.3f} s  {100 * d[name + '_overhead']:+.1f}%"
                  for name in sorted(k[: -len("_overhead")] for k in d if k.endswith("_overhead"))]
    if report.memory:
        m = report.memory
        lines += ["", f"translation memory (big, ctranslate2 int8, the seed, empty cache; {m['entries']:,.0f} entries, none of the "
                  f"seed's sentences): without {m['without_s']:.3f} s, with {m['with_s']:.3f} s, overhead {100 * m['overhead']:+.1f}% "
                  f"(the memory's own lookups for the seed: {1000 * m['seed_lookups_s']:.1f} ms, {100 * m['lookup_share']:.1f}% of it); "
                  f"fuzzy lookup of one sentence ({m['lookups']:.0f}): p50 {m['lookup_p50_ms']:.2f} ms, p95 {m['lookup_p95_ms']:.2f} ms; "
                  f"memory built in {m['build_s']:.1f} s"]
    if report.glossary:
        g = report.glossary
        lines += ["", f"glossary (big, ctranslate2 int8, the seed, empty cache): without {g['without_s']:.3f} s, "
                  f"with {g['terms']:.0f} terms ({g['applied']:.0f} applied) {g['with_s']:.3f} s, overhead {100 * g['overhead']:+.1f}%"]
    if report.libretranslate:
        lt = report.libretranslate
        lines += ["", f"LibreTranslate API (big, ctranslate2 int8, the seed, cold cache, {lt['beams']:.0f} beams, "
                  f"{lt['threads']:.0f} threads, {lt['clients']:.0f} clients): LibreTranslate {lt['libretranslate_sent_s']:.2f} "
                  f"sent/s, oversett {lt['oversett_sent_s']:.2f} sent/s, {lt['ratio']:.2f}×"]
    if report.service_rss:
        r = report.service_rss
        lines += ["", f"service RSS (big, ctranslate2 int8): idle {r['idle_mib']:.0f} MiB, after load {r['after_load_mib']:.0f} MiB, "
                  f"peak {r['peak_mib']:.0f} MiB ({r['peak_mib'] / 1024:.2f} GiB)"]
    lines.append(f"benchmark process peak RSS: {report.bench_peak_rss_mib:.0f} MiB")
    return "\n".join(lines)


def render_breakdown(b: dict[str, Any]) -> list[str]:
    """The HTTP path against bare batched CTranslate2 in each layout, and where a request's time went."""
    lines = [
        f"HTTP at the limit (big, ctranslate2 int8, beams {b['beams']}, {b['sentences']} one-sentence requests, "
        f"{b['threads']} threads): bare batched ctranslate2 {b['bare_sentences_per_s']:.2f} sentences/s (median of its runs); "
        f"each run of the service between two bare runs, {b['rounds']} runs a layout"
    ]
    for layout in b["layouts"]:
        steps = layout["steps_ms"]
        lines += [
            f"  {layout['layout']} ({', '.join(f'{k}={v}' for k, v in layout['settings'].items())}): "
            f"{b['clients']} clients {layout['service_sentences_per_s']:.2f} sentences/s against bare "
            f"{layout['paired_bare_sentences_per_s']:.2f} around it: {100 * layout['ratio']:.1f}% (median of "
            f"{', '.join(f'{100 * r:.1f}' for r in layout['ratios'])}); "
            f"p50 one request alone {layout['serial_p50_ms']:.0f} ms, with {b['clients']} clients "
            f"{layout['concurrent_p50_ms']:.0f} ms; errors {layout['errors']}",
            "    mean per request, ms (one client | " + f"{b['clients']} clients): "
            + ", ".join(f"{step} {layout['serial_steps_ms'].get(step, 0):.1f} | {steps.get(step, 0):.1f}" for step in steps),
        ]
    profile = b.get("profile")
    if profile:
        lines.append("  profile (py-spy, % of samples, all threads): by package "
                     + ", ".join(f"{name} {pct}" for name, pct in profile["by_package_pct"].items()))
        lines.append("  top functions by own samples: "
                     + "; ".join(f"{name} {pct}" for name, pct in profile["top_functions_pct"][:8]))
    return lines
