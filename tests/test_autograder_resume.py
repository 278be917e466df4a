"""Stopping the grader loses nothing, and running it again grades only what is missing or changed.

One cohort of 8 students (each notebook sleeps a second, so grading takes a while) goes through:

1. a run stopped with SIGINT (Ctrl-C) once the state file lists 2 students: exit code 130, the
   students in flight are not recorded, the summary says how to go on;
2. a run killed with SIGKILL once one more student is recorded: no kernel survives it;
3. a run that finishes: it grades exactly the students not yet recorded;
4. after one submission changes, a run that regrades that student only.

After every run the gradebook passes SQLite's integrity check and the submissions are unchanged.
"""
from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import time

import psutil
import pytest

from autograder.execute import SLOT_UID_BASE

from .autograder_cohort import (ASSIGNMENT, POINTS, ROOT, SOLUTION, fill, grader_command,
                                grader_env, make_course, scores, snapshot, write_submission)

pytestmark = pytest.mark.root  # the grading sandbox (conftest.py)

STUDENTS = [f"s{i}" for i in range(8)]
SLOW = {**SOLUTION, "add": "import time\ntime.sleep(1)\n" + SOLUTION["add"]}


def recorded(course) -> dict:
    path = course / ".autograder" / ASSIGNMENT / "state.json"
    return json.loads(path.read_text())["students"] if path.exists() else {}


def start(course, submissions):
    return subprocess.Popen(grader_command(course, submissions, "--workers", "2"), cwd=ROOT,
                            env=grader_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def stop_when(proc, course, count: int, signum: int, limit: float = 120):
    deadline = time.monotonic() + limit
    while len(recorded(course)) < count:
        assert proc.poll() is None, "the run ended before it could be stopped"
        assert time.monotonic() < deadline, "the state file did not grow"
        time.sleep(0.05)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def kernels_left() -> list:
    return [p.pid for p in psutil.process_iter(["uids"])
            if p.info["uids"] and SLOT_UID_BASE <= p.info["uids"].real < SLOT_UID_BASE + 1000]


def integrity(course) -> list:
    with sqlite3.connect(course / "gradebook.db") as con:
        return con.execute("PRAGMA integrity_check").fetchall()


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    base = tmp_path_factory.mktemp("resume")
    course, submissions = base / "course", base / "submissions"
    released = make_course(course)
    for student in STUDENTS:
        write_submission(submissions, student, fill(released, SLOW))
    return course, submissions, released


@pytest.fixture(scope="module")
def runs(cohort):
    course, submissions, released = cohort
    before = snapshot(submissions)
    history = {}

    code, out, err = stop_when(start(course, submissions), course, 2, signal.SIGINT)
    history["sigint"] = (code, out, err, dict(recorded(course)), integrity(course))

    done = len(recorded(course))
    code, out, err = stop_when(start(course, submissions), course, done + 1, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while kernels_left() and time.monotonic() < deadline:
        time.sleep(0.1)
    history["sigkill"] = (code, out, err, dict(recorded(course)), integrity(course), kernels_left())

    proc = start(course, submissions)
    out, err = proc.communicate(timeout=300)
    history["finish"] = (proc.returncode, out, err, dict(recorded(course)), integrity(course))
    history["unchanged"] = snapshot(submissions) == before
    history["totals"] = {s: scores(f"sqlite:///{course / 'gradebook.db'}", s)[1] for s in STUDENTS}

    # one student fixes a bug: only that submission is graded again
    write_submission(submissions, "s3", fill(released, {**SLOW, "greet": "def greet():\n    return 'hi'\n"}))
    proc = start(course, submissions)
    out, err = proc.communicate(timeout=300)
    history["changed"] = (proc.returncode, out, err, dict(recorded(course)), integrity(course))
    return history


def counts(out: str) -> tuple[int, int, int]:
    match = re.search(r"(\d+) graded, (\d+) failed, (\d+) already graded", out)
    assert match, out
    return tuple(int(g) for g in match.groups())


def test_ctrl_c_stops_cleanly_and_says_how_to_go_on(runs):
    code, out, err, state, check = runs["sigint"]
    assert code == 130, out + err
    assert "Traceback" not in err
    assert "Stopped before the end" in out and "Run the same command again" in out
    assert 2 <= len(state) < len(STUDENTS)
    graded, failed, skipped = counts(out)
    assert (graded, failed, skipped) == (len(state), 0, 0)  # in-flight students not recorded
    assert check == [("ok",)]


def test_a_killed_grader_leaves_no_kernel_and_a_sound_gradebook(runs):
    code, _, _, state, check, left = runs["sigkill"]
    assert code == -signal.SIGKILL
    assert left == []
    assert check == [("ok",)]
    assert len(state) > len(runs["sigint"][3])


def test_the_next_run_grades_only_the_missing_students(runs):
    code, out, err, state, check = runs["finish"]
    assert code == 0, out + err
    before = len(runs["sigkill"][3])
    assert counts(out) == (len(STUDENTS) - before, 0, before)
    assert sorted(state) == STUDENTS and all(e["status"] == "graded" for e in state.values())
    assert check == [("ok",)]
    assert runs["totals"] == {s: sum(POINTS.values()) for s in STUDENTS}
    assert runs["unchanged"]


def test_a_changed_submission_is_graded_again_alone(runs, cohort):
    course, _, _ = cohort
    code, out, err, state, check = runs["changed"]
    assert code == 0, out + err
    assert counts(out) == (1, 0, len(STUDENTS) - 1)
    assert state["s3"]["fingerprint"] != runs["finish"][3]["s3"]["fingerprint"]
    assert {s: e["fingerprint"] for s, e in state.items() if s != "s3"} == \
        {s: e["fingerprint"] for s, e in runs["finish"][3].items() if s != "s3"}
    per_cell, total = scores(f"sqlite:///{course / 'gradebook.db'}", "s3")
    assert per_cell["test_greet"] == 0 and total == sum(POINTS.values()) - POINTS["test_greet"]
    assert check == [("ok",)]
