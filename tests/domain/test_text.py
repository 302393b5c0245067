from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.text import segment, split_long_sentence

CONSTRUCTED = {
    "lists": "Handleliste:\n- melk og brød\n* egg\n• ost\n1. Først dette. Så dette.\n2) Til slutt.\n",
    "dialogue": "– Hei, sa hun.\n– Hei selv! Hvordan går det?\n\n— Bra, takk.",
    "blank_lines": "\n\nFørste avsnitt.\n\n\n\nAndre avsnitt her.\n\n",
    "spaces": "   Innrykket linje.  Med to mellomrom.   \n\t Tab foran.\t\n  ",
    "windows": "Første linje.\r\nAndre linje.\r\n\r\n– Replikk.\r\n",
    "old_mac": "En linje.\rTo linjer.\r",
    "nbsp": "Tekst\u00a0med hardt mellomrom. Og mer.\u00a0\n",
    "no_final_newline": "Bare én setning uten linjeskift",
    "only_layout": "\n \n\t\n",
}


@pytest.mark.parametrize("name", sorted(CONSTRUCTED))
def test_round_trip_constructed(name: str) -> None:
    text = CONSTRUCTED[name]
    doc = segment(text)
    assert doc.render(doc.sentences) == text


def test_round_trip_seed(seed_text: str) -> None:
    doc = segment(seed_text)
    assert doc.render(doc.sentences) == seed_text
    assert len(doc.sentences) >= 30


def test_markers_and_layout_are_not_sent_to_the_model() -> None:
    doc = segment(CONSTRUCTED["lists"] + CONSTRUCTED["dialogue"] + CONSTRUCTED["spaces"])
    for sentence in doc.sentences:
        assert sentence == sentence.strip()
        assert "\n" not in sentence and "\r" not in sentence
        assert not sentence.startswith(("- ", "* ", "• ", "– ", "— ", "1. ", "2) "))
    assert "melk og brød" in doc.sentences
    assert "Hei, sa hun." in doc.sentences


def test_render_puts_translations_in_place() -> None:
    doc = segment("– Hei, sa hun.\r\n\r\n1. Første punkt. Andre.\n")
    english = doc.render(["Hi, she said.", "First point.", "Second."])
    assert english == "– Hi, she said.\r\n\r\n1. First point. Second.\n"


def test_render_checks_the_count() -> None:
    with pytest.raises(ValueError):
        segment("En. To.").render(["One."])


def test_no_seed_sentence_ends_at_a_date_ordinal(seed_text: str) -> None:
    sentences = segment(seed_text).sentences
    for sentence in sentences:
        assert not sentence.endswith(("13.", "6.")), sentence
    assert any("den 13. februar viser" in s for s in sentences)
    assert any("datert til 6. mars i år." in s for s in sentences)
    assert any("rundt 70.000 mennesker" in s for s in sentences)
    assert any("færre enn 4000 sivile" in s for s in sentences)


@pytest.mark.parametrize(
    "sentence",
    [
        "Det kom f.eks. mange folk til møtet i går.",
        "Han sa bl.a. at det var kaldt ute.",
        "Det var ca. 300 personer der.",
        "Saken har nr. 12 i rekken.",
        "Møtet starter kl. 14 i morgen.",
        "Det gjelder alle, dvs. Ola også.",
        "Budsjettet er på 4 mill. kroner, og det er ikke nok.",
        "Det koster 3 mrd. kroner til sammen.",
        "Det koster kr. 500 per person.",
        "Se jf. Forskriften om dette.",
        "Vi kjøpte epler, pærer osv. og dro hjem.",
        "Avtalen gjelder fra 1. mars neste år.",
        "Jens A. Hansen var til stede på møtet.",
        "Vi besøkte St. Petersburg i fjor.",
        "Det var dr. Hansen som kom.",
        "Løpet er på 5 km. langs elva.",
        # a given name abbreviated before the full name, and titles before a name
        "Han vokste opp på Chr. Michelsens barnehjem i Bergen.",
        "Tegningen er av Th. Kittelsen og henger i stua.",
        "Vi møtte adv. Hansen i retten.",
    ],
)
def test_abbreviations_and_initials_do_not_split(sentence: str) -> None:
    assert segment(sentence).sentences == [sentence]


# Abbreviations that also end phrases, and short words that are abbreviations elsewhere: a
# capital letter after the full stop starts a new sentence (decided by what follows).
@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Han skrev det i Facebookfeeden min. Den sier mye.", "Han skrev det i Facebookfeeden min."),
        ("Det koster 70 mill. kr. Dette kommer i tillegg.", "Det koster 70 mill. kr."),
        ("Vi kjøpte epler, pærer osv. Og så dro vi hjem.", "Vi kjøpte epler, pærer osv."),
        ("Det blir avklart før jul. Prisen varierer.", "Det blir avklart før jul."),
        ("De måtte være homofile, konkluderte man. Du kan være full.", "De måtte være homofile, konkluderte man."),
        ("Budsjettet er på 4 mill. Kroner er ikke nok.", "Budsjettet er på 4 mill."),
    ],
)
def test_trailing_abbreviations_end_a_sentence_before_a_capital(text: str, first: str) -> None:
    sentences = segment(text).sentences
    assert len(sentences) == 2 and sentences[0] == first
    assert segment(text).render(sentences) == text


@pytest.mark.parametrize(
    "text",
    [
        "Vi er innstilt på det, sier han. - Vi har ikke bestemt oss.",
        "Vi er innstilt på det, sier han. – Vi har ikke bestemt oss.",
        "Vi er innstilt på det, sier han. -Vi har ikke bestemt oss.",
        "Hva må du trene på da? - Med munnen min, sier han.",
    ],
)
def test_dialogue_dash_inside_a_line_starts_a_sentence(text: str) -> None:
    sentences = segment(text).sentences
    assert len(sentences) == 2
    assert sentences[1] in {"Vi har ikke bestemt oss.", "Med munnen min, sier han."}  # the dash is layout
    assert segment(text).render(sentences) == text


def test_ordinary_sentence_ends_split() -> None:
    doc = segment("Det regner i dag. I morgen blir det sol! Blir det varmt? «Ja.» Kanskje… Nei.")
    assert doc.sentences == [
        "Det regner i dag.",
        "I morgen blir det sol!",
        "Blir det varmt?",
        "«Ja.»",
        "Kanskje…",
        "Nei.",
    ]


def test_date_at_line_start_is_not_a_list_marker() -> None:
    doc = segment("6. mars kom meldingen.\n2. Neste punkt.")
    assert doc.sentences == ["6. mars kom meldingen.", "Neste punkt."]


_alphabet = st.sampled_from(
    list("abcæøå ABCÆØÅ.,!?:;–-*•»«\"'0123456789\t\u00a0") + ["\n", "\r\n", "\r", "  ", "f.eks.", "1. "]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_alphabet, max_size=80).map("".join))
def test_round_trip_property(text: str) -> None:
    doc = segment(text)
    assert doc.render(doc.sentences) == text
    for sentence in doc.sentences:
        assert sentence and sentence == sentence.strip()
        assert "\n" not in sentence and "\r" not in sentence


def _count_words(text: str) -> int:
    return len(text.split())


def test_split_long_sentence_keeps_everything_in_order() -> None:
    words = [f"ord{i}" for i in range(1000)]
    sentence = ", ".join(" ".join(words[i : i + 7]) for i in range(0, 1000, 7))
    pieces = split_long_sentence(sentence, 50, _count_words)
    assert len(pieces) > 1
    assert all(_count_words(p) <= 50 for p in pieces)
    assert " ".join(pieces).split() == sentence.split()
    assert pieces[0].endswith(",")  # cut at a clause boundary, not mid-clause


def test_split_long_sentence_without_punctuation_uses_word_windows() -> None:
    sentence = " ".join(f"ord{i}" for i in range(333))
    pieces = split_long_sentence(sentence, 40, _count_words)
    assert all(_count_words(p) <= 40 for p in pieces)
    assert " ".join(pieces).split() == sentence.split()


def test_short_sentence_is_not_split() -> None:
    assert split_long_sentence("Kort setning.", 50, _count_words) == ["Kort setning."]


@pytest.mark.parametrize(
    ("text", "lang", "sentences"),
    [
        # a party's name written in mixed case ends its sentence: the care is for given names only
        ("Vi stemte på Frp. Samtidig kom de.", "nb", ["Vi stemte på Frp.", "Samtidig kom de."]),
        # "us" is the pronoun, U.S. and US the country
        ("Follow us. Follow your instincts.", "en", ["Follow us.", "Follow your instincts."]),
        ("Send it to us. Thanks.", "en", ["Send it to us.", "Thanks."]),
        ("The U.S. Army came. They left.", "en", ["The U.S. Army came.", "They left."]),
        ("It was Th. Kittelsen who drew it. Nice.", "en", ["It was Th. Kittelsen who drew it.", "Nice."]),
        ("I said no. Then I left.", "en", ["I said no.", "Then I left."]),
    ],
)
def test_abbreviations_that_are_also_words_or_names(text: str, lang: str, sentences: list[str]) -> None:
    assert segment(text, lang).sentences == sentences
