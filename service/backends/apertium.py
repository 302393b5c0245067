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
import re
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..domain.errors import EngineUnavailable
from ..domain.protocols import Decoding, Hypothesis, ModelInfo, TranslatorStats
from .apertium_pipes import RECORD_END, PipePool, PoolStats

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
    try:
        done = subprocess.run(["apertium-wblank-mode", "-z", str(path)], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise EngineUnavailable(mode, PACKAGES, f"its mode could not be prepared ({exc})") from exc
    if done.returncode != 0 or not done.stdout.strip():
        raise EngineUnavailable(mode, PACKAGES, done.stderr.strip() or "its mode file could not be read")
    return done.stdout.strip()


def apertium_version() -> str:
    """The installed nno-nob data's version (Debian's package), or "unknown"."""
    try:
        done = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "apertium-nno-nob"], capture_output=True, text=True, check=False)
    except OSError:
        return "unknown"
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
        payloads = [escape(sentence).encode("utf-8") + RECORD_END for sentence in sentences]
        shares = min(pool.size, max(1, len(sentences) // MIN_SHARE))
        size = -(-len(sentences) // shares)
        parts = [payloads[at : at + size] for at in range(0, len(payloads), size)]
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
