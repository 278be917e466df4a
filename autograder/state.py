"""The grading state of one assignment: ``<course>/.autograder/<assignment>/state.json``.

One entry per student, written as soon as nbgrader has recorded that student's grades, so a run
that is stopped (Ctrl-C, a killed process, a power cut) loses at most the students in flight.
The report (``autograder.report``) and the feedback (``autograder.feedback``) read this file.

Format::

    {"assignment": "01-neuron",
     "seed": 8123452342,       # the grading seed the hidden cases were drawn from
     "students": {
        "ada": {"fingerprint": "<sha256 of the student's files, the source notebooks, the limits>",
                "status": "graded" | "failed",
                "reason": null | "why the student could not be graded",
                "seconds": 12.3,
                "notebooks": {
                    "01-neuron": {"status": "graded" | "missing" | "corrupt" | "misnamed"
                                            | "crashed" | "timeout" | "memory" | "cell-timeout"
                                            | "disk" | "processes" | "output",
                                  "reason": null | "what happened, in plain English",
                                  "seconds": 11.9,
                                  "peak_memory_mb": 181.2 | null,
                                  "verify_seconds": 1.4,
                                  "verification": {"sigmoid": {"passed": false,
                                                               "notebook_passed": true,
                                                               "verified": false,
                                                               "message": "sigmoid failed ..."}},
                                  "flags": ["sigmoid: its test cell passed in the notebook, "
                                            "but the grader's own check failed: ..."]}}}}}

"verification" holds, per exercise, what the notebook's test cell said (``notebook_passed``),
what the grader's own check outside the kernel found (``verified``), and the points' fate
(``passed``: both). "flags" are the reasons to look at a submission (a pass the notebook claimed
and verification did not confirm, the course's reference implementation called).

"graded" means nbgrader recorded grades (a notebook that crashed is graded: the cells that ran
count, the rest score zero); "failed" means no grade was recorded and a rerun will try again.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

#: per-notebook statuses, in the order the summary lists them
NOTEBOOK_STATUSES = ("graded", "missing", "corrupt", "misnamed", "crashed", "timeout", "memory",
                     "cell-timeout", "disk", "processes", "output")


def state_path(course: Path, assignment: str) -> Path:
    return Path(course) / ".autograder" / assignment / "state.json"


class State:
    """The state file, loaded once and rewritten atomically after every change."""

    def __init__(self, path: Path, assignment: str):
        self.path = Path(path)
        self.data = {"assignment": assignment, "seed": None, "students": {}}
        if self.path.exists():
            loaded = json.loads(self.path.read_text())
            if loaded.get("assignment") != assignment:
                raise ValueError(f"{self.path} is the state of {loaded.get('assignment')!r}, "
                                 f"not of {assignment!r}")
            self.data["students"] = dict(loaded.get("students", {}))
            self.data["seed"] = loaded.get("seed")

    @property
    def seed(self) -> int | None:
        """The grading seed of this assignment's hidden cases (None before the first run)."""
        seed = self.data.get("seed")
        return seed if isinstance(seed, int) else None

    @seed.setter
    def seed(self, value: int) -> None:
        self.data["seed"] = int(value)
        self.save()

    @property
    def students(self) -> dict[str, dict]:
        return self.data["students"]

    def get(self, student: str) -> dict | None:
        return self.students.get(student)

    def record(self, student: str, entry: dict) -> None:
        """Store one student's entry and write the file."""
        self.students[student] = entry
        self.save()

    def save(self) -> None:
        """Write to a temporary file in the same folder, then rename it over the old one: a reader
        (or a rerun after a crash) sees the old file or the new one, never half of one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".state-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w") as fh:
                json.dump(self.data, fh, indent=1, sort_keys=True)
                fh.write("\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def student_entry(fingerprint: str, status: str, reason: str | None, seconds: float,
                  notebooks: dict[str, dict]) -> dict:
    return {"fingerprint": fingerprint, "status": status, "reason": reason,
            "seconds": round(float(seconds), 3), "notebooks": notebooks}


def notebook_entry(status: str, reason: str | None = None, seconds: float = 0.0,
                   peak_memory_mb: float | None = None, verify_seconds: float = 0.0,
                   verification: dict | None = None, flags: list[str] | None = None) -> dict:
    assert status in NOTEBOOK_STATUSES, status
    return {"status": status, "reason": reason, "seconds": round(float(seconds), 3),
            "peak_memory_mb": None if peak_memory_mb is None else round(float(peak_memory_mb), 1),
            "verify_seconds": round(float(verify_seconds), 3),
            "verification": verification or {}, "flags": list(flags or [])}
