"""A tiny nbgrader course and a cohort of simulated students, for the autograder's tests.

The assignment ``tiny`` has one notebook with three exercises that run in milliseconds:
``square`` (test worth 2 points, which also reads the data file ``data.txt`` shipped with the
assignment), ``add`` (1 point) and ``greet`` (3 points, with a hidden test). Students are written
as {grade id of an answer cell: the code the student typed there}.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "tiny"
POINTS = {"test_square": 2.0, "test_add": 1.0, "test_greet": 3.0}
HIDDEN_MARKER = "HIDDEN-SECRET-7731"

SOLUTION = {
    "square": "def square(x):\n    return x * x\n",
    "add": "def add(a, b):\n    return a + b\n",
    "greet": 'def greet():\n    return "hello, grader"\n',
}


def _meta(grade_id: str, *, solution=False, grade=False, points=0, locked=False) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook() -> nbformat.NotebookNode:
    def answer(grade_id, body):
        return new_code_cell(body, metadata=_meta(grade_id, solution=True))

    def test(grade_id, body):
        return new_code_cell(body, metadata=_meta(grade_id, grade=True, locked=True,
                                                  points=POINTS[grade_id]))
    nb = new_notebook(cells=[
        new_markdown_cell("# A tiny assignment\nThree small functions."),
        answer("square", "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n"
                         "    ### END SOLUTION\n"),
        test("test_square", 'assert square(3) == 9\nassert open("data.txt").read().strip() == "42"'),
        answer("add", "def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n"
                      "    ### END SOLUTION\n"),
        test("test_add", "assert add(2, 3) == 5"),
        answer("greet", 'def greet():\n    ### BEGIN SOLUTION\n    return "hello, grader"\n'
                        "    ### END SOLUTION\n"),
        test("test_greet", "assert isinstance(greet(), str)\n### BEGIN HIDDEN TESTS\n"
                           f'assert greet() == "hello, grader"  # {HIDDEN_MARKER}\n'
                           "### END HIDDEN TESTS"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def nbgrader_cli(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                            capture_output=True, text=True, timeout=900)
    if check:
        assert result.returncode == 0, \
            f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def write_config(course: Path, db_url: str | None = None) -> None:
    lines = ["c = get_config()",
             "c.CourseDirectory.course_id = 'autograder-tests'",
             f"c.CourseDirectory.root = {str(course)!r}",
             "c.ClearSolutions.code_stub = {'python': '# YOUR CODE HERE\\nraise NotImplementedError()'}",
             "c.ClearSolutions.text_stub = 'YOUR ANSWER HERE'"]
    if db_url:
        lines.append(f"c.CourseDirectory.db_url = {db_url!r}")
    (course / "nbgrader_config.py").write_text("\n".join(lines) + "\n")


_TEMPLATE: Path | None = None


def generate_here(course: Path, db_url: str | None = None, assignment: str = ASSIGNMENT) -> None:
    """``nbgrader generate_assignment <assignment> --force`` in this process (nbgrader's own
    converter, as ``NbGraderAPI.generate_assignment`` runs it), into ``db_url`` when given."""
    import logging

    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log, temp_attrs

    from autograder.course import load_config

    config = load_config(course, db_url)
    coursedir = CourseDirectory(config=config)
    log = logging.getLogger("tests.autograder.generate")
    log.propagate = False
    with temp_attrs(coursedir, assignment_id=assignment):
        app = GenerateAssignment(coursedir=coursedir, config=config, log=log)
        app.force = True
        app.create_assignment = True
        result = capture_log(app)
    assert result["success"], result.get("error", "") + result.get("log", "")


def _template() -> Path:
    """The tiny course generated once per test session (nbgrader takes seconds to start)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        course = Path(tempfile.mkdtemp(prefix="autograder-template-")) / "course"
        course.mkdir()
        write_config(course)
        src = course / "source" / ASSIGNMENT
        src.mkdir(parents=True)
        nbformat.write(source_notebook(), src / f"{ASSIGNMENT}.ipynb")
        (src / "data.txt").write_text("42\n")
        generate_here(course)
        atexit.register(shutil.rmtree, course.parent, True)
        _TEMPLATE = course
    return _TEMPLATE


def make_course(course: Path, db_url: str | None = None) -> nbformat.NotebookNode:
    """A course with the tiny assignment generated (in the gradebook); returns the released nb.

    With ``db_url`` the assignment is generated into that database (which the course's config does
    not name: the grader must be told, ``--db-url``); otherwise the course is a copy of a template
    generated once (sqlite gradebook.db)."""
    if db_url:
        course.mkdir(parents=True, exist_ok=True)
        write_config(course)
        shutil.copytree(_template() / "source", course / "source")
        generate_here(course, db_url)
    else:
        shutil.copytree(_template(), course)
        write_config(course)
    return nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


def fill(released: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(released)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def write_submission(submissions: Path, student: str, nb_or_bytes, name: str = ASSIGNMENT,
                     assignment: str = ASSIGNMENT) -> Path:
    folder = submissions / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    if isinstance(nb_or_bytes, bytes):
        path.write_bytes(nb_or_bytes)
    else:
        nbformat.write(nb_or_bytes, path)
    return path


def run_grader(course: Path, submissions: Path, *args: str, timeout: float = 600,
               env_extra: dict | None = None, **popen) -> subprocess.CompletedProcess:
    env = dict(os.environ, **(env_extra or {}))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "autograder", "grade", ASSIGNMENT,
                           str(submissions), "--course", str(course), "--no-report", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
                          **popen)


def grade_here(course: Path, submissions: Path, *args: str, assignment: str = ASSIGNMENT,
               report: bool = False) -> tuple[int, str, str]:
    """Run ``python -m autograder grade`` in this process (no interpreter start-up to pay):
    (exit code, stdout, stderr). ``report``: also write the report and the feedback."""
    import contextlib
    import io

    from autograder.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["grade", assignment, str(submissions), "--course", str(course),
                     *([] if report else ["--no-report"]), *args])
    return code, out.getvalue(), err.getvalue()


def grader_command(course: Path, submissions: Path, *args: str,
                   assignment: str = ASSIGNMENT) -> list[str]:
    return [sys.executable, "-m", "autograder", "grade", assignment, str(submissions),
            "--course", str(course), "--no-report", *args]


def grader_env() -> dict:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(ROOT)
    return env


def scores(db_url: str, student: str, assignment: str = ASSIGNMENT,
           notebook: str = ASSIGNMENT) -> tuple[dict[str, float | None], float]:
    """{test grade id: auto score}, and the submission's total, from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        nb = gb.find_submission_notebook(notebook, assignment, student)
        per_cell = {g.name: g.auto_score for g in nb.grades}
        total = gb.find_submission(assignment, student).score
    return per_cell, total


def snapshot(folder: Path) -> dict[str, str]:
    """relative path -> sha256, for every file under folder."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
