"""Characters translated per API and key (its digest): a SQLite table for one process, a Redis
counter shared by replicas, so DeepL's /v2/usage counts a key's use on every replica."""

from __future__ import annotations

import threading
from pathlib import Path

from .job_store import open_database
from .redis_state import RedisState


class SQLiteUsageCounts:
    def __init__(self, path: str | Path) -> None:
        self._lock = threading.Lock()
        self._db = open_database(
            Path(path).expanduser(),
            "CREATE TABLE IF NOT EXISTS usage_counts (api TEXT NOT NULL, key_digest TEXT NOT NULL, "
            "characters INTEGER NOT NULL, PRIMARY KEY (api, key_digest));",
        )

    def add(self, api: str, key_digest: str, characters: int) -> None:
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO usage_counts VALUES (?, ?, ?) ON CONFLICT (api, key_digest) "
                "DO UPDATE SET characters = characters + excluded.characters", (api, key_digest, characters),
            )

    def total(self, api: str, key_digest: str) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT characters FROM usage_counts WHERE api = ? AND key_digest = ?", (api, key_digest)
            ).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        with self._lock:
            self._db.close()


class RedisUsageCounts(RedisState):
    """One counter a key: ``oversett:usage:{api}:{digest}`` (INCRBY: no lost update between replicas)."""

    def add(self, api: str, key_digest: str, characters: int) -> None:
        self._call("counting usage", self._client.incrby, f"oversett:usage:{api}:{key_digest}", characters)

    def total(self, api: str, key_digest: str) -> int:
        return int(self._call("reading usage", self._client.get, f"oversett:usage:{api}:{key_digest}") or 0)
