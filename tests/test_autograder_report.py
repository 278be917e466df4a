"""The instructor's report (``autograder.report``) on the tiny autograded course.

The cohort is the one in ``tests/autograded_course.py``; every expected number below is counted
by hand from its table, never from the code under test. What must hold:

- ``grades.csv`` is nbgrader's export of this assignment: its rows equal the gradebook's;
- the score distribution, the pass rates and the checker-message counts are the cohort's;
- the charts are real PNGs, and ``report.html`` embeds exactly those PNGs (self-contained);
- with the engine's ``state.json`` the failures (and why) and the slowest submissions are shown;
  without it the report says so and still works;
- the auto-graded points are apart from the free-text points still to mark (the histogram, the
  table, ``points.csv``); once marked, the whole score is shown;
- a kernel the grader stopped counts once per submission under failures, with the exercises it
  stopped, never among the checker messages.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook
from PIL import Image

from autograder import execute, report

from .autograded_course import (ASSIGNMENT, FREE_TEXT, MAX_SCORE, NOTEBOOK, PASSED, POINTS,
                                SCORES, STUDENTS, autograded_course)

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
                          "-2.0576533227610483 (float64). Hint: You summed every product in the "
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
    assert {p.name for p in out.iterdir()} == {"grades.csv", "points.csv", "report.html",
                                                "report.md", f"scores-{NOTEBOOK}.png",
                                                "pass-rates.png"}


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
    # auto-graded: 5 points (ada 5, blank 0, bugsy 2, squeezy 2); 2 free-text points, ada's
    # answer still to mark (the others left it as released: nbgrader scored it 0 itself)
    assert f"| {NOTEBOOK} | 4 | 5 | 2.25 | 2 | 0 | 5 | 2 | 1 submission (2 points) |" in md
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
    assert re.findall(r'href="([^"]+)"', page) == ["grades.csv", "points.csv"]
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


# --------------------------------------------------------------------------------------------
# Flagged submissions, the verification's cost, near-identical answers
# --------------------------------------------------------------------------------------------

FLAG_REFERENCE = ("sigmoid: uses the course's reference implementation "
                  "(dlcourse.reference.activations.sigmoid)")
FLAG_UNCONFIRMED = ("sigmoid: its test cell passed in the notebook, but the grader's own check "
                    "failed: sigmoid failed the case 'sigmoid(0) = 0.5'.")
FLAG_RELU = "relu: its test cell passed in the notebook, but the grader's own check failed: ..."


def _verified(status: str, seconds: float, verify_seconds: float, flags: list[str]) -> dict:
    return {"status": status, "reason": None, "seconds": seconds, "peak_memory_mb": 200.0,
            "verify_seconds": verify_seconds, "verification": {}, "flags": flags}


def _student(notebook: dict) -> dict:
    return {"fingerprint": "f", "status": "graded", "reason": None,
            "seconds": notebook["seconds"] + notebook["verify_seconds"],
            "notebooks": {NOTEBOOK: notebook}}


#: a state written by the verifying grader. The cost, by hand, over the three notebooks that ran
#: (blank's is missing): verification 1.0, 2.0 and 0.5 s, mean 1.17 s, at most 2.0 s; notebook
#: times 4 + 1, 3 + 2, 5 + 0.5, mean 15.5 / 3 = 5.17 s; share 3.5 / 15.5 = 23%.
FLAGGED_STATE = {"assignment": ASSIGNMENT, "students": {
    "squeezy": _student(_verified("graded", 5.0, 0.5, [])),
    "ada": _student(_verified("graded", 4.0, 1.0, [FLAG_REFERENCE])),
    "blank": _student(_verified("missing", 0.0, 0.0, [])),
    "bugsy": _student(_verified("graded", 3.0, 2.0, [FLAG_UNCONFIRMED, FLAG_RELU])),
}}
#: the same grader, nothing flagged
UNFLAGGED_STATE = {"assignment": ASSIGNMENT, "students": {
    student: _student(_verified("graded", 2.0, 0.5, [])) for student in STUDENTS}}
#: the pairs of the tiny course, by hand from tests/autograded_course.py: answers of at least 25
#: normalised tokens are weighted_sum (ada, bugsy: the reference's, 25 tokens), the in-place relu
#: (bugsy, squeezy, 25 tokens) and sigmoid (ada, squeezy: the reference's, 54 tokens)
SIMILAR = [("relu", "bugsy", "squeezy"),
           ("sigmoid", "ada", "squeezy"), ("sigmoid", "ada", "(reference solution)"),
           ("sigmoid", "squeezy", "(reference solution)"),
           ("weighted_sum", "ada", "bugsy"), ("weighted_sum", "ada", "(reference solution)"),
           ("weighted_sum", "bugsy", "(reference solution)")]


def _report_with(course, tmp_path, state: dict, top: int = report.TOP):
    copy = tmp_path / "course"
    shutil.copytree(course, copy)
    path = copy / ".autograder" / ASSIGNMENT / "state.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(state))
    page = report.write_report(copy, ASSIGNMENT, copy / "report", top=top)
    return (page.parent / "report.md").read_text(), page.read_text()


def _section(md: str, title: str) -> str:
    return md.split(f"## {title}\n")[1].split("\n## ")[0].strip()


def test_flags_and_cost_from_state_alone():
    assert [(f.student, f.notebook, f.flag) for f in report.flagged(FLAGGED_STATE)] == [
        ("ada", NOTEBOOK, FLAG_REFERENCE), ("bugsy", NOTEBOOK, FLAG_UNCONFIRMED),
        ("bugsy", NOTEBOOK, FLAG_RELU)]
    cost = report.verification_cost(FLAGGED_STATE)
    assert cost.notebooks == 3 and cost.max_seconds == 2.0
    assert cost.mean_seconds == pytest.approx(3.5 / 3)
    assert cost.mean_total_seconds == pytest.approx(15.5 / 3)
    assert cost.share == pytest.approx(3.5 / 15.5)
    # a state from before verification: nothing flagged, no cost
    assert report.flagged(STATE) == [] and report.verification_cost(STATE) is None


def test_flagged_submissions_are_listed(course, tmp_path):
    md, page = _report_with(course, tmp_path, FLAGGED_STATE)
    flags = _section(md, "Flagged submissions")
    assert flags.startswith(report.FLAGS_INTRO)
    assert "outside the student's kernel" in flags and "Look at them." in flags
    rows = [line for line in flags.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows == ["| student | notebook | flag |",
                    f"| ada | {NOTEBOOK} | {FLAG_REFERENCE} |",
                    f"| bugsy | {NOTEBOOK} | {FLAG_UNCONFIRMED} |",
                    f"| bugsy | {NOTEBOOK} | {FLAG_RELU} |"]
    assert report.NO_FLAGS not in md
    assert f'<td>bugsy</td><td>{NOTEBOOK}</td><td class="message">{html.escape(FLAG_UNCONFIRMED)}' \
        in page
    assert html.escape(report.FLAGS_INTRO) in page


def test_verification_cost_is_one_note(course, tmp_path):
    md, page = _report_with(course, tmp_path, FLAGGED_STATE)
    note = ("Verifying the answers outside the students' kernels took 1.2 s per notebook on "
            "average (at most 2.0 s, over 3 notebooks), 23% of the mean notebook time of 5.2 s "
            "(kernel run plus verification).")
    assert f"> {note}" in md.splitlines()
    assert f'<p class="note">{html.escape(note)}</p>' in page


def test_no_flags_is_one_line(course, tmp_path):
    md, page = _report_with(course, tmp_path, UNFLAGGED_STATE)
    assert _section(md, "Flagged submissions").strip() == report.NO_FLAGS
    assert html.escape(report.NO_FLAGS) in page and report.FLAGS_INTRO not in md
    assert "Verifying the answers outside the students' kernels took 0.5 s" in md


def test_a_state_from_before_verification_says_so(with_state):
    md = (with_state.parent / "report.md").read_text()
    assert _section(md, "Flagged submissions").strip() == report.NO_VERIFICATION
    assert "Verifying the answers" not in md  # no verify_seconds, no cost line


def test_near_identical_answers_are_collected(data):
    assert [(p.exercise, p.first, p.second) for p in data.similar] == SIMILAR
    assert all(p.notebook == NOTEBOOK and p.similarity == 1.0 for p in data.similar)


def test_near_identical_answers_in_the_report(plain):
    md = (plain.parent / "report.md").read_text()
    page = plain.read_text()
    section = _section(md, "Near-identical answers")
    for text in (section, page):
        assert "changes no score" in text and "5-token" in text and "Jaccard" in text
        assert "\u2265 90%" in text and "at least 25 tokens" in text
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows == ["| exercise | student | student or reference | similarity |"] + [
        f"| {exercise} | {first} | {second} | 100% |" for exercise, first, second in SIMILAR]
    assert "more pair" not in section
    assert ("<tr><td>sigmoid</td><td>ada</td><td>(reference solution)</td><td>100%</td></tr>"
            in page)
    assert "<tr><td>relu</td><td>bugsy</td><td>squeezy</td><td>100%</td></tr>" in page


def test_near_identical_answers_are_capped_at_top(with_state):
    md = (with_state.parent / "report.md").read_text()
    section = _section(md, "Near-identical answers")
    assert "| relu | bugsy | squeezy | 100% |" in section
    assert "| sigmoid | ada | squeezy | 100% |" in section
    assert "| sigmoid | ada | (reference solution) |" not in section  # third: beyond top 2
    assert "5 more pairs not shown (top 2)." in section
    assert "5 more pairs not shown (top 2)." in with_state.read_text()


# --------------------------------------------------------------------------------------------
# Auto-graded points apart from free-text points still to mark
# --------------------------------------------------------------------------------------------

AUTO_MAX = sum(POINTS.values())  # 5
HAND_MAX = sum(FREE_TEXT.values())  # 2


def test_auto_graded_points_apart_from_free_text(data):
    [scores] = data.notebooks
    assert scores.max_score == MAX_SCORE == AUTO_MAX + HAND_MAX
    assert (scores.auto_max, scores.hand_max) == (AUTO_MAX, HAND_MAX)
    assert scores.auto_scores == SCORES  # every point so far is a test cell's
    # only ada wrote an answer; the blank answers were scored 0 by nbgrader, nothing to mark
    assert scores.to_mark == {"ada": 2.0, "blank": 0.0, "bugsy": 0.0, "squeezy": 0.0}
    assert scores.hand_scores == {student: 0.0 for student in STUDENTS}
    assert not scores.marking_done
    assert scores.plotted == (scores.auto_scores, AUTO_MAX)
    assert report._score_axis(scores) == (
        "auto-graded points (out of 5)\n2 free-text points not shown: 1 submission still to mark")


def test_points_csv_separates_the_points(plain):
    rows = list(csv.DictReader(io.StringIO((plain.parent / "points.csv").read_text())))
    assert [r["student"] for r in rows] == sorted(STUDENTS)
    by_student = {r["student"]: r for r in rows}
    assert by_student["ada"] == {
        "student": "ada", "notebook": NOTEBOOK, "auto_graded": "5", "auto_graded_max": "5",
        "free_text_marked": "0", "free_text_to_mark": "2", "free_text_max": "2",
        "score_so_far": "5", "max_score": "7"}
    for student in ("blank", "bugsy", "squeezy"):
        assert by_student[student]["free_text_to_mark"] == "0"
        assert float(by_student[student]["auto_graded"]) == SCORES[student]
    page = plain.read_text()
    assert "Free-text points: written answers the instructor marks by hand" in page


def test_once_marked_the_whole_score_is_shown(course, tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(course, copy)
    with Gradebook(f"sqlite:///{copy / 'gradebook.db'}") as gb:
        grade = gb.find_grade("explain_relu", NOTEBOOK, ASSIGNMENT, "ada")
        grade.manual_score = 1.5
        gb.db.commit()
    data = report.collect(copy, ASSIGNMENT)
    [scores] = data.notebooks
    assert scores.marking_done and scores.hand_scores["ada"] == 1.5
    assert scores.scores["ada"] == 6.5 and scores.auto_scores["ada"] == 5.0
    assert scores.plotted == (scores.scores, MAX_SCORE)
    assert report._score_axis(scores) == "score (out of 7: 5 auto-graded, 2 marked by hand)"
    md = (report.write_report(copy, ASSIGNMENT, tmp_path / "out").parent / "report.md").read_text()
    assert f"| {NOTEBOOK} | 4 | 5 | 2.25 | 2 | 0 | 5 | 2 | — |" in md


# --------------------------------------------------------------------------------------------
# Kernel deaths and time-outs: failures, not checker messages
# --------------------------------------------------------------------------------------------

DIED = "the kernel died while running code cell 5 (killed by signal 9: SIGKILL)"
SLOW = "the notebook ran for more than 60 s (the notebook time limit) and was stopped"


def _stop_kernel(course, student: str, answer: str, ename: str, reason: str) -> None:
    """What ``autograder.execute`` writes when it stops a kernel while ``answer``'s cell ran."""
    path = course / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    path.chmod(0o644)
    nb = nbformat.read(path, as_version=4)
    start = next(i for i, cell in enumerate(nb.cells)
                 if cell.metadata.get("nbgrader", {}).get("grade_id") == answer)
    execute.mark_unrun(nb, start, ename, reason)
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def stopped(course, tmp_path_factory):
    """bugsy's kernel died in relu's answer cell; squeezy's ran out of time in sigmoid's."""
    copy = tmp_path_factory.mktemp("stopped") / "course"
    shutil.copytree(course, copy)
    _stop_kernel(copy, "bugsy", "relu", "KernelDied", DIED)
    _stop_kernel(copy, "squeezy", "sigmoid", "NotebookTimeout", SLOW)
    return copy, report.write_report(copy, ASSIGNMENT, copy / "report")


def test_kernel_deaths_are_failures_once_per_submission(stopped):
    copy, _ = stopped
    data = report.collect(copy, ASSIGNMENT)
    assert [(f.student, f.notebook, f.failure, f.reason, f.exercises)
            for f in data.run_failures] == [
        ("bugsy", NOTEBOOK, "kernel died", DIED, ("test_relu", "test_sigmoid")),
        ("squeezy", NOTEBOOK, "time-out", SLOW, ("test_sigmoid",))]
    # never a checker message; the cells that ran before the stop still count theirs
    assert all(name not in m.message for m in data.messages
               for name in ("KernelDied", "NotebookTimeout", "not run"))
    counted = {(m.grade_id, m.message): set(m.students) for m in data.messages}
    assert counted[("test_relu", MUTATES)] == {"squeezy"}  # bugsy's relu never got checked
    assert not any("bugsy" in m.students for m in data.messages if m.grade_id == "test_sigmoid")
    assert report.run_failures(report.CourseDirectory(
        config=report.load_config(copy, None)), ASSIGNMENT) == data.run_failures


def test_kernel_deaths_in_the_report(stopped):
    _, page = stopped
    md = (page.parent / "report.md").read_text()
    section = _section(md, "Kernel deaths and time-outs")
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows == ["| student | notebook | failure | exercises stopped | reason |",
                    f"| bugsy | {NOTEBOOK} | kernel died | test_relu, test_sigmoid | {DIED} |",
                    f"| squeezy | {NOTEBOOK} | time-out | test_sigmoid | {SLOW} |"]
    assert "kernel died: 1 submission; time-out: 1 submission." in section
    assert "KernelDied" not in _section(md, "Most frequent checker messages (top 10)")
    assert html.escape(DIED) in page.read_text()


def test_no_kernel_death_is_one_line(plain):
    md = (plain.parent / "report.md").read_text()
    assert _section(md, "Kernel deaths and time-outs") == (
        "No kernel died or ran out of time or memory.")
