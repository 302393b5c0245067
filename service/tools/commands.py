"""The CLI's development commands: ``oversett bench``, ``oversett load`` and ``oversett models
tiny``. The CLI adds them to its parser; what they run is imported only when they run."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..domain.errors import OversettError

BENCH_PARTS = (
    "models", "cache", "pipeline", "checks", "documents", "glossary", "memory", "stream", "summary", "rss", "http", "english",
    "nynorsk",
)


def add_development_commands(commands: Any, model_commands: Any) -> None:
    """Add ``bench`` and ``load`` to the CLI's commands and ``tiny`` to its ``models`` commands."""
    bench = commands.add_parser(
        "bench", help="speed benchmark: naive vs torch vs CTranslate2, cache, HTTP, memory"
    )
    bench.add_argument("--models", default="base,big", help="comma list of base, big")
    bench.add_argument("--beams", default="1,4", help="comma list of beam sizes")
    bench.add_argument("--threads", type=int, default=None, help="CPU threads (default: all)")
    bench.add_argument("--concurrency", type=int, default=16, help="HTTP clients at once")
    bench.add_argument("--http-repeats", type=int, default=4, help="seed sentences × this = requests")
    bench.add_argument("--out", default=None, help="JSON file (default eval/results/bench/<time>.json)")
    bench.add_argument(
        "--parts", default=",".join(BENCH_PARTS),
        help="comma list of models (naive vs torch vs CTranslate2), cache, pipeline (vs bare CTranslate2), "
        "checks, documents (50 paragraphs as .docx, .pptx, .xlsx, .odt, .odp, .epub, .pdf vs the same .txt), glossary (200 terms vs none), memory (a 100,000-entry translation memory vs none; fuzzy lookups), stream (first segment of 100 sentences), summary (naive vs torch vs CTranslate2), rss "
        "(a service with both models on CTranslate2; and with both translators and the summariser), http, english (English → "
        "Bokmål: naive vs CTranslate2, pipeline vs bare CTranslate2), libretranslate (the seed through LibreTranslate's own "
        "server and oversett's compatible route; not by default), nynorsk (Bokmål → Nynorsk: bare Apertium vs the service, "
        "8 clients, median latency, the pool's memory), breakdown (one-sentence requests from --concurrency clients "
        "against bare batched CTranslate2, and each request's time by step from Server-Timing; a py-spy profile of the "
        "server when py-spy is installed; not by default) (all but models and nynorsk use the big model)",
    )
    bench.add_argument(
        "--libretranslate-python", default=None,
        help="for the libretranslate part: the Python of a virtualenv with `pip install libretranslate`",
    )
    bench.set_defaults(run=run_bench)

    load = commands.add_parser(
        "load", help="a bounded load run against a fresh `oversett serve` on 127.0.0.1"
    )
    load.add_argument("--requests", type=int, default=2000)
    load.add_argument("--concurrency", type=int, default=32)
    load.add_argument("--tiny", action="store_true", help="build and use the tiny test models")
    load.add_argument("--seeds", default="seeds", help="seed texts for --tiny")
    load.set_defaults(run=run_load)

    soak = commands.add_parser(
        "soak", help="a long mixed load over every route family against one or more replicas, each flow's steps split "
        "across them; ends with requests by route and status, p50/p95, 5xx, lost memory entries, cross-replica flows "
        "and each server's RSS over time",
    )
    soak.add_argument("--url", action="append", default=None, help="a replica's base URL (repeat for each replica)")
    soak.add_argument("--tiny", type=int, default=None, metavar="N",
                      help="start N replicas with the tiny models on 127.0.0.1 instead (N > 1: sharing a redis-server)")
    soak.add_argument("--minutes", type=float, default=30.0)
    soak.add_argument("--clients", type=int, default=8)
    soak.add_argument("--key", default=None, help="an API key to send, when the replicas have keys")
    soak.add_argument("--sample-every", type=float, default=10.0, help="seconds between RSS samples")
    soak.add_argument("--seeds", default="seeds", help="seed texts (and for --tiny, the tiny models)")
    soak.add_argument("--out", default=None, help="also write the summary as JSON here")
    soak.set_defaults(run=run_soak)

    samples = commands.add_parser(
        "samples", help="write a Norwegian news sample in every document format to a folder, to try the document "
        "route, the CLI and batch runs",
    )
    samples.add_argument("out_dir")
    samples.set_defaults(run=run_samples)

    tiny = model_commands.add_parser("tiny", help="build tiny random test models")
    tiny.add_argument("out_dir")
    tiny.add_argument("--seeds", default="seeds", help="folder of seed texts (default: seeds)")
    tiny.add_argument("--seed", type=int, default=1234, help="random seed for the weights")
    tiny.add_argument(
        "--summarizer", choices=["bart", "t5"], default="bart",
        help="summariser family: bart (like the default, no prompt) or t5 (takes prompts)",
    )
    tiny.set_defaults(run=run_models_tiny)


def run_soak(args: argparse.Namespace) -> int:
    import dataclasses
    import json
    import tempfile
    from contextlib import nullcontext

    from .samples import write_samples
    from .soak import soak
    from .soak.servers import tiny_replicas
    from .tiny import seed_lines

    if bool(args.url) == bool(args.tiny):
        raise OversettError("give the replicas' URLs (--url, once each) or --tiny N to start N here, not both")
    texts = [line for line in seed_lines(Path(args.seeds)) if len(line.split()) >= 4]
    with tempfile.TemporaryDirectory(prefix="oversett-soak-") as tmp:
        work = Path(tmp)
        files = write_samples(work / "samples", every_format=True)
        servers = tiny_replicas(args.tiny, work, Path(args.seeds)) if args.tiny else nullcontext(args.url)
        with servers as bases:
            report = soak(list(bases), args.minutes * 60, clients=args.clients, texts=texts, files=files, key=args.key,
                          sample_every=args.sample_every)
    print("\n".join(report.lines()))
    if args.out:
        Path(args.out).write_text(json.dumps(dataclasses.asdict(report), indent=1, ensure_ascii=False), encoding="utf-8")
    return 0 if report.ok() else 1


def run_samples(args: argparse.Namespace) -> int:
    from .samples import write_samples

    for path in write_samples(Path(args.out_dir), every_format=True):
        print(path)
    return 0


def run_models_tiny(args: argparse.Namespace) -> int:
    from .tiny import build_tiny_models

    seeds = Path(args.seeds)
    if not any(seeds.glob("*.txt")):
        raise OversettError(f"no *.txt seed texts in '{seeds}' (pass --seeds DIR)")
    paths = build_tiny_models(
        Path(args.out_dir), seeds, seed=args.seed, summarizer_family=args.summarizer
    )
    for role, path in paths.items():
        print(f"{role}: {path}")
    print(
        f"Serve them: OVERSETT_TRANSLATOR={paths['translator']} OVERSETT_EN_TRANSLATOR={paths['en_translator']} "
        f"OVERSETT_SUMMARIZER={paths['summarizer']} oversett serve"
    )
    return 0


def run_bench(args: argparse.Namespace) -> int:
    import time as _time

    from .bench import render, run

    out = Path(args.out) if args.out else Path("eval/results/bench") / f"{_time.strftime('%Y%m%d-%H%M%S')}.json"
    report = run(
        models=[m for m in args.models.split(",") if m],
        beams=[int(b) for b in args.beams.split(",") if b],
        threads=args.threads,
        concurrency=args.concurrency,
        http_repeats=args.http_repeats,
        parts=[p for p in args.parts.split(",") if p],
        out=out,
        libretranslate_python=args.libretranslate_python,
    )
    print(render(report))
    print(f"\nJSON: {out}")
    return 0


def run_load(args: argparse.Namespace) -> int:
    import tempfile

    from .bench import DEFAULT_TOKENIZER_TEXT, load_run
    from .tiny import build_tiny_models

    texts = [line for line in DEFAULT_TOKENIZER_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="oversett-load-") as tmp:
        work = Path(tmp)
        env = {"OVERSETT_CACHE": str(work / "cache.sqlite3"), "OVERSETT_JOBS_DB": str(work / "jobs.sqlite3"),
               "OVERSETT_LOG_LEVEL": "warning"}
        if args.tiny:
            models = build_tiny_models(work / "models", Path(args.seeds))
            env |= {"OVERSETT_TRANSLATOR": str(models["translator"]), "OVERSETT_SUMMARIZER": "none",
                    "OVERSETT_NUM_BEAMS": "1"}
        report = load_run(env, texts, requests=args.requests, concurrency=args.concurrency, work_dir=work)
    print(report.line())
    return 1 if report.errors else 0
