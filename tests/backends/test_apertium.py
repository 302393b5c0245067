"""The Apertium backend with the real Debian packages: the stream format escaped and unescaped by
oversett, unknown words, the variants, the pool's bound; and fault injection with fake pipes (a
crash, a hang, garbage) that fails only the request that met it and restarts the pipeline."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from service.backends.apertium import ApertiumTranslator, escape, unescape
from service.backends.apertium_pipes import RECORD_END, PipePool, PoolStats
from service.domain.errors import EngineFailed, EngineUnavailable
from service.domain.protocols import Decoding


@pytest.fixture(scope="module")
def engine() -> ApertiumTranslator:
    made = ApertiumTranslator("nno_e", pool_size=2, timeout=20)
    yield made
    made.close()


def test_escaping_round_trips_apertium_special_characters() -> None:
    text = "Pris: 5 [kr] <b> a/b ^x$ {y} @ola #tag *stjerne\\ og\nny linje"
    stream = escape(text)
    assert "\n" not in stream.replace("[\n]", "")
    assert unescape(stream) == (text, [])


def test_special_characters_and_line_breaks_survive_a_real_pipeline(engine: ApertiumTranslator) -> None:
    (found,) = engine.translate_scored(["Pris: 5 [kr] <b> a/b {y}\nJeg vet ikke."], Decoding(1, target="nn"))
    assert found.text.startswith("Pris: 5 [kr] <b> a/b {y}\n") and "ikkje" in found.text


def test_variants_and_both_ways(engine: ApertiumTranslator) -> None:
    a_infinitive = ApertiumTranslator("nno", pool_size=1)
    try:
        (a,) = a_infinitive.translate_scored(["Vi skal lese boka."], Decoding(1, target="nn"))
    finally:
        a_infinitive.close()
    (e,) = engine.translate_scored(["Vi skal lese boka."], Decoding(1, target="nn"))
    assert "lesa" in a.text and "Me" in a.text and "lese" in e.text and "Vi" in e.text
    (bokmal,) = engine.translate_scored(["Eg veit ikkje kva han vil."], Decoding(1, target="nb"))
    assert bokmal.text == "Jeg vet ikke hva han vil."


def test_unknown_words_are_named_without_their_marks(engine: ApertiumTranslator) -> None:
    (found,) = engine.translate_scored(["Han så en blørkefjas og QX1 i går."], Decoding(1, target="nn"))
    assert found.unknown == ("blørkefjas",) and "*" not in found.text and "QX1" in found.text  # a placeholder is no word
    assert found.confidence is not None and 0.8 < found.confidence < 1.0


def test_the_pool_never_holds_more_pipelines_than_configured(engine: ApertiumTranslator) -> None:
    sentences = [f"Dette er setning nummer {i}, og den er kort." for i in range(24)]
    threads = [threading.Thread(target=engine.translate_scored, args=(sentences, Decoding(1, target="nn"))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert engine.pools["nn"].pipelines <= 2
    assert engine.memory_bytes() > 10_000_000


def _fake_pool(command: str, timeout: float = 2.0) -> tuple[PipePool, PoolStats]:
    stats = PoolStats()
    return PipePool(command, 1, timeout, stats), stats


def _record(text: str) -> bytes:
    return escape(text).encode() + RECORD_END


# a fake pipeline that echoes each record, but hangs on one that says "heng"
ECHO_OR_HANG = "while IFS= read -r -d '' line; do case \"$line\" in *heng*) sleep 600;; esac; printf '%s\\0' \"$line\"; done"


def test_a_hung_pipeline_fails_its_request_only_and_is_restarted() -> None:
    pool, stats = _fake_pool(ECHO_OR_HANG, timeout=0.5)
    try:
        assert pool.call(_record("Hei.")) == "Hei."
        outcome: dict[str, object] = {}

        def behind() -> None:  # queued behind the hung record on the same pipeline
            outcome["answer"] = pool.call(_record("Ha det."))

        def hung() -> None:
            try:
                pool.call(_record("Dette vil heng."))
            except EngineFailed as exc:
                outcome["error"] = exc.message

        first = threading.Thread(target=hung)
        first.start()
        time.sleep(0.1)
        second = threading.Thread(target=behind)
        second.start()
        first.join(5)
        second.join(5)
        assert "no answer within 0.5 s" in str(outcome["error"])
        assert outcome["answer"] == "Ha det."  # sent again to a fresh pipeline: only the hung request failed
        assert stats.restarts == 1 and stats.failures == 1 and pool.pipelines == 1
    finally:
        pool.close()


def test_a_crashed_pipeline_fails_its_request_and_is_restarted() -> None:
    pool, stats = _fake_pool("read -r -d '' line; exit 3")
    try:
        with pytest.raises(EngineFailed, match="stopped"):
            pool.call(_record("Hei."))
        with pytest.raises(EngineFailed, match="stopped"):
            pool.call(_record("Hei igjen."))
        assert stats.restarts == 1 and stats.failures == 2 and pool.pipelines <= 1
    finally:
        pool.close()


def test_garbage_out_of_step_is_refused() -> None:
    # answers a record that is not the one asked for (no closing superblank), then another
    pool, stats = _fake_pool("while IFS= read -r -d '' line; do printf 'a\\0b\\0'; done")
    try:
        with pytest.raises(EngineFailed, match="out of step"):
            pool.call(_record("Hei."))
        assert stats.failures == 1
    finally:
        pool.close()


def test_many_requests_share_a_pipeline_and_get_their_own_answers(engine: ApertiumTranslator) -> None:
    sentences = [f"Jeg har {i} bøker, og jeg vet ikke hva jeg skal gjøre." for i in range(40)]
    alone = [engine.translate_scored([s], Decoding(1, target="nn"))[0].text for s in sentences[:5]]
    results: dict[int, str] = {}

    def one(i: int) -> None:
        results[i] = engine.translate_scored([sentences[i]], Decoding(1, target="nn"))[0].text

    threads = [threading.Thread(target=one, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[i] for i in range(5)] == alone
    assert all(f"{i} bøker" in results[i] and "ikkje" in results[i] for i in range(40))


def test_a_missing_mode_names_the_packages(tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailable) as missing:
        ApertiumTranslator("nno", modes_dir=tmp_path)
    assert "apt-get install apertium apertium-nno-nob" in missing.value.message
