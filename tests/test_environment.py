"""pyproject.toml and environment.yml install the same pinned packages, and those are installed."""
from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)$")


def _pins(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for req in requirements:
        match = PIN.match(req.strip())
        assert match, f"not an exact pin (name==version): {req!r}"
        pins[match.group(1).lower()] = match.group(2)
    return pins


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values()
                                      for r in extra]
    return _pins(reqs)


def environment_pins() -> tuple[dict[str, str], str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    return _pins([r for r in pip_section if not r.startswith("-e")]), python


def test_environment_yml_pins_exactly_what_pyproject_pins():
    env, _ = environment_pins()
    assert env == pyproject_pins()


def test_environment_yml_installs_the_package_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-e ." in pip_section


def test_python_versions_agree():
    _, python = environment_pins()
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=" + python.split("=")[1]


#: the package `make lab GPU=1` installs in place of a pinned CPU-only one (see the Makefile)
GPU_BUILDS = {"tensorflow-cpu": "tensorflow"}


@pytest.mark.parametrize("name,version", sorted(pyproject_pins().items()))
def test_pinned_version_is_the_installed_one(name, version):
    if (Path(sys.prefix) / ".installed-gpu").exists():  # `make ... GPU=1` swapped the CPU builds
        name = GPU_BUILDS.get(name, name)
    installed = metadata.version(name)
    # local build tags such as torch's "+cpu" are the same release
    assert installed.split("+")[0] == version
