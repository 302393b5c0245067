"""Norway's two written standards: Bokmål ↔ Nynorsk by a rule-based engine (Apertium, behind its
own ``TranslationPipeline``: cache, memory, protected spans), and English → Nynorsk by way of
Bokmål. The English → Norwegian pipeline hands a Norwegian text of the other standard here, and,
on the Bokmål route, its Bokmål segments for Nynorsk."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from ..domain.errors import InvalidInput, OversettError
from ..domain.glossary import Glossary
from ..domain.langid import Detection
from .results import (
    DocumentTranslation,
    PipelineStats,
    SegmentTranslation,
    StreamEvent,
    UnitTranslation,
)

WRITTEN_STANDARDS = ("nb", "nn")
# English → Nynorsk: "bokmal" translates into Bokmål and converts it with Apertium (34.5 / 62.3 BLEU /
# chrF on FLORES lines 1–150 against 31.1 / 60.8 for the model's own >>nno<<, paired bootstrap p = 0.002);
# "direct" asks the model for Nynorsk.
ROUTES = ("bokmal", "direct")


def converts(source: str, target: str) -> bool:
    """One written standard into the other (nb → nn, nn → nb)."""
    return source in WRITTEN_STANDARDS and target in WRITTEN_STANDARDS and source != target


class EnginePipeline(Protocol):
    """What this module asks of the engine's ``TranslationPipeline``."""

    stats: PipelineStats

    def translate_documents(
        self, texts: Sequence[str], source_lang: str = "auto", num_beams: int | None = None, *,
        glossary: Glossary | None = None, memory: str | None = None, target_lang: str | None = None,
    ) -> list[DocumentTranslation]: ...

    def stream_documents(
        self, texts: Sequence[str], source_lang: str = "auto", num_beams: int | None = None,
        glossary: Glossary | None = None, memory: str | None = None, target_lang: str | None = None,
    ) -> Iterator[StreamEvent]: ...

    def translate_sentences(self, sentences: Sequence[str], target: str) -> list[tuple[UnitTranslation, bool]]: ...

    def close(self) -> None: ...


@dataclass
class Standards:
    """The Bokmål ↔ Nynorsk pipeline (None when Apertium is missing: ``error`` says what to install)
    and how English goes into Nynorsk."""

    pipeline: EnginePipeline | None
    error: OversettError | None = None
    route: str = "bokmal"

    def require(self) -> EnginePipeline:
        if self.pipeline is None:
            assert self.error is not None
            raise self.error
        return self.pipeline

    def model_target(self, target: str, model_targets: Sequence[str], route: str | None = None) -> str:
        """What to ask an English → Norwegian model for: Bokmål on the Bokmål route into Nynorsk
        (``route``, else the setting; when Apertium is here and the model writes Bokmål), else the
        target itself."""
        if route is not None and route not in ROUTES:
            raise InvalidInput(f"The route into Nynorsk is one of {', '.join(ROUTES)}, not {route!r}.")
        if target == "nn" and (route or self.route) == "bokmal" and self.pipeline is not None and "nb" in model_targets:
            return "nb"
        return target

    def convert_documents(
        self, texts: Sequence[str], detections: Sequence[Detection], target: str, *, num_beams: int | None = None,
        glossary: Glossary | None = None, memory: str | None = None, detected: bool = True,
    ) -> list[DocumentTranslation]:
        """Norwegian texts into the other written standard, each with the detection it came with."""
        pipeline = self.require()
        results = []
        for text, detection in zip(texts, detections, strict=True):
            (result,) = pipeline.translate_documents(
                [text], detection.lang, num_beams, glossary=glossary, memory=memory, target_lang=target,
            )
            results.append(replace(result, detected=detection if detected else None))
        return results

    def stream_document(
        self, index: int, text: str, detection: Detection, target: str, *, num_beams: int | None = None,
        glossary: Glossary | None = None, memory: str | None = None, detected: bool = True,
    ) -> Iterator[StreamEvent]:
        """One Norwegian text streamed into the other written standard, as the ``index``-th text."""
        for event in self.require().stream_documents(
            [text], detection.lang, num_beams, glossary=glossary, memory=memory, target_lang=target,
        ):
            document = event.document
            if document is not None:
                document = replace(document, detected=detection if detected else None)
            yield replace(event, index=index, document=document)

    def into_nynorsk(self, segments: Sequence[SegmentTranslation]) -> list[SegmentTranslation]:
        """Bokmål segments of an English text (the model's or the cache's) in Nynorsk; what a memory
        gave is Nynorsk already. The engine's issues join the model's, and the lower confidence holds."""
        pipeline = self.require()
        made = [i for i, s in enumerate(segments) if s.origin in ("model", "cache") and s.translation.strip()]
        converted = pipeline.translate_sentences([segments[i].translation for i in made], "nn")
        out = list(segments)
        for i, (nynorsk, cached) in zip(made, converted, strict=True):
            segment = segments[i]
            confidences = [c for c in (segment.confidence, nynorsk.confidence) if c is not None]
            out[i] = replace(
                segment, translation=nynorsk.text, confidence=min(confidences) if confidences else None,
                issues=tuple(dict.fromkeys((*segment.issues, *nynorsk.issues))), cached=segment.cached and cached,
            )
        return out
