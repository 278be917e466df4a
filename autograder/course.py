"""The nbgrader course being graded: its configuration (the one loader of the package), its
gradebook and folders, the sanitize step, and the recording of one student's grades with
``nbgrader autograde`` (``autograder.replay`` in place of its ``Execute``)."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

from .replay import ReplayExecute


class UsageError(Exception):
    """A problem with what was asked (bad arguments, unknown assignment, nothing to grade)."""


def load_config(course: Path, db_url: str | None = None):
    """The nbgrader configuration ``nbgrader autograde`` would use in ``course``: the Jupyter
    config folders, then the course's ``nbgrader_config.py`` (never the current folder's);
    ``db_url`` (any SQLAlchemy URL) replaces the configured gradebook."""
    from nbgrader.apps.baseapp import NbGrader

    class CourseConfig(NbGrader):
        load_cwd_config = False

    app = CourseConfig(log_level=logging.ERROR)
    app.initialize([], root=str(course))
    config = app.config
    config.CourseDirectory.root = str(Path(course).resolve())
    if db_url:
        config.CourseDirectory.db_url = db_url
    return config


def _nbgrader_log() -> logging.Logger:
    """nbgrader's messages go to each student's log file (capture_log), not to the terminal."""
    log = logging.getLogger("autograder.nbgrader")
    log.propagate = False
    if not log.handlers:
        log.addHandler(logging.NullHandler())  # else logging's last resort prints warnings
    log.setLevel(logging.INFO)
    return log


def _replace_execute(preprocessors: list) -> list:
    from nbgrader.preprocessors import Execute
    from traitlets.utils.importstring import import_item

    out, replaced = [], False
    for pp in preprocessors:
        cls = import_item(pp) if isinstance(pp, str) else pp
        if isinstance(cls, type) and issubclass(cls, Execute):
            out.append(ReplayExecute)
            replaced = True
        else:
            out.append(pp)
    if not replaced:
        raise UsageError("the course's Autograde.autograde_preprocessors has no Execute step to "
                         "replace; the autograder cannot run with that configuration")
    return out


class Course:
    """The course directory, its nbgrader configuration and gradebook, set up for grading."""

    def __init__(self, options):
        """``options``: an ``autograder.grade.Options`` (course, assignment, db_url)."""
        from nbgrader.api import Gradebook, MissingEntry
        from nbgrader.converters import Autograde
        from nbgrader.coursedir import CourseDirectory
        from nbgrader.preprocessors import Execute

        self.root = Path(options.course).resolve()
        self.assignment = options.assignment
        if not self.root.is_dir():
            raise UsageError(f"course directory {options.course} does not exist")
        self.work = self.root / ".autograder" / self.assignment
        config = load_config(self.root, options.db_url)
        # the course's own submitted/ (nbgrader collect's), hidden from student code like the rest
        self.course_submitted = CourseDirectory(config=config).format_path(
            CourseDirectory(config=config).submitted_directory, ".", ".")
        config.CourseDirectory.submitted_directory = os.path.join(
            ".autograder", self.assignment, "submitted")
        # the course's list (nbgrader's default unless configured), with Execute replaced
        preprocessors = list(Autograde(config=config).autograde_preprocessors)
        config.Autograde.autograde_preprocessors = _replace_execute(preprocessors)
        config.ReplayExecute.executed_root = str(self.root / ".autograder")
        self.config = config
        self.coursedir = CourseDirectory(config=config)
        self.log = _nbgrader_log()
        self.execute_settings = self._execute_settings(Execute(config=config))

        try:
            with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
                try:
                    assignment = gb.find_assignment(self.assignment)
                except MissingEntry:
                    known = ", ".join(a.name for a in gb.assignments) or "none"
                    raise UsageError(
                        f"unknown assignment {self.assignment!r}: it is not in the gradebook "
                        f"{self.coursedir.db_url} (known: {known}); run `nbgrader "
                        f"generate_assignment {self.assignment}` in {self.root} first") from None
                self.notebooks = sorted(nb.name for nb in assignment.notebooks)
        except UsageError:
            raise
        except Exception as exc:  # SQLAlchemy: bad URL, server down, no such file...
            raise UsageError(f"cannot open the gradebook {self.coursedir.db_url}: "
                             f"{str(exc).splitlines()[0]}") from None
        if not self.notebooks:
            raise UsageError(f"assignment {self.assignment!r} has no notebooks in the gradebook")
        self.source = Path(self.coursedir.format_path(
            self.coursedir.source_directory, ".", self.assignment)).resolve()

    @staticmethod
    def _execute_settings(ex) -> dict:
        """nbgrader's Execute settings as configured for the course (the worker reuses them)."""
        names = ["allow_errors", "interrupt_on_timeout", "raise_on_iopub_timeout",
                 "error_on_timeout", "extra_arguments", "iopub_timeout", "startup_timeout",
                 "shutdown_kernel", "record_timing", "store_widget_state", "skip_cells_with_tag",
                 "ipython_hist_file", "coalesce_streams"]
        settings = {n: getattr(ex, n) for n in names if ex.has_trait(n)}
        settings["timeout"] = ex.timeout
        return json.loads(json.dumps(settings))  # plain data for any executor

    def verify_plan(self, notebook: str, nb_json: str) -> dict:
        """What the verifier runs for one sanitized notebook (``autograder.verification``)."""
        import nbformat
        from dlcourse.checks import EXERCISES

        from .verification import plan

        cache = self.__dict__.setdefault("_source_notebooks", {})
        if notebook not in cache:
            path = self.source / f"{notebook}.ipynb"
            cache[notebook] = nbformat.read(path, as_version=4) if path.exists() else \
                nbformat.v4.new_notebook()
        return plan(nbformat.reads(nb_json, as_version=4), cache[notebook], EXERCISES)

    def source_digest(self) -> str:
        digest = hashlib.sha256()
        if self.source.is_dir():
            for path in sorted(p for p in self.source.rglob("*") if p.is_file()):
                digest.update(str(path.relative_to(self.source)).encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()

    # -- the three steps --------------------------------------------------------------------

    def working_files(self, staged: Path) -> dict[str, bytes]:
        """The files nbgrader puts beside the notebook before running it: the student's other
        files, then the source's other files over them (less ``Autograde.exclude_overwriting``)."""
        from nbgrader.converters import Autograde
        from nbgrader.utils import find_all_files

        ignore = list(self.coursedir.ignore)
        files = {}
        for path in find_all_files(str(staged), ignore + ["*.ipynb"]):
            files[os.path.relpath(path, staged)] = Path(path).read_bytes()
        exclude = set(Autograde(config=self.config).exclude_overwriting.get(self.assignment, []))
        if self.source.is_dir():
            for path in find_all_files(str(self.source), ignore + ["*.ipynb"]):
                rel = os.path.relpath(path, self.source)
                if rel not in exclude:
                    files[rel] = Path(path).read_bytes()
        return files

    def sanitizer(self):
        """nbgrader's sanitize step on one staged notebook: returns the notebook's JSON text."""
        from nbgrader.converters import Autograde

        conv = Autograde(coursedir=self.coursedir, config=self.config, log=self.log)
        conv.exporter = conv.exporter_class(parent=conv, config=conv.config)
        conv._sanitizing = True
        conv._init_preprocessors()

        def sanitize(path: Path) -> str:
            resources = conv.init_single_notebook_resources(str(path))
            output, _ = conv.exporter.from_filename(str(path), resources=resources)
            return output
        return sanitize

    def record(self, student: str, staged_notebooks: list[str], timestamp: str | None) -> dict:
        """Run nbgrader autograde for one student (outputs replayed); nbgrader's result dict."""
        from nbgrader.converters import Autograde
        from nbgrader.utils import capture_log, temp_attrs

        if not staged_notebooks:
            return self.record_nothing_gradable(student, timestamp)
        with temp_attrs(self.coursedir, assignment_id=self.assignment, student_id=student):
            app = Autograde(coursedir=self.coursedir, config=self.config, log=self.log)
            app.force = True
            app.create_student = True
            return capture_log(app)

    def record_nothing_gradable(self, student: str, timestamp: str | None) -> dict:
        """nbgrader refuses a submission without a single notebook ("No notebooks found"), so for
        a student whose every notebook is missing, corrupt or misnamed this does what
        ``Autograde.init_assignment`` does for a missing notebook, with nbgrader's Gradebook API:
        the submission exists and every grade is zero."""
        from nbgrader.api import Gradebook

        try:
            with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
                gb.update_or_create_student(student)
                extra = {"timestamp": timestamp} if timestamp else {}
                submission = gb.update_or_create_submission(self.assignment, student, **extra)
                for nb in submission.notebooks:
                    for grade in nb.grades:
                        grade.auto_score = 0
                        grade.needs_manual_grade = False
                gb.db.commit()
        except Exception as exc:
            return {"success": False, "error": f"{type(exc).__name__}: {exc}"}
        autograded = Path(self.coursedir.format_path(self.coursedir.autograded_directory,
                                                     student, self.assignment))
        shutil.rmtree(autograded, ignore_errors=True)  # an older grading's notebooks
        return {"success": True, "log": "no notebook to grade: every grade set to zero\n"}

    def autograded_exists(self, student: str, notebooks: list[str]) -> bool:
        folder = Path(self.coursedir.format_path(self.coursedir.autograded_directory, student,
                                                 self.assignment))
        return all((folder / f"{nb}.ipynb").exists() for nb in notebooks)
