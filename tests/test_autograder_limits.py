"""Each hard limit of the grading sandbox, breached by a student: a recorded status and reason,
zero for the cells that could not run, the other cells graded, and a grader that goes on.

Three runs of ``python -m autograder grade`` on the tiny course of ``tests/autograder_cohort.py``:

- ``limits`` (memory cgroup, ``--memory-limit 400M --disk-limit 32M --max-processes 64``):
  ``filler`` writes 64 MB into its working folder, ``shmfiller`` into ``/dev/shm``, ``forker``
  starts 100 processes, ``shouter`` raises an exception with a 30 MB message, ``painter``
  displays 4 MB of HTML, ``correct`` is the control;
- ``tmpfs`` (``--memory-limit 200M --disk-limit 1G``): ``tmphog`` writes 400 MB to ``/tmp``: files
  on a tmpfs are memory, and the memory limit counts them;
- ``fallback`` (``AUTOGRADER_NO_CGROUP=1``, ``--memory-limit 300M``): without a cgroup the
  address space is limited (``burst`` asks for 3 GB at once) and the watchdog samples the rest
  (``hog`` grows 20 MB at a time).

A unit test checks the cgroup itself: a process past its limit is killed and counted.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.cgroups import MemoryCgroup
from autograder.replay import executed_folder

from .autograder_cohort import (ASSIGNMENT, POINTS, SOLUTION, fill, make_course, run_grader,
                                scores, write_submission)
from .test_autograder_cohort import visible_base

pytestmark = pytest.mark.root  # the grading sandbox (conftest.py)

ALL = dict(POINTS)
NO_ADD = {**ALL, "test_add": 0.0}
SQUARE_ONLY = {"test_square": 2.0, "test_add": 0.0, "test_greet": 0.0}
ADD = SOLUTION["add"]


def write_mb(folder: str, mb: int) -> str:
    return (f"import os\nos.makedirs({folder!r}, exist_ok=True)\n"
            f"with open(os.path.join({folder!r}, 'big'), 'wb') as fh:\n"
            f"    for _ in range({mb}):\n        fh.write(b'x' * (1 << 20))\n        fh.flush()\n")


RUNS = {  # run -> (grader arguments, extra environment, {student: answers})
    "limits": (["--memory-limit", "400M", "--disk-limit", "32M", "--max-processes", "64"], {}, {
        "correct": SOLUTION,
        "filler": {**SOLUTION, "add": write_mb("results", 64) + ADD},
        "shmfiller": {**SOLUTION, "add": write_mb("/dev/shm/mine", 64) + ADD},
        "forker": {**SOLUTION, "add": "import subprocess\nkids = [subprocess.Popen(['sleep', '60'])"
                                      " for _ in range(100)]\n" + ADD},
        "shouter": {**SOLUTION, "add": "raise ValueError('x' * 30_000_000)\n" + ADD},
        "painter": {**SOLUTION, "add": "from IPython.display import HTML, display\n"
                                       "display(HTML('<b>x</b>' * 500_000))\n" + ADD},
    }),
    "tmpfs": (["--memory-limit", "200M", "--disk-limit", "1G"], {}, {
        "tmphog": {**SOLUTION, "add": write_mb("/tmp", 400) + ADD},
    }),
    "fallback": (["--memory-limit", "300M"], {"AUTOGRADER_NO_CGROUP": "1"}, {
        "burst": {**SOLUTION, "add": "hoard = b'x' * (3 << 30)\n" + ADD},
        "hog": {**SOLUTION, "add": "import time\nhoard = []\nfor _ in range(400):\n"
                                   "    hoard.append(b'x' * 20_000_000)\n    time.sleep(0.02)\n"},
    }),
}

EXPECTED = {  # student -> (per test cell score, notebook status, words in the reason)
    "correct": (ALL, "graded", None),
    "filler": (NO_ADD, "disk", ['grade id "add"', "disk limit (32 MB", "No space left"]),
    "shmfiller": (NO_ADD, "disk", ['grade id "add"', "disk limit (32 MB"]),
    "forker": (NO_ADD, "processes", ['grade id "add"', "process limit (64", "[Errno 11]"]),
    "shouter": (NO_ADD, "output", ['grade id "add"', "output limit"]),
    "painter": (ALL, "output", ['grade id "add"', "1 MB", "output limit"]),
    "tmphog": (SQUARE_ONLY, "memory", ['grade id "add"', "200 MB"]),
    "burst": (NO_ADD, "memory", ['grade id "add"', "memory limit (300 MB)", "MemoryError"]),
    "hog": (SQUARE_ONLY, "memory", ['grade id "add"', "300 MB allowed"]),
}


@pytest.fixture(scope="module")
def graded():
    base = visible_base()
    try:
        results = {}
        for run, (args, env, students) in RUNS.items():
            course, submissions = base / run / "course", base / run / "submissions"
            released = make_course(course)
            for student, answers in students.items():
                write_submission(submissions, student, fill(released, answers))
            proc = run_grader(course, submissions, "--workers", "2", "--cell-timeout", "30",
                              *args, env_extra=env)
            state = json.loads((course / ".autograder" / ASSIGNMENT / "state.json").read_text())
            results[run] = {"course": course, "proc": proc, "state": state}
        yield results
    finally:
        shutil.rmtree(base, ignore_errors=True)


def run_of(student: str) -> str:
    return next(run for run, (_, _, students) in RUNS.items() if student in students)


def test_every_run_completes(graded):
    for run, result in graded.items():
        proc = result["proc"]
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr
        assert f"{len(RUNS[run][2])} graded, 0 failed" in proc.stdout


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_a_breached_limit_is_a_status_a_reason_and_zero_for_what_did_not_run(graded, student):
    expected, status, words = EXPECTED[student]
    result = graded[run_of(student)]
    per_cell, total = scores(f"sqlite:///{result['course'] / 'gradebook.db'}", student)
    assert per_cell == expected
    entry = result["state"]["students"][student]["notebooks"][ASSIGNMENT]
    assert entry["status"] == status, entry["reason"]
    if words is None:
        assert entry["reason"] is None
    else:
        for word in words:
            assert word in entry["reason"], entry["reason"]
        # the instructor's summary names it too
        line = next(line for line in result["proc"].stdout.splitlines()
                    if line.strip().startswith(student + " "))
        assert status in line


def test_no_output_goes_past_the_limit(graded):
    course = graded["limits"]["course"]
    for student in ("shouter", "painter"):
        executed = Path(executed_folder(course / ".autograder", ASSIGNMENT, student))
        nb = nbformat.read(executed / f"{ASSIGNMENT}.ipynb", as_version=4)
        for cell in nb.cells:
            size = len(json.dumps(cell.get("outputs", [])))
            assert size < 1.1 * (1 << 20), (student, size)


def memory_controller_enabled() -> bool:
    for line in Path("/proc/cgroups").read_text().splitlines()[1:]:
        name, *_, enabled = line.split()
        if name == "memory":
            return enabled == "1"
    return False


def test_a_memory_cgroup_kills_what_goes_past_its_limit():
    group = MemoryCgroup.create("autograder-test-cgroup", 64 << 20)
    if not memory_controller_enabled():
        assert group is None  # the fallback: RLIMIT_AS and the watchdog (the run above)
        return
    assert group is not None, "this machine has a memory controller, but no cgroup was made"
    try:
        hog = ("import sys\nopen(sys.argv[1], 'w').write(str(__import__('os').getpid()))\n"
               "hoard = [b'x' * (1 << 20) for _ in range(200)]\nprint('survived')\n")
        proc = subprocess.run([sys.executable, "-I", "-c", hog, group.procs_files()[0]],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == -9 and "survived" not in proc.stdout
        assert group.oom_kills() >= 1
        assert 60 << 20 < group.peak() <= 64 << 20
    finally:
        group.remove()
    assert not group.path.exists()
    assert os.environ.get("AUTOGRADER_NO_CGROUP") != "1"
