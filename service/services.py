"""The shared resources of a running oversett: pipelines built once from settings.

The HTTP app, the CLI and batch runs all get their models from here. A missing model is kept
as an error for the routes that need it; a broken configuration is raised.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from .batching import DynamicBatcher
from .config import Settings
from .errors import ModelUnavailable
from .langid import LanguageDetector
from .pipeline import SummaryPipeline, TranslationPipeline, load_pipeline, load_summarizer

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What the routes share: built once per app in the lifespan."""

    settings: Settings
    pipeline: TranslationPipeline | None = None
    translator_error: ModelUnavailable | None = None
    summaries: SummaryPipeline | None = None
    summarizer_error: ModelUnavailable | None = None
    model_loads: list[tuple[str, str, float]] = field(default_factory=list)  # role, model, seconds

    def require_pipeline(self) -> TranslationPipeline:
        if self.pipeline is None:
            raise self.translator_error or ModelUnavailable(
                "translation", self.settings.translator, "OVERSETT_TRANSLATOR", "not loaded yet"
            )
        return self.pipeline

    def require_summaries(self) -> SummaryPipeline:
        self.require_pipeline()
        assert self.summaries is not None
        return self.summaries

    def close(self) -> None:
        if self.pipeline is not None:
            if isinstance(self.pipeline.translator, DynamicBatcher):
                self.pipeline.translator.close()
            self.pipeline.cache.close()


def load_services(settings: Settings, detector: LanguageDetector | None = None) -> Services:
    """Load what the routes need. A missing model is kept as an error (503 on the routes
    that need it); a broken configuration (ConfigurationError) is raised."""
    services = Services(settings)
    try:
        started = time.perf_counter()
        services.pipeline = load_pipeline(settings, detector or LanguageDetector())
        services.model_loads.append(("translation", settings.translator, time.perf_counter() - started))
        services.pipeline.detector.warm_up()
    except ModelUnavailable as exc:
        log.error("%s", exc.message)
        services.translator_error = exc
    summarizer = None
    try:
        if settings.summarizer_enabled:
            started = time.perf_counter()
            summarizer = load_summarizer(settings)
            services.model_loads.append(("summarization", settings.summarizer, time.perf_counter() - started))
    except ModelUnavailable as exc:
        log.warning("%s Summaries fall back to the extractive method.", exc.message)
        services.summarizer_error = exc
    if services.pipeline is not None:
        services.summaries = SummaryPipeline(services.pipeline, summarizer, services.summarizer_error)
    return services
