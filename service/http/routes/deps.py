"""Shared resources of the routes, as ``Annotated`` dependency aliases: the app's services,
pipelines and job runner come in through these, never through module globals."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from ...compose.services import Services
from ...domain.glossary import Glossary
from ...usecases.jobs import JobRunner
from ...usecases.pipeline import TranslationPipeline
from ...usecases.summaries import SummaryPipeline
from ..admission import Admission, run_model_work
from ..middleware import presented_key
from ..schemas import ErrorResponse
from ..security import hash_key

T = TypeVar("T")

ERROR = {"model": ErrorResponse}
# What every data route may answer besides success (documented so clients and fuzzers know).
DATA_ERRORS: dict[int | str, dict[str, Any]] = {code: ERROR for code in (400, 401, 404, 413, 422, 429, 503, 504)}


def key_memory(request: Request, key: str | None = None) -> str | None:
    """The default translation memory of the key a request shows (``key``, else its headers'), from
    OVERSETT_KEY_MEMORIES; None when it has none."""
    memories: dict[str, str] = getattr(request.app.state, "key_memories", {})
    shown = key or presented_key(request.headers)
    return memories.get(hash_key(shown)) if memories and shown else None


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def get_jobs(request: Request) -> JobRunner:
    return request.app.state.jobs  # type: ignore[no-any-return]


def get_admission(request: Request) -> Admission:
    return request.app.state.admission  # type: ignore[no-any-return]


def get_pipeline(services: Annotated[Services, Depends(get_services)]) -> TranslationPipeline:
    return services.require_pipeline()


def get_summaries(services: Annotated[Services, Depends(get_services)]) -> SummaryPipeline:
    return services.require_summaries()


ServicesDep = Annotated[Services, Depends(get_services)]
PipelineDep = Annotated[TranslationPipeline, Depends(get_pipeline)]
SummariesDep = Annotated[SummaryPipeline, Depends(get_summaries)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]
AdmissionDep = Annotated[Admission, Depends(get_admission)]


@asynccontextmanager
async def chosen_translator(
    services: Services, model: str | None, target: str = "en"
) -> AsyncIterator[tuple[str, TranslationPipeline]]:
    """The translator into ``target`` a request names (or the pair's default), held while the
    request uses it, so the pool does not unload it meanwhile: (its name, its pipeline)."""
    pool = services.pool(target)
    name, pipeline = await run_in_threadpool(pool.acquire, model)
    try:
        yield name, pipeline
    finally:
        pool.release(name)


async def model_work(
    request: Request, admission: Admission, services: Services, work: Callable[..., T], *args: Any
) -> T:
    """Run pipeline work within the pending-work bound and the request timeout."""
    return await run_model_work(request, admission, services.settings.request_timeout, work, *args)


async def glossary_of(services: Services, name: str | None, terms: Any = None, keep: Any = None) -> Glossary | None:
    """The request's glossary: read from its store in a worker thread only when one is named or
    given (a request without one makes no thread hop for it)."""
    if name is None and terms is None and keep is None:
        return None
    return await run_in_threadpool(services.glossary_for, name, terms, keep)


async def memory_of(services: Services, name: str | None, request: Request) -> str | None:
    """The request's memory (see ``Services.memory_for``): the store is asked, in a worker thread,
    only when a memory is named."""
    if not name or name.lower() == "none":
        return services.memory_for(name, key_memory(request))
    return await run_in_threadpool(services.memory_for, name, key_memory(request))
