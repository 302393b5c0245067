"""Bad input of every class gets a clear JSON 4xx naming the problem (request schemas and the
one error surface)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.http.app import create_app

SPANISH = "El gobierno presentó hoy el presupuesto. Conducir será más caro el año que viene."


@pytest.mark.parametrize(
    ("path", "body", "status", "needle"),
    [
        # empty or white space
        ("/v1/translate", {"text": ""}, 422, "empty"),
        ("/v1/summarize", {"text": " \t\n"}, 422, "empty"),
        ("/v1/jobs", {"documents": [{"name": "a", "text": "\n"}]}, 422, "empty"),
        # wrong JSON types
        ("/v1/translate", {"text": {"nested": 1}}, 422, "text"),
        ("/v1/summarize", {"text": "Hei.", "max_words": "many"}, 422, "max_words"),
        ("/v1/jobs", {"documents": {"name": "a"}}, 422, "documents"),
        # unknown fields
        ("/v1/translate", {"text": "Hei.", "target_lang": "de"}, 422, "target_lang"),
        ("/v1/summarize", {"text": "Hei.", "style": "poem"}, 422, "style"),
        ("/v1/jobs", {"documents": [{"name": "a", "text": "Hei.", "path": "/etc/passwd"}]}, 422, "path"),
        # too many items
        ("/v1/translate", {"text": ["Hei."] * 129}, 422, "128"),
        # NUL and other control characters
        ("/v1/translate", {"text": "Hei\u0000 på deg"}, 422, "U+0000"),
        ("/v1/translate", {"text": ["Hei.", "Escape \u001b[31m"]}, 422, "U+001B"),
        ("/v1/summarize", {"text": "Tekst med \u0007 bjelle."}, 422, "U+0007"),
        ("/v1/jobs", {"documents": [{"name": "a\u0000", "text": "Hei."}]}, 422, "U+0000"),
        # unsupported languages
        ("/v1/translate", {"text": SPANISH}, 422, "Spanish"),
        ("/v1/summarize", {"text": SPANISH}, 422, "Spanish"),
        ("/v1/translate", {"text": "Hei.", "source_lang": "es"}, 422, "source_lang"),
        # absurd parameters
        ("/v1/translate", {"text": "Hei.", "num_beams": 0}, 422, "num_beams"),
        ("/v1/translate", {"text": "Hei.", "num_beams": 1000}, 422, "num_beams"),
        ("/v1/translate", {"text": "Hei.", "num_beams": 2.5}, 422, "num_beams"),
        ("/v1/summarize", {"text": "Hei.", "max_words": -3}, 422, "max_words"),
        ("/v1/summarize", {"text": "Hei.", "max_words": 10**9}, 422, "max_words"),
    ],
)
def test_bad_input_is_a_clear_4xx(client: TestClient, path: str, body: Any, status: int, needle: str) -> None:
    response = client.post(path, json=body)
    assert response.status_code == status, response.text
    payload = response.json()
    assert needle in payload["detail"] and payload["code"]


@pytest.mark.parametrize("path", ["/v1/translate", "/v1/summarize", "/v1/jobs"])
def test_bodies_that_are_not_json(client: TestClient, path: str) -> None:
    invalid_utf8 = client.post(path, content=b'{"text": "\xff\xfe bl\xe5b\xe6r"}', headers={"content-type": "application/json"})
    assert invalid_utf8.status_code == 400
    assert "UTF-8" in invalid_utf8.json()["detail"]
    broken = client.post(path, content=b'{"text": ', headers={"content-type": "application/json"})
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["detail"] and "line 1" in broken.json()["detail"]
    not_an_object = client.post(path, json=["Hei."])
    assert not_an_object.status_code == 422


def test_over_the_limit_everywhere(services: Any) -> None:
    services.settings.max_chars = 40
    services.pipeline.max_chars = 40
    with TestClient(create_app(services=services)) as client:
        long_text = "Dette er en ganske lang setning. " * 3
        for path, body in [
            ("/v1/translate", {"text": long_text}),
            ("/v1/summarize", {"text": long_text}),
            ("/v1/jobs", {"documents": [{"name": "a", "text": long_text}]}),
        ]:
            response = client.post(path, json=body)
            assert response.status_code == 413, path
            assert "limit" in response.json()["detail"]


def test_unknown_routes_and_methods_are_json(client: TestClient) -> None:
    missing = client.get("/v1/nothing")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    wrong = client.get("/v1/translate")
    assert wrong.status_code == 405 and wrong.json()["detail"]


def test_every_reference_of_the_openapi_document_resolves(client: Any) -> None:
    """A body schema given by hand once pointed at a model the document did not hold, and ReDoc
    refused the whole document ('Invalid reference token: GlossaryIn')."""
    import json
    import re

    spec = client.get("/openapi.json").json()
    references = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(spec)))
    defined = {f"#/components/schemas/{name}" for name in spec["components"]["schemas"]}
    assert references and references <= defined, references - defined


def test_the_schema_says_both_directions_where_the_compatible_apis_take_them(client: Any) -> None:
    """The descriptions once said the compatible APIs translate into English only."""
    import json

    spec = json.dumps(client.get("/openapi.json").json(), ensure_ascii=False)
    assert "EN, EN-GB or EN-US; NB or NN from English" in spec
    assert "English only" not in spec and "until English" not in spec
    targets = [t["language"] for t in client.get("/v2/languages", params={"type": "target"},
                                                   headers={"Authorization": "DeepL-Auth-Key any"}).json()]
    assert {"NB", "NN"} <= set(targets)
