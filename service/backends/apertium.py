"""Bokmål ↔ Nynorsk with Apertium's rule-based nno-nob pair, behind the same ``Translator`` protocol
as the seq2seq backends.

Apertium is GPL: it runs as separate processes over pipes and is never imported. Each mode
(nob-nno, nob-nno_e, nno-nob) keeps a small pool of long-lived pipelines in null-flush mode: one
segment is written, escaped in Apertium's stream format and closed by an empty superblank and a
NUL, and the answer is read up to its NUL. Apertium's own deformatters and whole-file mode are never
used (they break a word with a tag inside it, and add blank lines after unpunctuated lines): markup
and protected spans reach this backend as the pipeline's placeholders. Every call has a timeout; a
pipeline that crashes, hangs or answers garbage is killed and replaced, and only that request fails.
"""

from __future__ import annotations

import math
import os
import queue
import re
import select
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import EngineFailed, EngineUnavailable
from ..domain.protocols import Decoding, Hypothesis, ModelInfo, TranslatorStats

PACKAGES = ("apertium", "apertium-nno-nob")
MODES_DIR = Path("/usr/share/apertium/modes")
# Target → Apertium mode; Nynorsk in two variants: a-infinitive and "me" (nno), e-infinitive and "vi" (nno_e).
NYNORSK_VARIANTS = {"nno": "nob-nno", "nno_e": "nob-nno_e"}
TO_BOKMAL = "nno-nob"
_SPECIAL = frozenset("\\[]^$/@*<>{}#")
# Apertium marks a word it does not know (*), cannot transfer (@) or generate (#) at the word's start.
_MARK = re.compile(r"(?<![\w\\])[*@#](?=\w)")
_PLACEHOLDER = re.compile(r"Q[XY]\d+")
MIN_SHARE = 4  # sentences a pipeline gets at least before a call is shared out between pipelines


def escape(text: str) -> str:
    """Text in Apertium's stream format: its special characters escaped, line breaks kept in
    superblanks (passed through verbatim)."""
    out = []
    for char in text:
        if char in _SPECIAL:
            out.append("\\" + char)
        elif char in "\r\n":
            out.append("[" + char + "]")
        else:
            out.append(char)
    return "".join(out)


def unescape(stream: str) -> tuple[str, list[str]]:
    """Apertium's output as text, and the words it marked as unknown (marks dropped): escapes
    undone, superblanks opened (their content kept as it is)."""
    unknown = [m for m in re.findall(r"(?<![\w\\])[*@#](\w[\w'’-]*)", stream) if not _PLACEHOLDER.fullmatch(m)]
    stream = _MARK.sub("", stream)
    out = []
    escaped = in_blank = False
    for char in stream:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[" and not in_blank:
            in_blank = True
        elif char == "]" and in_blank:
            in_blank = False
        else:
            out.append(char)
    return "".join(out), list(dict.fromkeys(unknown))


def mode_command(mode: str, modes_dir: Path = MODES_DIR) -> str:
    """The mode's pipeline with every program in null-flush mode (``apertium-wblank-mode -z``)."""
    path = modes_dir / f"{mode}.mode"
    if not path.is_file() or shutil.which("apertium-wblank-mode") is None:
        raise EngineUnavailable(mode, PACKAGES)
    done = subprocess.run(["apertium-wblank-mode", "-z", str(path)], capture_output=True, text=True, timeout=30, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise EngineUnavailable(mode, PACKAGES, done.stderr.strip() or "its mode file could not be read")
    return done.stdout.strip()


class ApertiumPipe:
    """One long-lived pipeline of one mode (about 20 processes in a process group of their own)."""

    def __init__(self, command: str) -> None:
        self.process = subprocess.Popen(
            ["bash", "-c", command, "apertium", "-g", ""],  # $1: generation marks unknown words, $2: tagger
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True, bufsize=0,
        )

    def call(self, text: str, timeout: float) -> str:
        """Apertium's answer for one segment; EngineFailed when it does not come in time, or at all."""
        return self.call_many([text], timeout)[0]

    def call_many(self, texts: Sequence[str], timeout: float) -> list[str]:
        """Apertium's answers for several segments, each its own null-flushed record: all are written
        at once (by a writer thread, so a full pipe cannot deadlock us), so the pipeline's ~20 programs
        work on different segments at the same time; the answers are the same as one call each.
        EngineFailed when no answer comes for ``timeout`` seconds, or the stream is out of step."""
        assert self.process.stdin is not None and self.process.stdout is not None
        payload = b"".join(escape(text).encode("utf-8") + b"[]\0" for text in texts)
        failed: list[BaseException] = []
        writer = threading.Thread(target=self._write, args=(payload, failed), daemon=True)
        writer.start()
        answer = bytearray()
        descriptor = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout  # renewed by every answer: a hang is no progress for ``timeout``
        while answer.count(b"\0") < len(texts):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([descriptor], [], [], left)[0]:
                raise EngineFailed(f"no answer within {timeout:g} s")
            chunk = os.read(descriptor, 65536)
            if not chunk:
                raise EngineFailed(f"the pipeline stopped (exit code {self.process.poll()})")
            if b"\0" in chunk:
                deadline = time.monotonic() + timeout
            answer += chunk
        writer.join(timeout)
        if failed:
            raise EngineFailed(f"the pipeline had stopped ({failed[0].__class__.__name__})")
        if answer.count(b"\0") != len(texts) or not answer.endswith(b"\0"):
            raise EngineFailed("the pipeline answered out of step")
        try:
            return [record.decode("utf-8") for record in bytes(answer[:-1]).split(b"\0")]
        except UnicodeDecodeError as exc:
            raise EngineFailed("the pipeline answered with text that is not UTF-8") from exc

    def _write(self, payload: bytes, failed: list[BaseException]) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(payload)
        except (BrokenPipeError, OSError) as exc:
            failed.append(exc)

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=10)


@dataclass
class PoolStats:
    started: int = 0  # pipelines started, restarts included
    restarts: int = 0  # pipelines replaced after a failure
    failures: int = 0  # calls that failed


class PipePool:
    """At most ``size`` pipelines of one mode, started on demand and shared between threads."""

    def __init__(self, command: str, size: int, timeout: float, stats: PoolStats) -> None:
        self.command, self.size, self.timeout, self.stats = command, size, timeout, stats
        self._idle: queue.LifoQueue[ApertiumPipe] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._count = 0
        self._all: list[ApertiumPipe] = []

    def _take(self) -> ApertiumPipe:
        with self._lock:
            if self._idle.empty() and self._count < self.size:
                self._count += 1
                self.stats.started += 1
                pipe = ApertiumPipe(self.command)
                self._all.append(pipe)
                return pipe
        return self._idle.get()

    def call(self, text: str) -> str:
        return self.call_many([text])[0]

    def call_many(self, texts: Sequence[str]) -> list[str]:
        pipe = self._take()
        try:
            answers = pipe.call_many(texts, self.timeout)
        except EngineFailed:
            self.stats.failures += 1
            self._replace(pipe)
            raise
        self._idle.put(pipe)
        return answers

    def _replace(self, pipe: ApertiumPipe) -> None:
        """Kill a failed pipeline and start another in its place (the pool never grows past ``size``)."""
        pipe.close()
        with self._lock:
            self._all.remove(pipe)
            fresh = ApertiumPipe(self.command)
            self._all.append(fresh)
            self.stats.started += 1
            self.stats.restarts += 1
        self._idle.put(fresh)

    @property
    def pipelines(self) -> int:
        with self._lock:
            return len(self._all)

    def pids(self) -> list[int]:
        with self._lock:
            return [p.process.pid for p in self._all if p.alive()]

    def close(self) -> None:
        with self._lock:
            pipes, self._all, self._count = list(self._all), [], 0
        for pipe in pipes:
            pipe.close()


def apertium_version() -> str:
    """The installed nno-nob data's version (Debian's package), or "unknown"."""
    done = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "apertium-nno-nob"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


class ApertiumTranslator:
    """Bokmål → Nynorsk (the variant's mode) and Nynorsk → Bokmål; ``Decoding.target`` picks the
    way. A hypothesis's score is the log of the share of words Apertium knows, so its confidence is
    that share (1.0 when it knows every word); the unknown words are named on it."""

    def __init__(self, variant: str = "nno", pool_size: int = 2, timeout: float = 10.0, modes_dir: Path = MODES_DIR) -> None:
        if variant not in NYNORSK_VARIANTS:
            raise ValueError(f"Nynorsk variant '{variant}': one of {', '.join(NYNORSK_VARIANTS)}")
        self.variant = variant
        self.modes = {"nn": NYNORSK_VARIANTS[variant], "nb": TO_BOKMAL}
        commands = {target: mode_command(mode, modes_dir) for target, mode in self.modes.items()}
        self.pool_stats = PoolStats()
        self.pools = {target: PipePool(command, pool_size, timeout, self.pool_stats) for target, command in commands.items()}
        self._stats = TranslatorStats()
        self._info = ModelInfo(
            model_id=f"apertium-nno-nob ({variant})", revision=apertium_version(), backend="apertium",
            quantization="rule-based", max_input_tokens=4096, target_tokens=dict(self.modes),
        )

    @property
    def info(self) -> ModelInfo:
        return self._info

    @property
    def stats(self) -> TranslatorStats:
        return self._stats

    @property
    def pending(self) -> int:
        return 0

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def translate(self, sentences: Sequence[str], num_beams: int) -> list[str]:
        return [h.text for h in self.translate_scored(sentences, Decoding(num_beams, target="nn"))]

    def translate_scored(self, sentences: Sequence[str], decoding: Decoding) -> list[Hypothesis]:
        """The sentences shared out between the pool's pipelines, each share written at once."""
        if not sentences:
            return []
        pool = self.pools[decoding.target or "nn"]
        shares = min(pool.size, max(1, len(sentences) // MIN_SHARE))
        size = -(-len(sentences) // shares)
        parts = [list(sentences[at : at + size]) for at in range(0, len(sentences), size)]
        if len(parts) == 1:
            answers = pool.call_many(parts[0])
        else:
            with ThreadPoolExecutor(len(parts)) as workers:
                answers = [a for done in workers.map(pool.call_many, parts) for a in done]
        results = []
        for sentence, answer in zip(sentences, answers, strict=True):
            text, unknown = unescape(answer)
            words = max(1, len(re.findall(r"\w+", sentence)))
            known = max(1, words - len(unknown)) / words
            results.append(Hypothesis(text, math.log(known), tuple(unknown)))
        self._stats.record(len(sentences))
        return results

    def memory_bytes(self) -> int:
        """Proportional set size of every process of the pool (Linux ``smaps_rollup``), 0 elsewhere."""
        total = 0
        for pool in self.pools.values():
            for leader in pool.pids():
                for pid in _group(leader):
                    total += _pss(pid)
        return total

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()


def _group(leader: int) -> list[int]:
    """The processes of a pipeline's process group (its session leader's group)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == leader:
                    found.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                continue
    return found


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0
