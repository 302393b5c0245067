"""Summary instruction templates (``prompts/``): loaded and checked once, at startup."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..domain.errors import ConfigurationError

SLOT = "{text}"
# Model families trained with a task prefix or instruction; BART/Pegasus take the bare text.
INSTRUCTION_FAMILIES = frozenset({"t5", "mt5", "umt5", "longt5", "switch_transformers"})
PromptMode = Literal["auto", "always", "never"]


def uses_prompts(model_type: str, mode: PromptMode) -> bool:
    if mode == "always":
        return True
    if mode == "never":
        return False
    return model_type in INSTRUCTION_FAMILIES


@dataclass(frozen=True)
class PromptSet:
    """A template per length preset; ``apply`` puts the text in the slot."""

    templates: dict[str, str]

    def apply(self, preset: str, text: str) -> str:
        return self.templates[preset].replace(SLOT, text, 1)

    def overhead(self, preset: str) -> str:
        """The template without the text, to budget its tokens."""
        return self.templates[preset].replace(SLOT, "", 1)


def load_prompts(folder: Path, presets: Iterable[str], single_file: Path | None = None) -> PromptSet:
    """Read ``<preset>.txt`` for each preset (or one file for all); raise ConfigurationError
    for a template that is missing, unreadable or has no ``{text}`` slot."""
    templates: dict[str, str] = {}
    for preset in presets:
        path = single_file if single_file is not None else folder / f"{preset}.txt"
        try:
            template = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(
                f"Summary prompt template for '{preset}' cannot be read: {path} "
                f"({exc.__class__.__name__}). Create it with a {SLOT} slot, or set "
                "OVERSETT_PROMPTS_DIR / OVERSETT_PROMPT_TEMPLATE to an existing template."
            ) from exc
        if SLOT not in template:
            raise ConfigurationError(
                f"Summary prompt template {path} has no {SLOT} slot; add {SLOT} where the "
                "article text should go."
            )
        templates[preset] = template
    return PromptSet(templates)
