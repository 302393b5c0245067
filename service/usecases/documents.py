"""Translate a file of any supported format (``protocols.DocumentFormat``): the format takes the
file apart into units, every unit of the document goes through the pipeline in one batched call
(segmentation, cache, dynamic batching, the faithfulness checks), and the format writes the file
back. The language is told (or detected once) for the whole document, so a short table cell or
heading is never refused on its own; units without letters (numbers, markup alone) stay as they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..domain.glossary import Glossary
from ..domain.protocols import DocumentFormat, TranslatedUnit
from ..domain.spans import without_markup
from .pipeline import DETECTION_SAMPLE_CHARS, SegmentTranslation, TranslationPipeline


@dataclass(frozen=True)
class TranslatedFile:
    data: bytes
    format: str
    source_lang: str
    units: int  # translatable units (paragraphs, cells, cues …)
    segments: int  # sentences translated
    cached_segments: int
    flagged_segments: int  # sentences the faithfulness checks flagged
    issues: dict[str, int]  # check code → sentences
    source_text: str  # the document's translatable text, plain (for a summary)
    confidence: float | None = None  # language id's, when it detected the language
    terms: int = 0  # glossary terms applied
    memory_hits: int = 0  # sentences the translation memory gave (exact or adapted)
    pairs: tuple[tuple[str, str], ...] = ()  # every sentence and its translation, markers in (for XLIFF)
    marked_segments: int = 0  # flagged sentences marked in the file (0 where the format cannot carry marks)


def translate_file(
    pipeline: TranslationPipeline,
    document_format: DocumentFormat,
    data: bytes,
    source_lang: str = "auto",
    num_beams: int | None = None,
    progress: Callable[[int], None] | None = None,
    glossary: Glossary | None = None,
    memory: str | None = None,
    target_lang: str = "en",
    mark_flagged: bool = False,
    route: str | None = None,
) -> TranslatedFile:
    """The file, translated; DocumentError for a broken file, InputTooLarge over the limits,
    UnsupportedLanguage for a document in a language oversett does not take. With
    ``mark_flagged``, the sentences the checks flagged are marked in the file with the reason,
    where the format can carry it (``TranslatedFile.marked_segments``). ``route``: how English goes
    into Nynorsk (None: the setting)."""
    parsed = document_format.read(data)
    units = list(parsed.units)
    wanted = [i for i, unit in enumerate(units) if any(c.isalpha() for c in without_markup(unit))]
    plain = "\n\n".join(without_markup(units[i]) for i in wanted)
    pipeline.check_size([plain])
    if not wanted:
        pipeline.stats.record_document(document_format.name)
        return TranslatedFile(data, document_format.name, source_lang if source_lang != "auto" else "zxx", 0, 0, 0, 0, {}, "")
    detection = pipeline.detection_of(plain[:DETECTION_SAMPLE_CHARS], source_lang, target=target_lang)
    documents = pipeline.translate_documents(
        [units[i] for i in wanted], detection.lang, num_beams, progress, glossary, memory, target_lang, route
    )
    translations = [TranslatedUnit(unit) for unit in units]
    for index, document in zip(wanted, documents, strict=True):
        translations[index] = TranslatedUnit(
            document.text, tuple((s.source, s.translation) for s in document.segments),
            flag_notes(document.segments) if mark_flagged else (),
        )
    written = parsed.write(translations, target_lang)
    pipeline.stats_for(detection.lang, target_lang).record_document(document_format.name)
    segments = [s for d in documents for s in d.segments]
    return TranslatedFile(
        written, document_format.name, detection.lang, len(wanted), len(segments),
        sum(s.cached for s in segments), sum(1 for s in segments if s.issues),
        dict(Counter(i.code for s in segments for i in s.issues)), plain,
        detection.confidence if source_lang == "auto" else None,
        sum(len(s.terms) for s in segments),
        sum(1 for s in segments if s.origin.startswith("memory")),
        tuple((s.source, s.translation) for s in segments if s.source.strip()),
        sum(1 for s in segments if s.issues) if mark_flagged and parsed.marks else 0,
    )


def flag_notes(segments: list[SegmentTranslation]) -> tuple[str, ...]:
    """What the checks found in a unit's sentences, as notes for the file: the sentence (its
    start), then each reason in plain words."""
    return tuple(
        f"oversett flagged «{_start_of(without_markup(s.translation))}»: " + " ".join(i.message for i in s.issues)
        for s in segments if s.issues
    )


def _start_of(sentence: str, words: int = 8) -> str:
    split = sentence.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")
