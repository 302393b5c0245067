"""Extractive summaries: pick a document's most summary-worthy body sentences, in document order.

Sentences are scored by a blend of position (news puts the gist first) and centrality (TextRank:
PageRank over TF-IDF cosine similarity); sentences under eight words count half (they are
usually quotes, questions or fragments). They are then picked by maximal marginal relevance: a
sentence that repeats one already picked loses part of its score. Lines that are not body text
(photo captions, bylines, one-line headings, lead-ins to embedded media) are never candidates.
The weights were tuned on the NorSumm dev split (``oversett eval --task summary-selection``);
using the headline as a query was tried there and did not help.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .text import segment

# Common function words of Bokmål and Nynorsk: they say nothing about what a sentence is about.
NORWEGIAN_STOP_WORDS: frozenset[str] = frozenset(
    """
    og i jeg det at en et den til er som på de med han av ikke ikkje der så var meg seg men ett
    har om vi min mitt ha hadde hun ho nå no over da når ved fra frå du ut sin dem oss opp man
    kan hans hvor kor eller hva kva skal selv sjøl sjølv her alle vil bli ble blei blitt kunne
    inn hvem kven dere deres ingen noen nokon noe noko ville dette denne disse desse dei deg
    fordi før etter også også mot mellom under hos mer meir enn bare berre kom kommer sier sa
    seier både hvis viss samme same slik sånn sine sitt sitt vart vore være vere vært hatt dit
    hit da då hennes hennar henne uten utan blant hvorfor korleis hvordan mange mye mykje
    siden sidan fordi mens medan eit ein eitt ei
    """.split()
)

_PARAGRAPH_BREAK = re.compile(r"(?:\r\n|\r|\n)[ \t\u00a0]*(?:\r\n|\r|\n)\s*")
_SENTENCE_END = re.compile(r"[.!?…][\"'»”’)]*\s*$")
_CAPTION = re.compile(
    r"\b(?:foto|fotos|illustrasjonsfoto|illustrasjon|skjermdump|skjermbilde|grafikk|video)\s*:",
    re.IGNORECASE,
)
_CAPS_LABEL = re.compile(r"^[A-ZÆØÅ]{3,}[A-ZÆØÅ ]*:")  # "TITTER: ..." caption labels
_WORD_LABEL = re.compile(r"^[A-ZÆØÅ][\wæøå-]+: ")  # "Spøkelsesby: Dronebilder ..."
_BYLINE = re.compile(
    r"^(?:av|tekst|tekst og foto|publisert|oppdatert|sist oppdatert|kilde)\b[\s:]", re.IGNORECASE
)
_EMAIL = re.compile(r"\S+@\S+\.\w+")

HEADING_MAX_WORDS = 15
BYLINE_MAX_WORDS = 12
LEAD_WEIGHT = 0.6  # share of the score that comes from position
LEAD_SCALE = 4.0  # sentence i gets a lead prior of 1 / (1 + i / LEAD_SCALE)
SHORT_SENTENCE_WORDS = 8  # shorter sentences count half
REDUNDANCY_WEIGHT = 0.25  # MMR: score minus this × the highest similarity to a picked sentence
DAMPING = 0.85


@dataclass(frozen=True)
class Candidate:
    position: int  # index among the document's body sentences
    text: str


def is_body(paragraph: str) -> bool:
    """False for captions, bylines, headings and lead-ins (see module docstring)."""
    stripped = paragraph.strip()
    words = len(stripped.split())
    single_line = "\n" not in stripped and "\r" not in stripped
    if _CAPTION.search(stripped) or _CAPS_LABEL.match(stripped) or _EMAIL.search(stripped):
        return False
    if _BYLINE.match(stripped) and words <= BYLINE_MAX_WORDS:
        return False
    if single_line and words <= HEADING_MAX_WORDS and not _SENTENCE_END.search(stripped):
        return False  # a heading, or a lead-in ending in ":" to a video or list
    if single_line and stripped.endswith(":"):
        return False
    if _WORD_LABEL.match(stripped) and len(segment(stripped).sentences) == 1:
        return False  # a labelled photo caption
    return True


def body_sentences(text: str) -> list[Candidate]:
    """The sentences of the document's body paragraphs, in document order."""
    sentences = [
        sentence
        for paragraph in _PARAGRAPH_BREAK.split(text)
        if paragraph.strip() and is_body(paragraph)
        for sentence in segment(paragraph).sentences
    ]
    return [Candidate(i, s) for i, s in enumerate(sentences)]


def similarities(sentences: Sequence[str], stop_words: frozenset[str] | str | None) -> np.ndarray:
    """TF-IDF cosine similarity between sentences (zero diagonal); zeros when nothing overlaps."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    count = len(sentences)
    vectorizer = TfidfVectorizer(
        lowercase=True,
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w\w+\b",
        stop_words=sorted(stop_words) if isinstance(stop_words, frozenset) else stop_words,
    )
    try:
        matrix = vectorizer.fit_transform(sentences)
    except ValueError:  # nothing but stop words and numbers
        return np.zeros((count, count))
    similarity = (matrix @ matrix.T).toarray()
    np.fill_diagonal(similarity, 0.0)
    return similarity


def centrality(similarity: np.ndarray) -> np.ndarray:
    """TextRank scores (sum to 1); uniform when nothing overlaps."""
    count = similarity.shape[0]
    if count == 0:
        return np.zeros(0)
    if not similarity.any():
        return np.full(count, 1.0 / count)
    return pagerank(similarity)


def pagerank(weights: np.ndarray, damping: float = DAMPING, iterations: int = 200) -> np.ndarray:
    """PageRank of a weighted graph; rows without edges spread evenly."""
    count = weights.shape[0]
    row_sums = weights.sum(axis=1, keepdims=True)
    transition = np.where(row_sums > 0, weights / np.where(row_sums > 0, row_sums, 1), 1.0 / count)
    scores = np.full(count, 1.0 / count)
    for _ in range(iterations):
        updated = (1 - damping) / count + damping * transition.T @ scores
        if np.abs(updated - scores).sum() < 1e-10:
            return updated
        scores = updated
    return scores


@dataclass(frozen=True)
class Ranking:
    scores: np.ndarray  # higher is more summary-worthy
    similarity: np.ndarray  # between sentences, for redundancy


def rank(sentences: Sequence[str], language: str) -> Ranking:
    """Blend of a lead prior and centrality (scaled to max 1); short sentences count half."""
    stop_words: frozenset[str] | str = "english" if language == "en" else NORWEGIAN_STOP_WORDS
    similarity = similarities(sentences, stop_words) if sentences else np.zeros((0, 0))
    central = centrality(similarity)
    if central.size == 0:
        return Ranking(central, similarity)
    central = central / central.max()
    lead = 1.0 / (1.0 + np.arange(len(sentences)) / LEAD_SCALE)
    scores = LEAD_WEIGHT * lead + (1 - LEAD_WEIGHT) * central
    short = np.array([len(s.split()) < SHORT_SENTENCE_WORDS for s in sentences])
    return Ranking(np.where(short, scores / 2, scores), similarity)


def select(
    candidates: Sequence[Candidate], ranking: Ranking, max_sentences: int, max_words: int
) -> list[Candidate]:
    """Sentences by maximal marginal relevance within the sentence and word budgets, in
    document order. The first pick is always taken, even when it alone is over the word budget."""
    remaining = set(range(len(candidates)))
    chosen: list[int] = []
    words = 0
    while remaining and len(chosen) < max_sentences:
        best = max(remaining, key=lambda i: (_marginal(ranking, i, chosen), -i))
        remaining.discard(best)
        length = len(candidates[best].text.split())
        if chosen and words + length > max_words:
            continue
        chosen.append(best)
        words += length
    return [candidates[i] for i in sorted(chosen)]


def _marginal(ranking: Ranking, index: int, chosen: list[int]) -> float:
    redundancy = max((ranking.similarity[index, j] for j in chosen), default=0.0)
    return float(ranking.scores[index] - REDUNDANCY_WEIGHT * redundancy)


def extract(text: str, language: str, max_sentences: int, max_words: int) -> list[Candidate]:
    """The extractive summary of a document as source sentences; falls back to every
    sentence when the document has no body paragraphs (a list of headings, say)."""
    candidates = body_sentences(text) or [
        Candidate(i, s) for i, s in enumerate(segment(text).sentences)
    ]
    return select(candidates, rank([c.text for c in candidates], language), max_sentences, max_words)
