"""``oversett memory add | import | export | list | delete``: translation memories in the service's
database, from the command line (the same store the HTTP API uses)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from ..config import Settings
from ..domain.errors import OversettError
from ..domain.spans import plain_text


def _store(settings: Settings):  # type: ignore[no-untyped-def]
    from ..compose.services import memory_store

    return memory_store(settings)


def cmd_memory_add(args: argparse.Namespace, settings: Settings) -> int:
    from ..domain.memory import MemoryEntry
    from ..domain.pairs import ENGLISH, normalise_target

    target = normalise_target(args.to)
    source = ENGLISH if target != ENGLISH else args.source_lang
    with closing(_store(settings)) as store:
        counts = store.add(args.name, [MemoryEntry(args.source, args.target, target, source, "", "correction")])
    print(f"{args.name}: " + ", ".join(f"{n} {what}" for what, n in counts.items() if n), file=sys.stderr)
    return 0


def cmd_memory_import(args: argparse.Namespace, settings: Settings) -> int:
    from ..formats.exchange import entries_from_file

    path = Path(args.file)
    if not path.is_file():
        raise OversettError(f"{args.file}: no such file")
    try:
        entries = entries_from_file(path.name, path.read_bytes(), "")
    except OversettError as exc:
        raise OversettError(f"{path.name}: {exc.said_on('cli')}") from exc
    with closing(_store(settings)) as store:
        counts = store.add(args.name, entries, on_conflict=args.on_conflict)
    print(f"{args.name} ← {path.name}: " + ", ".join(f"{n} {what}" for what, n in counts.items()), file=sys.stderr)
    return 0


def cmd_memory_export(args: argparse.Namespace, settings: Settings) -> int:
    from .. import __version__
    from ..formats.tmx import tmx_of

    with closing(_store(settings)) as store:
        entries = []
        while True:
            page = store.entries(args.name, len(entries), 1000)
            entries += page
            if len(page) < 1000:
                break
    data = tmx_of(entries, __version__)
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"{args.name}: {len(entries)} entries → {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_memory_list(args: argparse.Namespace, settings: Settings) -> int:
    with closing(_store(settings)) as store:
        if args.name is None:
            for name, count in store.names():
                print(f"{name}\t{count} entries")
            return 0
        for entry in store.entries(args.name, 0, 1_000_000):
            print(f"{entry.id}\t{plain_text(entry.source)}\t{plain_text(entry.target)}\t{entry.origin}\t{entry.author}")
    return 0


def cmd_memory_delete(args: argparse.Namespace, settings: Settings) -> int:
    with closing(_store(settings)) as store:
        gone = store.delete(args.name, args.id or None)
    print(f"deleted {gone} entr{'y' if gone == 1 else 'ies'} of {args.name}", file=sys.stderr)
    return 0


def add_memory_commands(commands: argparse._SubParsersAction, settings_of: Callable[[argparse.Namespace], Settings]) -> None:  # type: ignore[type-arg]
    def runs(command: Callable[[argparse.Namespace, Settings], int]) -> Callable[[argparse.Namespace], int]:
        return lambda args: command(args, settings_of(args))

    memory = commands.add_parser("memory", help="translation memories: add, import, export, list, delete")
    memory_commands = memory.add_subparsers(dest="memory_command", required=True)
    add = memory_commands.add_parser("add", help="store one sentence's translation (a correction)")
    add.add_argument("name")
    add.add_argument("source", help="the sentence (Norwegian, or English with --to nb|nn)")
    add.add_argument("target", help="its translation")
    add.add_argument("--to", default="en", help="the translation's language: en (default), or nb / nn for an English sentence")
    add.add_argument("--source-lang", default="nb", choices=["nb", "nn", "no", "da", "sv"],
                     help="the sentence's language when it goes into English")
    add.set_defaults(run=runs(cmd_memory_add))
    imported = memory_commands.add_parser(
        "import", help="store a TMX file, or the segments a translator changed in an XLIFF file oversett wrote"
    )
    imported.add_argument("name")
    imported.add_argument("file", help=".tmx, or .xlf/.xliff (2.0 or 1.2)")
    imported.add_argument(
        "--on-conflict", choices=["report", "replace", "keep"], default="report",
        help="a sentence the memory has with another translation: report it and store nothing (default), replace, keep",
    )
    imported.set_defaults(run=runs(cmd_memory_import))
    exported = memory_commands.add_parser("export", help="a memory as TMX 1.4b")
    exported.add_argument("name")
    exported.add_argument("--out", default=None, help="write here (default: standard output)")
    exported.set_defaults(run=runs(cmd_memory_export))
    listed = memory_commands.add_parser("list", help="the memories, or one memory's entries (id, source, target, origin, author)")
    listed.add_argument("name", nargs="?", default=None)
    listed.set_defaults(run=runs(cmd_memory_list))
    delete = memory_commands.add_parser("delete", help="delete a memory, or some of its entries (--id)")
    delete.add_argument("name")
    delete.add_argument("--id", type=int, action="append", help="an entry's id (repeatable)")
    delete.set_defaults(run=runs(cmd_memory_delete))
