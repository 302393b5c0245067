"""Glossaries with no model: checked when built, matched with Norwegian inflections, enforced
through placeholders, and part of the cache key."""

from __future__ import annotations

import pytest

from service.domain.errors import InvalidInput
from service.domain.glossary import MAX_TERMS, build_glossary, parse_table
from service.domain.langid import LanguageDetector
from service.domain.spans import protect, restore
from service.stores.cache import NullCache, SQLiteCache
from service.usecases.pipeline import TranslationPipeline

from ..fakes import FakeTranslator

NEWSROOM = build_glossary(
    "newsroom",
    [("Stortinget", "the Storting", "nb"), ("bompenge", "road toll", None), ("Regjeringa", "the Government", "nn"),
     ("Regjeringen", "the Government", "nb"), ("statsbudsjett", "national budget", None)],
    ["NAV", "Equinor ASA"],
)


def pipeline(translator: FakeTranslator, cache: object = None) -> TranslationPipeline:
    return TranslationPipeline(translator, cache or NullCache(), LanguageDetector(), num_beams=1)  # type: ignore[arg-type]


def test_terms_match_with_their_inflections_case_aware_on_word_boundaries() -> None:
    matcher = NEWSROOM.matcher
    found = lambda text: [(m.source, m.target) for m in matcher.find(text)]  # noqa: E731
    assert found("Stortingets leder og Stortinget") == [("Stortingets", "the Storting's"), ("Stortinget", "the Storting")]
    assert found("bompengene og bompenger, Bompenger") == [
        ("bompengene", "road toll"), ("bompenger", "road toll"), ("Bompenger", "Road toll")]
    assert found("Statsbudsjettet for 2025") == [("Statsbudsjettet", "National budget")]
    assert found("NAV og NAVs kontor, men ikke navet eller Nav") == [("NAV", "NAV"), ("NAVs", "NAVs")]
    assert found("Equinor ASA melder") == [("Equinor ASA", "Equinor ASA")]
    assert found("stortinget, Stortingsvalg, bompengesak") == []  # case, and no match inside a word


def test_terms_become_placeholders_and_come_back_in_english() -> None:
    shield = protect("Stortinget vedtok bompenger, se https://nav.no for NAV.", NEWSROOM.matcher)
    assert shield.text == "QX2 vedtok QX3, se QX1 for QX4."
    assert shield.checked_source == "the Storting vedtok road toll, se https://nav.no for NAV."
    text, lost = restore("QX2 adopted QX3, see QX1 for QX4.", shield)
    assert text == "the Storting adopted road toll, see https://nav.no for NAV." and lost == []
    text, lost = restore("It adopted QX3, see QX1 for QX4.", shield)
    assert text.endswith("NAV. the Storting") and [shield.is_term(i) for i in lost] == [True]


def test_the_pipeline_enforces_terms_and_flags_a_lost_one() -> None:
    keeps = FakeTranslator(transform=lambda s: s.replace("vedtok", "adopted"))
    (result,) = pipeline(keeps).translate_documents(["Stortinget vedtok bompenger. NAV vedtok ingenting."], "nb", glossary=NEWSROOM)
    assert result.text == "the Storting adopted road toll. NAV adopted ingenting."
    assert result.segments[0].terms == (("Stortinget", "the Storting"), ("bompenger", "road toll"))
    assert result.flagged == 0
    loses = FakeTranslator(transform=lambda s: "The parliament adopted tolls.")
    work = pipeline(loses)
    (result,) = work.translate_documents(["Stortinget vedtok bompenger."], "nb", glossary=NEWSROOM)
    assert "the Storting" in result.text and "road toll" in result.text  # never silently dropped
    codes = [i.code for i in result.segments[0].issues]
    assert codes.count("glossary") == 2 and "“Stortinget” (“the Storting”)" in result.segments[0].issues[0].message + result.segments[0].issues[1].message
    assert work.stats.terms == {"applied": 2, "lost": 2}


def test_a_changed_glossary_changes_the_cached_result(tmp_path: object) -> None:
    cache = SQLiteCache(f"{tmp_path}/cache.sqlite3")
    translator = FakeTranslator(transform=lambda s: s)
    work = pipeline(translator, cache)
    first = build_glossary("g", [("Stortinget", "the Storting", None)], [])
    changed = build_glossary("g", [("Stortinget", "Parliament", None)], [])
    (a,) = work.translate_documents(["Stortinget møtes."], "nb", glossary=first)
    (again,) = work.translate_documents(["Stortinget møtes."], "nb", glossary=first)
    (b,) = work.translate_documents(["Stortinget møtes."], "nb", glossary=changed)
    (none,) = work.translate_documents(["Stortinget møtes."], "nb")
    assert a.text == again.text == "the Storting møtes." and again.segments[0].cached
    assert b.text == "Parliament møtes." and not b.segments[0].cached
    assert none.text == "Stortinget møtes."
    cache.close()


@pytest.mark.parametrize(
    ("terms", "keep", "words"),
    [
        ([("Stortinget", "", None)], [], ["Row 1", "empty target"]),
        ([(" ", "x", None)], [], ["Row 1", "empty source"]),
        ([], [""], ["Row 1", "empty source"]),
        ([("NAV", "the Labour Administration", None), ("NAV", "NAV office", None)], [], ["'NAV' two English terms"]),
        ([(f"term{i}", "x", None) for i in range(10_000)], [], ["10,000 terms", f"{MAX_TERMS:,}"]),
        ([(" ".join(["ord"] * 200), "x", None)], [], ["Row 1", "too long", "200 words"]),
        ([], [], ["no terms"]),
        ([("a", "b", "de")], [], ["lang must be nb, nn"]),
    ],
)
def test_bad_glossaries_are_refused_with_the_reason(terms: list, keep: list, words: list[str]) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidInput) as raised:
        build_glossary("g", terms, keep)
    for word in words:
        assert word in raised.value.message, raised.value.message


def test_bad_names_and_identical_duplicates() -> None:
    with pytest.raises(InvalidInput, match="name"):
        build_glossary("../etc", [("a", "b", None)], [])
    twice = build_glossary("g", [("NAV", "NAV", None), ("NAV", "NAV", None)], [])
    assert len(twice.terms) == 1


def test_csv_and_tsv_tables() -> None:
    terms, keep = parse_table("source,target,lang\nStortinget,the Storting,nb\nNAV,\n\"bompenger, nye\",new tolls\n")
    assert terms == [("Stortinget", "the Storting", "nb"), ("bompenger, nye", "new tolls", None)] and keep == ["NAV"]
    terms, keep = parse_table("Regjeringa\tthe Government\tnn\nEquinor\t\n")
    assert terms == [("Regjeringa", "the Government", "nn")] and keep == ["Equinor"]
    with pytest.raises(InvalidInput, match="4 columns"):
        parse_table("a,b,c,d\n")


BOTH_WAYS = build_glossary(
    "both-ways",
    [("Stortinget", "the Storting", "nb"), ("road toll", "bompenger", "en"), ("policy", "retningslinje", "en"),
     ("Storting", "Stortinget", "en")],
    ["NAV"],
)


def test_english_source_terms_match_english_forms_and_keep_the_norwegian_as_written() -> None:
    out_of_english = BOTH_WAYS.matcher_for("nb")
    found = lambda text: [(m.source, m.target) for m in out_of_english.find(text)]  # noqa: E731
    assert found("The road tolls and the road toll's price, policies and a policy") == [
        ("road tolls", "bompenger"), ("road toll's", "bompenger"), ("policies", "retningslinje"), ("policy", "retningslinje"),
    ]
    assert found("Road toll rises; the Storting's vote; NAV") == [
        ("Road toll", "Bompenger"), ("Storting's", "Stortinget"), ("NAV", "NAV"),
    ]
    assert found("Stortinget vedtok bompenger") == []  # the other direction's rows do not match
    into_english = [(m.source, m.target) for m in BOTH_WAYS.matcher.find("Stortinget, road toll, NAV")]
    assert into_english == [("Stortinget", "the Storting"), ("NAV", "NAV")]


def test_an_english_to_norwegian_pipeline_enforces_the_english_terms() -> None:
    translator = FakeTranslator(transform=lambda s: s.replace("The", "Den"))
    work = TranslationPipeline(translator, NullCache(), LanguageDetector(), num_beams=1, targets=("nb", "nn"))  # type: ignore[arg-type]
    (result,) = work.translate_documents(
        ["The road tolls went up again this year."], "en", glossary=BOTH_WAYS, target_lang="nb"
    )
    assert "bompenger" in result.text and "road" not in result.text
    assert result.segments[0].terms == (("road tolls", "bompenger"),)
    with pytest.raises(InvalidInput, match="lang must be nb, nn, en"):
        build_glossary("bad", [("x", "y", "de")], [])
