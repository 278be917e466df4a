"""Students' HTML feedback: nbgrader's own, without the hidden tests.

nbgrader's ``autograde`` puts every test cell back as the instructor wrote it, hidden tests
included (``OverwriteCells`` restores the source saved by ``generate_assignment`` *before*
``ClearHiddenTests`` ran), and ``generate_feedback`` renders the autograded notebook as it is. So
nbgrader's feedback shows each test cell's ``### BEGIN HIDDEN TESTS`` region, and the IPython
traceback of a failed hidden check quotes the failing lines (``check_relu(relu, hidden=True)``)
and the checker's own code.

:func:`generate` runs nbgrader's ``GenerateFeedback`` converter (what ``nbgrader
generate_feedback`` runs) with one more preprocessor, :class:`HideHiddenTests`, after
``GetGrades``. In every graded test cell it

- removes the hidden-test regions from the source (with nbgrader's own ``ClearHiddenTests``
  code and delimiters, so a course that configures other delimiters keeps working);
- replaces each error output's traceback by its last line, ``ename: evalue``: the checker's
  message (case, expected, got, hint) stays, the quoted source goes.

Scores, comments, answer cells (and their tracebacks: that code is the student's own) and every
other cell are left as they are.

The pages read right offline: nbgrader's ``HTMLExporter`` is replaced by
:class:`autograder.offline_html.OfflineHTMLExporter`, which writes the Markdown's math as MathML
(no MathJax from a CDN) and gives Markdown tables borders and padding (nbgrader's template keeps
no table style, so a ``| $y$ | $\\hat y$ |`` header ran together).

    from autograder import feedback
    feedback.generate("course", "01-neuron")   # {"ada": Path(".../feedback/ada/01-neuron"), ...}
"""
from __future__ import annotations

import glob
import logging
import os
import re
from pathlib import Path
from typing import Iterable

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.converters import GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearHiddenTests, GetGrades
from traitlets import List
from traitlets.config import Config

from .course import load_config
from .offline_html import OfflineHTMLExporter

__all__ = ["HideHiddenTests", "error_summary", "generate", "is_test_cell"]

log = logging.getLogger(__name__)


def is_test_cell(cell: NotebookNode) -> bool:
    """An autograded test cell: a graded code cell the student does not write."""
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def error_summary(output: NotebookNode) -> str:
    """``ename: evalue`` of an error output: what went wrong, without where."""
    ename, evalue = output.get("ename", "Error"), output.get("evalue", "")
    return f"{ename}: {evalue}" if evalue else ename


class HideHiddenTests(ClearHiddenTests):
    """Feedback preprocessor: test cells without their hidden tests or their tracebacks.

    A subclass of nbgrader's ``ClearHiddenTests``, so ``ClearHiddenTests.begin_test_delimeter``
    and ``end_test_delimeter`` in the course's config apply here too. Unlike its parent it only
    touches graded test cells and never complains about the others.
    """

    # configurable, as in nbgrader's GetGrades: the HTML exporter configures it for every
    # preprocessor, and nbgrader's base class would warn that it is not a config option
    display_data_priority = List(GetGrades.class_traits()["display_data_priority"].default()
                                 ).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict,
                        cell_index: int) -> tuple[NotebookNode, ResourcesDict]:
        if not is_test_cell(cell):
            return cell, resources
        self._remove_hidden_test_region(cell)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                # The templates print the traceback lines, and IPython's traceback quotes the
                # failing source lines (the hidden call); the message alone says what was wrong.
                output["traceback"] = [error_summary(output)]
        return cell, resources


def feedback_preprocessors(config: Config) -> list:
    """``GenerateFeedback.preprocessors`` as configured, with :class:`HideHiddenTests` after
    ``GetGrades`` (or first, when a course removed ``GetGrades``)."""
    if "preprocessors" in config.GenerateFeedback:
        configured = list(config.GenerateFeedback.preprocessors)
    else:
        configured = list(GenerateFeedback.class_traits()["preprocessors"].default())
    if HideHiddenTests in configured:
        return configured
    at = configured.index(GetGrades) + 1 if GetGrades in configured else 0
    return configured[:at] + [HideHiddenTests] + configured[at:]


def students_of(coursedir: CourseDirectory, assignment: str) -> list[str]:
    """Every student of the gradebook, and every student with an autograded ``assignment``."""
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        students = {s.id for s in gb.students}
    pattern = coursedir.format_path(coursedir.autograded_directory, "*", assignment)
    regexp = coursedir.format_path(coursedir.autograded_directory, "(?P<student_id>[^/]+)",
                                   assignment, escape=True)
    for folder in glob.glob(pattern):
        match = re.fullmatch(regexp, folder)
        if match and os.path.isdir(folder):
            students.add(match.group("student_id"))
    return sorted(students)


class _Errors(logging.Handler):
    """Keeps the error records nbgrader logs while it converts one student's notebooks."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _reason(errors: list[str], exc: Exception) -> str:
    """One line for the instructor: the exception that stopped nbgrader."""
    for message in reversed(errors):
        if message.startswith("Traceback"):
            lines = [line for line in message.splitlines() if line.strip()]
            return lines[-1].strip()
    return str(exc) or type(exc).__name__


def _generate_one(config: Config, assignment: str, student: str) -> Path | str:
    coursedir = CourseDirectory(config=config, assignment_id=assignment, student_id=student)
    dest = Path(coursedir.format_path(coursedir.feedback_directory, student, assignment))
    source = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
    if not any(source.glob("*.ipynb")):
        return f"no autograded notebooks in {source}"
    converter_log = log.getChild(student)
    errors = _Errors()
    converter_log.addHandler(errors)
    try:
        GenerateFeedback(coursedir=coursedir, config=config, force=True, log=converter_log).start()
    except Exception as exc:  # nbgrader raises NbGraderException after logging the cause
        return _reason(errors.messages, exc)
    finally:
        converter_log.removeHandler(errors)
    if not any(dest.glob("*.html")):
        return f"nbgrader wrote no feedback into {dest}"
    return dest


def generate(course_dir: str | Path, assignment: str, students: Iterable[str] | None = None,
             db_url: str | None = None) -> dict[str, Path | str]:
    """Write the HTML feedback of ``assignment`` for each student; return what happened to each.

    ``students`` defaults to every student of the gradebook plus every student with an
    autograded submission. The result maps each student to the folder of their feedback
    (``<course>/feedback/<student>/<assignment>/``, one ``.html`` per notebook) or, when it
    could not be made, to a one-line reason (a ``str``): a missing or unreadable autograded
    notebook, a submission the gradebook does not know. One student's failure never stops the
    others. Existing feedback is replaced.
    """
    config = load_config(Path(course_dir), db_url)
    config.GenerateFeedback.preprocessors = feedback_preprocessors(config)
    config.GenerateFeedback.exporter_class = OfflineHTMLExporter
    if students is None:
        students = students_of(CourseDirectory(config=config), assignment)
    return {student: _generate_one(config, assignment, student) for student in students}
