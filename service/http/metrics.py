"""Prometheus metrics: request counts and latencies observed by the middleware, and the
pipeline's own counters read at scrape time (so the model code knows nothing of metrics)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from .responses import api_of

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
KNOWN_ENDPOINTS = (
    "/v1/translate", "/v1/translate/stream", "/v1/translate/document", "/v1/summarize", "/v1/glossaries", "/v1/jobs",
    "/v1/models", "/v1/languages", "/health", "/ready", "/metrics", "/",
    # LibreTranslate's API
    "/translate", "/detect", "/languages", "/translate_file", "/frontend/settings",
    # DeepL's API
    "/v2/translate", "/v2/languages", "/v2/usage", "/v2/glossaries", "/v2/glossary-language-pairs", "/v2/document",
)


def endpoint_label(path: str) -> str:
    """A bounded label for a path (ids and unknown paths folded)."""
    if path.startswith("/v1/jobs/"):
        return "/v1/jobs/{job_id}"
    if path.startswith("/v1/glossaries/"):
        return "/v1/glossaries/{name}"
    if path.startswith("/static/"):
        return "/static"
    if path.startswith("/download_file/"):
        return "/download_file/{name}"
    if path.startswith("/v2/glossaries/"):
        return "/v2/glossaries/{glossary_id}"
    if path.startswith("/v2/document/"):
        return "/v2/document/{document_id}"
    return path if path in KNOWN_ENDPOINTS else "other"


class ServiceMetrics:
    """One registry per app, so several apps (tests, replicas in one process) never clash."""

    def __init__(self, state: Callable[[], dict[str, Any]]) -> None:
        self.registry = CollectorRegistry()
        # process_resident_memory_bytes, CPU seconds, open files …: what a soak samples of each replica
        ProcessCollector(registry=self.registry)
        self.requests = Counter(
            "oversett_requests", "HTTP requests by API (native, libretranslate, deepl), endpoint and status",
            ["api", "endpoint", "status"], registry=self.registry,
        )
        self.latency = Histogram(
            "oversett_request_seconds", "HTTP request latency by API and endpoint", ["api", "endpoint"],
            buckets=LATENCY_BUCKETS, registry=self.registry,
        )
        self.registry.register(_PipelineCollector(state))

    def observe(self, path: str, status: int, seconds: float) -> None:
        endpoint, api = endpoint_label(path), api_of(path)
        self.requests.labels(api, endpoint, str(status)).inc()
        self.latency.labels(api, endpoint).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _PipelineCollector:
    """Reads the pipeline's counters when Prometheus scrapes."""

    def __init__(self, state: Callable[[], dict[str, Any]]) -> None:
        self.state = state

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        """The pipelines' counters, each labelled with its direction (into-english, from-english)."""
        state = self.state()
        pipelines: dict[str, Any] = state.get("pipelines") or {}
        translators = {way: p.translator for way, p in pipelines.items()}
        segments = CounterMetricFamily("oversett_segments_translated", "Sentences (or pieces) the model translated",
                                       labels=["direction"])
        hits = CounterMetricFamily("oversett_cache_hits", "Translation cache hits (sentences)", labels=["direction"])
        misses = CounterMetricFamily("oversett_cache_misses", "Translation cache misses (sentences)", labels=["direction"])
        for way, pipeline in pipelines.items():
            segments.add_metric([way], translators[way].stats.sentences)
            hits.add_metric([way], pipeline.stats.cache_hits)
            misses.add_metric([way], pipeline.stats.cache_misses)
        yield segments
        yield hits
        yield misses
        works = {way: p.stats for way, p in pipelines.items()}
        for name, documentation, label, field in (
            ("oversett_languages_detected", "Texts by the language language id took them to be", "lang", "detected"),
            ("oversett_languages_refused", "Texts refused as a language oversett does not translate", "language", "refused"),
            ("oversett_translation_issues", "Translated units the faithfulness checks flagged, by code", "code", "issues"),
            ("oversett_glossary_terms", "Glossary terms in translated sentences: applied, and lost by the model (then added "
             "and flagged)", "outcome", "terms"),
            ("oversett_documents_translated", "Files translated through the format layer, by format", "format", "documents"),
            ("oversett_memory_hits", "Sentences a translation memory had: exact and adapted (used instead of the model), "
             "fuzzy (offered as suggestions)", "kind", "memory"),
        ):
            yield _labelled(name, documentation, label, {way: getattr(work, field) for way, work in works.items()})
        kept = {
            way: {"second": work.retries_improved, "first": work.retries - work.retries_improved} for way, work in works.items()
        }
        yield _labelled("oversett_translation_retries", "Flagged units translated again, cautiously", "kept", kept)
        yield _batch_histogram({way: t.stats.batch_size_counts for way, t in translators.items()})
        queue = GaugeMetricFamily("oversett_queue_depth", "Work waiting: admitted requests, and requests queued at the batcher",
                                  labels=["queue"])
        queue.add_metric(["admitted"], state.get("admitted", 0))
        queue.add_metric(["batcher"], sum(t.pending for t in translators.values()))
        yield queue
        engines = {way: getattr(t, "inner", t) for way, t in translators.items()}  # behind the batcher
        yield from _engine_pools({way: e for way, e in engines.items() if hasattr(e, "pool_stats")})
        jobs = state.get("jobs")
        if jobs is not None:
            yield _single("oversett_jobs", "HTTP jobs this replica's worker claimed, took over from a dead replica, completed",
                          "event", {"claimed": jobs.claimed, "taken_over": jobs.taken_over, "completed": jobs.completed})
            yield _single("oversett_job_documents", "Job documents this replica's worker translated, by outcome",
                          "outcome", jobs.documents)
        load = GaugeMetricFamily("oversett_model_load_seconds", "Seconds it took to load each model", labels=["role", "model"])
        for (role, model), seconds in state.get("model_loads", {}).items():
            load.add_metric([role, model], seconds)
        yield load


def _engine_pools(engines: Mapping[str, Any]) -> Iterator[Metric]:
    """Apertium's pipelines (Bokmål ↔ Nynorsk): how many run, how many were replaced, their memory."""
    if not engines:
        return
    running = GaugeMetricFamily("oversett_apertium_pipelines", "Apertium pipelines running (at most OVERSETT_APERTIUM_"
                                "PIPELINES per direction)", labels=["direction"])
    restarts = CounterMetricFamily("oversett_apertium_restarts", "Apertium pipelines replaced after a crash, hang or "
                                   "garbage answer", labels=["direction"])
    memory = GaugeMetricFamily("oversett_apertium_memory_bytes", "Proportional set size of every Apertium process",
                               labels=["direction"])
    for way, engine in engines.items():
        running.add_metric([way], sum(pool.pipelines for pool in engine.pools.values()))
        restarts.add_metric([way], engine.pool_stats.restarts)
        memory.add_metric([way], engine.memory_bytes())
    yield running
    yield restarts
    yield memory


def _labelled(
    name: str, documentation: str, label: str, by_direction: Mapping[str, Mapping[str, int]]
) -> CounterMetricFamily:
    family = CounterMetricFamily(name, documentation, labels=[label, "direction"])
    for way, counts in by_direction.items():
        for value, count in sorted(counts.items()):
            family.add_metric([value, way], count)
    return family


def _single(name: str, documentation: str, label: str, counts: Mapping[str, int]) -> CounterMetricFamily:
    family = CounterMetricFamily(name, documentation, labels=[label])
    for value, count in sorted(counts.items()):
        family.add_metric([value], count)
    return family


def _batch_histogram(by_direction: Mapping[str, dict[int, int]]) -> HistogramMetricFamily:
    family = HistogramMetricFamily("oversett_batch_size", "Sentences per model batch", labels=["direction"])
    for way, counts in by_direction.items():
        buckets = [(str(bound), sum(n for size, n in counts.items() if size <= bound)) for bound in BATCH_BUCKETS]
        buckets.append(("+Inf", sum(counts.values())))
        family.add_metric([way], buckets, sum_value=float(sum(size * n for size, n in counts.items())))
    return family
