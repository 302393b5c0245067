"""The tests' shared fakes and factories: fakes that keep the real protocols
(``service/domain/protocols.py``) for fast use-case tests with no model and failures on demand, and
files built on purpose (a zip bomb)."""

from __future__ import annotations

import io
import threading
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence

from service.domain.langid import Detection
from service.domain.presets import LengthPreset
from service.domain.protocols import (
    Decoding,
    Hypothesis,
    ModelInfo,
    SummarizerStats,
    TranslatorStats,
)


def words(text: str) -> int:
    return len(text.split())


class FakeTranslator:
    """A Translator that maps each sentence with ``transform`` (upper case by default; on a
    cautious retry with ``cautious_transform`` when given), counts tokens as words, records every
    call and fails any call holding a sentence with ``poison``."""

    def __init__(
        self,
        transform: Callable[[str], str] = str.upper,
        *,
        poison: str = "POISON",
        max_input_tokens: int = 256,
        model_id: str = "fake",
        cautious_transform: Callable[[str], str] | None = None,
    ) -> None:
        self.transform = transform
        self.cautious_transform = cautious_transform
        self.decodings: list[Decoding] = []
        self.poison = poison
        self.calls: list[list[str]] = []
        self.closed = False
        self._info = ModelInfo(model_id, "1", "fake", "none", max_input_tokens)
        self._stats = TranslatorStats()
        self._lock = threading.Lock()

    @property
    def info(self) -> ModelInfo:
        return self._info

    @property
    def stats(self) -> TranslatorStats:
        return self._stats

    @property
    def pending(self) -> int:
        return 0

    def count_tokens(self, text: str) -> int:
        return words(text)

    def translate(self, sentences: Sequence[str], num_beams: int) -> list[str]:
        return [h.text for h in self.translate_scored(sentences, Decoding(num_beams))]

    def translate_scored(self, sentences: Sequence[str], decoding: Decoding) -> list[Hypothesis]:
        with self._lock:
            self.calls.append(list(sentences))
            self.decodings.append(decoding)
        if any(self.poison in s for s in sentences):
            raise RuntimeError("the model choked")
        self._stats.record(len(sentences))
        transform = self.cautious_transform if decoding.cautious and self.cautious_transform else self.transform
        return [Hypothesis(transform(s), -0.1) for s in sentences]

    def close(self) -> None:
        self.closed = True


class WordSummarizer:
    """A Summarizer that keeps the first words: enough to test the map-reduce plumbing."""

    def __init__(self, max_input_tokens: int = 40) -> None:
        self.max_input_tokens = max_input_tokens
        self.calls: list[list[str]] = []
        self._info = ModelInfo("fake-summarizer", "1", "fake", "none", max_input_tokens)
        self._stats = SummarizerStats()

    @property
    def info(self) -> ModelInfo:
        return self._info

    @property
    def stats(self) -> SummarizerStats:
        return self._stats

    def count_tokens(self, text: str) -> int:
        return words(text)

    def text_budget(self, preset: LengthPreset) -> int:
        return self.max_input_tokens

    def summarize(self, texts: Sequence[str], preset: LengthPreset) -> list[str]:
        self.calls.append(list(texts))
        self._stats.calls += 1
        return [" ".join(t.split()[: min(preset.max_new_tokens, 10)]) for t in texts]


class MemoryCache:
    """A Cache in a dict, counting reads and writes."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}
        self.reads = 0
        self.writes = 0

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        self.reads += 1
        return {k: self.items[k] for k in keys if k in self.items}

    def set_many(self, items: Mapping[str, str]) -> None:
        self.writes += 1
        self.items.update(items)

    def close(self) -> None:
        return None


class FakeLanguageDetector:
    """Says every text is ``lang`` (language id is tested on its own in test_langid.py)."""

    def __init__(self, lang: str = "nb") -> None:
        self.lang = lang

    def detect(self, text: str, *, prefer_english: bool = False) -> Detection:
        return Detection(self.lang, 0.9)

    def detect_many(self, texts: Sequence[str], *, prefer_english: bool = False) -> None:
        return None

    def warm_up(self) -> None:
        return None


def zip_bomb(size: int, kind: str = "docx") -> bytes:
    """A zip that looks like a file of ``kind`` (docx, pptx, xlsx, odt, odp, epub) whose one big
    member unpacks to ``size`` bytes of zeros."""
    marks = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml", "xlsx": "xl/workbook.xml"}
    mimetypes = {"odt": "application/vnd.oasis.opendocument.text",
                 "odp": "application/vnd.oasis.opendocument.presentation", "epub": "application/epub+zip"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if kind in mimetypes:
            archive.writestr("mimetype", mimetypes[kind], zipfile.ZIP_STORED)
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(marks.get(kind, "content.xml"), "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                member.write(chunk)
    return out.getvalue()
