"""Metrics: corpus BLEU and chrF (sacrebleu), ROUGE-1/2/L F1 (rouge-score) best over references."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import sacrebleu
from rouge_score import rouge_scorer, tokenizers

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


@dataclass(frozen=True)
class TranslationScore:
    bleu: float
    chrf: float
    bleu_signature: str
    chrf_signature: str
    segments: int


def translation_scores(hypotheses: Sequence[str], references: Sequence[str]) -> TranslationScore:
    """Corpus-level BLEU and chrF over aligned segments (one reference each)."""
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")
    bleu = sacrebleu.metrics.BLEU()
    chrf = sacrebleu.metrics.CHRF()
    refs = [list(references)]
    bleu_score = bleu.corpus_score(list(hypotheses), refs)
    chrf_score = chrf.corpus_score(list(hypotheses), refs)
    return TranslationScore(
        bleu=round(bleu_score.score, 2),
        chrf=round(chrf_score.score, 2),
        bleu_signature=str(bleu.get_signature()),
        chrf_signature=str(chrf.get_signature()),
        segments=len(hypotheses),
    )


class NordicTokenizer(tokenizers.Tokenizer):
    """Lower-cased words of any alphabet and numbers: rouge-score's default tokenizer keeps
    only a-z and 0-9, so 'blåbær' would become 'bl' and 'b' and 'r'."""

    _WORD = re.compile(r"[^\W_]+", re.UNICODE)

    def tokenize(self, text: str) -> list[str]:
        return self._WORD.findall(text.lower())


def rouge_scores(candidate: str, references: Sequence[str]) -> dict[str, float]:
    """ROUGE-1/2/L F1 of a summary, the best over several references."""
    if not references:
        raise ValueError("at least one reference is needed")
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=NordicTokenizer())
    best = scorer.score_multi(list(references), candidate)
    return {name: round(best[name].fmeasure, 4) for name in ROUGE_TYPES}


def paired_bootstrap(
    systems: dict[str, Sequence[str]], references: Sequence[str], samples: int = 1000
) -> dict[str, dict[str, float | None]]:
    """Each system against the first (the baseline) by sacrebleu's paired bootstrap resampling:
    the p-value of BLEU and of chrF for each (None for the baseline itself)."""
    from sacrebleu.significance import PairedTest

    refs = [list(references)]
    metrics = {"bleu": sacrebleu.metrics.BLEU(references=refs), "chrf": sacrebleu.metrics.CHRF(references=refs)}
    test = PairedTest([(name, list(out)) for name, out in systems.items()], metrics, references=None,
                      test_type="bs", n_samples=samples)
    _, results = test()
    names = results["System"]
    p_values: dict[str, dict[str, float | None]] = {name: {} for name in names}
    for key, values in results.items():
        if key == "System":
            continue
        metric = "bleu" if key.lower().startswith("bleu") else "chrf"
        for name, result in zip(names, values, strict=True):
            p_values[name][f"p_{metric}"] = None if result.p_value is None else round(float(result.p_value), 4)
    return p_values
