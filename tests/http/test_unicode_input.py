"""Any JSON string content on any POST route gets an answer in JSON, and never a server error:
lone surrogates (valid JSON escapes that are not Unicode text), NUL, private-use characters and
non-characters, in values and in keys."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from service.compose.services import load_services
from service.http.app import create_app

from ..conftest import tiny_settings

ROUTES = ["/v1/translate", "/v1/summarize", "/v1/jobs"]

# Every code point, surrogates (category Cs) included: hypothesis leaves them out by default.
ANY_CHARACTER = st.characters(codec=None, categories=None)
SPECIAL = st.sampled_from(["\ud800", "\udfff", "\udc00\udbff", "\x00", "\ue000", "\U000f0000",
                           "\ufdd0", "\ufffe", "\uffff", "\U0010ffff", "\u200b", "\ufeff"])
NASTY_TEXT = st.lists(st.one_of(ANY_CHARACTER, SPECIAL, st.sampled_from(["Hei ", "på ", "deg. "])),
                      max_size=40).map("".join)


@pytest.fixture(scope="module")
def module_client(tiny_models: dict[str, Path], detector: Any) -> Iterator[TestClient]:
    with tempfile.TemporaryDirectory() as state:
        services = load_services(tiny_settings(tiny_models, Path(state)), detector)
        with TestClient(create_app(services=services)) as client:
            yield client
        services.close()


def body_for(route: str, text: str) -> dict[str, Any]:
    if route == "/v1/jobs":
        return {"documents": [{"name": text, "text": text}]}
    return {"text": text}


def post_raw(client: TestClient, route: str, body: Any) -> Any:
    """Send the body as ASCII JSON, so lone surrogates travel as ``\\udXXX`` escapes."""
    raw = json.dumps(body, ensure_ascii=True).encode("ascii")
    return client.post(route, content=raw, headers={"content-type": "application/json"})


def assert_json_answer(response: Any) -> dict[str, Any]:
    assert response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/json"), response.text
    payload = response.json()
    if response.status_code >= 400:
        assert isinstance(payload["detail"], str) and payload["detail"] and payload["code"]
    return payload


@pytest.mark.parametrize("route", ROUTES)
def test_lone_surrogate_is_a_clear_422(module_client: TestClient, route: str) -> None:
    raw = b'{"text": "Hei \\ud800 verden."}'
    if route == "/v1/jobs":
        raw = b'{"documents": [{"name": "a", "text": "Hei \\ud800 verden."}]}'
    response = module_client.post(route, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    detail = assert_json_answer(response)["detail"]
    assert "surrogate" in detail and "U+D800" in detail


@pytest.mark.parametrize("route", ROUTES)
def test_surrogates_in_keys_and_other_fields(module_client: TestClient, route: str) -> None:
    for body in (
        {"text": "Hei.", "\ud800": 1},
        {"text": "Hei.", "source_lang": "\udc00"},
        {"documents": [{"name": "\ud800", "text": "Hei."}], "summary": "\udfff"},
        {"\udbff": ["\ud800"]},
    ):
        response = post_raw(module_client, route, body)
        assert 400 <= response.status_code < 500, response.text
        assert_json_answer(response)


@pytest.mark.parametrize("route", ROUTES)
@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=NASTY_TEXT)
def test_any_string_gets_a_json_answer_below_500(module_client: TestClient, route: str, text: str) -> None:
    assert_json_answer(post_raw(module_client, route, body_for(route, text)))


@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(NASTY_TEXT, min_size=1, max_size=4))
def test_any_list_of_strings_gets_a_json_answer_below_500(module_client: TestClient, items: list[str]) -> None:
    assert_json_answer(post_raw(module_client, "/v1/translate", {"text": items}))
