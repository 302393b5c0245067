"""Schemathesis against the service's own OpenAPI, on a real uvicorn on 127.0.0.1 with the tiny
models: no server errors, and every response matches the documented status codes, content
types and schemas. Bounded: a fixed number of examples per operation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from service.compose.services import load_services

from ..conftest import serve_in_thread, tiny_settings

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture(scope="module")
def live_url(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    state = tmp_path_factory.mktemp("fuzz")
    # A small character limit keeps fuzzed requests cheap: bigger ones are a quick 413.
    service_settings = tiny_settings(tiny_models, state, max_chars=2_000, max_input_tokens=64)
    yield from serve_in_thread(load_services(service_settings))


@pytest.fixture(scope="module")
def live_schema(live_url: str) -> Any:
    loaded = schemathesis.openapi.from_url(f"{live_url}/openapi.json")
    # Valid and invalid requests alike: wrong types, missing fields, out-of-range numbers …
    loaded.config.generation.update(modes=list(schemathesis.GenerationMode))
    return loaded


schema = schemathesis.pytest.from_fixture("live_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_openapi_contract(case: Any) -> None:
    case.call_and_validate(checks=CHECKS)
