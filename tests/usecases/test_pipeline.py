"""The use cases with fakes (no model, no HTTP): fast checks of layout, caching, limits,
cancellation, progress and summaries, through the protocols alone."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from service.domain.cancel import cancellable
from service.domain.errors import Cancelled, InputTooLarge, InvalidInput, ModelUnavailable
from service.domain.protocols import JobDocument
from service.stores.job_store import JobStore
from service.usecases.jobs import JobLimits, JobRunner
from service.usecases.pipeline import TranslationPipeline
from service.usecases.summaries import SummaryPipeline

from ..fakes import FakeLanguageDetector, FakeTranslator, MemoryCache, WordSummarizer

ARTICLE = (
    "Regjeringen la fram budsjettet i dag.\n\n"
    "- Skatten går ned. Avgiftene går opp.\n"
    "- Bensinen blir dyrere.\n\n"
    "  – Dette er et godt budsjett, sier finansministeren.\n"
)


def pipeline(translator: FakeTranslator | None = None, **kwargs: int) -> TranslationPipeline:
    return TranslationPipeline(translator or FakeTranslator(), MemoryCache(), FakeLanguageDetector(), **kwargs)


def test_layout_is_kept_and_each_sentence_translated() -> None:
    (result,) = pipeline().translate_documents([ARTICLE])
    assert result.text.splitlines() == [line.upper() if line.strip() else line for line in ARTICLE.splitlines()]
    assert [s.source for s in result.segments][:2] == ["Regjeringen la fram budsjettet i dag.", "Skatten går ned."]
    assert result.source_lang == "nb"


def test_repeat_comes_from_the_cache() -> None:
    translator = FakeTranslator()
    work = pipeline(translator)
    work.translate_documents([ARTICLE])
    calls = len(translator.calls)
    (again,) = work.translate_documents([ARTICLE])
    assert len(translator.calls) == calls  # nothing new reached the model
    assert all(s.cached for s in again.segments)
    assert work.stats.cache_hits == len(again.segments)


def test_the_same_sentence_twice_is_translated_once() -> None:
    translator = FakeTranslator()
    pipeline(translator).translate_documents(["Hei. Hei. Hei."])
    assert [s for call in translator.calls for s in call] == ["Hei."]


def test_english_is_returned_without_the_model() -> None:
    translator = FakeTranslator()
    (result,) = pipeline(translator).translate_documents(["It rains in Bergen."], source_lang="en")
    assert result.text == "It rains in Bergen." and translator.calls == []


def test_limits_are_checked_before_any_work() -> None:
    translator = FakeTranslator()
    with pytest.raises(InputTooLarge):
        pipeline(translator, max_chars=10).translate_documents(["Dette er over grensen."])
    assert translator.calls == []


def test_long_sentence_goes_in_pieces_within_the_model_limit() -> None:
    translator = FakeTranslator(max_input_tokens=8)
    sentence = " ".join(f"ord{i}" for i in range(50)) + "."
    (result,) = pipeline(translator).translate_documents([sentence])
    pieces = [s for call in translator.calls for s in call]
    assert len(pieces) > 1 and all(len(p.split()) <= 8 for p in pieces)
    assert " ".join(pieces).split() == sentence.split()
    assert result.text == sentence.upper()


def test_cancelled_work_stops_before_the_model() -> None:
    translator = FakeTranslator()
    cancel = threading.Event()
    cancel.set()
    with cancellable(cancel), pytest.raises(Cancelled):
        pipeline(translator).translate_documents([ARTICLE])
    assert translator.calls == []


def test_progress_hears_of_every_sentence() -> None:
    heard: list[int] = []
    (result,) = pipeline().translate_documents([ARTICLE], progress=heard.append)
    assert sum(heard) == len(result.segments)


def test_a_model_failure_is_not_cached() -> None:
    translator = FakeTranslator()
    work = pipeline(translator)
    with pytest.raises(RuntimeError):
        work.translate_documents(["POISON her."])
    assert work.cache.items == {}  # type: ignore[attr-defined]


def test_extractive_summary_translates_only_the_picked_sentences() -> None:
    translator = FakeTranslator()
    summaries = SummaryPipeline(pipeline(translator), summarizer=None)
    text = " ".join(f"Setning nummer {i} handler om budsjettet." for i in range(20))
    result = summaries.summarize_document(text, "short")
    assert result.method == "extractive" and result.summary.isupper()
    assert result.sentences_translated == sum(len(call) for call in translator.calls) <= 2
    assert summaries.summarize_document(text, "short").cached is True


def test_abstractive_summary_needs_a_summariser() -> None:
    summaries = SummaryPipeline(pipeline(), summarizer=None)
    with pytest.raises(ModelUnavailable):
        summaries.summarize_document("Hei på deg.", method="abstractive")
    with_model = SummaryPipeline(pipeline(), WordSummarizer())
    result = with_model.summarize_document("Det regner i Bergen. Sola skinner i Oslo.", method="auto")
    assert result.method == "abstractive" and result.summary
    assert result.models == {"translator": "fake", "summarizer": "fake-summarizer"}


class _Pipelines:
    def __init__(self) -> None:
        self.pipeline = pipeline()
        self.summaries = SummaryPipeline(self.pipeline, None)

    def require_pipeline(self) -> TranslationPipeline:
        return self.pipeline

    def require_summaries(self) -> SummaryPipeline:
        return self.summaries

    def close(self) -> None:
        return None


def test_job_limits_are_the_use_cases(tmp_path: Path) -> None:
    runner = JobRunner(JobStore(tmp_path / "jobs.sqlite3"), _Pipelines(), JobLimits(2, 50, 60))
    with pytest.raises(InvalidInput, match="limit is 2"):
        runner.submit([JobDocument(str(i), "Hei.") for i in range(3)], None, "auto")
    with pytest.raises(InputTooLarge):
        runner.submit([JobDocument("a", "x" * 51)], None, "auto")
    with pytest.raises(InputTooLarge):
        runner.submit([JobDocument("a", "x" * 40), JobDocument("b", "y" * 40)], None, "auto")
    runner.store.close()


def test_flagged_sentence_is_retried_cautiously_and_the_better_try_kept() -> None:
    looping = FakeTranslator(transform=lambda s: "rain rain rain rain in Bergen today.",
                             cautious_transform=lambda s: "It rains in Bergen today.")
    work = pipeline(looping)
    (result,) = work.translate_documents(["Det regner i Bergen i dag."])
    assert [d.cautious for d in looping.decodings] == [False, True]
    assert result.text == "It rains in Bergen today." and result.flagged == 0
    assert work.stats.retries == 1 and work.stats.retries_improved == 1


def test_what_still_fails_after_the_retry_is_flagged_and_cached_with_its_confidence() -> None:
    translator = FakeTranslator(transform=lambda s: "ngngngngngngngngngngng")
    work = pipeline(translator)
    (first,) = work.translate_documents(["Det regner i Bergen i dag."])
    (segment,) = first.segments
    assert {i.code for i in segment.issues} >= {"repetition", "name"}
    assert segment.confidence is not None and 0 < segment.confidence <= 1
    assert work.stats.retries == 1 and work.stats.retries_improved == 0
    assert work.stats.issues["repetition"] == 1
    calls = len(translator.calls)
    (again,) = work.translate_documents(["Det regner i Bergen i dag."])
    assert len(translator.calls) == calls  # from the cache, flags and confidence too
    assert again.segments[0].cached and again.segments[0].issues == segment.issues
    assert again.segments[0].confidence == segment.confidence


def test_protected_spans_reach_the_model_as_placeholders_and_come_back_verbatim() -> None:
    translator = FakeTranslator(transform=lambda s: s.replace("Les mer på", "Read more at"))
    (result,) = pipeline(translator).translate_documents(["Les mer på https://www.nrk.no/sak?id=1 i dag."])
    assert translator.calls[0] == ["Les mer på QX1 i dag."]
    assert result.text == "Read more at https://www.nrk.no/sak?id=1 i dag."


def test_a_lost_placeholder_is_flagged_and_its_span_added_at_the_end() -> None:
    translator = FakeTranslator(transform=lambda s: "Read more today.")
    (result,) = pipeline(translator, ).translate_documents(["Les mer på https://www.nrk.no/sak i dag."])
    assert result.text == "Read more today. https://www.nrk.no/sak"
    assert "link" in {i.code for i in result.segments[0].issues}


def test_checks_can_be_switched_off() -> None:
    translator = FakeTranslator(transform=lambda s: "ngngngngngngngngngngng")
    work = TranslationPipeline(translator, MemoryCache(), FakeLanguageDetector(), checks=False)
    (result,) = work.translate_documents(["Det regner i Bergen i dag."])
    assert result.flagged == 0 and len(translator.calls) == 1


def test_stream_tells_cached_segments_first_then_each_in_order_then_the_document() -> None:
    translator = FakeTranslator()
    work = pipeline(translator)
    work.translate_documents(["Skatten går ned."])  # one sentence cached
    translator.calls.clear()
    text = "Regjeringen la fram budsjettet i dag. Skatten går ned. " + " ".join(
        f"Setning nummer {i} kommer her." for i in range(10)
    )
    events = list(work.stream_documents([text]))
    segments = [e for e in events if e.segment is not None]
    assert [e.position for e in segments] == list(range(12))
    assert events[-1].document is not None and events[-1].document.text == text.upper()
    assert [s.segment.cached for s in segments][:2] == [False, True]
    # the model saw the misses in document order, a few at a time
    assert [s for call in translator.calls for s in call][0] == "Regjeringen la fram budsjettet i dag."
    assert max(len(call) for call in translator.calls) <= 4


def test_stream_checks_limits_and_language_before_the_first_event() -> None:
    work = pipeline(max_chars=10)
    with pytest.raises(InputTooLarge):
        next(work.stream_documents(["Dette er over grensen."]))
