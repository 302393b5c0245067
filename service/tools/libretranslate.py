"""LibreTranslate beside oversett, for the recorded answers and the bench: a CTranslate2 model packed
as an Argos package, LibreTranslate's own server started from a virtualenv of its own (it is AGPL:
never a dependency of oversett, only a separate process), and a set of requests recorded.

LibreTranslate cannot run here as shipped: its sentence splitter (MiniSBD, through argostranslate)
downloads an ONNX model from GitHub on first use, and this machine reaches no such host. The launcher
below replaces that splitter with a regular expression (a split after . ! ? and white space) and
nothing else; with fewer than two packages installed it would also fetch Argos's package index, so
both directions are installed from the same model. Record the answers with

    python -m service.tools.libretranslate record --python /path/to/lt-venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from .ports import free_port, stop, wait_for

FIXTURE = Path("tests") / "fixtures" / "libretranslate.json"

# Started with LibreTranslate's Python: its MiniSBD splitter replaced (see above), and, for the
# bench, every output forced to FORCE tokens as oversett's bench forces its own (same work).
LAUNCHER = r'''
import os, re, sys
import argostranslate.sbd as sbd

class RegexSentencizer(sbd.ISentenceBoundaryDetectionModel):
    def __init__(self, pkg):
        self.pkg = pkg
    def split_sentences(self, text):
        return [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    def __str__(self):
        return "RegexSentencizer"

sbd.MiniSBDSentencizer = RegexSentencizer
import argostranslate.translate as translate
translate.MiniSBDSentencizer = RegexSentencizer
force = int(os.environ.get("BENCH_FORCE_OUTPUT_TOKENS", "0"))
if force:
    import ctranslate2, types
    class Forced:
        def __init__(self, *args, **kwargs):
            self._inner = ctranslate2.Translator(*args, **kwargs)
        def translate_batch(self, *args, **kwargs):
            kwargs.update(min_decoding_length=force, max_decoding_length=force)
            return self._inner.translate_batch(*args, **kwargs)
        def __getattr__(self, name):
            return getattr(self._inner, name)
    translate.ctranslate2 = types.SimpleNamespace(Translator=Forced)
from libretranslate.main import main
sys.argv = ["libretranslate", *sys.argv[1:]]
main()
'''


def argos_package(ct2_dir: Path, sentencepiece: Path, out_dir: Path, source: str, target: str) -> Path:
    """An .argosmodel of a CTranslate2 model and its SentencePiece model, for ``source`` → ``target``."""
    name = f"translate-{source}_{target}"
    folder = out_dir / name
    shutil.copytree(ct2_dir, folder / "model")
    shutil.copy(sentencepiece, folder / "sentencepiece.model")
    names = {"nb": "Norwegian", "en": "English"}
    (folder / "metadata.json").write_text(json.dumps({
        "package_version": "1.0", "argos_version": "1.0", "package_type": "translate", "links": [],
        "from_code": source, "from_name": names.get(source, source), "to_code": target, "to_name": names.get(target, target),
    }), encoding="utf-8")
    package = out_dir / f"{name}-1_0.argosmodel"
    with zipfile.ZipFile(package, "w") as archive:
        for path in folder.rglob("*"):
            archive.write(path, path.relative_to(out_dir))
    return package


class LibreTranslateProcess:
    """LibreTranslate's server on 127.0.0.1, with the model installed as Argos packages in a home of
    its own (nb → en, and en → nb from the same files so it never fetches the package index)."""

    def __init__(
        self, python: str, ct2_dir: Path, sentencepiece: Path, work: Path, *, threads: int = 1,
        force_output_tokens: int = 0,
    ) -> None:
        self.home = work / "lt-home"
        packages = work / "lt-packages"
        packages.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "HOME": str(self.home), "ARGOS_INTER_THREADS": "1", "ARGOS_INTRA_THREADS": str(threads),
               "BENCH_FORCE_OUTPUT_TOKENS": str(force_output_tokens), "ARGOS_DEVICE_TYPE": "cpu"}
        for source, target in (("nb", "en"), ("en", "nb")):
            package = argos_package(ct2_dir, sentencepiece, packages, source, target)
            subprocess.run(
                [python, "-c", f"import argostranslate.package as p; p.install_from_path({str(package)!r})"],
                env=env, check=True, capture_output=True, timeout=300,
            )
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(work / "libretranslate.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [python, "-c", LAUNCHER, "--host", "127.0.0.1", "--port", str(self.port), "--load-only", "nb,en",
             "--threads", "4", "--char-limit", "-1"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 180) -> None:
        wait_for(f"{self.base}/languages", self.process, Path(self.log.name), "LibreTranslate", timeout)

    def stop(self) -> None:
        stop(self.process)
        self.log.close()


# The requests whose answers are recorded: each is (name, method, path, how the body is sent, body).
REQUESTS: list[tuple[str, str, str, str, Any]] = [
    ("translate form", "POST", "/translate", "form", {"q": "Det regner i Bergen.", "source": "nb", "target": "en"}),
    ("translate json auto", "POST", "/translate", "json", {"q": "Det regner i Bergen i dag.", "source": "auto", "target": "en"}),
    ("translate json list", "POST", "/translate", "json", {"q": ["Det regner.", "Vi blir hjemme."], "source": "nb", "target": "en"}),
    ("translate list auto", "POST", "/translate", "json", {"q": ["Det regner i Bergen.", "Vi blir hjemme i dag."], "source": "auto", "target": "en"}),
    ("translate alternatives", "POST", "/translate", "json", {"q": "Det regner.", "source": "nb", "target": "en", "alternatives": 2}),
    ("translate html", "POST", "/translate", "json", {"q": "<p>Det <b>regner</b>.</p>", "source": "nb", "target": "en", "format": "html"}),
    ("translate without q", "POST", "/translate", "json", {"source": "nb", "target": "en"}),
    ("translate to an unknown target", "POST", "/translate", "json", {"q": "Det regner.", "source": "nb", "target": "xx"}),
    ("translate from an unknown source", "POST", "/translate", "json", {"q": "Det regner.", "source": "xx", "target": "en"}),
    ("detect", "POST", "/detect", "form", {"q": "Dette er en vanlig norsk setning om været."}),
    ("detect without q", "POST", "/detect", "form", {}),
    ("languages", "GET", "/languages", "none", None),
    ("frontend settings", "GET", "/frontend/settings", "none", None),
    ("translate file", "POST", "/translate_file", "file", {"source": "nb", "target": "en"}),
]


def send(client: httpx.Client, base: str, method: str, path: str, how: str, body: Any) -> httpx.Response:
    if how == "json":
        return client.request(method, base + path, json=body)
    if how == "form":
        return client.request(method, base + path, data=body)
    if how == "file":
        return client.request(method, base + path, data=body, files={"file": ("nyhet.txt", b"Det regner i Bergen.\n")})
    return client.request(method, base + path)


def record(base: str) -> list[dict[str, Any]]:
    """Each request of REQUESTS and the answer: status, content type, JSON body."""
    answers = []
    with httpx.Client(timeout=120) as client:
        for name, method, path, how, body in REQUESTS:
            response = send(client, base, method, path, how, body)
            answers.append({
                "name": name, "method": method, "path": path, "how": how, "body": body,
                "status": response.status_code, "content_type": response.headers.get("content-type", ""),
                "json": response.json() if "json" in response.headers.get("content-type", "") else None,
            })
    return answers


def _record_command(python: str, out: Path, seeds: Path) -> None:
    from ..backends.loading import ModelRef, convert_to_ctranslate2
    from .tiny import build_tiny_models

    with tempfile.TemporaryDirectory(prefix="oversett-lt-") as tmp:
        work = Path(tmp)
        models = build_tiny_models(work / "models", seeds)
        ct2 = convert_to_ctranslate2(ModelRef(str(models["translator"]), "translation", "OVERSETT_TRANSLATOR"),
                                     work / "ct2", "int8", offline=True)
        server = LibreTranslateProcess(python, ct2, models["translator"] / "source.spm", work)
        try:
            server.wait_ready()
            answers = record(server.base)
            version = subprocess.run([python, "-c", "import importlib.metadata as m; print(m.version('libretranslate'))"],
                                     capture_output=True, text=True).stdout.strip()
        finally:
            server.stop()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "libretranslate": version,
        "recorded_with": "python -m service.tools.libretranslate record (tiny models, MiniSBD replaced by a regex split)",
        "answers": answers,
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"recorded {len(answers)} answers of LibreTranslate {version} to {out}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.tools.libretranslate")
    commands = parser.add_subparsers(dest="command", required=True)
    rec = commands.add_parser("record", help="run LibreTranslate beside the tiny model and record its answers")
    rec.add_argument("--python", required=True, help="the Python of a virtualenv with `pip install libretranslate`")
    rec.add_argument("--out", default=str(FIXTURE))
    rec.add_argument("--seeds", default="seeds")
    args = parser.parse_args(argv)
    _record_command(args.python, Path(args.out), Path(args.seeds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
