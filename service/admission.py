"""Backpressure: a bound on requests waiting for or doing model work, and cancellation.

When the bound is reached a request is refused at once (503 with Retry-After) instead of
queueing without limit. A request whose client went away, or that ran out of time, sets its
cancellation event; work that has not reached the model yet is then dropped.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import OversettError

CURRENT_CANCEL: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar(
    "oversett_cancel", default=None
)


class Overloaded(OversettError):
    """Too much pending work: try again shortly (503)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"The service is busy (its queue of pending work is full); retry in {retry_after} s."
        )
        self.headers = {"Retry-After": str(retry_after)}


class RequestTimeout(OversettError):
    """The work took longer than the request timeout (504)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The request took longer than {seconds:g} s and was stopped; send less text per request "
            "or use /v1/jobs for large batches."
        )
        self.headers = {"Retry-After": "5"}


class Cancelled(OversettError):
    """The client went away or the request timed out; its pending work was dropped."""

    def __init__(self) -> None:
        super().__init__("The request was cancelled.")


def raise_if_cancelled() -> None:
    event = CURRENT_CANCEL.get()
    if event is not None and event.is_set():
        raise Cancelled()


@contextmanager
def cancellable(event: threading.Event) -> Iterator[None]:
    token = CURRENT_CANCEL.set(event)
    try:
        yield
    finally:
        CURRENT_CANCEL.reset(token)


class Admission:
    """Counts requests in flight; refuses beyond ``limit``."""

    def __init__(self, limit: int, retry_after: int = 2) -> None:
        self.limit = limit
        self.retry_after = retry_after
        self._pending = 0
        self._lock = threading.Lock()

    @property
    def pending(self) -> int:
        return self._pending

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._lock:
            if self._pending >= self.limit:
                raise Overloaded(self.retry_after)
            self._pending += 1
        try:
            yield
        finally:
            with self._lock:
                self._pending -= 1
