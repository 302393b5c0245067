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
