"""How README's shown output is compared with what a command really printed.

README shows answers the way people write them: JSON with ``…`` where a value does not matter
(a translation by the tiny models, a time) or where more fields or items follow, and CLI output
with ``…`` for what varies. The rules:

- JSON: an object's keys are the same (with ``…`` among them: README's keys are there, more may
  be); a list has the same items (with ``…`` last: README's items first, more may follow); a string
  with ``…`` in it matches when its other parts appear in order; a number matches when the real one,
  rounded to the places README writes, is the same; anything else is equal.
- Text: line by line, each README line a pattern where ``…`` is any text and runs of white space
  are one; a line that is ``…`` alone stands for any number of lines.
"""

from __future__ import annotations

import json
import re
from typing import Any

ELLIPSIS = "…"


def expected_json(text: str) -> Any:
    """README's JSON, its bare ``…`` made into values: ``"…"`` for an item or a value, and the
    key ``"…"`` where an object goes on."""
    out: list[str] = []
    stack: list[str] = []
    in_string = escaped = False
    expecting_key = False
    for char in text:
        if in_string:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
            expecting_key = False
        elif char in "{[":
            stack.append(char)
            expecting_key = char == "{"
        elif char in "}]":
            stack.pop()
        elif char == ",":
            expecting_key = bool(stack) and stack[-1] == "{"
        elif char == ELLIPSIS:
            out.append(f'"{ELLIPSIS}": "{ELLIPSIS}"' if expecting_key else f'"{ELLIPSIS}"')
            expecting_key = False
            continue
        out.append(char)
    return json.loads("".join(out))


def json_differences(expected: Any, actual: Any, where: str = "$") -> list[str]:
    """Where the real JSON is not what README shows (empty when it is)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: README shows an object, the answer has {json.dumps(actual)[:80]}"]
        open_ended = ELLIPSIS in expected
        wanted = [k for k in expected if k != ELLIPSIS]
        problems = [f"{where}: README shows '{k}', the answer has no such field" for k in wanted if k not in actual]
        if not open_ended:
            problems += [f"{where}: the answer has '{k}', README does not show it (add it, or end the object with …)"
                         for k in actual if k not in expected]
        for key in wanted:
            if key in actual:
                problems += json_differences(expected[key], actual[key], f"{where}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: README shows a list, the answer has {json.dumps(actual)[:80]}"]
        open_ended = bool(expected) and expected[-1] == ELLIPSIS
        items = expected[:-1] if open_ended else expected
        if len(actual) < len(items) or not open_ended and len(actual) != len(items):
            return [f"{where}: README shows {len(items)} items{' or more' if open_ended else ''}, the answer has {len(actual)}"]
        return [p for i, item in enumerate(items) for p in json_differences(item, actual[i], f"{where}[{i}]")]
    if isinstance(expected, str) and ELLIPSIS in expected:
        return [] if _in_order(expected.split(ELLIPSIS), json.dumps(actual, ensure_ascii=False) if not isinstance(actual, str) else actual) else [
            f"{where}: README shows {expected!r}, the answer has {actual!r}"]
    if isinstance(expected, bool) or expected is None:
        return [] if expected is actual else [f"{where}: README shows {expected!r}, the answer has {actual!r}"]
    if isinstance(expected, (int, float)):
        if not isinstance(actual, (int, float)) or isinstance(actual, bool):
            return [f"{where}: README shows the number {expected}, the answer has {actual!r}"]
        places = len(repr(expected).split(".")[1]) if isinstance(expected, float) else 0
        return [] if round(float(actual), places) == round(float(expected), places) else [
            f"{where}: README shows {expected}, the answer has {actual}"]
    return [] if expected == actual else [f"{where}: README shows {expected!r}, the answer has {actual!r}"]


def text_differences(expected: str, actual: str) -> list[str]:
    """Where the real output is not what README shows, line by line (``…`` as any text)."""
    patterns = [line for line in expected.strip("\n").splitlines()]
    lines = actual.strip("\n").splitlines()
    if _lines_match(patterns, lines):
        return []
    return [f"README shows:\n{expected.rstrip()}\nthe command printed:\n{actual.rstrip()}"]


def _lines_match(patterns: list[str], lines: list[str]) -> bool:
    if not patterns:
        return not lines
    head, rest = patterns[0], patterns[1:]
    if head.strip() == ELLIPSIS:
        return any(_lines_match(rest, lines[i:]) for i in range(len(lines) + 1))
    return bool(lines) and _line_matches(head, lines[0]) and _lines_match(rest, lines[1:])


def _line_matches(pattern: str, line: str) -> bool:
    parts = [re.escape(" ".join(part.split())) for part in pattern.split(ELLIPSIS)]
    regex = ".*".join(part.replace(r"\ ", r"\s+") for part in parts)
    return re.fullmatch(regex, " ".join(line.split())) is not None


def _in_order(parts: list[str], text: str) -> bool:
    position = 0
    for part in parts:
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True
