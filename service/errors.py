"""The small family of errors oversett raises; ``api.py`` maps each to one HTTP status."""

from __future__ import annotations


class OversettError(Exception):
    """Base class: the message is meant for the person who sent the request."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(OversettError):
    """The request is well-formed JSON but its content cannot be processed (422)."""


class UnsupportedLanguage(InvalidInput):
    """The text is in a language the translator does not take (422)."""

    def __init__(self, detected: str, supported: list[str]) -> None:
        super().__init__(
            f"The text looks like {detected}, which oversett does not translate. "
            f"Supported source languages: {', '.join(supported)}."
        )
        self.detected = detected


class InputTooLarge(OversettError):
    """The request is over the configured size limit (413)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"The text has {size:,} characters; the limit is {limit:,} per request. "
            "Split it into smaller requests or use `oversett batch`."
        )


class ModelUnavailable(OversettError):
    """A model could not be found or loaded (503); the message says how to get it."""

    def __init__(
        self, role: str, model_id: str, setting: str, reason: str, *, local: bool = False
    ) -> None:
        folder = "translator" if role == "translation" else "summarizer"
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


class ConfigurationError(OversettError):
    """A setting or a file it points at is wrong; raised at startup, before serving."""
