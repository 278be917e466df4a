"""A set-up that breaks during a run: the same error, in a cell the students did not write, for
most of the submissions graded so far.

The preflight (``Grader._preflight``) grades the instructor's solution before the first student;
what it cannot see (a data file the grader does not put beside the students' notebooks, a package
or a shared folder that goes away in the middle of a run) shows up as many students failing the
same instructor cell with the same error. Each such result carries a *signature*
(:func:`signature`); the grader holds it back instead of recording it, and :class:`SetupWatch`
says when one signature is shared by so many submissions that the run must stop (nothing held
back is recorded: recording it would give those students the set-up's zero as their grade).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import nbformat
from nbgrader.utils import is_grade, is_locked, is_solution

from .execute import ERROR, describe_cell

#: errors of a test cell that point at the environment (a module or a file out of sight)
ENVIRONMENT_ERRORS = frozenset({"ModuleNotFoundError", "ImportError", "FileNotFoundError",
                                "PermissionError"})
#: errors that point at the answer (a failed check, a blank answer): never a set-up failure
ANSWER_ERRORS = frozenset({"AssertionError", "NotImplementedError"})
#: what the grader writes into cells it stopped or judged (limits, a dead kernel, the verifier)
GRADER_MARKS = frozenset({"KernelDied", "MemoryLimit", "NotebookTimeout", "CellTimeoutError",
                          "CheckFailure"})
#: a signature stops the run when at least this many submissions, and more than half of the
#: submissions finished so far, carry it
MIN_SUBMISSIONS = 3

KERNEL_START = "the kernel could not be started"


@dataclass(frozen=True)
class Signature:
    """The same failure in two submissions: same notebook, same cell, same error."""

    notebook: str
    cell: str | int | None  # the cell's grade id, else its index; None: the kernel did not start
    ename: str
    evalue: str  # the error message's first line
    where: str = field(default="", compare=False)  # how a person finds the cell

    def place(self) -> str:
        """'code cell 1 of 7 (grade id "setup") of tiny': where a person finds the failure."""
        return f"{self.where} of {self.notebook}"

    def error(self) -> str:
        """'ModuleNotFoundError: No module named 'dlcourse'': the error, on one line."""
        return f"{self.ename}: {self.evalue}" if self.ename else self.evalue


def _first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0][:300] if lines else ""


def _errors(cell) -> list:
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _signature_of(notebook: str, nb, index: int, error) -> Signature:
    grade_id = nb.cells[index].get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return Signature(notebook, grade_id or index, str(error.get("ename", "")),
                     _first_line(error.get("evalue", "")), describe_cell(nb, index))


def signature(notebook: str, result: dict) -> Signature | None:
    """The set-up failure signature of one executed notebook (``execute.execute_notebook``'s
    result), or None when its errors can be the student's own.

    A signature is the first of these, in the order of the cells:

    - the kernel could not start, or died in the first code cell (no answer had run before);
    - an error in a test cell (nbgrader "grade", not "solution") whose type says that a module
      or a file is out of sight (:data:`ENVIRONMENT_ERRORS`);
    - the notebook's first error, when it lies in a locked instructor cell (nbgrader metadata,
      neither "solution" nor "grade": its source is the instructor's, restored by nbgrader) and
      is neither a failed check nor a blank answer. A later one may follow from the student's
      earlier error (a name their cell did not define), so it does not count.
    """
    if result.get("status") == ERROR:
        reason = str(result.get("reason", ""))
        if reason.startswith(KERNEL_START):  # the part after it names temporary paths
            return Signature(notebook, None, "", _first_line(reason.split("; kernel output")[0]),
                             "to start the kernel")
        return None
    if "notebook" not in result:
        return None
    nb = nbformat.reads(result["notebook"], as_version=4)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    if result.get("status") == "crashed" and code:
        died = [e for e in _errors(nb.cells[code[0]]) if e.get("ename") == "KernelDied"
                and not str(e.get("evalue", "")).startswith("not run")]
        if died:
            return _signature_of(notebook, nb, code[0], died[0])
    first_error = True
    for index in code:
        cell = nb.cells[index]
        for error in _errors(cell):
            ename = error.get("ename")
            if is_grade(cell) and not is_solution(cell) and ename in ENVIRONMENT_ERRORS:
                return _signature_of(notebook, nb, index, error)
            if (first_error and is_locked(cell) and not is_grade(cell) and not is_solution(cell)
                    and ename not in ANSWER_ERRORS | GRADER_MARKS):
                return _signature_of(notebook, nb, index, error)
            first_error = False
    return None


def signatures(results: dict[str, dict]) -> list[Signature]:
    """The signatures of one student's notebooks ({notebook: result}), in notebook order."""
    found = (signature(nb, result) for nb, result in sorted(results.items()))
    return [s for s in found if s is not None]


class SetupWatch:
    """Counts the submissions of a run as they finish, holds back those with a signature, and
    says when one signature is shared by enough of them to stop the run (:attr:`tripped`)."""

    def __init__(self, min_submissions: int = MIN_SUBMISSIONS):
        self.min_submissions = min_submissions
        self.finished = 0
        self.held: dict[str, object] = {}  # student -> what the grader needs to record it later
        self.students: dict[Signature, list[str]] = {}  # signature -> students holding it
        self.tripped: Signature | None = None

    def finish(self, student: str, found: list[Signature], item: object) -> bool:
        """Count one finished submission; hold ``item`` back when it has signatures (``found``).
        True when it is held back: the caller records nothing for it now."""
        self.finished += 1
        if not found:
            return False
        self.held[student] = item
        for sig in dict.fromkeys(found):
            students = self.students.setdefault(sig, [])
            students.append(student)
            if (self.tripped is None and len(students) >= self.min_submissions
                    and 2 * len(students) > self.finished):
                self.tripped = sig
        return True

    def release(self) -> list[object]:
        """The held-back items, in student order, to be recorded (the run ended normally)."""
        items = [self.held[s] for s in sorted(self.held)]
        self.held.clear()
        return items

    def stop_message(self) -> str | None:
        """What the instructor reads when the run stopped for a broken set-up, else None."""
        if self.tripped is None:
            return None
        count = len(self.students[self.tripped])
        return (f"grading stopped, the set-up looks broken: {count} of {self.finished} "
                f"submissions failed {self.tripped.place()} with the same error: "
                f"{self.tripped.error()}; held back and not recorded: "
                f"{', '.join(sorted(self.held))}; fix the set-up (can the sandbox import the "
                f"course package and read the data?) and run again")
