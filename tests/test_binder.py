"""Binder / repo2docker: environment.yml at the root is what it builds, and postBuild does what
`make lab`'s set-up does (the course's JupyterLab settings; nbgrader's and the widgets' extensions on)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from jupyterlab_server.settings_utils import _get_overrides

from dlcourse import lab_settings

ROOT = Path(__file__).resolve().parent.parent
POSTBUILD = ROOT / "postBuild"


def test_repo2docker_reads_the_root_files():
    # with a binder/ or .binder/ folder, repo2docker ignores every configuration file at the root
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=" + python.split("=")[1]
    # a local requirement makes repo2docker copy the whole repository before installing, so that
    # `-e .` finds pyproject.toml (its conda build pack, `_should_preassemble_env`)
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip


def test_postbuild_is_an_executable_bash_script_that_parses():
    assert os.access(POSTBUILD, os.X_OK)
    text = POSTBUILD.read_text()
    assert text.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in text
    subprocess.run(["bash", "-n", str(POSTBUILD)], check=True)


def _postbuild(prefix: Path, **env) -> subprocess.CompletedProcess:
    bin_dir = str(Path(sys.executable).parent)
    return subprocess.run(["bash", str(POSTBUILD)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PATH": bin_dir + os.pathsep +
                                            os.environ["PATH"], "NB_PYTHON_PREFIX": str(prefix), **env})


def test_postbuild_installs_the_settings_jupyterlab_reads_into_the_image_prefix(tmp_path):
    result = _postbuild(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    settings = lab_settings.overrides_path(tmp_path)
    assert json.loads(settings.read_text()) == lab_settings.course_overrides()
    overrides, error = _get_overrides(str(settings.parent))
    assert not error
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert "extensions and the widgets are enabled" in result.stdout


def test_postbuild_fails_the_build_when_an_nbgrader_extension_is_off(tmp_path):
    config = tmp_path / "config"
    (config / "jupyter_server_config.d").mkdir(parents=True)
    (config / "jupyter_server_config.d" / "off.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": False}}}))
    # the user's config first, as a hub's singleuser server reads it
    result = _postbuild(tmp_path / "prefix", JUPYTER_CONFIG_DIR=str(config),
                        JUPYTER_PREFER_ENV_PATH="0")
    assert result.returncode == 1
    assert "nbgrader's server extensions not enabled: formgrader" in result.stdout
    assert "Traceback" not in result.stderr
