"""The autograder's grades are nbgrader's grades: lesson 01, three students, two identical courses.

One copy is graded by plain ``nbgrader autograde`` (sequential, unsandboxed), the other by
``python -m autograder grade`` with 2 workers in the sandbox. Every grade cell of every student
must get the same score, the same manual-grading flag, and the same failing test cells.
"""
from __future__ import annotations

import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

from .autograder_cohort import ROOT, grader_command, grader_env, nbgrader_cli
from .test_grading import BUGS, answers_from_solution, fill_in

pytestmark = pytest.mark.root  # the grading sandbox (conftest.py)

LESSON = "01-neuron"
STUDENTS = ["ada", "blank", "bugsy"]


def _write_config(course):
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'dlcourse-identity'\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.ClearSolutions.code_stub = {'python': '# YOUR CODE HERE\\nraise NotImplementedError()'}\n"
        "c.ClearSolutions.text_stub = 'YOUR ANSWER HERE'\n"
        "c.ExecutePreprocessor.timeout = 300\n")


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    import subprocess

    base = tmp_path_factory.mktemp("identity")
    plain = base / "plain"
    plain.mkdir()
    _write_config(plain)
    shutil.copytree(ROOT / "solutions" / LESSON, plain / "source" / LESSON)
    nbgrader_cli(plain, "generate_assignment", LESSON, "--force")
    ours = base / "ours"
    shutil.copytree(plain, ours)
    _write_config(ours)

    downloads = base / "downloads"
    for released_path in sorted((plain / "release" / LESSON).glob("*.ipynb")):
        solution = nbformat.read(ROOT / "solutions" / LESSON / released_path.name, as_version=4)
        released = nbformat.read(released_path, as_version=4)
        answers = answers_from_solution(solution)
        for student, nb in {"ada": fill_in(released, answers), "blank": released,
                            "bugsy": fill_in(released, {**answers, **BUGS[LESSON]})}.items():
            for folder in (plain / "submitted", downloads):
                (folder / student / LESSON).mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, folder / student / LESSON / released_path.name)

    nbgrader_cli(plain, "autograde", LESSON, "--force")
    run = subprocess.run(grader_command(ours, downloads, "--workers", "2", assignment=LESSON),
                         cwd=ROOT, env=grader_env(), capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 graded, 0 failed" in run.stdout, run.stdout
    return plain, ours


def _grades(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        result = {}
        for student in STUDENTS:
            submission = gb.find_submission(LESSON, student)
            result[student] = {
                "total": submission.score,
                "cells": {(nb.name, g.name): (g.auto_score, g.needs_manual_grade)
                          for nb in submission.notebooks for g in nb.grades}}
        return result


def _failing_tests(course, student):
    failing = set()
    for path in sorted((course / "autograded" / student / LESSON).glob("*.ipynb")):
        for cell in nbformat.read(path, 4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade") and any(
                    o.output_type == "error" for o in cell.outputs):
                failing.add((path.stem, meta["grade_id"], next(
                    o.ename for o in cell.outputs if o.output_type == "error")))
    return failing


def test_every_grade_cell_scores_the_same(courses):
    plain, ours = courses
    expected, got = _grades(plain), _grades(ours)
    for student in STUDENTS:
        assert got[student]["cells"] == expected[student]["cells"], student
        assert got[student]["total"] == expected[student]["total"], student


def test_the_cohort_is_not_trivial(courses):
    plain, _ = courses
    grades = _grades(plain)
    assert grades["blank"]["total"] == 0
    assert 0 < grades["bugsy"]["total"] < grades["ada"]["total"]


@pytest.mark.parametrize("student", STUDENTS)
def test_the_same_tests_fail_with_the_same_errors(courses, student):
    plain, ours = courses
    assert _failing_tests(ours, student) == _failing_tests(plain, student)
