"""A set-up that breaks during a run: when most submissions fail the same instructor cell with the
same error, the grader stops (exit 3) and records none of them (``autograder.setup_failure``).

The broken set-up here is one the preflight cannot see: the course keeps the students' own
``data.txt`` (``Autograde.exclude_overwriting``), the locked set-up cell of the notebook reads it,
and the submissions came without it (an LMS download that kept only the notebooks). The preflight
grades the source folder, where ``data.txt`` lies, and passes; every student without the file
fails the set-up cell with the same ``FileNotFoundError`` and would be recorded with the points
of ``test_square`` lost.
"""
from __future__ import annotations

import json
import re
import shutil

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbgrader.api import Gradebook, MissingEntry

from autograder.setup_failure import SetupWatch, Signature, signature

from .autograder_cohort import (ASSIGNMENT, POINTS, SOLUTION, fill, generate_here, grade_here,
                                make_course, scores, write_submission)
from .test_autograder_cohort import visible_base

PREFLIGHT_EXIT = 3
FULL = sum(POINTS.values())
STUDENTS = ["ada", "bob", "cora", "dan", "eve", "fay"]
SETUP = 'DATA = open("data.txt").read().strip()'


def _nbgrader(grade_id: str, *, solution=False, grade=False, locked=False) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = 1
    return {"nbgrader": meta}


def _course_with_setup_cell(course) -> nbformat.NotebookNode:
    """The tiny course with a locked set-up cell first that reads ``data.txt``, and that file
    kept from the student's folder (not the source's); returns the released notebook."""
    make_course(course)
    source = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.cells.insert(1, new_code_cell(SETUP, metadata=_nbgrader("setup", locked=True)))
    nbformat.write(nb, source)
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"c.Autograde.exclude_overwriting = {{{ASSIGNMENT!r}: ['data.txt']}}\n")
    generate_here(course)
    return nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


def _cohort(without_data: set[str]):
    """Six students with correct answers; those in ``without_data`` handed in no data.txt."""
    base = visible_base()
    course, submissions = base / "course", base / "submissions"
    released = _course_with_setup_cell(course)
    for student in STUDENTS:
        path = write_submission(submissions, student, fill(released, SOLUTION))
        if student not in without_data:
            (path.parent / "data.txt").write_text("42\n")
    return base, course, submissions


def _in_gradebook(course) -> list[str]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        found = []
        for student in STUDENTS:
            try:
                gb.find_submission(ASSIGNMENT, student)
                found.append(student)
            except MissingEntry:
                pass
        return found


def _in_state(course) -> dict[str, str]:
    state = course / ".autograder" / ASSIGNMENT / "state.json"
    students = json.loads(state.read_text())["students"] if state.exists() else {}
    return {student: entry["status"] for student, entry in students.items()}


def test_most_submissions_failing_the_set_up_cell_alike_stop_the_run_and_nothing_held_is_recorded():
    base, course, submissions = _cohort(without_data=set(STUDENTS) - {"ada"})
    try:
        code, out, err = grade_here(course, submissions, "--workers", "1")
        assert code == PREFLIGHT_EXIT, err[-3000:]
        # ada is recorded; bob, cora, dan are held back: 3 of 4 finished, the run stops
        message = re.search(r"grading stopped, the set-up looks broken: .*", err)
        assert message, err[-3000:]
        assert message.group(0).startswith(
            'grading stopped, the set-up looks broken: 3 of 4 submissions failed code cell 1 of '
            '7 (grade id "setup") of tiny with the same error: FileNotFoundError: [Errno 2] No '
            "such file or directory: 'data.txt'; held back and not recorded: bob, cora, dan; "
            "fix the set-up"), message.group(0)
        assert "preflight failed" not in err   # the preflight graded the source, data.txt there
        assert _in_gradebook(course) == ["ada"]
        assert _in_state(course) == {"ada": "graded"}
        assert scores(f"sqlite:///{course / 'gradebook.db'}", "ada")[1] == FULL
        assert not list((course / "autograded").glob(f"[!a]*/{ASSIGNMENT}"))
        assert "5 not graded (stopped)" in out
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_minority_failing_the_set_up_cell_is_graded_to_the_end_and_recorded_as_usual():
    base, course, submissions = _cohort(without_data={"ada", "bob"})
    try:
        code, out, err = grade_here(course, submissions, "--workers", "1", "--no-preflight")
        assert code == 0, err[-3000:]
        assert "grading stopped" not in err
        assert "ada: held back, the set-up may be broken" in out   # held, then recorded at the end
        assert _in_gradebook(course) == STUDENTS
        assert _in_state(course) == {student: "graded" for student in STUDENTS}
        url = f"sqlite:///{course / 'gradebook.db'}"
        for student in ("ada", "bob"):   # test_square reads data.txt too
            assert scores(url, student)[1] == FULL - POINTS["test_square"]
        for student in STUDENTS[2:]:
            assert scores(url, student)[1] == FULL
    finally:
        shutil.rmtree(base, ignore_errors=True)


# -- the signature and the count, on hand-made executed notebooks -------------------------------

def _error(ename: str, evalue: str):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _executed(*cells, status: str = "graded") -> dict:
    """An executed notebook as ``execute_notebook`` returns it: cells are (kind, grade id,
    error or None), kind "setup" (locked), "answer" (solution) or "test" (grade, locked)."""
    flags = {"setup": {"locked": True}, "answer": {"solution": True},
             "test": {"grade": True, "locked": True}}
    nb = new_notebook()
    for kind, grade_id, error in cells:
        cell = new_code_cell("pass", metadata=_nbgrader(grade_id, **flags[kind]))
        cell.outputs = [error] if error is not None else []
        nb.cells.append(cell)
    return {"status": status, "reason": None, "notebook": nbformat.writes(nb)}


def test_the_signature_is_an_environment_error_in_a_cell_the_student_did_not_write():
    missing = _error("ModuleNotFoundError", "No module named 'dlcourse'")
    broken = _executed(("setup", "setup", missing), ("answer", "square", None),
                       ("test", "test_square", _error("NameError", "name 'np' is not defined")))
    assert signature("tiny", broken) == Signature("tiny", "setup", "ModuleNotFoundError",
                                                  "No module named 'dlcourse'")
    assert signature("tiny", broken).where == 'code cell 1 of 3 (grade id "setup")'

    wrong = _executed(("setup", "setup", None), ("answer", "square", None),
                      ("test", "test_square", _error("AssertionError", "")))
    assert signature("tiny", wrong) is None
    # a blank answer, then the instructor's cell that uses it: the student's, not the set-up's
    blank = _executed(("answer", "square", _error("NotImplementedError", "")),
                      ("setup", "plot", _error("NameError", "name 'square' is not defined")))
    assert signature("tiny", blank) is None
    # a test cell that cannot read its data, whatever the answers did before
    no_data = _executed(("answer", "square", _error("NotImplementedError", "")),
                        ("test", "test_square", _error(
                            "FileNotFoundError", "[Errno 2] No such file: 'data.txt'\nmore")))
    assert signature("tiny", no_data) == Signature("tiny", "test_square", "FileNotFoundError",
                                                   "[Errno 2] No such file: 'data.txt'")
    died = _executed(("setup", "setup", _error("KernelDied", "the kernel died (signal 11)")),
                     ("answer", "square", _error("KernelDied", "not run: the kernel died")),
                     status="crashed")
    assert signature("tiny", died).ename == "KernelDied"
    late_death = _executed(("answer", "square", None),
                           ("setup", "plot", _error("KernelDied", "the kernel died (signal 9)")),
                           status="crashed")
    assert signature("tiny", late_death) is None


def test_a_signature_stops_the_run_when_three_and_more_than_half_of_the_finished_hold_it():
    sig = Signature("tiny", "setup", "ModuleNotFoundError", "No module named 'dlcourse'")
    watch = SetupWatch()
    held = [watch.finish(s, found, s) for s, found in
            [("b", []), ("d", []), ("a", [sig]), ("f", []), ("c", [sig]), ("e", [sig])]]
    assert held == [False, False, True, False, True, True]
    assert watch.tripped is None and watch.stop_message() is None   # 3 of 6: not more than half
    assert watch.release() == ["a", "c", "e"] and watch.held == {}

    watch = SetupWatch()
    for student, found in [("a", [sig]), ("b", [sig]), ("c", []), ("d", [])]:
        watch.finish(student, found, student)
    assert watch.tripped is None   # 2: fewer than 3
    watch.finish("e", [sig], "e")
    assert watch.tripped == sig   # 3 of 5
    assert watch.stop_message().startswith(
        "grading stopped, the set-up looks broken: 3 of 5 submissions failed")
    assert "held back and not recorded: a, b, e;" in watch.stop_message()
