"""The container image, built from the Dockerfile and run without a Docker engine: ``buildah bud``
(chroot isolation) on a local Debian 12 base made with mmdebstrap, and containers run with
``buildah run``, which shares the host's loopback. Runs when OVERSETT_IMAGE_TEST=1 and buildah is
installed (``.ci/run`` does both), else it is skipped. The image's size, contents and build time go
to test-artifacts/image.json."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.tools.ports import free_port, wait_for

from .conftest import REPO, SEED_FILE

ENABLED = os.environ.get("OVERSETT_IMAGE_TEST") == "1" and shutil.which("buildah") is not None
pytestmark = pytest.mark.skipif(not ENABLED, reason="image tests: set OVERSETT_IMAGE_TEST=1 and install buildah")

BASE = os.environ.get("OVERSETT_IMAGE_BASE", "localhost/debian-base")
WHEELS = os.environ.get("OVERSETT_TORCH_WHEELS", "/opt/wheels")  # a folder holding the CPU wheel of torch
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
ARTIFACTS = Path(os.environ.get("OVERSETT_TEST_ARTIFACTS", REPO / "test-artifacts"))
UID = 10001  # the image's user
TEXT = "Det regner i Bergen. Vi blir hjemme i dag."


def buildah(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["buildah", *args], capture_output=True, text=True, timeout=timeout)
    if check:
        assert done.returncode == 0, f"buildah {' '.join(args[:3])} …:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def ensure_base() -> None:
    """A local Debian 12 base with Python 3.11 (no registry here serves python:3.11-slim)."""
    if buildah("inspect", "--type", "image", BASE, check=False).returncode == 0:
        return
    assert BASE == "localhost/debian-base", f"{BASE} is not a local image"
    with tempfile.TemporaryDirectory() as tmp:
        tar = Path(tmp) / "base.tar"
        subprocess.run(
            ["mmdebstrap", "--variant=minbase", "--include=python3,python3-venv,ca-certificates", "bookworm", str(tar)],
            check=True, timeout=900, capture_output=True,
        )
        subprocess.run(["podman", "import", str(tar), BASE], check=True, timeout=300, capture_output=True)


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory, tiny_models: dict[str, Path]) -> Path:
    """The build context: the checkout's tracked files (what a fresh clone has) and the tiny
    models, readable by anyone (the build copies them as root, the service reads them as 10001)."""
    root = tmp_path_factory.mktemp("context") / "oversett"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (REPO / name).exists() or (REPO / name).is_symlink():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name, follow_symlinks=False)
    for role, folder in (("translator", "translator"), ("summarizer", "summarizer"), ("en_translator", "en-translator")):
        shutil.copytree(tiny_models[role], root / "tiny-models" / folder)
    subprocess.run(["chmod", "-R", "a+rX", str(root / "tiny-models")], check=True)
    return root


def build(context: Path, tag: str, **args: str) -> float:
    """Seconds to build ``tag`` (later builds reuse the earlier ones' layers)."""
    ensure_base()
    started = time.monotonic()
    buildah(
        "bud", "--isolation", "chroot", "--format", "docker", "--layers", "-t", tag,
        *(f"--build-arg={k}={v}" for k, v in {"BASE_IMAGE": BASE, "TORCH_FIND_LINKS": "/wheels", **args}.items()),
        "-v", f"{WHEELS}:/wheels:ro", "-v", f"{CA_BUNDLE}:{CA_BUNDLE}:ro", str(context),
        timeout=2400,
    )
    return time.monotonic() - started


def image_config(tag: str) -> dict[str, Any]:
    return json.loads(buildah("inspect", "--type", "image", tag).stdout)["Docker"]["config"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def image(context: Path) -> Iterator[str]:
    tag = "localhost/oversett:test"
    seconds = build(context, tag)
    report(tag, build_s=round(seconds, 1))
    yield tag
    # Each run builds its images afresh (about 2 GiB each, with their layers): leave none behind, or
    # repeated runs on one machine fill its disk. The base image stays.
    buildah("rm", "--all", check=False)
    buildah("rmi", "-f", tag, "localhost/oversett:baked", check=False)
    buildah("rmi", "--prune", check=False, timeout=600)


@pytest.fixture(scope="module")
def baked_image(context: Path, image: str) -> str:
    tag = "localhost/oversett:baked"
    seconds = build(
        context, tag, BAKE_MODELS="1", TRANSLATOR="tiny-models/translator", SUMMARIZER="tiny-models/summarizer",
        EN_TRANSLATOR="tiny-models/en-translator",
    )
    report(tag, build_s=round(seconds, 1))
    return tag


def report(tag: str, **figures: Any) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "image.json"
    found = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    size = buildah("images", "--noheading", "--format", "{{.Size}}", tag).stdout.strip()
    found[tag] = {**found.get(tag, {}), "size": size, **figures}
    path.write_text(json.dumps(found, indent=2), encoding="utf-8")
    print(f"\n{tag}: {found[tag]}")


class Container:
    """A working container of an image; ``serve`` runs the image's command in it on a free port
    of the host's loopback, as the image's user."""

    def __init__(self, image: str, log: Path) -> None:
        self.id = buildah("from", image).stdout.strip()
        self.config = image_config(image)
        self.log = log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def _run_args(self, env: dict[str, str], mounts: dict[Path, str]) -> list[str]:
        environment = {"OVERSETT_PORT": str(self.port), **env}
        return [
            "run", "--isolation", "chroot",
            *(f"--env={k}={v}" for k, v in environment.items()),
            *(f"--volume={host}:{inside}" for host, inside in mounts.items()),
            self.id, "--",
        ]

    def serve(self, env: dict[str, str] | None = None, mounts: dict[Path, str] | None = None) -> None:
        command = [*self.config["Cmd"], "--host", "127.0.0.1"]  # the image's own command, loopback only
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                ["buildah", *self._run_args(env or {}, mounts or {}), *command],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def run(self, *argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return buildah(*self._run_args(env or {}, {}), *argv, check=False, timeout=60)

    def wait_ready(self, timeout: float = 180) -> None:
        assert self.process is not None
        wait_for(f"{self.base}/ready", self.process, self.log, "the image's service", timeout)

    def stop(self) -> None:
        """SIGTERM to the service itself (buildah would kill it at once), then wait for it."""
        if self.process is None:
            return
        for pid in _descendants(self.process.pid):
            try:
                program = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
                if Path(program.decode(errors="replace")).name.startswith("python"):  # the service itself
                    os.kill(pid, signal.SIGTERM)
            except (FileNotFoundError, ProcessLookupError):
                pass
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def remove(self) -> None:
        self.stop()
        buildah("rm", self.id, check=False)


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())  # a child may belong to any thread
            children = [int(c) for task in tasks for c in (task / "children").read_text().split()]
        except FileNotFoundError:  # it ended meanwhile
            continue
        found += children
        todo += children
    return found


@pytest.fixture
def container(image: str, tmp_path: Path) -> Iterator[Container]:
    made = Container(image, tmp_path / "service.log")
    yield made
    made.remove()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The data volume: a host folder the image's user owns, as a named volume would be."""
    folder = tmp_path / "data"
    folder.mkdir()
    os.chown(folder, UID, UID)
    return folder


@pytest.fixture
def models(tiny_models: dict[str, Path], tmp_path: Path) -> tuple[dict[Path, str], dict[str, str]]:
    """The tiny models mounted into a container (read-only is the point: nothing is written there)."""
    folder = tmp_path / "models"
    for role in ("translator", "en_translator", "summarizer"):
        shutil.copytree(tiny_models[role], folder / role)
    subprocess.run(["chmod", "-R", "a+rX", str(folder)], check=True)
    mounts = {folder: "/mnt/models:ro"}
    env = {"OVERSETT_TRANSLATOR": "/mnt/models/translator", "OVERSETT_SUMMARIZER": "/mnt/models/summarizer",
           "OVERSETT_EN_TRANSLATOR": "/mnt/models/en_translator"}
    return mounts, env


def translate(base: str, text: str = TEXT) -> dict[str, Any]:
    response = httpx.post(f"{base}/v1/translate", json={"text": text, "source_lang": "nb"}, timeout=60)
    assert response.status_code == 200, response.text
    (document,) = response.json()["translations"]
    return document  # type: ignore[no-any-return]


def test_the_image_serves_as_its_non_root_user_and_translates(
    container: Container, data: Path, models: tuple[dict[Path, str], dict[str, str]]
) -> None:
    mounts, env = models
    assert container.config["User"] == "oversett"
    assert container.run("id", "-u").stdout.strip() == str(UID)
    container.serve(env, {data: "/data", **mounts})
    container.wait_ready()
    document = translate(container.base)
    assert document["text"].strip() and len(document["segments"]) == 2
    described = httpx.get(f"{container.base}/v1/models", timeout=10).json()
    assert described["translator"]["backend"] == "ctranslate2"  # converted on first start, onto the volume
    assert described["en_translator"]["backend"] == "ctranslate2" and described["en_translator"]["pairs"] == ["en-nb", "en-nn"]
    # Bokmål → Nynorsk through the image's Apertium (Debian's packages, their copyright files kept)
    nynorsk = httpx.post(f"{container.base}/v1/translate", json={"text": "Jeg vet ikke hva han vil.", "target_lang": "nn"},
                         timeout=60)
    assert nynorsk.status_code == 200 and nynorsk.json()["translations"][0]["text"] == "Eg veit ikkje kva han vil."
    for package in ("apertium", "apertium-nno-nob", "cg3", "lttoolbox"):
        assert container.run("test", "-s", f"/usr/share/doc/{package}/copyright").returncode == 0, package
    written = {p.relative_to(data).parts[0]: p.stat().st_uid for p in data.iterdir()}
    assert written and set(written.values()) == {UID}, written  # the service wrote them, as 10001
    assert {"cache.sqlite3", "jobs.sqlite3", "ctranslate2"} <= set(written)


def test_the_healthcheck_fails_before_the_service_is_ready_and_passes_after(
    container: Container, data: Path, models: tuple[dict[Path, str], dict[str, str]]
) -> None:
    mounts, env = models
    healthcheck = container.config["Healthcheck"]
    assert healthcheck["Test"][0] == "CMD" and healthcheck["Interval"] and healthcheck["StartPeriod"]
    before = container.run(*healthcheck["Test"][1:])
    assert before.returncode != 0 and "not ready" in before.stderr
    container.serve(env, {data: "/data", **mounts})
    container.wait_ready()
    after = container.run(*healthcheck["Test"][1:])
    assert after.returncode == 0, after.stdout + after.stderr


def test_cache_and_jobs_on_the_data_volume_survive_a_restart(
    container: Container, data: Path, models: tuple[dict[Path, str], dict[str, str]]
) -> None:
    mounts, env = models
    container.serve(env, {data: "/data", **mounts})
    container.wait_ready()
    assert not any(s["cached"] for s in translate(container.base)["segments"])
    created = httpx.post(f"{container.base}/v1/jobs", json={"documents": [{"name": "a", "text": TEXT}]}, timeout=30)
    assert created.status_code == 202, created.text
    job_url = f"{container.base}/v1/jobs/{created.json()['job_id']}"
    deadline = time.monotonic() + 120
    while httpx.get(job_url, timeout=10).json()["status"] != "completed":
        assert time.monotonic() < deadline, "the job did not complete"
        time.sleep(0.2)
    finished = httpx.get(job_url, timeout=10).json()

    container.stop()
    container.serve(env, {data: "/data", **mounts})
    container.wait_ready()
    assert all(s["cached"] for s in translate(container.base)["segments"])
    assert httpx.get(job_url, timeout=10).json() == finished
    log = container.log.read_text(errors="replace")
    assert "Shutting down" in log  # stopped cleanly, as `docker stop` would
    assert log.count("converted /mnt/models/translator") == 1  # the conversion on the volume was kept


def test_a_baked_image_starts_offline_with_its_models(baked_image: str, tmp_path: Path, data: Path) -> None:
    container = Container(baked_image, tmp_path / "baked.log")
    try:
        # No model settings and no network for the Hub: the image's /app/.env names /models.
        container.serve({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}, {data: "/data"})
        container.wait_ready()
        described = httpx.get(f"{container.base}/v1/models", timeout=10).json()
        assert described["translator"]["id"] == "/models/translator"
        assert described["translator"]["backend"] == "ctranslate2"
        assert described["summarizer"]["id"] == "/models/summarizer" and described["summarizer"]["loaded"]
        assert described["en_translator"]["id"] == "/models/en_translator" and described["en_translator"]["loaded"]
        assert translate(container.base)["text"].strip()
        into_nynorsk = httpx.post(
            f"{container.base}/v1/translate", json={"text": "Three people lost their jobs.", "target_lang": "nn"}, timeout=60
        )
        assert into_nynorsk.status_code == 200 and into_nynorsk.json()["translations"][0]["target_lang"] == "nn"
        assert "converted" not in container.log.read_text(errors="replace")  # converted at build time
        assert not (data / "ctranslate2").exists()
    finally:
        container.remove()


def test_two_instances_of_the_image_share_one_redis(
    image: str, tmp_path: Path, redis_server: Any, models: tuple[dict[Path, str], dict[str, str]]
) -> None:
    """The compose topology: two replicas, one Redis for state (jobs) and the cache."""
    mounts, env = models
    url = redis_server[0]
    shared = {**env, "OVERSETT_REDIS_URL": url, "OVERSETT_CACHE": url[: -len("/0")] + "/1"}
    replicas = [Container(image, tmp_path / f"replica-{i}.log") for i in (1, 2)]
    try:
        for index, replica in enumerate(replicas):
            volume = tmp_path / f"data-{index}"
            volume.mkdir()
            os.chown(volume, UID, UID)
            replica.serve(shared, {volume: "/data", **mounts})
        for replica in replicas:
            replica.wait_ready()
        one, two = replicas
        text = SEED_FILE.read_text(encoding="utf-8").split("\n\n")[0]
        assert not any(s["cached"] for s in translate(one.base, text)["segments"])
        assert all(s["cached"] for s in translate(two.base, text)["segments"])  # the cache is shared
        created = httpx.post(f"{one.base}/v1/jobs", json={"documents": [{"name": "a", "text": TEXT}]}, timeout=30)
        seen = httpx.get(f"{two.base}/v1/jobs/{created.json()['job_id']}", timeout=10)
        assert seen.status_code == 200 and seen.json()["progress"]["total"] == 1  # and so are the jobs
    finally:
        for replica in replicas:
            replica.remove()


def test_the_image_is_lean(image: str, tmp_path: Path) -> None:
    """No CUDA libraries, no compilers, no pip cache; its size goes to the report."""
    container = Container(image, tmp_path / "lean.log")
    try:
        listing = container.run("sh", "-c", "ls /opt/oversett/lib/python3*/site-packages").stdout
        assert "torch" in listing
        assert not [name for name in listing.split() if name.startswith(("nvidia", "triton", "cuda"))]
        for tool in ("gcc", "cc", "g++", "make"):
            assert container.run("sh", "-c", f"command -v {tool}").returncode != 0, tool
        assert container.run("sh", "-c", "test -d /root/.cache/pip || test -d /home/oversett/.cache/pip").returncode != 0
        torch = container.run("python", "-c", "import torch; print(torch.__version__, torch.cuda.is_available())")
        assert torch.stdout.split() == ["2.13.0+cpu", "False"], torch.stdout + torch.stderr
        sizes = container.run("sh", "-c", "du -sm /opt/oversett /usr /models | sort -rn").stdout
        largest = container.run(
            "sh", "-c", "du -sm /opt/oversett/lib/python3*/site-packages/* | sort -rn | head -8"
        ).stdout
        report(
            image,
            contents_mb={folder: int(mb) for mb, folder in (line.split("\t") for line in sizes.splitlines())},
            largest_packages_mb={
                Path(folder).name: int(mb) for mb, folder in (line.split("\t") for line in largest.splitlines())
            },
        )
    finally:
        container.remove()
