"""The compatible APIs driven by their own client libraries, from PyPI, against a real uvicorn on
127.0.0.1 with the tiny models and API keys on: the official ``deepl`` library and
``libretranslatepy``."""

from __future__ import annotations

import io
import json
import urllib.error
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import deepl
import docx
import pytest
from libretranslatepy import LibreTranslateAPI

from ..conftest import serve_in_thread

KEY = "compat-key"


@pytest.fixture
def base(make_services: Callable[..., Any]) -> Iterator[str]:
    server = serve_in_thread(make_services(api_keys=KEY))
    yield next(server)
    server.close()


def test_the_deepl_library_translates_one_text_and_a_list(base: str) -> None:
    translator = deepl.Translator(KEY, server_url=base)
    one = translator.translate_text("Det regner i Bergen.", target_lang="EN-GB")
    assert isinstance(one, deepl.TextResult) and one.text.strip() and one.detected_source_lang == "NB"
    many = translator.translate_text(["Det regner i Bergen.", "Vi blir hjemme i dag."], source_lang="NB", target_lang="EN-US")
    assert [r.detected_source_lang for r in many] == ["NB", "NB"] and all(r.text.strip() for r in many)


def test_the_deepl_library_reads_languages_and_usage(base: str) -> None:
    translator = deepl.Translator(KEY, server_url=base)
    sources = {language.code: language.name for language in translator.get_source_languages()}
    assert sources["NB"].startswith("Norwegian") and "NN" in sources
    targets = {language.code for language in translator.get_target_languages()}
    assert {"EN-GB", "EN-US"} <= targets
    before = translator.get_usage().character.count
    translator.translate_text("Det regner i Bergen.", target_lang="EN-GB")
    usage = translator.get_usage()
    assert usage.character.count == before + len("Det regner i Bergen.") and not usage.any_limit_reached


def test_a_deepl_glossary_is_an_oversett_glossary_and_is_applied(base: str) -> None:
    translator = deepl.Translator(KEY, server_url=base)
    glossary = translator.create_glossary("Avisa", source_lang="NB", target_lang="EN-GB",
                                          entries={"statsministeren": "the Prime Minister"})
    assert glossary.name == "Avisa" and glossary.entry_count == 1 and glossary.ready
    assert glossary.glossary_id in {g.glossary_id for g in translator.list_glossaries()}
    assert translator.get_glossary_entries(glossary) == {"statsministeren": "the Prime Minister"}
    result = translator.translate_text("Statsministeren kom til Bergen i går.", source_lang="NB", target_lang="EN-GB",
                                       glossary=glossary)
    assert "the Prime Minister" in result.text or "The Prime Minister" in result.text
    import httpx  # the same glossary on oversett's own API, by its id

    native = httpx.get(f"{base}/v1/glossaries/{glossary.glossary_id}", headers={"X-API-Key": KEY}).json()
    assert [t["target"] for t in native["terms"]] == ["the Prime Minister"]
    translator.delete_glossary(glossary)
    with pytest.raises(deepl.GlossaryNotFoundException):
        translator.get_glossary(glossary.glossary_id)


def test_the_deepl_library_translates_a_word_document(base: str, tmp_path: Path) -> None:
    document = docx.Document()
    for text in ("Det regner i Bergen.", "Vi blir hjemme i dag.", "Sola skinner i Oslo."):
        document.add_paragraph(text)
    source, target = tmp_path / "nyhet.docx", tmp_path / "news.docx"
    document.save(source)
    status = deepl.Translator(KEY, server_url=base).translate_document_from_filepath(source, target, target_lang="EN-GB")
    assert status.done and status.billed_characters and status.billed_characters > 0
    translated = docx.Document(target)
    paragraphs = [p.text for p in translated.paragraphs]
    assert len(paragraphs) == 3 and all(p.strip() for p in paragraphs)


def test_a_bad_deepl_key_is_refused_as_deepl_refuses_it(base: str) -> None:
    with pytest.raises(deepl.AuthorizationException):
        deepl.Translator("wrong-key", server_url=base).translate_text("Hei.", target_lang="EN-GB")


def test_libretranslatepy_translates_detects_and_lists_languages(base: str) -> None:
    client = LibreTranslateAPI(base, api_key=KEY)
    assert client.translate("Det regner i Bergen.", "nb", "en").strip()
    assert client.translate("Det regner i Bergen.", "auto", "en").strip()
    (detected,) = client.detect("Dette er en helt vanlig norsk setning om været i Bergen i dag.")
    assert detected["language"] in ("nb", "nn") and 0 < detected["confidence"] <= 100
    languages = {language["code"]: language for language in client.languages()}
    assert languages["nb"]["targets"] == ["en", "nn"] and languages["en"]["name"] == "English"


def test_libretranslatepy_with_a_bad_key_gets_403_and_its_error_shape(base: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        LibreTranslateAPI(base, api_key="wrong-key").translate("Hei.", "nb", "en")
    assert refused.value.code == 403
    assert set(json.loads(refused.value.read())) == {"error"}


def test_docx_round_trip_through_libretranslate_translate_file(base: str) -> None:
    import httpx

    document = docx.Document()
    document.add_paragraph("Det regner i Bergen.")
    buffer = io.BytesIO()
    document.save(buffer)
    answer = httpx.post(f"{base}/translate_file", data={"source": "nb", "target": "en", "api_key": KEY},
                        files={"file": ("nyhet.docx", buffer.getvalue())}, timeout=60)
    assert answer.status_code == 200, answer.text
    url = answer.json()["translatedFileUrl"]
    assert url.startswith(base) and url.endswith("nyhet.docx")
    downloaded = httpx.get(url, timeout=30)
    assert downloaded.status_code == 200 and docx.Document(io.BytesIO(downloaded.content)).paragraphs[0].text.strip()
    assert httpx.get(url, timeout=30).status_code == 404  # once


def test_the_peer_clients_translate_english_into_bokmal_and_nynorsk(base: str) -> None:
    translator = deepl.Translator(KEY, server_url=base)
    into_bokmal = translator.translate_text("Three people lost their jobs in Oslo.", target_lang="NB")
    assert into_bokmal.text.strip() and into_bokmal.detected_source_lang == "EN"
    assert {"NB", "NN"} <= {language.code for language in translator.get_target_languages()}
    with pytest.raises(deepl.DeepLException, match="not supported"):
        translator.translate_text("Three people lost their jobs.", target_lang="DE")
    client = LibreTranslateAPI(base, api_key=KEY)
    assert client.translate("Three people lost their jobs in Oslo.", "en", "nn").strip()
    assert client.translate("Three people lost their jobs in Oslo.", "auto", "nb").strip()
    languages = {language["code"]: language for language in client.languages()}
    assert languages["en"]["targets"] == ["en", "nb", "nn"]
