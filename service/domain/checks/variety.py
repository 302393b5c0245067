"""The ``variety`` check: a translation asked for in Nynorsk that is written in Bokmål, or the
other way round. Each written form has words the other never uses: a short list of common ones
(Nynorsk ``ikkje``, ``eg``, ``kva``, ``frå``; Bokmål ``ikke``, ``jeg``, ``hva``, ``fra``) and the
words the Universal Dependencies treebanks of one form write at least three times and the other
never (``data/variety_words.txt``: Bokmål ``regjeringen``, ``tidligere``, ``verden``; Nynorsk
``regjeringa``, ``tidlegare``, ``verda``). A translation is flagged when it has at least
``MIN_MARKERS`` of the other form's words and more than ``OUTNUMBER`` times as many as of its own,
so a sentence with a quoted phrase or a shared spelling is not."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

NYNORSK_MARKERS = frozenset({
    "ikkje", "eg", "kva", "kven", "korleis", "kvifor", "frå", "berre", "mykje", "vere", "vore", "dei",
    "eit", "ho", "noko", "nokon", "nokre", "sjølv", "sjå", "gjer", "gjekk", "saman", "heime", "vart",
    "vert", "verte", "vorte", "høyrer", "seier", "kjem", "fekk", "fleire", "kvar", "kvart", "kvarandre",
    "eigen", "eige", "eigne", "veit", "trur", "trudde", "òg", "medan", "kring", "ikring", "difor", "også",
}) - {"også"}
# (not blir, blitt, mens or derfor: Nynorsk writes them too)
BOKMAL_MARKERS = frozenset({
    "ikke", "jeg", "hva", "hvem", "hvordan", "hvorfor", "fra", "bare", "mye", "være", "vært", "hun",
    "noe", "noen", "selv", "gjør", "gikk", "sammen", "hjemme", "ble", "hører", "sier",
    "kommer", "fikk", "flere", "hver", "hvert", "hverandre", "egen", "eget", "egne", "vet", "tror",
    "trodde", "hvis", "nå",
})
MIN_MARKERS = 2
OUTNUMBER = 2
NAMES = {"nb": "Bokmål", "nn": "Nynorsk"}


@lru_cache(maxsize=1)
def treebank_words() -> dict[str, frozenset[str]]:
    """The words one form's treebank writes and the other's never (built by ``python -m eval.lexicon``)."""
    found: dict[str, set[str]] = {"nb": set(), "nn": set()}
    for line in (Path(__file__).parent / "data" / "variety_words.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            form, word = line.split(" ", 1)
            found[form].add(word)
    return {form: frozenset(words) for form, words in found.items()}


def markers(text: str) -> tuple[list[str], list[str]]:
    """The Nynorsk-only and the Bokmål-only words of a text."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text)]
    nynorsk, bokmal = NYNORSK_MARKERS | treebank_words()["nn"], BOKMAL_MARKERS | treebank_words()["nb"]
    return [w for w in words if w in nynorsk], [w for w in words if w in bokmal]


def variety_problem(translation: str, target: str) -> str | None:
    """Why the translation is in the other written form than ``target`` asked for, or None."""
    if target not in NAMES:
        return None
    nynorsk, bokmal = markers(translation)
    wanted, other = (nynorsk, bokmal) if target == "nn" else (bokmal, nynorsk)
    if len(set(other)) >= MIN_MARKERS and len(other) > OUTNUMBER * len(wanted):
        written = "nb" if target == "nn" else "nn"
        return (
            f"The translation is in {NAMES[written]}, not {NAMES[target]} as asked "
            f"(it has {', '.join(sorted(set(other))[:4])})."
        )
    return None
