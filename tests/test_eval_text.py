"""`oversett eval --task langid | segmentation | summary-selection`: offline on the shipped data,
with no model, writing the same report.md / scores.json / scores.png as the translation task."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import text_tasks
from eval.cli import main as eval_main
from service.domain.langid import LanguageDetector


def _only_run(results: Path) -> Path:
    (run,) = list(results.iterdir())
    assert {p.name for p in run.iterdir()} == {"scores.json", "report.md", "scores.png"}
    return run


def _rows(run: Path, table: int = 0) -> list[dict]:
    return json.loads((run / "scores.json").read_text(encoding="utf-8"))["tables"][table]["rows"]


def test_segmentation_task_on_the_shipped_treebanks(tmp_path: Path) -> None:
    assert eval_main(["--task", "segmentation", "--results", str(tmp_path)]) == 0
    run = _only_run(tmp_path)
    rows = {(r["system"], r["language"]): r for r in _rows(run)}
    for lang in ("nb", "nn"):
        ours, regex = rows[("oversett", lang)], rows[("baseline: plain regex", lang)]
        assert ours["boundaries"] > 1000
        assert ours["recall_after_terminal"] >= 0.98 and ours["precision"] >= 0.99  # the targets
        assert ours["f1"] >= regex["f1"]
    assert "recall_after_terminal" in (run / "report.md").read_text(encoding="utf-8")
    # English, on the English sides of FLORES and NTREX joined as the treebanks are (the targets)
    english, regex = rows[("oversett", "en (FLORES + NTREX)")], rows[("baseline: plain regex", "en (FLORES + NTREX)")]
    assert english["boundaries"] > 2000 and english["f1"] > regex["f1"]
    assert english["recall_after_terminal"] >= 0.98 and english["precision"] >= 0.99  # 0.986 and 0.995 at this version


def test_summary_selection_task_beats_the_same_words_lead(tmp_path: Path) -> None:
    assert eval_main(["--task", "summary-selection", "--results", str(tmp_path)]) == 0
    rows = {(r["system"], r["length"]): r for r in _rows(_only_run(tmp_path))}
    for length in ("medium", "long"):
        ours, lead = rows[("oversett extractive", length)], rows[("baseline: lead, same words", length)]
        assert ours["articles"] == 30 and ours["words"] == lead["words"]
        assert ours["rouge1"] >= lead["rouge1"] + 1.5
        assert ours["rouge2"] > lead["rouge2"] and ours["rougeL"] > lead["rougeL"]


def test_langid_task_counts_refusals_and_english(tmp_path: Path) -> None:
    """On a small treebank folder (the full run takes half a minute; its figures are in README)."""
    treebanks = tmp_path / "ud"
    treebanks.mkdir()
    shipped = text_tasks.TREEBANKS
    for lang in text_tasks.SUPPORTED + text_tasks.REFUSED_LANGUAGES:
        lines = (shipped / f"{lang}.txt").read_text(encoding="utf-8").splitlines()[:40]
        (treebanks / f"{lang}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = tmp_path / "results"
    assert eval_main(["--task", "langid", "--treebanks", str(treebanks), "--results", str(results)]) == 0
    run = _only_run(results)
    rows = {(r["system"], r["language"], r["unit"]): r for r in _rows(run)}
    assert rows[("oversett", "nb", "pair")]["refused"] == 0 and rows[("oversett", "nn", "pair")]["refused"] == 0
    assert rows[("oversett", "de", "sentence")]["refused"] >= 90
    assert ("baseline: lingua alone", "nb", "sentence") in rows
    confusion = _rows(run, 1)
    assert {r["language"] for r in confusion} == set(text_tasks.SUPPORTED + text_tasks.REFUSED_LANGUAGES)
    assert all(abs(sum(v for k, v in r.items() if k != "language") - 100) < 0.1 for r in confusion)


def test_langid_calls_norwegian_norwegian_and_keeps_danish_and_german_apart() -> None:
    """The whole UD dev treebanks, one sentence at a time: a Norwegian service calls doubtful
    Danish/Norwegian text Norwegian (nb 97.3 %, nn 98.9 % at this version), Danish stays Danish
    (92.9 %), German is refused (98.1 %)."""
    rows, _ = text_tasks.langid_rows(text_tasks.oversett_langid(LanguageDetector()), text_tasks.TREEBANKS, "oversett")
    single = {r["language"]: r for r in rows if r["unit"] == "sentence"}
    assert single["nb"]["norwegian"] >= 97 and single["nn"]["norwegian"] >= 97
    assert single["da"]["accuracy"] >= 90 and single["sv"]["accuracy"] >= 95
    assert single["de"]["refused"] >= 95
    assert all(single[lang]["refused"] < 0.1 for lang in ("nb", "nn"))  # one in 4,299: "Voilà!", French


def test_text_tasks_say_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert eval_main(["--task", "segmentation", "--treebanks", str(tmp_path / "nowhere")]) == 2
    assert "nb.txt is missing" in capsys.readouterr().err
    assert eval_main(["--task", "summary-selection", "--norsumm", str(tmp_path / "no.json")]) == 2
    assert "no.json is missing" in capsys.readouterr().err


def test_article_text_makes_paragraphs_of_norsumm_parts() -> None:
    assert text_tasks.article_text("Tittel | Ingress her. | Foto: NTB | Brødtekst.") == (
        "Tittel\n\nIngress her.\n\nFoto: NTB\n\nBrødtekst."
    )


def test_checks_task_reports_false_alarms_and_catch_rates(tmp_path: Path) -> None:
    assert eval_main(["--task", "checks", "--results", str(tmp_path)]) == 0
    run = _only_run(tmp_path)
    alarms = {(r["test set"], r["source"]): r for r in _rows(run, 0)}
    assert set(alarms) == {(t, s) for t in ("flores200-devtest", "ntrex128") for s in ("nob", "nno")}
    for testset in ("flores200-devtest", "ntrex128"):
        assert alarms[(testset, "nob")]["flagged"] <= 2.0  # the target (1.3 and 1.8 % at this version)
    assert alarms[("flores200-devtest", "nno")]["flagged"] <= 2.0  # 1.9 %; NTREX's Nynorsk file is 4.9 %
    catches = {r["corruption"]: r["caught"] for r in _rows(run, 1)}
    assert set(catches) == {"number", "dropped words", "truncated", "loop", "copied source", "name", "name, first word", "link"}
    assert catches["loop"] >= 95 and catches["copied source"] >= 95 and catches["link"] >= 95
    assert catches["number"] >= 95 and catches["truncated"] >= 95  # 96.3 and 99.8 % at this version
    # names replaced wherever they stand, by names that are also words (Per, Tom, Anna) as well as rare ones
    assert catches["name"] >= 90  # 91.6 %; of those opening the sentence 58.8 %
    assert catches["dropped words"] >= 89  # 90.3 %: below the 95 % target (see README)
    # The trade-off table: a looser length bound catches more dropped words and flags more good
    # translations, and its first row (no slack) is what the checks do.
    tradeoff = _rows(run, 2)
    assert [r["slack"] for r in tradeoff] == sorted(r["slack"] for r in tradeoff) and tradeoff[0]["slack"] == 0
    assert tradeoff[0]["dropped words caught"] == catches["dropped words"]
    assert tradeoff[0]["ntrex128 nob"] == alarms[("ntrex128", "nob")]["flagged"]
    for column in ("dropped words caught", "flores200-devtest nob", "ntrex128 nob"):
        values = [r[column] for r in tradeoff]
        assert values == sorted(values) and values[-1] > values[0]


def test_checks_task_covers_english_sources_too(tmp_path: Path) -> None:
    assert eval_main(["--task", "checks", "--results", str(tmp_path)]) == 0
    run = _only_run(tmp_path)
    alarms = {(r["test set"], r["target"]): r for r in _rows(run, 3)}
    assert set(alarms) == {(t, s) for t in ("flores200-devtest", "ntrex128") for s in ("nob", "nno")}
    # flagged: Bokmål 1.9 and 2.3 %, Nynorsk 2.1 and 3.9 % (NTREX's Nynorsk file adds and drops names)
    assert all(row["flagged"] <= 4.0 for row in alarms.values())
    # of those, the faithful translations (judged by hand; an unjudged flag counts as one): 0.6–1.6 %
    assert all(row["false alarms"] <= 2.0 for row in alarms.values())
    assert alarms["ntrex128", "nno"]["deviations"] > 2.0  # the review is read: most of that file's flags are right
    assert all(row["deviations"] + row["false alarms"] == pytest.approx(row["flagged"], abs=0.011) for row in alarms.values())
    catches = {r["corruption"]: r["caught"] for r in _rows(run, 4)}
    assert catches["number"] >= 95 and catches["copied source"] >= 95 and catches["link"] >= 95 and catches["loop"] >= 95
    # the targets on held-out text: names ≥ 90 %, truncated ≥ 95 %, dropped words ≥ 80 %
    assert catches["name"] >= 90 and catches["truncated"] >= 95 and catches["dropped words"] >= 80  # 90.5, 98.5, 82.3
    assert catches["name, first word"] >= 60  # 70.7 %: names that open the sentence
    variety = _rows(run, 5)
    assert {(r["asked for"], r["given"]) for r in variety} == {("nb", "nno"), ("nn", "nob")}
    assert all(r["caught"] > 50 for r in variety)  # single sentences: 58–71 %; some have too few telling words
    assert all(r["documents caught"] >= 95 for r in variety)  # five lines: 98–99.5 %
