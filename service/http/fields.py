"""Fields that several request bodies (and the document form) share: languages, the memory, the
route into Nynorsk, and the text check."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from ..domain.errors import InvalidInput
from ..domain.pairs import normalise_target

MAX_ITEMS = 128
SourceLang = Literal["auto", "nb", "nn", "no", "da", "sv", "en"]


def _target(value: object) -> str:
    if value is not None and not isinstance(value, str):
        raise ValueError("target_lang must be a string: en, nb or nn")
    try:
        return normalise_target(value)
    except InvalidInput as exc:
        raise ValueError(exc.message) from exc


# en (the default), nb or nn; nob / nno / eng are taken too.
TargetLang = Annotated[
    str,
    BeforeValidator(_target),
    Field(description="The language to translate into: en (the default), nb (Bokmål) or nn (Nynorsk); "
          "nb and nn take English sources", examples=["en", "nb", "nn"]),
]
# Control characters other than tab, line feed and carriage return have no place in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A JSON "\udXXX" escape without its pair parses to a lone surrogate: not text, not UTF-8.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def check_text(value: str, where: str) -> str:
    """Refuse blank text, lone surrogates and control characters, saying where."""
    if not value.strip():
        raise ValueError(f"{where} is empty or only white space")
    surrogate = _SURROGATE.search(value)
    if surrogate:
        raise ValueError(
            f"{where} contains a lone surrogate U+{ord(surrogate.group()):04X} at position "
            f"{surrogate.start()} (an unpaired \\u{ord(surrogate.group()):04x} escape in the JSON), "
            "which is not Unicode text; send the text as valid UTF-8"
        )
    bad = _CONTROL.search(value)
    if bad:
        raise ValueError(
            f"{where} contains the control character U+{ord(bad.group()):04X} at position "
            f"{bad.start()}; remove it (only tab, line feed and carriage return are allowed)"
        )
    return value


MEMORY_FIELD = Field(
    None, max_length=64,
    description="A translation memory's name (see /v1/memories); default: the key's memory (OVERSETT_KEY_MEMORIES), "
    "else OVERSETT_MEMORY; 'none' uses none",
)

NYNORSK_ROUTE_HELP = (
    "English → Nynorsk: 'bokmal' translates into Bokmål and converts that with Apertium, 'direct' asks the model for "
    "Nynorsk; default: OVERSETT_NYNORSK_ROUTE"
)
NynorskRoute = Literal["bokmal", "direct"]
NYNORSK_ROUTE_FIELD = Field(None, description=NYNORSK_ROUTE_HELP)
