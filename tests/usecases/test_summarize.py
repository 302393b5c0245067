from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.compose.services import load_services
from service.config import Settings
from service.domain.errors import ConfigurationError
from service.domain.presets import LENGTH_PRESETS, LengthPreset, preset_for, trim_summary
from service.domain.text import segment
from service.http.app import create_app
from service.tools.tiny import build_tiny_t5_summarizer, seed_lines
from service.usecases.summaries import chunk_text, summarize_long

from ..conftest import SEEDS, spy_translate, translator_backend
from ..fakes import WordSummarizer


def _words(text: str) -> int:
    return len(text.split())


def test_presets_are_one_table() -> None:
    assert set(LENGTH_PRESETS) == {"short", "medium", "long"}
    short = LENGTH_PRESETS["short"]
    assert short.max_sentences == 2 and short.max_words <= 50
    assert LENGTH_PRESETS["medium"].min_sentences == 3 and LENGTH_PRESETS["medium"].max_sentences == 5
    assert LENGTH_PRESETS["long"].max_words == 150
    custom = preset_for("short", 80)
    assert custom.max_words == 80 and custom.max_sentences == 4


def test_trim_summary_keeps_whole_sentences_within_budget() -> None:
    text = "One two three. Four five six seven. Eight nine. Ten."
    assert trim_summary(text, LENGTH_PRESETS["short"]) == "One two three. Four five six seven."
    tight = LengthPreset("x", 1, 5, 5, 1, 10)
    assert trim_summary(text, tight) == "One two three."
    assert trim_summary("a b c d e f g h", tight) == "a b c d e…"


def test_chunk_text_covers_everything_in_order() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(60))
    chunks = chunk_text(text, 30, _words)
    assert len(chunks) > 1 and all(_words(c) <= 30 for c in chunks)
    assert " ".join(chunks) == text


def test_map_reduce_sees_every_chunk() -> None:
    text = " ".join(f"Fact {i} happened today." for i in range(100))
    summarizer = WordSummarizer()
    summary = summarize_long(text, summarizer, LENGTH_PRESETS["short"], summarizer.max_input_tokens)
    first_round = summarizer.calls[0]
    assert " ".join(first_round) == text  # every part of the document was summarised
    assert len(summarizer.calls) >= 2  # and the chunk summaries were summarised again
    assert summary and _words(summary) <= 10


# --- API, with the tiny models -------------------------------------------------------------


@pytest.mark.parametrize("method", ["auto", "abstractive", "extractive"])
@pytest.mark.parametrize("length", ["short", "medium", "long"])
def test_summarize_seed_every_method_and_length(
    client: TestClient, seed_text: str, method: str, length: str
) -> None:
    response = client.post("/v1/summarize", json={"text": seed_text, "length": length, "method": method})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["method"] == ("abstractive" if method == "auto" else method)
    assert body["length"] == length and body["source_lang"] == "nb"
    assert body["summary"].strip()
    assert body["models"]["translator"]
    preset = LENGTH_PRESETS[length]
    assert len(segment(body["summary"]).sentences) <= preset.max_sentences
    if body["method"] == "extractive":
        assert 1 <= body["sentences_translated"] <= preset.max_sentences
        assert body["models"]["summarizer"] is None
    else:
        assert body["sentences_translated"] == len(segment(seed_text).sentences)
        assert body["models"]["summarizer"]


def test_max_words(client: TestClient, seed_text: str) -> None:
    body = client.post(
        "/v1/summarize", json={"text": seed_text, "max_words": 30, "method": "extractive"}
    ).json()
    assert body["length"] == "max_words=30"
    assert 1 <= body["sentences_translated"] <= preset_for("short", 30).max_sentences == 2


def test_extractive_translates_only_the_picked_sentences(
    client: TestClient, services: Any, seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = spy_translate(services, monkeypatch)
    body = client.post("/v1/summarize", json={"text": seed_text, "method": "extractive", "length": "medium"}).json()
    all_sentences = segment(seed_text).sentences
    assert len(seen) == body["sentences_translated"] <= 5
    assert set(seen) <= set(all_sentences)
    assert len(seen) < len(all_sentences) / 4
    assert [all_sentences.index(s) for s in seen] == sorted(all_sentences.index(s) for s in seen)


def test_long_document_is_summarised_by_chunks(
    client: TestClient, services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    summarizer = services.summaries.summarizer
    english = " ".join(
        f"Report {i} says the city council approved a new budget for schools and roads." for i in range(60)
    )
    assert summarizer.count_tokens(english) > summarizer.max_input_tokens
    calls: list[list[str]] = []
    original = summarizer.summarize

    def spy(texts: Sequence[str], preset: LengthPreset) -> list[str]:
        calls.append(list(texts))
        return original(texts, preset)

    monkeypatch.setattr(summarizer, "summarize", spy)
    response = client.post(
        "/v1/summarize", json={"text": english, "method": "abstractive", "source_lang": "en"}
    )
    assert response.status_code == 200, response.text
    assert len(calls[0]) > 1
    assert " ".join(calls[0]) == english  # every chunk reached the summariser, nothing dropped
    assert all(summarizer.count_tokens(c) <= summarizer.max_input_tokens for c in calls[0])
    assert len(calls) >= 2


def test_repeat_is_served_from_the_summary_cache(
    client: TestClient, services: Any, seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = {"text": seed_text, "method": "abstractive", "length": "short"}
    first = client.post("/v1/summarize", json=request).json()
    assert first["cached"] is False
    generate_calls: list[str] = []
    for name, model in [
        ("translator", translator_backend(services).model),
        ("summarizer", services.summaries.summarizer.model),
    ]:
        monkeypatch.setattr(model, "generate", lambda *a, _n=name, **k: generate_calls.append(_n))
    second = client.post("/v1/summarize", json=request).json()
    assert generate_calls == []
    assert second["cached"] is True
    assert {k: v for k, v in second.items() if k != "cached"} == {k: v for k, v in first.items() if k != "cached"}
    # another length is another entry
    other = client.post("/v1/summarize", json={**request, "method": "extractive"})
    assert other.json()["cached"] is False


@pytest.fixture
def services_without_summarizer(make_services: Any, tmp_path: Path) -> Any:
    return make_services(summarizer=str(tmp_path / "no-summarizer"))


def test_missing_summarizer_auto_falls_back_and_abstractive_is_503(
    services_without_summarizer: Any, seed_text: str
) -> None:
    with TestClient(create_app(services=services_without_summarizer)) as client:
        assert client.get("/ready").status_code == 200  # translation still works
        auto = client.post("/v1/summarize", json={"text": seed_text})
        assert auto.status_code == 200 and auto.json()["method"] == "extractive"
        abstractive = client.post("/v1/summarize", json={"text": seed_text, "method": "abstractive"})
        assert abstractive.status_code == 503
        detail = abstractive.json()["detail"]
        assert "no-summarizer" in detail and "OVERSETT_SUMMARIZER" in detail
        models = client.get("/v1/models").json()
        assert models["summarizer"]["loaded"] is False and "no-summarizer" in models["summarizer"]["error"]


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"text": "  "}, 422, "empty"),
        ({"text": "Hei.", "length": "huge"}, 422, "length"),
        ({"text": "Hei.", "max_words": -3}, 422, "max_words"),
        ({"text": "Hei.", "method": "magic"}, 422, "method"),
        ({"text": ["Hei."]}, 422, "text"),
        ({"text": "El gobierno presentó hoy el presupuesto. Conducir será más caro."}, 422, "Spanish"),
    ],
)
def test_summarize_bad_requests(client: TestClient, body: Any, status: int, needle: str) -> None:
    response = client.post("/v1/summarize", json=body)
    assert response.status_code == status
    assert needle in response.json()["detail"]


@pytest.fixture(scope="module")
def tiny_t5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_t5_summarizer(tmp_path_factory.mktemp("t5") / "summarizer", seed_lines(SEEDS))


def test_prompt_template_is_applied_for_t5(
    settings: Settings, make_services: Any, tiny_t5: Path, seed_text: str
) -> None:
    services = make_services(summarizer=str(tiny_t5))
    summarizer = services.summaries.summarizer
    assert summarizer.prompts is not None
    services.summaries.summarize_document(seed_text, "short", method="abstractive")
    template = (settings.prompts_dir / "short.txt").read_text(encoding="utf-8")
    prefix = template.split("{text}")[0]
    assert prefix.startswith("Summarize")
    assert summarizer.stats.inputs and all(i.startswith(prefix) for i in summarizer.stats.inputs)


def test_bart_takes_no_prompt(services: Any) -> None:
    assert services.summaries.summarizer.prompts is None


@pytest.mark.parametrize("problem", ["missing", "no_slot"])
def test_broken_template_fails_at_startup(
    settings: Settings, detector: Any, tiny_t5: Path, tmp_path: Path, problem: str
) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    for name in ("short", "medium", "long"):
        (prompts / f"{name}.txt").write_text("Summarize: {text}", encoding="utf-8")
    if problem == "missing":
        (prompts / "medium.txt").unlink()
    else:
        (prompts / "long.txt").write_text("Summarize this article.", encoding="utf-8")
    broken = settings.model_copy(update={"summarizer": str(tiny_t5), "prompts_dir": prompts})
    with pytest.raises(ConfigurationError) as info:
        load_services(broken, detector)
    message = info.value.message
    assert ("medium.txt" in message) if problem == "missing" else ("long.txt" in message and "{text}" in message)
    with pytest.raises(ConfigurationError):
        with TestClient(create_app(broken)):
            pass
