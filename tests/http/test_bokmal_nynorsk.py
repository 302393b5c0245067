"""Bokmål ↔ Nynorsk with the real Apertium packages (apertium, apertium-nno-nob) behind the native
API, the stream, documents, LibreTranslate's and DeepL's routes; English → Nynorsk by way of Bokmål;
and a clear 503 that names the packages when Apertium is off or missing."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.http.app import create_app

BOKMAL = "Jeg vet ikke hva han vil, men vi skal hjelpe ham i morgen."
NYNORSK = "Eg veit ikkje kva han vil, men vi skal hjelpe han i morgon."


def _translate(client: TestClient, text: str, target: str, **extra: Any) -> dict[str, Any]:
    answer = client.post("/v1/translate", json={"text": text, "target_lang": target, **extra})
    assert answer.status_code == 200, answer.text
    (translation,) = answer.json()["translations"]
    return translation


def test_bokmal_goes_into_nynorsk_and_back(client: TestClient) -> None:
    nynorsk = _translate(client, BOKMAL, "nn")
    assert nynorsk["source_lang"] == "nb" and nynorsk["target_lang"] == "nn" and nynorsk["translated"] is True
    assert "ikkje" in nynorsk["text"] and "kva" in nynorsk["text"]
    assert "vi skal hjelpe" in nynorsk["text"]  # the default variant: e-infinitive and "vi" (nno_e)
    bokmal = _translate(client, NYNORSK, "nb")
    assert bokmal["source_lang"] == "nn" and "ikke" in bokmal["text"] and "hva" in bokmal["text"]
    again = _translate(client, BOKMAL, "nn")
    assert again["text"] == nynorsk["text"] and all(s["cached"] for s in again["segments"])


def test_text_in_the_same_written_standard_comes_back_unchanged(client: TestClient) -> None:
    same = _translate(client, NYNORSK, "nn")
    assert same["text"] == NYNORSK and same["translated"] is False and "already" in same["note"]


def test_words_apertium_does_not_know_are_named_and_lower_the_confidence(client: TestClient) -> None:
    (segment,) = _translate(client, "Han kjøpte en blørkefjas i byen.", "nn", source_lang="nb")["segments"]
    (issue,) = [i for i in segment["issues"] if i["code"] == "unknown"]
    assert "blørkefjas" in issue["message"] and "*" not in segment["translation"]
    assert segment["confidence"] < 1.0  # the share of words Apertium knows: 6 of 7
    known = _translate(client, "Han kjøpte en bok i byen.", "nn", source_lang="nb")["segments"][0]
    assert known["confidence"] == 1.0 and known["issues"] == []


def test_a_paragraph_keeps_its_link_number_and_bold_word(client: TestClient) -> None:
    markdown = "Regjeringen brukte **5 milliarder** kroner i fjor. Les mer på https://www.regjeringen.no/budsjett_2024.\n"
    answer = client.post(
        "/v1/translate/document", files={"file": ("budsjett.md", markdown.encode(), "text/markdown")}, data={"target_lang": "nn"},
    )
    assert answer.status_code == 200, answer.text
    text = answer.content.decode()
    assert "**5 milliardar**" in text or "**5 milliarder**" in text
    assert "https://www.regjeringen.no/budsjett_2024" in text and "Regjeringa" in text


def test_the_stream_converts_too(client: TestClient) -> None:
    with client.stream("POST", "/v1/translate/stream", json={"text": BOKMAL, "target_lang": "nn"}) as answer:
        assert answer.status_code == 200
        events = [json.loads(line) for line in answer.iter_lines() if line.strip()]
    assert any("ikkje" in json.dumps(e, ensure_ascii=False) for e in events)


def test_libretranslate_and_deepl_routes_take_the_pair(client: TestClient) -> None:
    answer = client.post("/translate", json={"q": BOKMAL, "source": "nb", "target": "nn"})
    assert answer.status_code == 200, answer.text
    assert "ikkje" in answer.json()["translatedText"]
    languages = {language["code"]: language["targets"] for language in client.get("/languages").json()}
    assert "nn" in languages["nb"] and "nb" in languages["nn"]
    deepl = client.post("/v2/translate", json={"text": [NYNORSK], "source_lang": "NN", "target_lang": "NB"})
    assert deepl.status_code == 200, deepl.text
    assert "ikke" in deepl.json()["translations"][0]["text"]


def test_english_goes_into_nynorsk_by_way_of_bokmal_unless_asked_to_go_direct(
    client: TestClient, services: Any, make_services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.http.test_both_directions import spy_sources

    seen = spy_sources(services, monkeypatch)
    _translate(client, "The weather was cold in Oslo on Monday.", "nn")
    assert seen and all(source.startswith(">>nob<< ") for source in seen)  # Bokmål first, then Apertium
    direct = make_services(nynorsk_route="direct")
    seen_direct = spy_sources(direct, monkeypatch)
    with TestClient(create_app(services=direct)) as other:
        _translate(other, "The weather was cold in Oslo on Monday.", "nn")
    assert seen_direct and all(source.startswith(">>nno<< ") for source in seen_direct)


def test_without_apertium_the_pair_is_a_503_naming_the_packages(make_services: Any) -> None:
    off = make_services(apertium=False)
    with TestClient(create_app(services=off)) as client:
        answer = client.post("/v1/translate", json={"text": BOKMAL, "target_lang": "nn"})
        assert answer.status_code == 503
        assert "apertium-nno-nob" in answer.json()["detail"] and "apt-get install" in answer.json()["detail"]
        english = client.post("/v1/translate", json={"text": "The weather was cold.", "target_lang": "nn"})
        assert english.status_code == 200  # every other pair works: English → Nynorsk goes direct
        assert client.post("/v1/translate", json={"text": BOKMAL}).status_code == 200


def test_models_languages_and_metrics_show_the_engine(client: TestClient) -> None:
    _translate(client, BOKMAL, "nn")
    standards = client.get("/v1/models").json()["standards"]
    assert standards["available"] is True and standards["pairs"] == ["nb-nn", "nn-nb"]
    assert standards["nynorsk_variant"] == "nno_e" and standards["english_to_nynorsk"] == "bokmal"
    assert 1 <= standards["running"] <= 2 * standards["pipelines"] and standards["version"]
    pairs = {(p["source"], p["target"]): p for p in client.get("/v1/languages").json()["pairs"]}
    assert pairs["nb", "nn"]["model"] == "apertium" and pairs["nn", "nb"]["loaded"] is True
    metrics = client.get("/metrics").text
    assert 'oversett_apertium_pipelines{direction="bokmal-nynorsk"} 1.0' in metrics
    assert 'oversett_segments_translated_total{direction="bokmal-nynorsk"}' in metrics
    memory = next(line for line in metrics.splitlines() if line.startswith("oversett_apertium_memory_bytes{"))
    assert float(memory.split()[-1]) > 10_000_000  # a pipeline's ~20 processes


def test_do_not_translate_terms_and_memory_entries_go_between_the_standards(client: TestClient) -> None:
    kept = _translate(client, "Regjeringen og Stortinget vet ikke hva de vil.", "nn", keep=["Regjeringen"])
    assert kept["text"].startswith("Regjeringen") and "ikkje" in kept["text"]
    plain = _translate(client, "Regjeringen og Stortinget vet ikke hva de vil.", "nn")
    assert plain["text"].startswith("Regjeringa")
    added = client.post("/v1/memories/nynorsk/entries", json={"entries": [
        {"source": "Vi ses i morgen.", "target": "Vi sjåast i morgon.", "source_lang": "nb", "target_lang": "nn"},
    ]})
    assert added.status_code == 200, added.text
    (segment,) = _translate(client, "Vi ses i morgen.", "nn", source_lang="nb", memory="nynorsk")["segments"]
    assert segment["translation"] == "Vi sjåast i morgon." and segment["origin"] == "memory"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("nyhet.html", '<html lang="nb"><body><h1>Budsjett</h1><p>Jeg vet <b>ikke</b> hva <a href="https://www.regjeringen.no">'
                       "regjeringen</a> vil.</p><p>Vi skal hjelpe ham.</p></body></html>"),
        ("nyhet.xhtml", '<html xmlns="http://www.w3.org/1999/xhtml" lang="nb"><body><p>Jeg vet <b>ikke</b> hva han vil.</p></body></html>'),
        ("nyhet.md", "# Budsjett\n\n- Jeg vet **ikke** hva han vil.\n- Vi skal hjelpe ham i morgen.\n"),
        ("nyhet.txt", "Jeg vet ikke hva han vil.\n\nVi skal hjelpe ham i morgen.\n"),
        ("nyhet.srt", "1\n00:00:01,000 --> 00:00:03,000\nJeg vet ikke hva han vil.\n\n2\n00:00:04,000 --> 00:00:06,000\nVi skal hjelpe ham.\n"),
        ("nyhet.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nJeg vet ikke hva han vil.\n\n00:00:04.000 --> 00:00:06.000\nVi skal hjelpe ham.\n"),
    ],
)
def test_text_formats_go_into_nynorsk_with_their_layout(client: TestClient, name: str, text: str) -> None:
    answer = client.post("/v1/translate/document", files={"file": (name, text.encode())}, data={"target_lang": "nn"})
    assert answer.status_code == 200, answer.text
    out = answer.content.decode()
    assert "ikkje" in out and "vet ikke" not in out
    tags = re.compile(r"<[^>]+>|^#+ |^- |\*\*|\d\d:\d\d:\d\d[,.]\d{3} --> \d\d:\d\d:\d\d[,.]\d{3}|^\d+$|WEBVTT", re.MULTILINE)
    def shape(found: str) -> list[str]:
        return [t for t in tags.findall(found) if "lang=" not in t and not t.startswith("<?xml")]

    assert shape(out) == shape(text)
    assert out.count("\n") - out.startswith("<?xml") == text.count("\n")
