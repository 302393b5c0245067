"""The ``breakdown`` bench part on the tiny model: it serves real one-sentence requests in each
layout, compares each with bare CTranslate2 and says where a request's time went."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.backends.loading import ModelRef, convert_to_ctranslate2
from service.domain.timing import STEPS
from service.tools.bench import breakdown
from service.tools.bench.report import render_breakdown

SENTENCES = [
    "Det regner i Bergen i dag.",
    "Stoltenberg talte i Stockholm.",
    "Byen ligger øst i landet.",
    "Opplysningene er ikke bekreftet.",
] * 3


def test_breakdown_compares_each_layout_with_bare_ctranslate2_and_says_where_time_went(
    tiny_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ct2 = convert_to_ctranslate2(ModelRef(str(tiny_models["translator"]), "translation", "OVERSETT_TRANSLATOR"), tmp_path / "ct2", "int8")
    monkeypatch.setattr(breakdown, "ROUNDS", 2)
    said: list[str] = []
    chosen = {name: settings for name, settings in breakdown.layouts(2).items() if "second tries" not in name}
    result = breakdown.bench_breakdown(ct2, SENTENCES, 1, 8, 2, 4, tmp_path, said.append, chosen=chosen)
    assert [layout["layout"] for layout in result["layouts"]] == ["one batch on every core", "two batches side by side"]
    side_by_side = result["layouts"][1]["settings"]
    assert side_by_side["OVERSETT_CT2_INTER_THREADS"] == "2" and side_by_side["OVERSETT_THREADS"] == "1"
    for layout in result["layouts"]:
        assert layout["errors"] == 0
        assert len(layout["ratios"]) == 2 and layout["ratio"] in layout["ratios"] and layout["ratio"] > 0
        assert set(layout["steps_ms"]) == {*STEPS, "total"}
        assert layout["steps_ms"]["model"] > 0 and layout["serial_p50_ms"] > 0
    lines = render_breakdown(result)
    assert "bare batched ctranslate2" in lines[0]
    assert any(line.strip().startswith("two batches side by side (") and "median of" in line for line in lines)
    assert any("mean per request, ms" in line and "queue" in line and "http" in line for line in lines)
