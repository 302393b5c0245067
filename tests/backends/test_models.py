from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from service.backends.loading import ModelRef, ct2_device_and_index, is_local, load_seq2seq
from service.domain.errors import ModelUnavailable
from service.tools.tiny import build_tiny_translator, seed_lines

from ..conftest import SEEDS


def test_local_folder_loads_with_a_fingerprint(tiny_models: dict[str, Path]) -> None:
    loaded = load_seq2seq(ModelRef(str(tiny_models["translator"]), "translation", "OVERSETT_TRANSLATOR"))
    assert loaded.revision.startswith("local-")
    assert loaded.model.training is False


def test_missing_folder_is_actionable(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable) as info:
        load_seq2seq(ModelRef(str(tmp_path / "gone"), "translation", "OVERSETT_TRANSLATOR"))
    message = info.value.message
    assert "gone" in message and "no such folder" in message and "OVERSETT_TRANSLATOR" in message


def test_folder_without_model_is_actionable(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="config.json"):
        load_seq2seq(ModelRef(str(tmp_path), "translation", "OVERSETT_TRANSLATOR"))


def test_hub_id_offline_without_cache_is_actionable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    with pytest.raises(ModelUnavailable) as info:
        load_seq2seq(
            ModelRef("Helsinki-NLP/opus-mt-gmq-en", "translation", "OVERSETT_TRANSLATOR"), offline=True
        )
    message = info.value.message
    assert "Helsinki-NLP/opus-mt-gmq-en" in message and "internet" in message
    assert "OVERSETT_TRANSLATOR" in message


def test_is_local() -> None:
    assert is_local("/models/x") and is_local("./x") and is_local("~/x")
    assert not is_local("Helsinki-NLP/opus-mt-gmq-en")


def _digest(folder: Path) -> str:
    return hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()


def test_tiny_builder_is_seeded(tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    again = build_tiny_translator(tmp_path / "t", seed_lines(SEEDS))
    assert _digest(again) == _digest(tiny_models["translator"])
    other = build_tiny_translator(tmp_path / "u", seed_lines(SEEDS), seed=7)
    assert _digest(other) != _digest(again)


@pytest.mark.parametrize(
    ("device", "expected"),
    [
        ("cpu", ("cpu", 0)),
        ("cuda", ("cuda", 0)),
        ("cuda:0", ("cuda", 0)),
        ("cuda:1", ("cuda", 1)),
        ("CUDA:3", ("cuda", 3)),
        ("mps", ("cpu", 0)),  # CTranslate2 has no Metal backend
    ],
)
def test_ctranslate2_device_keeps_the_gpu_index(device: str, expected: tuple[str, int]) -> None:
    assert ct2_device_and_index(device) == expected


def test_ctranslate2_bad_device_index_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="cuda:N"):
        ct2_device_and_index("cuda:first")
