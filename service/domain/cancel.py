"""Cancellation of pending work: the edge sets an event when a client goes away or runs out
of time, and work that has not reached the model yet checks it and stops (``Cancelled``).

The event travels in a context variable, so the pipeline and the batcher need no parameter
for it and know nothing of HTTP.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import Cancelled

CURRENT_CANCEL: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar(
    "oversett_cancel", default=None
)


def raise_if_cancelled() -> None:
    event = CURRENT_CANCEL.get()
    if event is not None and event.is_set():
        raise Cancelled()


@contextmanager
def cancellable(event: threading.Event) -> Iterator[None]:
    """Work inside this block is cancelled when ``event`` is set."""
    token = CURRENT_CANCEL.set(event)
    try:
        yield
    finally:
        CURRENT_CANCEL.reset(token)
