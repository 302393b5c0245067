"""The layout shows the architecture and stays that way: ``service/`` holds a few modules and one
package per layer, every package is a real package (so setuptools finds it), every package is in
the layers contract, each says its job, and no module grows past about 500 lines."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from .conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SERVICE = REPO / "service"
TOP_MODULES = {"__init__.py", "__main__.py", "config.py"}  # the command line is the package service.cli
MAX_LINES = 500


def entries() -> list[str]:
    return sorted(p.name for p in SERVICE.iterdir() if p.name != "__pycache__")


def layers() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return [name.strip() for layer in contract["layers"] for name in layer.split("|")]


def test_service_shows_a_few_modules_and_one_package_per_layer() -> None:
    assert len(entries()) <= 12, entries()
    modules = {name for name in entries() if name.endswith(".py")}
    assert modules == TOP_MODULES, f"a module outside the packages: {sorted(modules - TOP_MODULES)}"


def test_every_package_is_a_layer_of_the_contract() -> None:
    packages = {f"service.{p.name}" for p in SERVICE.iterdir() if (p / "__init__.py").is_file()}
    named = set(layers())
    assert packages <= named, f"packages outside the layers contract: {sorted(packages - named)}"
    assert {f"service.{Path(m).stem}" for m in TOP_MODULES - {"__init__.py"}} <= named | {"service.config"}
    assert "service.cli" in named


def test_every_folder_of_code_is_a_package_that_says_its_job() -> None:
    for folder in [SERVICE, *(p for p in SERVICE.rglob("*") if p.is_dir() and p.name != "__pycache__")]:
        if not any(folder.glob("*.py")):
            continue  # data, static files, prompt templates
        init = folder / "__init__.py"
        assert init.is_file(), f"{folder.relative_to(REPO)} has code but no __init__.py: no wheel would carry it"
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring and len(docstring) > 40, f"{init.relative_to(REPO)} does not say what the package holds"


def test_no_module_is_over_about_500_lines() -> None:
    long = {
        str(path.relative_to(REPO)): n
        for path in SERVICE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long
