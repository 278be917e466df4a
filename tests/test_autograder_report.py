"""The instructor's report (``autograder.report``) on the tiny autograded course.

The cohort is the one in ``tests/autograded_course.py``; every expected number below is counted
by hand from its table, never from the code under test. What must hold:

- ``grades.csv`` is nbgrader's export of this assignment: its rows equal the gradebook's;
- the score distribution, the pass rates and the checker-message counts are the cohort's;
- the charts are real PNGs, and ``report.html`` embeds exactly those PNGs (self-contained);
- with the engine's ``state.json`` the failures (and why) and the slowest submissions are shown;
  without it the report says so and still works.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import shutil

import pytest
from nbgrader.api import Gradebook
from PIL import Image

from autograder import report

from .autograded_course import (ASSIGNMENT, MAX_SCORE, NOTEBOOK, PASSED, SCORES, STUDENTS,
                                autograded_course)

#: (exercise, message) -> students, counted by hand: what each failing check found, and its hint
NOT_WRITTEN = ("CheckFailure: {} has not been written yet: it still raises NotImplementedError. "
               "Hint: Replace `raise NotImplementedError()` with your code.")
MUTATES = ("CheckFailure: relu changed its input `z` in place. Hint: Leave the inputs unchanged: "
           "compute a new array (for example np.maximum(z, 0) rather than z[z < 0] = 0, or "
           "x = x + 1 rather than x += 1).")
MESSAGES = {
    ("test_relu", MUTATES): {"bugsy", "squeezy"},
    ("test_relu", NOT_WRITTEN.format("relu")): {"blank"},
    ("test_weighted_sum", NOT_WRITTEN.format("weighted_sum")): {"blank"},
    ("test_weighted_sum", "CheckFailure: the result should be a NumPy array, but it is "
                          "-1.7151761824631007 (float64). Hint: You summed every product in the "
                          "whole batch into one number."): {"squeezy"},
    ("test_sigmoid", NOT_WRITTEN.format("sigmoid")): {"blank"},
    ("test_sigmoid", "CheckFailure: NumPy warned while running sigmoid: RuntimeWarning: overflow "
                     "encountered in exp Hint: The limits must come out exactly: 0.0 for very "
                     "negative z, 1.0 for very large z."): {"bugsy"},
}

#: what the grading engine would have written: one crash, one time-out, one failed student
STATE = {
    "assignment": ASSIGNMENT,
    "students": {
        "ada": {"fingerprint": "a1", "status": "graded", "reason": None, "seconds": 4.2,
                "notebooks": {NOTEBOOK: {"status": "graded", "reason": None, "seconds": 4.1,
                                         "peak_memory_mb": 310.5}}},
        "blank": {"fingerprint": "b2", "status": "graded", "reason": None, "seconds": 1.5,
                  "notebooks": {NOTEBOOK: {"status": "graded", "reason": None, "seconds": 1.4,
                                           "peak_memory_mb": None}}},
        "bugsy": {"fingerprint": "c3", "status": "failed", "reason": "the kernel died",
                  "seconds": 61.0,
                  "notebooks": {NOTEBOOK: {"status": "crashed", "reason": "kernel died (SIGKILL)",
                                           "seconds": 60.9, "peak_memory_mb": 2048.0}}},
        "squeezy": {"fingerprint": "d4", "status": "graded", "reason": None, "seconds": 30.25,
                    "notebooks": {NOTEBOOK: {"status": "cell-timeout",
                                             "reason": "a cell ran past 30 s",
                                             "seconds": 30.2, "peak_memory_mb": 400.0}}},
    },
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return autograded_course(tmp_path_factory)


@pytest.fixture(scope="module")
def plain(course, tmp_path_factory):
    """The report of the course as autograded: no state.json."""
    out = tmp_path_factory.mktemp("report-plain")
    return report.write_report(course, ASSIGNMENT, out)


@pytest.fixture(scope="module")
def with_state(course, tmp_path_factory):
    """The report of a copy of the course with the engine's state.json, top 2 rows."""
    copy = tmp_path_factory.mktemp("state") / "course"
    shutil.copytree(course, copy)
    state = copy / ".autograder" / ASSIGNMENT / "state.json"
    state.parent.mkdir(parents=True)
    state.write_text(json.dumps(STATE))
    return report.write_report(copy, ASSIGNMENT, copy / "report", top=2)


@pytest.fixture(scope="module")
def data(course):
    return report.collect(course, ASSIGNMENT)


def test_report_writes_its_files(plain):
    out = plain.parent
    assert plain == out / "report.html"
    assert {p.name for p in out.iterdir()} == {"grades.csv", "report.html", "report.md",
                                                f"scores-{NOTEBOOK}.png", "pass-rates.png"}


def test_grades_csv_is_the_gradebooks(course, plain):
    rows = list(csv.DictReader(io.StringIO((plain.parent / "grades.csv").read_text())))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assignment = gb.find_assignment(ASSIGNMENT)
        assert sorted(r["student_id"] for r in rows) == sorted(s.id for s in gb.students)
        for row in rows:
            submission = gb.find_submission(ASSIGNMENT, row["student_id"])
            assert row["assignment"] == ASSIGNMENT
            assert float(row["raw_score"]) == submission.score
            penalty = submission.late_submission_penalty or 0.0
            assert float(row["score"]) == submission.score - penalty
            assert float(row["max_score"]) == assignment.max_score == MAX_SCORE
    assert {r["student_id"]: float(r["score"]) for r in rows} == SCORES


def test_grades_csv_leaves_other_assignments_out(course, tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(course, copy)
    with Gradebook(f"sqlite:///{copy / 'gradebook.db'}") as gb:
        gb.add_assignment("another")
    dest = report.export_grades(copy, ASSIGNMENT, tmp_path / "grades.csv")
    rows = list(csv.DictReader(io.StringIO(dest.read_text())))
    assert {r["assignment"] for r in rows} == {ASSIGNMENT} and len(rows) == len(STUDENTS)


def test_score_distribution_is_the_cohorts(data):
    [notebook] = data.notebooks
    assert notebook.notebook == NOTEBOOK and notebook.max_score == MAX_SCORE
    assert notebook.scores == SCORES


def test_pass_rates_are_the_cohorts(data):
    assert [r.grade_id for r in data.exercises] == list(PASSED)  # in the notebook's order
    for rate in data.exercises:
        assert set(rate.passed) == PASSED[rate.grade_id], rate.grade_id
        assert rate.graded == len(STUDENTS)
    assert {r.grade_id: r.rate for r in data.exercises} == {
        "test_weighted_sum": 0.5, "test_relu": 0.25, "test_sigmoid": 0.5}


def test_message_counts_are_the_cohorts(data):
    counted = {(m.grade_id, m.message): set(m.students) for m in data.messages}
    assert counted == MESSAGES
    assert all(m.notebook == NOTEBOOK for m in data.messages)
    assert data.messages[0].count == 2  # most frequent first
    counts = [m.count for m in data.messages]
    assert counts == sorted(counts, reverse=True)


def test_report_shows_the_numbers(plain):
    md = (plain.parent / "report.md").read_text()
    page = plain.read_text()
    assert f"| {NOTEBOOK} | 4 | 5 | 2.25 | 2 | 0 | 5 |" in md
    assert "| test_relu | 1 | 1/4 | 25% |" in md
    assert "<tr><td>test_relu</td><td>1</td><td>1/4</td><td>25%</td></tr>" in page
    assert f"| test_relu | {MUTATES} | 2 |" in md
    assert f"<tr><td>test_relu</td><td class=\"message\">{html.escape(MUTATES)}</td><td>2</td></tr>" in page


def test_charts_are_pngs_and_the_html_embeds_them(plain):
    out = plain.parent
    files = {}
    for name in (f"scores-{NOTEBOOK}.png", "pass-rates.png"):
        png = (out / name).read_bytes()
        with Image.open(io.BytesIO(png)) as image:
            image.verify()
            assert image.format == "PNG" and image.size[0] > 100 and image.size[1] > 50
        files[name] = png
    page = plain.read_text()
    uris = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    embedded = [base64.b64decode(uri) for uri in uris]
    assert sorted(embedded) == sorted(files.values())
    # self-contained: every image is embedded; the only link is the CSV beside it
    assert re.findall(r'src="(?!data:)', page) == []
    assert re.findall(r'href="([^"]+)"', page) == ["grades.csv"]
    md = (out / "report.md").read_text()
    assert f"](scores-{NOTEBOOK}.png)" in md and "](pass-rates.png)" in md


def test_without_state_the_report_says_so(plain):
    for text in ((plain.parent / "report.md").read_text(), plain.read_text()):
        assert "No grading state was found" in text
        assert "Grading failures" not in text and "Slowest submissions" not in text


def test_failures_and_reasons_from_state(with_state):
    md = (with_state.parent / "report.md").read_text()
    assert "No grading state was found" not in md
    assert "| bugsy | (whole submission) | failed | the kernel died |" in md
    assert f"| bugsy | {NOTEBOOK} | crashed | kernel died (SIGKILL) |" in md
    assert f"| squeezy | {NOTEBOOK} | cell-timeout | a cell ran past 30 s |" in md
    assert "| ada |" not in md.split("## Grading failures")[1].split("## ")[0]
    page = with_state.read_text()
    assert "kernel died (SIGKILL)" in page and "a cell ran past 30 s" in page


def test_slowest_submissions_from_state(with_state):
    md = (with_state.parent / "report.md").read_text()
    slow = md.split("## Slowest submissions (top 2)")[1]
    assert "| bugsy | 61.0 | failed | 2048 |" in slow
    assert "| squeezy | 30.2 | graded | 400 |" in slow
    assert "| ada |" not in slow  # third: beyond top 2
    assert slow.index("| bugsy |") < slow.index("| squeezy |")


def test_state_parsing_alone():
    failures = report.grading_failures(STATE)
    assert [(f.student, f.notebook, f.status) for f in failures] == [
        ("bugsy", None, "failed"), ("bugsy", NOTEBOOK, "crashed"),
        ("squeezy", NOTEBOOK, "cell-timeout")]
    timings = report.slowest(STATE)
    assert [(t.student, t.seconds, t.peak_memory_mb) for t in timings] == [
        ("bugsy", 61.0, 2048.0), ("squeezy", 30.25, 400.0), ("ada", 4.2, 310.5),
        ("blank", 1.5, None)]
    assert report.grading_failures({"students": {}}) == [] and report.slowest({}) == []


def test_unreadable_notebook_is_noted_not_fatal(course, tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(course, copy)
    broken = copy / "autograded" / "blank" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    broken.chmod(0o644)
    broken.write_text("not a notebook")
    data = report.collect(copy, ASSIGNMENT)
    assert len(data.unreadable) == 1 and "blank" in data.unreadable[0]
    assert all("blank" not in m.students for m in data.messages)
    page = report.write_report(copy, ASSIGNMENT, tmp_path / "out").read_text()
    assert "Could not read the autograded notebook" in page


def test_unknown_assignment_is_an_error(course, tmp_path):
    with pytest.raises(ValueError, match="not in the gradebook"):
        report.write_report(course, "no-such-assignment", tmp_path / "out")


def test_message_of_names_the_mistake_not_the_case():
    header = "relu failed the case '{}'."
    one = {"ename": "CheckFailure", "evalue": "\n".join([
        header.format("a 2-D batch"), "Called: relu(z)", "  with z = [[1., -2.]]",
        "relu changed its input `z` in place.", "Hint: Leave the inputs unchanged. More text."])}
    other = dict(one, evalue=one["evalue"].replace("a 2-D batch", "a hidden 3-D array"))
    assert report.message_of(one) == report.message_of(other) == (
        "CheckFailure: relu changed its input `z` in place. Hint: Leave the inputs unchanged.")
    assert report.message_of({"ename": "NameError", "evalue": "name 'relu' is not defined"}) == (
        "NameError: name 'relu' is not defined")
    assert report.message_of({"ename": "KernelDied"}) == "KernelDied"
