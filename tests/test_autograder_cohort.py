"""A hostile cohort graded by ``python -m autograder grade``: every student gets a grade and a reason.

The students (answers to the tiny assignment of ``tests/autograder_cohort.py``):

- ``correct``, ``blank``, ``partly`` (``square`` wrong): plain grading;
- ``exits`` (``os._exit(1)``), ``segv`` (a segfault through ctypes): the kernel dies in ``add``;
- ``loops`` (``while True``): interrupted at the cell time limit, the rest runs;
  ``stubborn`` ignores SIGINT too, so its kernel is killed;
- ``hog`` allocates past ``--memory-limit 300M``; ``chatty`` prints 50 MB (kept: 1 MB);
- ``sleeper`` (its own run, with a short ``--notebook-timeout``) sleeps forever;
- ``corrupt`` (not JSON), ``missing`` (no notebook), ``misnamed`` (``Tiny_final.ipynb``);
- ``tamper`` writes to the gradebook file and runs an SQL UPDATE on it;
- ``snoop`` reads the source notebook (hidden tests), another student's submission, the
  gradebook and the autograded folder, and prints what it got;
- ``netcat`` connects to a server this test listens on;
- ``spawner`` leaves ``sleep 987654`` in a new session and a double-forked ``sleep 987655``.

The course lives in a world-readable folder outside /tmp, so that only the sandbox's masks (not
file permissions or the private /tmp) stand between the student's code and the course's files.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import tempfile
import threading
from pathlib import Path

import nbformat
import psutil
import pytest

from autograder.execute import SLOT_UID_BASE

from .autograder_cohort import (ASSIGNMENT, HIDDEN_MARKER, POINTS, SOLUTION, fill, make_course,
                                run_grader, scores, snapshot, write_submission)

pytestmark = pytest.mark.root  # the grading sandbox (conftest.py)

FULL = sum(POINTS.values())
SQUARE_ONLY = {"test_square": 2.0, "test_add": 0.0, "test_greet": 0.0}
ALL = dict(POINTS)


def visible_base() -> Path:
    """A folder every user can traverse and that the sandbox does not cover with a private tmpfs."""
    for base in ("/srv", "/run", "/opt"):
        if os.path.isdir(base) and os.stat(base).st_mode & 0o001:
            folder = Path(tempfile.mkdtemp(prefix="autograder-test-", dir=base))
            folder.chmod(0o755)
            return folder
    pytest.fail("no world-traversable folder outside /tmp for the course (/srv, /run, /opt)")


class Listener:
    """A TCP server on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self):
        self._stop.set()
        self.thread.join()
        self.sock.close()


def hostile_answers(course: Path, submissions: Path, port: int) -> dict[str, dict[str, str]]:
    gradebook = course / "gradebook.db"
    source_nb = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    other = submissions / "correct" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    square = SOLUTION["square"]
    tamper = (
        "import sqlite3\n"
        "try:\n"
        f"    with open({str(gradebook)!r}, 'r+b') as fh:\n"
        "        fh.write(b'overwritten by a student')\n"
        "    print('open: WROTE')\n"
        "except Exception as exc:\n"
        "    print('open: BLOCKED', type(exc).__name__)\n"
        "try:\n"
        f"    con = sqlite3.connect({str(gradebook)!r})\n"
        "    con.execute('UPDATE grade SET manual_score = 100')\n"
        "    con.commit()\n"
        "    print('sqlite: WROTE')\n"
        "except Exception as exc:\n"
        "    print('sqlite: BLOCKED', type(exc).__name__)\n" + square)
    snoop = (
        "import os\n"
        f"targets = {{'source': {str(source_nb)!r}, 'other': {str(other)!r},\n"
        f"           'gradebook': {str(gradebook)!r}}}\n"
        "for label, path in targets.items():\n"
        "    try:\n"
        "        with open(path, errors='replace') as fh:\n"
        "            print(label, 'READ', fh.read())\n"
        "    except Exception as exc:\n"
        "        print(label, 'BLOCKED', type(exc).__name__)\n"
        f"for label, path in {{'source dir': {str(source_nb.parent)!r}, "
        f"'submissions': {str(submissions)!r}, 'autograded': {str(course / 'autograded')!r}}}.items():\n"
        "    try:\n"
        "        print(label, 'LISTED', os.listdir(path))\n"
        "    except Exception as exc:\n"
        "        print(label, 'BLOCKED', type(exc).__name__)\n" + square)
    netcat = (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=3).close()\n"
        "    print('net: CONNECTED')\n"
        "except OSError as exc:\n"
        "    print('net: BLOCKED', type(exc).__name__)\n" + square)
    spawner = (
        "import os, subprocess\n"
        "subprocess.Popen(['sleep', '987654'], start_new_session=True)\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        os.execvp('sleep', ['sleep', '987655'])\n"
        "    os._exit(0)\n"
        "os.wait()\n" + square)
    return {
        "correct": SOLUTION,
        "partly": {**SOLUTION, "square": "def square(x):\n    return x + x\n"},
        "exits": {**SOLUTION, "add": "import os\nos._exit(1)\n"},
        "segv": {**SOLUTION, "add": "import ctypes\nctypes.string_at(0)\n"},
        "loops": {**SOLUTION, "add": "while True:\n    pass\n"},
        "stubborn": {**SOLUTION, "add": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                        "while True:\n    pass\n"},
        "hog": {**SOLUTION, "add": "import time\nhoard = []\nfor _ in range(400):\n"
                                   "    hoard.append(b'x' * 20_000_000)\n    time.sleep(0.02)\n"},
        "chatty": {**SOLUTION, "square": "for _ in range(50):\n    print('x' * 1_000_000)\n" + square},
        "tamper": {**SOLUTION, "square": tamper},
        "snoop": {**SOLUTION, "square": snoop},
        "netcat": {**SOLUTION, "square": netcat},
        "spawner": {**SOLUTION, "square": spawner},
    }


EXPECTED = {  # student -> (per test cell score, notebook status, words in the reason)
    "correct": (ALL, "graded", None),
    "blank": ({g: 0.0 for g in POINTS}, "graded", None),
    "partly": ({**ALL, "test_square": 0.0}, "graded", None),
    "exits": (SQUARE_ONLY, "crashed", ['grade id "add"', "exit code 1"]),
    "segv": (SQUARE_ONLY, "crashed", ['grade id "add"', "SIGSEGV"]),
    "loops": ({**ALL, "test_add": 0.0}, "cell-timeout", ['grade id "add"', "interrupted"]),
    "stubborn": (SQUARE_ONLY, "cell-timeout", ['grade id "add"', "did not stop"]),
    "hog": (SQUARE_ONLY, "memory", ['grade id "add"', "300 MB allowed"]),
    "chatty": (ALL, "output", ['grade id "square"', "1 MB", "output limit"]),
    "corrupt": ({g: 0.0 for g in POINTS}, "corrupt", ["not a valid notebook"]),
    "missing": ({g: 0.0 for g in POINTS}, "missing", ["tiny.ipynb", "not submitted"]),
    "misnamed": ({g: 0.0 for g in POINTS}, "misnamed", ["Tiny_final.ipynb"]),
    "tamper": (ALL, "graded", None),
    "snoop": (ALL, "graded", None),
    "netcat": (ALL, "graded", None),
    "spawner": (ALL, "graded", None),
    "sleeper": (SQUARE_ONLY, "timeout", ['grade id "add"', "notebook time limit"]),
}


@pytest.fixture(scope="module")
def graded():
    base = visible_base()
    listener = Listener()
    try:
        course, submissions, slow = base / "course", base / "submissions", base / "slow"
        released = make_course(course)
        answers = hostile_answers(course, submissions, listener.port)
        for student, answer in answers.items():
            write_submission(submissions, student, fill(released, answer))
        write_submission(submissions, "blank", released)
        write_submission(submissions, "corrupt", b'{"cells": [{"cell_type": "code", "sour')
        (submissions / "missing" / ASSIGNMENT).mkdir(parents=True)
        (submissions / "missing" / ASSIGNMENT / "notes.txt").write_text("sorry, no time\n")
        write_submission(submissions, "misnamed", fill(released, SOLUTION), name="Tiny_final")
        write_submission(slow, "sleeper", fill(released, {
            **SOLUTION, "add": "import time\ntime.sleep(600)\n"}))
        before = {**snapshot(submissions), **{f"slow/{k}": v for k, v in snapshot(slow).items()}}

        cohort = run_grader(course, submissions, "--workers", "2", "--cell-timeout", "3",
                            "--notebook-timeout", "60", "--memory-limit", "300M")
        sleeper = run_grader(course, slow, "--workers", "1", "--cell-timeout", "60",
                             "--notebook-timeout", "8", "--memory-limit", "300M")
        after = {**snapshot(submissions), **{f"slow/{k}": v for k, v in snapshot(slow).items()}}
        yield {"course": course, "submissions": submissions, "cohort": cohort,
               "sleeper": sleeper, "before": before, "after": after, "listener": listener,
               "db": f"sqlite:///{course / 'gradebook.db'}",
               "state": json.loads((course / ".autograder" / ASSIGNMENT / "state.json").read_text())}
    finally:
        listener.close()
        shutil.rmtree(base, ignore_errors=True)


def test_the_runs_complete(graded):
    for run in (graded["cohort"], graded["sleeper"]):
        assert run.returncode == 0, run.stdout + run.stderr
        assert "Traceback" not in run.stderr
        # nbclient's and jupyter_client's own log lines stay off the terminal
        assert "ERROR" not in run.stderr and "WARNING" not in run.stderr
    assert "16 graded, 0 failed" in graded["cohort"].stdout
    assert "1 graded, 0 failed" in graded["sleeper"].stdout


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_every_student_gets_the_grade_of_the_cells_that_ran(graded, student):
    expected, _, _ = EXPECTED[student]
    per_cell, total = scores(graded["db"], student)
    assert per_cell == expected
    assert total == sum(expected.values())


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_every_student_has_a_status_and_a_reason(graded, student):
    _, status, words = EXPECTED[student]
    entry = graded["state"]["students"][student]
    assert entry["status"] == "graded" and entry["reason"] is None
    notebook = entry["notebooks"][ASSIGNMENT]
    assert notebook["status"] == status
    if words is None:
        assert notebook["reason"] is None
    else:
        for word in words:
            assert word in notebook["reason"]
    if status in ("graded", "crashed", "timeout", "memory", "cell-timeout", "output"):
        assert notebook["seconds"] > 0 and notebook["peak_memory_mb"] > 10


def test_the_summary_lists_every_problem_with_its_reason(graded):
    out = graded["cohort"].stdout
    for student, (_, status, words) in EXPECTED.items():
        if status != "graded" and student != "sleeper":
            line = next(line for line in out.splitlines() if line.strip().startswith(student + " "))
            assert status in line and all(w in line for w in words)


def test_the_state_file_is_exactly_the_documented_format(graded):
    state = graded["state"]
    assert set(state) == {"assignment", "seed", "students"} and state["assignment"] == ASSIGNMENT
    assert isinstance(state["seed"], int)
    for entry in state["students"].values():
        assert set(entry) == {"fingerprint", "status", "reason", "seconds", "notebooks"}
        assert len(entry["fingerprint"]) == 64
        for nb in entry["notebooks"].values():
            assert set(nb) == {"status", "reason", "seconds", "peak_memory_mb", "verify_seconds",
                               "verification", "flags"}
            # the tiny assignment's tests are plain asserts, no course exercise: nothing to verify
            assert nb["verification"] == {} and nb["flags"] == [] and nb["verify_seconds"] == 0


def test_killed_kernels_mark_the_cells_that_did_not_run(graded):
    nb = nbformat.read(graded["course"] / "autograded" / "segv" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    assert [o.output_type for o in by_id["test_square"].outputs] == []  # it ran, and passed
    assert by_id["add"].outputs[-1].ename == "KernelDied"
    assert by_id["test_greet"].outputs[0].ename == "KernelDied"
    assert by_id["test_greet"].outputs[0].evalue.startswith("not run: the kernel died")


def test_huge_output_is_truncated(graded):
    path = graded["course"] / "autograded" / "chatty" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert path.stat().st_size < 3_000_000
    assert "output truncated by the autograder" in path.read_text()


def _answer_output(graded, student) -> str:
    nb = nbformat.read(graded["course"] / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "square")
    return "".join(o.get("text", "") for o in cell.outputs)


def test_student_code_cannot_change_the_gradebook(graded):
    out = _answer_output(graded, "tamper")
    assert "open: BLOCKED" in out and "sqlite: BLOCKED" in out
    with sqlite3.connect(graded["course"] / "gradebook.db") as con:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("SELECT count(*) FROM grade WHERE manual_score = 100").fetchone() == (0,)


def test_student_code_cannot_read_the_course_or_other_students(graded):
    out = _answer_output(graded, "snoop")
    for label in ("source", "other", "gradebook", "source dir", "submissions", "autograded"):
        assert f"{label} BLOCKED" in out
    assert "READ" not in out and "LISTED" not in out and HIDDEN_MARKER not in out


def test_student_code_has_no_network(graded):
    assert "net: BLOCKED" in _answer_output(graded, "netcat")
    assert graded["listener"].accepted == 0


def test_no_process_outlives_its_grading(graded):
    left = []
    for proc in psutil.process_iter(["cmdline", "uids"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        uid = proc.info["uids"].real if proc.info["uids"] else 0
        if "98765" in cmdline or SLOT_UID_BASE <= uid < SLOT_UID_BASE + 1000:
            left.append((proc.pid, cmdline, uid))
    assert left == []


def test_submissions_are_never_modified(graded):
    assert graded["after"] == graded["before"]


def test_no_sandbox_folder_is_left_behind(graded):
    assert not list(Path(tempfile.gettempdir()).glob("autograder-[0-9]*-*"))
    assert not list(Path(tempfile.gettempdir()).glob("ipython-*"))  # the kernels' fresh profiles
