"""``oversett glossary add | list | show | delete``: glossaries in the service's database, from the
command line (the same store the HTTP API uses)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from ..config import Settings
from ..domain.errors import OversettError
from ..domain.glossary import Glossary


def stored_glossary(settings: Settings, name: str | None) -> Glossary | None:
    """The stored glossary a command names (from the service's database), or None."""
    if not name:
        return None
    from ..compose.services import glossary_store

    with closing(glossary_store(settings)) as store:
        return store.get(name)


def cmd_glossary_add(args: argparse.Namespace, settings_of: Callable[[argparse.Namespace], Settings]) -> int:
    from ..compose.services import glossary_store
    from ..domain.glossary import build_glossary, parse_table

    path = Path(args.file)
    if not path.is_file():
        raise OversettError(f"{args.file}: no such file")
    terms, keep = parse_table(path.read_text(encoding="utf-8"))
    glossary = build_glossary(args.name, terms, keep + args.keep)
    with closing(glossary_store(settings_of(args))) as store:
        created = store.put(glossary, create=not args.replace)
    translated, kept = glossary.sizes
    print(f"{'added' if created else 'replaced'} {glossary.name}: {translated} terms, {kept} kept verbatim "
          f"(digest {glossary.digest})", file=sys.stderr)
    return 0


def cmd_glossary_list(args: argparse.Namespace, settings_of: Callable[[argparse.Namespace], Settings]) -> int:
    from ..compose.services import glossary_store

    with closing(glossary_store(settings_of(args))) as store:
        for glossary in store.names():
            translated, kept = glossary.sizes
            print(f"{glossary.name}\t{translated} terms\t{kept} kept\t{glossary.digest}")
    return 0


def cmd_glossary_show(args: argparse.Namespace, settings_of: Callable[[argparse.Namespace], Settings]) -> int:
    glossary = stored_glossary(settings_of(args), args.name)
    assert glossary is not None
    print("source\ttarget\tlang")
    for term in glossary.terms:
        print(f"{term.source}\t{'' if term.keep else term.target}\t{term.lang or ''}")
    return 0


def cmd_glossary_delete(args: argparse.Namespace, settings_of: Callable[[argparse.Namespace], Settings]) -> int:
    from ..compose.services import glossary_store

    with closing(glossary_store(settings_of(args))) as store:
        store.delete(args.name)
    print(f"deleted {args.name}", file=sys.stderr)
    return 0


def add_glossary_commands(commands: argparse._SubParsersAction, settings_of: Callable[[argparse.Namespace], Settings]) -> None:  # type: ignore[type-arg]
    glossary = commands.add_parser("glossary", help="manage glossaries: add, list, show, delete")
    glossary_commands = glossary.add_subparsers(dest="glossary_command", required=True)
    add = glossary_commands.add_parser("add", help="store a glossary from a CSV or TSV file (source,target[,lang])")
    add.add_argument("name")
    add.add_argument("file", help="CSV or TSV: source,target[,lang] rows; a row with no target is kept verbatim")
    add.add_argument("--keep", action="append", default=[], help="a do-not-translate term (repeatable)")
    add.add_argument("--replace", action="store_true", help="replace a glossary of that name")
    add.set_defaults(run=lambda args: cmd_glossary_add(args, settings_of))
    glossary_commands.add_parser("list", help="the stored glossaries").set_defaults(run=lambda args: cmd_glossary_list(args, settings_of))
    show = glossary_commands.add_parser("show", help="a glossary as TSV")
    show.add_argument("name")
    show.set_defaults(run=lambda args: cmd_glossary_show(args, settings_of))
    delete = glossary_commands.add_parser("delete", help="delete a glossary")
    delete.add_argument("name")
    delete.set_defaults(run=lambda args: cmd_glossary_delete(args, settings_of))
