from __future__ import annotations

import pytest

from service.domain.errors import InvalidInput, UnsupportedLanguage
from service.domain.langid import NO_LINGUISTIC_CONTENT, Detection, LanguageDetector, normalise_code

SAMPLES = {
    "nb": "Regjeringen la fram statsbudsjettet i dag. Det blir dyrere å kjøre bil, og mange er misfornøyde.",
    "nn": "Regjeringa la fram statsbudsjettet i dag. Det blir dyrare å køyre bil, og eg trur ikkje folk vil like det.",
    "da": "Regeringen fremlagde i dag finansloven. Det bliver dyrere at køre bil, siger ministeren.",
    "sv": "Regeringen presenterade budgeten i dag. Det blir dyrare att köra bil, säger ministern.",
    "en": "The government presented the budget today. Driving will become more expensive.",
}


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_detects_supported_languages(detector: LanguageDetector, code: str) -> None:
    detection = detector.detect(SAMPLES[code])
    assert detection.lang == code and 0.5 < detection.confidence <= 1


def test_seed_is_bokmal(detector: LanguageDetector, seed_text: str) -> None:
    assert detector.detect(seed_text).lang == "nb"


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


@pytest.mark.parametrize("text", ["12 345 — 678", "🎉🎉 👍", "(((+)))", "2024-11-26 13:49"])
def test_text_without_letters_has_no_language(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text) == Detection(NO_LINGUISTIC_CONTENT, 1.0)


# Short Norwegian that lingua alone takes for Icelandic, Welsh, Basque, Italian or English.
@pytest.mark.parametrize(
    "text",
    [
        "Hei på deg.",
        "Andre drøymer om hydrogen.",
        "Sverre Murud var en sprek 69-åring.",
        "Nettoenergien av etanol er bortimot null.",
        "Han er i New Zealand.",
        "Hei",
        "Takk for sist!",
        "Suspendert.",
        "Dream Theater er favorittgruppen, forteller han.",
        "4 ss italiensk salat eller coleslaw",
    ],
)
def test_short_norwegian_is_translated_never_refused_nor_passed_as_english(
    detector: LanguageDetector, text: str
) -> None:
    assert detector.detect(text).lang in {"nb", "nn", "da", "sv"}


def test_doubtful_english_is_translated_but_sure_english_is_english(detector: LanguageDetector) -> None:
    assert detector.detect("Shopping:").lang != "en"
    assert detector.detect("Is anything certain in life?").lang == "en"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Die Regierung hat heute den Haushalt vorgestellt.", "German"),
        ("De regering heeft vandaag de begroting gepresenteerd.", "Dutch"),
        ("Hallitus esitteli tänään talousarvion.", "Finnish"),
        ("Ríkisstjórnin kynnti fjárlögin í dag.", "Icelandic"),
        ("El gobierno presentó hoy el presupuesto.", "Spanish"),
    ],
)
def test_confident_foreign_sentences_are_refused(detector: LanguageDetector, text: str, name: str) -> None:
    with pytest.raises(UnsupportedLanguage, match=name):
        detector.detect(text)


def test_normalise_code() -> None:
    assert normalise_code("NB") == "nb"
    assert normalise_code("nno") == "nn"
    with pytest.raises(InvalidInput, match="not supported"):
        normalise_code("de")


@pytest.mark.parametrize("text", ["Eg er glad i deg.", "Jeg er glad i deg.", "Ved å være tilstede.", "Jeg prøver å være mer tilstede."])
def test_doubtful_danish_or_norwegian_is_norwegian(detector: LanguageDetector, text: str) -> None:
    """Norwegian's own words (eg, deg, å) or Bokmål and Nynorsk together likelier than Danish."""
    assert detector.detect(text).lang in ("nb", "nn")


@pytest.mark.parametrize("text", ["Hun havde ikke set ham efter krigen.", "Det er lang tid siden han har spist noget."])
def test_danish_with_its_own_words_stays_danish(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text).lang == "da"


@pytest.mark.parametrize(
    "text",
    [
        # a link's words are no language (www.vg.no/nyheter), nor are the names (Stoltenberg, Stockholm)
        "Jens Stoltenberg spoke in Stockholm on 13 February. See https://www.vg.no/nyheter.",
        # æ/ø/å in names say nothing of the sentence around them
        "Bjørn Dæhlie won the race in Lillehammer.",
    ],
)
def test_english_with_norwegian_names_and_links_is_english_going_out(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text, prefer_english=True).lang == "en"


def test_norwegian_going_out_comes_back_only_when_sure(detector: LanguageDetector) -> None:
    for text in ("Eg er glad i deg.", "Det er fint å være hjemme igjen."):
        found = detector.detect(text, prefer_english=True)
        assert found.lang in ("nb", "nn")  # its own words or letters show it
    assert detector.detect("https://www.vg.no/nyheter").lang == "zxx"  # a link alone has nothing to translate


def test_a_text_already_judged_is_answered_from_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same text again (a request sent twice, a cached translation asked for once more) costs
    no second detection; the direction it goes is part of what is remembered."""
    from service.domain import langid

    detector = LanguageDetector()
    judged: list[tuple[str, bool]] = []
    inner = detector._detect

    def counting(text: str, prefer_english: bool) -> langid.Detection:
        judged.append((text, prefer_english))
        return inner(text, prefer_english)

    detector._detect = counting  # type: ignore[method-assign]
    text = "Regjeringen la fram statsbudsjettet for neste år i dag."
    first = detector.detect(text)
    assert detector.detect(text) == first == detector.detect(text)
    assert judged == [(text, False)]
    detector.detect(text, prefer_english=True)  # into Norwegian: doubt means English, another question
    assert judged == [(text, False), (text, True)]
    monkeypatch.setattr(langid, "KNOWN_TEXTS", 3)  # bounded: the oldest answers go
    others = ["Eg bur i Bergen no.", "Vi drar på hytta i helga.", "Det snør i Tromsø i dag."]
    for other in others:
        detector.detect(other)
    assert len(detector._known) == 3
    detector.detect(text)
    assert judged[-1] == (text, False)  # forgotten, judged again


def test_many_texts_are_judged_in_one_parallel_call_with_the_same_answers() -> None:
    """A request's texts together: lingua's parallel call scores them, and each answer is the one
    ``detect`` gives alone; a refused text is not remembered, so it is refused again in its turn."""
    from service.domain.errors import UnsupportedLanguage

    texts = [
        "Regjeringen la fram statsbudsjettet i dag.",
        "Eg veit ikkje kva ho heiter.",
        "The weather in Oslo was cold and grey today.",
        "Jeg kan ikke komme i morgen, desværre, men vi ses snart.",
        "12 345",
        "Der Bundeskanzler hat heute in Berlin eine Rede gehalten und die Pläne vorgestellt.",
    ]

    def answers_of(detector: LanguageDetector) -> list[object]:
        answers: list[object] = []
        for text in texts:
            try:
                answers.append(detector.detect(text))
            except UnsupportedLanguage as exc:
                answers.append(type(exc))
        return answers

    expected = answers_of(LanguageDetector())
    together = LanguageDetector()
    together._narrow  # built before counting calls
    calls: list[str] = []
    original = together._detect

    def counting(text: str, prefer_english: bool, ranked: object = None) -> object:
        calls.append("scored" if ranked is not None else "alone")
        return original(text, prefer_english, ranked)  # type: ignore[arg-type]

    together._detect = counting  # type: ignore[method-assign]
    together.detect_many(texts)
    assert calls.count("scored") == 5 and "alone" not in calls  # all but the one without words
    answers = answers_of(together)
    assert answers == expected
    assert answers[-1] is UnsupportedLanguage and calls.count("alone") == 2  # the German again, and the digits
