"""Backpressure at the HTTP edge: a bound on requests waiting for or doing model work, and
cancellation of a request's work when its client goes away or its time runs out.

When the bound is reached a request is refused at once (503 with Retry-After) instead of
queueing without limit. The bound is per process (per replica): it protects that process's
memory.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from ..domain.cancel import cancellable
from ..domain.errors import Cancelled, Overloaded, OversettError, RequestTimeout

T = TypeVar("T")
log = logging.getLogger(__name__)


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


async def run_model_work(
    request: Request, admission: Admission, timeout: float, work: Callable[..., T], *args: Any
) -> T:
    """Run pipeline work in a thread, within the pending-work bound; cancel it when the client
    goes away or ``timeout`` seconds pass."""
    with admission.slot():
        cancel = threading.Event()

        def cancellable_work() -> T:
            with cancellable(cancel):
                return work(*args)

        task = asyncio.ensure_future(run_in_threadpool(cancellable_work))
        # The client going away is heard as it happens (ASGI's http.disconnect), not polled for:
        # a request waiting for the model costs the event loop nothing.
        gone = asyncio.ensure_future(_disconnect(request))
        try:
            done, _ = await asyncio.wait({task, gone}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                return task.result()
            if gone in done:
                raise Cancelled()
            raise RequestTimeout(timeout)
        except BaseException:
            cancel.set()
            task.add_done_callback(_settle_abandoned)
            raise
        finally:
            gone.cancel()


async def _disconnect(request: Request) -> None:
    """Returns when the client has gone away. Called once the request's body has been read, so
    the next ASGI message is the disconnect."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def step_before(deadline: float, cancel: threading.Event, timeout: float, step: Callable[[], T]) -> T:
    """One step of a streamed request's work, in a thread, if it ends before ``deadline`` (the
    event loop's clock); RequestTimeout otherwise, with the work told to stop (``cancel``)."""
    task = asyncio.ensure_future(run_in_threadpool(step))
    remaining = deadline - asyncio.get_running_loop().time()
    done, _ = await asyncio.wait({task}, timeout=max(0.0, remaining))
    if not done:
        cancel.set()
        task.add_done_callback(_settle_abandoned)
        raise RequestTimeout(timeout)
    return task.result()


def _settle_abandoned(task: asyncio.Future[Any]) -> None:
    """The outcome of work whose request is gone (the client hung up, or its time ran out): it
    stops at its next check with ``Cancelled``, which the request's own 499 or 504 has already
    told, so it is read here and dropped (asyncio would log it as an error with a traceback).
    Anything else is a real failure and keeps its traceback."""
    if task.cancelled():
        return
    failure = task.exception()
    if failure is not None and not isinstance(failure, OversettError):
        log.error("the work of a request that had ended failed", exc_info=failure)
