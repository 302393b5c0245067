"""``oversett translate``: a file (or standard input) translated, text to standard output, an
office file, EPUB or PDF beside its source; with --xliff, its segments for post-editing too."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from ..config import Settings
from ..domain.errors import OversettError
from ..formats import EXTENSIONS
from ..formats import NAMES as FORMAT_NAMES
from .glossary import stored_glossary
from .options import add_route_option, direction_of, read_text_argument, target_of


def cmd_translate(args: argparse.Namespace, settings_of: Callable[[argparse.Namespace], Settings]) -> int:
    from ..compose.services import load_pipeline

    settings = settings_of(args)
    if args.format not in (None, "txt") or args.out or args.xliff or args.mark_flagged or (args.file != "-" and Path(args.file).suffix.lower() not in {".txt", ""}):
        return _translate_file(args, settings)
    text = read_text_argument(args, settings.max_chars)
    glossary = stored_glossary(settings, args.glossary)
    pipeline = load_pipeline(settings, None, direction_of(args))
    try:
        (result,) = pipeline.translate_documents(
            [text], args.source_lang, args.beams, glossary=glossary, target_lang=target_of(args)
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
    to = target_of(args)
    pipeline = load_pipeline(settings, None, direction_of(args))
    try:
        done = translate_file(pipeline, kind, data, args.source_lang, args.beams, glossary=glossary, target_lang=to,
                              mark_flagged=args.mark_flagged)
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
    if done.flagged_segments and args.mark_flagged:
        flagged += f" ({done.marked_segments} marked in the file)" if done.marked_segments else " (a .{} file cannot carry marks: `oversett translate` of its text shows them)".format(done.format)
    where = f" → {target}" if target else ""
    print(
        f"[{name}{where}: {done.format}, {done.source_lang}, {done.units} units, {done.segments} sentences{flagged}]",
        file=sys.stderr,
    )
    return 0


def add_translate_command(commands: argparse._SubParsersAction, settings_of: Callable[[argparse.Namespace], Settings]) -> None:  # type: ignore[type-arg]
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
    translate.add_argument(
        "--mark-flagged", action="store_true",
        help="mark the sentences the checks flagged in the file, with the reason (a comment in .docx, a highlight in HTML, EPUB, Markdown)",
    )
    translate.add_argument("--model", default=None, help="a translator's name from OVERSETT_TRANSLATORS (or OVERSETT_EN_TRANSLATORS with --to nb/nn)")
    translate.add_argument("--to", default="en", help="the language to translate into: en (default), nb (Bokmål) or nn (Nynorsk); nb and nn take English")
    translate.add_argument("--en-translator", default=None, help="English → Norwegian Hub id or folder (overrides env)")
    add_route_option(translate)
    translate.add_argument("--source-lang", default="auto", help="auto, nb, nn, no, da, sv, en")
    translate.add_argument("--beams", type=int, default=None, help="beam size")
    translate.add_argument("--translator", default=None, help="Hub id or folder (overrides env)")
    translate.set_defaults(run=lambda args: cmd_translate(args, settings_of))
