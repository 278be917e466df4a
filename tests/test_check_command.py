"""``python -m dlcourse check``: a student's notebook checked the way the grader will check it.

Lesson 01 (the quickest) is run three times in all: the solution (everything passes), and a
folder holding the student version (nothing attempted) and a solution with one wrong answer.
Bad input is refused before any kernel starts: one line and exit status 2.
"""
from __future__ import annotations

import importlib.machinery
import json
import subprocess
import sys
import types

import nbformat
import pytest

from dlcourse import __main__ as cli
from dlcourse import notebook_check
from dlcourse.checks import EXERCISES

from .notebooks import LESSONS, SOLUTIONS, ROOT, read

SOLUTION = SOLUTIONS / "01-neuron" / "01-neuron.ipynb"
STUDENT = LESSONS / "01-neuron" / "01-neuron.ipynb"
WRONG_RELU = "def relu(z):\n    return np.abs(z)\n"


def _test_cells(nb) -> dict[str, float]:
    """exercise -> points, from the test cells' nbgrader metadata."""
    out = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and str(meta.get("grade_id", "")).startswith("test_"):
            out[meta["grade_id"][len("test_"):]] = float(meta["points"])
    return out


def _check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dlcourse", "check", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_the_solution_passes_with_every_point():
    points = _test_cells(read(SOLUTION))
    run = _check(str(SOLUTION))
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.strip().splitlines()
    assert len(lines) == len(points) + 1
    for line, name in zip(lines, points):
        assert line.split() == [name, "passed"], line
    total = f"{sum(points.values()):g}"
    assert lines[-1] == f"{total} / {total} points"


def test_a_folder_in_json_says_what_each_notebook_lacks(tmp_path):
    (tmp_path / "student").mkdir()
    (tmp_path / "planted").mkdir()
    (tmp_path / "student" / STUDENT.name).write_bytes(STUDENT.read_bytes())
    nb = read(SOLUTION)
    relu_cell = next(c for c in nb.cells
                     if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "relu")
    relu_cell.source = WRONG_RELU
    nbformat.write(nb, tmp_path / "planted" / SOLUTION.name)

    run = _check(str(tmp_path), "--json")
    assert run.returncode == 1, run.stdout + run.stderr
    report = json.loads(run.stdout)
    points = _test_cells(nb)
    planted, student = report["notebooks"]  # sorted: planted/ before student/
    assert planted["path"].endswith("planted/01-neuron.ipynb")
    assert student["path"].endswith("student/01-neuron.ipynb")

    assert [e["name"] for e in student["exercises"]] == list(points)
    assert {e["status"] for e in student["exercises"]} == {"not attempted"}
    assert student["points"] == 0 and student["max_points"] == sum(points.values())

    statuses = {e["name"]: e["status"] for e in planted["exercises"]}
    assert statuses == {name: "failed" if name == "relu" else "passed" for name in points}
    relu = next(e for e in planted["exercises"] if e["name"] == "relu")
    # the checker's own message for that answer, on the same hidden draws
    scope = {"np": __import__("numpy")}
    exec(WRONG_RELU, scope)
    expected = EXERCISES["relu"].first_failure(scope["relu"], hidden=True, seed=report["seed"])
    assert expected is not None and relu["message"] == expected
    assert relu["points"] == 0
    assert planted["points"] == sum(points.values()) - points["relu"]
    assert report["passed"] is False


def test_a_kernel_that_dies_leaves_the_exercises_after_it_in_error(tmp_path):
    """An answer that ends Python (``os._exit``): what ran before is checked as usual, the
    exercise whose cell killed the kernel and every later one are errors that say so."""
    nb = read(SOLUTION)
    tanh_cell = next(c for c in nb.cells
                     if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "tanh")
    tanh_cell.source += "\nimport os\nos._exit(1)\n"
    nbformat.write(nb, tmp_path / SOLUTION.name)

    run = _check(str(tmp_path / SOLUTION.name), "--json")
    assert run.returncode == 1, run.stdout + run.stderr
    [report] = json.loads(run.stdout)["notebooks"]
    names = list(_test_cells(nb))
    died_at = names.index("tanh")
    statuses = [e["status"] for e in report["exercises"]]
    assert statuses == ["passed"] * died_at + ["error"] * (len(names) - died_at)
    for exercise in report["exercises"][died_at:]:
        assert "kernel died" in exercise["message"], exercise
    assert report["points"] == sum(list(_test_cells(nb).values())[:died_at])


def test_text_lines_show_each_status_and_the_first_line_of_the_message(capsys):
    result = notebook_check.NotebookResult("nb.ipynb", [
        notebook_check.ExerciseResult("sigmoid", "passed", None, 2, 2),
        notebook_check.ExerciseResult("relu", "failed", "relu failed the case 'x'.\nHint: h", 0, 1),
        notebook_check.ExerciseResult("tanh", "not attempted", "tanh has not been written", 0, 2),
        notebook_check.ExerciseResult("neuron", "error", "the kernel died\nmore", 0, 1.5),
    ])
    notebook_check.print_text([result], sys.stdout)
    assert capsys.readouterr().out.splitlines() == [
        "  sigmoid  passed",
        "  relu     failed: relu failed the case 'x'.",
        "  tanh     not attempted",
        "  neuron   error: the kernel died",
        "2 / 6.5 points",
    ]


def _notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("make, says", [
    (lambda d: d / "missing.ipynb", "no such file or folder"),
    (lambda d: (d / "notes.txt").write_text("hello") and d / "notes.txt", "not a notebook"),
    (lambda d: (d / "broken.ipynb").write_text('{"cells": [') and d / "broken.ipynb",
     "cannot be read as a notebook"),
    (lambda d: (d / "other.ipynb").write_text('{"a": 1}') and d / "other.ipynb",
     "cannot be read as a notebook"),
    (lambda d: _notebook(d / "mine.ipynb", [nbformat.v4.new_code_cell("1 + 1")]),
     "not a notebook of a known lesson"),
    (lambda d: (d / "empty").mkdir() or d / "empty", "holds no notebook"),
])
def test_bad_input_gets_one_line_and_exit_2(tmp_path, capsys, make, says):
    path = make(tmp_path)
    assert cli.main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and says in lines[0], captured.err
    assert "Traceback" not in captured.err


def test_bad_input_is_refused_before_any_notebook_runs(tmp_path, capsys, monkeypatch):
    ran = []
    monkeypatch.setattr(notebook_check, "check_notebook", lambda *a: ran.append(a))
    assert cli.main(["check", str(SOLUTION), str(tmp_path / "missing.ipynb")]) == 2
    assert ran == []


def test_a_bad_option_is_a_usage_error(capsys):
    assert cli.main(["check", str(SOLUTION), "--timeout", "soon"]) == 2
    assert "not a positive duration" in capsys.readouterr().err


def test_doctor_is_dispatched_to_its_module(monkeypatch):
    seen = []
    doctor = types.ModuleType("dlcourse.doctor")
    doctor.__spec__ = importlib.machinery.ModuleSpec("dlcourse.doctor", None)
    doctor.main = lambda argv: seen.append(argv) or 0
    monkeypatch.setitem(sys.modules, "dlcourse.doctor", doctor)
    assert cli.main(["doctor", "--json"]) == 0
    assert seen == [["--json"]]


def test_importing_dlcourse_stays_light():
    code = ("import sys, dlcourse, dlcourse.__main__, dlcourse.checks; "
            "print(sorted(m for m in ('torch', 'tensorflow', 'nbclient', 'IPython', 'nbgrader') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
