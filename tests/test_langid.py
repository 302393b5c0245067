from __future__ import annotations

import pytest

from service.errors import InvalidInput, UnsupportedLanguage
from service.langid import LanguageDetector, normalise_code

SAMPLES = {
    "nb": "Regjeringen la fram statsbudsjettet i dag. Det blir dyrere å kjøre bil, og mange er misfornøyde.",
    "nn": "Regjeringa la fram statsbudsjettet i dag. Det blir dyrare å køyre bil, og eg trur ikkje folk vil like det.",
    "da": "Regeringen fremlagde i dag finansloven. Det bliver dyrere at køre bil, siger ministeren.",
    "sv": "Regeringen presenterade budgeten i dag. Det blir dyrare att köra bil, säger ministern.",
    "en": "The government presented the budget today. Driving will become more expensive.",
}


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_detects_supported_languages(detector: LanguageDetector, code: str) -> None:
    assert detector.detect(SAMPLES[code]) == code


def test_seed_is_bokmal(detector: LanguageDetector, seed_text: str) -> None:
    assert detector.detect(seed_text) == "nb"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("El gobierno presentó hoy el presupuesto. Conducir será más caro.", "Spanish"),
        ("Die Regierung hat heute den Haushalt vorgestellt. Autofahren wird teurer.", "German"),
    ],
)
def test_other_languages_are_refused_by_name(detector: LanguageDetector, text: str, name: str) -> None:
    with pytest.raises(UnsupportedLanguage, match=name):
        detector.detect(text)


def test_text_without_letters_is_taken_as_norwegian(detector: LanguageDetector) -> None:
    assert detector.detect("12 345 — 678") == "no"


def test_short_norwegian_is_not_refused(detector: LanguageDetector) -> None:
    assert detector.detect("Hei") in {"nb", "nn", "da", "sv", "no"}
    assert detector.detect("Takk for sist!") in {"nb", "nn"}


def test_normalise_code() -> None:
    assert normalise_code("NB") == "nb"
    assert normalise_code("nno") == "nn"
    with pytest.raises(InvalidInput, match="not supported"):
        normalise_code("de")
