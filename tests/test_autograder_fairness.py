"""Fair time: with every worker busy, and half the kernels trying to take the whole machine, a
correct answer still finishes inside its cell time limit.

``--workers 2`` on a 2-core machine: ``a_spinner`` and ``c_spinner`` start six busy processes
each in their first answer cell, each in a session of its own (so that the Linux scheduler's
per-session groups, which would otherwise share the CPU fairly, count them as six), and keep them
spinning through the next cell; ``b_worker`` and ``d_worker`` need three seconds of CPU in
theirs, under a cell time limit of eight seconds. Grading runs in name order, so each worker
shares the machine with a spinner. Each kernel has its own cpu cgroup with an equal share
(``autograder.cgroups``), and one thread per maths library (``autograder.sandbox.THREAD_ENV``):
a worker gets about one core whatever the spinner next to it starts (3.1 s for its 3 s of CPU,
measured). Without the cgroups (``AUTOGRADER_NO_CGROUP=1``) the six processes leave it about a
quarter of a core, and its cell is interrupted at 8 s: this test then fails.
"""
from __future__ import annotations

import shutil

import pytest

from .autograder_cohort import POINTS, SOLUTION, fill, make_course, run_grader, scores, \
    write_submission
from .test_autograder_cohort import visible_base

pytestmark = pytest.mark.root  # the grading sandbox (conftest.py)

SPIN = ("import subprocess, sys\n"
        "spinners = [subprocess.Popen([sys.executable, '-c', 'while True: pass'], "
        "start_new_session=True)"
        " for _ in range(6)]\n")
HOLD = "import time\ntime.sleep(7)\n"  # the spinners spin on while the worker works
WORK = ("import time\nstart = time.process_time()\n"
        "while time.process_time() - start < 3.0:\n    pass\n")
STUDENTS = {
    "a_spinner": {**SOLUTION, "square": SPIN + SOLUTION["square"], "add": HOLD + SOLUTION["add"]},
    "b_worker": {**SOLUTION, "square": WORK + SOLUTION["square"]},
    "c_spinner": {**SOLUTION, "square": SPIN + SOLUTION["square"], "add": HOLD + SOLUTION["add"]},
    "d_worker": {**SOLUTION, "square": WORK + SOLUTION["square"]},
}


def test_a_correct_answer_passes_next_to_a_kernel_that_takes_every_core():
    base = visible_base()
    try:
        course, submissions = base / "course", base / "submissions"
        released = make_course(course)
        for student, answers in STUDENTS.items():
            write_submission(submissions, student, fill(released, answers))
        run = run_grader(course, submissions, "--workers", "2", "--cell-timeout", "8")
        assert run.returncode == 0, run.stdout + run.stderr
        for student in STUDENTS:
            per_cell, total = scores(f"sqlite:///{course / 'gradebook.db'}", student)
            assert per_cell == POINTS and total == sum(POINTS.values()), (student, run.stdout)
    finally:
        shutil.rmtree(base, ignore_errors=True)
