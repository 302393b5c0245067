"""The checks of English sources on short, everyday sentences: names that open a sentence, names that
are also Norwegian words, a translation cut short or missing words, and what must not be flagged
(the definite form of a noun, names Norwegian writes in its own words, Mars the planet). Each case
stands for a rule about the languages, written for it, not a line of a test set."""

from __future__ import annotations

import pytest

from service.domain.checks import check


def _codes(source: str, translation: str, target: str = "nb") -> list[str]:
    return [i.code for i in check(source, translation, target)]


@pytest.mark.parametrize(
    ("source", "translation", "target"),
    [
        # a name that opens the sentence: "ingrid" is rare in lower case, "per" is rare in English
        ("Ingrid missed the bus.", "Per kom for sent til bussen.", "nb"),
        # a name English knows no word for, replaced by a place
        ("Esperanto is hard.", "Berlin er vanskelig.", "nb"),
        # a surname no English word list has, as the sentence's first word
        ("Huhne resigned on Friday.", "Hansen gikk av fredag.", "nb"),
        # names that are also Norwegian words, where a name stands: Tom (empty), Anna (Nynorsk "other")
        ("Maria met Anna at the shop.", "Maria møtte Tom i butikken.", "nb"),
        ("Maria met Tom at the shop.", "Maria møtte Anna i butikken.", "nn"),
        ("Anna went to the other room.", "Per gjekk til det andre rommet.", "nn"),
    ],
)
def test_a_replaced_name_is_flagged_wherever_it_stands(source: str, translation: str, target: str) -> None:
    issues = check(source, translation, target)
    assert "name" in [i.code for i in issues]
    assert any(i.message.startswith(("Names missing", "Names the source")) for i in issues)


@pytest.mark.parametrize(
    ("source", "translation", "target"),
    [
        ("Ingrid missed the bus.", "Ingrid kom for sent til bussen.", "nb"),
        ("Esperanto is hard.", "Esperanto er vanskelig.", "nb"),
        ("Huhne resigned on Friday.", "Huhne gikk av fredag.", "nb"),
        # Anna the name in Nynorsk, and anna the word beside it
        ("Anna came home late.", "Anna kom seint heim.", "nn"),
        ("Anna went to the other room.", "Anna gjekk til det anna rommet.", "nn"),
        # the definite form of a common noun opening a sentence is no name (kongen: the king)
        ("The King opened parliament.", "Kongen åpnet Stortinget.", "nb"),
        # Norwegian names written in its own capitalised words
        ("The Red Cross sent help.", "Røde Kors sendte hjelp.", "nb"),
        ("He visited the White House.", "Han vitja det Kvite Hus.", "nn"),
        # a title before a surname: the translation may give the person in full
        ("British PM May met the president.", "Den britiske statsministeren Theresa May møtte presidenten.", "nb"),
        # names Norwegian spells its own way (ch ~ k, th ~ t)
        ("Christopher Columbus sailed west.", "Kristoffer Columbus seilte vestover.", "nb"),
        ("Thomas Edison invented it.", "Tomas Edison fant den opp.", "nb"),
    ],
)
def test_names_kept_or_said_the_norwegian_way_pass(source: str, translation: str, target: str) -> None:
    assert "name" not in _codes(source, translation, target)


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("Mars is the fourth planet from the sun.", "Mars er den fjerde planeten fra sola."),
        ("The probe reached Mars in 2021.", "Sonden nådde Mars i 2021."),
    ],
)
def test_the_planet_mars_is_no_month(source: str, translation: str) -> None:
    assert _codes(source, translation) == []


def test_the_month_mars_is_still_a_month() -> None:
    assert "number" in _codes("The probe arrived on 3 April.", "Sonden kom fram 3. mars.")
    assert "number" in _codes("Sonden kom fram 3. mars.", "The probe arrived on 3 April.", "en")


def test_a_translation_that_stops_mid_sentence_is_flagged() -> None:
    issues = check("He didn't come back to the base yesterday.", "Han kom ikke tilbake", "nb")
    assert [i.code for i in issues] == ["length"]
    assert "stops mid-sentence" in issues[0].message
    assert _codes("He didn't come back to the base yesterday.", "Han kom ikke tilbake til basen i går.", "nb") == []
    # a translation that ends in a closing quote or bracket has ended
    assert _codes('She said it was "good".', "Hun sa det var «bra».", "nb") == []


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        # the source starts with a capital, the translation with a lower-case word: its start is gone
        ("My sister and her husband moved to a small town in the north last year.", "flyttet til en liten by i nord i fjor."),
        # a word twice in a row where the source has no such thing: the words between are gone
        ("The criticism of the plan of the new government came from many quarters.", "Kritikken av av regjeringen kom fra mange hold."),
        # an article right before another article
        ("She read a book about a man who sailed around the world alone.", "Hun leste en en mann som seilte jorda rundt alene."),
        # "å" with no verb after it
        ("It is important to eat well and to sleep enough every night.", "Det er viktig å og å sove nok hver natt."),
    ],
)
def test_a_translation_with_words_dropped_is_flagged_by_its_broken_norwegian(source: str, translation: str) -> None:
    assert "length" in _codes(source, translation)


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("They said that that was fine.", "De sa at det var greit."),
        ("The plus plus sign is used in the language.", "Pluss pluss-tegnet brukes i språket."),
        ("Eat well.", "Et godt."),
    ],
)
def test_the_fragment_cues_spare_whole_sentences(source: str, translation: str) -> None:
    assert "length" not in _codes(source, translation)
