"""Locate and load Hugging Face models from a Hub id or a local folder.

Hub models come from the Hugging Face cache when they are there, so a machine that
downloaded them once never needs the network again; ``HF_HUB_OFFLINE=1`` or
``OVERSETT_OFFLINE=1`` forbids the network altogether. Every failure becomes a
``ModelUnavailable`` that names the model and says how to get it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .errors import ModelUnavailable

log = logging.getLogger(__name__)

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.bin")


@dataclass(frozen=True)
class ModelRef:
    """Which model to load and for what; ``setting`` names the env var that chooses it."""

    model_id: str
    role: str  # "translation" or "summarization"
    setting: str
    revision: str | None = None


    def unavailable(self, reason: str) -> ModelUnavailable:
        return ModelUnavailable(
            self.role, self.model_id, self.setting, reason, local=is_local(self.model_id)
        )


@dataclass
class LoadedModel:
    model_id: str
    revision: str  # Hub commit, or a fingerprint of the local folder: part of cache keys
    tokenizer: Any
    model: Any
    load_seconds: float


def model_input_limit(model: Any, tokenizer: Any, default: int = 512) -> int:
    """Tokens the model takes in one input: its position table, or the tokenizer's limit."""
    limits = [getattr(model.config, "max_position_embeddings", None)]
    tokenizer_limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(tokenizer_limit, int) and tokenizer_limit < 1_000_000:
        limits.append(tokenizer_limit)
    known = [x for x in limits if x]
    return min(known) if known else default


def is_local(model_id: str) -> bool:
    """A path (absolute, relative with ./ or ~, or an existing folder) rather than a Hub id."""
    return model_id.startswith(("/", "./", "../", "~", ".\\")) or Path(model_id).is_dir()


def hub_offline(offline: bool) -> bool:
    return offline or os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes", "on"}


def folder_fingerprint(folder: Path) -> str:
    """Cheap identity of a local model: its config and the size and time of its weights."""
    digest = hashlib.sha256()
    for name in ("config.json", *WEIGHT_FILES):
        path = folder / name
        if path.is_file():
            stat = path.stat()
            digest.update(name.encode())
            if name == "config.json":
                digest.update(path.read_bytes())
            else:
                digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return "local-" + digest.hexdigest()[:16]


def load_seq2seq(ref: ModelRef, *, device: str = "cpu", offline: bool = False) -> LoadedModel:
    """Load tokenizer and seq2seq model through ``from_pretrained``, or raise ModelUnavailable."""
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    started = time.perf_counter()
    source, kwargs = _resolve(ref, offline)
    try:
        tokenizer = _with_cache_first(AutoTokenizer.from_pretrained, source, kwargs, ref)
        model = _with_cache_first(AutoModelForSeq2SeqLM.from_pretrained, source, kwargs, ref)
    except ModelUnavailable:
        raise
    except (OSError, ValueError, ImportError) as exc:
        raise ref.unavailable(_first_line(exc)) from exc
    model.eval()
    try:
        model.to(device)
    except (RuntimeError, AssertionError) as exc:
        raise ref.unavailable(f"cannot use device '{device}': {_first_line(exc)}") from exc
    revision = (
        folder_fingerprint(Path(source))
        if is_local(ref.model_id)
        else getattr(model.config, "_commit_hash", None) or ref.revision or "unknown"
    )
    seconds = time.perf_counter() - started
    log.info("loaded %s model %s (%s) in %.1fs", ref.role, ref.model_id, revision, seconds)
    return LoadedModel(ref.model_id, revision, tokenizer, model, seconds)


def _resolve(ref: ModelRef, offline: bool) -> tuple[str, dict[str, Any]]:
    if is_local(ref.model_id):
        folder = Path(ref.model_id).expanduser()
        if not folder.is_dir():
            raise ref.unavailable("no such folder")
        if not (folder / "config.json").is_file():
            raise ref.unavailable("the folder has no config.json")
        return str(folder), {"local_files_only": True}
    kwargs: dict[str, Any] = {"revision": ref.revision}
    if hub_offline(offline):
        kwargs["local_files_only"] = True
    return ref.model_id, kwargs


def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the Hub endpoint answers a TCP connect: a quick no instead of the Hub
    client's minute of retries on a machine without network."""
    from huggingface_hub import constants

    url = urlparse(constants.ENDPOINT)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "", port), timeout=timeout):
            return True
    except OSError:
        return False


def _with_cache_first(load: Any, source: str, kwargs: dict[str, Any], ref: ModelRef) -> Any:
    # Try the local Hub cache before the network so a cached model starts with no network
    # round trips (and without the Hub client's retries when the network is absent).
    if kwargs.get("local_files_only"):
        return load(source, **kwargs)
    try:
        return load(source, **kwargs, local_files_only=True)
    except OSError:
        if not hub_reachable():
            raise ref.unavailable(
                "it is not in the Hugging Face cache and the Hub cannot be reached"
            ) from None
        log.info("%s not in the Hugging Face cache; downloading from the Hub", ref.model_id)
        return load(source, **kwargs)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].rstrip(".")
