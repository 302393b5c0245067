"""Result cache: translations keyed by model, parameters and normalised source text.

SQLite (WAL mode) by default; ``none`` disables caching. Keys are hashes, so the store never
holds the parameters themselves and any backend with get/set of strings can serve.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..domain.protocols import Cache

log = logging.getLogger(__name__)


class NullCache:
    """Caching switched off: nothing is found, nothing is kept."""

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        return {}

    def set_many(self, items: Mapping[str, str]) -> None:
        return None

    def close(self) -> None:
        return None


class SQLiteCache:
    """A key-value table in one SQLite file, shared safely by the service's threads.

    A file that turns out not to be a database (or to be damaged) is moved aside to
    ``NAME.corrupt-TIME`` with a warning and a fresh cache is created: a cache is worth less
    than the requests it serves. Should the fresh one fail too, caching stops for this process
    (logged) and requests go on uncached.
    """

    _BATCH = 500  # SQLite's default limit on host parameters is 999

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            self._db = self._recover(exc)

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
                "created REAL NOT NULL)"
            )
            db.execute("SELECT count(*) FROM entries WHERE key = ''").fetchone()
            db.commit()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _recover(self, error: sqlite3.DatabaseError) -> sqlite3.Connection | None:
        """Move the damaged file aside and start a fresh one (called with the lock held or
        before the cache is shared)."""
        if self._db is not None:
            self._db.close()
            self._db = None
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        log.warning("cache %s is damaged (%s); moved aside to %s, starting a new one", self.path, error, aside)
        for suffix in ("", "-wal", "-shm"):
            damaged = Path(f"{self.path}{suffix}")
            if damaged.exists():
                damaged.replace(Path(f"{aside}{suffix}"))
        try:
            return self._open()
        except sqlite3.DatabaseError as exc:
            log.error("cache %s cannot be recreated (%s); caching is off for this process", self.path, exc)
            return None

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        with self._lock:
            if self._db is None:
                return found
            try:
                for start in range(0, len(wanted), self._BATCH):
                    chunk = wanted[start : start + self._BATCH]
                    marks = ",".join("?" * len(chunk))
                    rows = self._db.execute(
                        f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk
                    ).fetchall()
                    found.update(rows)
            except sqlite3.OperationalError as exc:  # locked, disk I/O: skip the cache this time
                log.warning("cache read failed (%s); going on uncached", exc)
                return {}
            except sqlite3.DatabaseError as exc:
                self._db = self._recover(exc)
                return {}
        return found

    def set_many(self, items: Mapping[str, str]) -> None:
        now = time.time()
        with self._lock:
            if self._db is None:
                return
            try:
                with self._db:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO entries (key, value, created) VALUES (?, ?, ?)",
                        [(k, v, now) for k, v in items.items()],
                    )
            except sqlite3.OperationalError as exc:
                log.warning("cache write failed (%s); going on uncached", exc)
            except sqlite3.DatabaseError as exc:
                self._db = self._recover(exc)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


class RedisCache:
    """A cache in Redis, shared by several replicas. When Redis is unreachable requests go on
    uncached, and the failure is logged at most once per ``report_every`` seconds."""

    PREFIX = "oversett:"

    def __init__(self, url: str, *, ttl_seconds: int | None = 30 * 24 * 3600, report_every: float = 60.0) -> None:
        import redis

        self.url = url
        self.ttl = ttl_seconds
        self.report_every = report_every
        self.errors = 0
        self._last_report = float("-inf")
        self._client = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, decode_responses=True
        )
        self._error_types: tuple[type[BaseException], ...] = (redis.RedisError, OSError)

    def _failed(self, exc: BaseException) -> None:
        self.errors += 1
        now = time.monotonic()
        if now - self._last_report >= self.report_every:
            self._last_report = now
            log.error(
                "Redis cache %s unavailable (%s); requests go on uncached (%d failures so far)",
                self.url, exc, self.errors,
            )

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        try:
            values = self._client.mget([self.PREFIX + k for k in wanted])
        except self._error_types as exc:
            self._failed(exc)
            return {}
        return {k: v for k, v in zip(wanted, values, strict=True) if v is not None}

    def set_many(self, items: Mapping[str, str]) -> None:
        if not items:
            return
        try:
            pipe = self._client.pipeline(transaction=False)
            for key, value in items.items():
                pipe.set(self.PREFIX + key, value, ex=self.ttl)
            pipe.execute()
        except self._error_types as exc:
            self._failed(exc)

    def close(self) -> None:
        try:
            self._client.close()
        except self._error_types:
            pass


def open_cache(location: str) -> Cache:
    """``none`` (or empty) → NullCache; ``redis://…`` → RedisCache; else a SQLite file path."""
    if location.strip().lower() in {"", "none", "off", "false", "0"}:
        return NullCache()
    if location.startswith(("redis://", "rediss://", "unix://")):
        return RedisCache(location)
    return SQLiteCache(location)
