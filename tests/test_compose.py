"""docker-compose.yml parses and describes what README says: two replicas of the one image, a
persistent Redis for shared state (rate limits and jobs) and an evicting Redis for the cache. The
topology itself runs in tests/test_image.py (two instances of the built image, one redis-server)."""

from __future__ import annotations

from typing import Any

import yaml

from .conftest import REPO


def compose() -> dict[str, Any]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))


def redis_flags(service: dict[str, Any]) -> dict[str, str]:
    command = service["command"]
    assert command[0] == "redis-server"
    flags = {}
    for index, word in enumerate(command):
        if word.startswith("--"):
            flags[word[2:]] = command[index + 1] if index + 1 < len(command) else ""
    return flags


def test_two_replicas_of_one_image_share_a_persistent_state_redis_and_an_evicting_cache() -> None:
    services = compose()["services"]
    replicas = {name: s for name, s in services.items() if s.get("image") == "oversett"}
    assert len(replicas) == 2, list(services)
    state, cache = services["redis-state"], services["redis-cache"]
    assert redis_flags(state)["appendonly"] == "yes" and redis_flags(state)["maxmemory-policy"] == "noeviction"
    assert any(volume.endswith(":/data") for volume in state["volumes"])  # persistent
    assert redis_flags(cache)["maxmemory-policy"] == "allkeys-lru" and redis_flags(cache)["maxmemory"]
    assert redis_flags(cache)["appendonly"] == "no"
    ports, data = set(), set()
    for replica in replicas.values():
        env = replica["environment"]
        assert env["OVERSETT_REDIS_URL"].startswith("redis://redis-state:")
        assert env["OVERSETT_CACHE"].startswith("redis://redis-cache:")
        assert {"redis-state", "redis-cache"} <= set(replica["depends_on"])
        assert all(d["condition"] == "service_healthy" for d in replica["depends_on"].values())
        (published,) = replica["ports"]
        ports.add(published.split(":")[0])
        data |= {v.split(":")[0] for v in replica["volumes"] if v.endswith(":/data")}
    assert len(ports) == 2 and len(data) == 2  # own port, own data volume
    assert set(compose()["volumes"]) >= data | {"redis-state"}


def test_readme_describes_the_compose_file() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    docker = readme.split("### Docker", 1)[1].split("\n## ", 1)[0]
    assert "docker compose up" in docker
    assert "two replicas" in docker and "8001" in docker and "8002" in docker
    assert "persistent Redis" in docker and "evicting Redis" in docker
