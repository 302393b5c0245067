from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from service.compose.runs import run_batch_with_settings as run_batch
from service.config import Settings
from service.domain.errors import OversettError
from service.usecases.batch_files import MANIFEST, STATE_DIR, TEMP_SUFFIX, read_document

from ..conftest import REPO, SEEDS


def _env(tiny_models: dict[str, Path], **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "OVERSETT_TRANSLATOR": str(tiny_models["translator"]), "OVERSETT_EN_TRANSLATOR": str(tiny_models["en_translator"]),
        "OVERSETT_SUMMARIZER": str(tiny_models["summarizer"]),
        "OVERSETT_CACHE": "none",
        "OVERSETT_NUM_BEAMS": "1",
        **extra,
    }


def _batch(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", "batch", *args], cwd=REPO, env=env, capture_output=True,
        text=True, timeout=600, **kwargs,
    )


def _manifest(out: Path) -> list[dict[str, Any]]:
    import json

    return [json.loads(line) for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines()]


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and STATE_DIR not in p.parts and p.name != MANIFEST
    }


def test_batch_the_seeds_then_rerun_skips_everything(
    tiny_models: dict[str, Path], tmp_path: Path, seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    result = _batch(["seeds", "--out", str(out), "--summary", "short"], _env(tiny_models))
    assert result.returncode == 0, result.stderr
    translation = out / "000_ce698dbb45a80c69.en.txt"
    assert translation.read_text(encoding="utf-8").count("\n") == seed_text.count("\n")
    assert (out / "000_ce698dbb45a80c69.summary.en.txt").read_text(encoding="utf-8").strip()
    (entry,) = _manifest(out)
    assert entry["status"] == "ok" and entry["file"] == "000_ce698dbb45a80c69.txt"
    assert entry["source_lang"] == "nb" and entry["segments"] >= 30 and len(entry["sha256"]) == 64
    assert entry["models"]["translator"] == str(tiny_models["translator"])
    assert "1 done, 0 skipped, 0 failed" in result.stderr
    assert "[1/1] 000_ce698dbb45a80c69.txt: ok" in result.stderr  # plain log lines off a terminal

    # The rerun, in-process, with model loading made to fail loudly: it must load nothing.
    def no_models(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a rerun loaded a model")

    monkeypatch.setattr("service.compose.services.load_services", no_models)
    settings = Settings(
        translator=str(tiny_models["translator"]), summarizer=str(tiny_models["summarizer"]),
        cache="none", num_beams=1, _env_file=None,  # type: ignore[call-arg]
    )
    before = translation.read_bytes()
    summary = run_batch(SEEDS, out, settings=settings, summary="short")
    assert (summary.done, summary.skipped, summary.failed) == (0, 1, 0)
    assert [e["status"] for e in _manifest(out)] == ["skipped"]
    assert translation.read_bytes() == before


def _make_documents(folder: Path, seed_text: str, count: int) -> None:
    paragraphs = [p for p in seed_text.split("\n\n") if p.strip()]
    folder.mkdir()
    for i in range(count):
        rotated = paragraphs[i % len(paragraphs):] + paragraphs[: i % len(paragraphs)]
        (folder / f"doc{i:02d}.txt").write_text("\n\n".join(rotated[:6]) + "\n", encoding="utf-8")


def test_killed_run_resumes_to_identical_outputs(tiny_models: dict[str, Path], tmp_path: Path, seed_text: str) -> None:
    docs = tmp_path / "docs"
    _make_documents(docs, seed_text, 20)
    env = _env(tiny_models)

    clean = tmp_path / "clean"
    assert _batch([str(docs), "--out", str(clean)], env).returncode == 0

    killed = tmp_path / "killed"
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "batch", str(docs), "--out", str(killed)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if len(list((killed / STATE_DIR).glob("*.json"))) >= 4:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    interrupted_done = len(list((killed / STATE_DIR).glob("*.json")))
    assert 4 <= interrupted_done < 20
    assert not (killed / MANIFEST).exists()

    rerun = _batch([str(docs), "--out", str(killed)], env)
    assert rerun.returncode == 0, rerun.stderr
    statuses = [e["status"] for e in _manifest(killed)]
    assert statuses.count("skipped") >= interrupted_done - 1 and statuses.count("error") == 0
    assert len(statuses) == 20
    assert _files(killed) == _files(clean)  # every output there, byte for byte
    assert len(_files(clean)) == 20
    assert not list(killed.rglob(f"*{TEMP_SUFFIX}"))


def test_bad_files_are_recorded_and_the_run_goes_on(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text("Regjeringen la fram budsjettet i dag. Det blir dyrere å kjøre bil.\n", encoding="utf-8")
    (docs / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (docs / "latin1.txt").write_bytes("Blåbærsyltetøy på brødskiva.".encode("latin-1"))
    (docs / "empty.txt").write_bytes(b"")
    (docs / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    (docs / "huge.txt").write_text("Ord " * 30, encoding="utf-8")
    (docs / "zz-also-good.txt").write_text("Det snør i Tromsø.\n", encoding="utf-8")
    result = _batch([str(docs), "--out", str(tmp_path / "out")], _env(tiny_models, OVERSETT_MAX_CHARS="100"))
    assert result.returncode == 1
    entries = {e["file"]: e for e in _manifest(tmp_path / "out")}
    assert entries["good.txt"]["status"] == "ok" and entries["zz-also-good.txt"]["status"] == "ok"
    assert "binary" in entries["binary.txt"]["error"]
    assert "not UTF-8" in entries["latin1.txt"]["error"]
    assert "empty" in entries["empty.txt"]["error"] and "empty" in entries["blank.txt"]["error"]
    assert "limit" in entries["huge.txt"]["error"]
    assert all(entries[n]["status"] == "error" for n in ("binary.txt", "latin1.txt", "empty.txt", "blank.txt", "huge.txt"))
    assert (tmp_path / "out" / "good.en.txt").is_file() and not (tmp_path / "out" / "latin1.en.txt").exists()
    assert "2 done, 0 skipped, 5 failed" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Hei.", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(OversettError, match="cannot read"):
        read_document(path, 100)


def test_unreadable_path_is_an_error_entry(tmp_path: Path) -> None:
    with pytest.raises(OversettError, match="cannot read"):
        read_document(tmp_path / "a-folder-not-a-file", 100)


def test_missing_translator_stops_the_run(tmp_path: Path) -> None:
    result = _batch(
        ["seeds", "--out", str(tmp_path / "out")],
        {**os.environ, "OVERSETT_TRANSLATOR": str(tmp_path / "nowhere"), "OVERSETT_CACHE": "none"},
    )
    assert result.returncode == 2
    assert "nowhere" in result.stderr and "Traceback" not in result.stderr


def test_input_folder_must_exist(tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    result = _batch([str(tmp_path / "missing"), "--out", str(tmp_path / "out")], _env(tiny_models))
    assert result.returncode == 2 and "not a folder" in result.stderr


def test_ray_engine_matches_local(tiny_models: dict[str, Path], tmp_path: Path, seed_text: str) -> None:
    pytest.importorskip("ray")
    docs = tmp_path / "docs"
    _make_documents(docs, seed_text, 4)
    env = _env(tiny_models, RAY_ADDRESS="")
    local = _batch([str(docs), "--out", str(tmp_path / "local")], env)
    ray = _batch([str(docs), "--out", str(tmp_path / "ray"), "--engine", "ray"], env)
    assert local.returncode == 0 and ray.returncode == 0, ray.stderr[-3000:]
    assert _files(tmp_path / "ray") == _files(tmp_path / "local")
    assert len(_files(tmp_path / "ray")) == 4
    local_manifest = {e["file"]: e for e in _manifest(tmp_path / "local")}
    ray_manifest = {e["file"]: e for e in _manifest(tmp_path / "ray")}
    assert local_manifest.keys() == ray_manifest.keys()
    for name, entry in ray_manifest.items():
        assert entry["status"] == "ok" and entry["sha256"] == local_manifest[name]["sha256"]


def test_progress_bar_on_a_terminal_and_lines_otherwise() -> None:
    import io

    from service.usecases.batch import Progress
    from service.usecases.batch_files import ManifestEntry, SourceDocument

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    doc = SourceDocument(Path("a.txt"), "a.txt")
    entry = ManifestEntry("a.txt", "0" * 64, "ok", segments=3, seconds=0.5)
    terminal = Terminal()
    bar = Progress(2, terminal)
    bar.start_document(doc)(3)
    bar.finish_document(entry)
    bar.close()
    assert "1/2" in terminal.getvalue() and "doc" in terminal.getvalue()
    plain = io.StringIO()
    lines = Progress(2, plain)
    lines.start_document(doc)(3)
    lines.finish_document(entry)
    assert plain.getvalue() == "[1/2] a.txt: ok (3 segments, 0.5 s)\n"


def test_failures_stay_on_screen_and_the_last_lines_name_them() -> None:
    import io

    from service.usecases.batch import BatchSummary, Progress
    from service.usecases.batch_files import ManifestEntry, SourceDocument

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    bar = Progress(2, terminal)
    bar.start_document(SourceDocument(Path("b.docx"), "b.docx"))
    bar.finish_document(ManifestEntry("b.docx", "0" * 64, "error", "the Word (.docx) file is damaged or cut short"))
    bar.close()
    assert "b.docx: error: the Word (.docx) file is damaged or cut short\n" in terminal.getvalue()
    summary = BatchSummary(1, 0, 2, 3.0, Path("out/manifest.jsonl"),
                           failures=[("b.docx", "damaged"), ("c.html", "The HTML is broken")])
    assert summary.line() == (
        "1 done, 0 skipped, 2 failed in 3.0 s; manifest: out/manifest.jsonl\n"
        "Failed (2):\n  b.docx: damaged\n  c.html: The HTML is broken"
    )


def test_ctrl_c_writes_the_manifest_of_what_was_done_and_says_how_to_resume(
    tiny_models: dict[str, Path], tmp_path: Path, seed_text: str
) -> None:
    docs = tmp_path / "docs"
    _make_documents(docs, seed_text, 8)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "batch", str(docs), "--out", str(out)],
        cwd=REPO, env=_env(tiny_models), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # Ctrl-C as a terminal sends it: a suite started in the background (``pytest … &``) runs with
        # SIGINT ignored, which children inherit, and Python then never turns it into KeyboardInterrupt.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if len(list((out / STATE_DIR).glob("*.json"))) >= 2:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 130, stderr
    finished = _manifest(out)
    assert 2 <= len(finished) < 8 and all(e["status"] == "ok" for e in finished)
    assert f"Interrupted after {len(finished)} of 8 documents" in stderr
    assert "Run the same command again to resume" in stderr and "Traceback" not in stderr
    rerun = _batch([str(docs), "--out", str(out)], _env(tiny_models))
    assert rerun.returncode == 0
    statuses = [e["status"] for e in _manifest(out)]
    assert len(statuses) == 8 and statuses.count("skipped") >= len(finished)


def test_a_batch_into_nynorsk_names_its_outputs_and_records_the_direction(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _batch([str(SEEDS / "en"), "--out", str(out), "--to", "nn", "--summary", "short"], _env(tiny_models))
    assert result.returncode == 0, result.stderr
    (entry,) = _manifest(out)
    assert entry["status"] == "ok" and entry["target_lang"] == "nn" and entry["source_lang"] == "en"
    assert sorted(entry["outputs"]) == ["000_ce698dbb45a80c69.nn.txt", "000_ce698dbb45a80c69.summary.nn.txt"]
    again = _batch([str(SEEDS / "en"), "--out", str(out), "--to", "nn", "--summary", "short"], _env(tiny_models))
    assert again.returncode == 0 and _manifest(out)[0]["status"] == "skipped"
    other = _batch([str(SEEDS / "en"), "--out", str(out), "--to", "nb"], _env(tiny_models))  # another direction: work again
    assert other.returncode == 0 and _manifest(out)[0]["status"] == "ok" and (out / "000_ce698dbb45a80c69.nb.txt").is_file()


def test_a_batch_of_bokmal_files_goes_into_nynorsk(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    """Apertium behind a batch run: Bokmål files in, NAME.nn.EXT out, the pair in the manifest."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "sak.txt").write_text("Jeg vet ikke hva han vil.\n\nVi skal hjelpe ham i morgen.\n", encoding="utf-8")
    (docs / "sak.md").write_text("# Budsjett\n\nRegjeringen brukte **5 milliarder** kroner.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _batch([str(docs), "--out", str(out), "--to", "nn"], _env(tiny_models))
    assert result.returncode == 0, result.stderr
    entries = _manifest(out)
    assert len(entries) == 2
    assert all(e["status"] == "ok" and e["target_lang"] == "nn" and e["source_lang"] == "nb" for e in entries)
    assert (out / "sak.nn.txt").read_text(encoding="utf-8") == "Eg veit ikkje kva han vil.\n\nVi skal hjelpe han i morgon.\n"
    assert "**5 milliardar**" in (out / "sak.nn.md").read_text(encoding="utf-8")


def test_the_route_into_nynorsk_is_in_the_manifest_and_another_route_is_work_again(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    direct = _batch([str(SEEDS / "en"), "--out", str(out), "--to", "nn", "--nynorsk-route", "direct"], _env(tiny_models))
    assert direct.returncode == 0, direct.stderr
    (entry,) = _manifest(out)
    assert entry["status"] == "ok" and entry["models"]["nynorsk_route"] == "direct"
    assert entry["models"]["nynorsk_variant"] == "nno_e"
    (output,) = entry["outputs"]
    made_direct = (out / output).read_text(encoding="utf-8")
    bokmal = _batch([str(SEEDS / "en"), "--out", str(out), "--to", "nn", "--nynorsk-route", "bokmal"], _env(tiny_models))
    assert bokmal.returncode == 0, bokmal.stderr
    (entry,) = _manifest(out)
    assert entry["status"] == "ok" and entry["models"]["nynorsk_route"] == "bokmal"  # not skipped: another translation
    assert (out / output).read_text(encoding="utf-8") != made_direct
    bad = _batch([str(SEEDS / "en"), "--out", str(out), "--to", "nn", "--nynorsk-route", "sideways"], _env(tiny_models))
    assert bad.returncode == 2 and "bokmal" in bad.stderr
