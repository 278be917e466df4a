"""``ReplayExecute``: nbgrader's ``Execute`` step, fed with outputs computed in the sandbox.

The grader runs ``nbgrader autograde`` itself (every grade is written by nbgrader) with this
preprocessor in place of ``Execute``. Instead of running the student's code again, outside any
sandbox, it takes the outputs that ``autograder.execute`` produced for the very same sanitized
notebook. "The very same" is checked: the cells nbgrader has just sanitized must hash to the cells
that were executed; when they do not (or there is no executed copy) it fails, and nbgrader records
nothing for that student. It never executes code.
"""
from __future__ import annotations

import hashlib
import json
import os

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode



def executed_folder(root: str | os.PathLike, assignment: str, student: str) -> str:
    """Where the sandbox's executed copies of a student's notebooks are kept:
    ``<root>/<assignment>/executed/<student>/`` (root: the course's ``.autograder`` folder)."""
    return os.path.join(root, assignment, "executed", student)


class ReplayMismatch(Exception):
    """The notebook nbgrader is grading is not the one that was executed in the sandbox."""


def cells_sha256(nb) -> str:
    """Hash of what decides the execution: each cell's type and source, in order."""
    cells = [[cell.cell_type, cell.source] for cell in nb.cells]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=True).encode()).hexdigest()


class ReplayExecute(NbGraderPreprocessor):
    """Copy the outputs of the sandboxed execution into the notebook nbgrader is autograding."""

    executed_root = Unicode(
        "", help="Folder of the executed copies: <executed_root>/<assignment>/executed/"
                 "<student>/<notebook>.ipynb").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        path = os.path.join(executed_folder(self.executed_root, info["assignment"],
                                            info["student"]), info["notebook"] + ".ipynb")
        where = f"{info['student']}/{info['assignment']}/{info['notebook']}"
        if not self.executed_root or not os.path.exists(path):
            raise ReplayMismatch(f"no sandboxed execution of {where} at {path}; refusing to run "
                                 "student code outside the sandbox")
        executed = nbformat.read(path, as_version=4)
        if cells_sha256(nb) != cells_sha256(executed):
            raise ReplayMismatch(f"the notebook nbgrader sanitized for {where} differs from the "
                                 "one executed in the sandbox; nothing recorded (grade it again)")
        for cell, done in zip(nb.cells, executed.cells):
            if cell.cell_type != "code":
                continue
            cell.outputs = done.get("outputs", [])
            cell.execution_count = done.get("execution_count")
            if "execution" in done.metadata:
                cell.metadata["execution"] = done.metadata["execution"]
        for key in ("language_info", "widgets"):
            if key in executed.metadata:
                nb.metadata[key] = executed.metadata[key]
        return nb, resources
