"""Build the Bokmål ↔ Nynorsk engine (Apertium) behind its own pipeline, or keep the reason it is
missing (a 503 that names the packages), and say how English goes into Nynorsk."""

from __future__ import annotations

import logging

from ..backends.apertium import ApertiumTranslator
from ..config import Settings
from ..domain.errors import EngineUnavailable, ModelUnavailable
from ..domain.langid import LanguageDetector
from ..stores.cache import open_cache
from ..usecases.pipeline import TranslationPipeline
from ..usecases.standards import WRITTEN_STANDARDS, Standards
from .stores import memory_store

log = logging.getLogger(__name__)


def load_standards(settings: Settings, detector: LanguageDetector) -> Standards:
    """Apertium's nno-nob pair with the configured variant and pool, or the error that says why not."""
    if not settings.apertium:
        error = EngineUnavailable("nob-nno", reason="it is turned off here (OVERSETT_APERTIUM=false)")
        return Standards(None, error, "direct")
    try:
        engine = ApertiumTranslator(settings.nynorsk_variant, settings.apertium_pipelines, settings.apertium_timeout)
    except EngineUnavailable as exc:
        log.warning("%s English → Nynorsk goes direct.", exc.message)
        return Standards(None, exc, "direct")
    # No dynamic batcher: concurrent requests already share each pipeline, their records written one
    # after another without waiting (apertium_pipes.py), and a batcher's wait would only add latency.
    pipeline = TranslationPipeline(
        engine, open_cache(settings.cache), detector, num_beams=1, max_chars=settings.max_chars, checks=False,
        retry=False, memories=memory_store(settings), default_memory=settings.memory,
        targets=WRITTEN_STANDARDS[::-1], converter=True,
    )
    return Standards(pipeline, None, settings.nynorsk_route)


def standards_alone(standards: Standards | None, error: ModelUnavailable | None) -> TranslationPipeline | None:
    """The Bokmål ↔ Nynorsk engine standing in for a missing English → Norwegian translator:
    Norwegian text is converted, English gets that translator's error."""
    engine = standards.pipeline if standards is not None else None
    if not isinstance(engine, TranslationPipeline):
        return None
    engine.missing = error or ModelUnavailable(
        "English → Norwegian translation", "none", "OVERSETT_EN_TRANSLATOR", "that direction is turned off"
    )
    return engine
