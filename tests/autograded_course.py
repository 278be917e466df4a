"""A tiny nbgrader course, autograded once per test session, for the feedback and report tests.

One synthetic assignment ``tiny`` with one notebook ``tiny.ipynb`` and three exercises graded by
the course's own checkers (each test cell: the visible ``check_NAME(fn)``, then the same checker
with ``hidden=True`` inside ``### BEGIN HIDDEN TESTS``):

==================  ======  =====  ======  =====  =======
exercise            points  ada    blank   bugsy  squeezy
==================  ======  =====  ======  =====  =======
test_weighted_sum   2       pass   fail    pass   fail (hidden case only)
test_relu           1       pass   fail    fail   fail
test_sigmoid        2       pass   fail    fail   pass
explain_relu        2      (free text, not marked: the instructor marks it by hand)
score (of 7)                5      0       2      2
==================  ======  =====  ======  =====  =======

- ``ada`` submits the right answers, ``blank`` the released notebook untouched (each answer cell
  raises ``NotImplementedError``, so each test cell fails with ``NameError``);
- ``bugsy``: a relu that changes its input in place, a sigmoid that overflows for large ``-z``;
- ``squeezy``: the same relu, and a weighted sum that squeezes a ``(1, d)`` batch to a number,
  which only the hidden case "a single sample as a (1, d) batch" catches.

The notebook opens with a Markdown cell of math and a table with math in its header (``MATH``),
what the feedback pages must render without network access; ``explain_relu`` is a written
answer (a graded Markdown cell) that nobody has marked yet: 2 of the 7 points are still to mark.

Everything is nbgrader's own: its ``GenerateAssignment`` and ``Autograde`` converters (what
``nbgrader generate_assignment`` and ``nbgrader autograde`` run) and its gradebook.
"""
from __future__ import annotations

import logging
import warnings
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde, GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from sqlalchemy.exc import SAWarning
from traitlets.config import Config, PyFileConfigLoader

ASSIGNMENT = "tiny"
NOTEBOOK = "tiny"
STUDENTS = ["ada", "blank", "bugsy", "squeezy"]
#: grade_id -> points, in notebook order
POINTS = {"test_weighted_sum": 2.0, "test_relu": 1.0, "test_sigmoid": 2.0}
#: grade_id -> points of the written answers, marked by hand (nobody has marked them yet)
FREE_TEXT = {"explain_relu": 2.0}
MAX_SCORE = sum(POINTS.values()) + sum(FREE_TEXT.values())
#: the notebook's first Markdown cell: display math, inline math, and a table with math headers
MATH = ("For $n$ targets $y_i$ and predictions $\\hat y_i$:\n\n"
        "$$\\text{MSE} = \\frac{1}{n}\\sum_{i=1}^{n} (\\hat y_i - y_i)^2 .$$\n\n"
        "| sample | $y$ | $\\hat y$ |\n|---|---|---|\n"
        "| 0 XOR 0 | 0 | 0.01 |\n| 0 XOR 1 | 1 | 0.98 |\n")

SOLUTIONS = {
    "weighted_sum": (
        "def weighted_sum(x, w, b):\n"
        "    return np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b\n"),
    "relu": (
        "def relu(z):\n"
        "    return np.maximum(np.asarray(z, dtype=float), 0.0)\n"),
    "sigmoid": (
        "def sigmoid(z):\n"
        "    z = np.asarray(z, dtype=float)\n"
        "    e = np.exp(-np.abs(z))\n"
        "    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n"),
}
MUTATING_RELU = (
    "def relu(z):\n"
    "    z = np.asarray(z, dtype=float)\n"
    "    z[z < 0] = 0.0\n"
    "    return z\n")
BUGS = {
    "bugsy": {
        "relu": MUTATING_RELU,
        "sigmoid": (  # overflows: np.exp(1000) is inf
            "def sigmoid(z):\n"
            "    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n"),
    },
    "squeezy": {
        "relu": MUTATING_RELU,
        "weighted_sum": (  # a (1, d) batch comes back as a number, not an array of shape (1,)
            "def weighted_sum(x, w, b):\n"
            "    return np.squeeze(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float)) + b\n"),
    },
}
#: grade_id -> students with full marks on it (by the table above)
PASSED = {"test_weighted_sum": {"ada", "bugsy"}, "test_relu": {"ada"},
          "test_sigmoid": {"ada", "squeezy"}}
SCORES = {"ada": 5.0, "blank": 0.0, "bugsy": 2.0, "squeezy": 2.0}


def _meta(grade_id: str, *, solution: bool = False, grade: bool = False, points: float = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution,
            "schema_version": 3, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook() -> nbformat.NotebookNode:
    """The instructor's notebook: solutions between markers, hidden tests in every test cell."""
    cells = [new_markdown_cell("# A tiny assignment"), new_markdown_cell(MATH),
             new_code_cell("import numpy as np", metadata=_meta("imports"))]
    for name, body in SOLUTIONS.items():
        header, rest = body.split("\n", 1)
        cells.append(new_code_cell(f"{header}\n    ### BEGIN SOLUTION\n{rest}    ### END SOLUTION",
                                   metadata=_meta(name, solution=True)))
        cells.append(new_code_cell(
            f"from dlcourse.checks import check_{name}\n"
            f"check_{name}({name})\n"
            "### BEGIN HIDDEN TESTS\n"
            f"check_{name}({name}, hidden=True)\n"
            "### END HIDDEN TESTS",
            metadata=_meta(f"test_{name}", grade=True, points=POINTS[f"test_{name}"])))
    cells.append(new_markdown_cell("Why does relu's gradient vanish for negative inputs?\n"
                                   "Answer in a sentence or two."))
    cells.append(new_markdown_cell("### BEGIN SOLUTION\nIts slope there is 0.\n### END SOLUTION",
                                   metadata=_meta("explain_relu", solution=True, grade=True,
                                                  points=FREE_TEXT["explain_relu"])))
    nb = new_notebook(cells=cells)
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.language_info = {"name": "python"}
    return nb


def submission(released: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The released notebook with the answer cells named in ``answers`` filled in."""
    nb = nbformat.from_dict(released)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in answers:
            cell.source = answers[meta["grade_id"]]
    return nb


def _converter_config(course: Path) -> Config:
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    return config


def build(course: Path) -> Path:
    """Create the course in ``course`` (an empty folder), autograde every student; return it.

    nbgrader's converters run in this process (its command line costs seconds to start, each time).
    """
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'dlcourse-feedback'\n"
        "c.ClearSolutions.code_stub = {'python': '# YOUR CODE HERE\\nraise NotImplementedError()'}\n"
        "c.ExecutePreprocessor.timeout = 120\n")
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    nbformat.write(source_notebook(), source / f"{NOTEBOOK}.ipynb")
    config = _converter_config(course)
    log = logging.getLogger("tests.autograded_course")
    coursedir = CourseDirectory(config=config, assignment_id=ASSIGNMENT)
    GenerateAssignment(coursedir=coursedir, config=config, force=True, log=log).start()

    released = nbformat.read(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    answers = {
        "ada": {**SOLUTIONS, "explain_relu": "Its derivative is 0 for z < 0."},
        "blank": {},
        "bugsy": {**SOLUTIONS, **BUGS["bugsy"]},
        "squeezy": {**SOLUTIONS, **BUGS["squeezy"]},
    }
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        for student in STUDENTS:
            gb.add_student(student, first_name=student.title(), last_name="Student")
    for student in STUDENTS:
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(submission(released, answers[student]), folder / f"{NOTEBOOK}.ipynb")
    with warnings.catch_warnings():
        # nbgrader's own add_submission trips SQLAlchemy's autoflush warnings; not ours to fix
        warnings.simplefilter("ignore", SAWarning)
        Autograde(coursedir=coursedir, config=config, force=True, log=log).start()
    return course


_built: dict[str, Path] = {}


def autograded_course(tmp_path_factory) -> Path:
    """The course, built on first use and shared by every test module of the session.

    Tests must not change it; a test that needs to break something works on a copy.
    """
    if "course" not in _built:
        _built["course"] = build(tmp_path_factory.mktemp("tiny-course"))
    return _built["course"]
