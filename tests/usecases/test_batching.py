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
        with batcher.arriving():  # as a request in the pipeline is: on its way to the model
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
        with batcher.arriving():
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


def test_a_lone_request_does_not_wait_and_requests_on_their_way_are_waited_for() -> None:
    """The wait is for requests on their way to the model, not a fixed delay: a request alone
    starts at once; one that arrives while another is still on its way shares its batch."""
    import time

    inner = FakeTranslator()
    batcher = DynamicBatcher(inner, max_wait=5.0)
    try:
        started = time.perf_counter()
        assert batcher.translate(["alene"], 1) == ["ALENE"]
        assert time.perf_counter() - started < 1.0  # not the 5 s it might wait
        late = threading.Event()

        def slow_request() -> list[str]:
            with batcher.arriving():
                late.wait(5)
                time.sleep(0.2)  # parsing, segmenting, the cache …
                return batcher.translate(["sen"], 1)

        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(slow_request)
            while batcher._arriving == 0:
                time.sleep(0.001)
            late.set()
            assert batcher.translate(["tidlig"], 1) == ["TIDLIG"]
            assert future.result() == ["SEN"]
        assert ["tidlig", "sen"] in inner.calls  # one call: the first waited for the one on its way
    finally:
        batcher.close()


def test_two_workers_run_two_batches_side_by_side() -> None:
    """With a backend that runs batches side by side (CTranslate2's inter_threads), a batch
    waits for a free worker, not for the one running."""
    import time

    class Slow(FakeTranslator):
        def translate_scored(self, sentences: Any, decoding: Any) -> Any:
            time.sleep(0.3)
            return super().translate_scored(sentences, decoding)

    batcher = DynamicBatcher(Slow(), max_wait=0.0, workers=2)
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:
            assert list(pool.map(lambda s: batcher.translate([s], 1), ["en", "to"])) == [["EN"], ["TO"]]
        assert time.perf_counter() - started < 0.55  # two at once, not 0.6 s one after the other
    finally:
        batcher.close()


def test_two_workers_share_sixteen_clients_as_two_batches_decoding_at_once() -> None:
    """Sixteen clients, each sending its next request when the last comes back, on a backend that
    runs two batches side by side: two batches of about eight decode at once, not one of sixteen
    on half the cores while the other half waits."""
    import time

    class Slow(FakeTranslator):
        def __init__(self) -> None:
            super().__init__()
            self.running = 0
            self.most_at_once = 0
            self.lock = threading.Lock()

        def translate_scored(self, sentences: Any, decoding: Any) -> Any:
            with self.lock:
                self.running += 1
                self.most_at_once = max(self.most_at_once, self.running)
            time.sleep(0.02 + 0.005 * len(sentences))
            with self.lock:
                self.running -= 1
            return super().translate_scored(sentences, decoding)

    inner = Slow()
    batcher = DynamicBatcher(inner, max_wait=0.05, workers=2)

    def client(number: int) -> None:
        for round_ in range(12):
            with batcher.arriving():
                assert batcher.translate([f"setning {number} {round_}"], 1) == [f"SETNING {number} {round_}"]

    try:
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(client, range(16)))
        sizes = list(batcher.merging.requests_per_call)
        assert sum(sizes) == 16 * 12
        settled = sizes[len(sizes) // 3 :]  # after the first rounds
        assert max(settled) <= 9, sizes  # an even share each, give or take a request coming back late
        assert sum(settled) / len(settled) >= 5, sizes  # and not many small ones either
        assert inner.most_at_once == 2
    finally:
        batcher.close()


def test_one_worker_takes_every_request_in_one_batch() -> None:
    """With one worker there is no share to keep: sixteen requests on their way make one batch."""
    inner = FakeTranslator()
    batcher = DynamicBatcher(inner, max_wait=0.5)
    try:
        results = _concurrently(batcher, [[f"setning {i}"] for i in range(16)])
        assert results == [[f"SETNING {i}"] for i in range(16)]
        assert max(batcher.merging.requests_per_call) == 16
    finally:
        batcher.close()
