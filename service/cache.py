"""Result cache: translations keyed by model, parameters and normalised source text.

SQLite (WAL mode) by default; ``none`` disables caching. Keys are hashes, so the store never
holds the parameters themselves and any backend with get/set of strings can serve.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)


def normalise_source(text: str) -> str:
    """The form of a sentence that is translated and cached: NFC, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def cache_key(namespace: Mapping[str, Any], text: str) -> str:
    """Hash of (model id and revision, generation parameters, ...) and the normalised text."""
    payload = json.dumps([dict(sorted(namespace.items())), normalise_source(text)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Cache(Protocol):
    def get_many(self, keys: Iterable[str]) -> dict[str, str]: ...

    def set_many(self, items: Mapping[str, str]) -> None: ...

    def close(self) -> None: ...


class NullCache:
    """Caching switched off: nothing is found, nothing is kept."""

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        return {}

    def set_many(self, items: Mapping[str, str]) -> None:
        return None

    def close(self) -> None:
        return None


class SQLiteCache:
    """A key-value table in one SQLite file, shared safely by the service's threads."""

    _BATCH = 500  # SQLite's default limit on host parameters is 999

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
            "created REAL NOT NULL)"
        )
        self._db.commit()

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        with self._lock:
            for start in range(0, len(wanted), self._BATCH):
                chunk = wanted[start : start + self._BATCH]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk
                ).fetchall()
                found.update(rows)
        return found

    def set_many(self, items: Mapping[str, str]) -> None:
        now = time.time()
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO entries (key, value, created) VALUES (?, ?, ?)",
                [(k, v, now) for k, v in items.items()],
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_cache(location: str) -> Cache:
    """``none`` (or empty) → NullCache; anything else is a SQLite file path."""
    if location.strip().lower() in {"", "none", "off", "false", "0"}:
        return NullCache()
    return SQLiteCache(location)
