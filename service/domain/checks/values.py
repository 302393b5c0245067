"""How the checks write the values a number may stand for, shared by the languages' readers:
plain values, months as negative numbers (so 3 matches March), converted units below -1e12 (matched
within 20 %), and ``ONE`` for a 1 that a word (a, an, one, single) may say."""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

ONE = -2e12  # "1" may be "a", "an", "one" or "single"
