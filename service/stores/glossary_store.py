"""Glossaries in the service's database: a SQLite table beside the jobs, or Redis when replicas
share one (``OVERSETT_REDIS_URL``). Each glossary is one row / one hash field of JSON, so it is
written whole or not at all."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from ..domain.errors import GlossaryExists, GlossaryNotFound
from ..domain.glossary import Glossary
from .job_store import open_database
from .redis_state import RedisState


class SQLiteGlossaryStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._lock = threading.Lock()
        self._db = open_database(
            self.path, "CREATE TABLE IF NOT EXISTS glossaries (name TEXT PRIMARY KEY, body TEXT NOT NULL, updated REAL NOT NULL);"
        )

    def get(self, name: str) -> Glossary:
        with self._lock:
            row = self._db.execute("SELECT body, updated FROM glossaries WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise GlossaryNotFound(name)
        return Glossary.from_json({**json.loads(row[0]), "updated": row[1]})

    def put(self, glossary: Glossary, *, create: bool = False) -> bool:
        body = json.dumps(glossary.to_json(), ensure_ascii=False)
        with self._lock, self._db:
            exists = self._db.execute("SELECT 1 FROM glossaries WHERE name = ?", (glossary.name,)).fetchone() is not None
            if exists and create:
                raise GlossaryExists(glossary.name)
            self._db.execute(
                "INSERT OR REPLACE INTO glossaries (name, body, updated) VALUES (?, ?, ?)", (glossary.name, body, time.time())
            )
        return not exists

    def names(self) -> list[Glossary]:
        with self._lock:
            rows = self._db.execute("SELECT body, updated FROM glossaries ORDER BY name").fetchall()
        return [Glossary.from_json({**json.loads(body), "updated": updated}) for body, updated in rows]

    def delete(self, name: str) -> None:
        with self._lock, self._db:
            if self._db.execute("DELETE FROM glossaries WHERE name = ?", (name,)).rowcount == 0:
                raise GlossaryNotFound(name)

    def close(self) -> None:
        with self._lock:
            self._db.close()


class RedisGlossaryStore(RedisState):
    """Every glossary as one field of one hash: shared by all replicas."""

    KEY = "oversett:glossaries"

    def get(self, name: str) -> Glossary:
        body = self._call("reading a glossary", self._client.hget, self.KEY, name)
        if body is None:
            raise GlossaryNotFound(name)
        return Glossary.from_json(json.loads(body))

    def put(self, glossary: Glossary, *, create: bool = False) -> bool:
        body = json.dumps({**glossary.to_json(), "updated": time.time()}, ensure_ascii=False)
        if create:
            if not self._call("storing a glossary", self._client.hsetnx, self.KEY, glossary.name, body):
                raise GlossaryExists(glossary.name)
            return True
        return bool(self._call("storing a glossary", self._client.hset, self.KEY, glossary.name, body))

    def names(self) -> list[Glossary]:
        stored = self._call("listing glossaries", self._client.hgetall, self.KEY)
        return [Glossary.from_json(json.loads(stored[name])) for name in sorted(stored)]

    def delete(self, name: str) -> None:
        if not self._call("deleting a glossary", self._client.hdel, self.KEY, name):
            raise GlossaryNotFound(name)
