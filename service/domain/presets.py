"""Summary lengths: the one table of presets, and trimming a summary to its budget."""

from __future__ import annotations

from dataclasses import dataclass

from .text import segment


@dataclass(frozen=True)
class LengthPreset:
    """How long a summary may be: sentences and words, and the matching generation bounds."""

    name: str
    min_sentences: int
    max_sentences: int
    max_words: int
    min_new_tokens: int
    max_new_tokens: int


# The one table of summary lengths. Tokens are about 1.3–1.5 per English word.
LENGTH_PRESETS: dict[str, LengthPreset] = {
    "short": LengthPreset("short", 1, 2, 50, 12, 80),
    "medium": LengthPreset("medium", 3, 5, 110, 50, 170),
    "long": LengthPreset("long", 4, 8, 150, 100, 230),
}
WORDS_PER_SENTENCE = 20  # what a max_words budget means in sentences


def preset_for(length: str, max_words: int | None) -> LengthPreset:
    """The named preset, or one derived from a word budget (which then wins)."""
    if max_words is None:
        return LENGTH_PRESETS[length]
    nearest = min(LENGTH_PRESETS.values(), key=lambda p: abs(p.max_words - max_words))
    return LengthPreset(
        name=nearest.name,  # whose prompt template applies
        min_sentences=1,
        max_sentences=max(1, -(-max_words // WORDS_PER_SENTENCE)),
        max_words=max_words,
        min_new_tokens=max(1, max_words // 3),
        max_new_tokens=int(max_words * 1.5) + 10,
    )


def bounded(preset: LengthPreset, max_new_tokens: int) -> LengthPreset:
    """The same preset with generation capped at ``max_new_tokens``."""
    return LengthPreset(
        name=preset.name,
        min_sentences=preset.min_sentences,
        max_sentences=preset.max_sentences,
        max_words=preset.max_words,
        min_new_tokens=min(preset.min_new_tokens, max_new_tokens // 2),
        max_new_tokens=min(preset.max_new_tokens, max_new_tokens),
    )


def trim_summary(text: str, preset: LengthPreset) -> str:
    """Keep whole sentences within the preset's sentence and word budgets; a first sentence
    that alone is over the word budget is cut at a word and marked with an ellipsis."""
    sentences = segment(" ".join(text.split())).sentences
    kept: list[str] = []
    words = 0
    for sentence in sentences[: preset.max_sentences]:
        length = len(sentence.split())
        if kept and words + length > preset.max_words:
            break
        kept.append(sentence)
        words += length
    if kept and words > preset.max_words:
        kept = [" ".join(kept[0].split()[: preset.max_words]).rstrip(",;:") + "…"]
    return " ".join(kept)
