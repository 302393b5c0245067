"""Detect the source language: Bokmål, Nynorsk, Danish, Swedish or English (lingua).

Two detectors: a broad, low-accuracy one over all of lingua's languages tells a supported
text from, say, Spanish; a high-accuracy one restricted to the five supported languages
then decides between them (Bokmål vs Nynorsk needs the better model).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from .errors import InvalidInput, UnsupportedLanguage

if TYPE_CHECKING:
    from lingua import Language, LanguageDetector

# Request codes → the code oversett reports. "no" means Norwegian of either written form.
SOURCE_CODES: dict[str, str] = {"nb": "nb", "nn": "nn", "no": "no", "da": "da", "sv": "sv", "en": "en"}
LANGUAGE_NAMES: dict[str, str] = {
    "nb": "Norwegian Bokmål",
    "nn": "Norwegian Nynorsk",
    "no": "Norwegian",
    "da": "Danish",
    "sv": "Swedish",
    "en": "English",
}
UNDETECTED = "no"  # text with nothing to go on (numbers, names) is taken as Norwegian
_UNSUPPORTED_MIN_CONFIDENCE = 0.5
_SUPPORTED_MIN_MASS = 0.25


def supported_names() -> list[str]:
    return [f"{name} ({code})" for code, name in LANGUAGE_NAMES.items() if code != "no"]


def normalise_code(code: str) -> str:
    """Map a request's ``source_lang`` to oversett's code, or raise InvalidInput."""
    key = code.strip().lower()
    if key in {"nob"}:
        key = "nb"
    elif key in {"nno"}:
        key = "nn"
    elif key in {"nor"}:
        key = "no"
    if key not in SOURCE_CODES:
        raise InvalidInput(
            f"source_lang '{code}' is not supported; use 'auto' or one of: "
            + ", ".join(SOURCE_CODES)
        )
    return SOURCE_CODES[key]


class LanguageDetector:
    """Detects the language of a text; builds lingua's models once, on first use."""

    @cached_property
    def _supported(self) -> dict[Language, str]:
        from lingua import Language

        return {
            Language.BOKMAL: "nb",
            Language.NYNORSK: "nn",
            Language.DANISH: "da",
            Language.SWEDISH: "sv",
            Language.ENGLISH: "en",
        }

    @cached_property
    def _broad(self) -> LanguageDetector:
        from lingua import LanguageDetectorBuilder

        return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()

    @cached_property
    def _narrow(self) -> LanguageDetector:
        from lingua import LanguageDetectorBuilder

        return LanguageDetectorBuilder.from_languages(*self._supported).build()

    def warm_up(self) -> None:
        self.detect("Dette er en setning på norsk.")

    def detect(self, text: str) -> str:
        """Return nb / nn / da / sv / en (or 'no' when nothing can be told); raise
        UnsupportedLanguage naming the language for anything else."""
        broad = self._broad.compute_language_confidence_values(text)
        if not broad or broad[0].value == 0.0:
            return UNDETECTED
        supported_mass = sum(c.value for c in broad if c.language in self._supported)
        top = broad[0]
        if (
            top.language not in self._supported
            and top.value >= _UNSUPPORTED_MIN_CONFIDENCE
            and supported_mass < _SUPPORTED_MIN_MASS
        ):
            raise UnsupportedLanguage(top.language.name.title(), supported_names())
        narrow = self._narrow.detect_language_of(text)
        return self._supported[narrow] if narrow is not None else UNDETECTED
