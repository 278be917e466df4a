"""A failed check in a notebook shows the checker's message, never dlcourse's own frames.

A small notebook runs in a real kernel (nbclient, as JupyterLab's kernel would run it): a wrong
answer and its check, then an answer that raises and its check.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import dlcourse
from dlcourse.checks import EXERCISES

from .notebooks import ROOT

PACKAGE = str(Path(dlcourse.__file__).resolve().parent)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
WRONG = "def relu(z):\n    return np.abs(z)\n"
RAISES = "def relu(z):\n    scaled = z * 2\n    return scaled.no_such_attribute\n"


def _run(cells: list[str]) -> list[nbformat.NotebookNode]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    return nb.cells


def _our_frames(text: str) -> list[str]:
    """The lines of a traceback that name a file of the dlcourse package."""
    return [line for line in text.splitlines()
            if PACKAGE in line or "checks/core.py" in line or "dlcourse/checks" in line]


def _shown(cell) -> str:
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1, cell.outputs
    return ANSI.sub("", "\n".join(errors[0].traceback))


def test_a_failed_check_shows_the_message_and_the_students_lines_only():
    cells = _run(["import numpy as np\nfrom dlcourse.checks import check_relu",
                  WRONG, "check_relu(relu)",
                  RAISES, "check_relu(relu)",
                  "def broken():\n    return 1 / 0\nbroken()",
                  "from dlcourse.checks.core import CheckFailure\n"
                  "del CheckFailure._render_traceback_\ncheck_relu(relu)"])
    scope = {"np": __import__("numpy")}
    exec(WRONG, scope)
    message = EXERCISES["relu"].first_failure(scope["relu"])

    wrong = _shown(cells[2])
    assert message is not None
    for line in message.splitlines():
        assert line in wrong
    assert "CheckFailure" in wrong
    assert "check_relu(relu)" in wrong  # the student's own line, in their test cell
    assert not _our_frames(wrong)

    raised = _shown(cells[4])
    assert "relu raised AttributeError" in raised
    assert "return scaled.no_such_attribute" in raised  # the line of theirs that raised
    assert not _our_frames(raised)

    # any other error keeps IPython's usual traceback: the student's function frame is there
    other = _shown(cells[5])
    assert "ZeroDivisionError" in other and "return 1 / 0" in other

    # the control: IPython's plain display of the same failure goes through the checker's frames
    assert _our_frames(_shown(cells[6]))
