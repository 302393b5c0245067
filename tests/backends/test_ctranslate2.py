from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.backends.loading import ModelRef, convert_to_ctranslate2, find_ct2_model
from service.http.app import create_app

from ..conftest import REPO


@pytest.fixture(scope="session")
def tiny_ct2(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ct2") / "translator-int8"
    ref = ModelRef(str(tiny_models["translator"]), "translation", "OVERSETT_TRANSLATOR")
    return convert_to_ctranslate2(ref, out, "int8")


def test_convert_command(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "conv"
    result = subprocess.run(
        [sys.executable, "-m", "service", "models", "convert", str(tiny_models["translator"]), str(out), "--quantization", "float32"],
        cwd=REPO, capture_output=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert (out / "model.bin").is_file() and (out / "source.spm").is_file()
    assert "OVERSETT_CT2_MODEL=" in result.stdout.decode()


@pytest.fixture
def ct2_services(make_services: Any, tiny_ct2: Path) -> Any:
    return make_services(backend="ctranslate2", ct2_model=str(tiny_ct2))


def test_ctranslate2_backend_through_the_api(ct2_services: Any, services: Any, seed_text: str) -> None:
    with TestClient(create_app(services=ct2_services)) as ct2_client:
        info = ct2_client.get("/v1/models").json()["translator"]
        assert info["backend"] == "ctranslate2" and info["quantization"] == "int8"
        assert info["threads"]["ct2_intra_threads"] >= 1
        ct2 = ct2_client.post("/v1/translate", json={"text": seed_text})
    assert ct2.status_code == 200, ct2.text
    with TestClient(create_app(services=services)) as torch_client:
        torch = torch_client.post("/v1/translate", json={"text": seed_text})
    ct2_body, torch_body = ct2.json(), torch.json()
    assert ct2_body["model"] == {"id": torch_body["model"]["id"], "backend": "ctranslate2", "name": "default"}
    assert torch_body["model"]["backend"] == "torch"

    def shape(value: Any) -> Any:  # the keys and types, all the way down
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items()}
        if isinstance(value, list):
            return [shape(value[0])] if value else []
        return type(value).__name__

    assert shape(ct2_body) == shape(torch_body)
    ct2_doc, torch_doc = ct2_body["translations"][0], torch_body["translations"][0]
    assert [s["source"] for s in ct2_doc["segments"]] == [s["source"] for s in torch_doc["segments"]]
    assert ct2_doc["text"].count("\n") == torch_doc["text"].count("\n")


def test_cache_keys_differ_by_backend(ct2_services: Any, services: Any) -> None:
    torch_ns = services.pipeline.cache_namespace(1)
    ct2_ns = ct2_services.pipeline.cache_namespace(1)
    assert torch_ns["model"] == ct2_ns["model"]
    assert (torch_ns["backend"], ct2_ns["backend"]) == ("torch", "ctranslate2")
    assert ct2_ns["quantization"] == "int8" and torch_ns["quantization"] == "float32"
    from service.domain.protocols import cache_key

    assert cache_key(torch_ns, "Hei.") != cache_key(ct2_ns, "Hei.")


def test_shared_cache_file_keeps_backends_apart(make_client: Any, tiny_ct2: Path) -> None:
    # Same cache file: a sentence cached by torch is a miss for CTranslate2, then a hit.
    text = {"text": "Det regner i Bergen i dag.", "source_lang": "nb"}
    torch_client = make_client()
    assert torch_client.post("/v1/translate", json=text).json()["translations"][0]["segments"][0]["cached"] is False
    ct2_client = make_client(backend="ctranslate2", ct2_model=str(tiny_ct2))
    first = ct2_client.post("/v1/translate", json=text).json()
    second = ct2_client.post("/v1/translate", json=text).json()
    assert first["translations"][0]["segments"][0]["cached"] is False
    assert second["translations"][0]["segments"][0]["cached"] is True


def test_auto_backend_finds_a_converted_model_beside_the_translator(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    import shutil

    folder = tmp_path / "translator"
    shutil.copytree(tiny_models["translator"], folder)
    assert find_ct2_model(str(folder), None) is None
    convert_to_ctranslate2(ModelRef(str(folder), "translation", "X"), tmp_path / "translator-ct2")
    assert find_ct2_model(str(folder), None) == (tmp_path / "translator-ct2").resolve()
    assert find_ct2_model("Helsinki-NLP/opus-mt-gmq-en", None) is None


def test_fresh_service_converts_once_then_loads_the_converted_model(
    make_client: Any, make_services: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "converted"
    with caplog.at_level(logging.INFO, logger="service.compose.services"):
        first = make_client(backend="auto", ct2_cache=cache)  # the default backend
        info = first.get("/v1/models").json()["translator"]
        assert info["backend"] == "ctranslate2" and info["quantization"] == "int8"
        assert first.post("/v1/translate", json={"text": "Hei på deg."}).status_code == 200
        conversions = [r for r in caplog.records if "converted" in r.getMessage()]
        assert len(conversions) == 3  # both translators and the summariser, once each
        again = make_services(backend="auto", ct2_cache=cache)  # a second start
        assert again.pipeline.translator.info.backend == "ctranslate2"
        assert again.en_pipeline.translator.info.backend == "ctranslate2"
        assert again.summaries.summarizer.info.backend == "ctranslate2"
    assert len([r for r in caplog.records if "converted" in r.getMessage()]) == 3  # none more
    folders = [p for p in cache.iterdir() if p.is_dir()]
    assert len(folders) == 3 and all((f / "model.bin").is_file() and f.name.endswith("-int8") for f in folders)
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]  # nothing half-written


def test_replicas_starting_together_convert_once(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from service.backends.loading import converted_copy

    ref = ModelRef(str(tiny_models["translator"]), "translation", "OVERSETT_TRANSLATOR")
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: converted_copy(ref, tmp_path / "c"), range(3)))
    assert len({folder for folder, _ in results}) == 1
    assert sum(converted for _, converted in results) == 1


def test_failed_conversion_falls_back_to_torch_with_one_warning(
    make_services: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("converter exploded")

    monkeypatch.setattr("service.compose.services.converted_copy", broken)
    with caplog.at_level(logging.WARNING, logger="service.compose.services"):
        services = make_services(backend="auto")
    assert services.pipeline.translator.info.backend == "torch"
    assert services.summaries.summarizer.info.backend == "torch"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "CTranslate2" in r.getMessage()]
    translator = services.settings.translator
    assert len([w for w in warnings if translator in w]) == 1  # one warning for each model
    assert len(warnings) == 3 and all("converter exploded" in w for w in warnings)  # both translators, the summariser
    # Asked for CTranslate2 explicitly, a failed conversion is the model being unavailable (503).
    strict = make_services(backend="ctranslate2")
    assert strict.pipeline is None and "could not be converted" in strict.translator_error.message


def test_summaries_on_ctranslate2_keep_prompts_and_chunking(
    make_services: Any, tiny_models: dict[str, Path], seed_text: str, tmp_path: Path
) -> None:
    from service.tools.tiny import build_tiny_t5_summarizer, seed_lines

    from ..conftest import SEEDS

    t5 = build_tiny_t5_summarizer(tmp_path / "t5", seed_lines(SEEDS))
    services = make_services(backend="auto", summarizer=str(t5), summary_max_input_tokens=64)
    summarizer = services.summaries.summarizer
    assert summarizer.info.backend == "ctranslate2" and summarizer.prompts is not None
    result = services.summaries.summarize_document(seed_text, "short", method="abstractive")
    assert result.summary and result.method == "abstractive"
    prefix = (services.settings.prompts_dir / "short.txt").read_text(encoding="utf-8").split("{text}")[0]
    assert summarizer.stats.inputs and all(i.startswith(prefix) for i in summarizer.stats.inputs)
    assert summarizer.stats.calls >= 2  # 64 tokens of input: the seed went in chunks (map), then reduce


def test_translator_setting_may_point_at_a_converted_folder(make_services: Any, tiny_ct2: Path) -> None:
    services = make_services(translator=str(tiny_ct2), backend="auto")
    assert services.pipeline.translator.info.backend == "ctranslate2"
