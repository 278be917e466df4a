"""The course's JupyterLab settings override (no news pop-up) is valid and installed where
JupyterLab reads it: `make lab`'s set-up and Binder's `postBuild` run `python -m dlcourse.lab_settings`."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from jupyterlab.commands import get_app_dir
from jupyterlab_server.settings_utils import _get_overrides, _get_schema

from dlcourse import lab_settings

NOTIFICATION = "@jupyterlab/apputils-extension:notification"
SCHEMAS = Path(get_app_dir()) / "schemas"


def _schema(overrides=None):
    schema, _ = _get_schema(str(SCHEMAS), NOTIFICATION, overrides or {}, None)
    return schema


def test_the_installed_jupyterlab_has_the_news_setting_the_override_sets():
    properties = _schema()["properties"]
    assert "false" in [choice["const"] for choice in properties["fetchNews"]["oneOf"]]
    assert properties["fetchNews"]["default"] != "false", "JupyterLab's default asks: nothing to override?"
    course = lab_settings.course_overrides()
    assert course[NOTIFICATION]["fetchNews"] == "false"
    for plugin, settings in course.items():
        schema = _schema() if plugin == NOTIFICATION else _get_schema(str(SCHEMAS), plugin, {}, None)[0]
        for key, value in settings.items():
            assert key in schema["properties"], f"{plugin} has no setting {key!r}"
            jsonschema.validate(value, schema["properties"][key])


def test_overrides_go_where_jupyterlab_reads_them():
    assert lab_settings.overrides_path() == Path(get_app_dir()) / "settings" / "overrides.json"


def test_this_environment_has_the_override_and_jupyterlab_applies_it():
    # `make test` (like `make lab`) installs it first; a bare pytest in a new venv needs
    # `python -m dlcourse.lab_settings`
    assert lab_settings.missing() == [], "run `python -m dlcourse.lab_settings` (make lab does)"
    overrides, error = _get_overrides(str(lab_settings.overrides_path().parent))
    assert not error
    assert _schema(overrides)["properties"]["fetchNews"]["default"] == "false"


def test_install_merges_into_existing_overrides_and_is_idempotent(tmp_path):
    path = lab_settings.overrides_path(tmp_path)
    path.parent.mkdir(parents=True)
    theirs = {"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
              NOTIFICATION: {"doNotDisturbMode": True, "fetchNews": "true"}}
    path.write_text(json.dumps(theirs))
    assert lab_settings.missing(tmp_path) == [f"{NOTIFICATION} fetchNews"] + [
        f"{NOTIFICATION} {k}" for k in lab_settings.course_overrides()[NOTIFICATION] if k != "fetchNews"]
    lab_settings.install(tmp_path)
    first = path.read_text()
    lab_settings.install(tmp_path)
    assert path.read_text() == first
    merged = json.loads(first)
    assert merged["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert merged[NOTIFICATION]["doNotDisturbMode"] is True
    assert merged[NOTIFICATION]["fetchNews"] == "false"
    assert lab_settings.missing(tmp_path) == []


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "dlcourse.lab_settings", *args],
                          capture_output=True, text=True, timeout=60)


def test_command_line_check_install_and_bad_input(tmp_path):
    check = _cli("--check", "--prefix", str(tmp_path))
    assert check.returncode == 1 and "fetchNews" in check.stdout
    assert _cli("--prefix", str(tmp_path)).returncode == 0
    assert _cli("--check", "--prefix", str(tmp_path)).returncode == 0
    lab_settings.overrides_path(tmp_path).write_text("{not json")
    broken = _cli("--prefix", str(tmp_path))
    assert broken.returncode == 2 and "Traceback" not in broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1, broken.stderr


@pytest.mark.parametrize("target", ["lab", "instructor", "test"])
def test_make_targets_install_the_override_first(target):
    plan = subprocess.run(["make", "-n", "-B", target, "PYTEST_ARGS=--co"], capture_output=True,
                          text=True, cwd=lab_settings.SOURCE.parent.parent, timeout=60).stdout
    lines = plan.splitlines()
    install = next(i for i, line in enumerate(lines) if "-m dlcourse.lab_settings" in line)
    run = next(i for i, line in enumerate(lines) if "jupyter lab" in line or "pytest" in line)
    assert install < run
