"""``/metrics``: the Prometheus series, scraped and parsed with prometheus_client's parser."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families


def test_metrics_expose_the_series(client: TestClient) -> None:
    text_ = {"text": "Det regner i Bergen. Sola skinner i Oslo.", "source_lang": "nb"}
    assert client.post("/v1/translate", json=text_).status_code == 200
    assert client.post("/v1/translate", json=text_).status_code == 200  # cache hits
    assert client.post("/v1/translate", json={"text": ""}).status_code == 422
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}

    def samples(name: str) -> list[Any]:
        return families[name].samples

    requests = {(s.labels["endpoint"], s.labels["status"]): s.value for s in samples("oversett_requests") if s.name.endswith("_total")}
    assert requests[("/v1/translate", "200")] == 2 and requests[("/v1/translate", "422")] == 1
    assert any(s.name == "oversett_request_seconds_bucket" for s in samples("oversett_request_seconds"))
    assert samples("oversett_segments_translated")[0].value >= 2
    assert samples("oversett_cache_hits")[0].value >= 2 and samples("oversett_cache_misses")[0].value >= 2
    batch = {
        s.labels.get("le"): s.value for s in samples("oversett_batch_size")
        if s.name.endswith("_bucket") and s.labels["direction"] == "into-english"
    }
    assert batch["+Inf"] >= 1
    assert {s.labels["queue"] for s in samples("oversett_queue_depth")} == {"admitted", "batcher"}
    loads = {s.labels["role"]: s.value for s in samples("oversett_model_load_seconds")}
    assert loads["translation"] > 0 and "summarization" in loads
    # The tiny model loops: its sentences are flagged, retried, and counted by code.
    into_english = [s for name in ("oversett_translation_issues", "oversett_translation_retries") for s in samples(name)
                    if s.labels.get("direction") == "into-english"]
    assert into_english, "the pipeline series carry a direction label"
    issues = {s.labels["code"]: s.value for s in samples("oversett_translation_issues")
              if s.name.endswith("_total") and s.labels["direction"] == "into-english"}
    assert sum(issues.values()) >= 1 and set(issues) <= {"number", "link", "name", "repetition", "length", "untranslated", "empty"}
    retries = {s.labels["kept"]: s.value for s in samples("oversett_translation_retries")
               if s.name.endswith("_total") and s.labels["direction"] == "into-english"}
    assert sum(retries.values()) >= 1
    languages = {s.labels["lang"] for s in samples("oversett_languages_detected") if s.name.endswith("_total")}
    assert languages == set() or languages <= {"nb", "nn", "da", "sv", "en", "zxx"}
