"""What the commands share: the settings a command's options give, its target language and
direction, and the text of a FILE argument (or standard input)."""

from __future__ import annotations

import argparse
import sys
from contextlib import closing
from pathlib import Path

from ..config import Settings
from ..domain.errors import OversettError


def read_text_argument(args: argparse.Namespace, max_chars: int) -> str:
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


def with_memory(settings: Settings, name: str) -> Settings:
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


def settings_of(args: argparse.Namespace) -> Settings:
    overrides = {
        name: getattr(args, name)
        for name in ("translator", "summarizer", "en_translator", "nynorsk_route")
        if getattr(args, name, None)
    }
    settings = Settings(**overrides)  # type: ignore[arg-type]
    if getattr(args, "memory", None):
        settings = with_memory(settings, args.memory)
    if getattr(args, "model", None) and getattr(args, "command", None) != "batch":  # batch runs choose in their workers
        from ..compose.services import settings_for_model

        settings = settings_for_model(settings, args.model, direction_of(args))
    return settings


def add_route_option(parser: argparse.ArgumentParser) -> None:
    """--nynorsk-route: how English goes into Nynorsk (overrides OVERSETT_NYNORSK_ROUTE)."""
    parser.add_argument(
        "--nynorsk-route", choices=["bokmal", "direct"], default=None,
        help="with --to nn: 'bokmal' translates into Bokmål and converts that with Apertium, 'direct' asks the model "
        "for Nynorsk (default: OVERSETT_NYNORSK_ROUTE)",
    )


def target_of(args: argparse.Namespace) -> str:
    """The command's --to as oversett's code (en when not given); OversettError listing the choices."""
    from ..domain.pairs import normalise_target

    return normalise_target(getattr(args, "to", None))


def direction_of(args: argparse.Namespace) -> str:
    from ..domain.pairs import direction

    return direction(target_of(args))
