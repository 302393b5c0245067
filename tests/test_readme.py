"""README's examples are tests: every shell and Python block runs, in order, as a new user would
paste it (``readme_reader``), against the service README's own commands start; every JSON and text
block after a command is compared with what the command printed. A block that cannot run here is
marked in the Markdown with the reason, and the last test prints how many ran and were skipped,
and holds that at least nine in ten run. One test breaks an example on purpose and sees it fail."""

from __future__ import annotations

import unittest
from collections.abc import Iterator
from pathlib import Path

import pytest
from sybil import Example

from .conftest import REPO
from .readme_reader import BlockFailed, Reader, readme_examples

README = REPO / "README.md"
EXAMPLES = readme_examples(README)
RUNNABLE = ("bash", "python")


def kind(example: Example) -> str:
    return (str(example.region.lexemes.get("arguments", "") or "").split() or [""])[0]


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    reader = Reader(tmp_path_factory.mktemp("readme"), REPO)
    yield reader
    reader.stop_service()


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"line {e.line} {kind(e) if kind(e) else 'skip'}" for e in EXAMPLES])
def test_readme_example(example: Example, reader: Reader) -> None:
    example.namespace["reader"] = reader
    try:
        example.evaluate()
    except unittest.SkipTest as skipped:
        if kind(example) in RUNNABLE:
            reader.skipped[str(skipped)] = reader.skipped.get(str(skipped), 0) + 1
        raise


def test_nine_in_ten_blocks_run_and_the_skips_say_why(reader: Reader, capsys: pytest.CaptureFixture[str]) -> None:
    ran, skipped = reader.counts["ran"], sum(reader.skipped.values())
    with capsys.disabled():
        print(f"\nREADME: {ran} shell and Python blocks ran, {skipped} skipped; "
              f"{reader.counts['outputs compared']} outputs compared with what the commands printed")
        for reason, count in reader.skipped.items():
            print(f"  skipped ({count}): {reason}")
    blocks = [e for e in EXAMPLES if kind(e) in RUNNABLE]
    if ran + skipped < len(blocks):
        pytest.skip("only some of README's examples were selected")
    assert ran >= 0.9 * len(blocks), f"{ran} of {len(blocks)} blocks ran"


def test_a_broken_example_fails(reader: Reader, tmp_path: Path) -> None:
    """The harness is not a rubber stamp: a README with its examples broken on purpose (an answer
    with a field the command does not print, a command that fails) fails at those examples."""
    if not reader.counts["ran"]:
        pytest.skip("README's set-up block installs oversett; run the whole module")
    broken = tmp_path / "README.md"
    broken.write_text(
        "```bash\nprintf 'Det er 30 grader.\\n' > kilde.txt && printf 'It is 30 degrees.\\n' > svar.txt\n"
        "oversett check kilde.txt svar.txt\n```\n\n"
        "```json\n{\"line\": 1, \"issues\": [], \"colour\": \"blue\"}\n```\n\n"
        "```bash\noversett translate --to de kilde.txt\n```\n",
        encoding="utf-8",
    )
    command, answer, failing = readme_examples(broken)
    for example in (command, answer, failing):
        example.namespace["reader"] = reader
    command.evaluate()
    with pytest.raises(BlockFailed, match="README shows 'colour', the answer has no such field"):
        answer.evaluate()
    with pytest.raises(BlockFailed, match="exited with status 2"):
        failing.evaluate()


def test_the_lists_in_readme_are_the_softwares() -> None:
    """One source for each list README repeats: the batch run's file types, the bench's parts, and
    the tiny-model serve command (the one `oversett models tiny` prints)."""
    import re

    from service.formats import EXTENSIONS
    from service.tools.commands import BENCH_PARTS

    text = README.read_text(encoding="utf-8")
    types = re.search(r"Every supported file of a folder \(([^)]*)\)", text)
    assert types is not None and types.group(1).split() == list(EXTENSIONS)
    parts = re.search(r"`--parts` picks what runs\n\(`([a-z,]+)` by default", text)
    assert parts is not None and tuple(parts.group(1).split(",")) == BENCH_PARTS
    printed = re.search(r"Serve them: (.*oversett serve)\n", text)
    assert printed is not None and f"```bash\n{printed.group(1)}\n```" in text
