"""Rate-limit buckets: limits hold for active clients while the state held stays bounded."""

from __future__ import annotations

import pytest

from service.http import security
from service.http.security import RateLimiter


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(security.time, "monotonic", fake)
    return fake


def test_buckets_stay_bounded_under_100000_keys_and_active_clients_stay_limited(clock: Clock) -> None:
    limiter = RateLimiter(per_minute=5, max_clients=1_000)
    active_allowed = 0
    largest = 0
    for i in range(100_000):
        clock.now += 0.001  # 100,000 requests in 100 s, each from a new key
        assert limiter.retry_after(f"key-{i}") is None  # a new client gets its burst
        if i % 100 == 0:  # the active client asks 1,000 times in those 100 s
            active_allowed += limiter.retry_after("active") is None
        largest = max(largest, len(limiter))
    assert largest <= 1_001
    # 5 a minute over 100 s: the burst of 5 plus what refilled (about 8) — never 1,000.
    assert 5 <= active_allowed <= 5 + 9


def test_refilled_buckets_are_dropped_and_nothing_changes_for_their_client(clock: Clock) -> None:
    limiter = RateLimiter(per_minute=60, burst=3)
    for i in range(50):
        limiter.retry_after(f"once-{i}")
    assert len(limiter) == 50
    clock.now += 3.0  # 3 tokens at 1 a second: every bucket is full again
    assert limiter.retry_after("someone") is None
    assert len(limiter) == 1  # only the new client's bucket is left
    assert [limiter.retry_after("once-0") is None for _ in range(4)] == [True, True, True, False]


def test_a_limited_client_keeps_its_debt_while_it_stays_active(clock: Clock) -> None:
    limiter = RateLimiter(per_minute=60, burst=2, max_clients=10)
    assert limiter.retry_after("a") is None and limiter.retry_after("a") is None
    wait = limiter.retry_after("a")
    assert wait == 1
    for i in range(9):  # nine other clients fit beside it: "a" is not dropped
        limiter.retry_after(f"other-{i}")
    assert limiter.retry_after("a") is not None
