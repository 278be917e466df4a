"""What the grader reads and how it answers: LMS downloads, usage errors, the unsandboxed fallback,
and the replay step that refuses to grade a notebook that was not the one executed."""
from __future__ import annotations

import datetime
import json
import subprocess

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import grade as grade_module
from autograder.__main__ import main
from autograder.replay import ReplayExecute, ReplayMismatch, cells_sha256

from .autograder_cohort import (ASSIGNMENT, POINTS, ROOT, SOLUTION, fill, generate_here,
                                grade_here, grader_env, make_course, scores, snapshot,
                                source_notebook, write_submission)

pytestmark = pytest.mark.root  # the grading sandbox (conftest.py)

FULL = sum(POINTS.values())


def state(course) -> dict:
    return json.loads((course / ".autograder" / ASSIGNMENT / "state.json").read_text())["students"]


# -- LMS downloads -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lms(tmp_path_factory):
    base = tmp_path_factory.mktemp("lms")
    course, download = base / "course", base / "download"
    released = make_course(course)
    download.mkdir()
    nbformat.write(fill(released, SOLUTION), download / f"ada_{ASSIGNMENT}.ipynb")
    nbformat.write(released, download / f"bob_{ASSIGNMENT}.ipynb")
    nbformat.write(fill(released, SOLUTION), download / "carl_Tiny.ipynb")  # misnamed
    (download / f"dora_{ASSIGNMENT}.ipynb").write_text("this is not a notebook")
    nbformat.write(fill(released, SOLUTION), download / "nounderscore.ipynb")  # no student in it
    (download / "README.txt").write_text("downloaded from the LMS\n")
    before = snapshot(download)
    run = grade_here(course, download, "--workers", "2", "--memory-limit", "500M", report=True)
    return course, download, run, before


def test_lms_files_are_matched_to_students_and_graded(lms):
    course, _, (code, out, err), _ = lms
    assert code == 0, out + err
    db = f"sqlite:///{course / 'gradebook.db'}"
    assert scores(db, "ada")[1] == FULL
    assert scores(db, "bob")[1] == 0
    for student in ("carl", "dora"):
        assert scores(db, student)[1] == 0
    students = state(course)
    assert sorted(students) == ["ada", "bob", "carl", "dora"]
    assert students["carl"]["notebooks"][ASSIGNMENT]["status"] == "misnamed"
    assert "carl_Tiny.ipynb" not in students["carl"]["notebooks"][ASSIGNMENT]["reason"]
    assert "'Tiny.ipynb'" in students["carl"]["notebooks"][ASSIGNMENT]["reason"]
    assert students["dora"]["notebooks"][ASSIGNMENT]["status"] == "corrupt"


def test_files_of_no_student_are_reported_not_graded(lms):
    _, _, (_, out, _), _ = lms
    assert "nounderscore.ipynb: file name not matched" in out
    assert "README.txt" not in out


def test_the_run_ends_with_the_report_and_the_feedback(lms):
    course, _, (_, out, err), _ = lms
    report = course / ".autograder" / ASSIGNMENT / "report"
    assert f"Report: {report}" in out and "warning" not in err
    assert (report / "report.html").exists() and (report / "grades.csv").exists()
    for student in ("ada", "bob"):  # graded students with a notebook get its feedback
        assert (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").exists()


def test_lms_files_are_only_read(lms):
    _, download, _, before = lms
    assert snapshot(download) == before


def test_a_custom_filename_regex_with_a_submission_time(tmp_path):
    course, download = tmp_path / "course", tmp_path / "download"
    released = make_course(course)
    download.mkdir()
    nbformat.write(fill(released, SOLUTION),
                   download / f"Attempt-eve-20240301T120000-{ASSIGNMENT}.ipynb")
    code, out, err = grade_here(
        course, download, "--workers", "1", "--filename-regex",
        r"Attempt-(?P<student_id>[a-z]+)-(?P<timestamp>\d{8}T\d{6})-(?P<file_id>.+)")
    assert code == 0, out + err
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission = gb.find_submission(ASSIGNMENT, "eve")
        assert submission.score == FULL
        assert submission.timestamp == datetime.datetime(2024, 3, 1, 12, 0, 0)


def test_an_assignment_of_several_notebooks(tmp_path):
    """Each notebook runs in its own sandbox; the student is recorded once all have come back.
    One notebook crashes, one is missing: each gets its own status, the rest is graded."""
    course, submissions = tmp_path / "course", tmp_path / "submissions"
    make_course(course)
    for part in ("part1", "part2", "part3"):
        folder = course / "source" / "pair"
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(source_notebook(), folder / f"{part}.ipynb")
    (course / "source" / "pair" / "data.txt").write_text("42\n")
    generate_here(course, assignment="pair")
    released = nbformat.read(course / "release" / "pair" / "part1.ipynb", 4)
    write_submission(submissions, "ada", fill(released, SOLUTION), name="part1", assignment="pair")
    write_submission(submissions, "ada", fill(released, {**SOLUTION, "add": "import os\nos._exit(3)"}),
                     name="part2", assignment="pair")
    code, out, err = grade_here(course, submissions, "--workers", "2", assignment="pair")
    assert code == 0, out + err
    db = f"sqlite:///{course / 'gradebook.db'}"
    assert scores(db, "ada", "pair", "part1")[0] == POINTS
    assert scores(db, "ada", "pair", "part2")[0] == {**{g: 0.0 for g in POINTS}, "test_square": 2.0}
    assert scores(db, "ada", "pair", "part3")[0] == {g: 0.0 for g in POINTS}
    assert scores(db, "ada", "pair", "part1")[1] == FULL + 2.0  # the submission's total
    notebooks = json.loads((course / ".autograder" / "pair" / "state.json").read_text())[
        "students"]["ada"]["notebooks"]
    assert {nb: e["status"] for nb, e in notebooks.items()} == {
        "part1": "graded", "part2": "crashed", "part3": "missing"}
    assert "exit code 3" in notebooks["part2"]["reason"]


# -- the command line --------------------------------------------------------------------------

def test_help_describes_the_command():
    result = subprocess.run([grade_module.sys.executable, "-m", "autograder", "grade", "--help"],
                            cwd=ROOT, env=grader_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    for option in ("--workers", "--cell-timeout", "--notebook-timeout", "--memory-limit",
                   "--isolation", "--filename-regex", "--db-url", "--scheduler", "SUBMISSIONS"):
        assert option in result.stdout


@pytest.mark.parametrize("args,message", [
    (["--memory-limit", "lots"], "is not a size"),
    (["--memory-limit", "1k"], "too small"),
    (["--workers", "0"], "must be at least 1"),
    (["--cell-timeout", "-3"], "positive duration"),
    (["--filename-regex", "(?P<who>.*)"], "missing: file_id, student_id"),
    (["--filename-regex", "(unclosed"], "is not a regular expression"),
    (["--isolation", "chroot"], "invalid choice"),
])
def test_bad_arguments_are_refused_in_one_line(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as stop:
        main(["grade", ASSIGNMENT, str(tmp_path), *args])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.fixture(scope="module")
def course_with_one(tmp_path_factory):
    base = tmp_path_factory.mktemp("usage")
    released = make_course(base / "course")
    write_submission(base / "submissions", "ada", fill(released, SOLUTION))
    (base / "empty").mkdir()
    return base


@pytest.mark.parametrize("case,message", [
    ("unknown assignment", "unknown assignment 'nope'"),
    ("empty folder", "no submissions of 'tiny'"),
    ("no such folder", "submissions folder"),
    ("no such course", "course directory"),
    ("bad gradebook", "cannot open the gradebook"),
])
def test_usage_errors_are_clear_one_line_messages(course_with_one, capsys, case, message):
    base = course_with_one
    args = {"unknown assignment": ["grade", "nope", str(base / "submissions")],
            "empty folder": ["grade", ASSIGNMENT, str(base / "empty")],
            "no such folder": ["grade", ASSIGNMENT, str(base / "nowhere")],
            "no such course": ["grade", ASSIGNMENT, str(base / "submissions"),
                               "--course", str(base / "nocourse")],
            "bad gradebook": ["grade", ASSIGNMENT, str(base / "submissions"),
                              "--db-url", "postgresql://nobody@/nodb?host=/nonexistent"],
            }[case]
    if "--course" not in args:
        args += ["--course", str(base / "course")]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert message in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_one_run_per_assignment_at_a_time(course_with_one, capsys):
    import fcntl

    base = course_with_one
    lock_path = base / "course" / ".autograder" / ASSIGNMENT / "run.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a run in progress holds it
        held.write("process 4242\n")
        held.flush()
        code = main(["grade", ASSIGNMENT, str(base / "submissions"), "--course",
                     str(base / "course")])
    assert code == 2
    assert "tiny is being graded by process 4242 right now" in capsys.readouterr().err


def test_auto_isolation_without_root_asks_for_an_explicit_choice(monkeypatch):
    monkeypatch.setattr(grade_module.os, "geteuid", lambda: 1000)
    with pytest.raises(grade_module.UsageError, match="pass --isolation none explicitly"):
        grade_module.resolve_isolation("auto")
    assert grade_module.resolve_isolation("none") == "none"


def test_isolation_none_grades_the_same_and_warns_loudly(course_with_one):
    base = course_with_one
    code, out, err = grade_here(base / "course", base / "submissions", "--isolation", "none")
    assert code == 0, out + err
    assert "WARNING: --isolation none" in err
    assert scores(f"sqlite:///{base / 'course' / 'gradebook.db'}", "ada")[1] == FULL


# -- the replay step ---------------------------------------------------------------------------

def _replay(tmp_path, executed_nb):
    folder = tmp_path / ASSIGNMENT / "executed" / "ada"
    folder.mkdir(parents=True, exist_ok=True)
    if executed_nb is not None:
        nbformat.write(executed_nb, folder / f"{ASSIGNMENT}.ipynb")
    pp = ReplayExecute(executed_root=str(tmp_path))
    resources = {"nbgrader": {"student": "ada", "assignment": ASSIGNMENT, "notebook": ASSIGNMENT}}
    return pp, resources


def test_replay_copies_the_outputs_of_the_same_notebook(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    done = nbformat.from_dict(nb)
    done.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    done.cells[0].execution_count = 1
    pp, resources = _replay(tmp_path, done)
    out, _ = pp.preprocess(nbformat.from_dict(nb), resources)
    assert out.cells[0].outputs[0].text == "1\n" and out.cells[0].execution_count == 1
    assert cells_sha256(out) == cells_sha256(nb)


def test_replay_refuses_a_notebook_that_differs_from_the_executed_one(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    executed = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(2)")])
    pp, resources = _replay(tmp_path, executed)
    with pytest.raises(ReplayMismatch, match="differs from the one executed"):
        pp.preprocess(nb, resources)


def test_replay_refuses_to_grade_without_a_sandboxed_execution(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    pp, resources = _replay(tmp_path, None)
    with pytest.raises(ReplayMismatch, match="refusing to run student code outside the sandbox"):
        pp.preprocess(nb, resources)
