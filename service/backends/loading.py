"""Locate and load Hugging Face models from a Hub id or a local folder.

Hub models come from the Hugging Face cache when they are there, so a machine that
downloaded them once never needs the network again; ``HF_HUB_OFFLINE=1`` or
``OVERSETT_OFFLINE=1`` forbids the network altogether. Every failure becomes a
``ModelUnavailable`` that names the model and says how to get it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ..domain.errors import ModelUnavailable

log = logging.getLogger(__name__)

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.bin")  # model.bin: CTranslate2


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


def model_input_limit(config: Any, tokenizer: Any, default: int = 512) -> int:
    """Tokens the model takes in one input: its position table, or the tokenizer's limit."""
    limits = [getattr(config, "max_position_embeddings", None)]
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


# --- CTranslate2 ---------------------------------------------------------------------------

CT2_META = "oversett-ct2.json"
CT2_SIBLING_SUFFIX = "-ct2"
QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int16", "float16", "float32")
TOKENIZER_FILES = (
    "source.spm", "target.spm", "vocab.json", "target_vocab.json", "tokenizer_config.json",
    "special_tokens_map.json", "tokenizer.json", "spiece.model", "sentencepiece.bpe.model",
    "merges.txt",
)


@dataclass
class LoadedCT2:
    model_id: str  # the source model the conversion came from
    revision: str
    quantization: str
    path: Path
    tokenizer: Any
    translator: Any  # ctranslate2.Translator
    max_positions: int
    inter_threads: int
    intra_threads: int
    load_seconds: float
    model_type: str = ""  # marian, bart, t5 … (what the conversion came from)


def resolve_folder(ref: ModelRef, offline: bool = False) -> Path:
    """A local folder holding the model: the path itself, or its Hub snapshot (from the cache
    when it is there, downloaded otherwise)."""
    if is_local(ref.model_id):
        source, _ = _resolve(ref, offline)
        return Path(source)
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(ref.model_id, revision=ref.revision, local_files_only=True))
    except Exception as exc:  # the hub client raises several kinds for "not cached"
        if hub_offline(offline) or not hub_reachable():
            raise ref.unavailable(
                "it is not in the Hugging Face cache and the Hub cannot be reached"
            ) from exc
    try:
        return Path(snapshot_download(ref.model_id, revision=ref.revision))
    except Exception as exc:
        raise ref.unavailable(_first_line(exc)) from exc


def convert_to_ctranslate2(
    ref: ModelRef, out_dir: Path, quantization: str = "int8", *, offline: bool = False
) -> Path:
    """Convert a Marian (or other seq2seq) model to CTranslate2, with its tokenizer files and a
    note of where it came from, so the ``ctranslate2`` backend can load it on its own."""
    from ctranslate2.converters import TransformersConverter
    from transformers import AutoConfig, AutoTokenizer

    if quantization not in QUANTIZATIONS:
        raise ValueError(f"quantization must be one of {', '.join(QUANTIZATIONS)}")
    folder = resolve_folder(ref, offline)
    copy_files = [name for name in TOKENIZER_FILES if (folder / name).is_file()]
    config = AutoConfig.from_pretrained(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    revision = (
        folder_fingerprint(folder) if is_local(ref.model_id) else folder.name  # snapshot = commit
    )
    _bart_for_ctranslate2()
    converter = TransformersConverter(str(folder), copy_files=copy_files)
    converter.convert(str(out_dir), quantization=quantization, force=True)
    meta = {
        "source": ref.model_id,
        "revision": revision,
        "quantization": quantization,
        "max_positions": model_input_limit(config, tokenizer),
        "model_type": str(getattr(config, "model_type", "")),
    }
    (Path(out_dir) / CT2_META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return Path(out_dir)


def _bart_for_ctranslate2() -> None:
    """CTranslate2's BART converter reads ``config.normalize_before``, which transformers 5 no
    longer sets; BART is post-norm, so the missing value is False."""
    from transformers import BartConfig

    if not hasattr(BartConfig, "normalize_before"):
        BartConfig.normalize_before = False  # type: ignore[attr-defined]


def is_ct2_folder(path: str | Path) -> bool:
    """A folder holding a CTranslate2-converted model."""
    return (Path(path).expanduser() / "model.bin").is_file()


def find_ct2_model(translator: str, explicit: str | None) -> Path | None:
    """The converted model to use: the configured one, the translator folder itself when it is
    a converted model, else one beside a local translator (``<folder>-ct2`` or
    ``<folder>/ctranslate2``)."""
    if explicit:
        return Path(explicit).expanduser()
    if not is_local(translator):
        return None
    folder = Path(translator).expanduser().resolve()
    if is_ct2_folder(folder):
        return folder
    for candidate in (folder.with_name(folder.name + CT2_SIBLING_SUFFIX), folder / "ctranslate2"):
        if (candidate / "model.bin").is_file():
            return candidate
    return None


def converted_copy(ref: ModelRef, root: Path, quantization: str = "int8", *, offline: bool = False) -> tuple[Path, bool]:
    """The model converted to CTranslate2 in oversett's own cache (``root``), keyed by model id,
    revision and quantization: converted on first use, loaded from then on. The conversion is
    written to a temporary folder and renamed into place, under a file lock, so replicas that
    start together convert once. Returns the folder and whether this call converted it."""
    from filelock import FileLock

    folder = resolve_folder(ref, offline)
    revision = folder_fingerprint(folder) if is_local(ref.model_id) else folder.name
    slug = re.sub(r"[^A-Za-z0-9._-]+", "--", ref.model_id.strip("/"))[-80:]
    target = root.expanduser() / f"{slug}@{revision[:16]}-{quantization}"
    if is_ct2_folder(target):
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock", timeout=CONVERSION_LOCK_SECONDS):
        if is_ct2_folder(target):  # another process converted it while we waited
            return target, False
        scratch = Path(tempfile.mkdtemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent))
        try:
            convert_to_ctranslate2(ModelRef(str(folder), ref.role, ref.setting), scratch, quantization, offline=True)
            meta = json.loads((scratch / CT2_META).read_text(encoding="utf-8"))
            meta |= {"source": ref.model_id, "revision": revision}
            (scratch / CT2_META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
            os.replace(scratch, target)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return target, True


CONVERSION_LOCK_SECONDS = 3600  # a big model converts in minutes on two cores


def tokenizer_without_torch(path: Path) -> Any:
    """The tokenizer of a converted model, loaded through its own class: transformers'
    AutoTokenizer imports torch (about 200 MiB) that a CTranslate2-only service never uses."""
    config_file = path / "tokenizer_config.json"
    config = json.loads(config_file.read_text(encoding="utf-8")) if config_file.is_file() else {}
    if "Marian" in str(config.get("tokenizer_class", "")) or (path / "source.spm").is_file():
        from transformers.models.marian.tokenization_marian import MarianTokenizer

        return MarianTokenizer.from_pretrained(str(path))
    if (path / "tokenizer.json").is_file():
        from transformers.tokenization_utils_fast import PreTrainedTokenizerFast

        return PreTrainedTokenizerFast.from_pretrained(str(path))
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(path))


def ct2_device_and_index(device: str) -> tuple[str, int]:
    """Map a torch-style device ('cpu', 'cuda', 'cuda:1') to CTranslate2's device and index.

    CTranslate2 runs on CPU or CUDA only, so any other torch device (e.g. 'mps') runs on the CPU.
    """
    name, _, index = device.strip().lower().partition(":")
    if name != "cuda":
        return "cpu", 0
    if not index:
        return "cuda", 0
    if not index.isdigit():
        raise ValueError(f"bad device '{device}': write cuda:N with N the GPU number")
    return "cuda", int(index)


def load_ct2(
    path: Path, *, device: str = "cpu", intra_threads: int = 0, inter_threads: int = 1,
    role: str = "translation", setting: str = "OVERSETT_CT2_MODEL",
) -> LoadedCT2:
    """Load a converted model and its tokenizer; raise ModelUnavailable when it is not there."""
    started = time.perf_counter()
    ref = ModelRef(str(path), role, setting)
    if not (path / "model.bin").is_file():
        raise ref.unavailable(
            "no CTranslate2 model.bin there; convert one with `oversett models convert SRC OUT`"
        )
    try:
        import ctranslate2

        meta = json.loads((path / CT2_META).read_text(encoding="utf-8")) if (path / CT2_META).is_file() else {}
        tokenizer = tokenizer_without_torch(path)
        ct2_device, device_index = ct2_device_and_index(device)
        translator = ctranslate2.Translator(
            str(path),
            device=ct2_device,
            device_index=device_index,
            compute_type="default",  # what the model was converted to
            inter_threads=inter_threads,
            intra_threads=intra_threads,
        )
    except (OSError, ValueError, RuntimeError, ImportError) as exc:
        raise ref.unavailable(_first_line(exc)) from exc
    seconds = time.perf_counter() - started
    return LoadedCT2(
        model_id=meta.get("source", str(path)),
        revision=meta.get("revision", folder_fingerprint(path)),
        quantization=meta.get("quantization", str(translator.compute_type)),
        path=path,
        tokenizer=tokenizer,
        translator=translator,
        max_positions=int(meta.get("max_positions", 512)),
        inter_threads=inter_threads,
        intra_threads=intra_threads or os.cpu_count() or 1,
        load_seconds=seconds,
        model_type=str(meta.get("model_type", "")),
    )
