"""The faithfulness checks of one (source, translation) pair: Norwegian forms of numbers,
links, names, loops, length, copies and empty output; and `oversett check` on aligned files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.domain.checks import check

from ..conftest import REPO


def codes(source: str, translation: str) -> list[str]:
    return [issue.code for issue in check(source, translation)]


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("Det skjedde 13. februar i år.", "It happened on 13 February this year."),
        ("Det skjedde 13. februar i år.", "It happened on February 13 this year."),
        ("Rundt 70.000 mennesker bor der.", "About 70,000 people live there."),
        ("Rundt 70.000 mennesker bor der.", "About 70 000 people live there."),
        ("Veksten var 4,5 prosent i fjor.", "Growth was 4.5 percent last year."),
        ("Det kostet 1,2 mrd. kroner totalt.", "It cost 1.2 billion kroner in all."),
        ("Skjelvet kom kl. 3.49 i natt.", "The quake struck at 3:49 last night."),
        ("Skjelvet kom kl. 3.49 i natt.", "The quake struck at 3.49 last night."),
        ("Skjelvet kom kl. 22:08 på mandag.", "The quake struck at 10:08 p.m. on Monday."),
        ("Oppslutningen er nå 20 % i snitt.", "Support is now 20% on average."),
        ("Oppslutningen er nå 20 % i snitt.", "Support is now 20 percent on average."),
        ("Hun kom på 3. plass i rennet.", "She came third in the race."),
        ("Han har 4 barn og to hunder.", "He has four children and two dogs."),
        ("Grisen på 250 kg drepte mannen.", "The 550 pound hog killed the man."),
        ("Kirken ble bygget på 1500-tallet.", "The church was built in the 16th century."),
        ("Stoltenberg besøkte Norge og København.", "Stoltenberg visited Norway and Copenhagen."),
        ("Hun møtte Stoltenbergs rådgiver i går.", "She met Stoltenberg's adviser yesterday."),
        ("Se https://nrk.no/a eller skriv til post@nrk.no nå.", "See https://nrk.no/a or write to post@nrk.no now."),
        ("Følg @nrknyheter og #valg2025 i kveld.", "Follow @nrknyheter and #valg2025 tonight."),
        ("Regjeringen la fram budsjettet i dag.", "The government presented the budget today."),
        ("Det hvite hus kommenterte ikke saken.", "The White House did not comment on the matter."),
        ("«Hei!» ropte hun.", "\"Hi!\" she shouted."),
    ],
)
def test_faithful_translations_pass(source: str, translation: str) -> None:
    assert check(source, translation) == []


@pytest.mark.parametrize(
    ("source", "translation", "code"),
    [
        ("Rundt 70.000 mennesker bor der.", "About 7,000 people live there.", "number"),
        ("Det skjedde 13. februar i år.", "It happened on 13 March this year.", "number"),
        ("Det kostet 1,2 mrd. kroner totalt.", "It cost 2.1 billion kroner in all.", "number"),
        ("Oppslutningen er nå 20 % i snitt.", "Support is now on average.", "number"),
        ("Se https://nrk.no/a for mer om saken.", "See for more about the case.", "link"),
        ("Skriv til post@nrk.no i dag.", "Write to post@nrk-no today.", "link"),
        ("Han besøkte Norge i går.", "He visited England yesterday.", "name"),
        ("Hun møtte Jonas Gahr Støre i Bergen.", "She met Jonas Gahr Støre in Oslo.", "name"),
        ("Det regner i Bergen i dag.", "It rains rains rains rains in Bergen today.", "repetition"),
        ("Det regner i Bergen i dag.", "Itngngngngngngngngng rains in Bergen today.", "repetition"),
        ("Det regner mye i Bergen i dag, og det blir kaldt i morgen.", "It rains.", "length"),
        ("Det regner mye i Bergen i dag, og det blir kaldt.", "It rains a lot in Bergen today, and it", "length"),
        ("Det regner i Bergen i dag.", "Det regner i Bergen i dag.", "untranslated"),
        ("Det regner i Bergen i dag.", "   ", "empty"),
    ],
)
def test_broken_translations_are_flagged_with_a_message(source: str, translation: str, code: str) -> None:
    issues = check(source, translation)
    assert code in [i.code for i in issues], issues
    assert all(i.message and i.message[0].isupper() for i in issues)


def test_a_loop_the_source_has_itself_is_no_issue() -> None:
    assert "repetition" not in codes("Ha ha ha ha, sa han.", "Ha ha ha ha, he said.")


def test_text_without_letters_or_digits_has_nothing_to_check() -> None:
    assert check("— * —", "") == []


def _check_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "service", "check", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def test_check_command_writes_a_json_line_per_segment(tmp_path: Path) -> None:
    src, hyp = tmp_path / "src.txt", tmp_path / "hyp.txt"
    src.write_text("Rundt 70.000 mennesker bor der.\nHan besøkte Norge i går.\n", encoding="utf-8")
    hyp.write_text("About 7,000 people live there.\nHe visited Norway yesterday.\n", encoding="utf-8")
    result = _check_cli(str(src), str(hyp))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == [{"line": 1, "issues": ["number"]}, {"line": 2, "issues": []}]
    assert "1 of 2 lines flagged" in result.stderr and "number 1" in result.stderr


def test_check_command_refuses_unreadable_or_misaligned_input(tmp_path: Path) -> None:
    src, hyp = tmp_path / "src.txt", tmp_path / "hyp.txt"
    src.write_text("En.\nTo.\n", encoding="utf-8")
    hyp.write_text("One.\n", encoding="utf-8")
    misaligned = _check_cli(str(src), str(hyp))
    assert misaligned.returncode == 2 and "not aligned" in misaligned.stderr and "Traceback" not in misaligned.stderr
    missing = _check_cli(str(src), str(tmp_path / "none.txt"))
    assert missing.returncode == 2 and "cannot be read" in missing.stderr
    (tmp_path / "latin1.txt").write_bytes("Blåbær.\n".encode("latin-1"))
    latin = _check_cli(str(src), str(tmp_path / "latin1.txt"))
    assert latin.returncode == 2 and "not UTF-8" in latin.stderr


def test_nynorsk_words_at_the_start_of_a_sentence_are_not_taken_for_names() -> None:
    from service.domain.checks.names import names
    from service.domain.checks.norwegian import bokmal_forms

    for sentence in ("Ifølgje politiet kom dei seint.", "Høgsterett avgjorde saka i går.",
                     "Seinare på dagen kom han heim.", "Utanlandske journalistar var til stades."):
        assert names(sentence) == [], sentence
    assert "ifølge" in bokmal_forms("ifølgje") and "senere" in bokmal_forms("seinare")
    assert names("Carpanedo konkurrerte i to løp.") == ["Carpanedo"]  # a name is still a name


def test_a_longer_word_of_the_translation_does_not_stand_for_a_name_when_the_source_accounts_for_it() -> None:
    from service.domain.checks.names import name_is_kept

    source = "Han jobbet for John F. Kennedy og for Lyndon B. Johnson."
    assert not name_is_kept("John", "He worked for Oslo F. Kennedy and for Lyndon B. Johnson.", source)
    assert name_is_kept("John", "He worked for John F. Kennedy and for Lyndon B. Johnson.", source)
    hong = "Det meste av Hong Kong-øyas byutvikling er tett."
    assert not name_is_kept("Hong", "Most of Hansen Kong Island's development is dense.", hong)
    # The source's own derivation (iranske) is what Iranian translates …
    iran = "revolusjonen i Iran som forårsaket den iranske gisselkrisen"
    assert not name_is_kept("Iran", "the Iranian Revolution, which led to the Tromsø hostage crisis", iran)
    # … but without one, English may say a name longer (Premier League → Premiership).
    assert name_is_kept("Premier", "an away win in the Premiership", "en seier på bortebane i Premier League")


def test_a_name_the_source_repeats_must_be_said_as_often_counting_genitives_and_exonyms() -> None:
    from service.domain.checks import check

    source = "Ottawa er hovedstaden i Canada, og museene viser Canadas historie."
    assert check(source, "Ottawa is the capital of Canada, and the museums show Canada's history.") == []
    assert [i.code for i in check(source, "Ottawa is the capital of Canada, and the museums show Berlin's history.")] == ["name"]
    napoli = "Liverpool møter Napoli på Stadio San Paolo i Napoli, Italia."
    assert check(napoli, "Liverpool face Napoli at the Stadio San Paolo in Naples, Italy.") == []


def test_titles_abbreviations_and_lower_case_names_are_no_false_alarms() -> None:
    from service.domain.checks import check
    from service.domain.checks.names import names

    assert names("Det skjedde rundt 400 e.Kr. i Roma.") == ["Roma"]
    assert "Mr" not in names("Han er som Mr Bean.")
    assert check("Vi så Aurora Borealis i natt.", "We saw the Aurora borealis last night.") == []
    assert check("Forholdet mellom Nord og Sør har bedret seg.", "Relations between the North and the South have improved.") == []


def test_a_sentence_may_open_with_a_name_that_norwegian_text_never_writes_in_lower_case() -> None:
    from service.domain.checks.lexicon import norwegian_case
    from service.domain.checks.names import names

    common, capitalised = norwegian_case()
    assert {"regjeringen", "politiet", "hus"} <= common and not common & capitalised
    assert names("Kavanaugh var veldig tydelig i høringen.") == ["Kavanaugh"]
    assert names("Regjeringen var veldig tydelig i høringen.") == []
    assert names("Det er en utfordring å reise mellom Indonesias mange øyer.") == ["Indonesias"]
    assert names("Tidlegare pressesekretær i det Kvite Hus, Ari Fleischer, sa nei.") == ["Ari", "Fleischer"]


def test_the_shipped_case_lexicon_is_what_its_builder_makes_of_the_data() -> None:
    from eval.lexicon import HEADER, OUT, lexicon, sentences

    lower, names = lexicon(sentences())
    assert OUT.read_text(encoding="utf-8") == HEADER + "".join(f"{w}\n" for w in sorted(lower | names))
    assert lexicon(["Han bor i Oslo, og Oslo er stor.", "Oslo har et hus."]) == ({"bor", "i", "og", "er", "stor", "har", "et", "hus"}, {"Oslo"})  # "Han" opens a sentence


def test_the_shipped_variety_words_are_what_their_builder_makes_of_the_treebanks() -> None:
    from eval.lexicon import VARIETY_OUT, treebank_sentences, variety_text, variety_words

    assert VARIETY_OUT.read_text(encoding="utf-8") == variety_text(variety_words(treebank_sentences("nb"), treebank_sentences("nn")))
    words = variety_words(["ikke ikke ikke og", "hun er her"], ["ikkje ikkje ikkje og", "ho er her"], least=2)
    assert words == {"nb": {"ikke"}, "nn": {"ikkje"}}  # shared words out; seen once is too few


def test_a_name_that_is_an_english_word_keeps_its_capital_except_as_a_plural_across_a_list() -> None:
    from service.domain.checks import check
    from service.domain.checks.names import name_is_kept, names

    source = "Programmet gikk på nettradioen TogiNet Radio, et nettsted om radioprat."
    assert name_is_kept("Radio", "The show ran on the internet radio site TogiNet Radio, a site for talk radio.", source)
    assert not name_is_kept("Radio", "The show ran on the internet radio site TogiNet Kowalski, a site for talk radio.", source)
    county = "Det meldes om irritasjon i Pinellas, Lee og Collier County."
    assert check(county, "Irritation is reported in Pinellas, Lee, and Collier counties.") == []
    assert names("Han leste The Sunday Times og St. Petersburg Times.") == ["Sunday", "Times", "St", "Petersburg", "Times"]
    assert check("Dr. Moll bor i St. Petersburg.", "Doctor Moll lives in Saint Petersburg.") == []
    assert [i.code for i in check("Dr. Moll bor i St. Petersburg.", "Ahmed. Moll lives in Petersburg.")] == ["name"]


def test_numbers_in_words_account_for_digits_and_a_changed_digit_is_caught_from_either_side() -> None:
    from service.domain.checks import check

    source = "Rundt førti innsatte ble værende, og kl. 14 sto to politibiler bak sperringen."
    assert check(source, "About 40 inmates stayed, and at 2pm two police vans were behind the cordon.") == []
    changed = check(source, "About 40 inmates stayed, and at 4pm two police vans were behind the cordon.")
    assert [i.code for i in changed] == ["number"] and "Not in the source: 4" in changed[0].message
    assert [i.code for i in check(source, "About 10 inmates stayed, and at 2pm two police vans were behind the cordon.")] == ["number"]
    # Said otherwise, a number word is no alarm (ti år → a decade); a conversion in brackets neither.
    assert check("Setet har vært holdt av en republikaner i over ti år.", "The seat has been held by a Republican for over a decade.") == []
    assert check("Tollsatser på varer verdt 200 milliarder dollar.", "Tariffs on $200 billion (£150 billion) worth of goods.") == []
    assert check("Tyskland var en felles fiende i andre verdenskrig.", "Germany was a common enemy in World War 2.") == []


def test_a_many_word_name_may_be_said_by_its_initials_or_a_title_and_one_word() -> None:
    from service.domain.checks import check

    assert check("Han spilte for Louisiana State University i fjor.", "He played for LSU last year.") == []
    assert check("Han krevde at Theresa May måtte avvise kvotene.", "He urged Mrs May to abandon the quotas.") == []
    assert [i.code for i in check("Han krevde at Theresa May måtte avvise kvotene.", "He urged Theresa Smith to abandon the quotas.")] == ["name"]


def test_english_names_of_places_come_from_cldr_for_bokmal_and_nynorsk() -> None:
    from service.domain.checks import check
    from service.domain.checks.norwegian import cldr_exonyms

    known = cldr_exonyms()
    assert "cyprus" in known["kypros"] and "hong kong" in known["hongkong"] and "moscow" in known["moskva"]
    assert check("Du får best utsikt over Hongkong frå Kowloon.", "You get the best views of Hong Kong from Kowloon.") == []
    assert [i.code for i in check("Han reiste til Kypros i går.", "He travelled to Malta yesterday.")] == ["name"]


def test_nynorsk_plurals_and_definite_forms_opening_a_sentence_are_no_names() -> None:
    from service.domain.checks.names import names

    assert names("Ozelotar et gjerne små dyr.") == []
    assert names("Rekninga frå San Jose innheldt 13 kampar.") == ["San", "Jose"]


def test_race_times_ratios_and_country_adjectives_are_understood() -> None:
    from service.domain.checks import check

    assert check("Hun kjørte på 4:41.30, 2:11.60 minutter tregere.", "She ran 4:41.30, 2:11.60 minutes slower.") == []
    assert check("Forholdet er derfor 3:2.", "The ratio is therefore 3:2.") == []
    assert [i.code for i in check("Forholdet er derfor 3:2.", "The ratio is therefore 3:4.")] == ["number"]
    assert check("Tyskland sitt landslag vann i 2006.", "The German national team won in 2006.") == []
    # Both ends of a range take its unit, converted: 5 og 7 centimeter → 2 to 3 inches.
    assert check("Det vil gi mellom 5 og 7 centimeter regn i timen.", "It will bring 2 to 3 inches of rain per hour.") == []


def test_nynorsk_names_of_places_titles_and_capitalised_common_words() -> None:
    from service.domain.checks import check
    from service.domain.checks.names import names

    assert check("Du kan besøke slott i Rhindalen eller ta ein båttur langs Eriekanalen.",
                 "You can visit castles in the Rhine valley or take a boat along the Erie Canal.") == []
    assert [i.code for i in check("Du kan besøke slott i Rhindalen.", "You can visit castles in the Loire valley.")] == ["name"]
    assert names("Inngangane, som fekk namnet «Dei Sju Systrer», er store.") == ["Systrer"]
    assert names("«Det er djupe holer,» Sa Glen Cushing.") == ["Glen", "Cushing"]
    assert check("Farten er 600 Mbit/s.", "The speed is 600Mbit/s.") == []
    # A name said twice may come back once as it is and once derived, when the source has no
    # derivation of it: på Haiti … til Haiti → the Haitian Institute … to Haiti.
    haiti = "Instituttet på Haiti seier at styrkane bringa sjukdommen til Haiti."
    assert check(haiti, "The Haitian Institute says the forces brought the disease to Haiti.") == []


def test_the_name_corruption_replaces_whole_shared_names_only() -> None:
    import random

    from eval.corruptions import replace_name

    source = "Forskerne i Oslo sier at Hansen tok feil."
    translation = "For the researchers in Oslo, Hansen was wrong."
    for seed in range(20):
        damaged = replace_name(source, translation, random.Random(seed))
        assert damaged is not None and damaged.startswith("For the researchers")  # "For" is no name
        assert ("Oslo" in damaged) != ("Hansen" in damaged)


def test_a_short_translation_that_reads_like_a_fragment_is_flagged() -> None:
    source = "Regjeringen la fram statsbudsjettet for neste år i Stortinget i dag."
    whole = "The government presented next year's national budget in the Storting today."
    assert check(source, whole) == []
    for broken, why in (
        ("government presented next year's budget in the Storting.", "lower case"),
        ("The government presented the of budget in the Storting.", "“the of”"),
        ("The government presented next year's budget in the", "stops mid-sentence"),
    ):
        issues = [i for i in check(source, broken) if i.code == "length"]
        assert issues and why in issues[0].message, (broken, issues)
    assert check(source, "the government presented next year's national budget in the Storting today.") == []  # not short


def test_curly_and_straight_apostrophes_are_the_same_and_nynorsk_pronouns_are_no_names() -> None:
    from service.domain.checks.names import names

    # A model (or a translator) may write either apostrophe: Sainsbury’s is Sainsbury's.
    assert check("Han skal leie ITV sitt program I’m A Celebrity for Sainsbury’s.",
                 "He is to host ITV's I'm A Celebrity for Sainsbury's.") == []
    assert codes("Han skal leie ITV sitt program I’m A Celebrity.", "He is to host ITV's Strictly.") == ["name"]
    # Capitalised in a quoted title, a Nynorsk pronoun is as common as its Bokmål spelling (eg = jeg).
    assert names("«Alt handla om Eg behøver å vinna ei gullmedalje», sa han.") == []
    assert names("Boka heiter Kva gjer Hansen no?") == ["Hansen"]
    # A title before a name is no name of its own (Pastor Bernard Vann → The Reverend Bernard Vann).
    assert check("Pastor Bernard Vann vann prisen.", "The Reverend Bernard Vann won the award.") == []


def test_decades_and_centimetres_in_feet_are_understood() -> None:
    assert check("Dei siste 20 åra har 111 menneske døydd.", "In the past two decades 111 people have died.") == []
    assert codes("Dei siste 30 åra har 111 menneske døydd.", "In the past two decades 111 people have died.") == ["number"]
    assert check("Hatten har ein 60 centimeter brei brem.", "The hat has a two-foot wide brim.") == []
    assert codes("Hatten har ein 90 centimeter brei brem.", "The hat has a two-foot wide brim.") == ["number"]


def test_a_sentence_is_read_once_for_both_tries_and_both_number_checks() -> None:
    """The source's numbers and names are worked out once a sentence: the checks of a second,
    cautious try (and both number checks of one try) ask again and are answered from memory."""
    from service.domain.checks.names import _names
    from service.domain.checks.norwegian import source_number_words, source_numbers

    source = "Statsminister Jonas Gahr Støre sa at 1,2 mrd. kroner går til tjue nye skoler i 2025."
    check(source, "Prime Minister Jonas Gahr Støre said 1.2 billion kroner go to twenty new schools in 2025.")
    read = (source_numbers.cache_info().misses, source_number_words.cache_info().misses, _names.cache_info().misses)
    hits = source_numbers.cache_info().hits
    retried = check(source, "The prime minister said money goes to schools.")  # a second try's output
    assert {i.code for i in retried} >= {"number", "name"}
    assert (source_numbers.cache_info().misses, source_number_words.cache_info().misses, _names.cache_info().misses) == read
    assert source_numbers.cache_info().hits >= hits + 2  # missing and added numbers, each from memory
