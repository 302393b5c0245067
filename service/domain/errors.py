"""Every error oversett raises on purpose, in one tree. The message is for the person who sent
the request or ran the command; it says what is wrong and how to fix it.

    OversettError
    ├── InvalidInput              the content cannot be processed
    │   ├── UnsupportedLanguage   text in a language oversett does not translate
    │   └── DocumentError         a document cannot be read (a broken file; a batch run goes on)
    ├── UnsupportedFormat         a file type oversett does not translate
    ├── InputTooLarge             over a configured size limit
    │   └── FileTooLarge          an upload, or what a zip-based file unpacks to
    ├── NotFound                  no such resource
    │   ├── JobNotFound
    │   └── GlossaryNotFound
    ├── AlreadyExists             a resource of that name exists already
    │   └── GlossaryExists
    ├── Unauthorized              no valid API key
    ├── RateLimited               over the client's rate limit        (retry_after)
    ├── ModelUnavailable          a model cannot be found or loaded   (says how to get it)
    ├── Overloaded                too much pending work               (retry_after)
    ├── StoreUnavailable          the shared job store cannot be reached (retry_after)
    ├── EngineUnavailable         Apertium (Bokmål ↔ Nynorsk) is not installed
    ├── EngineFailed              an Apertium pipeline crashed or hung; restarted (retry_after)
    ├── RequestTimeout            the work took too long              (retry_after)
    ├── Cancelled                 the client went away; its work was dropped
    └── ConfigurationError        a setting is wrong; raised at startup

No HTTP here: ``retry_after`` is data, and the edge (``service/http/responses.py``) maps each class
to its status code and JSON body in one place. Where the fix is said differently on each surface
(a route and a field on the API, a command and a flag on the command line) the error carries a
``Remedy`` with both, and each surface says its own (``said_on``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Surface = Literal["http", "cli"]


@dataclass(frozen=True)
class Remedy:
    """How to fix an error, in the words of the surface that reports it."""

    http: str
    cli: str


class OversettError(Exception):
    """Base class: the message is meant for the person who sent the request."""

    retry_after: int | None = None  # seconds after which trying again makes sense

    def __init__(self, message: str, remedy: Remedy | None = None) -> None:
        self.statement = message
        self.remedy = remedy
        self.message = f"{message} {remedy.http}" if remedy else message
        super().__init__(self.message)

    def said_on(self, surface: Surface) -> str:
        """The message with the fix said the way ``surface`` says it."""
        if self.remedy is None:
            return self.message
        return f"{self.statement} {getattr(self.remedy, surface)}"


class InvalidInput(OversettError):
    """The request is well-formed but its content cannot be processed."""


class UnsupportedLanguage(InvalidInput):
    """The text is in a language the translator does not take."""

    def __init__(self, detected: str, supported: list[str], code: str | None = None, confidence: float | None = None) -> None:
        super().__init__(
            f"The text looks like {detected}, which oversett does not translate. "
            f"Supported source languages: {', '.join(supported)}."
        )
        self.detected = detected
        self.code = code  # ISO 639-1, when known
        self.confidence = confidence  # language id's, 0–1


class DocumentError(InvalidInput):
    """This document cannot be processed; a batch run records it and goes on."""


class UnsupportedFormat(OversettError):
    """A file of a type oversett cannot read."""

    def __init__(self, what: str, supported: list[str]) -> None:
        super().__init__(
            f"oversett cannot translate {what}. Supported file types: {', '.join(supported)}."
        )


class InputTooLarge(OversettError):
    """The request is over the configured size limit."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"The text has {size:,} characters; the limit is {limit:,} per request. "
            "Split it into smaller requests or use `oversett batch`."
        )


class FileTooLarge(InputTooLarge):
    """An uploaded file, or what a zip-based file or a PDF's pages unpack to, is over the limit."""

    def __init__(self, what: str, size: int, limit: int, setting: str = "OVERSETT_MAX_DOCUMENT_BYTES") -> None:
        OversettError.__init__(
            self, f"{what} {size:,} bytes; the limit is {limit:,}. Split the document, or raise "
            f"{setting} on a service you run yourself."
        )


class NotFound(OversettError):
    """No such resource."""


class JobNotFound(NotFound):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"No job with id '{job_id}'.")


class GlossaryNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"No glossary named '{name}'.", Remedy("GET /v1/glossaries lists them.", "`oversett glossary list` lists them.")
        )


class MemoryNotFound(NotFound):
    def __init__(self, name: str, entry: int | None = None) -> None:
        what = f"No entry {entry} in the translation memory '{name}'" if entry is not None else f"No translation memory named '{name}'"
        where = f"/v1/memories/{name}/entries" if entry is not None else "/v1/memories"
        listing = f"`oversett memory list {name}`" if entry is not None else "`oversett memory list`"
        super().__init__(f"{what}.", Remedy(f"GET {where} lists them.", f"{listing} lists them."))


class AlreadyExists(OversettError):
    """A resource of that name exists already."""


class MemoryConflict(AlreadyExists):
    """An import would change entries the memory has with another translation: nothing stored."""

    def __init__(self, name: str, conflicts: list[tuple[str, str, str]]) -> None:
        self.conflicts = conflicts  # (source, the memory's target, the import's target)
        shown = "; ".join(f"'{s}': the memory has '{old}', the file has '{new}'" for s, old, new in conflicts[:3])
        more = f" (and {len(conflicts) - 3} more)" if len(conflicts) > 3 else ""
        super().__init__(
            f"{len(conflicts)} segment(s) of the file have another translation in the memory '{name}' "
            f"and nothing was stored: {shown}{more}.",
            Remedy(
                "Import again with on_conflict=replace (the file wins) or on_conflict=keep (the memory wins).",
                "Import again with --on-conflict replace (the file wins) or --on-conflict keep (the memory wins).",
            ),
        )


class GlossaryExists(AlreadyExists):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"A glossary named '{name}' exists.",
            Remedy(f"PUT /v1/glossaries/{name} replaces it.", f"`oversett glossary add {name} FILE --replace` replaces it."),
        )


class Unauthorized(OversettError):
    """No valid API key was presented; ``ways`` says how the route takes one."""

    def __init__(self, ways: str = "'Authorization: Bearer KEY' or 'X-API-Key: KEY'") -> None:
        super().__init__(f"A valid API key is required: send it as {ways}.")


class Forbidden(OversettError):
    """A valid key that may not do this."""


class MemoryReadOnly(Forbidden):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"This API key may read the translation memory '{name}' but not change it; writing needs a key "
            "listed in OVERSETT_MEMORY_WRITE_KEYS."
        )


class RateLimited(OversettError):
    """The client is over its rate limit."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many requests; try again in {retry_after} s.")
        self.retry_after = retry_after


class ModelUnavailable(OversettError):
    """A model could not be found or loaded; the message says how to get it."""

    def __init__(
        self, role: str, model_id: str, setting: str, reason: str, *, local: bool = False
    ) -> None:
        folder = {"translation": "translator", "English → Norwegian translation": "en-translator"}.get(role, "summarizer")
        if local:
            how = (
                f"Check that the folder exists and holds a model saved with save_pretrained "
                f"(config.json, weights, tokenizer files), or set {setting} to a Hugging Face "
                f"Hub id."
            )
        else:
            how = (
                "To get it, run oversett once with internet access so it is downloaded into "
                "the Hugging Face cache (HF_HOME), or download the model elsewhere, copy its "
                f"folder here and set {setting} to that folder."
            )
        super().__init__(
            f"The {role} model '{model_id}' is not available: {reason}. {how} To try oversett "
            f"offline, build small test models with `oversett models tiny DIR` and set "
            f"{setting}=DIR/{folder}."
        )
        self.model_id = model_id


class EngineUnavailable(OversettError):
    """A translation engine run as a separate program (Apertium) is not installed; the message
    names the packages."""

    def __init__(
        self, mode: str, packages: tuple[str, ...] = ("apertium", "apertium-nno-nob"), reason: str = "it is not installed"
    ) -> None:
        super().__init__(
            f"Bokmål ↔ Nynorsk needs Apertium's {mode} mode, and {reason}. Install the Debian packages "
            f"{' and '.join(packages)} (apt-get install {' '.join(packages)}) and restart oversett; "
            "every other language pair works without them."
        )
        self.packages = packages


class EngineFailed(OversettError):
    """A call to a separate translation program crashed, hung or answered garbage; that program was
    restarted and only this request failed."""

    retry_after = 1

    def __init__(self, reason: str) -> None:
        super().__init__(f"Apertium failed on this text ({reason}); its pipeline was restarted, try again.")


class Overloaded(OversettError):
    """Too much pending work: try again shortly."""

    def __init__(self, retry_after: int, why: str = "its queue of pending work is full") -> None:
        super().__init__(f"The service is busy ({why}); retry in {retry_after} s.")
        self.retry_after = retry_after


class StoreUnavailable(OversettError):
    """The shared job store (Redis) cannot be reached; nothing stored is lost, try again."""

    retry_after = 5

    def __init__(self, what: str) -> None:
        super().__init__(
            f"The job store cannot be reached ({what}); jobs already stored are kept. "
            f"Try again in {self.retry_after} s."
        )


class RequestTimeout(OversettError):
    """The work took longer than the request timeout."""

    retry_after = 5

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The request took longer than {seconds:g} s and was stopped; send less text per request "
            "or use /v1/jobs for large batches."
        )


class Cancelled(OversettError):
    """The client went away or the request timed out; its pending work was dropped."""

    def __init__(self) -> None:
        super().__init__("The request was cancelled.")


class ConfigurationError(OversettError):
    """A setting or a file it points at is wrong; raised at startup, before serving."""
