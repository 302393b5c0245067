"""Faithfulness checks of one (Norwegian source sentence, English translation) pair, with no
model: what a reader would notice is wrong. Each finding is an ``Issue``: a code and a short
message in plain words.

Codes:
- ``number``: a number, date, time, amount or percentage of the source is not in the
  translation (Norwegian forms understood: ``70.000`` = ``70,000``, ``4,5`` = ``4.5``,
  ``1,2 mrd.`` = ``1.2 billion``, ``kl. 3.49`` = ``3:49``, ``13. februar`` = ``February 13``);
- ``link``: a URL, e-mail address, @handle or #tag is not carried over verbatim;
- ``name``: a capitalised name of the source is missing (genitive -s and common exonyms such as
  Norge → Norway are allowed for);
- ``repetition``: a loop (a word, phrase or letters repeated over and over) the source does not have;
- ``length``: the translation is implausibly short or long for the source, or stops mid-sentence;
- ``untranslated``: the output is the source itself; ``empty``: there is no output;
- ``glossary``: the model lost a glossary term's placeholder (the pipeline adds the term at the
  end of the sentence and says so).

The length bounds were calibrated on the FLORES-200 devtest and NTREX-128 pairs (human
translations): as tight as they can be while the checks together flag at most 2 % of the good
Bokmål translations of either set (``oversett eval --task checks`` shows what looser bounds cost).

Each kind of check has its module (numbers, names, links, length, copies); what they know of a
language is in ``norwegian.py`` (the source) and ``english.py`` (the translation), the word-frequency
look-ups in ``lexicon.py``; ``sentence.check`` runs them all. Pure Python: imports only the domain.
"""

from __future__ import annotations

from .issue import CODES, Code, Issue
from .length import length_margin
from .sentence import check

__all__ = ["CODES", "Code", "Issue", "check", "length_margin"]
