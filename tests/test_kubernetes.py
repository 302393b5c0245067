"""The Kubernetes manifests (kubernetes/): valid against the stated Kubernetes version with
kubernetes-validate (strict: no unknown fields), and saying what the software is: real settings,
real probe routes, the two Redis roles, the autoscaler on the Deployment, the model volume as the
pull command fills it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from service.config import Settings
from service.http.app import create_app

from .conftest import REPO

KUBERNETES_VERSION = "1.31.0"  # README and .ci/run state the same
MANIFESTS = sorted((REPO / "kubernetes").glob("*.yaml"))


def _resources() -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for path in MANIFESTS:
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            found[document["kind"], document["metadata"]["name"]] = document
    return found


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_every_manifest_is_valid_for_the_stated_kubernetes_version(path: Path) -> None:
    for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_a_manifest_with_a_mistake_is_refused() -> None:
    deployment = _resources()["Deployment", "oversett"]
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "/ready"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_the_replicas_use_real_settings_routes_and_ports() -> None:
    resources = _resources()
    config = resources["ConfigMap", "oversett"]["data"]
    fields = {f"OVERSETT_{name.upper()}" for name in Settings.model_fields}
    assert set(config) <= fields, set(config) - fields
    Settings(**{k.removeprefix("OVERSETT_").lower(): v for k, v in config.items()})  # every value parses
    (container,) = resources["Deployment", "oversett"]["spec"]["template"]["spec"]["containers"]
    paths = set(create_app(Settings()).openapi()["paths"])
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready" and "/ready" in paths
    assert container["livenessProbe"]["httpGet"]["path"] == "/health" and "/health" in paths
    assert container["ports"][0]["containerPort"] == Settings().port
    assert container["resources"]["requests"]["cpu"] == config["OVERSETT_THREADS"]  # threads = the CPU it gets
    assert "memory" in container["resources"]["limits"]
    models = {m["mountPath"]: m for m in container["volumeMounts"]}["/models"]
    assert models["readOnly"] is True and config["OVERSETT_OFFLINE"] == "1"
    pull = resources["Job", "oversett-models-pull"]["spec"]["template"]["spec"]["containers"][0]
    assert pull["command"] == ["oversett", "models", "pull", "--into", "/models"]
    # the folders `oversett models pull --into /models` makes (compose.services.bake_models)
    assert config["OVERSETT_TRANSLATOR"] == "/models/translator" and config["OVERSETT_CT2_CACHE"] == "/models/ctranslate2"


def test_state_redis_keeps_everything_and_cache_redis_evicts() -> None:
    resources = _resources()
    config = resources["ConfigMap", "oversett"]["data"]
    state = resources["StatefulSet", "redis-state"]["spec"]
    args = state["template"]["spec"]["containers"][0]["args"]
    assert "--appendonly" in args and args[args.index("--appendonly") + 1] == "yes"
    assert args[args.index("--maxmemory-policy") + 1] == "noeviction" and state["volumeClaimTemplates"]
    cache = resources["Deployment", "redis-cache"]["spec"]["template"]["spec"]["containers"][0]["args"]
    assert cache[cache.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert config["OVERSETT_REDIS_URL"].startswith("redis://redis-state:")
    assert config["OVERSETT_CACHE"].startswith("redis://redis-cache:")


def test_the_autoscaler_scales_the_replicas_on_cpu() -> None:
    resources = _resources()
    hpa = resources["HorizontalPodAutoscaler", "oversett"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "oversett"}
    (metric,) = hpa["metrics"]
    assert metric["resource"]["name"] == "cpu" and 2 <= hpa["minReplicas"] < hpa["maxReplicas"]


def test_readme_and_ci_state_the_same_version() -> None:
    assert f"kubernetes-validate -k {KUBERNETES_VERSION} --strict kubernetes/*.yaml" in (REPO / ".ci" / "run").read_text()
    assert f"kubernetes-validate -k {KUBERNETES_VERSION} --strict kubernetes/*.yaml" in (REPO / "README.md").read_text()
