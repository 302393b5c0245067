"""The composition root: the only place that reads ``Settings`` and picks and builds the
backends. The HTTP app, the CLI, batch runs and the evaluation get their pipelines here.

A missing model is kept as an error for the routes that need it; a broken configuration is
raised.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..backends.loading import (
    ModelRef,
    convert_to_ctranslate2,
    converted_copy,
    find_ct2_model,
    folder_fingerprint,
    is_ct2_folder,
    is_local,
    load_ct2,
    load_seq2seq,
    resolve_folder,
)
from ..backends.prompts import PromptSet, load_prompts, uses_prompts
from ..backends.summarizers import CT2Summarizer, Seq2SeqSummarizer
from ..backends.translators import BatchedTranslator, CT2Translator, TorchTranslator
from ..config import Settings
from ..domain.errors import InvalidInput, MemoryNotFound, ModelUnavailable
from ..domain.glossary import Glossary, build_glossary
from ..domain.langid import LanguageDetector
from ..domain.pairs import ENGLISH, FROM_ENGLISH_TARGETS, direction
from ..domain.presets import LENGTH_PRESETS
from ..domain.protocols import DocumentFormat, GlossaryStore, JobRecords, MemoryStore, Translator
from ..formats import format_for
from ..stores.cache import open_cache
from ..stores.job_store import JobStore
from ..stores.redis_job_store import RedisJobStore
from ..usecases.batch import DocumentTranslator
from ..usecases.batching import DynamicBatcher
from ..usecases.jobs import JobLimits, JobRunner
from ..usecases.pipeline import TranslationPipeline
from ..usecases.standards import Standards
from ..usecases.summaries import SummaryPipeline
from .pool import FROM_ENGLISH, INTO_ENGLISH, TranslatorPool, known_model, settings_for_model
from .standards import load_standards, standards_alone
from .stores import glossary_store, memory_store

__all__ = ["Services", "TranslatorPool", "known_model", "load_services", "settings_for_model"]

log = logging.getLogger(__name__)

BETWEEN_STANDARDS = "bokmal-nynorsk"  # the direction label of Bokmål ↔ Nynorsk (metrics, /v1/models)


@dataclass
class Services:
    """What the routes share: built once per app in the lifespan."""

    settings: Settings
    pipeline: TranslationPipeline | None = None  # into English
    translator_error: ModelUnavailable | None = None
    en_pipeline: TranslationPipeline | None = None  # from English into Bokmål / Nynorsk
    en_translator_error: ModelUnavailable | None = None
    summaries: SummaryPipeline | None = None
    summarizer_error: ModelUnavailable | None = None
    # (role, model) → seconds its last load took: one entry a model, however often the pool reloads it
    model_loads: dict[tuple[str, str], float] = field(default_factory=dict)
    pools: dict[str, TranslatorPool] = field(default_factory=dict)  # direction → its named translators
    glossaries: GlossaryStore | None = None
    memories: MemoryStore | None = None
    standards: Standards | None = None  # Bokmål ↔ Nynorsk (Apertium), and the route of English into Nynorsk

    def require_pipeline(self, target: str = ENGLISH) -> TranslationPipeline:
        """The default translator's pipeline into ``target``; ModelUnavailable when it is missing."""
        return self.pool(target).require_default()

    def require_summaries(self) -> SummaryPipeline:
        self.require_pipeline()
        assert self.summaries is not None
        return self.summaries

    def pipelines(self) -> dict[str, TranslationPipeline]:
        """The loaded default pipelines by direction (for /metrics and /v1/models)."""
        found = {
            INTO_ENGLISH: self.pipeline, FROM_ENGLISH: self.en_pipeline,
            BETWEEN_STANDARDS: self.standards.pipeline if self.standards is not None else None,
        }
        return {name: pipeline for name, pipeline in found.items() if pipeline is not None}

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()
        for pipeline in self.pipelines().values():
            pipeline.close()
        if self.glossaries is not None:
            self.glossaries.close()
        if self.memories is not None:
            self.memories.close()

    def glossary_for(
        self, name: str | None, terms: list[tuple[str, str, str | None]] | None = None, keep: list[str] | None = None
    ) -> Glossary | None:
        """The glossary a request names, or one of its inline terms, or None."""
        if name and (terms or keep):
            raise InvalidInput("Name a glossary or give terms inline, not both.")
        if name:
            return self.require_glossaries().get(name)
        if terms or keep:
            return build_glossary("inline", terms or [], keep or [])
        return None

    def require_glossaries(self) -> GlossaryStore:
        if self.glossaries is None:
            self.glossaries = glossary_store(self.settings)
        return self.glossaries

    def require_memories(self) -> MemoryStore:
        if self.memories is None:
            self.memories = memory_store(self.settings)
        return self.memories

    def memory_for(self, name: str | None, default: str | None = None) -> str | None:
        """The memory a request names (MemoryNotFound if there is none of that name); when it names
        none, ``default`` (its key's memory, which needs no entries yet) or None (the pipeline's
        default, OVERSETT_MEMORY); "" for 'none' (no memory)."""
        if name is not None and name.lower() == "none":
            return ""
        if name:
            if not self.require_memories().exists(name):
                raise MemoryNotFound(name)
            return name
        return default

    def pool(self, target: str = ENGLISH) -> TranslatorPool:
        """The named translators into ``target`` (a language code, or a direction's name)."""
        way = target if target in (INTO_ENGLISH, FROM_ENGLISH) else direction(target)
        if way not in self.pools:
            default, error = (
                (self.pipeline, self.translator_error) if way == INTO_ENGLISH else (self.en_pipeline, self.en_translator_error)
            )
            self.pools[way] = TranslatorPool(
                self.settings, way, default, error,
                lambda settings, detector, way: load_pipeline(settings, detector, way, self.standards),
                lambda model, seconds: self.model_loads.__setitem__(("translation", model), seconds),
                fallback=standards_alone(self.standards, error) if way == FROM_ENGLISH and default is None else None,
            )
        return self.pools[way]


def load_services(settings: Settings, detector: LanguageDetector | None = None) -> Services:
    """Load what the routes need. A missing model is kept as an error (503 on the routes
    that need it); a broken configuration (ConfigurationError) is raised."""
    default_model = next(iter(settings.translator_choices.values()))
    if default_model != settings.translator:  # OVERSETT_TRANSLATORS names the default
        settings = settings.model_copy(update={"translator": default_model})
    en_default = next(iter(settings.en_translator_choices.values()), None)
    if en_default is not None and en_default != settings.en_translator:  # OVERSETT_EN_TRANSLATORS names it
        settings = settings.model_copy(update={"en_translator": en_default})
    services = Services(settings)
    detector = detector or LanguageDetector()
    try:
        started = time.perf_counter()
        services.pipeline = load_pipeline(settings, detector)
        services.model_loads["translation", settings.translator] = time.perf_counter() - started
        detector.warm_up()
    except ModelUnavailable as exc:
        log.error("%s", exc.message)
        services.translator_error = exc
    services.standards = load_standards(settings, detector)
    if settings.en_translator_enabled:
        try:
            started = time.perf_counter()
            services.en_pipeline = load_pipeline(settings, detector, FROM_ENGLISH, services.standards)
            services.model_loads["translation", settings.en_translator] = time.perf_counter() - started
        except ModelUnavailable as exc:
            log.error("%s English → Norwegian is unavailable until it is fixed.", exc.message)
            services.en_translator_error = exc
    summarizer = None
    try:
        if settings.summarizer_enabled:
            started = time.perf_counter()
            summarizer = load_summarizer(settings)
            services.model_loads["summarization", settings.summarizer] = time.perf_counter() - started
    except ModelUnavailable as exc:
        log.warning("%s Summaries fall back to the extractive method.", exc.message)
        services.summarizer_error = exc
    if services.pipeline is not None:
        services.summaries = SummaryPipeline(
            services.pipeline, summarizer, services.summarizer_error, outbound=services.require_pipeline
        )
    services.pool(INTO_ENGLISH)
    services.pool(FROM_ENGLISH)
    return services


def translator_ref(settings: Settings, way: str = INTO_ENGLISH) -> ModelRef:
    if way == FROM_ENGLISH:
        return ModelRef(
            settings.en_translator, "English → Norwegian translation", "OVERSETT_EN_TRANSLATOR",
            settings.en_translator_revision,
        )
    return ModelRef(settings.translator, "translation", "OVERSETT_TRANSLATOR", settings.translator_revision)


def summarizer_ref(settings: Settings) -> ModelRef:
    return ModelRef(settings.summarizer, "summarization", "OVERSETT_SUMMARIZER", settings.summarizer_revision)


def cpu_threads(settings: Settings) -> int:
    return settings.threads or os.cpu_count() or 1


def load_translator(settings: Settings, way: str = INTO_ENGLISH) -> BatchedTranslator:
    """The configured backend. ``auto`` (the default) and ``ctranslate2``: a converted model
    that is configured, is the translator folder itself or lies beside it, else the translator
    converted once into ``OVERSETT_CT2_CACHE`` (``auto`` falls back to torch, with one warning,
    when the conversion fails); ``torch``: transformers. Raises ModelUnavailable."""
    limits = {"max_batch_tokens": settings.max_batch_tokens, "max_input_tokens": settings.max_input_tokens}
    if settings.backend != "torch":
        converted = _converted_translator(settings, way)
        if converted is not None:
            loaded_ct2 = load_ct2(
                converted,
                device=settings.device,
                intra_threads=cpu_threads(settings),
                inter_threads=settings.ct2_inter_threads,
            )
            ct2_translator = CT2Translator(loaded_ct2, **limits)
            ct2_translator.forced_output_tokens = settings.force_output_tokens
            return ct2_translator
    import torch

    torch.set_num_threads(cpu_threads(settings))
    loaded = load_seq2seq(
        translator_ref(settings, way),
        device=settings.device,
        offline=settings.offline,
    )
    torch_translator = TorchTranslator(loaded, **limits)
    torch_translator.forced_output_tokens = settings.force_output_tokens
    return torch_translator


def _converted_translator(settings: Settings, way: str = INTO_ENGLISH) -> Path | None:
    """A CTranslate2 model for the translator, converting it when needed; None means torch.
    (OVERSETT_CT2_MODEL is the into-English translator's.)"""
    if way == FROM_ENGLISH:
        return _converted(translator_ref(settings, way), settings, explicit=None)
    found = find_ct2_model(settings.translator, settings.ct2_model)
    return _converted(translator_ref(settings), settings, explicit=found)


def _converted(ref: ModelRef, settings: Settings, *, explicit: Path | None) -> Path | None:
    """The CTranslate2 folder for a model: the one given, a converted folder the setting names,
    or the model converted once into the cache. None (torch) when the conversion fails and the
    backend is auto; ModelUnavailable when it fails and CTranslate2 was asked for."""
    if explicit is not None:
        return explicit
    if is_local(ref.model_id) and is_ct2_folder(ref.model_id):
        return Path(ref.model_id).expanduser()
    try:
        import ctranslate2  # noqa: F401  (a dependency; a broken install falls back to torch)

        folder, converted = converted_copy(ref, settings.ct2_cache, settings.ct2_quantization, offline=settings.offline)
    except ModelUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001  (any conversion failure: torch still works)
        if settings.backend == "ctranslate2":
            raise ref.unavailable(f"it could not be converted to CTranslate2: {exc}") from exc
        log.warning("CTranslate2 conversion of %s failed (%s); using the torch backend", ref.model_id, exc)
        return None
    if converted:
        log.info("converted %s to CTranslate2 %s in %s", ref.model_id, settings.ct2_quantization, folder)
    return folder


def load_pipeline(
    settings: Settings, detector: LanguageDetector | None = None, way: str = INTO_ENGLISH,
    standards: Standards | None = None,
) -> TranslationPipeline:
    """Load the configured translator of the direction (behind the dynamic batcher) and cache;
    raises ModelUnavailable. From English, the pipeline also converts Bokmål ↔ Nynorsk
    (``standards``: the service's shared engine; built here when not given)."""
    backend = load_translator(settings, way)
    targets: tuple[str, ...] = (ENGLISH,)
    if way == FROM_ENGLISH:
        served = backend.info.target_tokens
        targets = tuple(t for t in FROM_ENGLISH_TARGETS if t in served) if served else FROM_ENGLISH_TARGETS[:1]
        if not targets:
            backend.close()
            raise translator_ref(settings, way).unavailable(
                f"it has no target token for Bokmål or Nynorsk (it has {', '.join(served.values()) or 'none'})"
            )
    parallel = backend.info.threads.get("ct2_inter_threads", 1)  # batches the backend runs side by side
    translator: Translator = (
        DynamicBatcher(backend, max_wait=settings.batch_wait_ms / 1000, max_tokens=settings.batch_max_tokens,
                       workers=parallel)
        if settings.batch_wait_ms > 0
        else backend
    )
    detector = detector or LanguageDetector()
    if way == FROM_ENGLISH and standards is None:
        standards = load_standards(settings, detector)
    return TranslationPipeline(
        translator,
        open_cache(settings.cache),
        detector,
        num_beams=settings.num_beams,
        max_chars=settings.max_chars,
        checks=settings.checks,
        retry=settings.retry_flagged,
        memories=memory_store(settings),
        default_memory=settings.memory,
        targets=targets,
        standards=standards if way == FROM_ENGLISH else None,
    )


def load_summarizer(settings: Settings) -> Seq2SeqSummarizer | CT2Summarizer:
    """Load the configured summariser with its prompts: converted to CTranslate2 like the
    translator (unless the backend is torch), torch otherwise. Raises ModelUnavailable, or
    ConfigurationError for a broken prompt template."""
    ref = summarizer_ref(settings)
    options = {"num_beams": settings.num_beams, "max_input_tokens": settings.summary_max_input_tokens}
    if settings.backend != "torch":
        converted = _converted(ref, settings, explicit=None)
        if converted is not None:
            loaded_ct2 = load_ct2(
                converted, device=settings.device, intra_threads=cpu_threads(settings),
                role="summarization", setting="OVERSETT_SUMMARIZER",
            )
            return CT2Summarizer(loaded_ct2, _prompts_for(loaded_ct2.model_type, settings), **options)
    loaded = load_seq2seq(ref, device=settings.device, offline=settings.offline)
    model_type = str(getattr(loaded.model.config, "model_type", ""))
    return Seq2SeqSummarizer(loaded, _prompts_for(model_type, settings), **options)


def _prompts_for(model_type: str, settings: Settings) -> PromptSet | None:
    if not uses_prompts(model_type, settings.summary_prompts):
        return None
    return load_prompts(settings.prompts_dir, LENGTH_PRESETS, settings.prompt_template)


def batch_model_key(
    settings: Settings, summary: str | None, glossary: Glossary | None = None, target_lang: str = "en",
    mark_flagged: bool = False,
) -> dict[str, Any]:
    """What a batch run's outputs depend on, known without loading any model: a rerun with the
    same key and source hash can skip the document."""

    def identity(model: str | None) -> str | None:
        if model and is_local(model) and Path(model).expanduser().is_dir():
            return f"{model}@{folder_fingerprint(Path(model).expanduser())}"
        return model

    key: dict[str, Any] = {
        "translator": identity(settings.translator),
        "translator_revision": settings.translator_revision,
        "backend": settings.backend,
        "ct2_model": identity(settings.ct2_model),
        "num_beams": settings.num_beams,
        "max_input_tokens": settings.max_input_tokens,
    }
    if target_lang != ENGLISH:  # (into English the key stays as it was, so older runs are still resumed)
        key |= {"target_lang": target_lang, "en_translator": identity(settings.en_translator),
                "en_translator_revision": settings.en_translator_revision}
    if target_lang == "nn":  # Apertium's Nynorsk, and the route English takes into it
        key |= {"nynorsk_route": settings.nynorsk_route, "nynorsk_variant": settings.nynorsk_variant}
    if summary:
        key |= {"summary": summary, "summarizer": identity(settings.summarizer)}
    if glossary is not None:
        key["glossary"] = glossary.digest  # a changed glossary translates the documents again
    if mark_flagged:  # the outputs carry the checks' marks
        key["mark_flagged"] = True
    if settings.memory:  # so does a changed translation memory
        store = memory_store(settings)
        try:
            key["memory"] = f"{settings.memory}@{store.version(settings.memory)}"
        finally:
            store.close()
    return key


def document_worker(
    settings: Settings, out_dir: Path, summary: str | None, glossary: Glossary | None = None, model: str | None = None,
    target_lang: str = "en",
    mark_flagged: bool = False,
) -> DocumentTranslator:
    """A batch run's per-document worker into ``target_lang``, loading its models from
    ``settings`` (with the named translator, when ``model`` names one) on first use."""
    way = direction(target_lang)
    settings = settings_for_model(settings, model, way)
    return DocumentTranslator(
        lambda: load_services(settings),
        out_dir,
        summary,
        key=batch_model_key(settings, summary, glossary, target_lang, mark_flagged),
        max_chars=settings.max_chars,
        format_of=lambda name: document_format(settings, name),
        max_bytes=settings.max_document_bytes,
        glossary=glossary,
        model_name=model or next(iter(settings.translator_choices if way == INTO_ENGLISH else settings.en_translator_choices), ""),
        memory=settings.memory,
        target_lang=target_lang,
        mark_flagged=mark_flagged,
    )


def pull_models(settings: Settings) -> list[tuple[str, str, Path]]:
    """Download the configured models into the Hugging Face cache, and convert the translator
    to CTranslate2 (unless the backend is torch): (role, model, folder)."""
    translator = translator_ref(settings)
    wanted = [translator]
    if settings.en_translator_enabled:
        wanted.append(translator_ref(settings, FROM_ENGLISH))
    if settings.summarizer_enabled:
        wanted.append(
            summarizer_ref(settings)
        )
    pulled = [(ref.role, ref.model_id, resolve_folder(ref, settings.offline)) for ref in wanted]
    if settings.backend != "torch" and find_ct2_model(settings.translator, settings.ct2_model) is None:
        folder, _ = converted_copy(translator, settings.ct2_cache, settings.ct2_quantization, offline=settings.offline)
        pulled.append(("translation (ctranslate2)", settings.translator, folder))
    if settings.backend != "torch" and settings.en_translator_enabled:
        english = translator_ref(settings, FROM_ENGLISH)
        folder, _ = converted_copy(english, settings.ct2_cache, settings.ct2_quantization, offline=settings.offline)
        pulled.append((f"{english.role} (ctranslate2)", settings.en_translator, folder))
    return pulled


def bake_models(settings: Settings, into: Path) -> dict[str, str]:
    """Put the configured models in ``into`` for an image that starts offline: each one a plain
    folder (a local folder copied, a Hub model taken from the cache or downloaded), converted to
    CTranslate2 into ``into/ctranslate2`` unless the backend is torch. Returns the settings
    (environment names and values) that point the service at them."""
    import shutil

    wanted = [("translator", translator_ref(settings))]
    if settings.en_translator_enabled:
        wanted.append(("en_translator", translator_ref(settings, FROM_ENGLISH)))
    if settings.summarizer_enabled:
        wanted.append(("summarizer", summarizer_ref(settings)))
    baked = settings.model_copy(update={"ct2_cache": into / "ctranslate2", "ct2_model": None, "offline": True})
    values = {"OVERSETT_CT2_CACHE": str(into / "ctranslate2")}
    for name, ref in wanted:
        folder = into / name
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(resolve_folder(ref, settings.offline), folder)  # follows the Hub cache's links
        for path in folder.rglob("*"):  # whole seconds: an image layer keeps no finer times, and the
            stat = path.stat()          # conversion is keyed by the weights' size and time
            os.utime(path, (int(stat.st_atime), int(stat.st_mtime)))
        baked = baked.model_copy(update={name: str(folder), f"{name}_revision": None})
        values[ref.setting] = str(folder)
    if settings.backend != "torch":
        refs = [translator_ref(baked)] + ([summarizer_ref(baked)] if settings.summarizer_enabled else [])
        refs += [translator_ref(baked, FROM_ENGLISH)] if settings.en_translator_enabled else []
        for ref in refs:
            converted_copy(ref, baked.ct2_cache, baked.ct2_quantization, offline=True)
    return values


def convert_translator(
    settings: Settings, source: str, out_dir: Path, quantization: str, revision: str | None
) -> Path:
    """Convert a translator (Hub id or folder) to CTranslate2 in ``out_dir``."""
    ref = ModelRef(source, "translation", "OVERSETT_TRANSLATOR", revision)
    return convert_to_ctranslate2(ref, out_dir, quantization, offline=settings.offline)


def document_format(settings: Settings, filename: str, name: str | None = None) -> DocumentFormat:
    """The format of an uploaded or batch file: ``name`` if given, else by its extension."""
    return format_for(filename, name, settings.max_unzipped_bytes, settings.translate_sheet_names)


def job_runner(services: Services) -> JobRunner:
    """The HTTP jobs' runner (not started): jobs in Redis, shared by the replicas, when
    OVERSETT_REDIS_URL is set, else in this process's SQLite file."""
    settings = services.settings
    limits = JobLimits(
        max_documents=settings.max_job_documents,
        max_chars=settings.max_chars,
        max_job_chars=settings.max_job_chars,
    )
    store: JobRecords
    if settings.redis_url:
        store = RedisJobStore(settings.redis_url, lease_seconds=settings.job_lease)
    else:
        store = JobStore(settings.jobs_db)
    poll = min(1.0, settings.job_lease / 4)
    return JobRunner(store, services, limits, lease_seconds=settings.job_lease, poll_seconds=poll)
