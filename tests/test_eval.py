from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sacrebleu
from rouge_score import rouge_scorer

from eval.cli import main as eval_main
from eval.metrics import NordicTokenizer, rouge_scores, translation_scores
from service.compose.runs import run_batch_with_settings as run_batch
from service.config import Settings

from .conftest import REPO, SEEDS

REFERENCES = REPO / "eval" / "references"
STEM = "000_ce698dbb45a80c69"


# --- metrics -------------------------------------------------------------------------------


def test_identical_output_scores_perfectly() -> None:
    refs = ["The city is an important hub.", "Fewer than 4,000 civilians remain."]
    scores = translation_scores(refs, refs)
    assert scores.bleu == 100.0 and scores.chrf == 100.0
    assert "tok:13a" in scores.bleu_signature and "nc:6" in scores.chrf_signature
    assert rouge_scores(refs[0], [refs[0]]) == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}


def test_empty_output_scores_zero() -> None:
    scores = translation_scores([""], ["The city is an important hub."])
    assert scores.bleu == 0.0 and scores.chrf == 0.0
    assert rouge_scores("", ["The city is an important hub."]) == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}


def test_partial_overlap_matches_the_libraries() -> None:
    hyps = ["The cat sat on the mat today.", "Russia has suffered heavy losses in the war."]
    refs = ["The cat was sitting on the mat.", "Russia has suffered great losses, he added."]
    ours = translation_scores(hyps, refs)
    assert ours.bleu == round(sacrebleu.corpus_bleu(hyps, [refs]).score, 2)
    assert ours.chrf == round(sacrebleu.corpus_chrf(hyps, [refs]).score, 2)
    assert 0 < ours.bleu < 100
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=NordicTokenizer())
    direct = scorer.score(refs[0], hyps[0])
    assert rouge_scores(hyps[0], [refs[0]]) == {k: round(v.fmeasure, 4) for k, v in direct.items()}


def test_best_of_several_references() -> None:
    candidate = "Bakhmut may fall within days."
    worse, better = "The weather is fine.", "Bakhmut could fall within days."
    assert rouge_scores(candidate, [worse, better]) == rouge_scores(candidate, [better])


def test_norwegian_letters_count_as_tokens() -> None:
    candidate, reference = "blåbær og bringebær", "blåbær og jordbær"
    assert NordicTokenizer().tokenize("Blåbær, øl og Ærø 2023!") == ["blåbær", "øl", "og", "ærø", "2023"]
    ours = rouge_scores(candidate, [reference])["rouge1"]
    assert ours == round(2 / 3, 4)
    default = rouge_scorer.RougeScorer(["rouge1"]).score(reference, candidate)["rouge1"].fmeasure
    assert round(default, 4) != ours  # the package's default tokenizer splits "blåbær" apart


# --- runs ----------------------------------------------------------------------------------


@pytest.fixture
def tiny_env(tiny_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSETT_TRANSLATOR", str(tiny_models["translator"]))
    monkeypatch.setenv("OVERSETT_EN_TRANSLATOR", str(tiny_models["en_translator"]))
    monkeypatch.setenv("OVERSETT_SUMMARIZER", str(tiny_models["summarizer"]))
    monkeypatch.setenv("OVERSETT_NUM_BEAMS", "1")


def _only_run(results: Path) -> Path:
    (run,) = list(results.iterdir())
    return run


def test_eval_on_the_seed_writes_scores_report_and_plot(tiny_env: None, tmp_path: Path) -> None:
    assert eval_main(["--results", str(tmp_path)]) == 0
    run = _only_run(tmp_path)
    scores = json.loads((run / "scores.json").read_text(encoding="utf-8"))
    assert {"run_id", "models", "settings", "translation", "summaries", "documents"} <= scores.keys()
    systems = {row["system"] for row in scores["translation"]}
    assert systems == {"oversett", "baseline: untranslated source"}
    for row in scores["translation"]:
        assert {"bleu", "chrf", "bleu_signature", "chrf_signature", "segments"} <= row.keys()
        assert row["segments"] == 25
    summary_systems = {(row["system"], row["length"]) for row in scores["summaries"]}
    for length, lead in (("short", 2), ("medium", 5)):
        assert ("oversett extractive", length) in summary_systems
        assert ("oversett abstractive", length) in summary_systems
        assert (f"baseline: lead-{lead} (translated)", length) in summary_systems
    for row in scores["summaries"]:
        assert {"rouge1", "rouge2", "rougeL"} <= row.keys() and row["references_per_document"] == 2
    report = (run / "report.md").read_text(encoding="utf-8")
    assert "baseline: untranslated source" in report and "baseline: lead-2" in report
    assert "nrefs:1|case:mixed" in report and "near zero by design" in report
    png = (run / "scores.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_outputs_of_a_batch_run_are_scored_without_any_model(
    tiny_env: None, tiny_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "batch"
    run_batch(SEEDS, out, settings=Settings(_env_file=None), summary="short")  # type: ignore[call-arg]

    def no_models(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("eval --outputs loaded a model")

    monkeypatch.setattr("service.compose.services.load_services", no_models)
    assert eval_main(["--outputs", str(out), "--results", str(tmp_path / "results")]) == 0
    scores = json.loads((_only_run(tmp_path / "results") / "scores.json").read_text(encoding="utf-8"))
    assert scores["outputs"] == str(out)
    assert {(r["system"], r["length"]) for r in scores["summaries"]} >= {
        ("oversett abstractive", "short"), ("baseline: lead-2 (translated)", "short")
    }

    # A "batch output" that is the reference itself scores 100: the alignment is right.
    perfect = tmp_path / "perfect"
    perfect.mkdir()
    shutil.copy(REFERENCES / f"{STEM}.en.txt", perfect / f"{STEM}.en.txt")
    assert eval_main(["--outputs", str(perfect), "--results", str(tmp_path / "perfect-results")]) == 0
    scores = json.loads((_only_run(tmp_path / "perfect-results") / "scores.json").read_text(encoding="utf-8"))
    assert scores["translation"][0]["bleu"] == 100.0 and scores["translation"][0]["chrf"] == 100.0


def test_local_src_and_ref_files(tiny_env: None, tmp_path: Path) -> None:
    src, ref = tmp_path / "src.txt", tmp_path / "ref.txt"
    src.write_text("Det regner i Bergen.\nSola skinner i Oslo.\n", encoding="utf-8")
    ref.write_text("It is raining in Bergen.\nThe sun is shining in Oslo.\n", encoding="utf-8")
    assert eval_main(["--src", str(src), "--ref", str(ref), "--source-lang", "nb", "--results", str(tmp_path / "r")]) == 0
    scores = json.loads((_only_run(tmp_path / "r") / "scores.json").read_text(encoding="utf-8"))
    assert scores["testset"]["segments"] == 2
    assert [r["system"] for r in scores["translation"]] == ["oversett", "baseline: untranslated source"]


def test_shipped_flores_runs_offline(tiny_env: None, tmp_path: Path) -> None:
    assert eval_main(["--testset", "flores200", "--pair", "nno-eng", "--limit", "6", "--results", str(tmp_path)]) == 0
    scores = json.loads((_only_run(tmp_path) / "scores.json").read_text(encoding="utf-8"))
    assert scores["testset"]["name"] == "flores200" and scores["testset"]["segments"] == 6
    assert any(p["bleu"] == 45.1 for p in scores["published"])
    # The flag rate of each check code, for the model's output and for the reference.
    checks = {row["system"]: row for row in scores["checks"]}
    assert set(checks) == {"oversett", "reference"} and checks["oversett"]["segments"] == 6
    assert checks["oversett"]["flagged"] > 0  # the tiny model's gibberish does not keep names
    assert "Faithfulness checks" in (_only_run(tmp_path) / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("pair", "published"), [("eng-nob", 34.5), ("eng-nno", 32.4)])
def test_the_english_to_norwegian_pairs_run_on_the_shipped_sets(
    tiny_env: None, tmp_path: Path, pair: str, published: float
) -> None:
    for testset in ("flores200", "ntrex128"):
        results = tmp_path / testset
        assert eval_main(["--testset", testset, "--pair", pair, "--limit", "4", "--results", str(results)]) == 0
        scores = json.loads((_only_run(results) / "scores.json").read_text(encoding="utf-8"))
        assert scores["testset"]["pair"] == pair and scores["testset"]["segments"] == 4
        if testset == "flores200":  # the published score printed beside oversett's own
            assert any(p["bleu"] == published for p in scores["published"])
        assert {row["system"] for row in scores["checks"]} == {"oversett", "reference"}


def test_english_into_nynorsk_is_scored_by_both_routes_with_a_paired_bootstrap(tiny_env: None, tmp_path: Path) -> None:
    """With Apertium here, eng-nno runs the setting's route (by way of Bokmål) and the direct one,
    on FLORES and NTREX, and says how sure the difference is."""
    for testset in ("flores200", "ntrex128"):
        results = tmp_path / testset
        assert eval_main(["--testset", testset, "--pair", "eng-nno", "--limit", "6", "--results", str(results)]) == 0
        run = _only_run(results)
        scores = json.loads((run / "scores.json").read_text(encoding="utf-8"))
        routes = scores["routes"]
        assert [row["system"] for row in routes] == ["oversett, route bokmal", "oversett, route direct"]
        assert routes[0]["p_bleu"] is None and 0 <= routes[1]["p_bleu"] <= 1 and 0 <= routes[1]["p_chrf"] <= 1
        oversett = next(row for row in scores["translation"] if row["system"] == "oversett")
        assert (oversett["bleu"], oversett["chrf"]) == (routes[0]["bleu"], routes[0]["chrf"])  # the setting's route
        assert "English → Nynorsk by each route" in (run / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("pair", ["nob-nno", "nno-nob"])
def test_bokmal_nynorsk_pairs_run_apertium_beside_the_unchanged_source(tiny_env: None, tmp_path: Path, pair: str) -> None:
    """Apertium on the first 40 lines (the full sets' figures are in README): above the unchanged
    source, with the published OPUS-MT figure beside it on FLORES."""
    for testset in ("flores200", "ntrex128"):
        results = tmp_path / testset
        assert eval_main(["--testset", testset, "--pair", pair, "--limit", "40", "--results", str(results)]) == 0
        scores = json.loads((_only_run(results) / "scores.json").read_text(encoding="utf-8"))
        rows = {row["system"]: row for row in scores["translation"]}
        assert rows["oversett"]["chrf"] > rows["baseline: untranslated source"]["chrf"] + 3
        assert rows["oversett"]["bleu"] > rows["baseline: untranslated source"]["bleu"] + 3
        assert scores["checks"] == []
        if testset == "flores200" and pair == "nob-nno":
            assert any(p["bleu"] == 23.2 for p in scores["published"])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--testset", "wmt22", "--pair", "nob-eng"], "not available"),
        (["--testset", "no-such-set"], "unknown test set"),
        (["--src", "/nonexistent/src.txt", "--ref", "/nonexistent/ref.txt"], "does not exist"),
        (["--testset", "flores200", "--pair", "deu-eng"], "not supported"),
    ],
)
def test_unavailable_test_sets_fail_clearly(args: list[str], needle: str, tmp_path: Path) -> None:
    env = {**os.environ, "OVERSETT_TRANSLATOR": str(tmp_path / "unused"), "OVERSETT_CACHE": "none",
           "SACREBLEU": str(tmp_path / "sacrebleu")}
    result = subprocess.run(
        [sys.executable, "-m", "service", "eval", *args, "--results", str(tmp_path / "r")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 2
    assert needle in result.stderr and "Traceback" not in result.stderr
