"""Quiet, useful logs: every line of a request carries its id (text and JSON), and a client that
hangs up costs one info line, not a traceback."""

from __future__ import annotations

import gc
import io
import json
import logging
import socket
import time
from typing import Any

import pytest

from service.http.logs import TEXT_FORMAT, JsonFormatter, RequestIdFilter

from ..conftest import serve_in_thread, translator_backend


def test_json_log_lines_carry_the_request_id() -> None:
    from service.http.logs import REQUEST_ID

    record = logging.LogRecord("oversett.access", logging.INFO, __file__, 1, "GET %s", ("/health",), None)
    record.status = 200
    token = REQUEST_ID.set("req-42")
    try:
        RequestIdFilter().filter(record)
    finally:
        REQUEST_ID.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-42" and line["message"] == "GET /health" and line["status"] == 200
    assert line["level"] == "info" and line["logger"] == "oversett.access"


def _hang_up(base: str, request_id: str, text: str, after: float) -> None:
    """Send a translation request and close the connection before the answer comes."""
    host, port = base.removeprefix("http://").split(":")
    body = json.dumps({"text": text, "source_lang": "nb"}).encode()
    with socket.create_connection((host, int(port))) as connection:
        connection.sendall(
            b"POST /v1/translate HTTP/1.1\r\nHost: oversett\r\nContent-Type: application/json\r\n"
            + f"X-Request-ID: {request_id}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
        )
        time.sleep(after)


def test_a_hang_up_during_a_translation_logs_one_info_line_and_no_traceback(
    services: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, seed_text: str
) -> None:
    backend = translator_backend(services)
    original = backend.translate_scored

    def slow(sentences: Any, decoding: Any) -> Any:  # the hang-up lands mid-translation
        time.sleep(0.3)
        return original(sentences, decoding)

    monkeypatch.setattr(backend, "translate_scored", slow)
    caplog.handler.addFilter(RequestIdFilter())
    server = serve_in_thread(services)
    base = next(server)
    try:
        with caplog.at_level(logging.INFO):
            _hang_up(base, "hang-up-1", seed_text, after=0.5)
            deadline = time.monotonic() + 30
            while not [r for r in caplog.records if r.name == "oversett.access"]:
                assert time.monotonic() < deadline, "no access line"
                time.sleep(0.05)
            time.sleep(1.0)  # the dropped work ends on its own
            gc.collect()  # where asyncio would report a task's outcome that nobody read
            time.sleep(0.2)
    finally:
        server.close()
    access = [r for r in caplog.records if r.name == "oversett.access"]
    assert len(access) == 1 and access[0].levelno == logging.INFO, [r.getMessage() for r in access]
    assert access[0].request_id == "hang-up-1" and access[0].status == 499  # type: ignore[attr-defined]
    assert "the client went away" in access[0].getMessage()
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert not loud, [(r.name, r.levelname, r.getMessage()) for r in loud]


def test_every_log_line_of_a_request_carries_its_id_in_text_and_json(services: Any) -> None:
    """A request that logs along the way (a translator that fails: the pipeline warns, the error
    handler logs its traceback) writes every line with the request's id, in both formats."""
    from fastapi.testclient import TestClient

    from service.http.app import create_app

    def broken(sentences: Any, decoding: Any) -> Any:
        raise RuntimeError("the model choked")

    text_out, json_out = io.StringIO(), io.StringIO()
    handlers = []
    for stream, formatter in ((text_out, TEXT_FORMAT), (json_out, JsonFormatter())):
        handler = logging.StreamHandler(stream)
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(formatter)
        handlers.append(handler)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    for handler in handlers:
        root.addHandler(handler)
    translator_backend(services).translate_scored = broken
    try:
        with TestClient(create_app(services=services), raise_server_exceptions=False) as client:
            answer = client.post("/v1/translate", json={"text": "Det regner.", "source_lang": "nb"},
                                 headers={"X-Request-ID": "rid-7"})
    finally:
        for handler in handlers:
            root.removeHandler(handler)
        root.setLevel(level)
    assert answer.status_code >= 500 and answer.headers["X-Request-ID"] == "rid-7"
    ours = ("service.", "oversett.")
    text_lines = [line for line in text_out.getvalue().splitlines() if line.split(" ")[3:4] and line.split(" ")[3].startswith(ours)]
    json_lines = [json.loads(line) for line in json_out.getvalue().splitlines() if line.startswith("{")]
    json_lines = [line for line in json_lines if line["logger"].startswith(ours)]
    assert len(json_lines) >= 2 and any("exception" in line for line in json_lines)  # the access line and the failure
    assert all(line["request_id"] == "rid-7" for line in json_lines), json_lines
    assert len(text_lines) == len(json_lines) and all("[rid-7]" in line for line in text_lines), text_lines
