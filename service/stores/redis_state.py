"""State kept in Redis for every replica (jobs, glossaries): one client per store, and every
call that cannot reach Redis becomes StoreUnavailable (503 with Retry-After), never a crash."""

from __future__ import annotations

from typing import Any

from ..domain.errors import StoreUnavailable


class RedisState:
    """The base of a store in Redis: ``_call`` runs one Redis operation, saying what it was for
    when Redis cannot be reached."""

    def __init__(self, url: str, *, timeout: float = 2.0, decode: bool = True) -> None:
        import redis

        self.url = url
        self._client = redis.Redis.from_url(  # decode=False: values are bytes (held files)
            url, socket_timeout=timeout, socket_connect_timeout=timeout, decode_responses=decode
        )
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)

    def _call(self, what: str, operation: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return operation(*args, **kwargs)
        except self._errors as exc:
            raise StoreUnavailable(f"Redis at {self.url}: {what} failed: {exc}") from exc

    def close(self) -> None:
        try:
            self._client.close()
        except self._errors:
            pass
