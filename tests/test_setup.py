"""The set-up commands stay true: CI runs README's test command, everything installs through
the lock, and the lock pins a version of every declared dependency within its range."""

from __future__ import annotations

import re
import sys

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.version import Version

from .conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def readme_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    set_up = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", set_up, re.S)


def locked_versions() -> dict[str, Version]:
    """The lock's pins that apply to the running Python."""
    pins: dict[str, Version] = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith((" ", "#")):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate():
            (spec,) = requirement.specifier
            pins[canonical(requirement.name)] = Version(spec.version)
    return pins


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_ci_runs_the_readme_test_command_in_a_fresh_virtualenv() -> None:
    serve, test, *_ = readme_commands()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()
    assert "python3 -m venv" in ci and "/bin/activate" in ci
    assert serve.endswith("oversett serve")


def test_every_install_goes_through_the_lock() -> None:
    serve, test, *_ = readme_commands()
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    installs = [part for command in (serve, test) for part in command.split("&&") if "pip install" in part]
    installs += [line for line in dockerfile.splitlines() if "pip install" in line and not line.lstrip().startswith("#")]
    assert len(installs) >= 7
    for install in installs:
        assert "-c requirements.lock" in install, install


def test_the_lock_pins_every_dependency_within_its_range() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + [
        spec for extra in ("test", "ray") for spec in project["optional-dependencies"][extra]
    ]
    pins = locked_versions()
    assert pins["torch"] == Version("2.13.0")
    environment = default_environment()
    for spec in declared:
        requirement = Requirement(spec)
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        name = canonical(requirement.name)
        assert name in pins, f"{name} is declared but not in requirements.lock: refresh the lock (README)"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, outside {requirement.specifier}: refresh the lock"
        )


def test_the_virtualenv_readme_suggests_is_ignored_by_git() -> None:
    """README says `python3 -m venv .venv` in the checkout; git must not offer it for a commit."""
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".venv/" in ignored
