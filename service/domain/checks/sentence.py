"""The one entry point: every check of one (source sentence, translation) pair, in the order a
reader would notice them."""

from __future__ import annotations

from collections import Counter

from .copies import loops, untranslated_copy
from .from_english import check_from_english
from .from_english import length_problem as mirrored_length_problem
from .issue import Issue, link_issue, number_issue
from .length import length_problem
from .lexicon import without_genitive
from .links import links
from .names import name_is_kept, names, occurrences, said_short, spoken_for
from .numbers import added_numbers, missing_numbers
from .variety import variety_problem


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def check(source: str, translation: str, target: str = "en") -> list[Issue]:
    """The issues of one translated sentence (empty when nothing looks wrong): a Norwegian source
    and its English translation, or (``target`` nb or nn) an English one and its Norwegian."""
    if not _has_letters(source) and not any(c.isdigit() for c in source):
        return []
    if not translation.strip():
        return [Issue("empty", "The translation is empty.")]
    into_english = target == "en"
    issues = _into_english(source, translation) if into_english else check_from_english(source, translation, target)
    # A loop in the source ("Nei, nei, nei, nei!") may be a loop in the translation too.
    new_loops = [] if loops(source) else loops(translation)
    if new_loops:
        issues.append(Issue("repetition", f"The translation repeats itself: “{new_loops[0]}…”."))
    problem = (length_problem if into_english else mirrored_length_problem)(source, translation)
    if problem and not any(i.code == "untranslated" for i in issues):
        issues.append(Issue("length", problem[0].upper() + problem[1:] + "."))
    variety = None if into_english else variety_problem(translation, target)
    if variety:
        issues.append(Issue("variety", variety))
    return issues


def _into_english(source: str, translation: str) -> list[Issue]:
    """The issues of a Norwegian source and its English translation that are this direction's own:
    the copy, numbers, links and names."""
    issues: list[Issue] = []
    if untranslated_copy(source, translation):
        issues.append(Issue("untranslated", "The translation is the source text itself: it was not translated."))
    issues += [i for i in (number_issue(missing_numbers(source, translation), added_numbers(source, translation)),
                           link_issue(links(source), translation)) if i is not None]
    found_names = names(source)
    taken = spoken_for(source, translation)  # once for all the names of the sentence
    lost_names = [
        name for name in found_names
        if not name_is_kept(name, translation, source, taken) and not said_short(name, source, translation)
    ]
    # A name the source repeats and the translation keeps as it is should not be said fewer
    # times (Bush … Bush → Bush … Smith; Canada … Canadas → Canada … Berlin's).
    said = Counter(without_genitive(name) for name in found_names if "-" not in name)
    for name, times in said.items():
        if times > 1 and name not in lost_names and 0 < occurrences(name, translation, source) < times:
            lost_names.append(name)
    if lost_names:
        issues.append(Issue("name", f"Names missing in the translation: {', '.join(dict.fromkeys(lost_names))}."))
    return issues
