from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api import create_app, load_services
from service.batching import DynamicBatcher
from service.config import Settings
from service.models import ModelRef, load_seq2seq
from service.translate import TorchTranslator

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
        assert batcher.stats.merged_calls < len(SENTENCES)
        assert max(batcher.stats.requests_per_call) > 1
        merged = list(backend.stats.batch_sizes)[before - backend.stats.batches :]
        assert max(merged) > 1  # the model saw merged batches
    finally:
        batcher.close()


class _Poisoned:
    """A backend that fails any call containing a poisoned sentence."""

    model_id, revision, backend, quantization, max_input_tokens = "spy", "1", "spy", "none", 256

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def translate(self, sentences: Sequence[str], num_beams: int) -> list[str]:
        self.calls.append(list(sentences))
        if any("POISON" in s for s in sentences):
            raise RuntimeError("the model choked")
        return [s.upper() for s in sentences]


def test_a_failing_request_fails_alone() -> None:
    inner = _Poisoned()
    batcher = DynamicBatcher(inner, max_wait=0.2)
    try:
        requests = [["en"], ["to", "tre"], ["POISON pill"], ["fire"]]
        results = _concurrently(batcher, requests)
        assert results[0] == ["EN"] and results[1] == ["TO", "TRE"] and results[3] == ["FIRE"]
        assert isinstance(results[2], RuntimeError)
        assert batcher.stats.isolated_failures >= 1
        assert any(len(call) > 1 and "POISON pill" in call for call in inner.calls)  # merged first
        # and the batcher keeps working afterwards
        assert batcher.translate(["fem"], 1) == ["FEM"]
    finally:
        batcher.close()


def test_different_beam_sizes_are_not_merged() -> None:
    inner = _Poisoned()
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


def test_http_requests_are_merged(settings: Settings, detector: Any) -> None:
    services = load_services(settings.model_copy(update={"batch_wait_ms": 200}), detector)
    try:
        batcher = services.pipeline.translator
        assert isinstance(batcher, DynamicBatcher)
        with TestClient(create_app(services=services)) as client:
            barrier = threading.Barrier(len(SENTENCES))

            def post(sentence: str) -> int:
                barrier.wait()
                return client.post("/v1/translate", json={"text": sentence, "source_lang": "nb"}).status_code

            with ThreadPoolExecutor(len(SENTENCES)) as pool:
                assert list(pool.map(post, SENTENCES)) == [200] * len(SENTENCES)
        assert max(batcher.stats.requests_per_call) > 1
    finally:
        services.close()
