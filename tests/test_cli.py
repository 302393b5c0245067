from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from service.domain.text import segment

from .conftest import REPO, SEED_FILE


def _run(args: list[str], env_extra: dict[str, str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=300,
    )


def test_translate_file_keeps_layout(tiny_models: dict[str, Path], tmp_path: Path, seed_text: str) -> None:
    env = {
        "OVERSETT_TRANSLATOR": str(tiny_models["translator"]), "OVERSETT_EN_TRANSLATOR": str(tiny_models["en_translator"]),
        "OVERSETT_CACHE": str(tmp_path / "c.sqlite3"),
        "OVERSETT_NUM_BEAMS": "1",
    }
    result = _run(["translate", str(SEED_FILE)], env)
    assert result.returncode == 0, result.stderr.decode()
    english = result.stdout.decode("utf-8")
    assert english.count("\n") == seed_text.count("\n")
    assert [line == "" for line in english.split("\n")] == [line == "" for line in seed_text.split("\n")]
    assert len(segment(english).pieces) > 0
    # stdin works too, and the second run comes from the cache with the same text
    again = _run(["translate", "-"], env, stdin=seed_text.encode())
    assert again.returncode == 0 and again.stdout.decode() == english
    # stderr: what was detected, and a one-line summary of the flagged sentences (the tiny
    # model loops, so some are)
    stderr = result.stderr.decode()
    assert "[detected nb, confidence" in stderr
    assert re.search(r"\[\d+ of \d+ sentences flagged: [a-z]+ \d+", stderr), stderr


def test_missing_model_exits_non_zero_with_message(tmp_path: Path) -> None:
    result = _run(
        ["translate", str(SEED_FILE)],
        {"OVERSETT_TRANSLATOR": str(tmp_path / "missing-model"), "OVERSETT_CACHE": "none"},
    )
    assert result.returncode != 0
    stderr = result.stderr.decode()
    assert "missing-model" in stderr and "OVERSETT_TRANSLATOR" in stderr
    assert "Traceback" not in stderr
    assert result.stdout == b""


def test_bad_input_file_exits_non_zero(tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Blåbærsyltetøy på brødskiva.".encode("latin-1"))
    env = {"OVERSETT_TRANSLATOR": str(tiny_models["translator"]), "OVERSETT_EN_TRANSLATOR": str(tiny_models["en_translator"]), "OVERSETT_CACHE": "none"}
    for path, needle in [(latin1, "not UTF-8"), (tmp_path / "nope.txt", "no such file")]:
        result = _run(["translate", str(path)], env)
        assert result.returncode != 0
        assert needle in result.stderr.decode() and "Traceback" not in result.stderr.decode()


def test_models_tiny_writes_both_models(tmp_path: Path) -> None:
    result = _run(["models", "tiny", str(tmp_path / "m")], {})
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "m" / "translator" / "config.json").is_file()
    assert (tmp_path / "m" / "summarizer" / "config.json").is_file()
    assert "OVERSETT_TRANSLATOR=" in result.stdout.decode()


def test_summarize_command(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    env = {
        "OVERSETT_TRANSLATOR": str(tiny_models["translator"]), "OVERSETT_EN_TRANSLATOR": str(tiny_models["en_translator"]),
        "OVERSETT_SUMMARIZER": str(tiny_models["summarizer"]),
        "OVERSETT_CACHE": str(tmp_path / "c.sqlite3"),
        "OVERSETT_NUM_BEAMS": "1",
    }
    result = _run(["summarize", str(SEED_FILE), "--length", "short", "--method", "extractive"], env)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().strip()
    assert "extractive, short" in result.stderr.decode()


def test_summarize_abstractive_without_summarizer_fails_clearly(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    env = {
        "OVERSETT_TRANSLATOR": str(tiny_models["translator"]), "OVERSETT_EN_TRANSLATOR": str(tiny_models["en_translator"]),
        "OVERSETT_SUMMARIZER": str(tmp_path / "absent"),
        "OVERSETT_CACHE": "none",
    }
    result = _run(["summarize", str(SEED_FILE), "--method", "abstractive"], env)
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert "absent" in stderr and "OVERSETT_SUMMARIZER" in stderr and "Traceback" not in stderr


def test_serve_with_broken_prompt_template_exits_with_message(tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    from service.tools.tiny import build_tiny_t5_summarizer, seed_lines

    t5 = build_tiny_t5_summarizer(tmp_path / "t5", seed_lines(REPO / "seeds"))
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    for name in ("short", "medium", "long"):
        (prompts / f"{name}.txt").write_text("no slot here", encoding="utf-8")
    env = {
        "OVERSETT_TRANSLATOR": str(tiny_models["translator"]), "OVERSETT_EN_TRANSLATOR": str(tiny_models["en_translator"]),
        "OVERSETT_SUMMARIZER": str(t5),
        "OVERSETT_PROMPTS_DIR": str(prompts),
        "OVERSETT_CACHE": "none",
    }
    result = _run(["serve", "--port", "0"], env)
    assert result.returncode == 2
    assert "{text}" in result.stderr.decode() and "Traceback" not in result.stderr.decode()


def test_models_pull(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    result = _run(
        ["models", "pull", "--translator", str(tiny_models["translator"]), "--summarizer", "none",
         "--en-translator", str(tiny_models["en_translator"]), "--ct2", str(tmp_path / "ct2")],
        {},
    )
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "ct2" / "model.bin").is_file()
    # Without --ct2, pull converts the translator into the service's own cache (the default backend).
    cache = tmp_path / "ct2-cache"
    default = _run(["models", "pull", "--translator", str(tiny_models["translator"]), "--summarizer", "none",
                    "--en-translator", str(tiny_models["en_translator"])],
                   {"OVERSETT_CT2_CACHE": str(cache)})
    assert default.returncode == 0, default.stderr.decode()
    assert "translation (ctranslate2)" in default.stdout.decode() and len(list(cache.glob("*/model.bin"))) == 2
    assert "English → Norwegian translation (ctranslate2)" in default.stdout.decode()
    offline = _run(
        ["models", "pull", "--translator", "Helsinki-NLP/opus-mt-gmq-en", "--summarizer", "none", "--en-translator", "none"],
        {"OVERSETT_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")},
    )
    assert offline.returncode == 2
    assert "Helsinki-NLP/opus-mt-gmq-en" in offline.stderr.decode() and "Traceback" not in offline.stderr.decode()


def test_every_command_runs_a_function() -> None:
    """Each command, the development ones too, is wired to a function that runs it (a parser or
    anything else there fails only when the command is used)."""
    import argparse

    from service.cli import build_parser

    parser = build_parser()
    seen = []

    def commands(parser: argparse.ArgumentParser, path: list[str]) -> None:
        for action in parser._actions:  # argparse keeps its subcommands here
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    commands(sub, [*path, name])
                return
        seen.append(path)
        if path == ["eval"]:
            return  # main() hands `oversett eval …` to eval's own parser before this one
        handler = parser.get_default("run")
        assert callable(handler) and not isinstance(handler, argparse.ArgumentParser), path

    commands(parser, [])
    assert ["bench"] in seen and ["load"] in seen and ["models", "tiny"] in seen and ["health"] in seen


def test_the_help_says_both_directions() -> None:
    from service.cli import build_parser

    parser = build_parser()
    top = " ".join(parser.format_help().split())
    assert "English → Bokmål or Nynorsk" in top and "Norwegian → English translation" not in top
    commands = next(a for a in parser._actions if getattr(a, "choices", None))
    translate = " ".join(commands.choices["translate"].format_help().split())  # type: ignore[union-attr,index]
    assert "--to nb" in translate and "English into Bokmål" in translate


def test_models_pull_into_a_folder_for_an_image(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    env_file = tmp_path / "image.env"
    result = _run(
        ["models", "pull", "--translator", str(tiny_models["translator"]), "--summarizer", str(tiny_models["summarizer"]),
         "--en-translator", str(tiny_models["en_translator"]), "--into", str(tmp_path / "models"), "--env-file", str(env_file)],
        {},
    )
    assert result.returncode == 0, result.stderr.decode()
    settings = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    assert settings["OVERSETT_TRANSLATOR"] == str(tmp_path / "models" / "translator")
    assert settings["OVERSETT_EN_TRANSLATOR"] == str(tmp_path / "models" / "en_translator")
    assert (tmp_path / "models" / "summarizer" / "config.json").is_file()
    assert len(list((tmp_path / "models" / "ctranslate2").glob("*/model.bin"))) == 3  # all three converted


def test_health_says_why_the_service_is_not_ready(tmp_path: Path) -> None:
    from service.tools.ports import free_port

    result = _run(["health", "--timeout", "1"], {"OVERSETT_PORT": str(free_port())})
    assert result.returncode == 1 and "not ready" in result.stderr.decode()


def test_translate_and_summarize_into_norwegian_with_to(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    env = {
        "OVERSETT_TRANSLATOR": str(tiny_models["translator"]), "OVERSETT_EN_TRANSLATOR": str(tiny_models["en_translator"]),
        "OVERSETT_SUMMARIZER": str(tiny_models["summarizer"]), "OVERSETT_CACHE": "none", "OVERSETT_NUM_BEAMS": "1",
    }
    english = "Three people lost their jobs in Oslo on Monday.\n\nThe weather was cold.\n"
    result = _run(["translate", "--to", "nn", "-"], env, stdin=english.encode())
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().count("\n\n") == 1 and "[detected en" in result.stderr.decode()
    story = tmp_path / "story.html"
    story.write_text('<html lang="en"><body><p>Three people lost their jobs.</p></body></html>', encoding="utf-8")
    out = tmp_path / "story.nb.html"
    done = _run(["translate", "--to", "nb", str(story), "--out", str(out)], env)
    assert done.returncode == 0, done.stderr.decode()
    assert '<html lang="nb">' in out.read_text(encoding="utf-8")
    summary = _run(["summarize", "--to", "nb", "--method", "extractive", "-"], env, stdin=english.encode())
    assert summary.returncode == 0 and "summary in nb" in summary.stderr.decode()
    bad = _run(["translate", "--to", "de", "-"], env, stdin=english.encode())
    assert bad.returncode != 0 and "nn (Norwegian Nynorsk)" in bad.stderr.decode()


def test_the_route_into_nynorsk_is_a_flag_over_the_setting(tiny_models: dict[str, Path]) -> None:
    env = {
        "OVERSETT_TRANSLATOR": str(tiny_models["translator"]), "OVERSETT_EN_TRANSLATOR": str(tiny_models["en_translator"]),
        "OVERSETT_SUMMARIZER": "none", "OVERSETT_CACHE": "none", "OVERSETT_NUM_BEAMS": "1",
    }
    english = "The weather was cold in Oslo on Monday.\n".encode()

    def nynorsk(route: str, *flags: str) -> str:
        result = _run(["translate", "--to", "nn", *flags, "-"], {**env, "OVERSETT_NYNORSK_ROUTE": route}, stdin=english)
        assert result.returncode == 0, result.stderr.decode()
        return result.stdout.decode()

    by_bokmal, direct = nynorsk("bokmal"), nynorsk("direct")
    assert by_bokmal != direct
    assert nynorsk("direct", "--nynorsk-route", "bokmal") == by_bokmal
    assert nynorsk("bokmal", "--nynorsk-route", "direct") == direct
    assert "--nynorsk-route" in _run(["summarize", "--help"], env).stdout.decode()


def test_translate_bokmal_into_nynorsk_and_back(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    """Apertium behind the CLI: --to nn of a Bokmål text, --to nb of a Nynorsk one, an HTML file
    converted with its markup."""
    env = {
        "OVERSETT_TRANSLATOR": str(tiny_models["translator"]), "OVERSETT_EN_TRANSLATOR": str(tiny_models["en_translator"]),
        "OVERSETT_SUMMARIZER": "none", "OVERSETT_CACHE": "none", "OVERSETT_NUM_BEAMS": "1",
    }
    nynorsk = _run(["translate", "--to", "nn", "-"], env, stdin="Jeg vet ikke hva han vil.\n".encode())
    assert nynorsk.returncode == 0, nynorsk.stderr.decode()
    assert nynorsk.stdout.decode() == "Eg veit ikkje kva han vil.\n" and "[detected nb" in nynorsk.stderr.decode()
    bokmal = _run(["translate", "--to", "nb", "--source-lang", "nn", "-"], env, stdin="Eg veit ikkje kva han vil.".encode())
    assert bokmal.returncode == 0 and bokmal.stdout.decode() == "Jeg vet ikke hva han vil."
    story = tmp_path / "sak.html"
    story.write_text('<html lang="nb"><body><p>Jeg vet <b>ikke</b> hva han vil.</p></body></html>', encoding="utf-8")
    done = _run(["translate", "--to", "nn", str(story), "--out", str(tmp_path / "sak.nn.html")], env)
    assert done.returncode == 0, done.stderr.decode()
    html = (tmp_path / "sak.nn.html").read_text(encoding="utf-8")
    assert '<html lang="nn">' in html and "<b>ikkje</b>" in html
