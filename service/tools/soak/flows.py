"""The soak's flows, one function each. A flow's steps go to the replicas in turn (step i of the
k-th flow to replica (k + i) mod n), so with two replicas every flow of several steps crosses
between them: made on one, asked after and fetched on the other."""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from .record import Record

PLACES = ("Oslo", "Bergen", "Tromsø", "Bodø", "Hamar", "Molde", "Alta", "Skien")
JOB_WAIT_S = 300  # a job of two short documents that takes longer than this has failed


@dataclass
class Context:
    bases: list[str]
    client: httpx.Client
    record: Record
    texts: list[str]  # Norwegian sentences
    files: list[Path]  # a sample document of every format
    key: str | None = None
    memory: str = "soak"
    glossary: str = "soak"
    _serial: Any = field(default_factory=lambda: iter(range(10**12)))

    def base(self, k: int, step: int) -> str:
        return self.bases[(k + step) % len(self.bases)]

    def headers(self, api: str = "native") -> dict[str, str]:
        if not self.key:
            return {}
        return {"Authorization": f"DeepL-Auth-Key {self.key}"} if api == "deepl" else {"Authorization": f"Bearer {self.key}"}

    def call(self, route: str, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        """One request, recorded by route and status (an exception by its name); None when it raised."""
        started = time.perf_counter()
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.record.request(route, type(exc).__name__, time.perf_counter() - started)
            return None
        self.record.request(route, str(response.status_code), time.perf_counter() - started)
        return response

    def unique(self) -> int:
        return next(self._serial)


def _ok(response: httpx.Response | None) -> bool:
    return response is not None and response.status_code == 200


def translate(ctx: Context, k: int, rng: random.Random) -> None:
    ctx.call("/v1/translate", "POST", f"{ctx.base(k, 0)}/v1/translate", headers=ctx.headers(),
             json={"text": rng.choice(ctx.texts), "source_lang": "nb"})


def stream(ctx: Context, k: int, rng: random.Random) -> None:
    text = " ".join(rng.sample(ctx.texts, min(3, len(ctx.texts))))
    ctx.call("/v1/translate/stream", "POST", f"{ctx.base(k, 0)}/v1/translate/stream", headers=ctx.headers(),
             json={"text": text, "source_lang": "nb"})


def document(ctx: Context, k: int, rng: random.Random) -> None:
    path = ctx.files[k % len(ctx.files)]
    ctx.call(f"/v1/translate/document ({path.suffix[1:]})", "POST", f"{ctx.base(k, 0)}/v1/translate/document",
             headers=ctx.headers(), files={"file": (path.name, path.read_bytes())}, data={"source_lang": "nb"})


def summary(ctx: Context, k: int, rng: random.Random) -> None:
    ctx.call("/v1/summarize", "POST", f"{ctx.base(k, 0)}/v1/summarize", headers=ctx.headers(),
             json={"text": " ".join(rng.sample(ctx.texts, min(6, len(ctx.texts)))), "source_lang": "nb"})


def job(ctx: Context, k: int, rng: random.Random) -> None:
    """Created on one replica, polled and fetched on the other."""
    documents = [{"name": f"d{i}", "text": rng.choice(ctx.texts)} for i in range(2)]
    created = ctx.call("/v1/jobs", "POST", f"{ctx.base(k, 0)}/v1/jobs", headers=ctx.headers(),
                       json={"documents": documents, "summary": "short"})
    if created is None or created.status_code != 202:
        ctx.record.flow("job", False, f"create: {created.status_code if created else 'no answer'}")
        return
    job_id = created.json()["job_id"]
    deadline = time.monotonic() + JOB_WAIT_S
    step = 1
    while time.monotonic() < deadline:
        polled = ctx.call("/v1/jobs/{job_id}", "GET", f"{ctx.base(k, step)}/v1/jobs/{job_id}", headers=ctx.headers())
        step += 1
        if polled is not None and polled.status_code == 200 and polled.json()["status"] in ("completed", "failed"):
            body = polled.json()
            passed = body["status"] == "completed" and all(d["status"] == "ok" for d in body["documents"])
            ctx.record.flow("job", passed, "" if passed else json.dumps(body)[:300])
            return
        if polled is not None and polled.status_code != 200:
            ctx.record.flow("job", False, f"poll: {polled.status_code} {polled.text[:200]}")
            return
        time.sleep(0.5)
    ctx.record.flow("job", False, f"not done in {JOB_WAIT_S} s")


def glossary(ctx: Context, k: int, rng: random.Random) -> None:
    """Written on one replica, used on the other."""
    name = f"{ctx.glossary}-{k % 4}"
    body = {"name": name, "terms": [{"source": "Regjeringen", "target": "The Cabinet"}], "keep": ["Oslo"]}
    made = ctx.call("/v1/glossaries/{name}", "PUT", f"{ctx.base(k, 0)}/v1/glossaries/{name}", headers=ctx.headers(), json=body)
    used = ctx.call("/v1/translate", "POST", f"{ctx.base(k, 1)}/v1/translate", headers=ctx.headers(),
                    json={"text": "Regjeringen møtes i Oslo i dag.", "source_lang": "nb", "glossary": name})
    passed = made is not None and made.status_code in (200, 201) and _ok(used)
    ctx.record.flow("glossary", passed, "" if passed else f"{made and made.status_code} / {used and used.status_code}")


def memory_write(ctx: Context, k: int, rng: random.Random) -> None:
    """An entry written on one replica is read back at once on the other (not lost, not stale)."""
    serial = ctx.unique()
    # one sentence (a memory matches sentence by sentence), never written before
    source = f"Sak {serial}-{uuid.uuid4().hex[:6]} om {rng.choice(PLACES)} ble behandlet i bystyret i dag."
    target = f"Case {serial}, as a person translated it."
    written = ctx.call("/v1/memories/{name}/entries", "POST", f"{ctx.base(k, 0)}/v1/memories/{ctx.memory}/entries",
                       headers=ctx.headers(), json={"entries": [{"source": source, "target": target}]})
    if not _ok(written):
        ctx.record.flow("memory", False, f"write: {written and written.status_code}")
        return
    ctx.record.wrote(source, target)
    used = ctx.call("/v1/translate", "POST", f"{ctx.base(k, 1)}/v1/translate", headers=ctx.headers(),
                    json={"text": source, "source_lang": "nb", "memory": ctx.memory})
    found = _ok(used) and used is not None and used.json()["translations"][0]["text"] == target
    ctx.record.flow("memory", found, "" if found else f"read: {used and used.text[:200]}")


def libretranslate(ctx: Context, k: int, rng: random.Random) -> None:
    ctx.call("/translate", "POST", f"{ctx.base(k, 0)}/translate",
             json={"q": rng.choice(ctx.texts), "source": "nb", "target": "en", "api_key": ctx.key or ""})


def libretranslate_file(ctx: Context, k: int, rng: random.Random) -> None:
    """Translated on one replica, downloaded from the other."""
    path = ctx.files[k % len(ctx.files)]
    made = ctx.call("/translate_file", "POST", f"{ctx.base(k, 0)}/translate_file",
                    data={"source": "nb", "target": "en", "api_key": ctx.key or ""},
                    files={"file": (path.name, path.read_bytes())})
    if not _ok(made) or made is None:
        ctx.record.flow("libretranslate file", False, f"upload: {made and made.status_code} {made and made.text[:200]}")
        return
    link = httpx.URL(made.json()["translatedFileUrl"])
    fetched = ctx.call("/download_file/{name}", "GET", f"{ctx.base(k, 1)}{link.path}", params={"api_key": ctx.key or ""})
    passed = _ok(fetched) and fetched is not None and len(fetched.content) > 0
    ctx.record.flow("libretranslate file", passed, "" if passed else f"download: {fetched and fetched.status_code}")


def deepl(ctx: Context, k: int, rng: random.Random) -> None:
    ctx.call("/v2/translate", "POST", f"{ctx.base(k, 0)}/v2/translate", headers=ctx.headers("deepl") or
             {"Authorization": "DeepL-Auth-Key soak"}, json={"text": [rng.choice(ctx.texts)], "target_lang": "EN-GB"})


def deepl_document(ctx: Context, k: int, rng: random.Random) -> None:
    """Uploaded to one replica, its status asked of the other, downloaded from the first."""
    headers = ctx.headers("deepl") or {"Authorization": "DeepL-Auth-Key soak"}
    path = ctx.files[k % len(ctx.files)]
    upload = ctx.call("/v2/document", "POST", f"{ctx.base(k, 0)}/v2/document", headers=headers,
                      data={"target_lang": "EN-GB"}, files={"file": (path.name, path.read_bytes())})
    if not _ok(upload) or upload is None:
        ctx.record.flow("deepl document", False, f"upload: {upload and upload.status_code} {upload and upload.text[:200]}")
        return
    handle = upload.json()
    key = {"document_key": handle["document_key"]}
    status = ctx.call("/v2/document/{id}", "POST", f"{ctx.base(k, 1)}/v2/document/{handle['document_id']}",
                      headers=headers, data=key)
    result = ctx.call("/v2/document/{id}/result", "POST", f"{ctx.base(k, 2)}/v2/document/{handle['document_id']}/result",
                      headers=headers, data=key)
    passed = _ok(status) and _ok(result) and status is not None and status.json()["status"] == "done"
    ctx.record.flow("deepl document", passed, "" if passed else f"status {status and status.status_code}, "
                    f"result {result and result.status_code}")


def bad_input(ctx: Context, k: int, rng: random.Random) -> None:
    """Each must be a clear 4xx, never a 5xx."""
    base = ctx.base(k, 0)
    ctx.call("bad: broken JSON", "POST", f"{base}/v1/translate", headers={**ctx.headers(), "content-type": "application/json"},
             content=b'{"text": "Hei", ')
    ctx.call("bad: unknown target", "POST", f"{base}/v1/translate", headers=ctx.headers(), json={"text": "Hei", "target_lang": "de"})
    ctx.call("bad: not a document", "POST", f"{base}/v1/translate/document", headers=ctx.headers(),
             files={"file": ("x.docx", b"not a zip at all")})
    ctx.call("bad: unknown job", "GET", f"{base}/v1/jobs/{uuid.uuid4().hex}", headers=ctx.headers())


def hang_up(ctx: Context, k: int, rng: random.Random) -> None:
    """A client that gives up at once: the request is dropped, the server goes on."""
    text = " ".join(rng.choices(ctx.texts, k=20))
    try:
        with httpx.Client(timeout=0.05) as impatient:
            impatient.post(f"{ctx.base(k, 0)}/v1/translate", headers=ctx.headers(), json={"text": text, "source_lang": "nb"})
        ctx.record.request("hang-up", "answered before the hang-up", 0.05)
    except httpx.HTTPError:
        ctx.record.request("hang-up", "hung up", 0.05)


# flow → weight in the mix
FLOWS: dict[Callable[[Context, int, random.Random], None], int] = {
    translate: 8, stream: 3, document: 3, summary: 2, job: 1, glossary: 2, memory_write: 4,
    libretranslate: 3, libretranslate_file: 2, deepl: 3, deepl_document: 2, bad_input: 1, hang_up: 1,
}
