"""Run an evaluation: the system's outputs (fresh, or from a batch run) and the baselines,
scored against the references."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from service.domain.extractive import body_sentences
from service.domain.presets import LENGTH_PRESETS
from service.usecases.batch_files import STATE_DIR, SUMMARY_SUFFIX, TRANSLATION_SUFFIX
from service.usecases.standards import ROUTES

from .metrics import paired_bootstrap, rouge_scores, translation_scores
from .testsets import PUBLISHED, STANDARD_PAIRS, TestSet

PARAGRAPH_BREAK = "\n\n"


@dataclass
class ReferenceDocument:
    """A source document with its reference translation and summaries."""

    stem: str
    source: str
    translation: str
    summaries: dict[str, list[str]]  # length → references


@dataclass
class Outputs:
    """What a system produced for one document."""

    translation: str
    summaries: dict[tuple[str, str], str] = field(default_factory=dict)  # (method, length) → text


def load_references(docs_dir: Path, references_dir: Path) -> list[ReferenceDocument]:
    """Every source in ``docs_dir`` that has a reference translation in ``references_dir``."""
    documents = []
    for source in sorted(docs_dir.glob("*.txt")):
        translation = references_dir / f"{source.stem}.en.txt"
        if not translation.is_file():
            continue
        summaries: dict[str, list[str]] = {}
        for path in sorted(references_dir.glob(f"{source.stem}.summary.*.txt")):
            length = path.name.split(".summary.", 1)[1].split(".", 1)[0]
            summaries.setdefault(length, []).append(path.read_text(encoding="utf-8").strip())
        documents.append(
            ReferenceDocument(
                source.stem,
                source.read_text(encoding="utf-8"),
                translation.read_text(encoding="utf-8"),
                summaries,
            )
        )
    return documents


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.strip().split(PARAGRAPH_BREAK) if p.strip()]


def aligned(doc: ReferenceDocument, hypothesis: str) -> tuple[list[str], list[str]]:
    hyps, refs = paragraphs(hypothesis), paragraphs(doc.translation)
    if len(hyps) != len(refs):
        raise ValueError(
            f"{doc.stem}: the output has {len(hyps)} paragraphs but the reference has {len(refs)}"
        )
    return hyps, refs


def lead_summary(english: str, length: str) -> str:
    """The lead-N baseline: the first N body sentences of the translation."""
    count = LENGTH_PRESETS[length].max_sentences
    return " ".join(c.text for c in body_sentences(english)[:count])


def score(
    documents: Sequence[ReferenceDocument], outputs: dict[str, Outputs], info: dict[str, Any]
) -> dict[str, Any]:
    """Scores of the system and the baselines, computed in one go."""
    translation_rows = []
    systems = {
        "oversett": {d.stem: outputs[d.stem].translation for d in documents},
        "baseline: untranslated source": {d.stem: d.source for d in documents},
    }
    for system, texts in systems.items():
        hyps: list[str] = []
        refs: list[str] = []
        for doc in documents:
            h, r = aligned(doc, texts[doc.stem])
            hyps += h
            refs += r
        translation_rows.append({"system": system, **asdict(translation_scores(hyps, refs))})

    summary_rows = []
    lengths = sorted({length for d in documents for length in d.summaries})
    for length in lengths:
        candidates: dict[str, dict[str, str]] = {}
        for doc in documents:
            if length not in doc.summaries:
                continue
            for (method, out_length), text in outputs[doc.stem].summaries.items():
                if out_length == length:
                    candidates.setdefault(f"oversett {method}", {})[doc.stem] = text
            count = LENGTH_PRESETS[length].max_sentences
            candidates.setdefault(f"baseline: lead-{count} (translated)", {})[doc.stem] = lead_summary(
                outputs[doc.stem].translation, length
            )
        for system, texts in candidates.items():
            per_doc = [rouge_scores(texts[d.stem], d.summaries[length]) for d in documents if d.stem in texts]
            mean = {k: round(sum(s[k] for s in per_doc) / len(per_doc), 4) for k in per_doc[0]}
            summary_rows.append(
                {"system": system, "length": length, "documents": len(per_doc),
                 "references_per_document": min(len(d.summaries[length]) for d in documents if d.stem in texts),
                 **mean}
            )
    return {**info, "documents": [d.stem for d in documents], "translation": translation_rows, "summaries": summary_rows}


def run_pipeline(
    documents: Sequence[ReferenceDocument], services: Any, methods: Sequence[str]
) -> dict[str, Outputs]:
    """Translate and summarise each document with the loaded models."""
    pipeline = services.require_pipeline()
    summaries = services.require_summaries()
    available = [m for m in methods if m != "abstractive" or summaries.summarizer is not None]
    results: dict[str, Outputs] = {}
    for doc in documents:
        (translation,) = pipeline.translate_documents([doc.source])
        out = Outputs(translation.text)
        for length in doc.summaries:
            for method in available:
                summary = summaries.summarize_document(doc.source, length, method=method)  # type: ignore[arg-type]
                out.summaries[(method, length)] = summary.summary
        results[doc.stem] = out
    return results


def read_batch_outputs(documents: Sequence[ReferenceDocument], folder: Path) -> dict[str, Outputs]:
    """Outputs of an earlier ``oversett batch`` run: translations, and summaries with the
    length and method its state records name."""
    results: dict[str, Outputs] = {}
    for doc in documents:
        translation = folder / f"{doc.stem}{TRANSLATION_SUFFIX}"
        if not translation.is_file():
            raise FileNotFoundError(f"{translation} is missing: was {doc.stem} part of the batch run?")
        out = Outputs(translation.read_text(encoding="utf-8"))
        summary = folder / f"{doc.stem}{SUMMARY_SUFFIX}"
        if summary.is_file():
            length, method = "short", "summary"
            for state_file in (folder / STATE_DIR).glob(f"{doc.stem}.*.json"):
                state = json.loads(state_file.read_text(encoding="utf-8"))
                length = state["key"].get("summary") or length
                method = state["entry"]["models"].get("summary_method") or method
            out.summaries[(method, length)] = summary.read_text(encoding="utf-8").strip()
        results[doc.stem] = out
    return results


def score_testset(
    testset: TestSet, translations: Sequence[str], info: dict[str, Any], routes: dict[str, Sequence[str]] | None = None
) -> dict[str, Any]:
    """oversett's translations scored beside the untranslated source and the published figures;
    ``routes``: English → Nynorsk by each route (the setting's first), compared by paired bootstrap."""
    system = translation_scores(translations, testset.references)
    source = translation_scores(testset.sources, testset.references)
    compared: dict[str, Any] = {}
    if routes:
        p_values = paired_bootstrap(routes, testset.references)
        compared = {"routes": [
            {"system": f"oversett, route {route}", **asdict(translation_scores(out, testset.references)), **p_values[route]}
            for route, out in routes.items()
        ]}
    published = [
        {"system": model, "bleu": bleu, "chrf": chrf}
        for model, (bleu, chrf) in PUBLISHED.get((testset.name, testset.pair), {}).items()
    ]
    return {
        **info,
        "testset": {"name": testset.name, "pair": testset.pair, "origin": testset.origin, "segments": len(testset.sources)},
        "translation": [
            {"system": "oversett", **asdict(system)},
            {"system": "baseline: untranslated source", **asdict(source)},
        ],
        **compared,
        "published": published,
        "checks": [] if testset.pair in STANDARD_PAIRS else flag_rates(  # the checks judge translations, not conversions
            {"oversett": (testset.sources, translations), "reference": (testset.sources, testset.references)},
            getattr(testset, "target_lang", "en"),
        ),
    }


def flag_rates(outputs: dict[str, tuple[Sequence[str], Sequence[str]]], target: str = "en") -> list[dict[str, Any]]:
    """% of segments the faithfulness checks flag, in all and by code, for each system."""
    from collections import Counter

    from service.domain.checks import CODES, check

    rows = []
    for system, (sources, translations) in outputs.items():
        found = [check(s, t, target) for s, t in zip(sources, translations, strict=True)]
        codes = Counter(i.code for issues in found for i in issues)
        total = max(1, len(found))
        rows.append({"system": system, "segments": len(found),
                     "flagged": round(100 * sum(bool(f) for f in found) / total, 2),
                     **{code: round(100 * codes[code] / total, 2) for code in CODES}})
    return rows


def translate_testset(testset: TestSet, services: Any, batch: int = 128, route: str | None = None) -> list[str]:
    """The test set's sources through oversett (``route``: into Nynorsk, None: the setting)."""
    target = getattr(testset, "target_lang", "en")
    if testset.pair in STANDARD_PAIRS:  # Bokmål ↔ Nynorsk: the rule-based engine, no model
        pipeline = services.standards.require()
    else:
        pipeline = services.require_pipeline(target)
    lang = testset.source_lang
    out: list[str] = []
    for start in range(0, len(testset.sources), batch):
        texts = [s if s.strip() else "." for s in testset.sources[start : start + batch]]
        out += [r.text for r in pipeline.translate_documents(texts, lang, target_lang=target, route=route)]
    return out


def translate_routes(testset: TestSet, services: Any) -> dict[str, list[str]]:
    """English → Nynorsk by both routes, the setting's first (empty for another pair, or without
    Apertium, where only the direct route exists)."""
    if getattr(testset, "target_lang", "en") != "nn" or services.standards is None or services.standards.pipeline is None:
        return {}
    chosen = services.standards.route
    order = [chosen, *(r for r in ROUTES if r != chosen)]
    return {route: translate_testset(testset, services, route=route) for route in order}
