"""The language pairs oversett translates: Norwegian (Bokmål, Nynorsk) and its neighbours Danish
and Swedish into English, English into Bokmål or Nynorsk, and Bokmål ↔ Nynorsk. Which model serves a pair is the
composition root's business; this module knows only the languages and the rules between them."""

from __future__ import annotations

from .errors import InvalidInput

ENGLISH = "en"
NORWEGIAN = frozenset({"nb", "nn", "no"})  # "no": Norwegian of either written form
TARGET_NAMES: dict[str, str] = {"en": "English", "nb": "Norwegian Bokmål", "nn": "Norwegian Nynorsk"}
# What each direction's translator takes and gives.
INTO_ENGLISH_SOURCES = ("nb", "nn", "da", "sv")
FROM_ENGLISH_TARGETS = ("nb", "nn")
# Bokmål ↔ Nynorsk: the two written standards of Norwegian, converted by a rule-based engine.
STANDARD_PAIRS = (("nb", "nn"), ("nn", "nb"))
_TARGET_ALIASES = {"nob": "nb", "nno": "nn", "eng": "en", "en-gb": "en", "en-us": "en"}


def normalise_target(code: str | None) -> str:
    """A request's ``target_lang`` as oversett's code (``en`` when not given); InvalidInput (422)
    listing the supported ones otherwise."""
    if code is None or not code.strip():
        return ENGLISH
    key = code.strip().lower().replace("_", "-")
    key = _TARGET_ALIASES.get(key, key)
    if key not in TARGET_NAMES:
        raise InvalidInput(
            f"oversett does not translate into '{code}'; the target language is one of: "
            + ", ".join(f"{c} ({name})" for c, name in TARGET_NAMES.items())
        )
    return key


def direction(target: str) -> str:
    """``into-english`` or ``from-english``: which translator a target needs."""
    return "into-english" if target == ENGLISH else "from-english"


def pairs(targets: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """The (source, target) pairs of a translator that translates into ``targets``."""
    if list(targets) == [ENGLISH]:
        return [(source, ENGLISH) for source in INTO_ENGLISH_SOURCES]
    return [(ENGLISH, target) for target in targets]


# Language tags as exchange files and clients write them (BCP 47, ISO 639-1/2/3, locales), by base.
_TAG_BASES = {
    "en": "en", "eng": "en", "nb": "nb", "nob": "nb", "no": "nb", "nor": "nb", "nn": "nn", "nno": "nn",
    "da": "da", "dan": "da", "sv": "sv", "swe": "sv",
}


def language_of_tag(tag: str | None) -> str | None:
    """oversett's code of a language tag (``en-US`` → en, ``nb-NO``, ``no`` and ``nob`` → nb,
    ``nn-NO`` and ``nno`` → nn, ``da-DK`` → da, ``sv-SE`` → sv), or None for any other language."""
    if not tag:
        return None
    return _TAG_BASES.get(tag.strip().replace("_", "-").split("-")[0].lower())


def served_pairs() -> list[tuple[str, str]]:
    """Every (source, target) pair oversett translates, as memory entries may go."""
    return [*pairs([ENGLISH]), *pairs(FROM_ENGLISH_TARGETS), *STANDARD_PAIRS]


def pair_label(source: str, target: str) -> str:
    return f"{source}-{target}"


def already_in_target(source: str, target: str) -> bool:
    """The text needs no translation: it is in the target's written standard (Bokmål for Bokmål,
    Nynorsk for Nynorsk; "no", Norwegian of either standard, counts for both)."""
    return source == target or (source == "no" and target in NORWEGIAN)


def check_pair(source: str, target: str) -> None:
    """InvalidInput (422) naming the pairs there are when ``source`` → ``target`` is not one."""
    if target == ENGLISH or source == ENGLISH or already_in_target(source, target) or (source, target) in STANDARD_PAIRS:
        return
    served = ", ".join(pair_label(s, t) for s, t in served_pairs())
    raise InvalidInput(
        f"oversett does not translate {source} into {target}: only English and the other written standard "
        f"go into {TARGET_NAMES[target]}. "
        f"Pairs: {served}."
    )
