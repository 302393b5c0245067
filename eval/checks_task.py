"""The faithfulness checks measured with no model: their false alarms on the human translations of
FLORES-200 devtest and NTREX-128 (both directions), their catch rate on seeded corruptions of
those translations (``corruptions.py``), and the variety check on each set's translation in the
written form not asked for."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from .testsets import DATA_DIR

SLACKS = (0.0, 0.05, 0.10, 0.15, 0.20)


def length_tradeoff(judged: dict[str, list[tuple[bool, float | None]]]) -> list[dict[str, Any]]:
    """For each slack: the share of each list flagged when a translation counts as too short
    ``slack`` (log ratio) sooner than the checks' bounds say. The trade-off of the one signal the
    checks have for dropped words: more caught costs more false alarms on every file."""

    def share(pairs: list[tuple[bool, float | None]], slack: float) -> float:
        hit = sum(flagged or (margin is not None and margin < slack) for flagged, margin in pairs)
        return round(100 * hit / max(1, len(pairs)), 2)

    return [
        {"slack": slack, **{("dropped words caught" if name == "dropped words" else name): share(pairs, slack)
                            for name, pairs in judged.items()}}
        for slack in SLACKS
    ]


def run_checks(data_dir: Path = DATA_DIR, seed: int = 7) -> dict[str, Any]:
    """The checks' false alarms on human translations (FLORES-200 devtest, NTREX-128) and their
    catch rate on corruptions of those translations (``eval/corruptions.py``, seeded)."""
    import random

    from service.domain.checks import CODES, check, length_margin

    from .corruptions import KINDS, corpus_names, corrupt

    alarms = []
    bokmal_pairs: list[tuple[str, str]] = []
    judged: dict[str, list[tuple[bool, float | None]]] = {}  # per file: (flagged, length margin) of each pair
    for testset in ("flores200-devtest", "ntrex128"):
        english = (data_dir / testset / "eng.txt").read_text(encoding="utf-8").splitlines()
        for side in ("nob", "nno"):
            sources = (data_dir / testset / f"{side}.txt").read_text(encoding="utf-8").splitlines()
            pairs = list(zip(sources, english, strict=True))
            if side == "nob":
                bokmal_pairs += pairs
            found = [check(s, e) for s, e in pairs]
            judged[f"{testset} {side}"] = [(bool(f), length_margin(*pair)) for f, pair in zip(found, pairs, strict=True)]
            codes = Counter(i.code for issues in found for i in issues)
            alarms.append({
                "test set": testset, "source": side, "pairs": len(pairs),
                "flagged": round(100 * sum(bool(f) for f in found) / len(pairs), 2),
                **{code: round(100 * codes[code] / len(pairs), 2) for code in CODES},
            })
    rng = random.Random(seed)
    catches = []
    names = corpus_names([source for source, _ in bokmal_pairs])
    for kind in KINDS:
        caught = tried = 0
        for source, english in bokmal_pairs:
            damaged = corrupt(kind, source, english, rng, names)
            if damaged is None:
                continue
            tried += 1
            flagged = bool(check(*damaged))
            caught += flagged
            if kind == "dropped words":
                judged[kind] = [*judged.get(kind, []), (flagged, length_margin(*damaged))]
        catches.append({"corruption": kind, "pairs": tried, "caught": round(100 * caught / max(1, tried), 2)})
    english_tables = checks_from_english(data_dir, seed)
    return {
        "task": "checks",
        "data": str(data_dir),
        "tables": [
            {
                "title": "False alarms: % of human translations flagged, in all and by code",
                "columns": ["test set", "source", "pairs", "flagged", *CODES],
                "rows": alarms,
                "digits": 2,
                "plot": {"label": ["test set", "source"], "values": ["flagged"], "top": 20},
            },
            {
                "title": "Catch rate: % of corrupted translations flagged (Bokmål sources, seeded corruptions)",
                "columns": ["corruption", "pairs", "caught"],
                "rows": catches,
                "digits": 2,
                "plot": {"label": ["corruption"], "values": ["caught"], "top": 100},
            },
            {
                "title": "What a looser length bound would buy: % flagged if the shortest plausible translation "
                "were this much longer (log ratio), dropped words caught vs good translations flagged",
                "columns": ["slack", "dropped words caught", *(name for name in judged if name != "dropped words")],
                "rows": length_tradeoff(judged),
                "digits": 2,
            },
            *english_tables,
        ],
        "note": "A flag on a human translation is a false alarm (a few are real: references that drop or "
        "change a name or number). Corruptions: drop or change one number; drop 30–50% of the words; drop "
        "the second half; insert a repeated phrase; copy the source; add a URL or e-mail to both sides and drop "
        "it; replace a name the source and translation share (wherever it stands; 'first word': a name that "
        "opens the sentence, by the corpus's own evidence that it is a name).",
    }


REVIEW = "checks-review.tsv"


def checks_review(data_dir: Path = DATA_DIR) -> dict[tuple[str, str, int], str]:
    """The verdicts on the lines the checks flag in the human translations of English sources
    ("deviation" or "false alarm"), by (test set, target file, 1-based line)."""
    path = data_dir / REVIEW
    if not path.exists():
        return {}
    verdicts = {}
    for row in path.read_text(encoding="utf-8").splitlines():
        if row and not row.startswith("#"):
            testset, side, line, verdict, _why = row.split("\t")
            verdicts[testset, side, int(line)] = verdict
    return verdicts


DOCUMENT_LINES = 5  # a short document: five lines of a test set, as the segmentation measure joins them


def checks_from_english(data_dir: Path = DATA_DIR, seed: int = 7) -> list[dict[str, Any]]:
    """The other direction: English sources and their human Bokmål and Nynorsk translations
    (NTREX was translated from English, so this is its natural direction). False alarms, the
    catch rate on the same corruptions, and the variety check: each set's Bokmål translation
    given as the answer to a Nynorsk request, and the other way round."""
    import random

    from service.domain.checks import CODES, check

    from .corruptions import KINDS, corpus_names, corrupt

    alarms, catches, variety = [], [], []
    review = checks_review(data_dir)
    files: dict[tuple[str, str], list[str]] = {}
    for testset in ("flores200-devtest", "ntrex128"):
        for side in ("eng", "nob", "nno"):
            files[testset, side] = (data_dir / testset / f"{side}.txt").read_text(encoding="utf-8").splitlines()
    for testset in ("flores200-devtest", "ntrex128"):
        for side, target in (("nob", "nb"), ("nno", "nn")):
            pairs = list(zip(files[testset, "eng"], files[testset, side], strict=True))
            found = [check(e, n, target) for e, n in pairs]
            codes = Counter(i.code for issues in found for i in issues)
            flagged = [line for line, issues in enumerate(found, 1) if issues]
            judged = [review.get((testset, side, line)) for line in flagged]
            deviations = sum(verdict == "deviation" for verdict in judged)
            alarms.append({
                "test set": testset, "target": side, "pairs": len(pairs),
                "flagged": round(100 * len(flagged) / len(pairs), 2),
                "deviations": round(100 * deviations / len(pairs), 2),
                "false alarms": round(100 * (len(flagged) - deviations) / len(pairs), 2),
                "unreviewed": sum(verdict is None for verdict in judged),
                **{code: round(100 * codes[code] / len(pairs), 2) for code in CODES},
            })
            other = "nno" if side == "nob" else "nob"
            wrong = [check(e, n, target) for e, n in zip(files[testset, "eng"], files[testset, other], strict=True)]
            flagged = [any(i.code == "variety" for i in f) for f in wrong]
            documents = [flagged[at : at + DOCUMENT_LINES] for at in range(0, len(flagged), DOCUMENT_LINES)]
            variety.append({
                "test set": testset, "asked for": target, "given": other, "pairs": len(wrong),
                "caught": round(100 * sum(flagged) / len(wrong), 2),
                "documents caught": round(100 * sum(any(d) for d in documents) / len(documents), 2),
            })
    rng = random.Random(seed)
    bokmal = [
        pair for testset in ("flores200-devtest", "ntrex128")
        for pair in zip(files[testset, "eng"], files[testset, "nob"], strict=True)
    ]
    names = corpus_names([english for english, _ in bokmal])
    for kind in KINDS:
        caught = tried = 0
        for english, norwegian in bokmal:
            damaged = corrupt(kind, english, norwegian, rng, names)
            if damaged is None:
                continue
            tried += 1
            caught += bool(check(*damaged, "nb"))
        catches.append({"corruption": kind, "pairs": tried, "caught": round(100 * caught / max(1, tried), 2)})
    return [
        {
            "title": "English sources, false alarms: % of human Bokmål / Nynorsk translations flagged, in all and by code; "
            "of the flagged, the deviations of the human translation and the false alarms, as judged by hand "
            "(eval/data/checks-review.tsv; a flag not judged there counts as a false alarm)",
            "columns": ["test set", "target", "pairs", "flagged", "deviations", "false alarms", "unreviewed", *CODES],
            "rows": alarms,
            "digits": 2,
            "plot": {"label": ["test set", "target"], "values": ["flagged"], "top": 20},
        },
        {
            "title": "English sources, catch rate: % of corrupted Bokmål translations flagged (seeded corruptions)",
            "columns": ["corruption", "pairs", "caught"],
            "rows": catches,
            "digits": 2,
            "plot": {"label": ["corruption"], "values": ["caught"], "top": 100},
        },
        {
            "title": "Variety: % of answers in the other written form flagged (the human translation in the form not asked "
            f"for), as sentences and as documents of {DOCUMENT_LINES} lines with a sentence flagged",
            "columns": ["test set", "asked for", "given", "pairs", "caught", "documents caught"],
            "rows": variety,
            "digits": 2,
        },
    ]
