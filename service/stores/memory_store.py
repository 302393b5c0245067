"""Translation memories in the service's SQLite database (beside jobs and glossaries).

Entries are rows keyed by (memory, target language, normalised source): an exact lookup is an
index probe, never a scan; sentences that differ only in numbers or spans share a ``shape``,
indexed too. Fuzzy candidates come from an FTS5 index of the sources' words: a sentence's rarest
words (its longest) pick at most ``RARE_WORDS`` × ``PER_WORD`` entries, those of a
length a match could have are scored (rapidfuzz's ratio), so a lookup stays bounded at a million
entries.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..domain.errors import MemoryConflict, MemoryNotFound
from ..domain.memory import (
    MemoryEntry,
    MemoryMatch,
    Suggestion,
    normalised,
    remembered,
    skeleton,
)
from .job_store import open_database

RARE_WORDS = 4
PER_WORD = 100
_WORD = re.compile(r"[^\W\d_]{3,}")

SCHEMA = """
CREATE TABLE IF NOT EXISTS memory_entries (
    id INTEGER PRIMARY KEY, memory TEXT NOT NULL, target_lang TEXT NOT NULL, key TEXT NOT NULL, shape TEXT NOT NULL,
    source TEXT NOT NULL, target TEXT NOT NULL, source_lang TEXT NOT NULL, author TEXT NOT NULL, origin TEXT NOT NULL,
    created REAL NOT NULL, changed REAL NOT NULL, length INTEGER NOT NULL,
    UNIQUE (memory, target_lang, key)
);
CREATE INDEX IF NOT EXISTS memory_shapes ON memory_entries (memory, target_lang, shape);
CREATE VIRTUAL TABLE IF NOT EXISTS memory_words USING fts5(
    key, content='memory_entries', content_rowid='id', tokenize='unicode61 remove_diacritics 0'
);

CREATE TRIGGER IF NOT EXISTS memory_words_insert AFTER INSERT ON memory_entries BEGIN
    INSERT INTO memory_words (rowid, key) VALUES (new.id, new.key);
END;
CREATE TRIGGER IF NOT EXISTS memory_words_delete AFTER DELETE ON memory_entries BEGIN
    INSERT INTO memory_words (memory_words, rowid, key) VALUES ('delete', old.id, old.key);
END;
CREATE TRIGGER IF NOT EXISTS memory_words_update AFTER UPDATE OF key ON memory_entries BEGIN
    INSERT INTO memory_words (memory_words, rowid, key) VALUES ('delete', old.id, old.key);
    INSERT INTO memory_words (rowid, key) VALUES (new.id, new.key);
END;
"""
_COLUMNS = "id, source, target, target_lang, source_lang, author, origin, created, changed"


def best_keys(key: str, candidates: dict[int, str], threshold: float, limit: int = 3) -> list[int]:
    """The ids of the (at most ``limit``) candidates closest to ``key``, at least ``threshold``."""
    from rapidfuzz import fuzz, process

    return [i for _, _, i in process.extract(key, candidates, scorer=fuzz.ratio, score_cutoff=threshold, limit=limit)]


def scored(key: str, rows: Sequence[tuple[str, str, str]], threshold: float) -> tuple[Suggestion, ...]:
    """The best three candidates (normalised source, source, target) at least ``threshold``
    similar to ``key`` (rapidfuzz's ratio, 0–100)."""
    from rapidfuzz import fuzz

    ranked = sorted(((fuzz.ratio(key, k), s, g) for k, s, g in rows), reverse=True)
    return tuple(Suggestion(s, g, round(score, 1)) for score, s, g in ranked[:3] if score >= threshold)


def _entry(row: Sequence[object]) -> MemoryEntry:
    id_, source, target, target_lang, source_lang, author, origin, created, changed = row
    return MemoryEntry(str(source), str(target), str(target_lang), str(source_lang), str(author), str(origin),
                       float(created), float(changed), int(id_))  # type: ignore[arg-type]


class SQLiteMemoryStore:
    def __init__(self, path: str | Path, fuzzy_threshold: float = 85.0) -> None:
        self.path = Path(path).expanduser()
        self.fuzzy_threshold = fuzzy_threshold
        self._lock = threading.Lock()
        self._db = open_database(self.path, SCHEMA)

    # --- reading --------------------------------------------------------------------------

    def names(self) -> list[tuple[str, int]]:
        """Every memory with its number of entries."""
        with self._lock:
            rows = self._db.execute("SELECT memory, COUNT(*) FROM memory_entries GROUP BY memory ORDER BY memory").fetchall()
        return [(str(name), int(count)) for name, count in rows]

    def exists(self, name: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM memory_entries WHERE memory = ? LIMIT 1", (name,)).fetchone() is not None

    def version(self, name: str) -> str:
        """Changes whenever the memory does: its size and its last change."""
        with self._lock:
            count, changed = self._db.execute(
                "SELECT COUNT(*), COALESCE(MAX(changed), 0) FROM memory_entries WHERE memory = ?", (name,)
            ).fetchone()
        return f"{count}:{changed:.6f}"

    def entries(self, name: str, offset: int = 0, limit: int = 100) -> list[MemoryEntry]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM memory_entries WHERE memory = ? ORDER BY id LIMIT ? OFFSET ?", (name, limit, offset)
            ).fetchall()
        if not rows and offset == 0 and not self.exists(name):
            raise MemoryNotFound(name)
        return [_entry(r) for r in rows]

    def find(self, name: str, sentences: Sequence[str], target_lang: str = "en") -> dict[str, MemoryMatch]:
        """For each sentence the memory has something for: its exact or adapted translation, or
        its fuzzy suggestions (best first)."""
        found: dict[str, MemoryMatch] = {}
        wanted = list(dict.fromkeys(sentences))
        if not wanted or not self.exists(name):  # a default memory nobody has written to yet: no lookups
            return found
        keys = {s: normalised(s) for s in wanted}
        shapes = {s: skeleton(s)[0] for s in wanted}
        with self._lock:
            exact = self._by(name, target_lang, "key", set(keys.values()))
            left = [s for s in wanted if keys[s] not in exact]
            by_shape = self._by(name, target_lang, "shape", {shapes[s] for s in left}) if left else {}
            for sentence in wanted:
                match = remembered(sentence, exact.get(keys[sentence]), by_shape.get(shapes[sentence]))
                suggestions = self._fuzzy(name, target_lang, keys[sentence]) if match is None else ()
                if match is not None or suggestions:
                    found[sentence] = match or MemoryMatch("fuzzy", suggestions=suggestions)
        return found

    def _by(self, name: str, target_lang: str, column: str, values: set[str]) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        values_list = list(values)
        for start in range(0, len(values_list), 500):
            chunk = values_list[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for value, source, target in self._db.execute(
                f"SELECT {column}, source, target FROM memory_entries WHERE memory = ? AND target_lang = ? AND {column} IN ({marks})",
                (name, target_lang, *chunk),
            ):
                out.setdefault(str(value), (str(source), str(target)))
        return out

    def _fuzzy(self, name: str, target_lang: str, key: str) -> tuple[Suggestion, ...]:
        """Candidates through the word index: the sentence's longest words (at most ``RARE_WORDS``;
        long words are the rare ones, and a lookup in the index's own counts would cost more than
        the rest), at most ``PER_WORD`` entries each, of a length a match could have; then scored.
        A match at the threshold shares most of its words, so it has one of them."""
        rare = sorted(set(_WORD.findall(key.lower())), key=lambda w: (-len(w), w))[:RARE_WORDS]
        if not rare:
            return ()
        ids: set[int] = set()
        for word in rare:
            ids.update(r[0] for r in self._db.execute(
                "SELECT rowid FROM memory_words WHERE memory_words MATCH ? LIMIT ?", (f'"{word}"', PER_WORD)))
        t = self.fuzzy_threshold
        low, high = len(key) * t / (200 - t), len(key) * (200 - t) / max(t, 1)  # ratio ≥ t is impossible outside
        id_list = list(ids)
        keys: dict[int, str] = {}
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            keys.update(self._db.execute(
                f"SELECT id, key FROM memory_entries WHERE id IN ({','.join('?' * len(chunk))}) "
                "AND +memory = ? AND +target_lang = ? AND +length BETWEEN ? AND ?",  # by id: not the memory index
                (*chunk, name, target_lang, int(low), int(high) + 1),
            ).fetchall())
        best = best_keys(key, keys, t)
        if not best:
            return ()
        rows = dict((r[0], r[1:]) for r in self._db.execute(
            f"SELECT id, key, source, target FROM memory_entries WHERE id IN ({','.join('?' * len(best))})", best))
        return scored(key, [rows[i] for i in best], t)

    # --- writing --------------------------------------------------------------------------

    def add(self, name: str, entries: Iterable[MemoryEntry], *, on_conflict: str = "replace") -> dict[str, int]:
        """Add entries (a later one with the same normalised source replaces an earlier one).
        ``on_conflict``: ``replace`` (the new target wins), ``keep`` (the stored one stays) or
        ``report`` (MemoryConflict naming them, nothing stored). Counts: added, updated, unchanged, kept."""
        now = time.time()
        rows = {}
        for entry in entries:
            rows[(entry.target_lang, normalised(entry.source))] = entry
        counts = {"added": 0, "updated": 0, "unchanged": 0, "kept": 0}
        with self._lock, self._db:
            stored = {}
            for (target_lang, key), _ in rows.items():
                row = self._db.execute(
                    "SELECT id, target FROM memory_entries WHERE memory = ? AND target_lang = ? AND key = ?", (name, target_lang, key)
                ).fetchone()
                if row is not None:
                    stored[(target_lang, key)] = (int(row[0]), str(row[1]))
            conflicts = [(e.source, stored[k][1], e.target) for k, e in rows.items() if k in stored and stored[k][1] != e.target]
            if conflicts and on_conflict == "report":
                raise MemoryConflict(name, conflicts)
            for (target_lang, key), entry in rows.items():
                if (target_lang, key) in stored:
                    entry_id, target = stored[(target_lang, key)]
                    if target == entry.target:
                        counts["unchanged"] += 1
                    elif on_conflict == "keep":
                        counts["kept"] += 1
                    else:
                        self._db.execute(
                            "UPDATE memory_entries SET source = ?, target = ?, author = ?, origin = ?, changed = ? WHERE id = ?",
                            (entry.source, entry.target, entry.author, entry.origin, now, entry_id),
                        )
                        counts["updated"] += 1
                    continue
                self._db.execute(
                    "INSERT INTO memory_entries (memory, target_lang, key, shape, source, target, source_lang, author, origin, "
                    "created, changed, length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (name, target_lang, key, skeleton(entry.source)[0], entry.source, entry.target, entry.source_lang,
                     entry.author, entry.origin, entry.created or now, entry.changed or now, len(key)),
                )
                counts["added"] += 1
        return counts

    def update(self, name: str, entry_id: int, target: str, author: str) -> MemoryEntry:
        with self._lock, self._db:
            done = self._db.execute(
                "UPDATE memory_entries SET target = ?, author = ?, origin = 'correction', changed = ? WHERE memory = ? AND id = ?",
                (target, author, time.time(), name, entry_id),
            ).rowcount
            row = self._db.execute(f"SELECT {_COLUMNS} FROM memory_entries WHERE id = ?", (entry_id,)).fetchone()
        if not done or row is None:
            raise MemoryNotFound(name, entry_id)
        return _entry(row)

    def delete(self, name: str, entry_ids: Sequence[int] | None = None) -> int:
        """Delete some entries, or (no ids) the whole memory; how many rows went."""
        with self._lock, self._db:
            if entry_ids is None:
                gone = self._db.execute("DELETE FROM memory_entries WHERE memory = ?", (name,)).rowcount
            else:
                marks = ",".join("?" * len(entry_ids))
                gone = self._db.execute(f"DELETE FROM memory_entries WHERE memory = ? AND id IN ({marks})", (name, *entry_ids)).rowcount
        if not gone:
            raise MemoryNotFound(name, entry_ids[0] if entry_ids else None)
        return int(gone)

    def close(self) -> None:
        with self._lock:
            self._db.close()
