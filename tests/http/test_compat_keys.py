"""The compatible APIs take a key the way their clients send it, refuse in their own error shape
saying every way they take one, and reach a translation memory without a field for it: a key's
own memory (OVERSETT_KEY_MEMORIES), LibreTranslate's /suggest writing to it."""

from __future__ import annotations

from typing import Any

import pytest

KEY, WRITER = "desk-key", "writer-key"
TEXT = "Det er 30 grader i Oslo i dag."


@pytest.fixture
def keyed(make_client: Any) -> Any:
    return make_client(api_keys=f"{KEY},{WRITER}", memory_write_keys=WRITER, key_memories=f"{KEY}=desk,{WRITER}=desk")


def test_deepl_takes_the_key_in_the_header_a_form_field_or_the_query_and_get_too(keyed: Any) -> None:
    body = {"text": "Det regner.", "target_lang": "EN-GB"}
    assert keyed.post("/v2/translate", data=body, headers={"Authorization": f"DeepL-Auth-Key {KEY}"}).status_code == 200
    assert keyed.post("/v2/translate", data={**body, "auth_key": KEY}).status_code == 200
    assert keyed.post("/v2/translate", data=body, params={"auth_key": KEY}).status_code == 200
    got = keyed.get("/v2/translate", params={"text": ["Det regner.", "Sola skinner."], "target_lang": "EN-GB", "auth_key": KEY})
    assert got.status_code == 200 and len(got.json()["translations"]) == 2
    refused = keyed.post("/v2/translate", data=body)
    assert refused.status_code == 403 and set(refused.json()) == {"message"}
    assert "'Authorization: DeepL-Auth-Key KEY', or the auth_key form field or query parameter" in refused.json()["message"]
    wrong = keyed.get("/v2/usage", params={"auth_key": "nope"})
    assert wrong.status_code == 403 and "auth_key" in wrong.json()["message"]


def test_libretranslate_takes_api_key_in_json_form_or_query_and_says_so_when_it_is_missing(keyed: Any) -> None:
    body = {"q": "Det regner.", "source": "nb", "target": "en"}
    assert keyed.post("/translate", json={**body, "api_key": KEY}).status_code == 200
    assert keyed.post("/translate", data={**body, "api_key": KEY}).status_code == 200
    assert keyed.post("/translate", data=body, params={"api_key": KEY}).status_code == 200
    refused = keyed.post("/translate", json=body)
    assert refused.status_code == 403 and set(refused.json()) == {"error"}
    assert "api_key in the JSON body, the form or the query string" in refused.json()["error"]
    native = keyed.post("/v1/translate", json={"text": "Det regner."})
    assert native.status_code == 401 and "'Authorization: Bearer KEY' or 'X-API-Key: KEY'" in native.json()["detail"]


def test_every_libretranslate_route_answers_in_its_own_error_shape(keyed: Any, make_client: Any) -> None:
    assert set(keyed.post("/suggest", data={"q": "a", "s": "b", "source": "nb", "target": "en"}).json()) == {"error"}
    spec = keyed.get("/spec")
    assert spec.status_code == 404 and set(spec.json()) == {"error"}
    without_memory = make_client(api_keys=KEY).post(
        "/suggest", data={"q": TEXT, "s": "It is 30 degrees.", "source": "nb", "target": "en", "api_key": KEY})
    assert without_memory.status_code == 403 and "Suggestions are disabled" in without_memory.json()["error"]


def test_a_suggestion_becomes_the_keys_memory_and_every_api_uses_it(keyed: Any) -> None:
    settings = keyed.get("/frontend/settings").json()
    assert settings["suggestions"] is True
    reader = keyed.post("/suggest", data={"q": TEXT, "s": "It is 30 degrees in Oslo today.", "source": "nb", "target": "en",
                                          "api_key": KEY})
    assert reader.status_code == 403 and "may read" in reader.json()["error"]  # the desk key may not write
    written = keyed.post("/suggest", data={"q": TEXT, "s": "It is 30 degrees in Oslo today.", "source": "nb",
                                           "target": "en", "api_key": WRITER})
    assert written.status_code == 200 and written.json() == {"success": True}
    # LibreTranslate, DeepL and the native API with the desk key: its memory, with no field to name it
    libre = keyed.post("/translate", json={"q": TEXT, "source": "nb", "target": "en", "api_key": KEY}).json()
    assert libre["translatedText"] == "It is 30 degrees in Oslo today."
    deepl = keyed.post("/v2/translate", data={"text": TEXT, "target_lang": "EN-GB", "auth_key": KEY}).json()
    assert deepl["translations"][0]["text"] == "It is 30 degrees in Oslo today."
    native = keyed.post("/v1/translate", json={"text": TEXT}, headers={"X-API-Key": KEY}).json()
    assert native["translations"][0]["segments"][0]["origin"] == "memory"
    none = keyed.post("/v1/translate", json={"text": TEXT, "memory": "none"}, headers={"X-API-Key": KEY}).json()
    assert none["translations"][0]["segments"][0]["origin"] != "memory"
    entry = keyed.get("/v1/memories/desk/entries", headers={"X-API-Key": KEY}).json()["entries"][0]
    assert entry["author"].startswith("key:") and entry["origin"] == "correction"


def test_jobs_and_summaries_name_a_memory(client: Any) -> None:
    client.post("/v1/memories/desk/entries", json={"entries": [{"source": TEXT, "target": "It is 30 degrees in Oslo today."}]})
    created = client.post("/v1/jobs", json={"documents": [{"name": "a", "text": TEXT}], "memory": "desk"})
    assert created.status_code == 202
    import time

    job: dict[str, Any] = {}
    for _ in range(600):
        job = client.get(f"/v1/jobs/{created.json()['job_id']}").json()
        if job["status"] == "completed":
            break
        time.sleep(0.1)
    assert job["memory"] == "desk" and job["documents"][0]["translation"] == "It is 30 degrees in Oslo today."
    missing = client.post("/v1/jobs", json={"documents": [{"name": "a", "text": TEXT}], "memory": "nowhere"})
    assert missing.status_code == 404
    summary = client.post("/v1/summarize", json={"text": TEXT, "method": "extractive", "memory": "desk"}).json()
    assert summary["summary"] == "It is 30 degrees in Oslo today."
    plain = client.post("/v1/summarize", json={"text": TEXT, "method": "extractive"}).json()
    assert plain["summary"] != summary["summary"]  # without the memory: the model's, and not the cached one
