"""JSON log lines carry the request id."""

from __future__ import annotations

import json
import logging

from service.http.logs import JsonFormatter, RequestIdFilter


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
