"""A new user reading README.md from the top, in a terminal: a copy of the checkout as the working
folder, a fresh virtualenv where README's set-up command installs oversett, and every shell and
Python block pasted as written. A block whose last command is ``oversett serve`` starts the service
and leaves it running for the blocks after it (the next such block replaces it). A ``json`` or
``text`` block right after a command is that command's output, compared with what it printed
(``readme_output``). The Markdown is read by Sybil; a block that cannot run here carries Sybil's
``<!-- skip: next "why" -->`` before it."""

from __future__ import annotations

import os
import re
import shutil
import signal
import site
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sybil import Example, Sybil
from sybil.parsers.markdown import CodeBlockParser, SkipParser

from .readme_output import expected_json, json_differences, text_differences

LEFT_OUT = (".git", "build", "dist", "*.egg-info", "__pycache__", ".venv", "test-artifacts", "results", "node_modules",
            ".pytest_cache", ".hypothesis", "models", "out")
PORT = 8000  # README's own: the examples say http://127.0.0.1:8000
_SHELL_OWN = frozenset({"_", "SHLVL", "PWD", "OLDPWD"})
_SERVE = re.compile(r"(?:^|\s)oversett serve\b[^\n]*$")
_PORT = re.compile(r"--port\s+(\d+)")


class BlockFailed(AssertionError):
    """A README block did not do what README says it does."""


class Reader:
    """What the blocks share: the working folder, the environment, the running service and the
    output of the last command."""

    def __init__(self, root: Path, repo: Path, extra_env: dict[str, str] | None = None) -> None:
        self.root = root
        self.checkout = root / "oversett"
        shutil.copytree(repo, self.checkout, symlinks=True, ignore=shutil.ignore_patterns(*LEFT_OUT))
        self.venv = root / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(self.venv)], check=True, timeout=300)
        # The packages README's install would fetch come from the test environment's site-packages
        # (a .pth line: no .pth file of theirs runs, so this checkout's editable install stays out);
        # the set-up block then installs oversett itself, from the copy, as written.
        (purelib,) = (self.venv / "lib").glob("python3*/site-packages")
        (purelib / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
        state = root / "state"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("OVERSETT_", "PYTEST", "VIRTUAL_ENV"))},
            "PATH": f"{self.venv / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "VIRTUAL_ENV": str(self.venv),
            "HF_HUB_OFFLINE": "1", "HF_HOME": str(state / "huggingface"),
            "XDG_CACHE_HOME": str(state / "cache"), "XDG_DATA_HOME": str(state / "data"),  # oversett's cache and jobs
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            **(extra_env or {}),
        }
        self.cwd = self.checkout
        self.service: subprocess.Popen[bytes] | None = None
        self.service_log = root / "service.log"
        self.output = ""
        self.counts: Counter[str] = Counter()
        self.skipped: dict[str, int] = {}

    # --- blocks ---------------------------------------------------------------------------------

    def shell(self, example: Example) -> None:
        source = str(example.parsed)
        if _SERVE.search(_last_command(source)):
            self._serve(source, example.line)
        else:
            self._run_in_terminal(source, example.line)
        self.counts["ran"] += 1

    def python(self, example: Example) -> None:
        source = str(example.parsed)
        self._run([str(self.venv / "bin" / "python"), "-c", source], source, example.line)
        self.counts["ran"] += 1

    def expect_json(self, example: Example) -> None:
        import json

        try:
            actual = json.loads(self.output)
        except ValueError as exc:
            raise BlockFailed(f"README line {example.line}: the command before printed no JSON ({exc}):\n{self.output[:2000]}") from exc
        problems = json_differences(expected_json(str(example.parsed)), actual)
        if problems:
            raise BlockFailed(f"README line {example.line}: the answer is not what README shows:\n- " + "\n- ".join(problems)
                              + f"\nThe answer:\n{self.output[:3000]}")
        self.counts["outputs compared"] += 1

    def expect_text(self, example: Example) -> None:
        problems = text_differences(str(example.parsed), self.output)
        if problems:
            raise BlockFailed(f"README line {example.line}: " + "\n".join(problems))
        self.counts["outputs compared"] += 1

    # --- running --------------------------------------------------------------------------------

    def _run(self, command: list[str], source: str, line: int) -> None:
        done = subprocess.run(command, cwd=self.cwd, env=self.env, capture_output=True, text=True, timeout=1800)
        self.output = done.stdout
        if done.returncode != 0:
            raise BlockFailed(
                f"README line {line}: the block exited with status {done.returncode}:\n{source}\n"
                f"--- stdout\n{done.stdout[-3000:]}\n--- stderr\n{done.stderr[-3000:]}"
            )

    def _run_in_terminal(self, source: str, line: int) -> None:
        """A shell block as pasted into one terminal: what it exports, and where it cd's to, stay
        for the blocks after it."""
        script, state = self.root / "block.sh", self.root / "block.env"
        script.write_text(source + "\n", encoding="utf-8")
        wrapper = f'set -eo pipefail; source "{script}"; env -0 > "{state}"; pwd >> "{state}.cwd"'
        (self.root / "block.env.cwd").unlink(missing_ok=True)
        self._run(["bash", "-c", wrapper], source, line)
        pairs = [item.split("=", 1) for item in state.read_text(encoding="utf-8").split("\0") if "=" in item]
        self.env = {k: v for k, v in pairs if k not in _SHELL_OWN}
        self.cwd = Path((self.root / "block.env.cwd").read_text(encoding="utf-8").strip())

    def _serve(self, source: str, line: int) -> None:
        """Start the block in the background (after stopping the service an earlier block
        started) and wait until the service answers /health."""
        self.stop_service()
        port = int(found.group(1)) if (found := _PORT.search(source)) else PORT
        if _answers(port):
            raise BlockFailed(f"README line {line}: something else answers on 127.0.0.1:{port}; stop it and run the tests again")
        log = open(self.service_log, "ab")  # noqa: SIM115 - the service writes to it while it runs
        self.service = subprocess.Popen(["bash", "-e", "-c", source], cwd=self.cwd, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            if self.service.poll() is not None:
                raise BlockFailed(f"README line {line}: the service stopped (status {self.service.returncode}):\n{source}\n"
                                  + self.service_log.read_text(errors="replace")[-3000:])
            if _answers(port):
                self.output = ""
                return
            time.sleep(0.5)
        raise BlockFailed(f"README line {line}: the service did not answer /health in 900 s:\n{source}")

    def stop_service(self) -> None:
        if self.service is not None and self.service.poll() is None:
            os.killpg(self.service.pid, signal.SIGTERM)
            try:
                self.service.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.service.pid, signal.SIGKILL)
                self.service.wait(30)
        self.service = None


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _last_command(source: str) -> str:
    lines = [line.split("  #")[0].rstrip() for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return lines[-1] if lines else ""


def readme_examples(path: Path) -> list[Example]:
    """README's blocks in order, as Sybil parses them: shell and Python blocks to run, JSON and
    text blocks to compare, and the skip directives."""

    def by(kind: str) -> Any:
        return lambda example: getattr(example.namespace["reader"], kind)(example)

    sybil = Sybil(parsers=[
        CodeBlockParser("bash", by("shell")),
        CodeBlockParser("python", by("python")),
        CodeBlockParser("json", by("expect_json")),
        CodeBlockParser("text", by("expect_text")),
        SkipParser(),
    ])
    return list(sybil.parse(path))
