"""Command line: ``oversett serve | translate | summarize | batch | glossary | memory | check | eval | bench | load | models``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pydantic import ValidationError

from ..config import Settings
from ..domain.errors import OversettError
from ..formats import EXTENSIONS
from ..tools.commands import add_development_commands
from .glossary import add_glossary_commands, stored_glossary
from .memory import add_memory_commands
from .options import add_route_option, read_text_argument, settings_of, target_of
from .translate import add_translate_command


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..compose.services import load_services
    from ..http.app import create_app
    from ..http.logs import configure_logging

    settings = settings_of(args)
    configure_logging(settings.log_level, settings.log_format)
    # Loaded here rather than in the app's lifespan so that a broken configuration is a
    # one-line message and exit status 2, not a server traceback.
    services = load_services(settings)
    try:
        uvicorn.run(
            create_app(services=services), host=args.host, port=args.port or settings.port,
            log_level=settings.log_level, log_config=None, access_log=False,
        )
    finally:
        services.close()
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    """Ask the local service whether it is ready: exit 0 if so, 1 with the reason if not."""
    import httpx

    url = args.url or f"http://127.0.0.1:{Settings().port}/ready"
    try:
        response = httpx.get(url, timeout=args.timeout)
    except httpx.HTTPError as exc:
        print(f"not ready: {url} did not answer ({type(exc).__name__})", file=sys.stderr)
        return 1
    if response.status_code != 200:
        print(f"not ready: {url} answered {response.status_code}: {response.text[:200]}", file=sys.stderr)
        return 1
    print(f"ready: {url}")
    return 0


def cmd_summarize(args: argparse.Namespace) -> int:
    from ..compose.services import load_services

    settings = settings_of(args)
    text = read_text_argument(args, settings.max_chars)
    services = load_services(settings)
    try:
        result = services.require_summaries().summarize_document(
            text, args.length, args.max_words, args.method, args.source_lang, target_of(args)
        )
    finally:
        services.close()
    print(result.summary)
    print(
        f"[{result.method}, {result.length}, source {result.source_lang}, summary in {target_of(args)}, "
        f"{result.sentences_translated} sentences translated]",
        file=sys.stderr,
    )
    return 0


def cmd_models_convert(args: argparse.Namespace) -> int:
    from ..compose.services import convert_translator

    out = convert_translator(Settings(), args.source, Path(args.out_dir), args.quantization, args.revision)
    print(f"converted {args.source} ({args.quantization}) to {out}")
    print(f"Use it: OVERSETT_BACKEND=ctranslate2 OVERSETT_CT2_MODEL={out} oversett serve")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Run the faithfulness checks over two aligned files: one JSON object a line to stdout."""
    import json
    from collections import Counter

    from ..domain.checks import CODES, check

    def lines(name: str) -> list[str]:
        try:
            return Path(name).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise OversettError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
        except UnicodeDecodeError as exc:
            raise OversettError(f"{name}: not UTF-8 text (byte at position {exc.start}); convert it first") from exc

    sources, translations = lines(args.source), lines(args.translation)
    if len(sources) != len(translations):
        raise OversettError(
            f"the files are not aligned: {args.source} has {len(sources)} lines, "
            f"{args.translation} has {len(translations)}; they need one segment a line each"
        )
    counts: Counter[str] = Counter()
    flagged = 0
    for number, (source, translation) in enumerate(zip(sources, translations, strict=True), 1):
        issues = check(source, translation, target_of(args))
        flagged += bool(issues)
        counts.update(i.code for i in issues)
        record = {"line": number, "issues": [i.code for i in issues]}
        if args.messages:
            record["messages"] = [i.message for i in issues]
        print(json.dumps(record, ensure_ascii=False))
    total = max(1, len(sources))
    by_code = ", ".join(f"{code} {counts[code]}" for code in CODES if counts[code]) or "none"
    print(f"{flagged} of {len(sources)} lines flagged ({100 * flagged / total:.1f}%); by code: {by_code}", file=sys.stderr)
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from ..compose.runs import run_batch_with_settings

    settings = settings_of(args)
    result = run_batch_with_settings(
        Path(args.folder),
        Path(args.out),
        settings=settings,
        patterns=args.glob or None,
        summary=args.summary,
        engine=args.engine,
        glossary=stored_glossary(settings, args.glossary),
        model=args.model,
        target_lang=target_of(args),
        mark_flagged=args.mark_flagged,
    )
    print(result.line(), file=sys.stderr)
    return 130 if result.interrupted else 1 if result.failed else 0


def cmd_models_pull(args: argparse.Namespace) -> int:
    from ..compose.services import bake_models, convert_translator, pull_models

    settings = settings_of(args)
    if args.into:
        values = bake_models(settings, Path(args.into))
        lines = "".join(f"{name}={value}\n" for name, value in values.items())
        if args.env_file:
            Path(args.env_file).write_text(lines, encoding="utf-8")
        print(lines, end="")
        return 0
    for role, model_id, folder in pull_models(settings):
        print(f"{role}: {model_id} -> {folder}")
    if args.ct2:
        out = convert_translator(
            settings, settings.translator, Path(args.ct2), args.quantization, settings.translator_revision
        )
        print(f"ctranslate2 ({args.quantization}): {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oversett",
        description="Self-hosted translation between Norwegian (Bokmål, Nynorsk) and English, with summaries: "
        "Norwegian (Danish, Swedish) → English, and English → Bokmål or Nynorsk (--to nb|nn).",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default: OVERSETT_PORT, else 8000")
    serve.set_defaults(run=cmd_serve)

    health = commands.add_parser(
        "health", help="exit 0 when the local service is ready (the image's HEALTHCHECK)"
    )
    health.add_argument("--url", default=None, help="default: http://127.0.0.1:OVERSETT_PORT/ready")
    health.add_argument("--timeout", type=float, default=4.0)
    health.set_defaults(run=cmd_health)

    add_translate_command(commands, settings_of)

    summarize = commands.add_parser("summarize", help="a short summary of a file (or -), in English, or in Bokmål or Nynorsk with --to")
    summarize.add_argument("file", nargs="?", default="-", help="text file, or - for stdin")
    summarize.add_argument("--length", choices=["short", "medium", "long"], default="short")
    summarize.add_argument("--max-words", type=int, default=None, help="a word budget instead")
    summarize.add_argument(
        "--method", choices=["auto", "abstractive", "extractive"], default="auto"
    )
    summarize.add_argument("--source-lang", default="auto", help="auto, nb, nn, no, da, sv, en")
    summarize.add_argument("--to", default="en", help="the summary's language: en (default), nb or nn (the English summary, translated)")
    add_route_option(summarize)
    summarize.add_argument("--en-translator", default=None, help="English → Norwegian Hub id or folder (overrides env)")
    summarize.add_argument("--translator", default=None, help="Hub id or folder (overrides env)")
    summarize.add_argument("--summarizer", default=None, help="Hub id or folder (overrides env)")
    summarize.set_defaults(run=cmd_summarize)

    batch = commands.add_parser("batch", help="translate every document of a folder (into English, or with --to nb|nn)")
    batch.add_argument("folder", help="folder of documents")
    batch.add_argument("--out", required=True, help="output folder")
    batch.add_argument(
        "--glob", action="append", help="file pattern, may repeat (default: every supported type, " + " ".join("*" + e for e in EXTENSIONS) + "; **/*.md recurses)"
    )
    batch.add_argument("--summary", choices=["short", "medium", "long"], default=None)
    batch.add_argument("--engine", choices=["local", "ray"], default="local")
    batch.add_argument("--translator", default=None, help="Hub id or folder (overrides env)")
    batch.add_argument("--summarizer", default=None, help="Hub id or folder (overrides env)")
    batch.add_argument("--glossary", default=None, help="a stored glossary's name (oversett glossary list)")
    batch.add_argument(
        "--mark-flagged", action="store_true",
        help="mark the sentences the checks flagged in the outputs, with the reason (a comment in .docx, a highlight in HTML, EPUB, Markdown)",
    )
    batch.add_argument("--memory", default=None, help="a translation memory's name (oversett memory list); default OVERSETT_MEMORY")
    batch.add_argument("--model", default=None, help="a translator's name from OVERSETT_TRANSLATORS (or OVERSETT_EN_TRANSLATORS with --to nb/nn)")
    batch.add_argument("--to", default="en", help="the language to translate into: en (default), nb (Bokmål) or nn (Nynorsk); nb and nn take English")
    batch.add_argument("--en-translator", default=None, help="English → Norwegian Hub id or folder (overrides env)")
    add_route_option(batch)
    batch.set_defaults(run=cmd_batch)

    add_glossary_commands(commands, settings_of)
    add_memory_commands(commands, settings_of)

    check_parser = commands.add_parser(
        "check", help="faithfulness checks of aligned source / translation files (one segment a line)"
    )
    check_parser.add_argument("source", help="the source (Norwegian, or English with --to nb/nn), UTF-8, one segment a line")
    check_parser.add_argument("translation", help="its translation, aligned line by line")
    check_parser.add_argument("--messages", action="store_true", help="also write each issue's message")
    check_parser.add_argument("--to", default="en", help="the translation's language: en (a Norwegian source), nb or nn (an English one)")
    check_parser.set_defaults(run=cmd_check)

    commands.add_parser("eval", help="score outputs against references (see oversett eval --help)")

    models = commands.add_parser("models", help="model utilities")
    model_commands = models.add_subparsers(dest="models_command", required=True)
    add_development_commands(commands, model_commands)
    convert = model_commands.add_parser(
        "convert", help="convert a translator (Hub id or folder) to CTranslate2"
    )
    convert.add_argument("source", help="Hub id or local folder of the model")
    convert.add_argument("out_dir", help="folder to write the converted model to")
    convert.add_argument(
        "--quantization", choices=["int8", "int8_float32", "float32"], default="int8"
    )
    convert.add_argument("--revision", default=None, help="Hub revision")
    convert.set_defaults(run=cmd_models_convert)
    pull = model_commands.add_parser(
        "pull", help="download the configured models into the Hugging Face cache (for images)"
    )
    pull.add_argument("--translator", default=None, help="Hub id or folder (default: the setting)")
    pull.add_argument("--summarizer", default=None, help="Hub id or folder, or none")
    pull.add_argument("--en-translator", default=None, help="English → Norwegian Hub id or folder, or none (default: the setting)")
    pull.add_argument("--ct2", default=None, help="also convert the translator to CTranslate2 here")
    pull.add_argument("--quantization", choices=["int8", "int8_float32", "float32"], default="int8")
    pull.add_argument(
        "--into", default=None,
        help="copy the models into this folder as plain folders, converted to CTranslate2 beside them, "
        "and print the settings that use them (for an image that starts offline)",
    )
    pull.add_argument("--env-file", default=None, help="with --into: also write those settings to this .env file")
    pull.set_defaults(run=cmd_models_pull)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["eval"]:  # its own parser: eval/ is a sibling package of service/
        from eval.cli import main as eval_main

        return eval_main(argv[1:])
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.run(args))
    except OversettError as exc:
        print(f"oversett: error: {exc.said_on('cli')}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        problems = "; ".join(
            f"OVERSETT_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        )
        print(f"oversett: error: invalid setting: {problems}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _reader_went_away()


def _reader_went_away() -> int:
    """The reader of standard output closed it (``oversett … | head``): stop quietly, as a shell
    tool does on SIGPIPE, with no traceback from the flush at exit."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141


if __name__ == "__main__":
    sys.exit(main())
