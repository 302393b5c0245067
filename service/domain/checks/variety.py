"""The ``variety`` check: a translation asked for in Nynorsk that is written in Bokmål, or the
other way round. Each written form has common words the other never uses (Nynorsk ``ikkje``,
``eg``, ``kva``, ``frå``; Bokmål ``ikke``, ``jeg``, ``hva``, ``fra``); a translation is flagged
when it has at least ``MIN_MARKERS`` of the other form's and none of its own, so a sentence with
a quoted phrase or a shared spelling is not."""

from __future__ import annotations

import re

NYNORSK_MARKERS = frozenset({
    "ikkje", "eg", "kva", "kven", "korleis", "kvifor", "frå", "berre", "mykje", "vere", "vore", "dei",
    "eit", "ho", "noko", "nokon", "nokre", "sjølv", "sjå", "gjer", "gjekk", "saman", "heime", "vart",
    "vert", "verte", "vorte", "høyrer", "seier", "kjem", "fekk", "fleire", "kvar", "kvart", "kvarandre",
    "eigen", "eige", "eigne", "veit", "trur", "trudde", "òg", "medan", "kring", "ikring", "difor", "også",
}) - {"også"}
BOKMAL_MARKERS = frozenset({
    "ikke", "jeg", "hva", "hvem", "hvordan", "hvorfor", "fra", "bare", "mye", "være", "vært", "hun",
    "noe", "noen", "selv", "gjør", "gikk", "sammen", "hjemme", "ble", "blir", "blitt", "hører", "sier",
    "kommer", "fikk", "flere", "hver", "hvert", "hverandre", "egen", "eget", "egne", "vet", "tror",
    "trodde", "mens", "derfor", "hvis", "nå",
})
MIN_MARKERS = 2
NAMES = {"nb": "Bokmål", "nn": "Nynorsk"}


def markers(text: str) -> tuple[list[str], list[str]]:
    """The Nynorsk-only and the Bokmål-only words of a text."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    return [w for w in words if w in NYNORSK_MARKERS], [w for w in words if w in BOKMAL_MARKERS]


def variety_problem(translation: str, target: str) -> str | None:
    """Why the translation is in the other written form than ``target`` asked for, or None."""
    if target not in NAMES:
        return None
    nynorsk, bokmal = markers(translation)
    wanted, other = (nynorsk, bokmal) if target == "nn" else (bokmal, nynorsk)
    if len(set(other)) >= MIN_MARKERS and not wanted:
        written = "nb" if target == "nn" else "nn"
        return (
            f"The translation is in {NAMES[written]}, not {NAMES[target]} as asked "
            f"(it has {', '.join(sorted(set(other))[:4])})."
        )
    return None
