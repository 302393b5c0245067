"""How oversett handles real Norwegian text, measured with no model: language id, sentence
boundaries and the extractive selection, each against baselines (the checks are `checks_task.py`).

The data is the shipped Universal Dependencies dev sentences and the NorSumm dev split
(``eval/data``); ``--treebanks`` / ``--norsumm`` point at other files of the same shape (the
test splits, say).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rouge_score import rouge_scorer

from service.domain.errors import UnsupportedLanguage
from service.domain.extractive import extract
from service.domain.langid import LanguageDetector
from service.domain.presets import LENGTH_PRESETS
from service.domain.text import locate, segment

from .metrics import NordicTokenizer
from .testsets import DATA_DIR

TREEBANKS = DATA_DIR / "ud-dev"
NORSUMM = DATA_DIR / "norsumm" / "dev.json"
SUPPORTED = ("nb", "nn", "da", "sv")
REFUSED_LANGUAGES = ("de", "nl", "is", "fo", "fi", "es")
REFUSED = "refused"
OUTCOMES = ("nb", "nn", "da", "sv", "en", "zxx", REFUSED)
SEGMENTATION_LANGUAGES = ("nb", "nn")
PARAGRAPH_SENTENCES = 5
TERMINAL = re.compile(r"[.!?…][\"'»”’)\]]*$")
# The plain baseline: a boundary after . ! ? … (and closing quotes) before a capital or digit.
_REGEX_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'»”’)\]]*\s+(?=[\"'«“‘(\[–—-]*\s?[A-ZÆØÅÄÖÜÉ0-9])")


def treebank_documents(folder: Path, lang: str) -> list[list[str]]:
    """A treebank's sentences, grouped by document (blank lines)."""
    path = folder / f"{lang}.txt"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing (one sentence a line, blank lines between documents)")
    documents = path.read_text(encoding="utf-8").split("\n\n")
    return [[s.strip() for s in doc.splitlines() if s.strip()] for doc in documents if doc.strip()]


# --- language id -----------------------------------------------------------------------------


Identify = Callable[[str], str]


def oversett_langid(detector: LanguageDetector) -> Identify:
    def identify(text: str) -> str:
        try:
            return detector.detect(text).lang
        except UnsupportedLanguage:
            return REFUSED

    return identify


def lingua_alone() -> Identify:
    """The naive baseline: lingua's top language over all its languages, refused unless supported."""
    from lingua import Language, LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().build()
    codes = {Language.BOKMAL: "nb", Language.NYNORSK: "nn", Language.DANISH: "da",
             Language.SWEDISH: "sv", Language.ENGLISH: "en"}

    def identify(text: str) -> str:
        found = detector.detect_language_of(text)
        return "zxx" if found is None else codes.get(found, REFUSED)

    return identify


def langid_samples(folder: Path, lang: str, per_sample: int) -> list[str]:
    """Single sentences, or pairs of consecutive sentences of one document."""
    samples = []
    for document in treebank_documents(folder, lang):
        for start in range(0, len(document) - per_sample + 1, per_sample):
            samples.append(" ".join(document[start : start + per_sample]))
    return samples


def langid_rows(identify: Identify, folder: Path, system: str) -> tuple[list[dict[str, Any]], dict[str, Counter[str]]]:
    rows: list[dict[str, Any]] = []
    confusion: dict[str, Counter[str]] = {}
    for lang in SUPPORTED + REFUSED_LANGUAGES:
        for unit, per_sample in (("sentence", 1), ("pair", 2)):
            outcomes = Counter(identify(text) for text in langid_samples(folder, lang, per_sample))
            total = sum(outcomes.values())
            if unit == "sentence":
                confusion[lang] = outcomes
            expected = lang if lang in SUPPORTED else REFUSED
            rows.append({
                "system": system, "language": lang, "unit": unit, "samples": total,
                "accuracy": round(100 * outcomes[expected] / total, 2),
                "norwegian": round(100 * (outcomes["nb"] + outcomes["nn"]) / total, 2),
                "refused": round(100 * outcomes[REFUSED] / total, 2),
                "english": round(100 * outcomes["en"] / total, 2),
                "translated": round(100 * sum(outcomes[c] for c in SUPPORTED) / total, 2),
            })
    return rows, confusion


def run_langid(folder: Path = TREEBANKS, baseline: bool = True) -> dict[str, Any]:
    rows, confusion = langid_rows(oversett_langid(LanguageDetector()), folder, "oversett")
    if baseline:
        rows += langid_rows(lingua_alone(), folder, "baseline: lingua alone")[0]
    return {
        "task": "langid",
        "data": str(folder),
        "tables": [
            {
                "title": "Language id (% of samples; accuracy = right language for nb/nn/da/sv, refused for the others; "
                "norwegian = reported as Bokmål or Nynorsk)",
                "columns": ["system", "language", "unit", "samples", "accuracy", "norwegian", "refused", "english", "translated"],
                "rows": rows,
                "digits": 2,
                "plot": {"label": ["system", "language", "unit"], "values": ["refused", "english"], "top": 100},
            },
            {
                "title": "Confusion, single sentences (oversett; rows: true language, % of its sentences)",
                "columns": ["language", *OUTCOMES],
                "digits": 2,
                "rows": [
                    {"language": lang, **{o: round(100 * c[o] / max(1, sum(c.values())), 2) for o in OUTCOMES}}
                    for lang, c in confusion.items()
                ],
            },
        ],
    }


# --- sentence boundaries ------------------------------------------------------------------


Split = Callable[[str], list[str]]


def oversett_sentences(text: str) -> list[str]:
    return segment(text).sentences


def oversett_english_sentences(text: str) -> list[str]:
    return segment(text, "en").sentences


def regex_sentences(text: str) -> list[str]:
    return [s for s in _REGEX_BOUNDARY.split(text) if s]


def pysbd_splitter(language: str = "da") -> Split | None:
    """pySBD with its Danish (or ``language``'s) rules, when it is installed (an optional baseline)."""
    try:
        import pysbd
    except ImportError:
        return None
    segmenter = pysbd.Segmenter(language=language, clean=False)
    return lambda text: [s.strip() for s in segmenter.segment(text) if s.strip()]


def paragraphs(folder: Path, lang: str) -> Iterator[list[str]]:
    """Consecutive sentences of one document, ``PARAGRAPH_SENTENCES`` at a time."""
    for document in treebank_documents(folder, lang):
        for start in range(0, len(document), PARAGRAPH_SENTENCES):
            group = document[start : start + PARAGRAPH_SENTENCES]
            if len(group) > 1:
                yield group


_SENTENCE_BREAK = re.compile(r"[.!?…]+[\"'”’»)\]]*(\s+)(?=[\"“‘«(\[]*[A-ZÆØÅ0-9])")


def gold_sentences(english: str, norwegian: str) -> list[str]:
    """The sentences of one English test-set line. A line is most often one sentence, but not
    always ("… plaited. It can be hammered …"): where the plain break rule (terminal punctuation,
    space, capital) finds as many breaks in the English line as in its human Norwegian
    translation, two independent texts agree, and the line is split there; otherwise it is one
    sentence (so a break after "U.N." that the Norwegian does not have counts against the
    segmenter)."""
    breaks = [m.start(1) for m in _SENTENCE_BREAK.finditer(english)]
    if not breaks or len(breaks) != len(_SENTENCE_BREAK.findall(norwegian)):
        return [english]
    edges = [0, *breaks, len(english)]
    return [english[a:b].strip() for a, b in zip(edges, edges[1:], strict=False) if english[a:b].strip()]


def english_paragraphs(data_dir: Path = DATA_DIR) -> Iterator[list[str]]:
    """The English sides of FLORES-200 devtest and NTREX-128 (one line a segment, in document
    order), ``PARAGRAPH_SENTENCES`` consecutive lines at a time, as the treebanks are joined;
    each line split into its gold sentences (``gold_sentences``)."""
    for name in ("flores200-devtest", "ntrex128"):
        folder = data_dir / name
        english = folder.joinpath("eng.txt").read_text(encoding="utf-8").splitlines()
        norwegian = folder.joinpath("nob.txt").read_text(encoding="utf-8").splitlines()
        for start in range(0, len(english), PARAGRAPH_SENTENCES):
            group = [
                sentence
                for line, reference in zip(english[start : start + PARAGRAPH_SENTENCES], norwegian[start : start + PARAGRAPH_SENTENCES], strict=True)
                for sentence in gold_sentences(line.strip(), reference.strip())
            ]
            if len(group) > 1:
                yield group


def boundary_offsets(sentences: Sequence[str], text: str) -> set[int]:
    """Where each sentence but the last ends, as offsets into ``text``."""
    offsets = {end for _, end in locate(sentences, text)}
    offsets.discard(len(text.rstrip()))
    return offsets


def segmentation_row(split: Split, groups: Iterator[list[str]], lang: str, system: str) -> dict[str, Any]:
    found = missed = extra = terminal = terminal_found = 0
    for group in groups:
        text = " ".join(group)
        gold = boundary_offsets(group, text)
        predicted = boundary_offsets(split(text), text)
        found += len(gold & predicted)
        missed += len(gold - predicted)
        extra += len(predicted - gold)
        for sentence, offset in zip(group, sorted(gold), strict=False):
            if TERMINAL.search(sentence):
                terminal += 1
                terminal_found += offset in predicted
    precision = found / max(1, found + extra)
    recall = found / max(1, found + missed)
    return {
        "system": system, "language": lang, "boundaries": found + missed,
        "precision": round(precision, 4), "recall": round(recall, 4),
        "f1": round(2 * precision * recall / max(1e-9, precision + recall), 4),
        "recall_after_terminal": round(terminal_found / max(1, terminal), 4),
    }


def run_segmentation(folder: Path = TREEBANKS) -> dict[str, Any]:
    systems: list[tuple[str, Split]] = [("oversett", oversett_sentences), ("baseline: plain regex", regex_sentences)]
    pysbd = pysbd_splitter()
    if pysbd is not None:
        systems.append(("baseline: pySBD (da)", pysbd))
    rows = [
        segmentation_row(split, paragraphs(folder, lang), lang, name)
        for lang in SEGMENTATION_LANGUAGES for name, split in systems
    ]
    english: list[tuple[str, Split]] = [("oversett", oversett_english_sentences), ("baseline: plain regex", regex_sentences)]
    if pysbd is not None:
        english.append(("baseline: pySBD (en)", pysbd_splitter("en")))  # type: ignore[arg-type]
    rows += [
        segmentation_row(split, english_paragraphs(folder.parent), "en (FLORES + NTREX)", name) for name, split in english
    ]
    return {
        "task": "segmentation",
        "data": str(folder),
        "tables": [{
            "title": f"Sentence boundaries in paragraphs of {PARAGRAPH_SENTENCES} gold sentences joined by a space",
            "columns": ["system", "language", "boundaries", "precision", "recall", "f1", "recall_after_terminal"],
            "rows": rows,
            "plot": {"label": ["system", "language"], "values": ["precision", "recall_after_terminal"], "top": 1},
        }],
        "note": "recall_after_terminal: of the boundaries that follow . ! ? or …, the share found. "
        + ("" if pysbd else "pySBD is not installed, so its baseline is left out (pip install pysbd)."),
    }


# --- extractive selection -----------------------------------------------------------------


def norsumm_articles(path: Path = NORSUMM) -> list[dict[str, Any]]:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing (NorSumm JSON: id, article, summaries_nb)")
    return list(json.loads(path.read_text(encoding="utf-8")))


def article_text(article: str) -> str:
    """NorSumm's ``"title | paragraph | …"`` as a document: the title a first-line heading,
    paragraphs separated by blank lines (as a web article is pasted)."""
    return "\n\n".join(part.strip() for part in article.split(" | ") if part.strip())


def references(entry: dict[str, Any]) -> list[str]:
    return [" ".join(text.split()) for summary in entry["summaries_nb"] for text in summary.values()]


def mean_rouge(scorer: Any, candidate: str, refs: Sequence[str]) -> dict[str, float]:
    """ROUGE-1/2/L F1, the mean over the references (x100)."""
    scores = [scorer.score(ref, candidate) for ref in refs]
    return {k: 100 * sum(s[k].fmeasure for s in scores) / len(scores) for k in ("rouge1", "rouge2", "rougeL")}


def run_summary_selection(path: Path = NORSUMM) -> dict[str, Any]:
    articles = norsumm_articles(path)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=NordicTokenizer())
    rows = []
    for length, preset in LENGTH_PRESETS.items():
        totals: dict[str, Counter[str]] = {"oversett extractive": Counter(), "baseline: lead, same words": Counter()}
        words = 0
        for entry in articles:
            text = article_text(entry["article"])
            picked = " ".join(c.text for c in extract(text, "nb", preset.max_sentences, preset.max_words))
            count = len(picked.split())
            words += count
            lead = " ".join(text.split()[:count])
            refs = references(entry)
            totals["oversett extractive"].update(mean_rouge(scorer, picked, refs))
            totals["baseline: lead, same words"].update(mean_rouge(scorer, lead, refs))
        for system, total in totals.items():
            rows.append({
                "system": system, "length": length, "articles": len(articles),
                "words": round(words / len(articles), 1),
                **{k: round(v / len(articles), 2) for k, v in total.items()},
            })
    return {
        "task": "summary-selection",
        "data": str(path),
        "tables": [{
            "title": "Extractive selection on the Norwegian side (ROUGE F1 x100, mean over the three Bokmål references)",
            "columns": ["system", "length", "articles", "words", "rouge1", "rouge2", "rougeL"],
            "rows": rows,
            "digits": 2,
            "plot": {"label": ["system", "length"], "values": ["rouge1", "rouge2", "rougeL"], "top": 60},
        }],
        "note": "Unicode word tokenizer, lower-cased, no stemming. The lead baseline takes the first words of "
        "the article (title included) up to the number of words the system picked.",
    }
