"""English → Nynorsk, chosen per request: by way of Bokmål (the model's Bokmål, then Apertium) or
direct (the model's own >>nno<<), on every native route (translate, stream, documents, jobs,
summaries); the setting is the default, an unknown route is a 422, and the Bokmål route asked for
by name without Apertium is a 503 that names the packages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.http.app import create_app
from tests.http.test_both_directions import finished_job, spy_sources

ENGLISH = "The weather was cold in Oslo on Monday."


def _tokens(seen: list[str]) -> set[str]:
    """The target tokens the English → Norwegian model was asked for."""
    return {source.split(" ", 1)[0] for source in seen}


@pytest.mark.parametrize(("route", "token"), [("direct", ">>nno<<"), ("bokmal", ">>nob<<")])
def test_a_request_chooses_the_route_over_the_setting(
    route: str, token: str, client: TestClient, services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = spy_sources(services, monkeypatch)
    services.pool("nn")  # the setting here is the Bokmål route
    answer = client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nn", "nynorsk_route": route})
    assert answer.status_code == 200, answer.text
    assert _tokens(seen) == {token}
    seen.clear()
    streamed = client.post("/v1/translate/stream", json={"text": ENGLISH, "target_lang": "nn", "nynorsk_route": route})
    lines = [json.loads(line) for line in streamed.text.splitlines()]
    assert lines[-1]["type"] == "document" and lines[-1]["translation"]["text"] == answer.json()["translations"][0]["text"]
    assert _tokens(seen) <= {token}  # (the stream may find the sentence in the cache: no model call at all)


def test_the_two_routes_are_two_translations_and_the_cache_keeps_them_apart(client: TestClient) -> None:
    def text(route: str) -> str:
        body = {"text": ENGLISH, "target_lang": "nn", "nynorsk_route": route}
        return client.post("/v1/translate", json=body).json()["translations"][0]["text"]

    direct, bokmal = text("direct"), text("bokmal")
    assert direct != bokmal
    assert text("direct") == direct and text("bokmal") == bokmal  # from the cache, each its own


def test_the_setting_decides_when_the_request_does_not(make_services: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    direct = make_services(nynorsk_route="direct")
    seen = spy_sources(direct, monkeypatch)
    with TestClient(create_app(services=direct)) as client:
        assert client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nn"}).status_code == 200
        assert _tokens(seen) == {">>nno<<"}
        seen.clear()
        body = {"text": "The snow fell all night.", "target_lang": "nn", "nynorsk_route": "bokmal"}
        assert client.post("/v1/translate", json=body).status_code == 200
        assert _tokens(seen) == {">>nob<<"}


def test_an_unknown_route_is_a_422_that_names_the_choices(client: TestClient) -> None:
    answer = client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nn", "nynorsk_route": "nynorsk"})
    assert answer.status_code == 422
    assert "bokmal" in answer.text and "direct" in answer.text
    form = client.post("/v1/translate/document", files={"file": ("a.txt", ENGLISH.encode())},
                       data={"target_lang": "nn", "nynorsk_route": "sideways"})
    assert form.status_code == 422 and "bokmal" in form.text


def test_the_bokmal_route_asked_for_without_apertium_is_a_503_naming_the_packages(make_services: Any) -> None:
    off = make_services(apertium=False)
    with TestClient(create_app(services=off)) as client:
        asked = client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nn", "nynorsk_route": "bokmal"})
        assert asked.status_code == 503 and "apertium-nno-nob" in asked.json()["detail"]
        job = client.post("/v1/jobs", json={"documents": [{"name": "a", "text": ENGLISH}], "target_lang": "nn",
                                            "nynorsk_route": "bokmal"})
        assert job.status_code == 503  # refused when it is submitted, not failed later
        direct = client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nn", "nynorsk_route": "direct"})
        assert direct.status_code == 200
        assert client.post("/v1/translate", json={"text": ENGLISH, "target_lang": "nn"}).status_code == 200


def test_documents_jobs_and_summaries_take_the_route(
    client: TestClient, services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = spy_sources(services, monkeypatch)
    html = b'<html lang="en"><body><p>Three people lost <b>their</b> jobs in Oslo.</p></body></html>'
    document = client.post("/v1/translate/document", files={"file": ("story.html", html)},
                           data={"target_lang": "nn", "nynorsk_route": "direct"})
    assert document.status_code == 200, document.text
    assert _tokens(seen) == {">>nno<<"} and b'lang="nn"' in document.content
    seen.clear()
    created = client.post("/v1/jobs", json={"documents": [{"name": "a", "text": "The roads were closed."}],
                                            "target_lang": "nn", "nynorsk_route": "direct", "summary": "short"})
    assert created.status_code == 202, created.text
    job = finished_job(client, created.json()["job_id"], polls=600)
    assert job["status"] == "completed" and job["nynorsk_route"] == "direct", job
    assert _tokens(seen) == {">>nno<<"}
    seen.clear()
    summaries = {}
    for route in ("direct", "bokmal"):
        answer = client.post("/v1/summarize", json={"text": "The bridge opened in May. It cost a lot.", "target_lang": "nn",
                                                    "method": "extractive", "nynorsk_route": route})
        assert answer.status_code == 200, answer.text
        summaries[route] = answer.json()["summary"]
    assert _tokens(seen) == {">>nno<<", ">>nob<<"}
    assert summaries["direct"] != summaries["bokmal"]  # a summary cached for one route is not the other's


def test_the_route_is_described_in_the_api_docs(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for name in ("TranslateRequest", "SummarizeRequest", "JobRequest"):
        field = schemas[name]["properties"]["nynorsk_route"]
        assert "Apertium" in field["description"] and "OVERSETT_NYNORSK_ROUTE" in field["description"]
