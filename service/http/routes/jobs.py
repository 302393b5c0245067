"""``/v1/jobs``: batches of documents translated in the background, results kept."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ...domain.protocols import JobDocument
from ..schemas import JobCreated, JobOut, JobRequest
from .deps import DATA_ERRORS, ERROR, JobsDep, ServicesDep, key_memory

router = APIRouter(tags=["jobs"])


@router.post("/v1/jobs", response_model=JobCreated, status_code=202, responses=DATA_ERRORS)
def create_job(request: Request, body: JobRequest, jobs: JobsDep, services: ServicesDep) -> JobCreated:
    memory = services.memory_for(body.memory, key_memory(request))
    job_id = jobs.submit(
        [JobDocument(d.name, d.text) for d in body.documents], body.summary, body.source_lang, body.target_lang,
        "none" if memory == "" else memory,  # stored as the request said it: 'none' is no memory
        body.nynorsk_route,
    )
    return JobCreated(job_id=job_id, status="queued")


@router.get("/v1/jobs/{job_id}", response_model=JobOut, responses={401: ERROR, 404: ERROR, 429: ERROR})
def get_job(job_id: str, jobs: JobsDep) -> JobOut:
    return JobOut(**jobs.store.job(job_id))
