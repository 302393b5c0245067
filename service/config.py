"""Settings, read once from the environment (prefix ``OVERSETT_``) or a ``.env`` file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_TRANSLATOR = "Helsinki-NLP/opus-mt-tc-big-gmq-en"
FAST_TRANSLATOR = "Helsinki-NLP/opus-mt-gmq-en"
DEFAULT_EN_TRANSLATOR = "Helsinki-NLP/opus-mt-tc-big-en-gmq"  # English → Bokmål / Nynorsk
FAST_EN_TRANSLATOR = "Helsinki-NLP/opus-mt-en-gmq"
DEFAULT_SUMMARIZER = "sshleifer/distilbart-cnn-12-6"


def default_prompts_dir() -> Path:
    """The summary templates, shipped inside the package (``service/backends/prompt_templates``: in
    a checkout a link to the repo's ``prompts/``, in an install a copy of it)."""
    return Path(__file__).resolve().parent / "backends" / "prompt_templates"


def default_ct2_cache() -> Path:
    return Path(platformdirs.user_cache_dir("oversett")) / "ctranslate2"


def default_cache() -> str:
    return str(Path(platformdirs.user_cache_dir("oversett")) / "cache.sqlite3")


def default_jobs_db() -> Path:
    return Path(platformdirs.user_data_dir("oversett")) / "jobs.sqlite3"


class Settings(BaseSettings):
    """Everything an operator can set; see README for what each one does."""

    model_config = SettingsConfigDict(env_prefix="OVERSETT_", env_file=".env", extra="ignore")

    translator: str = Field(DEFAULT_TRANSLATOR, description="Hub id or local folder")
    translator_revision: str | None = Field(None, description="Hub revision (branch, tag, commit)")
    en_translator: str = Field(
        DEFAULT_EN_TRANSLATOR,
        description="English → Bokmål / Nynorsk translator: Hub id or local folder; 'none' turns that direction off",
    )
    en_translator_revision: str | None = Field(None, description="Hub revision of the English → Norwegian translator")
    summarizer: str = Field(DEFAULT_SUMMARIZER, description="Hub id or local folder")
    summarizer_revision: str | None = Field(None, description="Hub revision of the summariser")
    summary_prompts: Literal["auto", "always", "never"] = Field(
        "auto", description="Prompt templates: auto = only for T5-family summarisers"
    )
    prompts_dir: Path = Field(default_factory=default_prompts_dir, description="Templates folder")
    prompt_template: Path | None = Field(None, description="One template file for all lengths")
    summary_max_input_tokens: int = Field(1024, ge=32, description="Summariser input chunk")
    cache: str = Field(default_factory=default_cache, description="SQLite path, or 'none'")
    jobs_db: Path = Field(
        default_factory=default_jobs_db, description="SQLite file of HTTP jobs (unused when OVERSETT_REDIS_URL is set)"
    )
    job_lease: float = Field(
        30.0, gt=0, le=3600,
        description="Seconds a replica holds a running job without renewing it; after that another replica takes it over",
    )
    max_chars: int = Field(100_000, gt=0, description="Characters per request, all items")
    max_document_bytes: int = Field(
        20 * 1024 * 1024, gt=0, description="Bytes of one uploaded document (POST /v1/translate/document)"
    )
    max_unzipped_bytes: int = Field(
        200 * 1024 * 1024, gt=0, description="Bytes a zip-based document (.docx, .pptx, .xlsx, .odt, .odp, .epub) may unpack to: a zip bomb is refused"
    )
    memory: str | None = Field(
        None, description="The translation memory requests use when they name none (OVERSETT_MEMORY)"
    )
    memory_fuzzy_threshold: float = Field(
        85.0, ge=50, le=100, description="How close (0–100) a memory entry must be to be offered as a suggestion"
    )
    key_memories: str | None = Field(
        None, description="Each key's own default translation memory, KEY=memory,… (a key or its SHA-256 digest): "
        "used when a request names none, on every API (a DeepL or LibreTranslate client has no field for it)",
    )
    memory_write_keys: str | None = Field(
        None,
        description="API keys (or their SHA-256 digests), comma-separated, allowed to change translation memories; "
        "other keys may only read them. Without API keys, anyone may write.",
    )
    translate_sheet_names: bool = Field(
        False, description="Translate the names of an .xlsx file's sheets (formulas that name a sheet follow it)"
    )
    max_job_chars: int = Field(5_000_000, gt=0, description="Characters per batch job, all documents")
    max_job_documents: int = Field(1000, gt=0, description="Documents per batch job")
    max_items: int = Field(128, gt=0, description="Texts per translate request")
    num_beams: int = Field(4, ge=1, le=16, description="Beam size unless a request sets one")
    max_batch_tokens: int = Field(4096, gt=0, description="Padded source tokens per model batch")
    max_input_tokens: int = Field(
        256, ge=16, description="Longer sentences are split at clauses or word windows"
    )
    backend: Literal["auto", "torch", "ctranslate2"] = Field(
        "auto",
        description="auto: CTranslate2 (converting the model once into OVERSETT_CT2_CACHE), torch if that fails",
    )
    ct2_model: str | None = Field(None, description="Folder of a CTranslate2-converted model")
    ct2_cache: Path = Field(
        default_factory=lambda: default_ct2_cache(), description="Where converted models are kept"
    )
    ct2_quantization: Literal["int8", "int8_float32", "float32"] = Field(
        "int8", description="Quantization of automatically converted models"
    )
    ct2_inter_threads: int = Field(1, ge=1, description="CTranslate2 batches run in parallel")
    batch_wait_ms: float = Field(
        50.0, ge=0, le=1000, description="Dynamic batching: how long a batch may wait for requests on their way to the "
        "model (parsed, segmented, looked up; a lone request never waits); 0 turns the batcher off"
    )
    batch_max_tokens: int = Field(8192, gt=0, description="Dynamic batching: merged call budget")
    force_output_tokens: int | None = Field(
        None, ge=1, description="Benchmarks only: every translation exactly this many tokens"
    )
    device: str = Field("cpu", description="torch device: cpu, cuda, cuda:1, mps")
    threads: int | None = Field(None, ge=1, description="CPU threads per model (default: all cores)")
    offline: bool = Field(False, description="Never contact the Hub (also HF_HUB_OFFLINE=1)")
    api_keys: str | None = Field(None, description="Comma-separated API keys; unset = no keys")
    api_keys_file: Path | None = Field(None, description="File of SHA-256 digests of API keys")
    checks: bool = Field(
        True, description="Check each translated sentence for dropped numbers, names, links, loops and length"
    )
    retry_flagged: bool = Field(
        True, description="Translate a flagged sentence once more, cautiously, and keep the better try"
    )
    translators: str | None = Field(
        None,
        description="Named translators a request may choose: 'accurate=Helsinki-NLP/opus-mt-tc-big-gmq-en,"
        "fast=Helsinki-NLP/opus-mt-gmq-en' (Hub ids or folders); the first is the default and replaces "
        "OVERSETT_TRANSLATOR. Unset: one translator, named 'default'",
    )
    en_translators: str | None = Field(
        None,
        description="Named English → Norwegian translators, as OVERSETT_TRANSLATORS: 'en-accurate="
        "Helsinki-NLP/opus-mt-tc-big-en-gmq,en-fast=Helsinki-NLP/opus-mt-en-gmq'; the first replaces "
        "OVERSETT_EN_TRANSLATOR. Unset: one, named 'from-english'. Names are unique across both settings",
    )
    apertium: bool = Field(
        True, description="Bokmål ↔ Nynorsk with Apertium (the Debian packages apertium and apertium-nno-nob), run as "
        "separate processes; false turns that pair off"
    )
    nynorsk_variant: Literal["nno", "nno_e"] = Field(
        "nno_e", description="Nynorsk that Apertium writes: nno_e (e-infinitive, 'vi'; the default) or nno "
        "(a-infinitive, 'me')"
    )
    nynorsk_route: Literal["bokmal", "direct"] = Field(
        "bokmal", description="English → Nynorsk: 'bokmal' translates into Bokmål and converts it with Apertium (the "
        "default, when Apertium is installed); 'direct' asks the model for Nynorsk"
    )
    apertium_pipelines: int = Field(2, ge=1, le=16, description="Long-lived Apertium pipelines kept for each direction")
    apertium_timeout: float = Field(10.0, gt=0, le=300, description="Seconds one segment may take in Apertium")
    max_translators: int = Field(
        2, ge=1, le=16,
        description="Translators loaded at once, for each direction; the least recently used is unloaded to load another",
    )
    server_timing: bool = Field(
        True, description="Tell each response's time by step (language id, cache, queue, model, checks …) in a "
        "Server-Timing header; false leaves it out"
    )
    redis_url: str | None = Field(
        None, description="redis://host:port/db shared by replicas: rate limits and jobs (and OVERSETT_CACHE may use it too)"
    )
    rate_limit_per_minute: int = Field(0, ge=0, description="Requests a minute per key/client; 0 = off")
    rate_limit_burst: int | None = Field(None, ge=1, description="Bucket size (default: the per-minute rate)")
    rate_limit_clients: int = Field(
        10_000, ge=1, le=10_000_000,
        description="Most clients whose rate-limit buckets are held; the least recently seen are dropped",
    )
    max_pending: int = Field(64, ge=1, description="Translate/summarise requests admitted at once")
    request_timeout: float = Field(300.0, gt=0, description="Seconds a request may take")
    port: int = Field(8000, ge=1, le=65535, description="Port of `oversett serve` and `oversett health`")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["text", "json"] = Field("text", description="json: one JSON object per line")

    @model_validator(mode="after")
    def _valid_choices(self) -> Settings:
        shared = set(self.translator_choices) & set(self.en_translator_choices)  # raise when malformed
        if shared:
            raise ValueError(
                f"OVERSETT_TRANSLATORS and OVERSETT_EN_TRANSLATORS both name {', '.join(sorted(shared))}: names must be unique"
            )
        return self

    @property
    def translator_choices(self) -> dict[str, str]:
        """Name → Hub id or folder of the translators into English, the default first."""
        return _choices(self.translators, "OVERSETT_TRANSLATORS", {"default": self.translator})

    @property
    def en_translator_enabled(self) -> bool:
        return self.en_translator.strip().lower() not in {"", "none", "off"} or bool(self.en_translators)

    @property
    def en_translator_choices(self) -> dict[str, str]:
        """Name → Hub id or folder of the English → Norwegian translators, the default first (none
        when that direction is off)."""
        if not self.en_translator_enabled:
            return {}
        return _choices(self.en_translators, "OVERSETT_EN_TRANSLATORS", {"from-english": self.en_translator})

    @property
    def summarizer_enabled(self) -> bool:
        return self.summarizer.strip().lower() not in {"", "none", "off"}


def _choices(value: str | None, setting: str, unset: dict[str, str]) -> dict[str, str]:
    """NAME=MODEL,… of a translators setting, in order; ``unset`` when the setting is not set."""
    if not value:
        return unset
    choices: dict[str, str] = {}
    for item in value.split(","):
        name, _, model = item.partition("=")
        name, model = name.strip(), model.strip()
        if not item.strip():
            continue
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}", name) or not model or name in choices:
            raise ValueError(
                f"{setting}: '{item.strip()}' is not NAME=MODEL with a new name of letters, digits, '-', '_' or '.'"
            )
        choices[name] = model
    if not choices:
        raise ValueError(f"{setting} names no translator")
    return choices
