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
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigurationError


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
