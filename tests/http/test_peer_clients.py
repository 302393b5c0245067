"""The clients people already use, unchanged, against a real oversett serve (uvicorn on 127.0.0.1,
the tiny models, API keys on): the official DeepL Node.js client (deepl-node, from the npm registry)
for text both ways, documents and glossaries; deep-translator's LibreTranslator; the `translate`
package's libre and deepl providers, pointed at oversett; and libretranslate-aio. deepl and
libretranslatepy have their own tests (test_compat_clients.py)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pytest

from ..conftest import REPO, serve_in_thread

KEY = "peer-key"
DEEPL_NODE = "deepl-node@1.28.0"


@pytest.fixture(scope="module")
def base(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from service.compose.services import load_services

    from ..conftest import tiny_settings

    state = tmp_path_factory.mktemp("peers")
    server = serve_in_thread(load_services(tiny_settings(tiny_models, state, api_keys=KEY, memory_write_keys=KEY,
                                                         key_memories=f"{KEY}=desk")))
    yield next(server)
    server.close()


@pytest.fixture(scope="module")
def node_client(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Any]:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not installed (Node.js 20 with npm is part of the test machine)")
    folder = tmp_path_factory.mktemp("deepl-node")
    (folder / "package.json").write_text('{"name": "peer", "private": true, "type": "module"}', encoding="utf-8")
    installed = subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", DEEPL_NODE], cwd=folder,
                               capture_output=True, text=True, timeout=600)
    if installed.returncode != 0:
        pytest.fail(f"deepl-node could not be installed from the npm registry: {installed.stderr[-2000:]}")
    shutil.copy(REPO / "tests" / "fixtures" / "deepl_node.mjs", folder / "client.mjs")

    def run(*args: str) -> Any:
        done = subprocess.run(["node", "client.mjs", *args], cwd=folder, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout)

    return run


def test_the_deepl_node_client_translates_both_ways_documents_and_glossaries(
    base: str, node_client: Callable[..., Any], tmp_path: Path
) -> None:
    document = docx.Document()
    for text in ("Det regner i Bergen.", "Vi blir hjemme i dag."):
        document.add_paragraph(text)
    source, target = tmp_path / "nyhet.docx", tmp_path / "news.docx"
    document.save(source)
    out = node_client(base, KEY, str(source), str(target))
    assert out["intoEnglish"]["detected"] == "nb" and out["intoEnglish"]["text"].strip()
    assert [r["detected"] for r in out["intoBokmal"]] == ["en", "en"]
    assert {"nb", "nn", "en"} <= {c.lower() for c in out["sources"]}
    assert {"en-gb", "en-us", "nb", "nn"} <= {c.lower() for c in out["targets"]}
    assert out["usage"]["count"] > 0 and out["usage"]["limitReached"] is False
    assert out["glossary"] == {"name": "Avisa", "entries": 1, "ready": True} and out["glossaryListed"]
    assert out["glossaryEntries"] == {"statsministeren": "the Prime Minister"}
    assert "the Prime Minister" in out["withGlossary"] or "The Prime Minister" in out["withGlossary"]
    assert out["deletedGlossaryFound"] is False
    assert out["document"]["done"] is True and out["document"]["billed"] > 0
    assert [p.text for p in docx.Document(target).paragraphs if p.text.strip()]
    assert out["badKey"] == "AuthorizationError"


def test_deep_translators_libre_translator(base: str) -> None:
    from deep_translator import LibreTranslator
    from deep_translator.exceptions import AuthorizationException

    # its own list of LibreTranslate's languages has no Norwegian: the source is detected ('auto')
    text = LibreTranslator(source="auto", target="en", api_key=KEY, custom_url=f"{base}/").translate("Det regner i Bergen.")
    assert isinstance(text, str) and text.strip()
    with pytest.raises(AuthorizationException):
        LibreTranslator(source="auto", target="en", api_key="wrong", custom_url=f"{base}/").translate("Det regner.")


def test_the_translate_packages_libre_and_deepl_providers(base: str) -> None:
    from translate import Translator

    libre = Translator(provider="libre", from_lang="nb", to_lang="en", secret_access_key=KEY, base_url=f"{base}/")
    assert libre.translate("Det regner i Bergen.").strip()
    into_nynorsk = Translator(provider="libre", from_lang="en", to_lang="nn", secret_access_key=KEY, base_url=f"{base}/")
    assert into_nynorsk.translate("It rains in Bergen.").strip()
    deepl = Translator(provider="deepl", from_lang="NB", to_lang="EN-GB", secret_access_key=KEY)
    deepl.provider.base_url = f"{base}/v2/translate"  # the provider has no setting for it; this is how it is pointed
    assert deepl.translate("Det regner i Bergen.").strip()


def test_libretranslate_aio_sync_and_async(base: str) -> None:
    import asyncio

    from libretranslate_aio import AsyncLibreTranslate, ForbiddenError, LibreTranslate

    client = LibreTranslate(base, api_key=KEY)
    try:
        done = client.translate("Det regner i Bergen.", "auto", "en")
        assert done.translated_text.strip() and done.detected_language is not None
        assert client.detect("Dette er en vanlig norsk setning.")[0].language in ("nb", "nn", "da")
        assert {language.code for language in client.languages()} >= {"nb", "nn", "en"}
        assert client.frontend_settings().suggestions is True  # this key has a memory to keep suggestions in
        assert client.suggest("Det regner.", "It is raining, really.", "nb", "en") is True
        assert client.translate("Det regner.", "nb", "en").translated_text == "It is raining, really."
        upload = io.BytesIO(b"Det regner i Bergen.\n")
        upload.name = "nyhet.txt"
        translated = client.translate_file(upload, "nb", "en")
        assert "/download_file/" in translated.translated_file_url
    finally:
        client.close()

    async def both() -> None:
        async with AsyncLibreTranslate(base, api_key=KEY) as remote:
            assert (await remote.translate(["Det regner.", "Sola skinner."], "nb", "en")).translated_text
        async with AsyncLibreTranslate(base, api_key="wrong") as refused:
            with pytest.raises(ForbiddenError):
                await refused.translate("Det regner.", "nb", "en")

    asyncio.run(both())
