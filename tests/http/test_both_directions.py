"""English → Bokmål / Nynorsk on every route, with the tiny English → North Germanic model: the
backend adds the target token (never seen by the user, part of the cache key), the language rules
(already in the target, unsupported pairs and targets, a model of the other direction), the
pairs in /v1/languages and /v1/models, documents, jobs, summaries, streams and /metrics."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.http.app import create_app

ENGLISH = "The weather was cold in Oslo on Monday. Three people lost their jobs at the factory."
NORWEGIAN = "Det regner i Bergen i dag, og sola skinner ikke."


def en_backend(services: Any) -> Any:
    translator = services.en_pipeline.translator
    return getattr(translator, "inner", translator)


def spy_sources(services: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every source the English → Norwegian backend sends to its model (target token and all)."""
    backend = en_backend(services)
    seen: list[str] = []
    original = backend.preprocess

    def preprocess(texts: list[str]) -> Any:
        seen.extend(texts)
        return original(texts)

    monkeypatch.setattr(backend, "preprocess", preprocess)
    return seen


def test_english_goes_into_bokmal_and_nynorsk_with_the_target_token_added_by_the_backend(
    client: TestClient, services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = spy_sources(services, monkeypatch)
    answer = client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nb"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    (translation,) = body["translations"]
    assert translation["source_lang"] == "en" and translation["target_lang"] == "nb" and translation["translated"]
    assert body["model"]["name"] == "from-english" and body["model"]["id"].endswith("en-translator")
    assert len(translation["segments"]) == 2
    assert seen and all(source.startswith(">>nob<< ") for source in seen)
    assert not any(">>" in s["translation"] for s in translation["segments"])  # never shown to the user
    seen.clear()
    # Nynorsk by way of Bokmål (the default route): the Bokmål translation is reused, and converted
    nynorsk = client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nn"}).json()["translations"][0]
    assert seen == [] and nynorsk["target_lang"] == "nn" and len(nynorsk["segments"]) == 2
    seen.clear()
    again = client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nb"}).json()["translations"][0]
    assert seen == [] and all(s["cached"] for s in again["segments"])
    assert again["text"] == translation["text"]


def test_nynorsk_direct_from_the_model_has_its_own_target_token_and_cache_key(
    make_services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    direct = make_services(nynorsk_route="direct")
    seen = spy_sources(direct, monkeypatch)
    with TestClient(create_app(services=direct)) as client:
        client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nb"})
        seen.clear()
        nynorsk = client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nn"}).json()["translations"][0]
    assert seen and all(source.startswith(">>nno<< ") for source in seen)  # its own cache key: not served nb's
    assert not any(s["cached"] for s in nynorsk["segments"])


def test_text_already_in_the_target_comes_back_unchanged_and_says_so(
    client: TestClient, services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = spy_sources(services, monkeypatch)
    # the same written standard only: Bokmål into Nynorsk is converted (test_bokmal_nynorsk.py)
    (answer,) = client.post("/v1/translate", json={"text": NORWEGIAN, "target_lang": "nb"}).json()["translations"]
    assert answer["text"] == NORWEGIAN and answer["translated"] is False
    assert answer["source_lang"] == "nb" and "already in Norwegian" in answer["note"]
    (english,) = client.post("/v1/translate", json={"text": ENGLISH, "source_lang": "en"}).json()["translations"]
    assert english["text"] == ENGLISH and english["translated"] is False and "already in English" in english["note"]
    assert seen == []


@pytest.mark.parametrize(
    "text",
    [
        "Jens Stoltenberg spoke in Stockholm on 13 February. See https://www.vg.no/nyheter.",
        "Bjørn Dæhlie won the race in Lillehammer.",
    ],
)
def test_english_with_norwegian_names_and_links_is_translated_into_bokmal(client: TestClient, text: str) -> None:
    """Only text detection is sure of comes back unchanged: the link's words and the names
    (Stoltenberg, æ/ø in Dæhlie) do not make the sentence Bokmål."""
    (answer,) = client.post("/v1/translate", json={"text": text, "target_lang": "nb"}).json()["translations"]
    assert answer["source_lang"] == "en" and answer["translated"] is True
    assert "www.vg.no/nyheter" in answer["text"] or "vg.no" not in text


def test_short_english_is_translated_not_passed_through(client: TestClient) -> None:
    for text in ("Hello", "Good morning", "Bank", "Read more"):
        (answer,) = client.post("/v1/translate", json={"text": text, "target_lang": "nb"}).json()["translations"]
        assert answer["detected"]["lang"] == "en" and answer["translated"], text


def test_unsupported_targets_pairs_and_models_get_a_422_that_names_the_choices(client: TestClient) -> None:
    answer = client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "de"})
    assert answer.status_code == 422
    assert all(code in answer.json()["detail"] for code in ("en (English)", "nb (Norwegian Bokmål)", "nn (Norwegian Nynorsk)"))
    danish = client.post("/v1/translate", json={"text": "Hun bor i København.", "source_lang": "da", "target_lang": "nb"})
    assert danish.status_code == 422 and "en-nb" in danish.json()["detail"] and "da-en" in danish.json()["detail"]
    wrong_model = client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nn", "model": "default"})
    assert wrong_model.status_code == 422
    assert "nb-en" in wrong_model.json()["detail"] and "from-english" in wrong_model.json()["detail"]
    other_way = client.post("/v1/translate", json={"text": NORWEGIAN, "model": "from-english"})
    assert other_way.status_code == 422 and "en-nb, en-nn" in other_way.json()["detail"]
    aliases = client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "NOB"})
    assert aliases.status_code == 200 and aliases.json()["translations"][0]["target_lang"] == "nb"


def test_languages_and_models_list_the_pairs_and_what_serves_them(client: TestClient) -> None:
    pairs = client.get("/v1/languages").json()["pairs"]
    served = {(p["source"], p["target"]): p["model"] for p in pairs}
    assert served == {
        ("nb", "en"): "default", ("nn", "en"): "default", ("da", "en"): "default", ("sv", "en"): "default",
        ("en", "nb"): "from-english", ("en", "nn"): "from-english", ("nb", "nn"): "apertium", ("nn", "nb"): "apertium",
    }
    assert all(p["loaded"] for p in pairs)
    models = client.get("/v1/models").json()
    assert models["translator"]["pairs"] == ["nb-en", "nn-en", "da-en", "sv-en"]
    assert models["en_translator"]["pairs"] == ["en-nb", "en-nn"]
    assert models["en_translator"]["backend"] == models["translator"]["backend"] in ("ctranslate2", "torch")
    assert models["summarizer"]["backend"] in ("ctranslate2", "torch") and models["summarizer"]["languages"] == ["en", "nb", "nn"]
    assert {(c["name"], c["direction"]) for c in models["translators"]} == {("default", "into-english"), ("from-english", "from-english")}
    openapi = client.get("/openapi.json").json()
    assert "/v1/languages" in openapi["paths"]


def test_a_missing_english_translator_is_a_503_for_its_pairs_only(make_client: Any) -> None:
    client = make_client(en_translator="/nowhere/en-model")
    answer = client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nb"})
    assert answer.status_code == 503 and "OVERSETT_EN_TRANSLATOR" in answer.json()["detail"]
    assert client.post("/v1/translate", json={"text": NORWEGIAN}).status_code == 200
    assert not [p for p in client.get("/v1/languages").json()["pairs"] if p["source"] == "en" and p["loaded"]]
    off = make_client(en_translator="none")
    refused = off.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nn"})
    assert refused.status_code == 503 and "OVERSETT_EN_TRANSLATOR" in refused.json()["detail"]
    listed = {(p["source"], p["target"]) for p in off.get("/v1/languages").json()["pairs"]}
    assert not [pair for pair in listed if pair[0] == "en"] and {("nb", "nn"), ("nn", "nb")} <= listed
    # Bokmål ↔ Nynorsk needs no model: Apertium answers without the English → Norwegian translator
    converted = off.post("/v1/translate", json={"text": "Jeg vet ikke hva han vil.", "target_lang": "nn"})
    assert converted.status_code == 200 and converted.json()["translations"][0]["text"] == "Eg veit ikkje kva han vil."


def test_the_stream_goes_both_ways(client: TestClient) -> None:
    with client.stream("POST", "/v1/translate/stream", json={"text": ENGLISH, "target_lang": "nn"}) as answer:
        lines = [json.loads(line) for line in answer.iter_lines() if line]
    assert [line["type"] for line in lines] == ["segment", "segment", "document"]
    assert lines[-1]["translation"]["target_lang"] == "nn" and lines[-1]["model"]["name"] == "from-english"


def test_documents_go_both_ways_named_and_declared_in_their_language(client: TestClient) -> None:
    html = b'<!doctype html><html lang="en"><body><h1>The news</h1><p>Three people lost their jobs in Oslo.</p></body></html>'
    answer = client.post(
        "/v1/translate/document", files={"file": ("story.html", html, "text/html")}, data={"target_lang": "nn"}
    )
    assert answer.status_code == 200, answer.text
    assert 'filename="story.nn.html"' in answer.headers["content-disposition"]
    assert answer.headers["x-oversett-target-lang"] == "nn" and answer.headers["x-oversett-model"] == "from-english"
    assert '<html lang="nn">' in answer.text and "The news" not in answer.text
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("The news", 1)
    document.add_paragraph("Three people lost their jobs in Oslo on Monday.")
    buffer = io.BytesIO()
    document.save(buffer)
    word = client.post(
        "/v1/translate/document", files={"file": ("story.docx", buffer.getvalue(), "application/octet-stream")},
        data={"target_lang": "nb", "xliff": "2.0"},
    )
    assert word.status_code == 200 and 'srcLang="en" trgLang="nb"' in word.text
    bad = client.post("/v1/translate/document", files={"file": ("story.html", html, "text/html")}, data={"target_lang": "fr"})
    assert bad.status_code == 422 and "nn (Norwegian Nynorsk)" in bad.json()["detail"]


def finished_job(client: TestClient, job_id: str, polls: int) -> dict[str, Any]:
    """The job once it has ended (or as it is after ``polls`` looks, 50 ms apart)."""
    for _ in range(polls):
        job: dict[str, Any] = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in ("completed", "failed"):
            break
        time.sleep(0.05)
    return job


def test_jobs_go_both_ways(client: TestClient) -> None:
    created = client.post(
        "/v1/jobs", json={"documents": [{"name": "a", "text": ENGLISH}], "target_lang": "nb", "summary": "short"}
    )
    assert created.status_code in (200, 202), created.text
    job = finished_job(client, created.json()["job_id"], polls=300)
    assert job["status"] == "completed" and job["target_lang"] == "nb"
    (document,) = job["documents"]
    assert document["status"] == "ok" and document["source_lang"] == "en" and document["summary"]


def test_summaries_of_english_into_norwegian(client: TestClient, services: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = spy_sources(services, monkeypatch)
    for method in ("abstractive", "extractive"):
        seen.clear()
        answer = client.post("/v1/summarize", json={"text": ENGLISH, "target_lang": "nn", "method": method})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["target_lang"] == "nn" and body["models"]["en_translator"].endswith("en-translator")
        assert seen and all(s.startswith(">>nob<< ") for s in seen)  # the English summary, in Bokmål, then Nynorsk
    own = client.post("/v1/summarize", json={"text": NORWEGIAN + " Det er fint.", "target_lang": "nb", "method": "extractive"})
    assert own.status_code == 200 and own.json()["summary"] in NORWEGIAN + " Det er fint."  # its own sentences


def test_metrics_are_labelled_by_direction(client: TestClient) -> None:
    assert client.post("/v1/translate", json={"text": NORWEGIAN}).status_code == 200
    assert client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nb"}).status_code == 200
    families = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").text)}
    misses = {s.labels["direction"]: s.value for s in families["oversett_cache_misses"].samples}
    assert misses["into-english"] >= 1 and misses["from-english"] >= 2
    detected = {(s.labels["lang"], s.labels["direction"]) for s in families["oversett_languages_detected"].samples}
    assert ("en", "from-english") in detected
