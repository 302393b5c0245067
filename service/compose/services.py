"""The composition root: the only place that reads ``Settings`` and picks and builds the
backends. The HTTP app, the CLI, batch runs and the evaluation get their pipelines here.

A missing model is kept as an error for the routes that need it; a broken configuration is
raised.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
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
from ..domain.errors import InvalidInput, MemoryNotFound, ModelUnavailable, Overloaded
from ..domain.glossary import Glossary, build_glossary
from ..domain.langid import LanguageDetector
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
from ..usecases.summaries import SummaryPipeline
from .stores import glossary_store, memory_store

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
    translators: TranslatorPool | None = None
    glossaries: GlossaryStore | None = None
    memories: MemoryStore | None = None

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
        if self.translators is not None:
            self.translators.close()
        if self.pipeline is not None:
            self.pipeline.close()
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

    def memory_for(self, name: str | None) -> str | None:
        """The memory a request names (MemoryNotFound if there is none of that name); None (the
        pipeline's default, OVERSETT_MEMORY) when it names none; "" for 'none' (no memory)."""
        if name is not None and name.lower() == "none":
            return ""
        if name:
            if not self.require_memories().exists(name):
                raise MemoryNotFound(name)
            return name
        return None

    def pool(self) -> TranslatorPool:
        if self.translators is None:
            self.translators = TranslatorPool(self)
        return self.translators


class TranslatorPool:
    """The named translators of ``OVERSETT_TRANSLATORS``: the default one is the services'
    pipeline, loaded at startup; the others load when a request first names one, and at most
    ``OVERSETT_MAX_TRANSLATORS`` are loaded at once: to load another, the least recently used
    one that no request is using is unloaded (the default one stays). When every loaded one is
    busy the request gets 503 with Retry-After rather than memory beyond the bound."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.settings = services.settings
        self.choices = self.settings.translator_choices
        self.default = next(iter(self.choices))
        self.limit = self.settings.max_translators
        self._loaded: OrderedDict[str, TranslationPipeline] = OrderedDict()
        self._users: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.unloaded = 0

    def loaded(self) -> list[str]:
        with self._lock:
            return [self.default] * (self.services.pipeline is not None) + list(self._loaded)

    def acquire(self, name: str | None) -> tuple[str, TranslationPipeline]:
        """The named (or default) translator's pipeline, loaded if need be; release it after."""
        chosen = known_model(self.choices, name or self.default)
        if chosen == self.default:
            return chosen, self.services.require_pipeline()
        with self._lock:
            if chosen not in self._loaded:
                self._make_room()
                started = time.perf_counter()
                settings = settings_for_model(self.settings, chosen)
                detector = self.services.pipeline.detector if self.services.pipeline else None
                loaded = load_pipeline(settings, detector)
                if self.services.pipeline is not None:
                    loaded.stats = self.services.pipeline.stats  # one set of counters for /metrics
                self._loaded[chosen] = loaded
                self.services.model_loads.append(("translation", self.choices[chosen], time.perf_counter() - started))
            self._loaded.move_to_end(chosen)
            self._users[chosen] += 1
            return chosen, self._loaded[chosen]

    def release(self, name: str) -> None:
        if name != self.default:
            with self._lock:
                self._users[name] -= 1

    @contextmanager
    def use(self, name: str | None) -> Iterator[tuple[str, TranslationPipeline]]:
        chosen, pipeline = self.acquire(name)
        try:
            yield chosen, pipeline
        finally:
            self.release(chosen)

    def _make_room(self) -> None:
        while 1 + len(self._loaded) >= self.limit + (self.services.pipeline is None):
            idle = [n for n in self._loaded if self._users[n] == 0]
            if not idle:
                raise Overloaded(5, f"every loaded translator is in use (at most {self.limit} are loaded at once)")
            name = idle[0]  # the least recently used
            pipeline = self._loaded.pop(name)
            pipeline.close()
            self.unloaded += 1
            log.info("unloaded translator %s to make room (OVERSETT_MAX_TRANSLATORS=%d)", name, self.limit)

    def close(self) -> None:
        with self._lock:
            for pipeline in self._loaded.values():
                pipeline.close()
            self._loaded.clear()


def load_services(settings: Settings, detector: LanguageDetector | None = None) -> Services:
    """Load what the routes need. A missing model is kept as an error (503 on the routes
    that need it); a broken configuration (ConfigurationError) is raised."""
    default_model = next(iter(settings.translator_choices.values()))
    if default_model != settings.translator:  # OVERSETT_TRANSLATORS names the default
        settings = settings.model_copy(update={"translator": default_model})
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
    services.pool()
    return services


def translator_ref(settings: Settings) -> ModelRef:
    return ModelRef(settings.translator, "translation", "OVERSETT_TRANSLATOR", settings.translator_revision)


def summarizer_ref(settings: Settings) -> ModelRef:
    return ModelRef(settings.summarizer, "summarization", "OVERSETT_SUMMARIZER", settings.summarizer_revision)


def cpu_threads(settings: Settings) -> int:
    return settings.threads or os.cpu_count() or 1


def load_translator(settings: Settings) -> BatchedTranslator:
    """The configured backend. ``auto`` (the default) and ``ctranslate2``: a converted model
    that is configured, is the translator folder itself or lies beside it, else the translator
    converted once into ``OVERSETT_CT2_CACHE`` (``auto`` falls back to torch, with one warning,
    when the conversion fails); ``torch``: transformers. Raises ModelUnavailable."""
    limits = {"max_batch_tokens": settings.max_batch_tokens, "max_input_tokens": settings.max_input_tokens}
    if settings.backend != "torch":
        converted = _converted_translator(settings)
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
        translator_ref(settings),
        device=settings.device,
        offline=settings.offline,
    )
    torch_translator = TorchTranslator(loaded, **limits)
    torch_translator.forced_output_tokens = settings.force_output_tokens
    return torch_translator


def _converted_translator(settings: Settings) -> Path | None:
    """A CTranslate2 model for the translator, converting it when needed; None means torch."""
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


def load_pipeline(settings: Settings, detector: LanguageDetector | None = None) -> TranslationPipeline:
    """Load the configured translator (behind the dynamic batcher) and cache; raises
    ModelUnavailable."""
    backend = load_translator(settings)
    translator: Translator = (
        DynamicBatcher(backend, max_wait=settings.batch_wait_ms / 1000, max_tokens=settings.batch_max_tokens)
        if settings.batch_wait_ms > 0
        else backend
    )
    return TranslationPipeline(
        translator,
        open_cache(settings.cache),
        detector or LanguageDetector(),
        num_beams=settings.num_beams,
        max_chars=settings.max_chars,
        checks=settings.checks,
        retry=settings.retry_flagged,
        memories=memory_store(settings),
        default_memory=settings.memory,
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


def batch_model_key(settings: Settings, summary: str | None, glossary: Glossary | None = None) -> dict[str, Any]:
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
    if summary:
        key |= {"summary": summary, "summarizer": identity(settings.summarizer)}
    if glossary is not None:
        key["glossary"] = glossary.digest  # a changed glossary translates the documents again
    if settings.memory:  # so does a changed translation memory
        store = memory_store(settings)
        try:
            key["memory"] = f"{settings.memory}@{store.version(settings.memory)}"
        finally:
            store.close()
    return key


def document_worker(
    settings: Settings, out_dir: Path, summary: str | None, glossary: Glossary | None = None, model: str | None = None
) -> DocumentTranslator:
    """A batch run's per-document worker, loading its models from ``settings`` (with the named
    translator, when ``model`` names one) on first use."""
    settings = settings_for_model(settings, model)
    return DocumentTranslator(
        lambda: load_services(settings),
        out_dir,
        summary,
        key=batch_model_key(settings, summary, glossary),
        max_chars=settings.max_chars,
        format_of=lambda name: document_format(settings, name),
        max_bytes=settings.max_document_bytes,
        glossary=glossary,
        model_name=model or next(iter(settings.translator_choices)),
        memory=settings.memory,
    )


def settings_for_model(settings: Settings, model: str | None) -> Settings:
    """The settings with one translator of OVERSETT_TRANSLATORS as the translator, and as the
    only choice (unchanged when ``model`` is None). OVERSETT_CT2_MODEL is the default
    translator's converted copy, so another translator does not keep it."""
    if model is None:
        return settings
    choices = settings.translator_choices
    name = known_model(choices, model)
    update: dict[str, Any] = {"translator": choices[name], "translators": f"{name}={choices[name]}"}
    if name != next(iter(choices)):
        update["ct2_model"] = None
    return settings.model_copy(update=update)


def known_model(choices: dict[str, str], name: str) -> str:
    """``name`` when it is one of the translators of OVERSETT_TRANSLATORS; InvalidInput (422)
    listing them otherwise."""
    if name not in choices:
        raise InvalidInput(f"Unknown model '{name}'. Choose one of: {', '.join(choices)}.")
    return name


def pull_models(settings: Settings) -> list[tuple[str, str, Path]]:
    """Download the configured models into the Hugging Face cache, and convert the translator
    to CTranslate2 (unless the backend is torch): (role, model, folder)."""
    translator = translator_ref(settings)
    wanted = [translator]
    if settings.summarizer_enabled:
        wanted.append(
            summarizer_ref(settings)
        )
    pulled = [(ref.role, ref.model_id, resolve_folder(ref, settings.offline)) for ref in wanted]
    if settings.backend != "torch" and find_ct2_model(settings.translator, settings.ct2_model) is None:
        folder, _ = converted_copy(translator, settings.ct2_cache, settings.ct2_quantization, offline=settings.offline)
        pulled.append(("translation (ctranslate2)", settings.translator, folder))
    return pulled


def bake_models(settings: Settings, into: Path) -> dict[str, str]:
    """Put the configured models in ``into`` for an image that starts offline: each one a plain
    folder (a local folder copied, a Hub model taken from the cache or downloaded), converted to
    CTranslate2 into ``into/ctranslate2`` unless the backend is torch. Returns the settings
    (environment names and values) that point the service at them."""
    import shutil

    wanted = [("translator", translator_ref(settings))]
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
