from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from service.backends.loading import ModelRef, load_seq2seq
from service.backends.translators import TorchTranslator
from service.usecases.batching import DynamicBatcher

from ..fakes import FakeTranslator

SENTENCES = [
    "Det regner i Bergen i dag.",
    "Stoltenberg talte i Stockholm.",
    "Russland har lidd store tap.",
    "Byen ligger øst i landet.",
    "Opplysningene er ikke bekreftet.",
    "Gruppen hevdet full kontroll.",
    "Dronebilder viser ødeleggelsene.",
    "Mange sivile er fortsatt i byen.",
]


@pytest.fixture(scope="module")
def backend(tiny_models: dict[str, Path]) -> TorchTranslator:
    loaded = load_seq2seq(ModelRef(str(tiny_models["translator"]), "translation", "OVERSETT_TRANSLATOR"))
    return TorchTranslator(loaded)


def _concurrently(batcher: DynamicBatcher, requests: list[list[str]]) -> list[Any]:
    barrier = threading.Barrier(len(requests))

    def call(sentences: list[str]) -> Any:
        barrier.wait()
        try:
            return batcher.translate(sentences, 1)
        except Exception as exc:  # returned, to check which request failed
            return exc

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(call, requests))


def test_concurrent_requests_share_batches_and_get_their_own_results(backend: TorchTranslator) -> None:
    alone = {s: backend.translate([s], 1)[0] for s in SENTENCES}
    batcher = DynamicBatcher(backend, max_wait=0.2)
    try:
        before = backend.stats.batches
        results = _concurrently(batcher, [[s] for s in SENTENCES])
        assert results == [[alone[s]] for s in SENTENCES]
        assert batcher.merging.merged_calls < len(SENTENCES)
        assert max(batcher.merging.requests_per_call) > 1
        merged = list(backend.stats.batch_sizes)[before - backend.stats.batches :]
        assert max(merged) > 1  # the model saw merged batches
    finally:
        batcher.close()


def test_a_failing_request_fails_alone() -> None:
    inner = FakeTranslator()
    batcher = DynamicBatcher(inner, max_wait=0.2)
    try:
        requests = [["en"], ["to", "tre"], ["POISON pill"], ["fire"]]
        results = _concurrently(batcher, requests)
        assert results[0] == ["EN"] and results[1] == ["TO", "TRE"] and results[3] == ["FIRE"]
        assert isinstance(results[2], RuntimeError)
        assert batcher.merging.isolated_failures >= 1
        assert any(len(call) > 1 and "POISON pill" in call for call in inner.calls)  # merged first
        # and the batcher keeps working afterwards
        assert batcher.translate(["fem"], 1) == ["FEM"]
    finally:
        batcher.close()


def test_different_beam_sizes_are_not_merged() -> None:
    inner = FakeTranslator()
    batcher = DynamicBatcher(inner, max_wait=0.2)
    barrier = threading.Barrier(2)

    def call(beams: int) -> list[str]:
        barrier.wait()
        return batcher.translate([f"setning {beams}"], beams)

    try:
        with ThreadPoolExecutor(2) as pool:
            assert list(pool.map(call, [1, 4])) == [["SETNING 1"], ["SETNING 4"]]
        assert all(len(c) == 1 for c in inner.calls)
    finally:
        batcher.close()


def test_http_requests_are_merged(make_services: Any, make_client: Any) -> None:
    services = make_services(batch_wait_ms=200)
    batcher = services.pipeline.translator
    assert isinstance(batcher, DynamicBatcher)
    client = make_client(services)
    barrier = threading.Barrier(len(SENTENCES))

    def post(sentence: str) -> int:
        barrier.wait()
        return client.post("/v1/translate", json={"text": sentence, "source_lang": "nb"}).status_code

    with ThreadPoolExecutor(len(SENTENCES)) as pool:
        assert list(pool.map(post, SENTENCES)) == [200] * len(SENTENCES)
    assert max(batcher.merging.requests_per_call) > 1
