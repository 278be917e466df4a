"""The instructor's report on one graded assignment: what the class got, and what it got wrong.

:func:`write_report` writes into one folder:

- ``grades.csv``: nbgrader's own export (its ``CsvExportPlugin``, what ``nbgrader export`` runs),
  for this assignment only;
- ``points.csv``: per student and notebook, the auto-graded points apart from the free-text
  points (written answers that the instructor marks by hand) and those still to mark;
- ``report.md`` and ``report.html``: the score distribution of each notebook (a histogram of the
  auto-graded points while free-text answers are still to mark, of the whole score once every
  one is marked), the pass rate of each exercise (graded test cell: the fraction of submissions
  with full marks, a bar chart), the kernel deaths and time-outs (once per submission and
  notebook, with the exercises they stopped), the checker messages the class met most often, the
  submissions the grader's verification flagged, the near-identical answers, the students whose
  grading failed and why, and the slowest submissions;
- the charts as PNG files (``scores-<notebook>.png``, ``pass-rates.png``). ``report.md`` links
  them; ``report.html`` embeds the same images as base64 ``data:`` URIs, so it is one
  self-contained file that can be mailed or uploaded on its own.

Where the numbers come from:

- scores and pass rates: nbgrader's gradebook (manual grades included);
- checker messages: the error outputs of the test cells in the autograded notebooks, as
  what was wrong and the first sentence of the hint (``relu changed its input `z` in place.
  Hint: Leave the inputs unchanged: ...``), see :func:`message_of`; each student counts once per
  message and exercise. The errors the grader itself writes when it stops a kernel (``KernelDied``,
  ``MemoryLimit``, ``NotebookTimeout``, ``CellTimeoutError``: ``autograder.execute``) are no
  checker's message: they are counted under failures (:func:`run_failures`);
- failures, timings, flags and the verification's cost: the grading engine's
  ``<course>/.autograder/<assignment>/state.json``. Without it the report says so and leaves
  those sections out;
- near-identical answers: :mod:`autograder.similarity`, on the answer cells of the autograded
  notebooks, the source (the reference solution) and the release (the template).

The work is split in three: ``collect`` (gradebook and files -> plain data), ``plot_*`` (data ->
PNG bytes, matplotlib's Agg canvas, no pyplot state) and ``render_*`` (data -> text).

    python -m autograder.report COURSE ASSIGNMENT OUT_DIR [--db URL] [--top N]
"""
from __future__ import annotations

import argparse
import base64
import csv
import glob
import html
import io
import json
import math
import re
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins import CsvExportPlugin

from . import similarity
from .course import load_config
from .feedback import is_test_cell
from .similarity import SimilarPair, similar_answers
from .state import state_path

__all__ = [
    "ExerciseRate", "FlaggedSubmission", "GradingFailure", "MessageCount", "NotebookScores",
    "ReportData", "RunFailure", "Timing", "VerificationCost", "checker_messages", "collect",
    "export_grades", "flagged", "grading_failures", "pass_rates", "plot_pass_rates", "plot_scores",
    "read_state", "render_html", "render_markdown", "run_failures", "score_distribution",
    "slowest", "verification_cost", "write_points", "write_report",
]

#: rows in the "most frequent messages", "near-identical answers" and "slowest submissions" tables
TOP = 10
#: notebook statuses that never ran, so had nothing to verify
NOT_RUN = ("missing", "corrupt", "misnamed")
#: the error names ``autograder.execute`` gives the cells of a kernel it stopped, and the failure
#: each one is counted under (nbclient's own CellTimeoutError too: a cell ran past its limit)
RUN_FAILURES = {"KernelDied": "kernel died", "MemoryLimit": "memory limit",
                "NotebookTimeout": "time-out", "CellTimeoutError": "time-out"}


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NotebookScores:
    """Every graded submission's score on one notebook, the auto-graded points apart.

    ``auto_*``: the autograded test cells; ``hand_max``: the points of the cells the instructor
    marks by hand (written answers, free-response code, tasks); ``to_mark``: per student, the
    points of those cells not marked yet (nbgrader scores an answer left as released 0 itself).
    """

    notebook: str
    max_score: float
    scores: dict[str, float]  # student -> score so far (unmarked cells count 0)
    auto_max: float | None = None  # None: every point is auto-graded
    auto_scores: dict[str, float] = field(default_factory=dict)
    hand_max: float = 0.0
    hand_scores: dict[str, float] = field(default_factory=dict)  # marked so far
    to_mark: dict[str, float] = field(default_factory=dict)  # student -> points still to mark

    @property
    def marking_done(self) -> bool:
        return not any(self.to_mark.values())

    @property
    def plotted(self) -> tuple[dict[str, float], float]:
        """What the histogram shows: the auto-graded points while some are still to mark."""
        if self.hand_max and not self.marking_done and self.auto_max is not None:
            return self.auto_scores, self.auto_max
        return self.scores, self.max_score


@dataclass(frozen=True)
class ExerciseRate:
    """How many submissions got full marks on one graded test cell."""

    notebook: str
    grade_id: str
    max_score: float
    passed: tuple[str, ...]  # students with full marks
    graded: int              # submissions with a grade for the cell

    @property
    def rate(self) -> float | None:
        return len(self.passed) / self.graded if self.graded else None


@dataclass(frozen=True)
class MessageCount:
    """One checker message and the students whose test cell showed it."""

    notebook: str
    grade_id: str
    message: str
    students: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.students)


@dataclass(frozen=True)
class RunFailure:
    """A kernel the grader stopped (it died, or ran out of time or memory), in one submission's
    notebook: once, with the exercises (graded test cells) it left failed."""

    student: str
    notebook: str
    failure: str                # a value of RUN_FAILURES
    reason: str                 # the grader's words, from the first stopped cell
    exercises: tuple[str, ...]  # grade ids


@dataclass(frozen=True)
class GradingFailure:
    """A student (``notebook`` None) or one of their notebooks that was not graded normally."""

    student: str
    notebook: str | None
    status: str
    reason: str | None


@dataclass(frozen=True)
class FlaggedSubmission:
    """One reason to look at a student's notebook: a pass the notebook claimed that the grader's
    verification did not confirm, or a call to the course's reference implementation."""

    student: str
    notebook: str
    flag: str


@dataclass(frozen=True)
class VerificationCost:
    """What verifying the answers outside the students' kernels cost, over the notebooks run."""

    notebooks: int
    mean_seconds: float        # verification, per notebook
    max_seconds: float
    mean_total_seconds: float  # kernel run plus verification, per notebook

    @property
    def share(self) -> float | None:
        return self.mean_seconds / self.mean_total_seconds if self.mean_total_seconds else None


@dataclass(frozen=True)
class Timing:
    student: str
    seconds: float
    status: str
    peak_memory_mb: float | None


@dataclass
class ReportData:
    assignment: str
    notebooks: list[NotebookScores]
    exercises: list[ExerciseRate]
    messages: list[MessageCount]       # every message, most frequent first
    state_file: Path
    state_found: bool
    failures: list[GradingFailure] = field(default_factory=list)
    flags: list[FlaggedSubmission] = field(default_factory=list)
    flags_recorded: bool = False  # whether the state holds verification results at all
    verification: VerificationCost | None = None
    similar: list[SimilarPair] = field(default_factory=list)  # every pair, by exercise
    timings: list[Timing] = field(default_factory=list)  # every student, slowest first
    unreadable: list[str] = field(default_factory=list)  # autograded notebooks we could not read
    run_failures: list[RunFailure] = field(default_factory=list)  # by student and notebook


# --------------------------------------------------------------------------------------------
# Collecting
# --------------------------------------------------------------------------------------------

def _assignment(gb: Gradebook, assignment: str):
    try:
        return gb.find_assignment(assignment)
    except MissingEntry:
        raise ValueError(f"assignment {assignment!r} is not in the gradebook") from None


def score_distribution(gb: Gradebook, assignment: str) -> list[NotebookScores]:
    """Each notebook's scores, one per graded submission (before any late penalty), with the
    auto-graded points (test cells) apart from those marked by hand."""
    found = []
    for nb in _assignment(gb, assignment).notebooks:
        auto_ids = {cell.id for cell in _test_cells(nb)}
        auto_max = sum(float(c.max_score) for c in nb.grade_cells if c.id in auto_ids)
        hand_max = sum(float(c.max_score) for c in nb.grade_cells if c.id not in auto_ids)
        hand_max += sum(float(c.max_score) for c in nb.task_cells)
        scores, auto, hand, to_mark = {}, {}, {}, {}
        for sub in nb.submissions:
            student = sub.student.id
            scores[student] = float(sub.score)
            auto[student] = hand[student] = to_mark[student] = 0.0
            for grade in sub.grades:
                if grade.cell_id in auto_ids:
                    auto[student] += float(grade.score or 0.0)
                elif grade.needs_manual_grade and grade.manual_score is None:
                    to_mark[student] += float(grade.max_score)
                else:
                    hand[student] += float(grade.score or 0.0)
        found.append(NotebookScores(nb.name, float(nb.max_score), scores,
                                    auto_max if hand_max else None, auto, hand_max, hand,
                                    to_mark))
    return found


def _test_cells(notebook) -> list:
    """The autograded test cells: graded code cells that are not the student's answer."""
    answers = {cell.name for cell in notebook.solution_cells}
    return [cell for cell in notebook.grade_cells
            if cell.cell_type == "code" and cell.name not in answers]


def pass_rates(gb: Gradebook, assignment: str) -> list[ExerciseRate]:
    """Per graded test cell, who got full marks, among the submissions graded."""
    rates = []
    for nb in _assignment(gb, assignment).notebooks:
        submissions = list(nb.submissions)
        for cell in _test_cells(nb):
            passed, graded = [], 0
            for sub in submissions:
                grade = next((g for g in sub.grades if g.cell_id == cell.id), None)
                if grade is None or grade.score is None:
                    continue
                graded += 1
                if grade.score >= cell.max_score - 1e-9:
                    passed.append(sub.student.id)
            rates.append(ExerciseRate(nb.name, cell.name, float(cell.max_score),
                                      tuple(sorted(passed)), graded))
    return rates


def message_of(output) -> str:
    """One line that names the mistake behind a test cell's error output.

    A checker's message reads: a header naming the failed case, ``Called: ...`` with indented
    argument lines, what was wrong, and ``Hint: ...`` when the mistake is a known one. The key is
    what was wrong plus the hint's first sentence, since the hint tells known mistakes apart
    where "the result has the wrong values" does not; the case is left out, so one mistake
    counts once whichever case caught it. Errors that are not a checker's (a ``NameError`` in
    the test cell, say) keep their first line.
    """
    ename = output.get("ename", "Error")
    lines = [line for line in str(output.get("evalue", "")).strip().splitlines() if line.strip()]
    if not lines:
        return ename
    if " failed the case " not in lines[0]:
        return f"{ename}: {lines[0].strip()}"
    body = [line.strip() for line in lines[1:] if not line.startswith(("Called: ", " ", "\t"))]
    problems = [line for line in body if not line.startswith("Hint: ")]
    hints = [line[len("Hint: "):] for line in body if line.startswith("Hint: ")]
    text = problems[0] if problems else lines[0].strip()
    if hints:
        text += " Hint: " + re.split(r"(?<=[.!?])\s", hints[0], maxsplit=1)[0]
    return f"{ename}: {text}"


def autograded_notebooks(coursedir: CourseDirectory, assignment: str) -> list[tuple[str, Path]]:
    """``(student, notebook path)`` of every autograded notebook of ``assignment``."""
    pattern = coursedir.format_path(coursedir.autograded_directory, "*", assignment)
    regexp = coursedir.format_path(coursedir.autograded_directory, "(?P<student_id>[^/]+)",
                                   assignment, escape=True)
    found = []
    for folder in sorted(glob.glob(pattern)):
        match = re.fullmatch(regexp, folder)
        if match:
            found += [(match.group("student_id"), p) for p in sorted(Path(folder).glob("*.ipynb"))]
    return found


def _scan(coursedir: CourseDirectory, assignment: str
          ) -> tuple[list[MessageCount], list[RunFailure], list[str]]:
    """The test cells' error outputs of every autograded notebook: the checkers' messages (most
    frequent first), the kernels the grader stopped (by student and notebook), and the notebooks
    that could not be read."""
    seen: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    stopped: dict[tuple[str, str, str], tuple[str, list[str]]] = {}
    unreadable = []
    for student, path in autograded_notebooks(coursedir, assignment):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # a corrupt file must not stop the report
            unreadable.append(f"{path} ({type(exc).__name__})")
            continue
        for cell in nb.cells:
            if not is_test_cell(cell):
                continue
            grade_id = cell.metadata.nbgrader["grade_id"]
            for output in cell.get("outputs", []):
                if output.get("output_type") != "error":
                    continue
                failure = RUN_FAILURES.get(output.get("ename"))
                if failure is None:
                    seen[(path.stem, grade_id, message_of(output))].add(student)
                    continue
                reason = str(output.get("evalue", "")).removeprefix("not run: ")
                _, exercises = stopped.setdefault((student, path.stem, failure), (reason, []))
                if grade_id not in exercises:
                    exercises.append(grade_id)
    counts = [MessageCount(nb, grade_id, message, tuple(sorted(students)))
              for (nb, grade_id, message), students in seen.items()]
    counts.sort(key=lambda m: (-m.count, m.notebook, m.grade_id, m.message))
    failures = [RunFailure(student, nb, failure, reason, tuple(exercises))
                for (student, nb, failure), (reason, exercises) in sorted(stopped.items())]
    return counts, failures, unreadable


def checker_messages(coursedir: CourseDirectory, assignment: str
                     ) -> tuple[list[MessageCount], list[str]]:
    """Every checker's message in the test cells of the autograded notebooks, most frequent
    first (a kernel the grader stopped is no checker's message: see :func:`run_failures`).

    Returns the counts and the autograded notebooks that could not be read.
    """
    counts, _, unreadable = _scan(coursedir, assignment)
    return counts, unreadable


def run_failures(coursedir: CourseDirectory, assignment: str) -> list[RunFailure]:
    """The kernels the grader stopped (died, out of time, out of memory), once per student and
    notebook, each with the exercises whose test cells it left failed."""
    return _scan(coursedir, assignment)[1]


def read_state(course_dir: str | Path, assignment: str) -> dict | None:
    """The grading engine's state for ``assignment``, or None when there is none."""
    path = state_path(course_dir, assignment)
    if not path.is_file():
        return None
    return json.loads(path.read_text())


def grading_failures(state: dict) -> list[GradingFailure]:
    """Students whose grading failed, and notebooks not graded normally, by student."""
    failures = []
    for student, entry in sorted(state.get("students", {}).items()):
        if entry.get("status", "graded") != "graded":
            failures.append(GradingFailure(student, None, entry["status"], entry.get("reason")))
        for notebook, nb_entry in sorted((entry.get("notebooks") or {}).items()):
            if nb_entry.get("status", "graded") != "graded":
                failures.append(GradingFailure(student, notebook, nb_entry["status"],
                                               nb_entry.get("reason")))
    return failures


def _notebook_entries(state: dict):
    """``(student, notebook, entry)`` of every notebook in the state, by student and notebook."""
    for student, entry in sorted(state.get("students", {}).items()):
        for notebook, nb_entry in sorted((entry.get("notebooks") or {}).items()):
            yield student, notebook, nb_entry


def flagged(state: dict) -> list[FlaggedSubmission]:
    """Every flag of every notebook, by student and notebook, in the grader's order."""
    return [FlaggedSubmission(student, notebook, str(flag))
            for student, notebook, entry in _notebook_entries(state)
            for flag in entry.get("flags") or []]


def _flags_recorded(state: dict) -> bool:
    """Whether the grader that wrote ``state`` verified answers (older states have no flags)."""
    return any("flags" in entry for _, _, entry in _notebook_entries(state))


def verification_cost(state: dict) -> VerificationCost | None:
    """Mean and max ``verify_seconds`` over the notebooks that ran, and the mean time of a
    notebook (``seconds`` + ``verify_seconds``); None when the state records no verification."""
    runs = [(float(entry.get("seconds") or 0.0), float(entry["verify_seconds"]))
            for _, _, entry in _notebook_entries(state)
            if entry.get("verify_seconds") is not None and entry.get("status") not in NOT_RUN]
    if not runs:
        return None
    verify = [v for _, v in runs]
    return VerificationCost(len(runs), statistics.mean(verify), max(verify),
                            statistics.mean(s + v for s, v in runs))


def slowest(state: dict) -> list[Timing]:
    """Every student's grading time, slowest first, with their notebooks' highest peak memory."""
    timings = []
    for student, entry in state.get("students", {}).items():
        if entry.get("seconds") is None:
            continue
        peaks = [nb["peak_memory_mb"] for nb in (entry.get("notebooks") or {}).values()
                 if nb.get("peak_memory_mb") is not None]
        timings.append(Timing(student, float(entry["seconds"]), entry.get("status", "?"),
                              max(peaks) if peaks else None))
    timings.sort(key=lambda t: (-t.seconds, t.student))
    return timings


def collect(course_dir: str | Path, assignment: str, db_url: str | None = None) -> ReportData:
    """Everything the report shows, as plain data."""
    config = load_config(Path(course_dir), db_url)
    coursedir = CourseDirectory(config=config)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        notebooks = score_distribution(gb, assignment)
        exercises = pass_rates(gb, assignment)
    messages, stopped, unreadable = _scan(coursedir, assignment)
    state = read_state(coursedir.root, assignment)
    return ReportData(
        assignment=assignment, notebooks=notebooks, exercises=exercises, messages=messages,
        state_file=state_path(coursedir.root, assignment), state_found=state is not None,
        failures=grading_failures(state) if state else [],
        flags=flagged(state) if state else [],
        flags_recorded=_flags_recorded(state) if state else False,
        verification=verification_cost(state) if state else None,
        similar=similar_answers(coursedir.root, assignment),
        timings=slowest(state) if state else [], unreadable=unreadable, run_failures=stopped)


def export_grades(course_dir: str | Path, assignment: str, dest: str | Path,
                  db_url: str | None = None) -> Path:
    """``nbgrader export --assignment=[ASSIGNMENT] --to=DEST``, through nbgrader's CSV plugin."""
    config = load_config(Path(course_dir), db_url)
    coursedir = CourseDirectory(config=config)
    plugin = CsvExportPlugin(config=config, to=str(dest), assignment=[assignment])
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        _assignment(gb, assignment)
        plugin.export(gb)
    return Path(dest)


# --------------------------------------------------------------------------------------------
# Plotting
# --------------------------------------------------------------------------------------------

def _png(fig) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _score_bins(max_score: float) -> list[float]:
    """One bar per whole point when scores are whole points (up to 20), else ten bins."""
    import numpy as np
    if 0 < max_score <= 20 and float(max_score).is_integer():
        return list(np.arange(-0.5, max_score + 1.0, 1.0))
    return list(np.linspace(0.0, max(max_score, 1.0), 11))


def plot_scores(scores: NotebookScores) -> bytes:
    """A histogram of one notebook's scores, as PNG bytes."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(6, 3.4))
    ax = fig.add_subplot()
    plotted, max_score = scores.plotted
    values = list(plotted.values())
    if values:
        ax.hist(values, bins=_score_bins(max_score), color="#4c72b0", edgecolor="white")
    else:
        ax.text(0.5, 0.5, "no graded submissions", ha="center", va="center",
                transform=ax.transAxes)
    ax.set_xlim(-0.5 if max_score <= 20 else 0, max_score + 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(_score_axis(scores))
    ax.set_ylabel("students")
    what = "auto-graded points" if plotted is scores.auto_scores else "scores"
    ax.set_title(f"{scores.notebook}: {what} of {len(values)} submissions")
    fig.tight_layout()
    return _png(fig)


def _score_axis(scores: NotebookScores) -> str:
    """The histogram's x label: what is counted, and the free-text points left out or in."""
    plotted, max_score = scores.plotted
    if plotted is scores.auto_scores:
        pending = sum(1 for points in scores.to_mark.values() if points)
        return (f"auto-graded points (out of {max_score:g})\n{scores.hand_max:g} free-text "
                f"points not shown: {pending} submission{'s' if pending != 1 else ''} "
                "still to mark")
    if scores.hand_max:
        return (f"score (out of {max_score:g}: {max_score - scores.hand_max:g} auto-graded, "
                f"{scores.hand_max:g} marked by hand)")
    return f"score (out of {max_score:g})"


def _exercise_label(item: ExerciseRate | MessageCount, several_notebooks: bool) -> str:
    return f"{item.notebook}: {item.grade_id}" if several_notebooks else item.grade_id


def plot_pass_rates(rates: list[ExerciseRate]) -> bytes:
    """A horizontal bar per exercise: the fraction of submissions with full marks, as PNG bytes."""
    from matplotlib.figure import Figure

    several = len({r.notebook for r in rates}) > 1
    fig = Figure(figsize=(6.5, 1.0 + 0.45 * max(len(rates), 1)))
    ax = fig.add_subplot()
    labels = [_exercise_label(r, several) for r in rates]
    values = [r.rate or 0.0 for r in rates]
    ax.barh(range(len(rates)), values, color="#55a868")
    ax.set_yticks(range(len(rates)), labels)
    ax.invert_yaxis()  # the notebook's order, top to bottom
    for i, r in enumerate(rates):
        ax.text(min(values[i], 1.0) + 0.01, i, f"{len(r.passed)}/{r.graded}", va="center")
    ax.set_xlim(0, 1.15)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel("submissions with full marks")
    ax.set_title("Pass rate per exercise")
    fig.tight_layout()
    return _png(fig)


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.0f}%"


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


SCORES_HEADER = ["notebook", "submissions", "auto-graded points", "mean", "median", "lowest",
                 "highest", "free-text points", "still to mark"]
SCORES_NOTE = ("Auto-graded points: the test cells. Free-text points: written answers the "
               "instructor marks by hand (nbgrader's formgrader; an answer left as released "
               "scores 0 by itself). The statistics count the auto-graded points; so does the "
               "histogram until every free-text answer is marked, then it shows whole scores.")


def _summary(scores: NotebookScores) -> list[str]:
    """One row of the scores table: the auto-graded points, then the free-text points."""
    plotted = scores.auto_scores if scores.auto_max is not None else scores.scores
    values = list(plotted.values())
    auto_max = scores.auto_max if scores.auto_max is not None else scores.max_score
    pending = [points for points in scores.to_mark.values() if points]
    to_mark = (f"{len(pending)} submission{'s' if len(pending) != 1 else ''} "
               f"({sum(pending):g} points)" if pending else "—")
    stats = ([f"{statistics.mean(values):.2f}", f"{statistics.median(values):g}",
              f"{min(values):g}", f"{max(values):g}"] if values else ["—"] * 4)
    return [scores.notebook, str(len(values)), f"{auto_max:g}", *stats,
            f"{scores.hand_max:g}", to_mark]


class _Table(NamedTuple):
    """One section of the report: its ``intro`` above the table, its ``note`` below."""

    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""
    intro: str = ""


FLAGS_INTRO = ("The grader verified every auto-graded answer outside the student's kernel. These "
               "submissions' notebooks claimed a pass that the verification did not confirm, or "
               "called the course's reference implementation; their grades already count only "
               "what was verified. Look at them.")
NO_FLAGS = ("No submission was flagged: verification outside the students' kernels confirmed "
            "every pass the notebooks claimed, and no answer called the course's reference "
            "implementation.")
NO_VERIFICATION = ("The grading state holds no verification results (graded before the grader "
                   "verified answers), so no submission could be flagged.")


def _similar_intro() -> str:
    return ("For the instructor to look at; this changes no score. Each answer cell is compared "
            "with every other student's and with the reference solution, after removing what "
            "the released template already contains: as Python tokens without comments and "
            "layout, names replaced by one placeholder (attributes such as np.sum kept), "
            f"compared as sets of {similarity.K}-token sequences (Jaccard index). Pairs at "
            f"\u2265 {100 * similarity.THRESHOLD:.0f}% are listed, among answers of at least "
            f"{similarity.MIN_TOKENS} tokens (shorter ones coincide honestly).")


def _floor_percent(rate: float) -> str:
    """Rounded down, so that only identical answers read 100%."""
    return f"{math.floor(100 * rate + 1e-9)}%"


def _similar_rows(data: ReportData, top: int) -> tuple[list[list[str]], str]:
    several = len({p.notebook for p in data.similar}) > 1
    rows = [[f"{p.notebook}: {p.exercise}" if several else p.exercise, p.first, p.second,
             _floor_percent(p.similarity)] for p in data.similar[:top]]
    more = len(data.similar) - len(rows)
    if not data.similar:
        note = "No two answers are near-identical."
    elif more:
        note = f"{more} more pair{'s' if more > 1 else ''} not shown (top {top})."
    else:
        note = ""
    return rows, note


def _flags_table(data: ReportData) -> _Table:
    if data.flags:
        return _Table("Flagged submissions", ["student", "notebook", "flag"],
                      [[f.student, f.notebook, f.flag] for f in data.flags], intro=FLAGS_INTRO)
    return _Table("Flagged submissions", [], [],
                  note=NO_FLAGS if data.flags_recorded else NO_VERIFICATION)


def _tables(data: ReportData, top: int) -> list[_Table]:
    """The report's sections, shared by both renderers."""
    several = len({r.notebook for r in data.exercises}) > 1
    tables = [
        _Table("Scores", SCORES_HEADER, [_summary(s) for s in data.notebooks],
               SCORES_NOTE if any(s.hand_max for s in data.notebooks) else ""),
        _Table("Pass rate per exercise", ["exercise", "points", "full marks", "pass rate"],
               [[_exercise_label(r, several), f"{r.max_score:g}", f"{len(r.passed)}/{r.graded}",
                 _percent(r.rate)] for r in data.exercises],
               "A submission passes an exercise when its test cell got full marks."),
        _Table("Kernel deaths and time-outs",
               ["student", "notebook", "failure", "exercises stopped", "reason"],
               [[f.student, f.notebook, f.failure, ", ".join(f.exercises), f.reason]
                for f in data.run_failures],
               _run_failures_note(data.run_failures)),
        _Table(f"Most frequent checker messages (top {top})",
               ["exercise", "message", "students"],
               [[_exercise_label(m, several), m.message, str(m.count)]
                for m in data.messages[:top]],
               "What the checkers found wrong in the test cells (the problem and the first "
               "sentence of its hint), one count per student; kernel deaths and time-outs are "
               "counted above, not here."
               + ("" if data.messages else " No test cell failed.")),
    ]
    if data.state_found:
        tables.append(_flags_table(data))
    rows, note = _similar_rows(data, top)
    tables.append(_Table("Near-identical answers",
                         ["exercise", "student", "student or reference", "similarity"],
                         rows, note, intro=_similar_intro()))
    if data.state_found:
        tables.append(_Table(
            "Grading failures", ["student", "notebook", "status", "reason"],
            [[f.student, f.notebook or "(whole submission)", f.status, f.reason or ""]
             for f in data.failures],
            "" if data.failures else "Every submission was graded."))
        tables.append(_Table(
            f"Slowest submissions (top {top})",
            ["student", "seconds", "status", "peak memory (MB)"],
            [[t.student, _number(t.seconds), t.status, _number(t.peak_memory_mb, 0)]
             for t in data.timings[:top]]))
    return tables


def _run_failures_note(failures: list[RunFailure]) -> str:
    """How many submissions each kind of failure stopped, once each (not once per exercise)."""
    if not failures:
        return "No kernel died or ran out of time or memory."
    counts: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for f in failures:
        counts[f.failure].add((f.student, f.notebook))
    parts = [f"{kind}: {len(runs)} submission{'s' if len(runs) != 1 else ''}"
             for kind, runs in sorted(counts.items())]
    return ("The grader stopped these kernels; the exercises after the stop could not pass and "
            "are not counted among the checker messages. " + "; ".join(parts) + ".")


def _verification_note(cost: VerificationCost) -> str:
    share = "" if cost.share is None else (
        f", {_percent(cost.share)} of the mean notebook time of {cost.mean_total_seconds:.1f} s "
        "(kernel run plus verification)")
    return (f"Verifying the answers outside the students' kernels took {cost.mean_seconds:.1f} s "
            f"per notebook on average (at most {cost.max_seconds:.1f} s, over {cost.notebooks} "
            f"notebooks){share}.")


def _notes(data: ReportData) -> list[str]:
    notes = []
    if not data.state_found:
        notes.append(f"No grading state was found ({data.state_file}), so grading failures, "
                     "flags and timings are not shown.")
    if data.verification is not None:
        notes.append(_verification_note(data.verification))
    for path in data.unreadable:
        notes.append(f"Could not read the autograded notebook {path}; "
                     "its messages are not counted.")
    return notes


def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render_markdown(data: ReportData, images: dict[str, str], top: int = TOP) -> str:
    """The report as Markdown; ``images`` maps ``"pass-rates"`` and ``"scores-<notebook>"`` to
    the PNG files' paths relative to the Markdown file."""
    lines = [f"# Grading report: {data.assignment}", "",
             "Grades exported with nbgrader: [grades.csv](grades.csv); auto-graded and "
             "free-text points apart: [points.csv](points.csv).", ""]
    lines += [f"> {note}" for note in _notes(data)] + ([""] if _notes(data) else [])
    for title, header, rows, note, intro in _tables(data, top):
        lines += [f"## {title}", ""]
        if intro:
            lines += [intro, ""]
        if title == "Scores":
            lines += [f"![{s.notebook} scores]({images['scores-' + s.notebook]})"
                      for s in data.notebooks] + [""]
        if title == "Pass rate per exercise" and "pass-rates" in images:
            lines += [f"![pass rate per exercise]({images['pass-rates']})", ""]
        if rows:
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "|".join("---" for _ in header) + "|")
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            lines.append("")
        if note:
            lines += [note, ""]
    return "\n".join(lines)


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.message { font-family: ui-monospace, monospace; font-size: 0.9em; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: 0.4rem 0.8rem; }
img { max-width: 100%; }
"""


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(data: ReportData, images: dict[str, bytes], top: int = TOP) -> str:
    """The report as one self-contained HTML page; ``images`` maps the same names as
    :func:`render_markdown` to PNG bytes, embedded as ``data:`` URIs."""
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>Grading report: {e(data.assignment)}</title>",
             f"<style>{_CSS}</style></head><body>",
             f"<h1>Grading report: {e(data.assignment)}</h1>",
             '<p>Grades exported with nbgrader: <a href="grades.csv">grades.csv</a>; '
             'auto-graded and free-text points apart: <a href="points.csv">points.csv</a>.</p>']
    parts += [f'<p class="note">{e(note)}</p>' for note in _notes(data)]
    for title, header, rows, note, intro in _tables(data, top):
        parts.append(f"<h2>{e(title)}</h2>")
        if intro:
            parts.append(f"<p>{e(intro)}</p>")
        if title == "Scores":
            parts += [f'<img alt="{e(s.notebook)} scores" '
                      f'src="{_data_uri(images["scores-" + s.notebook])}">' for s in data.notebooks]
        if title == "Pass rate per exercise" and "pass-rates" in images:
            parts.append(f'<img alt="pass rate per exercise" '
                         f'src="{_data_uri(images["pass-rates"])}">')
        if rows:
            parts.append("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in header)
                         + "</tr></thead><tbody>")
            for row in rows:
                cells = [f'<td class="message">{e(c)}</td>' if h in ("message", "flag")
                         else f"<td>{e(c)}</td>" for h, c in zip(header, row)]
                parts.append("<tr>" + "".join(cells) + "</tr>")
            parts.append("</tbody></table>")
        if note:
            parts.append(f"<p>{e(note)}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

def _file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name)


POINTS_HEADER = ["student", "notebook", "auto_graded", "auto_graded_max", "free_text_marked",
                 "free_text_to_mark", "free_text_max", "score_so_far", "max_score"]


def write_points(data: ReportData, dest: str | Path) -> Path:
    """``points.csv``: per student and notebook, the auto-graded points apart from the free-text
    points marked so far and those still to mark."""
    with open(dest, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(POINTS_HEADER)
        for s in data.notebooks:
            auto_max = s.auto_max if s.auto_max is not None else s.max_score
            for student in sorted(s.scores):
                auto = s.auto_scores.get(student, s.scores[student])
                writer.writerow([student, s.notebook, f"{auto:g}", f"{auto_max:g}",
                                 f"{s.hand_scores.get(student, 0.0):g}",
                                 f"{s.to_mark.get(student, 0.0):g}", f"{s.hand_max:g}",
                                 f"{s.scores[student]:g}", f"{s.max_score:g}"])
    return Path(dest)


def write_report(course_dir: str | Path, assignment: str, out_dir: str | Path,
                 db_url: str | None = None, top: int = TOP) -> Path:
    """Write ``grades.csv``, ``points.csv``, the charts, ``report.md`` and ``report.html`` into
    ``out_dir``.

    Returns the path of ``report.html``. ``db_url`` is the gradebook (default: the course's
    ``nbgrader_config.py``, else ``sqlite:///<course_dir>/gradebook.db``); ``top`` is the number
    of rows of the message, near-identical answer and timing tables.
    """
    data = collect(course_dir, assignment, db_url)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    export_grades(course_dir, assignment, out_dir / "grades.csv", db_url)
    write_points(data, out_dir / "points.csv")

    pngs = {f"scores-{s.notebook}": plot_scores(s) for s in data.notebooks}
    if data.exercises:
        pngs["pass-rates"] = plot_pass_rates(data.exercises)
    files = {}
    for name, png in pngs.items():
        files[name] = f"{_file_name(name)}.png"
        (out_dir / files[name]).write_bytes(png)

    (out_dir / "report.md").write_text(render_markdown(data, files, top))
    report = out_dir / "report.html"
    report.write_text(render_html(data, pngs, top))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.report",
                                     description="Write the grading report of one assignment.")
    parser.add_argument("course", type=Path, help="the nbgrader course folder")
    parser.add_argument("assignment")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--db", help="gradebook URL (default: the course's)")
    parser.add_argument("--top", type=int, default=TOP, help="rows of the top-N tables")
    args = parser.parse_args(argv)
    try:
        report = write_report(args.course, args.assignment, args.out_dir, args.db, args.top)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"report written to {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
