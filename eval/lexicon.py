"""Build ``service/domain/checks/data/norwegian_case.txt`` (and ``variety_words.txt``, below): how
Norwegian writes its words in mid-sentence, from gold text (Universal Dependencies dev treebanks, Bokmål and Nynorsk, and the NorSumm
articles in ``eval/data``). A word seen in lower case there is a common word; a word seen only
capitalised after a sentence's first word is a name. The faithfulness checks use it to tell a
name that opens a sentence (Kavanaugh sa …) from a common word that does (Regjeringen sa …).

Run ``python -m eval.lexicon`` after changing the data; the file is shipped with the service
(CC BY-SA 4.0, like the treebanks it comes from)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from .testsets import DATA_DIR
from .text_tasks import norsumm_articles, treebank_documents

OUT = Path(__file__).resolve().parent.parent / "service" / "domain" / "checks" / "data" / "norwegian_case.txt"
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_OPENING = " «\"“‘'(–—-"
HEADER = """\
# How Norwegian writes these words after a sentence's first word: a lower-case line is a common
# word, a capitalised line a name. Built by `python -m eval.lexicon` from the Universal
# Dependencies dev treebanks UD_Norwegian-Bokmaal and UD_Norwegian-Nynorsk (CC BY-SA 4.0, the UD
# project and the treebanks' authors) and the NorSumm dev articles (CC0, Touileb et al.).
# This file is shared under CC BY-SA 4.0.
"""


def sentences(data_dir: Path = DATA_DIR) -> Iterator[str]:
    for name in ("nb", "nn"):
        for document in treebank_documents(data_dir / "ud-dev", name):
            yield from document
    for article in norsumm_articles(data_dir / "norsumm" / "dev.json"):
        # "title | body": the title is a sentence of its own.
        yield from re.split(r"(?<=[.!?»])\s+(?=[«\"A-ZÆØÅ])", article["article"].replace(" | ", ". "))


def lexicon(lines: Iterable[str]) -> tuple[set[str], set[str]]:
    """(words seen in lower case, words seen only capitalised in mid-sentence)."""
    lower: set[str] = set()
    capitalised: set[str] = set()
    for line in lines:
        for match in _WORD.finditer(line):
            word = match.group()
            before = line[: match.start()].rstrip(_OPENING)
            first = not before or before[-1] in ".!?:;"
            if word.islower():
                lower.add(word)
            elif word[0].isupper() and not first and not word.isupper():
                capitalised.add(word)
    return lower, {w for w in capitalised if w.lower() not in lower}


VARIETY_OUT = OUT.parent / "variety_words.txt"
VARIETY_HEADER = """\
# Words only one written form of Norwegian uses: each line is "nb WORD" or "nn WORD", a word written
# in lower case in one Universal Dependencies dev treebank (UD_Norwegian-Bokmaal, UD_Norwegian-Nynorsk;
# CC BY-SA 4.0, the UD project and the treebanks' authors) so often that the other, for its size,
# would have it 2.5 times if it used it, and never in the other. Built by `python -m eval.lexicon`; the `variety` check counts them. This file is shared
# under CC BY-SA 4.0.
"""
VARIETY_MIN = 2.5  # expected this often in the other form's text (scaled by size), yet never seen there


def variety_words(bokmal: Iterable[str], nynorsk: Iterable[str], least: int = VARIETY_MIN) -> dict[str, set[str]]:
    """The words written in lower case in one form's text often enough that the other text, for
    its size, would have them ``least`` times if it used them, and never in the other's:
    {"nb": …, "nn": …}."""
    counts = {}
    for form, lines in (("nb", bokmal), ("nn", nynorsk)):
        counts[form] = Counter(m.group() for line in lines for m in _WORD.finditer(line) if m.group().islower())
    sizes = {form: sum(count.values()) for form, count in counts.items()}
    # seen often enough that the other text, for its size, would have it too if it used it
    return {
        form: {
            w for w, n in counts[form].items()
            if len(w) > 1 and w not in counts[other] and n * sizes[other] / sizes[form] >= least
        }
        for form, other in (("nb", "nn"), ("nn", "nb"))
    }


def treebank_sentences(name: str, data_dir: Path = DATA_DIR) -> list[str]:
    return [s for document in treebank_documents(data_dir / "ud-dev", name) for s in document]


def variety_text(words: dict[str, set[str]]) -> str:
    return VARIETY_HEADER + "".join(f"{form} {w}\n" for form in ("nb", "nn") for w in sorted(words[form]))


ENGLISH_OUT = OUT.parent / "english_case.txt"
ENGLISH_DICTIONARIES = (Path("/usr/share/dict/american-english"), Path("/usr/share/dict/british-english"))
ENGLISH_HEADER = """\
# How English writes these words: a lower-case line is a common word, a capitalised line a name that
# English writes only so (Ingrid, Esperanto, Columbus). From SCOWL (Spell Checker Oriented Word Lists,
# Copyright 2000-2011 Kevin Atkinson; permission to use, copy, modify, distribute and sell is granted,
# with this notice; parts are public domain), as Debian's wamerican and wbritish ship it; common words
# as common as wordfreq's Zipf 1.5 in English. Built by `python -m eval.lexicon` (apt-get install
# wamerican wbritish). The name check reads it to tell a name that opens an English sentence
# (Ingrid missed the bus) from a word that does (Many missed the bus).
"""
ENGLISH_COMMON_ZIPF = 1.5


def english_case(dictionaries: Iterable[Path] = ENGLISH_DICTIONARIES) -> tuple[set[str], set[str]]:
    """(common English words, names English writes only capitalised), from SCOWL's word lists."""
    from wordfreq import zipf_frequency

    words = {w for path in dictionaries for w in path.read_text(encoding="utf-8").split() if "'" not in w}
    lower = {w for w in words if w.islower()}
    names = {w for w in words if w[:1].isupper() and not w.isupper() and w.lower() not in lower}
    return {w for w in lower if zipf_frequency(w, "en") >= ENGLISH_COMMON_ZIPF}, names


def main() -> None:
    if all(path.exists() for path in ENGLISH_DICTIONARIES):
        common, proper = english_case()
        ENGLISH_OUT.write_text(ENGLISH_HEADER + "".join(f"{w}\n" for w in sorted(common | proper)), encoding="utf-8")
        print(f"{ENGLISH_OUT}: {len(common)} common words, {len(proper)} names")
    else:
        print(f"{ENGLISH_OUT}: left as it is (apt-get install wamerican wbritish to build it again)")
    lower, names = lexicon(sentences())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(HEADER + "".join(f"{w}\n" for w in sorted(lower | names)), encoding="utf-8")
    print(f"{OUT}: {len(lower)} common words, {len(names)} names")
    words = variety_words(treebank_sentences("nb"), treebank_sentences("nn"))
    VARIETY_OUT.write_text(variety_text(words), encoding="utf-8")
    print(f"{VARIETY_OUT}: {len(words['nb'])} Bokmål words, {len(words['nn'])} Nynorsk words")


if __name__ == "__main__":
    main()
