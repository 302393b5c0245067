"""Translated files waiting for their one download (DeepL's documents, LibreTranslate's files):
a SQLite table beside the jobs for one process, or Redis when replicas share one, so a file made
on one replica is asked after and downloaded on another. Only a key's digest is stored; a file
is taken once, in one step, and is removed when its time is up."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from pathlib import Path

from ..domain.protocols import HeldFile
from .job_store import open_database
from .redis_state import RedisState

SCHEMA = """
CREATE TABLE IF NOT EXISTS held_files (
    kind TEXT NOT NULL,            -- deepl / libretranslate
    id TEXT NOT NULL,
    key_digest TEXT NOT NULL,      -- sha256 of the key the download must show ('' for none)
    data BLOB NOT NULL,
    media_type TEXT NOT NULL,
    filename TEXT NOT NULL,
    characters INTEGER NOT NULL,
    expires REAL NOT NULL,         -- time.time()
    PRIMARY KEY (kind, id)
);
"""


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class SQLiteHeldFiles:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._lock = threading.Lock()
        self._db = open_database(self.path, SCHEMA)

    def put(self, kind: str, file_id: str, key: str, held: HeldFile, ttl: float) -> None:
        now = time.time()
        with self._lock, self._db:
            self._db.execute("DELETE FROM held_files WHERE expires <= ?", (now,))  # expired files are removed
            self._db.execute(
                "INSERT OR REPLACE INTO held_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, file_id, digest(key), held.data, held.media_type, held.filename, held.characters, now + ttl),
            )

    def peek(self, kind: str, file_id: str, key: str) -> HeldFile | None:
        with self._lock:
            return self._find(kind, file_id, key)

    def take(self, kind: str, file_id: str, key: str) -> HeldFile | None:
        # One statement finds and removes it: of two connections asking at once, one gets the row.
        # (The key is compared as its digest, so a timing difference tells nothing of the key.)
        with self._lock, self._db:
            row = self._db.execute(
                "DELETE FROM held_files WHERE kind = ? AND id = ? AND key_digest = ? AND expires > ? "
                "RETURNING data, media_type, filename, characters, expires",
                (kind, file_id, digest(key), time.time()),
            ).fetchall()  # (stepped to the end before the commit)
        return HeldFile(bytes(row[0][0]), *row[0][1:]) if row else None

    def _find(self, kind: str, file_id: str, key: str) -> HeldFile | None:
        row = self._db.execute(
            "SELECT key_digest, data, media_type, filename, characters, expires FROM held_files "
            "WHERE kind = ? AND id = ? AND expires > ?", (kind, file_id, time.time()),
        ).fetchone()
        if row is None or not secrets.compare_digest(row[0], digest(key)):
            return None
        return HeldFile(bytes(row[1]), row[2], row[3], row[4], row[5])

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM held_files").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


# Checks the key's digest and removes the file in one step: of two replicas asking at once, one gets it.
_TAKE = """
if redis.call('HGET', KEYS[1], 'key') ~= ARGV[1] then return nil end
local found = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
return found
"""


class RedisHeldFiles(RedisState):
    """Each file one hash ``oversett:held:{kind}:{id}`` (data, media type, name, characters, the
    key's digest) that Redis expires by itself."""

    def __init__(self, url: str) -> None:
        super().__init__(url, decode=False)
        self._take = self._client.register_script(_TAKE)

    def put(self, kind: str, file_id: str, key: str, held: HeldFile, ttl: float) -> None:
        name = _name(kind, file_id)
        fields = {"key": digest(key), "data": held.data, "media_type": held.media_type, "filename": held.filename,
                  "characters": held.characters, "expires": time.time() + ttl}
        pipe = self._client.pipeline(transaction=True)
        pipe.hset(name, mapping=fields)
        pipe.pexpire(name, int(ttl * 1000))
        self._call("keeping a translated file", pipe.execute)

    def peek(self, kind: str, file_id: str, key: str) -> HeldFile | None:
        found = self._call("finding a translated file", self._client.hgetall, _name(kind, file_id))
        if not found or not secrets.compare_digest(found[b"key"].decode(), digest(key)):
            return None
        return _held(found)

    def take(self, kind: str, file_id: str, key: str) -> HeldFile | None:
        found = self._call("taking a translated file", self._take, keys=[_name(kind, file_id)], args=[digest(key)])
        if not found:
            return None
        return _held(dict(zip(found[::2], found[1::2], strict=True)))


def _name(kind: str, file_id: str) -> str:
    return f"oversett:held:{kind}:{file_id}"


def _held(fields: dict[bytes, bytes]) -> HeldFile:
    return HeldFile(fields[b"data"], fields[b"media_type"].decode(), fields[b"filename"].decode(),
                    int(fields[b"characters"]), float(fields[b"expires"]))
