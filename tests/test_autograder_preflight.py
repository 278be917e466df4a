"""The preflight: before the first student, the grader grades the instructor's own solution
through the same sandbox, limits and verifier, and refuses to go on when it loses points.

A broken set-up (here: the data file the assignment reads is missing from the source folder, as
when a package or a file is out of the sandbox's sight) would otherwise give every student the
same zero, recorded as "graded".
"""
from __future__ import annotations

import json
import shutil

import pytest
from nbgrader.api import Gradebook, MissingEntry

from .autograder_cohort import (ASSIGNMENT, SOLUTION, fill, make_course, run_grader,
                                write_submission)
from .test_autograder_cohort import visible_base

pytestmark = pytest.mark.root  # the grading sandbox (conftest.py)

PREFLIGHT_EXIT = 3


def _broken_course():
    base = visible_base()
    course, submissions = base / "course", base / "submissions"
    released = make_course(course)
    (course / "source" / ASSIGNMENT / "data.txt").unlink()   # what test_square reads
    write_submission(submissions, "ada", fill(released, SOLUTION))
    write_submission(submissions, "bob", fill(released, SOLUTION))
    return base, course, submissions


def _recorded(course) -> list[str]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        found = []
        for student in ("ada", "bob"):
            try:
                gb.find_submission(ASSIGNMENT, student)
                found.append(student)
            except MissingEntry:
                pass
        return found


def test_a_broken_set_up_is_refused_before_any_student_and_nothing_is_recorded():
    base, course, submissions = _broken_course()
    try:
        result = run_grader(course, submissions, "--workers", "1")
        assert result.returncode == PREFLIGHT_EXIT, result.stderr[-2000:]
        assert "preflight failed, nothing graded or recorded" in result.stderr
        assert "gets 0 of 2 points in test_square" in result.stderr
        assert "FileNotFoundError" in result.stderr and "data.txt" in result.stderr
        assert _recorded(course) == []
        state = course / ".autograder" / ASSIGNMENT / "state.json"
        assert not state.exists() or not json.loads(state.read_text()).get("submissions")
        assert not list((course / "autograded").glob("*/" + ASSIGNMENT))
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_no_preflight_grades_anyway_and_the_set_up_costs_everyone_the_same_points():
    base, course, submissions = _broken_course()
    try:
        result = run_grader(course, submissions, "--workers", "1", "--no-preflight")
        assert result.returncode == 0, result.stderr[-2000:]
        assert sorted(_recorded(course)) == ["ada", "bob"]
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            assert gb.find_submission(ASSIGNMENT, "ada").score == 4.0   # test_square's 2 lost
    finally:
        shutil.rmtree(base, ignore_errors=True)
