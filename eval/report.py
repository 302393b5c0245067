"""Write an evaluation's results: scores.json, report.md and scores.png (matplotlib, headless)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_results(results: dict[str, Any], folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"scores": folder / "scores.json", "report": folder / "report.md", "plot": folder / "scores.png"}
    paths["scores"].write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    paths["report"].write_text(render_markdown(results), encoding="utf-8")
    plot(results, paths["plot"])
    return paths


def _models_line(results: dict[str, Any]) -> str:
    models = results.get("models", {})
    return ", ".join(f"{k}: `{v}`" for k, v in models.items() if v) or "–"


def render_tables(results: dict[str, Any]) -> str:
    """The report of a task measured as tables (langid, segmentation, summary selection)."""
    lines = [f"# oversett evaluation {results['run_id']}: {results['task']}", "", f"- data: `{results['data']}`"]
    for table in results["tables"]:
        columns = table["columns"]
        lines += ["", f"## {table['title']}", "", "| " + " | ".join(columns) + " |",
                  "|" + "|".join("---:" if _numeric(table, c) else "---" for c in columns) + "|"]
        for row in table["rows"]:
            lines.append("| " + " | ".join(_cell(row.get(c), table.get("digits")) for c in columns) + " |")
    if results.get("note"):
        lines += ["", results["note"]]
    return "\n".join(lines) + "\n"


def _numeric(table: dict[str, Any], column: str) -> bool:
    return all(isinstance(row.get(column), (int, float)) for row in table["rows"])


def _cell(value: Any, digits: int | None = None) -> str:
    """Ratios (0–1) with four decimals, percentages and scores with two, unless a table says."""
    if isinstance(value, float):
        return f"{value:.{digits if digits is not None else (4 if abs(value) <= 1 else 2)}f}"
    return "–" if value is None else str(value)


def render_markdown(results: dict[str, Any]) -> str:
    if "tables" in results:
        return render_tables(results)
    settings = ", ".join(f"{k}={v}" for k, v in results.get("settings", {}).items())
    lines = [
        f"# oversett evaluation {results['run_id']}",
        "",
        f"- models: {_models_line(results)}",
        f"- settings: {settings or '–'}",
        f"- source of outputs: {results.get('outputs', 'pipeline run')}",
    ]
    if "testset" in results:
        t = results["testset"]
        lines.append(f"- test set: {t['name']} {t['pair']} ({t['segments']} segments, {t['origin']})")
    else:
        lines.append(f"- documents: {', '.join(results.get('documents', []))}")
    lines += ["", "## Translation (corpus level over aligned segments)", "",
              "| system / baseline | BLEU | chrF | segments |", "|---|---:|---:|---:|"]
    for row in results["translation"]:
        lines.append(f"| {row['system']} | {row['bleu']:.2f} | {row['chrf']:.2f} | {row['segments']} |")
    for row in results.get("published", []):
        lines.append(f"| published: {row['system']} | {row['bleu']:.1f} | {row['chrf']:.1f} | – |")
    if results["translation"]:
        lines += ["", f"sacrebleu signatures: `{results['translation'][0]['bleu_signature']}`, "
                  f"`{results['translation'][0]['chrf_signature']}`"]
    if results.get("routes"):
        lines += ["", "## English → Nynorsk by each route (paired bootstrap against the first, 1000 samples)", "",
                  "| route | BLEU | chrF | p (BLEU) | p (chrF) |", "|---|---:|---:|---:|---:|"]
        for row in results["routes"]:
            p_bleu, p_chrf = (f"{row[k]:.4f}" if row.get(k) is not None else "–" for k in ("p_bleu", "p_chrf"))
            lines.append(f"| {row['system']} | {row['bleu']:.2f} | {row['chrf']:.2f} | {p_bleu} | {p_chrf} |")
    if results.get("checks"):
        codes = [k for k in results["checks"][0] if k not in ("system", "segments", "flagged")]
        lines += ["", "## Faithfulness checks (% of segments flagged, in all and by code)", "",
                  "| system | segments | flagged | " + " | ".join(codes) + " |",
                  "|---|---:|---:|" + "---:|" * len(codes)]
        for row in results["checks"]:
            lines.append(f"| {row['system']} | {row['segments']} | {row['flagged']:.2f} | "
                         + " | ".join(f"{row[c]:.2f}" for c in codes) + " |")
        lines += ["", "The reference line is the checks' false-alarm rate on human translations."]
    if results.get("summaries"):
        lines += ["", "## Summaries (ROUGE F1, best over the references, mean over documents)", "",
                  "| system / baseline | length | ROUGE-1 | ROUGE-2 | ROUGE-L | documents | references each |",
                  "|---|---|---:|---:|---:|---:|---:|"]
        for row in results["summaries"]:
            lines.append(
                f"| {row['system']} | {row['length']} | {row['rouge1']:.4f} | {row['rouge2']:.4f} | "
                f"{row['rougeL']:.4f} | {row['documents']} | {row['references_per_document']} |"
            )
        lines += ["", "ROUGE tokenizer: lower-cased words of any alphabet (æ, ø, å and accented letters "
                  "kept) and numbers; no stemming."]
    if results.get("note"):
        lines += ["", results["note"]]
    return "\n".join(lines) + "\n"


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if "tables" in results:
        _plot_tables(results, path, plt)
        return
    summaries = results.get("summaries", [])
    panels = 2 if summaries else 1
    figure, axes = plt.subplots(1, panels, figsize=(6 * panels, 4.2), squeeze=False)
    rows = results["translation"] + [
        {"system": f"published: {p['system']}", **p} for p in results.get("published", [])
    ]
    _bars(axes[0][0], [r["system"] for r in rows], {"BLEU": [r["bleu"] for r in rows], "chrF": [r["chrf"] for r in rows]},
          "Translation", 100)
    if summaries:
        labels = [f"{r['system']} ({r['length']})" for r in summaries]
        _bars(axes[0][1], labels, {k: [r[k] for r in summaries] for k in ("rouge1", "rouge2", "rougeL")},
              "Summaries (ROUGE F1)", 1)
    figure.suptitle(f"oversett evaluation {results['run_id']}", fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _bars(axis: Any, labels: list[str], series: dict[str, list[float]], title: str, top: float) -> None:
    width = 0.8 / len(series)
    for i, (name, values) in enumerate(series.items()):
        axis.bar([x + i * width for x in range(len(labels))], values, width, label=name)
    axis.set_xticks([x + width * (len(series) - 1) / 2 for x in range(len(labels))])
    axis.set_xticklabels([label if len(label) < 28 else label[:26] + "…" for label in labels], rotation=20,
                         ha="right", fontsize=7)
    axis.set_ylim(0, top)
    axis.set_title(title, fontsize=9)
    axis.legend(fontsize=7)


def _plot_tables(results: dict[str, Any], path: Path, plt: Any) -> None:
    tables = [t for t in results["tables"] if t.get("plot")]
    figure, axes = plt.subplots(len(tables), 1, figsize=(10, 4.2 * len(tables)), squeeze=False)
    for axis, table in zip(axes[:, 0], tables, strict=True):
        spec = table["plot"]
        labels = [" ".join(str(row[k]) for k in spec["label"]) for row in table["rows"]]
        series = {name: [row[name] for row in table["rows"]] for name in spec["values"]}
        _bars(axis, labels, series, table["title"][:90], spec["top"])
    figure.suptitle(f"oversett evaluation {results['run_id']}: {results['task']}", fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
