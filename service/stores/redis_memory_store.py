"""Translation memories in Redis, shared by every replica (``OVERSETT_REDIS_URL``), with the same
lookups as the SQLite store: hashes from the normalised source and from its shape to an entry
(index probes), and a set of entries per word of the sources for the fuzzy candidates (a sentence's
longest words; a word with more than ``PER_WORD`` entries gives a random ``PER_WORD`` of them, so a
lookup stays bounded). Writes of one request go in one MULTI transaction."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from typing import Any

from ..domain.errors import MemoryConflict, MemoryNotFound
from ..domain.memory import MemoryEntry, MemoryMatch, normalised, remembered, skeleton
from .memory_store import _WORD, PER_WORD, RARE_WORDS, scored
from .redis_state import RedisState

NAMES = "oversett:memories"
IDS = "oversett:memory-ids"
SEP = "\x1f"


def _k(name: str, part: str) -> str:
    return f"oversett:memory:{name}:{part}"


def _words(key: str) -> set[str]:
    return set(_WORD.findall(key.lower()))


def _entry(stored: str) -> tuple[MemoryEntry, dict[str, Any]]:
    data = json.loads(stored)
    return MemoryEntry(data["source"], data["target"], data["target_lang"], data["source_lang"], data["author"], data["origin"],
                       data["created"], data["changed"], data["id"]), data


class RedisMemoryStore(RedisState):
    def __init__(self, url: str, fuzzy_threshold: float = 85.0) -> None:
        super().__init__(url)
        self.fuzzy_threshold = fuzzy_threshold

    def names(self) -> list[tuple[str, int]]:
        names = sorted(self._call("listing memories", self._client.smembers, NAMES))
        counts = [self._call("counting a memory", self._client.hlen, _k(n, "entries")) for n in names]
        return [(n, int(c)) for n, c in zip(names, counts, strict=True) if c]

    def exists(self, name: str) -> bool:
        return bool(self._call("reading a memory", self._client.hlen, _k(name, "entries")))

    def version(self, name: str) -> str:
        count = self._call("reading a memory", self._client.hlen, _k(name, "entries"))
        changed = self._call("reading a memory", self._client.get, _k(name, "changed")) or "0"
        return f"{count}:{float(changed):.6f}"

    def entries(self, name: str, offset: int = 0, limit: int = 100) -> list[MemoryEntry]:
        ids = sorted(int(i) for i in self._call("listing a memory", self._client.hkeys, _k(name, "entries")))
        if not ids:
            raise MemoryNotFound(name)
        chosen = ids[offset : offset + limit]
        stored = self._call("reading a memory", self._client.hmget, _k(name, "entries"), chosen) if chosen else []
        return [_entry(s)[0] for s in stored if s]

    def find(self, name: str, sentences: Sequence[str], target_lang: str = "en") -> dict[str, MemoryMatch]:
        wanted = list(dict.fromkeys(sentences))
        if not wanted or not self.exists(name):
            return {}
        keys = {s: normalised(s) for s in wanted}
        shapes = {s: skeleton(s)[0] for s in wanted}
        exact_ids = self._call("reading a memory", self._client.hmget, _k(name, "keys"), [target_lang + SEP + keys[s] for s in wanted])
        shape_ids = self._call("reading a memory", self._client.hmget, _k(name, "shapes"), [target_lang + SEP + shapes[s] for s in wanted])
        ids = {i for i in (*exact_ids, *shape_ids) if i is not None}
        stored = self._call("reading a memory", self._client.hmget, _k(name, "entries"), list(ids)) if ids else []
        entries = {i: _entry(e)[0] for i, e in zip(ids, stored, strict=True) if e}

        def pair(entry_id: str | None) -> tuple[str, str] | None:
            entry = entries.get(entry_id) if entry_id is not None else None
            return (entry.source, entry.target) if entry is not None else None

        found: dict[str, MemoryMatch] = {}
        for sentence, exact_id, shape_id in zip(wanted, exact_ids, shape_ids, strict=True):
            match = remembered(sentence, pair(exact_id), pair(shape_id))
            suggestions = self._fuzzy(name, target_lang, keys[sentence]) if match is None else ()
            if match is not None or suggestions:
                found[sentence] = match or MemoryMatch("fuzzy", suggestions=suggestions)
        return found

    def _get(self, name: str, entry_id: str) -> MemoryEntry | None:
        stored = self._call("reading a memory", self._client.hget, _k(name, "entries"), entry_id)
        return _entry(stored)[0] if stored else None

    def _fuzzy(self, name: str, target_lang: str, key: str) -> tuple[Any, ...]:
        rare = sorted(_words(key), key=lambda w: (-len(w), w))[:RARE_WORDS]
        ids: set[str] = set()
        for word in rare:
            ids.update(self._call("reading a memory", self._client.srandmember, _k(name, f"w:{word}"), PER_WORD) or [])
        if not ids:
            return ()
        t = self.fuzzy_threshold
        low, high = len(key) * t / (200 - t), len(key) * (200 - t) / max(t, 1)
        rows = []
        for stored in self._call("reading a memory", self._client.hmget, _k(name, "entries"), list(ids)):
            if stored:
                entry, data = _entry(stored)
                if entry.target_lang == target_lang and low <= data["length"] <= high + 1:
                    rows.append((data["key"], entry.source, entry.target))
        return scored(key, rows, t)

    def add(self, name: str, entries: Iterable[MemoryEntry], *, on_conflict: str = "replace") -> dict[str, int]:
        now = time.time()
        rows = {(e.target_lang, normalised(e.source)): e for e in entries}
        field_names = [lang + SEP + key for lang, key in rows]
        ids = self._call("reading a memory", self._client.hmget, _k(name, "keys"), field_names) if rows else []
        stored = {}
        for (lang_key, entry_id) in zip(rows, ids, strict=True):
            if entry_id is not None:
                old = self._get(name, entry_id)
                if old is not None:
                    stored[lang_key] = old
        conflicts = [(e.source, stored[k].target, e.target) for k, e in rows.items() if k in stored and stored[k].target != e.target]
        if conflicts and on_conflict == "report":
            raise MemoryConflict(name, conflicts)
        counts = {"added": 0, "updated": 0, "unchanged": 0, "kept": 0}
        pipe = self._client.pipeline(transaction=True)
        for (lang, key), entry in rows.items():
            old = stored.get((lang, key))
            if old is not None:
                if old.target == entry.target:
                    counts["unchanged"] += 1
                    continue
                if on_conflict == "keep":
                    counts["kept"] += 1
                    continue
                counts["updated"] += 1
                record = {**old.to_json(), "source": entry.source, "target": entry.target, "author": entry.author,
                          "origin": entry.origin, "changed": now, "key": key, "length": len(key)}
                pipe.hset(_k(name, "entries"), str(old.id), json.dumps(record, ensure_ascii=False))
                continue
            entry_id = int(self._call("storing a memory entry", self._client.incr, IDS))
            counts["added"] += 1
            record = {**entry.to_json(), "id": entry_id, "created": entry.created or now, "changed": entry.changed or now,
                      "key": key, "length": len(key)}
            pipe.hset(_k(name, "entries"), str(entry_id), json.dumps(record, ensure_ascii=False))
            pipe.hset(_k(name, "keys"), lang + SEP + key, entry_id)
            pipe.hset(_k(name, "shapes"), lang + SEP + skeleton(entry.source)[0], entry_id)
            for word in _words(key):
                pipe.sadd(_k(name, f"w:{word}"), entry_id)
        pipe.sadd(NAMES, name)
        pipe.set(_k(name, "changed"), now)
        self._call("storing memory entries", pipe.execute)
        return counts

    def update(self, name: str, entry_id: int, target: str, author: str) -> MemoryEntry:
        old = self._get(name, str(entry_id))
        if old is None:
            raise MemoryNotFound(name, entry_id)
        key = normalised(old.source)
        now = time.time()
        record = {**old.to_json(), "target": target, "author": author, "origin": "correction", "changed": now,
                  "key": key, "length": len(key)}
        pipe = self._client.pipeline(transaction=True)
        pipe.hset(_k(name, "entries"), str(entry_id), json.dumps(record, ensure_ascii=False))
        pipe.set(_k(name, "changed"), now)
        self._call("correcting a memory entry", pipe.execute)
        return _entry(json.dumps(record))[0]

    def delete(self, name: str, entry_ids: Sequence[int] | None = None) -> int:
        if entry_ids is None:
            ids = [int(i) for i in self._call("reading a memory", self._client.hkeys, _k(name, "entries"))]
        else:
            ids = list(entry_ids)
        olds = [(i, self._get(name, str(i))) for i in ids]
        olds = [(i, e) for i, e in olds if e is not None]
        if not olds:
            raise MemoryNotFound(name, entry_ids[0] if entry_ids else None)
        shapes = [e.target_lang + SEP + skeleton(e.source)[0] for _, e in olds]
        holders = self._call("reading a memory", self._client.hmget, _k(name, "shapes"), shapes)
        pipe = self._client.pipeline(transaction=True)
        for (entry_id, entry), shape, holder in zip(olds, shapes, holders, strict=True):
            key = normalised(entry.source)
            pipe.hdel(_k(name, "entries"), str(entry_id))
            pipe.hdel(_k(name, "keys"), entry.target_lang + SEP + key)
            if holder == str(entry_id):  # another entry of the same shape keeps the shape's place
                pipe.hdel(_k(name, "shapes"), shape)
            for word in _words(key):
                pipe.srem(_k(name, f"w:{word}"), entry_id)
        pipe.set(_k(name, "changed"), time.time())
        self._call("deleting memory entries", pipe.execute)
        return len(olds)
