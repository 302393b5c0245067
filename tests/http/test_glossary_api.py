"""Glossaries and model choice over HTTP with the tiny models: managed as JSON, CSV or TSV, bad
ones refused whole, every term in the output as the glossary says (inflected forms too), the
cache never stale, and named translators side by side within a memory bound."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from ..conftest import SEED_FILE

SEED_TERMS = [
    {"source": "Nato-sjef", "target": "NATO Secretary General"},
    {"source": "Russland", "target": "Russia"},
    {"source": "Wagner-gruppen", "target": "the Wagner Group"},
    {"source": "Stortinget", "target": "the Storting", "lang": "nb"},
    {"source": "bompenge", "target": "road toll"},
]
KEEP = ["Bakhmut", "Telegram", "NAV"]
HELD_OUT = (
    "Stortinget vedtok i går nye bompenger for Oslo.\n\n"
    "Stortingets leder sier at NAV må få mer penger, og at bompengene går til kollektivtrafikk."
)


@pytest.fixture
def newsroom(client: Any) -> Any:
    response = client.post("/v1/glossaries", json={"name": "newsroom", "terms": SEED_TERMS, "keep": KEEP})
    assert response.status_code == 201, response.text
    return client


def _expected(source: str) -> list[str]:
    from service.domain.glossary import build_glossary

    glossary = build_glossary("x", [(t["source"], t["target"], t.get("lang")) for t in SEED_TERMS], KEEP)
    return [m.target for m in glossary.matcher.find(source)]


def test_every_term_appears_as_the_glossary_says_in_its_sentence(newsroom: Any) -> None:
    seed = SEED_FILE.read_text(encoding="utf-8")
    for text in (seed, HELD_OUT):
        response = newsroom.post("/v1/translate", json={"text": text, "glossary": "newsroom", "source_lang": "nb"})
        assert response.status_code == 200, response.text
        segments = response.json()["translations"][0]["segments"]
        applied = 0
        for segment in segments:
            for target in _expected(segment["source"]):
                assert target in segment["translation"], (segment["source"], target, segment["translation"])
                applied += 1
            assert [t["target"] for t in segment["terms"]] == _expected(segment["source"])
        assert applied >= (10 if text is seed else 5)
    inflected = {t["source"]: t["target"] for s in segments for t in s["terms"]}
    assert inflected["Stortingets"] == "the Storting's" and inflected["bompengene"] == "road toll"
    assert inflected["NAV"] == "NAV"
    metrics = newsroom.get("/metrics").text
    assert 'oversett_glossary_terms_total{direction="into-english",outcome="applied"}' in metrics


def test_a_changed_glossary_changes_the_cached_result(make_client: Any, tmp_path: Path) -> None:
    client = make_client(cache=str(tmp_path / "cache.sqlite3"))
    digest = client.put("/v1/glossaries/g", json={"name": "g", "terms": [{"source": "Stortinget", "target": "the Storting"}]}).json()["digest"]
    body = {"text": "Stortinget møtes i dag.", "glossary": "g", "source_lang": "nb"}
    first = client.post("/v1/translate", json=body).json()["translations"][0]["segments"][0]
    again = client.post("/v1/translate", json=body).json()["translations"][0]["segments"][0]
    assert again["cached"] and again["translation"] == first["translation"] and "the Storting" in first["translation"]
    replaced = client.put("/v1/glossaries/g", content="Stortinget\tParliament\n", headers={"content-type": "text/tab-separated-values"})
    assert replaced.status_code == 200 and replaced.json()["digest"] != digest
    changed = client.post("/v1/translate", json=body).json()["translations"][0]["segments"][0]
    assert not changed["cached"] and "Parliament" in changed["translation"] and "the Storting" not in changed["translation"]


def test_glossaries_are_managed_over_http(client: Any) -> None:
    csv = "source,target,lang\nStortinget,the Storting,nb\nRegjeringa,the Government,nn\nNAV,\n"
    created = client.post("/v1/glossaries?name=politikk", content=csv, headers={"content-type": "text/csv"})
    assert created.status_code == 201, created.text
    assert created.json()["keep"] == ["NAV"] and len(created.json()["terms"]) == 2
    assert client.post("/v1/glossaries?name=politikk", content=csv, headers={"content-type": "text/csv"}).status_code == 409
    listed = client.get("/v1/glossaries").json()["glossaries"]
    assert [(g["name"], g["terms"], g["keep"]) for g in listed] == [("politikk", 2, 1)]
    assert client.put("/v1/glossaries/ny", json={"name": "ny", "keep": ["Equinor"]}).status_code == 201
    assert client.get("/v1/glossaries/ny").json()["keep"] == ["Equinor"]
    assert client.delete("/v1/glossaries/ny").status_code == 204
    missing = client.get("/v1/glossaries/ny")
    assert missing.status_code == 404 and "GET /v1/glossaries lists them" in missing.json()["detail"]  # the API names its route, the CLI its command
    assert client.delete("/v1/glossaries/ny").status_code == 404
    assert client.put("/v1/glossaries/a", json={"name": "b", "keep": ["X"]}).status_code == 422
    inline = client.post("/v1/translate", json={"text": "Regjeringa møtes.", "terms": [{"source": "Regjeringa", "target": "the Government"}]})
    assert inline.status_code == 200 and "the Government" in inline.json()["translations"][0]["text"]
    both = client.post("/v1/translate", json={"text": "Hei.", "glossary": "politikk", "keep": ["NAV"]})
    assert both.status_code == 422 and "not both" in both.json()["detail"]
    unknown = client.post("/v1/translate", json={"text": "Hei.", "glossary": "finnes-ikke"})
    assert unknown.status_code == 404 and "finnes-ikke" in unknown.json()["detail"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"name": "g", "terms": [{"source": "Stortinget", "target": ""}]}, ["Row 1", "empty target"]),
        ({"name": "g", "terms": [{"source": "NAV", "target": "a"}, {"source": "NAV", "target": "b"}]}, ["two English terms"]),
        ({"name": "g", "keep": [f"ord{i}" for i in range(10_001)]}, ["10,001 terms", "limit is 5,000"]),
        ({"name": "g", "terms": [{"source": " ".join(["ord"] * 200), "target": "x"}]}, ["too long", "200 words"]),
        ({"name": "../g", "keep": ["X"]}, ["name"]),
        ({"name": "g"}, ["no terms"]),
        ({"name": "g", "terms": "Stortinget"}, ["terms"]),
    ],
)
def test_bad_glossaries_get_a_clear_4xx_and_nothing_is_stored(client: Any, body: dict[str, Any], words: list[str]) -> None:
    client.put("/v1/glossaries/g", json={"name": "g", "keep": ["Original"]})
    for response in (client.post("/v1/glossaries", json={**body, "name": body["name"] + "-new"} if body["name"] == "g" else body),
                     client.put("/v1/glossaries/g", json=body) if body["name"] == "g" else None):
        if response is None:
            continue
        assert response.status_code == 422, response.text
        for word in words:
            assert word in response.json()["detail"], response.json()["detail"]
    assert client.get("/v1/glossaries/g").json()["keep"] == ["Original"]  # the stored one is untouched
    assert [g["name"] for g in client.get("/v1/glossaries").json()["glossaries"]] == ["g"]


def test_a_broken_table_is_refused(client: Any) -> None:
    response = client.post("/v1/glossaries?name=t", content="a,b,c,d\n", headers={"content-type": "text/csv"})
    assert response.status_code == 422 and "4 columns" in response.json()["detail"]
    nameless = client.post("/v1/glossaries", content="a,b\n", headers={"content-type": "text/csv"})
    assert nameless.status_code == 422 and "needs its name" in nameless.json()["detail"]


@pytest.fixture
def three_models(tiny_models: dict[str, Path], tmp_path: Path) -> dict[str, str]:
    paths = {"accurate": str(tiny_models["translator"])}
    for name in ("fast", "third"):
        shutil.copytree(tiny_models["translator"], tmp_path / name)
        paths[name] = str(tmp_path / name)
    return paths


def test_named_models_side_by_side_within_the_bound(make_client: Any, make_services: Any, three_models: dict[str, str]) -> None:
    import threading

    def batchers() -> int:
        return sum(1 for t in threading.enumerate() if t.name == "oversett-batcher" and t.is_alive())

    before = batchers()
    choices = ",".join(f"{name}={path}" for name, path in three_models.items())
    services = make_services(translators=choices, max_translators=2)
    client = make_client(services)
    listed = client.get("/v1/models").json()
    assert [(t["name"], t["default"], t["loaded"]) for t in listed["translators"] if t["direction"] == "into-english"] == [
        ("accurate", True, True), ("fast", False, False), ("third", False, False)]
    assert listed["max_translators"] == 2
    seen = {}
    for name in (None, "fast", "accurate", "third", "fast", "third"):
        body = {"text": "Det regner i Bergen.", **({"model": name} if name else {})}
        response = client.post("/v1/translate", json=body)
        assert response.status_code == 200, response.text
        model = response.json()["model"]
        seen[model["name"]] = model["id"]
        loaded = [
            t["name"] for t in client.get("/v1/models").json()["translators"]
            if t["loaded"] and t["direction"] == "into-english"  # the bound holds for each direction
        ]
        assert len(loaded) <= 2 and "accurate" in loaded  # within the bound; the default stays
    assert seen == three_models
    assert services.pool().unloaded >= 2
    # reloads are counted once a model: what /metrics keeps of model loads does not grow with traffic
    loads = [key for key in services.model_loads if key[0] == "translation"]
    assert len(loads) == len(set(loads)) <= len(three_models) + 1
    samples = [line for line in client.get("/metrics").text.splitlines() if line.startswith("oversett_model_load_seconds{")]
    assert len(samples) == len(set(line.rsplit(" ", 1)[0] for line in samples)) == len(services.model_loads)
    # what was unloaded is gone, not just forgotten: one batcher thread per loaded translator
    assert batchers() - before <= 2 + 1  # … and the English → Norwegian one
    unknown = client.post("/v1/translate", json={"text": "Hei.", "model": "huge"})
    assert unknown.status_code == 422 and "accurate, fast, third" in unknown.json()["detail"]
    assert "from-english" not in unknown.json()["detail"]  # only the translators of the pair asked for
    assert "OVERSETT_TRANSLATORS" in unknown.json()["detail"]
    document = client.post("/v1/translate/document", files={"file": ("a.md", b"# Tittel\n\nDet regner.\n")}, data={"model": "fast"})
    assert document.status_code == 200 and document.headers["x-oversett-model"] == "fast"


def test_bad_translator_settings_are_refused_at_startup() -> None:
    from pydantic import ValidationError

    from service.config import Settings

    with pytest.raises(ValidationError, match="NAME=MODEL"):
        Settings(_env_file=None, translators="fast")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="NAME=MODEL"):
        Settings(_env_file=None, translators="a=x,a=y")  # type: ignore[call-arg]


def test_replicas_share_glossaries_through_redis(redis_server: Any, make_client: Any) -> None:
    from ..conftest import free_port

    url, _ = redis_server
    first, second = make_client(redis_url=url), make_client(redis_url=url)
    assert first.put("/v1/glossaries/delt", json={"name": "delt", "keep": ["NAV"]}).status_code == 201
    assert second.get("/v1/glossaries/delt").json()["keep"] == ["NAV"]
    assert second.post("/v1/glossaries", json={"name": "delt", "keep": ["X"]}).status_code == 409
    translated = second.post("/v1/translate", json={"text": "NAV betaler.", "glossary": "delt"})
    assert translated.json()["translations"][0]["segments"][0]["terms"] == [{"source": "NAV", "target": "NAV"}]
    assert first.delete("/v1/glossaries/delt").status_code == 204
    assert second.get("/v1/glossaries/delt").status_code == 404
    away = make_client(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    response = away.get("/v1/glossaries")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"


def test_a_named_translator_does_not_take_the_default_ones_converted_copy() -> None:
    from service.compose.services import settings_for_model
    from service.config import Settings

    settings = Settings(_env_file=None, translators="accurate=org/big,fast=org/small", ct2_model="models/big-ct2")  # type: ignore[call-arg]
    fast = settings_for_model(settings, "fast")
    assert (fast.translator, fast.ct2_model, fast.translators) == ("org/small", None, "fast=org/small")
    accurate = settings_for_model(settings, "accurate")
    assert (accurate.translator, accurate.ct2_model) == ("org/big", "models/big-ct2")
    assert settings_for_model(settings, None) is settings
