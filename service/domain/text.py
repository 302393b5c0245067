"""Layout-preserving segmentation: a document becomes layout and sentences, and back.

Only sentence text goes to a model. Everything else (line breaks, blank lines, indentation,
list markers, dialogue dashes, spaces between sentences) is kept as layout and put back
byte for byte, so ``Document.render(doc.sentences)`` returns the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Norwegian abbreviations that end in a full stop (lower case, without the final dot; written
# forms with inner dots are matched as a whole token). Whether the full stop also ends the
# sentence is decided by context:
# - LEADING ones stand before what they qualify (titles, "f.eks.", "ca.", "kl.", "nr."): never
#   a sentence end;
# - TRAILING ones end a phrase and often a sentence ("osv.", "mill. kr.", "før jul.", and words
#   such as "min", "man", "tor" that are ordinary words as well): a sentence end when a capital
#   letter follows, not when a digit or a lower-case word does.
LEADING_ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "f.eks", "bl.a", "bl.annet", "ca", "nr", "kl", "dvs", "d.v.s", "jf", "jfr", "pga", "p.g.a",
        "evt", "ev", "inkl", "ekskl", "s.k", "såk", "vs", "mht", "m.h.t", "iflg", "ift", "i.e",
        "tlf", "adr", "avd", "dr", "prof", "stud", "sml", "kap", "pkt", "ref", "hr", "fru", "sr",
        "jr", "mr", "mrs", "ms", "gen", "oberst", "bd", "årg", "vol", "utg", "overs", "anm",
        "forf", "innb", "t.o.m", "f.o.m", "o.a", "fr", "f", "m.a", "f.v", "t.d",
        "adv", "cand", "ass", "konst", "fung", "stip",  # before a title or a name: adv. Hansen
    }
)
TRAILING_ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "mill", "mrd", "osv", "m.m", "mm", "m.fl", "mfl", "o.l", "ol", "e.l", "el", "etc", "mv",
        "m.v", "kr", "km", "min", "sek", "st", "str", "red", "ark", "eks", "forts", "ed", "kv",
        "jan", "feb", "febr", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "des",
        "man", "tir", "ons", "tor", "fre", "lør", "søn",
    }
)

# English, the same way: titles and "e.g." lead; "etc.", "Inc.", "U.S.", "a.m." may end a sentence.
ENGLISH_LEADING_ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "mr", "mrs", "ms", "mx", "dr", "prof", "rev", "hon", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm",
        "gov", "sen", "rep", "pres", "supt", "det", "insp", "fr", "sr", "mt", "ft", "e.g", "i.e", "cf", "vs",
        "approx", "ca", "fig", "figs", "vol", "ch", "pp", "p", "para", "sec", "art", "ed", "eds", "est", "dept",
        "univ", "assn", "bros", "messrs", "mme", "mlle", "op", "viz", "sens", "reps", "govs", "v",
        # country initials stand before a name far more often than they end a sentence ("U.S. President")
        "u.s", "us", "u.k", "u.n", "e.u",
    }
)
ENGLISH_TRAILING_ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "etc", "jr", "inc", "ltd", "co", "corp", "plc", "llc", "u.s.a", "a.m", "p.m",
        "st", "ave", "rd", "blvd", "al", "et al", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
        "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun", "no", "nos",
        "km", "kg", "lb", "lbs", "oz", "mi", "min", "hr", "hrs", "sq", "mph", "bn", "mn",
    }
)
# English abbreviations that are English words in lower case (us, det, art, sun): abbreviations only
# as abbreviations are written, capitalised ("U.S." or "US", "Det. Smith", "Art. 5").
_ENGLISH_WORDS_TOO = frozenset({"us", "det", "art", "sat", "sun", "mar", "min", "no", "sec", "est", "op", "ed", "fig", "co"})
# Given names abbreviated before the full name (Chr. Michelsen, Th. Kittelsen, Wm. Shakespeare): no
# sentence ends there when a capitalised word follows. (Not a rule on any short capitalised word:
# party names end sentences, "… enn Frp. Samtidig …".)
GIVEN_NAME_ABBREVIATIONS: frozenset[str] = frozenset(
    {"chr", "th", "wm", "joh", "jac", "chas", "thos", "jos", "edw", "benj", "saml", "fredr"}
)
# No abbreviation of these stands before a number ("No. 5", "pp. 12"): before a digit they lead.
_BEFORE_NUMBERS = frozenset({"no", "nos", "p", "pp", "vol", "ch", "fig", "art", "sec", "para"})

MONTHS: frozenset[str] = frozenset(
    {
        "januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
        "oktober", "november", "desember",
    }
)

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_LINE_BREAK = re.compile(r"(?:\r\n|\r|\n)\Z")
# A line's leading layout: indentation, then a list marker or a dialogue dash.
_MARKER = re.compile(r"(?P<indent>[ \t\u00a0]*)(?P<marker>(?:[-*•–—]|\d{1,3}[.)])[ \t\u00a0]+)?")
_NUMBERED = re.compile(r"\d{1,3}[.)]")
# A candidate sentence end: terminal punctuation, closing quotes/brackets, then white space.
_BOUNDARY = re.compile(r"[.!?…]+[\"'»”’)\]]*(?P<space>\s+)")
_WORD_BEFORE = re.compile(r"(\S+)\Z")
_INLINE_DASH = re.compile(r"[–—-][ \t\u00a0]*(?=[\"'«“‘(\[]*[A-ZÆØÅÄÖÜÉÈ0-9])")
# What may open a sentence: quotes and brackets, a dialogue dash (with or without a space
# after it, "… sier han. - Vi har …"), then a capital letter or a digit.
_SENTENCE_START = re.compile(r"[\"'«“‘(\[]*(?:[–—-]\s?)?[\"'«“‘(\[]*\s?[A-ZÆØÅÄÖÜÉÈ0-9]")


@dataclass(frozen=True)
class Piece:
    """A run of the document: layout to keep as it is, or a sentence to translate."""

    text: str
    is_sentence: bool


@dataclass(frozen=True)
class Document:
    """A document as an ordered list of pieces; the pieces joined give the original text."""

    pieces: tuple[Piece, ...]

    @property
    def sentences(self) -> list[str]:
        return [p.text for p in self.pieces if p.is_sentence]

    def render(self, translations: Sequence[str]) -> str:
        """Put translated sentences back into the original layout."""
        count = sum(p.is_sentence for p in self.pieces)
        if count != len(translations):
            raise ValueError(f"expected {count} translations, got {len(translations)}")
        sentences = iter(translations)
        return "".join(next(sentences) if p.is_sentence else p.text for p in self.pieces)


def locate(sentences: Sequence[str], text: str) -> list[tuple[int, int]]:
    """Where each sentence stands in ``text`` (start, end), searching in order; a sentence not
    found is left out."""
    spans: list[tuple[int, int]] = []
    position = 0
    for sentence in sentences:
        at = text.find(sentence, position)
        if at < 0:
            continue
        position = at + len(sentence)
        spans.append((at, position))
    return spans


def normalise_source(text: str) -> str:
    """The form of a sentence that is translated and cached: NFC, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def segment(text: str, lang: str = "nb") -> Document:
    """Split a document into layout and sentences (see module docstring); ``lang`` picks the
    abbreviations (English's for ``en``, Norwegian's otherwise)."""
    pieces: list[Piece] = []
    for line in _LINE.findall(text):
        if line:
            pieces.extend(_segment_line(line, lang))
    return Document(tuple(_merge_layout(pieces)))


def _segment_line(line: str, lang: str = "nb") -> list[Piece]:
    body = _LINE_BREAK.sub("", line)
    ending = line[len(body):]
    content = body.strip()
    if not content:
        return [Piece(line, False)]
    lead = _leading_layout(body)
    trail_start = len(body.rstrip())
    pieces = [Piece(lead, False)] if lead else []
    pieces.extend(_split_sentences(body[len(lead):trail_start], lang))
    pieces.append(Piece(body[trail_start:] + ending, False))
    return [p for p in pieces if p.text]


def _leading_layout(body: str) -> str:
    match = _MARKER.match(body)
    assert match is not None  # the pattern matches the empty string
    marker = match.group("marker")
    if marker and _NUMBERED.match(marker):
        rest = body[match.end():]
        first_word = rest.split(maxsplit=1)[0].lower() if rest.strip() else ""
        if first_word.strip(",.") in MONTHS:  # "6. mars ..." is a date, not a list item
            return match.group("indent")
    if marker and not body[match.end():].strip():
        return match.group("indent")  # a lone "-" line is text, not a marker
    return match.group(0)


def _split_sentences(text: str, lang: str = "nb") -> list[Piece]:
    pieces: list[Piece] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end_of_sentence = match.start("space")
        following = text[match.end():]
        if not following or not _is_sentence_end(text[start:end_of_sentence], following, lang):
            continue
        # A dialogue dash that opens the next sentence is layout, as at the start of a line.
        dash = _INLINE_DASH.match(text, match.end())
        layout_end = dash.end() if dash else match.end()
        pieces.append(Piece(text[start:end_of_sentence], True))
        pieces.append(Piece(text[end_of_sentence:layout_end], False))
        start = layout_end
    pieces.append(Piece(text[start:], True))
    return pieces


_ONLY_PLACEHOLDERS = re.compile(r"(?:Q[XY]\d+\s*)+$")


def _is_sentence_end(sentence: str, following: str, lang: str = "nb") -> bool:
    if _ONLY_PLACEHOLDERS.match(following):
        return False  # "… går ned. QY2": a closing markup placeholder belongs to the sentence
    if not _SENTENCE_START.match(following):
        return False  # "13. februar", "ca. 70.000 mennesker": the next word is not a new start
    last = sentence.rstrip("\"'»”’)]")
    if not last.endswith("."):
        return True  # ! ? … always end a sentence when a new one starts
    word_match = _WORD_BEFORE.search(last[:-1])
    word = word_match.group(1) if word_match else ""
    word = word.lstrip("\"'«“‘([")
    leading, trailing = (
        (ENGLISH_LEADING_ABBREVIATIONS, ENGLISH_TRAILING_ABBREVIATIONS) if lang == "en"
        else (LEADING_ABBREVIATIONS, TRAILING_ABBREVIATIONS)
    )
    if lang == "en" and word.islower() and word in _ENGLISH_WORDS_TOO:
        return True  # "Follow us. Follow your instincts."
    if lang == "en" and word.lower() in _BEFORE_NUMBERS and following[:1].isdigit():
        return False  # "No. 5", "pp. 12"
    if _given_name_abbreviated(word) and _opens_with_capital(following):
        return False  # "Chr. Michelsens barnehjem"
    if word.lower() in leading or (word == "St" and following[:1].isupper()):
        return False  # "f.eks. Norge", "dr. Hansen", "St. Olav", "Mr. Smith"
    if word.lower() in trailing:
        return _opens_with_capital(following)  # "… 70 mill. kr. Dette …", not "kr. 500"
    if len(word) == 1 and word.isupper():
        return False  # an initial: "Jens A. Hansen"
    if word.isdigit() and len(word) <= 2 and following[:1].isdigit():
        return False  # "1. 2. og 3. plass"
    return True


def _given_name_abbreviated(word: str) -> bool:
    """Chr, Th, Wm: a given name's abbreviation, written capitalised."""
    return word[:1].isupper() and word.lower() in GIVEN_NAME_ABBREVIATIONS


def _opens_with_capital(following: str) -> bool:
    """The next sentence starts with a capital letter (after quotes or a dialogue dash)."""
    start = following.lstrip("\"'«“‘([–—- ")
    return start[:1].isalpha() and start[:1].isupper()


def _merge_layout(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for piece in pieces:
        if merged and not piece.is_sentence and not merged[-1].is_sentence:
            merged[-1] = Piece(merged[-1].text + piece.text, False)
        else:
            merged.append(piece)
    return merged


_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+(?=[–—]\s)")


def split_long_sentence(
    sentence: str, max_tokens: int, count_tokens: Callable[[str], int]
) -> list[str]:
    """Split a sentence longer than ``max_tokens`` into pieces that fit, in order.

    Clause boundaries (after , ; : and before a dash) are preferred; a clause that is still
    too long is cut into word windows. Joining the pieces with single spaces gives the
    sentence back up to white space, so nothing is dropped.
    """
    if count_tokens(sentence) <= max_tokens:
        return [sentence]
    clauses = [c for c in _CLAUSE_BREAK.split(sentence) if c]
    units: list[str] = []
    for clause in clauses:
        if count_tokens(clause) <= max_tokens:
            units.append(clause)
        else:
            units.extend(_word_windows(clause, max_tokens, count_tokens))
    return pack(units, max_tokens, count_tokens)


def _word_windows(text: str, max_tokens: int, count_tokens: Callable[[str], int]) -> list[str]:
    windows: list[str] = []
    current: list[str] = []
    for word in _split_oversized_words(text.split(), max_tokens, count_tokens):
        if current and count_tokens(" ".join([*current, word])) > max_tokens:
            windows.append(" ".join(current))
            current = []
        current.append(word)
    if current:
        windows.append(" ".join(current))
    return windows


def _split_oversized_words(
    words: list[str], max_tokens: int, count_tokens: Callable[[str], int]
) -> list[str]:
    # A "word" longer than the model input (a URL, a run without spaces) is cut into character
    # runs; a character is at most a few tokens, so a quarter of the budget always fits.
    width = max(1, max_tokens // 4)
    out: list[str] = []
    for word in words:
        if count_tokens(word) <= max_tokens:
            out.append(word)
        else:
            out.extend(word[i : i + width] for i in range(0, len(word), width))
    return out


def pack(units: list[str], max_tokens: int, count_tokens: Callable[[str], int]) -> list[str]:
    """Join consecutive units with spaces while the result fits in ``max_tokens``."""
    packed: list[str] = []
    for unit in units:
        if packed and count_tokens(f"{packed[-1]} {unit}") <= max_tokens:
            packed[-1] = f"{packed[-1]} {unit}"
        else:
            packed.append(unit)
    return packed
