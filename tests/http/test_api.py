from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.compose.services import load_services
from service.config import Settings
from service.http.app import create_app

from ..conftest import spy_translate, translator_backend


def _line_shape(text: str) -> list[tuple[bool, str]]:
    """Per line: blank or not, and the leading layout marker if any."""
    shape = []
    for line in text.splitlines():
        marker = next((m for m in ("– ", "- ", "* ", "• ") if line.startswith(m)), "")
        shape.append((not line.strip(), marker))
    return shape


def _spy_generate(services: Any, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    model = translator_backend(services).model
    calls: list[int] = []
    original = model.generate

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(int(kwargs["input_ids"].shape[0]))
        return original(*args, **kwargs)

    monkeypatch.setattr(model, "generate", spy)
    return calls


def test_health_ready_models(client: TestClient, settings: Settings) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").status_code == 200
    info = client.get("/v1/models").json()
    assert info["translator"]["id"] == settings.translator
    assert info["translator"]["loaded"] is True
    assert info["translator"]["backend"] == "torch"
    assert info["translator"]["threads"]["torch_intra_op"] >= 1
    assert info["translator"]["dynamic_batching"] is True


def test_translate_seed_keeps_layout(client: TestClient, seed_text: str) -> None:
    response = client.post("/v1/translate", json={"text": seed_text})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"]["backend"] == "torch"
    (translation,) = body["translations"]
    assert translation["source_lang"] == "nb"
    english = translation["text"]
    assert english.endswith("\n") == seed_text.endswith("\n")
    assert _line_shape(english) == _line_shape(seed_text)
    assert english.count("\n– ") == seed_text.count("\n– ") > 0
    segments = translation["segments"]
    assert len(segments) >= 30
    assert all(s["translation"] and not s["cached"] for s in segments)
    assert [s["source"] for s in segments][0] == seed_text.splitlines()[0]


def test_list_markers_survive(client: TestClient) -> None:
    text = "Dette må du vite:\n\n- Regjeringen legger fram budsjettet.\n* Skattene går opp.\n• Bensinen blir dyrere.\n1. Først kommer dette.\n"
    response = client.post("/v1/translate", json={"text": text, "source_lang": "nb"})
    assert response.status_code == 200, response.text
    english = response.json()["translations"][0]["text"]
    lines = english.split("\n")
    assert lines[1] == "" and lines[-1] == ""
    assert lines[2].startswith("- ") and lines[3].startswith("* ")
    assert lines[4].startswith("• ") and lines[5].startswith("1. ")


def test_repeat_is_served_from_cache_without_the_model(
    client: TestClient, services: Any, seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = client.post("/v1/translate", json={"text": seed_text}).json()
    calls = _spy_generate(services, monkeypatch)
    second = client.post("/v1/translate", json={"text": seed_text}).json()
    assert calls == []
    segments = second["translations"][0]["segments"]
    assert segments and all(s["cached"] for s in segments)
    assert second["translations"][0]["text"] == first["translations"][0]["text"]


def test_partly_cached_request_translates_only_the_misses(
    make_services: Any, make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = make_services(retry_flagged=False)  # the tiny model loops: no second tries here
    client = make_client(services)
    client.post("/v1/translate", json={"text": "Det regner i Bergen i dag.", "source_lang": "nb"})
    calls = _spy_generate(services, monkeypatch)
    body = client.post(
        "/v1/translate",
        json={"text": "Det regner i Bergen i dag. Sola skinner i Oslo.", "source_lang": "nb"},
    ).json()
    cached = [s["cached"] for s in body["translations"][0]["segments"]]
    assert cached == [True, False]
    assert calls == [1]  # one batch holding the one miss


def test_list_of_texts(client: TestClient) -> None:
    texts = ["Hei, hvordan går det?", "Det går bra, takk.", "Dette er en engelsk tekst? No, this is English."]
    response = client.post("/v1/translate", json={"text": texts[:2], "source_lang": "nb"})
    assert response.status_code == 200
    assert len(response.json()["translations"]) == 2


def test_long_paragraph_is_not_truncated(
    client: TestClient, services: Any, seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = [w.strip(".,:–") for w in seed_text.split() if w.strip(".,:–")]
    paragraph = " ".join((words * 10)[:3000])
    translator = services.pipeline.translator
    seen = spy_translate(services, monkeypatch)
    response = client.post("/v1/translate", json={"text": paragraph, "source_lang": "nb"})
    assert response.status_code == 200, response.text
    segments = response.json()["translations"][0]["segments"]
    assert len(segments) == 1 and segments[0]["source"] == paragraph
    # Every word reaches the model, in order, in pieces the model can take whole.
    assert " ".join(seen).split() == paragraph.split()
    assert len(seen) > 1
    assert all(translator.count_tokens(piece) <= translator.info.max_input_tokens for piece in seen)


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"text": ""}, 422, "empty"),
        ({"text": "   \n\t "}, 422, "empty"),
        ({"text": ["Hei.", " "]}, 422, "text item 2 is empty"),
        ({"text": ["Hei."] * 129}, 422, "128"),
        ({"text": []}, 422, "at least 1"),
        ({"text": 42}, 422, "text"),
        ({"text": ["Hei.", 3]}, 422, "text"),
        ({"text": "Hei.", "num_beams": "fire"}, 422, "num_beams"),
        ({"text": "Hei.", "num_beams": 0}, 422, "num_beams"),
        ({"text": "Hei.", "source_lang": "de"}, 422, "source_lang"),
        ({"text": "Hei.", "colour": "blue"}, 422, "colour"),
        ({"txt": "Hei."}, 422, "text"),
        (
            {"text": "El gobierno presentó hoy el presupuesto. Conducir será más caro el año que viene."},
            422,
            "Spanish",
        ),
    ],
)
def test_bad_requests(client: TestClient, body: Any, status: int, needle: str) -> None:
    response = client.post("/v1/translate", json=body)
    assert response.status_code == status, response.text
    payload = response.json()
    assert needle in payload["detail"]
    assert payload["code"]


def test_unsupported_language_names_the_supported_ones(client: TestClient) -> None:
    spanish = "El gobierno presentó hoy el presupuesto. Conducir será más caro el año que viene."
    detail = client.post("/v1/translate", json={"text": spanish}).json()["detail"]
    assert "Spanish" in detail and "Bokmål" in detail and "Nynorsk" in detail
    assert client.post("/v1/translate", json={"text": spanish}).json()["code"] == "unsupported_language"


def test_malformed_json_is_a_400_that_says_what_is_wrong_and_where(client: TestClient) -> None:
    response = client.post(
        "/v1/translate", content=b'{"text": "Hei",\n "num_beams": oops}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_json"
    assert response.json()["detail"] == (
        "The request body is not valid JSON: expecting value (line 2, column 15, at 'oops}')."
    )
    cut = client.post("/v1/translate", content=b'{"text": "Hei"', headers={"content-type": "application/json"})
    assert cut.status_code == 400 and "at the end" in cut.json()["detail"]
    # the compatible APIs say the same, in their own shapes
    libre = client.post("/translate", content=b'{"q": "Hei",}', headers={"content-type": "application/json"})
    assert libre.status_code == 400 and "line 1, column 13" in libre.json()["error"]


def test_a_body_sent_without_the_json_content_type_is_told_to_send_it(client: TestClient) -> None:
    # what curl sends with -d and no -H: application/x-www-form-urlencoded
    response = client.post("/v1/translate", content=b'{"text": "Det regner."}',
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert "Content-Type: application/json" in response.json()["detail"]
    assert "application/x-www-form-urlencoded" in response.json()["detail"]
    untyped = client.post("/v1/translate", content=b'{"text": "Det regner."}')
    assert untyped.status_code == 400 and "had no Content-Type" in untyped.json()["detail"]


def test_over_the_character_limit(services: Any) -> None:
    services.settings.max_chars = 50
    services.pipeline.max_chars = 50
    with TestClient(create_app(services=services)) as client:
        response = client.post("/v1/translate", json={"text": "Dette er en setning. " * 5})
        assert response.status_code == 413
        assert "limit is 50" in response.json()["detail"]
        assert client.post("/v1/translate", json={"text": ["Hei. " * 6, "Ja. " * 6]}).status_code == 413


def test_english_comes_back_unchanged(client: TestClient, services: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _spy_generate(services, monkeypatch)
    text = "The government presented the budget today.\n\nDriving will become more expensive next year."
    body = client.post("/v1/translate", json={"text": text}).json()
    assert body["translations"][0]["text"] == text
    assert body["translations"][0]["source_lang"] == "en"
    assert calls == []


def test_flags_and_confidence_reach_the_api_and_the_cache(client: TestClient) -> None:
    body = {"text": "Det regner i Bergen i dag.\n\nSola skinner i Oslo.", "source_lang": "nb"}
    first = client.post("/v1/translate", json=body).json()["translations"][0]
    segments = first["segments"]
    # The tiny model's "translations" loop on purpose: every sentence is flagged, with reasons.
    assert first["issues"] == len(segments) == 2
    for segment in segments:
        assert 0 < segment["confidence"] <= 1
        codes = {i["code"] for i in segment["issues"]}
        assert codes and codes <= {"number", "link", "name", "repetition", "length", "untranslated", "empty"}
        assert all(i["message"] for i in segment["issues"])
    again = client.post("/v1/translate", json=body).json()["translations"][0]
    assert all(s["cached"] for s in again["segments"])
    assert [(s["issues"], s["confidence"]) for s in again["segments"]] == [(s["issues"], s["confidence"]) for s in segments]


@pytest.mark.parametrize("text", ["12 345 678", "🎉🎉🎉 👍", "2024-11-26 kl. 13:49"[:10] + " → 42 %"])
def test_text_without_letters_comes_back_unchanged_without_the_model(
    client: TestClient, services: Any, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    calls = _spy_generate(services, monkeypatch)
    body = client.post("/v1/translate", json={"text": text}).json()
    assert body["translations"][0]["text"] == text
    assert body["translations"][0]["detected"] == {"lang": "zxx", "confidence": 1.0}
    summary = client.post("/v1/summarize", json={"text": text}).json()
    assert summary["summary"] == text.strip() and summary["detected"]["lang"] == "zxx"
    assert calls == []


def test_detected_language_and_confidence_are_reported(client: TestClient) -> None:
    detected = client.post("/v1/translate", json={"text": "Regjeringen la fram budsjettet i dag."}).json()["translations"][0]
    assert detected["source_lang"] == detected["detected"]["lang"] == "nb"
    assert 0 < detected["detected"]["confidence"] <= 1
    named = client.post("/v1/translate", json={"text": "Hei på deg.", "source_lang": "nn"}).json()["translations"][0]
    assert named["source_lang"] == "nn" and named["detected"] is None
    summary = client.post("/v1/summarize", json={"text": "Hei på deg. Det regner i Bergen.", "method": "extractive"}).json()
    assert summary["detected"]["lang"] in {"nb", "nn"}


def test_missing_model_answers_503(tmp_path: Path, detector: Any) -> None:
    settings = Settings(
        translator=str(tmp_path / "no-such-model"), cache="none", _env_file=None  # type: ignore[call-arg]
    )
    services = load_services(settings, detector)
    with TestClient(create_app(services=services)) as client:
        assert client.get("/health").status_code == 200
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert "no-such-model" in ready.json()["detail"]
        response = client.post("/v1/translate", json={"text": "Hei på deg."})
        assert response.status_code == 503
        detail = response.json()["detail"]
        assert "no-such-model" in detail and "OVERSETT_TRANSLATOR" in detail
        assert client.get("/v1/models").json()["translator"]["loaded"] is False


def test_app_loads_models_itself_in_the_lifespan(settings: Settings, seed_text: str) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.get("/ready").status_code == 200
        assert client.post("/v1/translate", json={"text": "Hei, hvordan går det?"}).status_code == 200


def test_the_favicon_is_served(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/vnd.microsoft.icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert '<link rel="icon" href="/favicon.ico">' in client.get("/").text
