"""The named translators a request may choose, one pool per direction: into English
(``OVERSETT_TRANSLATORS``) and from English (``OVERSETT_EN_TRANSLATORS``)."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..config import Settings
from ..domain.errors import InvalidInput, ModelUnavailable, Overloaded
from ..domain.langid import LanguageDetector
from ..domain.pairs import ENGLISH, FROM_ENGLISH_TARGETS, pair_label, pairs
from ..usecases.pipeline import TranslationPipeline

log = logging.getLogger(__name__)

INTO_ENGLISH, FROM_ENGLISH = "into-english", "from-english"
Loader = Callable[[Settings, LanguageDetector | None, str], TranslationPipeline]


def choices_of(settings: Settings, direction: str) -> dict[str, str]:
    return settings.translator_choices if direction == INTO_ENGLISH else settings.en_translator_choices


def served_pairs(direction: str) -> list[str]:
    targets = (ENGLISH,) if direction == INTO_ENGLISH else FROM_ENGLISH_TARGETS
    return [pair_label(s, t) for s, t in pairs(targets)]


def known_model(settings: Settings, direction: str, name: str) -> str:
    """``name`` when it is one of the direction's translators; InvalidInput (422) naming the pairs
    a translator of the other direction serves, or listing the direction's translators."""
    choices = choices_of(settings, direction)
    if name in choices:
        return name
    other = FROM_ENGLISH if direction == INTO_ENGLISH else INTO_ENGLISH
    if name in choices_of(settings, other):
        raise InvalidInput(
            f"Model '{name}' does not serve this pair: it translates {', '.join(served_pairs(other))}. "
            f"For {', '.join(served_pairs(direction))} choose one of: {', '.join(choices) or 'none is configured'}."
        )
    named = "OVERSETT_TRANSLATORS" if direction == INTO_ENGLISH else "OVERSETT_EN_TRANSLATORS"
    raise InvalidInput(
        f"Unknown model '{name}'. For {', '.join(served_pairs(direction))} choose one of: {', '.join(choices)} "
        f"(more are named in the setting {named}, e.g. {named}=accurate=MODEL,fast=MODEL)."
    )


def settings_for_model(settings: Settings, model: str | None, direction: str = INTO_ENGLISH) -> Settings:
    """The settings with one translator of the direction's named translators as its translator,
    and as the only choice (unchanged when ``model`` is None). OVERSETT_CT2_MODEL is the default
    into-English translator's converted copy, so another translator does not keep it."""
    if model is None:
        return settings
    name = known_model(settings, direction, model)
    choices = choices_of(settings, direction)
    if direction == FROM_ENGLISH:
        return settings.model_copy(update={"en_translator": choices[name], "en_translators": f"{name}={choices[name]}"})
    update: dict[str, object] = {"translator": choices[name], "translators": f"{name}={choices[name]}"}
    if name != next(iter(choices)):
        update["ct2_model"] = None
    return settings.model_copy(update=update)


class TranslatorPool:
    """The named translators of one direction: the default one is loaded at startup (``default``);
    the others load when a request first names one, and at most ``OVERSETT_MAX_TRANSLATORS`` of
    them are loaded at once: to load another, the least recently used one that no request is
    using is unloaded (the default one stays). When every loaded one is busy the request gets
    503 with Retry-After rather than memory beyond the bound."""

    def __init__(
        self, settings: Settings, direction: str, default: TranslationPipeline | None,
        default_error: ModelUnavailable | None, load: Loader, record_load: Callable[[str, float], None],
        fallback: TranslationPipeline | None = None,
    ) -> None:
        self.settings = settings
        self.direction = direction
        self.choices = choices_of(settings, direction)
        self.default = next(iter(self.choices), "")
        self.default_pipeline = default
        self.default_error = default_error
        # Without its default translator, a direction may still have this: from English, the
        # Bokmål ↔ Nynorsk engine, which takes Norwegian text and answers English with the error.
        self.fallback = fallback
        self.limit = settings.max_translators
        self._load = load
        self._record_load = record_load
        self._loaded: OrderedDict[str, TranslationPipeline] = OrderedDict()
        self._users: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.unloaded = 0

    def loaded(self) -> list[str]:
        with self._lock:
            return [self.default] * (self.default_pipeline is not None) + list(self._loaded)

    def require_default(self) -> TranslationPipeline:
        if self.default_pipeline is None and self.fallback is not None:
            return self.fallback
        if self.default_pipeline is None:
            setting = "OVERSETT_TRANSLATOR" if self.direction == INTO_ENGLISH else "OVERSETT_EN_TRANSLATOR"
            raise self.default_error or ModelUnavailable(
                "translation" if self.direction == INTO_ENGLISH else "English → Norwegian translation",
                self.choices.get(self.default, "none"), setting,
                "not loaded yet" if self.choices else "that direction is turned off",
            )
        return self.default_pipeline

    def acquire(self, name: str | None) -> tuple[str, TranslationPipeline]:
        """The named (or default) translator's pipeline, loaded if need be; release it after."""
        chosen = known_model(self.settings, self.direction, name) if name else self.default
        if chosen == self.default:
            return chosen, self.require_default()
        with self._lock:
            if chosen not in self._loaded:
                self._make_room()
                started = time.perf_counter()
                settings = settings_for_model(self.settings, chosen, self.direction)
                detector = self.default_pipeline.detector if self.default_pipeline else None
                loaded = self._load(settings, detector, self.direction)
                if self.default_pipeline is not None:
                    loaded.stats = self.default_pipeline.stats  # one set of counters per direction
                self._loaded[chosen] = loaded
                self._record_load(self.choices[chosen], time.perf_counter() - started)
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
        while 1 + len(self._loaded) >= self.limit + (self.default_pipeline is None):
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
