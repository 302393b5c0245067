"""Translation memories without a model: normalisation, adapted matches, the stores' (SQLite and Redis) exact,
adapted and fuzzy lookups, conflicts, and TMX and XLIFF written and read back (and refused whole,
with the line, when broken)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from service.domain.errors import DocumentError, MemoryConflict, MemoryNotFound
from service.domain.memory import MemoryEntry, adapted, normalised, skeleton
from service.formats.tmx import entries_from_tmx, tmx_of
from service.formats.xliff import entries_from_xliff, xliff_of
from service.stores.memory_store import SQLiteMemoryStore


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """The same behaviour from both stores: SQLite, and Redis shared by replicas."""
    if request.param == "redis":
        from service.stores.redis_memory_store import RedisMemoryStore

        made: Any = RedisMemoryStore(request.getfixturevalue("redis_server")[0])
    else:
        made = SQLiteMemoryStore(tmp_path / "state.db")
    made.add("desk", [
        MemoryEntry("Det er 30 grader i Oslo i dag.", "It is 30 degrees in Oslo today."),
        MemoryEntry("Regjeringen legger fram statsbudsjettet for neste år.", "The government presents next year's budget."),
        MemoryEntry("Prisen steg til 1,5 millioner kroner.", "The price rose to NOK 1.5 million."),
    ])
    return made


def test_normalising_ignores_spaces_quote_styles_and_the_first_letter() -> None:
    assert normalised("  «Hei»,   sa   hun. ") == normalised('"hei", sa hun.') == '"hei", sa hun.'
    assert normalised("Det regner.") == normalised("det  regner.")
    assert normalised("Det regner.") != normalised("Det regnet.")


def test_spans_and_numbers_are_swapped_into_the_target() -> None:
    assert skeleton("Det er 30 grader.")[1] == ("30",)
    assert adapted("Det er 30 grader.", "It is 30 degrees.", "Det er 31 grader.") == "It is 31 degrees."
    assert adapted("Prisen er 1,5 millioner.", "The price is 1.5 million.", "Prisen er 2,75 millioner.") == "The price is 2.75 million."
    assert adapted("Det kom 30 000 personer.", "30,000 people came.", "Det kom 45 000 personer.") == "45,000 people came."
    assert adapted("Se https://a.no nå.", "See https://a.no now.", "Se https://b.no/sak nå.") == "See https://b.no/sak now."
    assert adapted("Det er 30 grader.", "It is thirty degrees.", "Det er 31 grader.") is None  # the span is not in the target
    assert adapted("Det er 30 grader.", "It is 30 degrees.", "Det var 31 grader.") is None  # the words differ


def test_the_store_finds_exact_adapted_and_fuzzy_matches(store: Any) -> None:
    found = store.find("desk", [
        "det er 30  grader i Oslo i dag.",  # exact, once normalised
        "Det er 31 grader i Oslo i dag.",  # adapted
        "Regjeringen legger fram budsjettet for neste år.",  # near
        "Prisen steg til 2,5 millioner kroner.",
        "Noe helt annet enn alt i minnet.",
    ])
    assert found["det er 30  grader i Oslo i dag."].kind == "exact"
    assert found["det er 30  grader i Oslo i dag."].target == "it is 30 degrees in Oslo today."  # the sentence's case
    assert (found["Det er 31 grader i Oslo i dag."].kind, found["Det er 31 grader i Oslo i dag."].target) == (
        "adapted", "It is 31 degrees in Oslo today.")
    assert found["Prisen steg til 2,5 millioner kroner."].target == "The price rose to NOK 2.5 million."
    near = found["Regjeringen legger fram budsjettet for neste år."]
    assert near.kind == "fuzzy" and near.suggestions[0].target == "The government presents next year's budget."
    assert 85 <= near.suggestions[0].score < 100
    assert "Noe helt annet enn alt i minnet." not in found
    assert store.find("another", ["Det er 30 grader i Oslo i dag."], "en") == {}


def test_a_conflicting_import_is_reported_and_nothing_stored(store: Any) -> None:
    incoming = [MemoryEntry("Det er 30 grader i Oslo i dag.", "Oslo has 30 degrees today."),
                MemoryEntry("En ny setning her.", "A new sentence here.")]
    with pytest.raises(MemoryConflict) as raised:
        store.add("desk", incoming, on_conflict="report")
    assert "the memory has 'It is 30 degrees in Oslo today.'" in raised.value.message
    assert raised.value.conflicts == [("Det er 30 grader i Oslo i dag.", "It is 30 degrees in Oslo today.", "Oslo has 30 degrees today.")]
    assert len(store.entries("desk")) == 3  # the new sentence was not stored either
    assert store.add("desk", incoming, on_conflict="keep") == {"added": 1, "updated": 0, "unchanged": 0, "kept": 1}
    assert store.add("desk", incoming, on_conflict="replace") == {"added": 0, "updated": 1, "unchanged": 1, "kept": 0}


def test_entries_are_updated_and_deleted_and_a_missing_one_is_named(store: Any) -> None:
    first = store.entries("desk")[0]
    changed = store.update("desk", first.id or 0, "It's 30 degrees in Oslo today.", "key:abc")
    assert changed.target == "It's 30 degrees in Oslo today." and changed.author == "key:abc" and changed.changed >= first.changed
    assert store.delete("desk", [first.id or 0]) == 1
    with pytest.raises(MemoryNotFound, match="No entry"):
        store.delete("desk", [first.id or 0])
    with pytest.raises(MemoryNotFound, match="No translation memory named 'nowhere'"):
        store.entries("nowhere")
    version = store.version("desk")
    store.add("desk", [MemoryEntry("Enda en.", "One more.")])
    assert store.version("desk") != version


def test_tmx_round_trip_keeps_every_entry(store: Any) -> None:
    entries = store.entries("desk")
    back = entries_from_tmx(tmx_of(entries))
    assert [(e.source, e.target, e.source_lang) for e in back] == [(e.source, e.target, e.source_lang) for e in entries]
    assert all(abs(b.created - e.created) < 1 for b, e in zip(back, entries, strict=True))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<tmx version='1.4'><body><tu><tuv xml:lang='nb'><seg>Hei</seg></tuv>", "not well-formed XML.*line 1"),
        (b"<tmx version='1.4'><header srclang='nb'/><body>\n<tu><tuv xml:lang='nb'><seg>Hei</seg></tuv></tu></body></tmx>",
         r"<tu> on line 2 has only one <tuv> \(nb\): it needs a source and its translation"),
        (b"<tmx version='1.4'><header srclang='nb'/><body><tu>\n<tuv xml:lang='nb'><seg>Hei</seg></tuv>\n<tuv xml:lang='en'></tuv></tu></body></tmx>",
         r'<tuv xml:lang="en"> in the <tu> on line 1 has no <seg>'),
        (b"<xliff/>", "not TMX"),
    ],
)
def test_a_broken_tmx_file_is_refused_with_its_line(data: bytes, words: str) -> None:
    with pytest.raises(DocumentError, match=words):
        entries_from_tmx(data)


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_xliff_gives_back_only_what_the_translator_changed_with_markup_as_markers(version: str) -> None:
    segments = [("Hei QY1 verden QY2.", "Hello QY1 world QY2."), ("Det regner.", "It rains.")]
    data = xliff_of("nyhet.docx", segments, "nb", version)
    assert entries_from_xliff(data) == []  # nothing changed yet
    edited = data.replace(b"Hello <", b"Hi <", 1) if version == "2.0" else data.replace(b'translated">Hello', b'translated">Hi', 1)
    (entry,) = entries_from_xliff(edited)
    assert (entry.source, entry.target, entry.origin) == ("Hei QY1 verden QY2.", "Hi QY1 world QY2.", "import")


def test_a_broken_xliff_file_is_refused_with_its_line_or_element() -> None:
    with pytest.raises(DocumentError, match="not well-formed XML"):
        entries_from_xliff(b"<xliff version='2.0'><file>")
    broken = (b"<xliff xmlns='urn:oasis:names:tc:xliff:document:2.0' version='2.0' srcLang='nb' trgLang='en'>"
              b"<file id='f'>\n<unit id='u1'></unit></file></xliff>")
    with pytest.raises(DocumentError, match=r'<unit id="u1"> on line 2 has no <segment>'):
        entries_from_xliff(broken)
    with pytest.raises(DocumentError, match="trgLang is 'de'"):
        entries_from_xliff(broken.replace(b"trgLang='en'", b"trgLang='de'"))


def test_lookups_are_index_probes_never_scans(tmp_path: Path) -> None:
    """What keeps a million entries fast: SQLite's own plan for each query of a lookup."""
    store = SQLiteMemoryStore(tmp_path / "state.db")
    store.add("desk", [MemoryEntry(f"Setning nummer {i} om budsjettet.", f"Sentence {i}.") for i in range(50)])
    plans = {
        "exact": ("SELECT key, source, target FROM memory_entries WHERE memory = ? AND target_lang = ? AND key IN (?)", ("desk", "en", "x")),
        "adapted": ("SELECT shape, source, target FROM memory_entries WHERE memory = ? AND target_lang = ? AND shape IN (?)", ("desk", "en", "x")),
        "words": ("SELECT rowid FROM memory_words WHERE memory_words MATCH ? LIMIT 100", ('"budsjettet"',)),
        "candidates": ("SELECT id, key FROM memory_entries WHERE id IN (?, ?) AND +memory = ? AND +target_lang = ? AND +length BETWEEN ? AND ?",
                       (1, 2, "desk", "en", 1, 99)),
    }
    for name, (query, values) in plans.items():
        plan = " | ".join(row[-1] for row in store._db.execute(f"EXPLAIN QUERY PLAN {query}", values))
        assert "SCAN memory_entries" not in plan, (name, plan)
        assert "SEARCH" in plan or "VIRTUAL TABLE" in plan, (name, plan)
