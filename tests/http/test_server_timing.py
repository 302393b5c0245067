"""Each response says where its time went (Server-Timing, milliseconds): the pipeline's steps,
the batcher's queue and the model call, and the HTTP layer as the rest; the steps add up to the
total. OVERSETT_SERVER_TIMING=false leaves the header out."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from service.domain.timing import STEPS, Timings
from service.http.app import create_app


def _steps(header: str) -> dict[str, float]:
    return {step: float(ms) for step, ms in re.findall(r"(\w+);dur=([0-9.]+)", header)}


def test_a_translation_tells_its_steps_and_they_add_up(client: TestClient) -> None:
    answer = client.post("/v1/translate", json={"text": "Det regner i Bergen i dag. Vi ses i morgen, Kari."})
    assert answer.status_code == 200
    steps = _steps(answer.headers["server-timing"])
    assert {"langid", "segment", "cache", "protect", "queue", "model", "checks", "http", "total"} <= set(steps)
    assert list(steps)[:-1] == [s for s in STEPS if s in steps]  # in the order a request meets them
    assert abs(sum(v for k, v in steps.items() if k != "total") - steps["total"]) < 0.1
    told = client.post("/v1/translate", json={"text": "Det regner i Bergen.", "source_lang": "nb"})
    assert "langid" not in _steps(told.headers["server-timing"])  # a language told is not detected


def test_every_response_has_it_and_the_setting_turns_it_off(client: TestClient, make_services: Any) -> None:
    health = client.get("/health")
    assert set(_steps(health.headers["server-timing"])) == {"http", "total"}
    with TestClient(create_app(services=make_services(server_timing=False))) as quiet:
        assert "server-timing" not in quiet.post("/v1/translate", json={"text": "Det regner."}).headers


def test_the_header_names_the_rest_http_and_never_goes_negative() -> None:
    timings = Timings()
    timings.add("model", 0.010)
    timings.add("model", 0.005)
    timings.add("checks", 0.001)
    assert timings.header(0.020) == "model;dur=15.00, checks;dur=1.00, http;dur=4.00, total;dur=20.00"
    assert "http;dur=0.00" in timings.header(0.010)
