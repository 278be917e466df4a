"""`python -m dlcourse doctor` reports what this environment really has, survives broken frameworks,
and tells whether lessons/ is what nbgrader generates from solutions/."""
from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from dlcourse import doctor, lab_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def report():
    result = subprocess.run([sys.executable, "-m", "dlcourse", "doctor", "--quick", "--json"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_json_report_holds_this_environments_versions_and_threads(report):
    status, data = report
    assert data["python"]["version"] == platform.python_version()
    assert data["python"]["executable"] == sys.executable
    for name in doctor.LIGHT:
        assert data["packages"][name] == {"status": "ok", "version": metadata.version(name)}
    # tensorflow-cpu by default, tensorflow after `make lab GPU=1`
    tf_version, tf_dist = doctor._distribution_version("tensorflow", "tensorflow-cpu")
    for name, version in (("torch", metadata.version("torch")), ("tensorflow", tf_version),
                          ("jax", metadata.version("jax")), ("keras", metadata.version("keras"))):
        assert data["frameworks"][name]["status"] == "ok", data["frameworks"][name]
        assert data["frameworks"][name]["version"] == version
    assert data["frameworks"]["tensorflow"]["distribution"] == tf_dist
    assert data["cpu"]["available"] == len(os.sched_getaffinity(0))
    assert data["cpu"]["machine"] == os.cpu_count()
    assert 1 <= data["frameworks"]["torch"]["threads"] <= os.cpu_count()
    assert data["lessons"] == {"status": "skipped", "why": "--quick"}
    assert data["seconds"] < 60
    assert status == (1 if data["problems"] else 0)


def test_gpu_devices_are_what_each_framework_reports(report):
    _, data = report
    frameworks = data["frameworks"]
    smi = shutil.which("nvidia-smi")
    assert (data["nvidia_smi"]["status"] == "not found") == (smi is None)
    if smi is None:  # no NVIDIA driver: no framework can see a CUDA device
        assert frameworks["torch"]["gpus"] == [] and frameworks["tensorflow"]["gpus"] == []
        assert frameworks["jax"]["gpus"] == [] and frameworks["jax"]["backend"] == "cpu"
    assert [d for d in frameworks["jax"]["devices"] if d.startswith(("cuda", "gpu"))] == \
        frameworks["jax"]["gpus"]
    # a CUDA build of torch says so in its version (+cu130) or in its requirements (PyPI's Linux wheel)
    torch_version = metadata.version("torch")
    cuda_build = "+cu" in torch_version or (
        "+cpu" not in torch_version and any(r.startswith("nvidia") for r in metadata.requires("torch") or []))
    assert (frameworks["torch"]["cuda_build"] is not None) == cuda_build


def test_extensions_and_course_settings_are_read_from_jupyters_config(report):
    _, data = report
    jupyter = data["jupyter"]
    assert jupyter["server_extensions"] == {name: True for name in doctor.NBGRADER_SERVER_EXTENSIONS}
    assert jupyter["nbgrader_lab_extension"] == "enabled"
    assert jupyter["widgets_lab_extension"] == "enabled"
    assert jupyter["course_settings"] == {"path": str(lab_settings.overrides_path()),
                                         "installed": True, "missing": []}


def _fake_package(folder: Path, name: str, body: str) -> None:
    (folder / name).mkdir()
    (folder / name / "__init__.py").write_text(body)


def test_a_broken_or_crashing_framework_is_reported_and_the_rest_goes_on(tmp_path, monkeypatch, capsys):
    _fake_package(tmp_path, "jax", "raise ImportError('simulated: jaxlib is missing')\n")
    _fake_package(tmp_path, "tensorflow", "import os\nos.abort()\n")  # a crash, not an exception
    monkeypatch.syspath_prepend(str(tmp_path))
    status = doctor.main(["--quick"])
    out = capsys.readouterr().out
    assert status == 1
    lines = out.splitlines()
    assert "  jax         broken: ImportError: simulated: jaxlib is missing" in lines
    assert any(line.startswith("  tensorflow  broken: its process ended with status -")
               for line in lines), out
    # keras is imported in TensorFlow's probe: it cannot be known when TensorFlow crashed
    assert "  keras       unknown: TensorFlow could not be imported" in lines
    torch_line = next(line for line in lines if line.startswith("  torch "))
    assert metadata.version("torch") in torch_line and ("CPU build" in torch_line or "CUDA" in torch_line)
    assert f"  numpy       {metadata.version('numpy')}" in lines
    assert "nbgrader server extensions: 4 of 4 enabled" in out
    problems = lines[lines.index("problems: ") + 1:]
    assert any("jax is broken: ImportError: simulated" in p for p in problems)
    assert any("tensorflow is broken" in p for p in problems)


def test_a_broken_light_package_is_reported_not_raised(tmp_path, monkeypatch):
    _fake_package(tmp_path, "dlcourse_doctor_fake", "1 / 0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert doctor.light_package("dlcourse_doctor_fake") == {
        "status": "broken", "error": "ZeroDivisionError: division by zero"}
    assert doctor.light_package("dlcourse_doctor_absent") == {"status": "not installed"}


def test_lessons_check_regenerates_with_nbgrader_and_names_a_stale_notebook(tmp_path):
    lesson = "01-neuron"
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    for folder in ("solutions", "lessons"):
        shutil.copytree(ROOT / folder / lesson, tmp_path / folder / lesson)
    fresh = doctor.lessons_report(tmp_path)
    assert fresh["status"] == "up to date" and fresh["stale"] == [] and fresh["assignments"] == 1
    notebook = next((tmp_path / "lessons" / lesson).glob("*.ipynb"))
    nb = json.loads(notebook.read_text())
    nb["cells"][0]["source"] = "# an edit made by hand in lessons/\n"
    notebook.write_text(json.dumps(nb))
    gone = tmp_path / "lessons" / "99-gone"  # a lesson solutions/ no longer has
    gone.mkdir()
    shutil.copy(notebook, gone / "99-gone.ipynb")
    stale = doctor.lessons_report(tmp_path)
    assert stale["status"] == "stale"
    assert stale["stale"] == ["99-gone", str(notebook.relative_to(tmp_path / "lessons"))]


def test_bad_usage_exits_2_with_argparses_message(capsys):
    with pytest.raises(SystemExit) as exit_:
        doctor.main(["--no-such-option"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_extensions_turned_off_in_jupyters_config_are_reported(tmp_path, monkeypatch, capsys):
    (tmp_path / "jupyter_server_config.d").mkdir()
    (tmp_path / "jupyter_server_config.d" / "off.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": False}}}))
    (tmp_path / "labconfig").mkdir()
    (tmp_path / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyter/nbgrader:formgrader": True}}))
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "0")  # the user's config first
    jupyter = doctor.jupyter_report()
    assert jupyter["server_extensions"] == {
        name: not name.endswith("formgrader") for name in doctor.NBGRADER_SERVER_EXTENSIONS}
    assert jupyter["nbgrader_lab_extension"] == "disabled: @jupyter/nbgrader:formgrader"
    assert jupyter["widgets_lab_extension"] == "enabled"
    assert doctor.main(["--extensions"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "nbgrader's server extensions not enabled: formgrader",
        "nbgrader's JupyterLab extension: disabled: @jupyter/nbgrader:formgrader"]
    monkeypatch.delenv("JUPYTER_CONFIG_DIR")
    assert doctor.main(["--extensions", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["problems"] == []
