"""``oversett eval`` / ``python -m eval``: score translations and summaries against references."""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from service.config import Settings
from service.domain.errors import OversettError

from .report import write_results
from .run import (
    load_references,
    read_batch_outputs,
    run_pipeline,
    score,
    score_testset,
    translate_routes,
    translate_testset,
)
from .testsets import TestSetUnavailable, load_testset, local_files

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NOTE = (
    "The tiny test models (`oversett models tiny`) have random weights: they score near zero by "
    "design. Real scores need the real models (OVERSETT_TRANSLATOR / OVERSETT_SUMMARIZER)."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oversett eval", description=__doc__)
    parser.add_argument(
        "--task", choices=["translation", "langid", "segmentation", "summary-selection", "checks"], default="translation",
        help="translation (default): BLEU/chrF and ROUGE of the models' outputs; the others measure "
        "language id, sentence boundaries, the extractive selection and the faithfulness checks on "
        "real Norwegian, with no model",
    )
    parser.add_argument("--treebanks", default=None, help="folder of UD sentence files (langid, segmentation)")
    parser.add_argument("--norsumm", default=None, help="NorSumm JSON file (summary-selection)")
    parser.add_argument("--docs", default=str(REPO / "seeds"), help="folder of source documents")
    parser.add_argument("--references", default=str(HERE / "references"), help="folder of references")
    parser.add_argument("--outputs", default=None, help="score an `oversett batch` output folder; runs no model")
    parser.add_argument("--methods", default="extractive,abstractive", help="summary methods to score")
    parser.add_argument("--testset", default=None, help="flores200, ntrex128 (shipped) or a sacrebleu test set")
    parser.add_argument("--pair", default="nob-eng", help="nob-eng, nno-eng, eng-nob, eng-nno, nob-nno or nno-nob")
    parser.add_argument("--src", default=None, help="source file, one segment per line")
    parser.add_argument("--ref", default=None, help="reference file, aligned with --src")
    parser.add_argument("--source-lang", default="auto", help="language of --src (auto, nb, nn …)")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N test segments")
    parser.add_argument("--results", default=str(HERE / "results"), help="where results go")
    return parser


def _info(settings: Settings, services: Any | None, outputs: str | None) -> dict[str, Any]:
    run_id = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]
    models: dict[str, Any] = {}
    if services is not None and services.pipeline is not None:
        info = services.pipeline.translator.info
        models = {"translator": info.model_id, "backend": info.backend, "revision": info.revision}
        if services.summaries is not None and services.summaries.summarizer is not None:
            models["summarizer"] = services.summaries.summarizer.info.model_id
    return {
        "run_id": run_id,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "models": models,
        "settings": {"num_beams": settings.num_beams, "max_input_tokens": settings.max_input_tokens},
        "outputs": outputs or "pipeline run",
        "note": NOTE,
    }


def run_text_task(args: argparse.Namespace) -> dict[str, Any]:
    from . import checks_task, text_tasks

    treebanks = Path(args.treebanks) if args.treebanks else text_tasks.TREEBANKS
    if args.task == "langid":
        results = text_tasks.run_langid(treebanks)
    elif args.task == "segmentation":
        results = text_tasks.run_segmentation(treebanks)
    elif args.task == "checks":
        results = checks_task.run_checks()
    else:
        results = text_tasks.run_summary_selection(Path(args.norsumm) if args.norsumm else text_tasks.NORSUMM)
    run_id = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]
    return {"run_id": run_id, "created": time.strftime("%Y-%m-%dT%H:%M:%S"), **results}


def run(args: argparse.Namespace) -> Path:
    from service.compose.services import load_services

    if args.task != "translation":
        results = run_text_task(args)
        paths = write_results(results, Path(args.results) / results["run_id"])
        print(paths["report"].read_text(encoding="utf-8"))
        print(f"results: {paths['scores'].parent}")
        return paths["scores"].parent
    settings = Settings()
    testset = None
    if args.src or args.ref:
        if not (args.src and args.ref):
            raise TestSetUnavailable("--src and --ref go together")
        testset = local_files(Path(args.src), Path(args.ref), args.source_lang)
    elif args.testset:
        testset = load_testset(args.testset, args.pair)
    if testset is not None:
        if args.limit:
            testset = type(testset)(**{**vars(testset), "sources": testset.sources[: args.limit],
                                       "references": testset.references[: args.limit]})
        services = load_services(settings)
        try:
            routes = translate_routes(testset, services)
            translations = next(iter(routes.values())) if routes else translate_testset(testset, services)
            results = score_testset(testset, translations, _info(settings, services, None), routes)
        finally:
            services.close()
    else:
        documents = load_references(Path(args.docs), Path(args.references))
        if not documents:
            raise OversettError(f"no document in {args.docs} has a reference in {args.references}")
        if args.outputs:
            outputs = read_batch_outputs(documents, Path(args.outputs))
            results = score(documents, outputs, _info(settings, None, args.outputs))
        else:
            services = load_services(settings)
            try:
                outputs = run_pipeline(documents, services, args.methods.split(","))
                results = score(documents, outputs, _info(settings, services, None))
            finally:
                services.close()
    paths = write_results(results, Path(args.results) / results["run_id"])
    print(paths["report"].read_text(encoding="utf-8"))
    print(f"results: {paths['scores'].parent}")
    return paths["scores"].parent


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        run(args)
    except TestSetUnavailable as exc:
        print(f"oversett eval: error: {exc}", file=sys.stderr)
        return 2
    except OversettError as exc:
        print(f"oversett eval: error: {exc.message}", file=sys.stderr)
        return 2
    except (FileNotFoundError, ValueError) as exc:
        print(f"oversett eval: error: {exc}", file=sys.stderr)
        return 2
    return 0
