"""The LibreTranslate- and DeepL-compatible routes' shapes and errors, through TestClient with the
tiny models: both body encodings, their error bodies and status codes (never a 500), keys and rate
limits as on the native API, one cache with the native API, and /metrics labelled by API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

TEXT = "Det regner i Bergen."


def test_libretranslate_translate_takes_form_and_json_one_text_or_many(client: TestClient) -> None:
    form = client.post("/translate", data={"q": TEXT, "source": "nb", "target": "en"})
    assert form.status_code == 200 and set(form.json()) == {"translatedText"}
    many = client.post("/translate", json={"q": [TEXT, "Vi blir hjemme."], "source": "auto", "target": "en",
                                           "alternatives": 2})
    body = many.json()
    assert many.status_code == 200 and len(body["translatedText"]) == 2
    assert [d["language"] for d in body["detectedLanguage"]] == ["nb", "nb"]
    assert all(0 < d["confidence"] <= 100 for d in body["detectedLanguage"]) and body["alternatives"] == [[], []]
    repeated = client.post("/translate", data={"q": [TEXT, "Vi blir hjemme."], "source": "nb", "target": "en"})
    assert repeated.status_code == 200 and len(repeated.json()["translatedText"]) == 2


def test_libretranslate_html_keeps_the_markup(client: TestClient) -> None:
    answer = client.post("/translate", json={"q": f"<p><b>{TEXT}</b></p>", "source": "nb", "target": "en",
                                             "format": "html"})
    assert answer.status_code == 200
    assert answer.json()["translatedText"].startswith("<p><b>") and answer.json()["translatedText"].endswith("</b></p>")


def test_libretranslate_errors_have_its_shape_and_codes(client: TestClient) -> None:
    for body in ({"q": TEXT, "source": "nb", "target": "de"}, {"source": "nb", "target": "en"},
                 {"q": TEXT, "source": "xx", "target": "en"}, {"q": [], "target": "en"}):
        answer = client.post("/translate", json=body)
        assert answer.status_code == 400 and set(answer.json()) == {"error"}, (body, answer.text)
    broken = client.post("/translate", content=b"{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and "JSON" in broken.json()["error"]
    assert client.post("/detect", data={}).status_code == 400


def test_libretranslate_detect_languages_and_settings(client: TestClient) -> None:
    (found,) = client.post("/detect", data={"q": "Dette er en vanlig norsk setning om været i Bergen."}).json()
    assert found["language"] == "nb" and 0 < found["confidence"] <= 100
    (german,) = client.post("/detect", json={"q": "Das ist ein ganz normaler deutscher Satz über das Wetter heute."}).json()
    assert german["language"] == "de"  # not translated, but named
    for short in ("Eg er glad i deg.", "Jeg er glad i deg."):  # doubtful Danish/Norwegian is Norwegian
        (norwegian,) = client.post("/detect", data={"q": short}).json()
        assert norwegian["language"] in ("nb", "nn"), short
    assert client.post("/languages").json() == client.get("/languages").json()  # libretranslatepy POSTs
    codes = {language["code"]: language["targets"] for language in client.get("/languages").json()}
    assert codes["nb"] == ["en", "nn"] and codes["nn"] == ["en", "nb"] and set(codes) >= {"nb", "nn", "da", "sv", "en"}
    settings = client.get("/frontend/settings").json()
    assert settings["keyRequired"] is False and ".docx" in settings["supportedFilesFormat"]


def test_keys_and_rate_limits_hold_on_both_apis_in_their_shapes(make_client: Callable[..., TestClient]) -> None:
    client = make_client(api_keys="k1", rate_limit_per_minute=2)
    keyless = client.post("/translate", data={"q": TEXT, "target": "en"})
    assert keyless.status_code == 403 and set(keyless.json()) == {"error"}
    refused = client.post("/translate", data={"q": TEXT, "target": "en", "api_key": "nope"})
    assert refused.status_code == 403 and set(refused.json()) == {"error"}
    deepl_refused = client.post("/v2/translate", json={"text": [TEXT], "target_lang": "EN-GB"})
    assert deepl_refused.status_code == 403 and set(deepl_refused.json()) == {"message"}
    auth = {"Authorization": "DeepL-Auth-Key k1"}
    statuses = [client.post("/v2/translate", json={"text": [TEXT], "target_lang": "EN-GB"}, headers=auth).status_code
                for _ in range(3)]
    assert statuses[0] == 200 and statuses[-1] == 429
    limited = client.post("/v2/translate", json={"text": [TEXT], "target_lang": "EN-GB"}, headers=auth)
    assert set(limited.json()) == {"message"} and limited.headers["Retry-After"]
    lt_limited = client.post("/translate", data={"q": TEXT, "target": "en", "api_key": "k1"})
    assert lt_limited.status_code == 429 and set(lt_limited.json()) == {"error"}  # the same bucket, one key


def test_deepl_errors_have_its_shape_and_codes(client: TestClient) -> None:
    too_many = client.post("/v2/translate", json={"text": [TEXT] * 51, "target_lang": "EN-GB"})
    assert too_many.status_code == 400 and set(too_many.json()) == {"message"}
    for body in ({"text": [TEXT], "target_lang": "DE"}, {"text": [TEXT]}, {"text": [TEXT], "target_lang": "EN", "source_lang": "FR"}):
        answer = client.post("/v2/translate", json=body)
        assert answer.status_code == 400 and set(answer.json()) == {"message"}, (body, answer.text)
    missing = client.get("/v2/glossaries/no-such-glossary")
    assert missing.status_code == 404 and set(missing.json()) == {"message"}
    unknown = client.get("/v2/nothing-here")
    assert unknown.status_code == 404 and set(unknown.json()) == {"message"}


def test_deepl_form_bodies_and_a_too_large_document(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_document_bytes=1000)
    form = client.post("/v2/translate", data={"text": [TEXT, "Vi blir hjemme."], "target_lang": "EN-US"})
    assert form.status_code == 200 and len(form.json()["translations"]) == 2
    large = client.post("/v2/document", data={"target_lang": "EN-GB"}, files={"file": ("a.txt", b"Hei. " * 400)})
    assert large.status_code == 413 and set(large.json()) == {"message"}


def test_one_pipeline_one_cache_and_metrics_by_api(client: TestClient) -> None:
    assert client.post("/translate", data={"q": TEXT, "source": "nb", "target": "en"}).status_code == 200
    native = client.post("/v1/translate", json={"text": TEXT, "source_lang": "nb"}).json()
    assert all(s["cached"] for s in native["translations"][0]["segments"])  # the LibreTranslate call filled it
    assert client.post("/v2/translate", json={"text": [TEXT], "target_lang": "EN-GB", "source_lang": "NB"}).json()[
        "translations"][0]["text"] == native["translations"][0]["text"]
    families = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").text)}
    seen: dict[tuple[str, str], Any] = {
        (s.labels["api"], s.labels["endpoint"]): s.value for s in families["oversett_requests"].samples if s.name.endswith("_total")
    }
    assert seen[("libretranslate", "/translate")] >= 1 and seen[("deepl", "/v2/translate")] >= 1
    assert seen[("native", "/v1/translate")] >= 1


def test_a_deepl_csv_glossary_keeps_quoted_commas(client: TestClient) -> None:
    created = client.post("/v2/glossaries", json={
        "name": "steder", "source_lang": "NB", "target_lang": "EN", "entries_format": "csv",
        "entries": '"Oslo, Norge","Oslo, Norway"\nstortinget,the Storting\n',
    })
    assert created.status_code == 201, created.text
    entries = client.get(f"/v2/glossaries/{created.json()['glossary_id']}/entries").text
    assert entries.splitlines() == ["Oslo, Norge\tOslo, Norway", "stortinget\tthe Storting"]


def test_an_empty_upload_is_refused_in_each_api_shape(client: TestClient) -> None:
    libre = client.post("/translate_file", data={"target": "en"}, files={"file": ("tom.txt", b"  \n")})
    assert libre.status_code == 400 and "empty" in libre.json()["error"]
    deepl = client.post("/v2/document", data={"target_lang": "EN-GB"}, files={"file": ("tom.txt", b"")})
    assert deepl.status_code == 400 and "empty" in deepl.json()["message"]
