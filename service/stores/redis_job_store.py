"""Job records in Redis, shared by every replica: any replica answers for any job, any replica's
worker takes queued jobs, and a job whose worker died is taken over once its lease runs out.

Keys (prefix ``oversett:``):

    job:{id}            hash: status, summary, source_lang, target_lang, memory, route, created, updated, error, owner
    job:{id}:names      list: the documents' names      job:{id}:texts   list: their texts
    job:{id}:results    hash: position → JSON {status, result, error}, written as each is done
    jobs:queue          list of queued job ids (oldest at the right)
    jobs:leases         sorted set: running job id → lease expiry (Redis's clock, ms)

Claiming, renewing and every write a worker makes are Lua scripts that check, in one step, that
the worker still holds the job: a worker that lost its job (its lease ran out and another replica
took over) can no longer write, so no document is stored twice. Leases use Redis's own clock, so
replicas' clocks need not agree. Finished jobs expire after ``retention`` seconds. Run this Redis
with persistence (``--appendonly yes``) and without eviction: jobs are state, not cache.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from ..domain.errors import JobNotFound
from ..domain.protocols import ClaimedJob, JobDocument
from .job_store import job_view
from .redis_state import RedisState

log = logging.getLogger(__name__)

PREFIX = "oversett:"
QUEUE = PREFIX + "jobs:queue"
LEASES = PREFIX + "jobs:leases"

_NOW_MS = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
"""

# KEYS: queue, leases · ARGV: worker, lease ms, job key prefix, wall time → {id, taken over?} or nil
CLAIM = _NOW_MS + """
local id = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1)[1]
local taken_over = 1
if not id then
  id = redis.call('RPOP', KEYS[1])
  taken_over = 0
  if not id then return false end
end
if redis.call('EXISTS', ARGV[3] .. id) == 0 then
  redis.call('ZREM', KEYS[2], id)
  return false
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), id)
redis.call('HSET', ARGV[3] .. id, 'status', 'running', 'owner', ARGV[1], 'updated', ARGV[4])
return {id, taken_over}
"""

# KEYS: job, leases · ARGV: worker, lease ms (0: give the job back now), id → 1 held / 0 not
RENEW = _NOW_MS + """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'status') ~= 'running' then
  return 0
end
local expiry = now + tonumber(ARGV[2])
if tonumber(ARGV[2]) == 0 then expiry = 0 end
redis.call('ZADD', KEYS[2], expiry, ARGV[3])
return 1
"""

# KEYS: job, results · ARGV: worker, position, result JSON, wall time → 1 written / 0 not held
FINISH_DOCUMENT = """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[1], 'updated', ARGV[4])
return 1
"""

# KEYS: job, names, texts, results, leases · ARGV: worker, status, error, wall time, id, retention s
END_JOB = """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'error', ARGV[3], 'updated', ARGV[4])
redis.call('ZREM', KEYS[5], ARGV[5])
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[6])) end
return 1
"""


class RedisJobStore(RedisState):
    """The ``JobRecords`` of every replica sharing one Redis; this instance is one worker."""

    def __init__(self, url: str, *, lease_seconds: float = 30.0, retention_seconds: int = 30 * 24 * 3600) -> None:
        super().__init__(url)
        self.lease_ms = max(1, round(lease_seconds * 1000))
        self.retention = retention_seconds
        self.worker = uuid.uuid4().hex
        self._claim = self._client.register_script(CLAIM)
        self._renew = self._client.register_script(RENEW)
        self._finish_document = self._client.register_script(FINISH_DOCUMENT)
        self._end_job = self._client.register_script(END_JOB)

    @staticmethod
    def _keys(job_id: str) -> tuple[str, str, str, str]:
        job = PREFIX + "job:" + job_id
        return job, job + ":names", job + ":texts", job + ":results"

    def create(
        self, documents: list[JobDocument], summary: str | None, source_lang: str, target_lang: str = "en",
        memory: str | None = None, route: str | None = None,
    ) -> str:
        job_id = uuid.uuid4().hex
        job, names, texts, _ = self._keys(job_id)
        now = time.time()
        pipe = self._client.pipeline(transaction=True)  # all of the job or none of it
        pipe.hset(job, mapping={
            "id": job_id, "status": "queued", "summary": summary or "", "source_lang": source_lang,
            "target_lang": target_lang, "memory": memory or "", "route": route or "", "created": now, "updated": now, "error": "", "owner": "",
        })
        pipe.rpush(names, *[d.name for d in documents])
        pipe.rpush(texts, *[d.text for d in documents])
        pipe.lpush(QUEUE, job_id)
        self._call("storing the job", pipe.execute)
        return job_id

    def recover(self) -> None:
        return None  # a dead worker's jobs come back when their leases run out

    def claim(self) -> ClaimedJob | None:
        claimed = self._call(
            "claiming a job", self._claim,
            keys=[QUEUE, LEASES], args=[self.worker, self.lease_ms, PREFIX + "job:", time.time()],
        )
        if not claimed:
            return None
        job_id, taken_over = claimed
        if int(taken_over):
            log.warning("job %s: its worker's lease ran out; taken over, finished documents kept", job_id)
        return ClaimedJob(str(job_id), bool(int(taken_over)))

    def renew(self, job_id: str) -> bool:
        job = self._keys(job_id)[0]
        held = self._call("renewing a lease", self._renew, keys=[job, LEASES], args=[self.worker, self.lease_ms, job_id])
        return bool(held)

    def release(self, job_id: str) -> None:
        job = self._keys(job_id)[0]
        self._call("giving a job back", self._renew, keys=[job, LEASES], args=[self.worker, 0, job_id])

    def set_status(self, job_id: str, status: str, error: str | None = None) -> bool:
        if status not in {"completed", "failed"}:
            raise ValueError(f"a Redis job only ends as completed or failed, not {status!r}")
        keys = [*self._keys(job_id), LEASES]
        args = [self.worker, status, error or "", time.time(), job_id, self.retention]
        return bool(self._call("ending a job", self._end_job, keys=keys, args=args))

    def pending_documents(self, job_id: str) -> list[tuple[int, JobDocument]]:
        _, names, texts, results = self._keys(job_id)
        pipe = self._client.pipeline(transaction=True)
        pipe.lrange(names, 0, -1)
        pipe.lrange(texts, 0, -1)
        pipe.hkeys(results)
        all_names, all_texts, done = self._call("reading a job's documents", pipe.execute)
        finished = {int(p) for p in done}
        return [
            (i, JobDocument(name, text))
            for i, (name, text) in enumerate(zip(all_names, all_texts, strict=True))
            if i not in finished
        ]

    def finish_document(self, job_id: str, position: int, result: dict[str, Any] | None, error: str | None) -> bool:
        job, _, _, results = self._keys(job_id)
        row = json.dumps({"status": "error" if error else "ok", "result": json.dumps(result) if result else None, "error": error})
        written = self._call(
            "storing a result", self._finish_document,
            keys=[job, results], args=[self.worker, position, row, time.time()],
        )
        return bool(written)

    def job(self, job_id: str) -> dict[str, Any]:
        job, names, _, results = self._keys(job_id)
        pipe = self._client.pipeline(transaction=True)
        pipe.hgetall(job)
        pipe.lrange(names, 0, -1)
        pipe.hgetall(results)
        record, all_names, done = self._call("reading a job", pipe.execute)
        if not record:
            raise JobNotFound(job_id)
        documents = [
            {"name": name, **json.loads(done[str(i)])} if str(i) in done else {"name": name, "status": "pending"}
            for i, name in enumerate(all_names)
        ]
        record |= {
            "summary": record["summary"] or None, "error": record["error"] or None,
            "created": float(record["created"]), "updated": float(record["updated"]),
        }
        return job_view(record, documents)
