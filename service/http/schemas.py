"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..domain.checks import Code
from ..domain.pairs import served_pairs
from .fields import (
    MAX_ITEMS,
    MEMORY_FIELD,
    NYNORSK_ROUTE_FIELD,
    NynorskRoute,
    SourceLang,
    TargetLang,
    check_text,
)
from .standards_info import StandardsInfo


class TermIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(
        max_length=10_000, description="The source term, as it is written (case matters): Norwegian, or English with lang en"
    )
    target: str = Field(max_length=10_000, description="The term to use in the translation: English, or Norwegian with lang en")
    lang: Literal["nb", "nn", "en"] | None = Field(
        None, description="nb / nn: the source term's written form (for the reader); en: an English source term, for "
        "English → Bokmål / Nynorsk (its target is used as written)",
    )


class GlossaryChoice(BaseModel):
    """A request's glossary: a stored one by name, or terms inline (not both)."""

    glossary: str | None = Field(None, max_length=64, description="A stored glossary's name (see /v1/glossaries)")
    terms: list[TermIn] | None = Field(None, max_length=20_000, description="Glossary terms given inline instead")
    keep: list[Annotated[str, Field(max_length=10_000)]] | None = Field(
        None, max_length=20_000, description="Do-not-translate terms given inline"
    )

    @property
    def inline_terms(self) -> list[tuple[str, str, str | None]] | None:
        return [(t.source, t.target, t.lang) for t in self.terms] if self.terms is not None else None


class TranslateRequest(GlossaryChoice):
    model_config = ConfigDict(extra="forbid")

    memory: str | None = MEMORY_FIELD

    text: str | Annotated[list[str], Field(min_length=1, max_length=MAX_ITEMS)] = Field(
        description=f"Norwegian text, or a list of up to {MAX_ITEMS} texts"
    )
    source_lang: SourceLang = Field("auto", description="'auto' detects the language")
    num_beams: int | None = Field(None, ge=1, le=16, description="Beam size (default: server's)")
    model: str | None = Field(
        None, max_length=32, description="A translator's name from /v1/models that serves the pair (default: the pair's first)"
    )
    target_lang: TargetLang = "en"
    nynorsk_route: NynorskRoute | None = NYNORSK_ROUTE_FIELD

    @field_validator("text")
    @classmethod
    def _valid_text(cls, value: str | list[str]) -> str | list[str]:
        if isinstance(value, str):
            return check_text(value, "text")
        for index, text in enumerate(value):
            check_text(text, f"text item {index + 1}")
        return value

    @property
    def texts(self) -> list[str]:
        return [self.text] if isinstance(self.text, str) else list(self.text)


class SummarizeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The document to summarise (Norwegian, or English)")
    length: Literal["short", "medium", "long"] = Field(
        "short", description="short: 1–2 sentences; medium: 3–5; long: one paragraph"
    )
    max_words: int | None = Field(None, ge=5, le=1000, description="A word budget instead")
    method: Literal["auto", "abstractive", "extractive"] = Field(
        "auto", description="auto: abstractive when a summariser is loaded, else extractive"
    )
    source_lang: SourceLang = Field("auto", description="'auto' detects the language")
    target_lang: TargetLang = "en"
    memory: str | None = MEMORY_FIELD
    nynorsk_route: NynorskRoute | None = NYNORSK_ROUTE_FIELD

    @field_validator("text")
    @classmethod
    def _valid_text(cls, value: str) -> str:
        return check_text(value, "text")


class DetectedOut(BaseModel):
    """What language id took the text to be, when the request did not name the language."""

    model_config = ConfigDict(from_attributes=True)

    lang: str = Field(description="nb, nn, da, sv, en, or zxx (no letters: returned as it is)")
    confidence: float = Field(ge=0, le=1, description="How sure, 0–1 (relative to the supported languages)")


class SummarizeResponse(BaseModel):
    summary: str
    method: Literal["abstractive", "extractive"]
    length: str
    source_lang: str
    target_lang: str = Field("en", description="The summary's language")
    detected: DetectedOut | None = Field(None, description="Language id's verdict (source_lang auto)")
    models: dict[str, str | None]
    sentences_translated: int
    cached: bool


class JobDocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255, description="A label for the document")
    text: str = Field(description="The document's text (never a path: the service reads no files)")

    @field_validator("text")
    @classmethod
    def _valid_text(cls, value: str) -> str:
        return check_text(value, "text")

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        return check_text(value, "name")


class JobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[JobDocumentIn] = Field(min_length=1, description="The documents to translate")
    summary: Literal["short", "medium", "long"] | None = Field(None, description="Also summarise")
    source_lang: SourceLang = Field("auto", description="'auto' detects each document's language")
    target_lang: TargetLang = "en"
    memory: str | None = MEMORY_FIELD
    nynorsk_route: NynorskRoute | None = NYNORSK_ROUTE_FIELD


class JobCreated(BaseModel):
    job_id: str
    status: str


class JobProgress(BaseModel):
    done: int
    total: int


class JobDocumentOut(BaseModel):
    name: str
    status: Literal["pending", "ok", "error"]
    error: str | None = None
    source_lang: str | None = None
    confidence: float | None = Field(None, description="Language id's confidence (source_lang auto)")
    translation: str | None = None
    flagged_segments: int | None = Field(None, description="Segments the faithfulness checks flagged")
    segments: int | None = None
    cached_segments: int | None = None
    summary: str | None = None
    summary_method: str | None = None


class JobOut(BaseModel):
    job_id: str
    status: Literal["queued", "running", "completed", "failed"]
    error: str | None
    summary: str | None
    source_lang: str
    target_lang: str = "en"
    memory: str | None = Field(None, description="The translation memory the job uses (None: the service's default)")
    nynorsk_route: NynorskRoute | None = Field(None, description="The route into Nynorsk it asked for (None: the setting)")
    created: float
    updated: float
    progress: JobProgress
    documents: list[JobDocumentOut]


class IssueOut(BaseModel):
    code: Code
    message: str


class TermOut(BaseModel):
    source: str
    target: str


class SuggestionOut(BaseModel):
    source: str = Field(description="The memory entry's source")
    target: str = Field(description="Its translation")
    score: float = Field(ge=0, le=100, description="How close the entry's source is to this segment's, 0–100")


class SegmentOut(BaseModel):
    source: str
    translation: str
    cached: bool
    origin: Literal["model", "cache", "memory", "memory-adapted"] = Field(
        "model", description="Where the translation came from: the model, the cache, or the translation memory "
        "(exactly, or with numbers and links swapped in: memory-adapted)"
    )
    suggestions: list[SuggestionOut] = Field(
        default_factory=list, description="Near matches in the translation memory (fuzzy, at least the threshold), best first"
    )
    confidence: float | None = Field(
        None, ge=0, le=1, description="The model's confidence: geometric mean of its output tokens' probabilities"
    )
    issues: list[IssueOut] = Field(default_factory=list, description="What the faithfulness checks found")
    terms: list[TermOut] = Field(default_factory=list, description="Glossary terms applied in this segment")


class TranslationOut(BaseModel):
    text: str
    source_lang: str
    target_lang: str = Field("en", description="The language it was translated into")
    translated: bool = Field(
        True, description="False when the text came back unchanged: it is already in the target language, or has no letters"
    )
    note: str | None = Field(None, description="Why the text came back unchanged, in plain words")
    detected: DetectedOut | None = Field(None, description="Language id's verdict (source_lang auto)")
    issues: int = Field(0, description="How many segments the faithfulness checks flagged")
    segments: list[SegmentOut]


class ModelOut(BaseModel):
    id: str
    backend: str
    name: str = Field("default", description="The translator's name (the request's `model`)")


class GlossaryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=64, description="1–64 letters, digits, '-', '_' or '.'")
    terms: list[TermIn] = Field(default_factory=list, max_length=20_000)
    keep: list[Annotated[str, Field(max_length=10_000)]] = Field(
        default_factory=list, max_length=20_000, description="Do-not-translate terms"
    )


class GlossaryOut(BaseModel):
    name: str
    terms: list[TermIn]
    keep: list[str]
    digest: str = Field(description="Hash of the content; part of the translation cache key")
    updated: float | None = None


class GlossarySummary(BaseModel):
    name: str
    terms: int
    keep: int
    digest: str
    updated: float | None = None


class GlossaryList(BaseModel):
    glossaries: list[GlossarySummary]


class TranslateResponse(BaseModel):
    translations: list[TranslationOut]
    model: ModelOut


class ErrorResponse(BaseModel):
    detail: str
    code: str


class HealthResponse(BaseModel):
    status: str


class ReadyResponse(BaseModel):
    status: str
    detail: str | None = None


class TranslatorInfo(BaseModel):
    id: str
    direction: Literal["into-english", "from-english"] = "into-english"
    pairs: list[str] = Field(default_factory=list, description="The source-target pairs it serves: nb-en, en-nn …")
    revision: str | None
    backend: str | None
    quantization: str | None
    loaded: bool
    max_input_tokens: int | None
    num_beams: int
    device: str
    threads: dict[str, int]
    dynamic_batching: bool
    batch_wait_ms: float
    error: str | None = None


class SummarizerInfo(BaseModel):
    id: str
    revision: str | None
    backend: str | None = Field(None, description="torch or ctranslate2; none while the extractive method stands in")
    quantization: str | None = None
    languages: list[str] = Field(
        default_factory=list,
        description="What a summary may be written in: the summariser writes English, and a Bokmål or Nynorsk summary is its English one translated",
    )
    loaded: bool
    prompts: bool
    error: str | None = None


class TranslatorChoice(BaseModel):
    name: str = Field(description="What a request's `model` names")
    model: str = Field(description="Hub id or folder")
    direction: Literal["into-english", "from-english"] = "into-english"
    pairs: list[str] = Field(default_factory=list, description="The source-target pairs it serves")
    default: bool
    loaded: bool


class ModelsResponse(BaseModel):
    translator: TranslatorInfo = Field(description="The default translator into English")
    en_translator: TranslatorInfo | None = Field(
        None, description="The default translator from English into Bokmål and Nynorsk (none when that direction is off)"
    )
    summarizer: SummarizerInfo
    translators: list[TranslatorChoice] = Field(
        default_factory=list,
        description="The translators a request may choose, both directions (OVERSETT_TRANSLATORS, OVERSETT_EN_TRANSLATORS)",
    )
    max_translators: int = Field(1, description="Translators loaded at once (OVERSETT_MAX_TRANSLATORS)")
    standards: StandardsInfo | None = Field(None, description="Bokmål ↔ Nynorsk: the rule-based engine")


class LanguagePair(BaseModel):
    source: str = Field(description="Source language code (nb, nn, da, sv, en)")
    target: str = Field(description="Target language code (en, nb, nn)")
    source_name: str
    target_name: str
    model: str = Field(description="The name of the default translator that serves the pair (a request's `model`)")
    model_id: str = Field(description="Its Hub id or folder")
    models: list[str] = Field(description="Every translator a request may choose for the pair")
    loaded: bool = Field(description="Whether the default translator is loaded (false: the pair answers 503 with the reason)")


class LanguagesResponse(BaseModel):
    pairs: list[LanguagePair]


class MemoryEntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=10_000, description="The source sentence (Norwegian, or English)")
    target: str = Field(min_length=1, max_length=10_000, description="Its translation, as a person wrote or corrected it")
    source_lang: Literal["nb", "nn", "no", "da", "sv", "en"] = Field(
        "nb", description="en with a target_lang of nb or nn; nb with nn, nn with nb (Bokmål ↔ Nynorsk)"
    )
    target_lang: Literal["en", "nb", "nn"] = "en"

    @field_validator("source", "target")
    @classmethod
    def _valid(cls, value: str) -> str:
        value = check_text(value, "text")
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @model_validator(mode="after")
    def _a_pair(self) -> MemoryEntryIn:
        source = "nb" if self.source_lang == "no" else self.source_lang  # "no": Norwegian of either standard
        if (source, self.target_lang) not in served_pairs() and (self.source_lang, self.target_lang) != ("no", "en"):
            raise ValueError(
                f"{self.source_lang}→{self.target_lang} is not a pair oversett translates: Norwegian, Danish or Swedish "
                "into en, en into nb or nn, or nb ↔ nn"
            )
        return self


class MemoryEntriesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entries: list[MemoryEntryIn] = Field(min_length=1, max_length=10_000)


class MemoryEntryUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: str = Field(min_length=1, max_length=10_000)


class MemoryEntryOut(BaseModel):
    id: int
    source: str = Field(description="The sentence as a reader sees it (inline markup, if any, is kept in the entry: see markup)")
    target: str = Field(description="Its translation, as a reader sees it")
    markup: bool = Field(False, description="The entry holds inline markup (bold, a link …) from a document: a hit "
                         "puts it back in the document, and the TMX export writes it as <ph> codes")
    source_lang: str
    target_lang: str
    author: str = Field(description="The label of the key that wrote it ('' on a service without keys)")
    origin: Literal["correction", "import"]
    created: float
    changed: float


class MemoryEntriesOut(BaseModel):
    name: str
    entries: list[MemoryEntryOut]


class MemorySummary(BaseModel):
    name: str
    entries: int


class MemoryList(BaseModel):
    memories: list[MemorySummary]


class MemoryWritten(BaseModel):
    name: str
    added: int
    updated: int
    unchanged: int
    kept: int = Field(0, description="Entries of an import the memory already had with another translation and kept")


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with its nested models written in place, for a ``requestBody`` given
    by hand (the models of such a body are not in the document's components, so a reference to
    them would not resolve: ReDoc refused the whole document for one)."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolved(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref", "")
            if reference.startswith("#/$defs/"):
                return resolved(definitions[reference.removeprefix("#/$defs/")])
            return {key: resolved(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolved(item) for item in node]
        return node

    return resolved(schema)  # type: ignore[no-any-return]
