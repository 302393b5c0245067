"""Build ``service/domain/checks/data/norwegian_case.txt``: how Norwegian writes its words in mid-sentence,
from gold text (Universal Dependencies dev treebanks, Bokmål and Nynorsk, and the NorSumm
articles in ``eval/data``). A word seen in lower case there is a common word; a word seen only
capitalised after a sentence's first word is a name. The faithfulness checks use it to tell a
name that opens a sentence (Kavanaugh sa …) from a common word that does (Regjeringen sa …).

Run ``python -m eval.lexicon`` after changing the data; the file is shipped with the service
(CC BY-SA 4.0, like the treebanks it comes from)."""

from __future__ import annotations

import re
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


def main() -> None:
    lower, names = lexicon(sentences())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(HEADER + "".join(f"{w}\n" for w in sorted(lower | names)), encoding="utf-8")
    print(f"{OUT}: {len(lower)} common words, {len(names)} names")


if __name__ == "__main__":
    main()
