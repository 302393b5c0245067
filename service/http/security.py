"""API keys and per-client rate limits.

Keys come from ``OVERSETT_API_KEYS`` (comma-separated) and/or ``OVERSETT_API_KEYS_FILE`` (one
SHA-256 hex digest of a key per line, ``#`` comments), so a key file never holds a key
itself. Clients send ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``. Rate limits are a
token bucket per key, or per client address when no keys are configured. The buckets held are
bounded: a bucket that has refilled is the same as no bucket and is dropped, and past
``max_clients`` the least recently seen client's bucket is dropped, so a client that varies its
key or address cannot grow the process's memory.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import ConfigurationError

log = logging.getLogger(__name__)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiKeys:
    """The accepted keys, held as digests; ``identify`` names the client of a key."""

    def __init__(self, digests: set[str]) -> None:
        self._digests = digests

    @classmethod
    def load(cls, plain: str | None, file: Path | None) -> ApiKeys:
        digests = {hash_key(k.strip()) for k in (plain or "").split(",") if k.strip()}
        if file is not None:
            try:
                lines = file.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise ConfigurationError(f"OVERSETT_API_KEYS_FILE {file} cannot be read: {exc.strerror}") from exc
            for number, line in enumerate(lines, 1):
                entry = line.split("#", 1)[0].strip().lower()
                if not entry:
                    continue
                if len(entry) != 64 or any(c not in "0123456789abcdef" for c in entry):
                    raise ConfigurationError(
                        f"{file} line {number} is not a SHA-256 hex digest; write "
                        "`printf %s KEY | sha256sum` output, one per line"
                    )
                digests.add(entry)
        return cls(digests)

    @property
    def enabled(self) -> bool:
        return bool(self._digests)

    def identify(self, presented: str | None) -> str | None:
        """A short id of the key when it is valid, else None."""
        if not presented:
            return None
        digest = hash_key(presented)
        for known in self._digests:
            if hmac.compare_digest(known, digest):
                return "key:" + known[:12]
        return None


def _digest(item: str) -> str:
    """A key as its SHA-256 hex digest (a digest is taken as it is)."""
    is_digest = len(item) == 64 and all(c in "0123456789abcdef" for c in item.lower())
    return item.lower() if is_digest else hash_key(item)


def key_memories(setting: str | None) -> dict[str, str]:
    """Each key's default translation memory (OVERSETT_KEY_MEMORIES: ``KEY=memory`` pairs, a key or
    its SHA-256 hex digest, comma-separated), by the key's digest; ConfigurationError for a pair
    that is not one."""
    found: dict[str, str] = {}
    for item in (setting or "").split(","):
        if not item.strip():
            continue
        key, _, memory = item.strip().rpartition("=")
        if not key or not memory or not all(c.isalnum() or c in "_.-" for c in memory):
            raise ConfigurationError(
                f"OVERSETT_KEY_MEMORIES: '{item.strip()}' is not KEY=memory (a memory's name: letters, digits, '_', '.' or '-')"
            )
        found[_digest(key)] = memory
    return found


def memory_writers(setting: str | None) -> frozenset[str]:
    """The digests of the keys that may change translation memories (OVERSETT_MEMORY_WRITE_KEYS:
    keys, or their SHA-256 hex digests, comma-separated)."""
    found = set()
    for item in (setting or "").split(","):
        item = item.strip()
        if item:
            is_digest = len(item) == 64 and all(c in "0123456789abcdef" for c in item.lower())
            found.add(item.lower() if is_digest else hash_key(item))
    return frozenset(found)


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """A token bucket per client: ``per_minute`` requests a minute, bursts up to ``burst``.

    At most ``max_clients`` buckets are held (least recently seen dropped first); buckets that
    have refilled completely are dropped as soon as they are the oldest, which changes nothing
    for their client (a new bucket starts full).
    """

    def __init__(self, per_minute: int, burst: int | None = None, *, max_clients: int = 10_000) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(burst or per_minute)
        self.max_clients = max(1, max_clients)
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def __len__(self) -> int:
        """How many clients' buckets are held now."""
        return len(self._buckets)

    def retry_after(self, client: str) -> int | None:
        """None when the request may go ahead (a token is taken), else seconds to wait."""
        if not self.enabled:
            return None
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                bucket = self._buckets[client] = _Bucket(self.capacity, now)
            else:
                self._buckets.move_to_end(client)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            self._forget_idle(now)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return None
            return max(1, math.ceil((1 - bucket.tokens) / self.rate))

    def _forget_idle(self, now: float) -> None:
        """Drop refilled buckets from the old end, then the least recently seen past the bound."""
        refill_seconds = self.capacity / self.rate
        while self._buckets:
            oldest = next(iter(self._buckets.values()))
            if now - oldest.updated < refill_seconds:
                break
            self._buckets.popitem(last=False)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)


# An atomic token bucket in Redis: every replica takes tokens from the same bucket. Redis's own
# clock (TIME) is the one clock, and an idle bucket expires once it would be full again.
TOKEN_BUCKET = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(bucket[1]) or capacity
local updated = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - updated) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
return tostring(wait)
"""


class RedisRateLimiter(RateLimiter):
    """The same token bucket per client, kept in Redis so a client's limit holds across all
    replicas. When Redis cannot be reached, each replica limits on its own (logged at most once
    a minute) rather than refusing or waving everyone through."""

    PREFIX = "oversett:rate:"

    def __init__(self, url: str, per_minute: int, burst: int | None = None, *, max_clients: int = 10_000) -> None:
        import redis

        super().__init__(per_minute, burst, max_clients=max_clients)
        self._client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._script = self._client.register_script(TOKEN_BUCKET)
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._last_error_log = 0.0

    def retry_after(self, client: str) -> int | None:
        if not self.enabled:
            return None
        try:
            wait = float(self._script(keys=[self.PREFIX + client], args=[self.rate, self.capacity]))
        except self._errors as exc:
            now = time.monotonic()
            if now - self._last_error_log > 60:
                self._last_error_log = now
                log.error("Redis rate limits unavailable (%s); limiting per replica meanwhile", exc)
            return super().retry_after(client)
        return None if wait <= 0 else max(1, math.ceil(wait))
