"""Command line: ``oversett serve | translate | summarize | batch | glossary | memory | check | eval | bench | load | models``."""

from __future__ import annotations

import argparse
import logging
import sys
from contextlib import closing
from pathlib import Path

from pydantic import ValidationError

from ..config import Settings
from ..domain.errors import OversettError
from ..formats import EXTENSIONS
from ..formats import NAMES as FORMAT_NAMES
from ..tools.commands import add_development_commands
from .glossary import add_glossary_commands, stored_glossary
from .memory import add_memory_commands


def _read_text_argument(args: argparse.Namespace, max_chars: int) -> str:
    """The text of FILE or standard input, checked as batch runs check documents."""
    from ..domain.errors import DocumentError
    from ..usecases.batch_files import decode_document

    if args.file == "-":
        data = sys.stdin.buffer.read()
        name = "standard input"
    else:
        path = Path(args.file)
        if not path.is_file():
            raise OversettError(f"{args.file}: no such file")
        data = path.read_bytes()
        name = args.file
    try:
        return decode_document(data, max_chars)
    except DocumentError as exc:
        raise OversettError(f"{name}: {exc.said_on('cli')}") from exc


def _with_memory(settings: Settings, name: str) -> Settings:
    """The settings with the translation memory a command names as the default ('none': none);
    MemoryNotFound for a memory that is not there."""
    from ..compose.services import memory_store
    from ..domain.errors import MemoryNotFound

    if name.lower() == "none":
        return settings.model_copy(update={"memory": None})
    with closing(memory_store(settings)) as store:
        if not store.exists(name):
            raise MemoryNotFound(name)
    return settings.model_copy(update={"memory": name})


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {
        name: getattr(args, name)
        for name in ("translator", "summarizer", "en_translator")
        if getattr(args, name, None)
    }
    settings = Settings(**overrides)  # type: ignore[arg-type]
    if getattr(args, "memory", None):
        settings = _with_memory(settings, args.memory)
    if getattr(args, "model", None) and args.run is not cmd_batch:  # batch runs choose in their workers
        from ..compose.services import settings_for_model

        settings = settings_for_model(settings, args.model, _direction(args))
    return settings


def _target(args: argparse.Namespace) -> str:
    """The command's --to as oversett's code (en when not given); OversettError listing the choices."""
    from ..domain.pairs import normalise_target

    return normalise_target(getattr(args, "to", None))


def _direction(args: argparse.Namespace) -> str:
    from ..domain.pairs import direction

    return direction(_target(args))


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..compose.services import load_services
    from ..http.app import create_app
    from ..http.logs import configure_logging

    settings = _settings(args)
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


def cmd_translate(args: argparse.Namespace) -> int:
    from ..compose.services import load_pipeline

    settings = _settings(args)
    if args.format not in (None, "txt") or args.out or args.xliff or (args.file != "-" and Path(args.file).suffix.lower() not in {".txt", ""}):
        return _translate_file(args, settings)
    text = _read_text_argument(args, settings.max_chars)
    glossary = stored_glossary(settings, args.glossary)
    pipeline = load_pipeline(settings, None, _direction(args))
    try:
        (result,) = pipeline.translate_documents(
            [text], args.source_lang, args.beams, glossary=glossary, target_lang=_target(args)
        )
    finally:
        pipeline.close()
    sys.stdout.write(result.text)
    if result.detected is not None:
        print(f"[detected {result.detected.lang}, confidence {result.detected.confidence:.2f}]", file=sys.stderr)
    applied = sum(len(s.terms) for s in result.segments)
    if applied:
        print(f"[{applied} glossary terms applied]", file=sys.stderr)
    if result.flagged:
        from collections import Counter

        codes = Counter(i.code for s in result.segments for i in s.issues)
        print(
            f"[{result.flagged} of {len(result.segments)} sentences flagged: "
            + ", ".join(f"{code} {count}" for code, count in codes.most_common()) + "]",
            file=sys.stderr,
        )
    return 0


def _translate_file(args: argparse.Namespace, settings: Settings) -> int:
    """A document of any supported format: written to --out (atomically: a failed run leaves
    no file), or to standard output for text formats, or beside the input as NAME.en.EXT
    (NAME.nb.EXT, NAME.nn.EXT with --to nb / nn)."""
    from ..compose.services import document_format, load_pipeline
    from ..usecases.batch_files import write_atomic
    from ..usecases.documents import translate_file

    if args.file == "-":
        if not args.format:
            raise OversettError(f"reading a document from standard input needs --format ({', '.join(FORMAT_NAMES)})")
        data, name = sys.stdin.buffer.read(), f"document.{args.format}"
    else:
        path = Path(args.file)
        if not path.is_file():
            raise OversettError(f"{args.file}: no such file")
        data, name = path.read_bytes(), path.name
    kind = document_format(settings, name, args.format)
    if len(data) > settings.max_document_bytes:
        raise OversettError(f"{name}: {len(data):,} bytes; the limit is {settings.max_document_bytes:,} (OVERSETT_MAX_DOCUMENT_BYTES)")
    glossary = stored_glossary(settings, args.glossary)
    to = _target(args)
    pipeline = load_pipeline(settings, None, _direction(args))
    try:
        done = translate_file(pipeline, kind, data, args.source_lang, args.beams, glossary=glossary, target_lang=to)
    except OversettError as exc:
        raise OversettError(f"{name}: {exc.said_on('cli')}") from exc
    finally:
        pipeline.close()
    if args.xliff:
        from ..formats.xliff import xliff_of

        source = Path(args.file) if args.file != "-" else Path(name)
        xliff_path = source.with_name(source.name + ".xlf")
        write_atomic(xliff_path, xliff_of(source.name, done.pairs, done.source_lang, args.xliff, to))
        print(f"[{len(done.pairs)} segments for post-editing → {xliff_path}]", file=sys.stderr)
    if args.out:
        target: Path | None = Path(args.out)
    elif kind.binary:
        source = Path(args.file) if args.file != "-" else Path(name)
        target = source.with_name(f"{source.stem}.{to}{source.suffix or kind.extensions[0]}")
    else:
        target = None
    if target is None:
        sys.stdout.buffer.write(done.data)
        sys.stdout.flush()
    else:
        write_atomic(target, done.data)
    flagged = f", {done.flagged_segments} flagged" if done.flagged_segments else ""
    where = f" → {target}" if target else ""
    print(
        f"[{name}{where}: {done.format}, {done.source_lang}, {done.units} units, {done.segments} sentences{flagged}]",
        file=sys.stderr,
    )
    return 0


def cmd_summarize(args: argparse.Namespace) -> int:
    from ..compose.services import load_services

    settings = _settings(args)
    text = _read_text_argument(args, settings.max_chars)
    services = load_services(settings)
    try:
        result = services.require_summaries().summarize_document(
            text, args.length, args.max_words, args.method, args.source_lang, _target(args)
        )
    finally:
        services.close()
    print(result.summary)
    print(
        f"[{result.method}, {result.length}, source {result.source_lang}, summary in {_target(args)}, "
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
        issues = check(source, translation, _target(args))
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

    settings = _settings(args)
    result = run_batch_with_settings(
        Path(args.folder),
        Path(args.out),
        settings=settings,
        patterns=args.glob or None,
        summary=args.summary,
        engine=args.engine,
        glossary=stored_glossary(settings, args.glossary),
        model=args.model,
        target_lang=_target(args),
    )
    print(result.line(), file=sys.stderr)
    return 130 if result.interrupted else 1 if result.failed else 0


def cmd_models_pull(args: argparse.Namespace) -> int:
    from ..compose.services import bake_models, convert_translator, pull_models

    settings = _settings(args)
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

    translate = commands.add_parser(
        "translate", help="translate a file (or -) into English, or English into Bokmål or Nynorsk with --to nb|nn: "
        + ", ".join(EXTENSIONS),
        description="Translate a file (or standard input): Norwegian, Danish or Swedish into English, or English "
        "into Bokmål (--to nb) or Nynorsk (--to nn). Text goes to standard output; an office file, EPUB or PDF "
        "is written beside its source as NAME.en.EXT (NAME.nb.EXT, NAME.nn.EXT).",
    )
    translate.add_argument("file", nargs="?", default="-", help="a document, or - for stdin")
    translate.add_argument("--out", default=None, help="write the translated file here (default: stdout for text; NAME.en.EXT beside an office file, EPUB or PDF)")
    translate.add_argument(
        "--format", choices=FORMAT_NAMES, default=None,
        help="read the file as this format (default: by its extension)",
    )
    translate.add_argument("--glossary", default=None, help="a stored glossary's name (oversett glossary list)")
    translate.add_argument("--memory", default=None, help="a translation memory's name (oversett memory list); default OVERSETT_MEMORY")
    translate.add_argument(
        "--xliff", nargs="?", const="2.0", choices=["2.0", "1.2"], default=None,
        help="also write NAME.EXT.xlf: every segment's source and machine translation, for post-editing in a CAT tool",
    )
    translate.add_argument("--model", default=None, help="a translator's name from OVERSETT_TRANSLATORS (or OVERSETT_EN_TRANSLATORS with --to nb/nn)")
    translate.add_argument("--to", default="en", help="the language to translate into: en (default), nb (Bokmål) or nn (Nynorsk); nb and nn take English")
    translate.add_argument("--en-translator", default=None, help="English → Norwegian Hub id or folder (overrides env)")
    translate.add_argument("--source-lang", default="auto", help="auto, nb, nn, no, da, sv, en")
    translate.add_argument("--beams", type=int, default=None, help="beam size")
    translate.add_argument("--translator", default=None, help="Hub id or folder (overrides env)")
    translate.set_defaults(run=cmd_translate)

    summarize = commands.add_parser("summarize", help="a short summary of a file (or -), in English, or in Bokmål or Nynorsk with --to")
    summarize.add_argument("file", nargs="?", default="-", help="text file, or - for stdin")
    summarize.add_argument("--length", choices=["short", "medium", "long"], default="short")
    summarize.add_argument("--max-words", type=int, default=None, help="a word budget instead")
    summarize.add_argument(
        "--method", choices=["auto", "abstractive", "extractive"], default="auto"
    )
    summarize.add_argument("--source-lang", default="auto", help="auto, nb, nn, no, da, sv, en")
    summarize.add_argument("--to", default="en", help="the summary's language: en (default), nb or nn (the English summary, translated)")
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
    batch.add_argument("--memory", default=None, help="a translation memory's name (oversett memory list); default OVERSETT_MEMORY")
    batch.add_argument("--model", default=None, help="a translator's name from OVERSETT_TRANSLATORS (or OVERSETT_EN_TRANSLATORS with --to nb/nn)")
    batch.add_argument("--to", default="en", help="the language to translate into: en (default), nb (Bokmål) or nn (Nynorsk); nb and nn take English")
    batch.add_argument("--en-translator", default=None, help="English → Norwegian Hub id or folder (overrides env)")
    batch.set_defaults(run=cmd_batch)

    add_glossary_commands(commands, _settings)
    add_memory_commands(commands, _settings)

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
