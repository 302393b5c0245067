"""oversett answers LibreTranslate's requests in LibreTranslate's shapes: the same status codes and
the same JSON structure (keys and types) as LibreTranslate itself gave, recorded with its own server
running the same tiny model (tests/fixtures/libretranslate.json, made by
``python -m service.tools.libretranslate record``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.tools.libretranslate import send

from ..conftest import REPO

RECORDED = json.loads((REPO / "tests" / "fixtures" / "libretranslate.json").read_text(encoding="utf-8"))


def shape(value: Any) -> Any:
    """The structure of a JSON value: keys and types, list items by their first one."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def test_the_recording_covers_every_route_and_its_errors() -> None:
    assert RECORDED["libretranslate"] and len(RECORDED["answers"]) >= 12
    paths = {answer["path"] for answer in RECORDED["answers"]}
    assert paths == {"/translate", "/detect", "/languages", "/frontend/settings", "/translate_file"}
    assert {answer["status"] for answer in RECORDED["answers"]} == {200, 400}


@pytest.mark.parametrize("recorded", RECORDED["answers"], ids=[a["name"] for a in RECORDED["answers"]])
def test_oversett_answers_as_libretranslate_does(client: TestClient, recorded: dict[str, Any]) -> None:
    answer = send(client, "", recorded["method"], recorded["path"], recorded["how"], recorded["body"])
    assert answer.status_code == recorded["status"], answer.text
    assert answer.headers["content-type"].startswith("application/json")
    ours, theirs = answer.json(), recorded["json"]
    if recorded["name"] == "translate alternatives":
        theirs = {**theirs, "alternatives": []}  # oversett has no n-best list: an empty one (README)
    assert shape(ours) == shape(theirs)
