from __future__ import annotations

from pathlib import Path

from service.domain.protocols import cache_key
from service.stores.cache import NullCache, SQLiteCache, open_cache


def test_sqlite_round_trip_and_persistence(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "cache.sqlite3"
    cache = SQLiteCache(path)
    cache.set_many({"a": "one", "b": "two"})
    assert cache.get_many(["a", "b", "c"]) == {"a": "one", "b": "two"}
    cache.close()
    reopened = SQLiteCache(path)
    assert reopened.get_many(["b"]) == {"b": "two"}
    assert reopened._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    reopened.close()


def test_many_keys_at_once(tmp_path: Path) -> None:
    cache = SQLiteCache(tmp_path / "c.sqlite3")
    items = {f"k{i}": f"v{i}" for i in range(2000)}
    cache.set_many(items)
    assert cache.get_many(items) == items
    cache.close()


def test_key_depends_on_model_parameters_and_normalised_text() -> None:
    base = {"model": "m", "revision": "r1", "num_beams": 4}
    key = cache_key(base, "Hei  på\tdeg ")
    assert key == cache_key(base, "Hei på deg")
    assert key == cache_key(dict(reversed(base.items())), "Hei på deg")
    assert key != cache_key({**base, "revision": "r2"}, "Hei på deg")
    assert key != cache_key({**base, "num_beams": 1}, "Hei på deg")
    assert key != cache_key({**base, "backend": "ctranslate2"}, "Hei på deg")
    assert key != cache_key(base, "Hei på deg!")
    # NFC: a decomposed "å" is the same sentence
    assert cache_key(base, "på") == cache_key(base, "pa\u030a")


def test_none_disables(tmp_path: Path) -> None:
    cache = open_cache("none")
    assert isinstance(cache, NullCache)
    cache.set_many({"a": "b"})
    assert cache.get_many(["a"]) == {}
    assert isinstance(open_cache(str(tmp_path / "x.db")), SQLiteCache)
