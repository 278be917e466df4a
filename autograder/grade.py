"""Grade every submission of one assignment, in parallel, on top of nbgrader.

For each student the work goes through three steps; every gradebook write is nbgrader's own,
made one student at a time in this process:

1. **stage** (here): the student's valid notebooks are copied into the grader's own ``submitted``
   tree, ``<course>/.autograder/<assignment>/submitted/<student>/<assignment>/``, which nbgrader's
   ``CourseDirectory.submitted_directory`` then points at. Corrupt and misnamed notebooks are left
   out (nbgrader gives a notebook it cannot find zero). The original files are only read.
   Each staged notebook is sanitized by nbgrader's own sanitize preprocessors (``ClearOutput``,
   ``DeduplicateIds``, ``OverwriteKernelspec``, ``OverwriteCells``, ``CheckCellMetadata``).
2. **execute** (a worker, in parallel): ``autograder.execute.execute_notebook`` runs the sanitized
   notebook in a sandbox, on a local thread pool or on a Dask cluster (``--scheduler``), then
   verifies every auto-graded answer outside the student's kernel (``autograder.verification``:
   the answer cells run again in a fresh sandboxed process, the checkers run here on plain data,
   hidden inputs drawn from the grading seed kept in the state file).
3. **record** (here, as each result arrives): ``nbgrader autograde`` runs for the student, in
   this process, with ``autograder.replay.ReplayExecute`` in place of ``Execute``: it takes the
   sandbox's outputs instead of running the code again. Then the student's entry of the state file
   (``autograder.state``) is written.

A rerun skips every student whose entry says "graded" with the same fingerprint (same files, same
source notebooks, same limits) and whose autograded notebooks and gradebook submission exist.
Ctrl-C stops sending work, kills the running kernels, lets a gradebook write in progress finish,
and says how to go on.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import secrets
import shutil
import signal
import sys
import threading
import time
import uuid
import warnings
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import execute, isolation
from .limits import (DEFAULT_MAX_PROCESSES, DEFAULT_MEMORY_LIMIT, DEFAULT_NOTEBOOK_TIMEOUT,
                     DEFAULT_OUTPUT_LIMIT, NBGRADER_CELL_TIMEOUT)
from .replay import ReplayExecute, executed_folder
from .setup_failure import SetupWatch, signatures
from .state import State, notebook_entry, state_path, student_entry
from .submissions import DEFAULT_FILENAME_REGEX, Submission, discover, stage


ISOLATION_NONE_WARNING = (
    "WARNING: --isolation none: the students' code runs as {user}, with everything this account "
    "can do: it can read and change the gradebook, the source notebooks and the other students' "
    "files, use the network, and leave processes behind. Use it only for submissions you trust, "
    "or inside a throw-away container or VM.")


class UsageError(Exception):
    """A problem with what was asked (bad arguments, unknown assignment, nothing to grade)."""


class PreflightFailed(Exception):
    """The instructor's own solution loses points through the grader's set-up: grading it
    would give every student a wrong grade, so nothing is graded."""


@dataclass
class Options:
    assignment: str
    submissions: Path
    course: Path = Path(".")
    workers: int | None = None
    cell_timeout: float | None = None
    notebook_timeout: float = DEFAULT_NOTEBOOK_TIMEOUT
    memory_limit: int = DEFAULT_MEMORY_LIMIT
    output_limit: int = DEFAULT_OUTPUT_LIMIT
    disk_limit: int | None = None
    max_processes: int = DEFAULT_MAX_PROCESSES
    isolation: str = "auto"
    filename_regex: str = DEFAULT_FILENAME_REGEX
    db_url: str | None = None
    scheduler: str | None = None
    #: the cluster's CA and the grader's certificate and key, for a ``tls://`` scheduler
    tls_ca_file: Path | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    #: accept a plain ``tcp://`` scheduler (no encryption, no authentication)
    insecure: bool = False
    report: bool = True
    seed: int | None = None
    #: grade the instructor's own solution first, and refuse to grade when it loses points
    preflight: bool = True


@dataclass
class Job:
    """One student in flight."""

    sub: Submission
    fingerprint: str
    started: float
    staged: Path | None = None
    waiting: set[str] = field(default_factory=set)
    results: dict[str, dict] = field(default_factory=dict)
    failure: str | None = None


# -- nbgrader set-up ---------------------------------------------------------------------------

def load_config(course: Path):
    """The nbgrader configuration ``nbgrader autograde`` would use in ``course``: the Jupyter
    config folders, then the course's ``nbgrader_config.py`` (never the current folder's)."""
    from nbgrader.apps.baseapp import NbGrader

    class CourseConfig(NbGrader):
        load_cwd_config = False

    app = CourseConfig(log_level=logging.ERROR)
    app.initialize([], root=str(course))
    return app.config


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

    def __init__(self, options: Options):
        from nbgrader.api import Gradebook, MissingEntry
        from nbgrader.converters import Autograde
        from nbgrader.coursedir import CourseDirectory
        from nbgrader.preprocessors import Execute

        self.root = Path(options.course).resolve()
        self.assignment = options.assignment
        if not self.root.is_dir():
            raise UsageError(f"course directory {options.course} does not exist")
        self.work = self.root / ".autograder" / self.assignment
        config = load_config(self.root)
        config.CourseDirectory.root = str(self.root)
        if options.db_url:
            config.CourseDirectory.db_url = options.db_url
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


# -- isolation ---------------------------------------------------------------------------------

def namespaces_problem() -> str | None:
    """None when this machine can run kernels in the sandbox, else why not."""
    return isolation.bwrap_problem()


def resolve_isolation(requested: str) -> str:
    if requested == "none":
        return "none"
    problem = namespaces_problem()
    if problem is None:
        return "namespaces"
    hint = ("; to grade anyway without any protection, pass --isolation none explicitly"
            if requested == "auto" else "")
    raise UsageError(f"cannot isolate student code: {problem}{hint}")


# -- the run -----------------------------------------------------------------------------------

def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


#: the exit status of a run that the preflight stopped
PREFLIGHT_EXIT = 3


class Grader:
    """One run of ``python -m autograder grade``."""

    def __init__(self, options: Options, out=None, err=None):
        self.options = options
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.stopping: int | None = None  # the signal that asked us to stop
        self.graded: list[str] = []
        self.failed: dict[str, str] = {}
        self.problems: list[tuple[str, str, str, str]] = []  # student, notebook, status, reason
        self.flagged: list[tuple[str, str, str]] = []  # student, notebook, flag
        self.seed: int | None = None

    # signals: only set a flag; the loop does the work, so a gradebook write is never cut
    def _on_signal(self, signum, frame):
        if self.stopping is None:
            self.stopping = signum
            try:
                fd = self.err.fileno()
            except (AttributeError, OSError, ValueError):
                fd = 2
            # os.write, not print: a signal handler must not re-enter a buffered stream
            os.write(fd, b"\nStopping: no new submissions; the running kernels are being killed; "
                         b"a gradebook write in progress is finished first.\n")

    def run(self) -> int:
        o = self.options
        # nbgrader 0.9 with SQLAlchemy 2 warns on every new submission; the grades are right
        warnings.filterwarnings("ignore", message=".*not in session.*")
        t0 = time.monotonic()
        if o.workers is not None and o.workers < 1:
            raise UsageError("--workers must be at least 1")
        submissions = Path(o.submissions)
        if not submissions.is_dir():
            raise UsageError(f"submissions folder {o.submissions} does not exist")
        course = Course(o)
        found = discover(submissions, o.assignment, course.notebooks, o.filename_regex,
                         list(course.coursedir.ignore))
        if not found.submissions:
            raise UsageError(
                f"no submissions of {o.assignment!r} in {submissions}: expected "
                f"{submissions}/<student>/{o.assignment}/<notebook>.ipynb or files named like "
                f"<student>_<notebook>.ipynb (--filename-regex {o.filename_regex!r})")
        isolation = resolve_isolation(o.isolation)
        if isolation == "none":
            import getpass
            print(ISOLATION_NONE_WARNING.format(user=getpass.getuser()), file=self.err)

        cell_timeout = o.cell_timeout if o.cell_timeout is not None else (
            course.execute_settings["timeout"] or NBGRADER_CELL_TIMEOUT)
        limits = {"cell_timeout": float(cell_timeout),
                  "notebook_timeout": float(o.notebook_timeout),
                  "memory_limit": int(o.memory_limit), "output_limit": int(o.output_limit),
                  "disk_limit": int(o.disk_limit or o.memory_limit),
                  "max_processes": int(o.max_processes), "isolation": isolation}
        limits["execute"] = course.execute_settings

        self._lock_assignment(course)
        state = State(state_path(course.root, o.assignment), o.assignment)
        if o.seed is not None and o.seed != state.seed or state.seed is None:
            # drawn here, kept in the state (hidden from student code): a rerun draws the same
            state.seed = o.seed if o.seed is not None else secrets.randbits(62)
        self.seed = state.seed
        context = json.dumps({"source": course.source_digest(), "limits": dict(
            limits, execute=None), "seed": self.seed}, sort_keys=True)
        todo, up_to_date = self._plan(course, state, found.submissions, context)

        executor = self._executor() if todo else None
        self._print_header(course, found, todo, up_to_date, isolation)
        if executor is not None and o.preflight:
            try:
                self._preflight(course, limits, executor)
            except PreflightFailed as exc:
                executor[0].shutdown(wait=False, cancel_futures=True)
                executor[4]()
                print(f"preflight failed, nothing graded or recorded: {exc}", file=self.err)
                return PREFLIGHT_EXIT
        broken = None
        if executor is not None:
            self._grade(course, state, todo, limits, executor)
            broken = self.setup_watch.stop_message()
        self._print_summary(course, found, todo, up_to_date, time.monotonic() - t0)
        if broken is not None:
            print(broken, file=self.err)
            return PREFLIGHT_EXIT
        if self.stopping is not None:
            return 128 + self.stopping
        if o.report:
            self._reports(course, state)
        return 0

    def _preflight(self, course: Course, limits: dict, executor) -> None:
        """Grade the instructor's solution notebooks through the same executor, sandbox, limits
        and verifier as the students'; raise :class:`PreflightFailed` unless every test cell
        gets all its points (a course package the sandbox cannot import, a missing data file, a
        limit too tight for the lesson: each would cost every student the same points)."""
        from nbgrader.utils import determine_grade, is_grade, is_solution

        pool, _, stop_event, _, _ = executor
        files = course.working_files(course.source)
        futures = {}
        missing = [nb for nb in course.notebooks if not (course.source / f"{nb}.ipynb").exists()]
        if missing:  # grading from the gradebook alone (no source/ here): nothing to try
            print(f"warning: no preflight: the solution notebooks {', '.join(missing)} are not in "
                  f"{course.source}", file=self.err)
            return
        for notebook in course.notebooks:
            nb_json = (course.source / f"{notebook}.ipynb").read_text()
            verify = {"seed": self.seed, "plan": course.verify_plan(notebook, nb_json)}
            futures[notebook] = pool.submit(execute.execute_notebook, nb_json, files,
                                            dict(limits, stop_event=stop_event), verify)
        for notebook, future in futures.items():
            result = future.result()
            if result["status"] != "graded":
                raise PreflightFailed(f"the solution of {notebook} did not run to the end: "
                                      f"{result['status']}: {result['reason']}")
            nb = nbformat.reads(result["notebook"], as_version=4)
            for cell in nb.cells:
                if not is_grade(cell) or is_solution(cell) or cell.cell_type != "code":
                    continue
                score, maximum = determine_grade(cell, course.log)
                if score != maximum:
                    grade_id = cell.metadata["nbgrader"]["grade_id"]
                    raise PreflightFailed(
                        f"the instructor's solution of {notebook} gets {score:g} of {maximum:g} "
                        f"points in {grade_id}: {_first_error(nb, cell)}. Every student would "
                        f"lose them: fix the grading set-up (can the sandbox import the course "
                        f"package and read the data?), or pass --no-preflight to grade anyway.")

    def _lock_assignment(self, course: Course) -> None:
        """One run per assignment at a time: two would overwrite each other's state file. The
        lock (an flock) is held until this process exits, even when it is killed."""
        course.work.mkdir(parents=True, exist_ok=True)
        self._lock = open(course.work / "run.lock", "a+")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.seek(0)
            who = self._lock.read().strip() or "another process"
            self._lock.close()
            raise UsageError(f"{course.assignment} is being graded by {who} right now; wait for "
                             f"it to finish (or stop it) and run again") from None
        self._lock.seek(0)
        self._lock.truncate()
        self._lock.write(f"process {os.getpid()}\n")
        self._lock.flush()

    def _release_lock(self) -> None:
        lock = getattr(self, "_lock", None)
        if lock is not None and not lock.closed:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()

    def _plan(self, course: Course, state: State, subs: dict[str, Submission], context: str):
        """Students to grade, and the number already graded from the same files and settings."""
        from nbgrader.api import Gradebook, MissingEntry

        todo, up_to_date = [], 0
        with Gradebook(course.coursedir.db_url, course.coursedir.course_id) as gb:
            for student in sorted(subs):
                sub = subs[student]
                fingerprint = sub.fingerprint(context)
                entry = state.get(student)
                if entry and entry["status"] == "graded" and entry["fingerprint"] == fingerprint:
                    try:
                        gb.find_submission(course.assignment, student)
                        in_gradebook = True
                    except MissingEntry:
                        in_gradebook = False
                    if in_gradebook and course.autograded_exists(student, sorted(sub.notebooks)):
                        up_to_date += 1
                        continue
                todo.append((sub, fingerprint))
        return todo, up_to_date

    def _executor(self):
        """A concurrent.futures executor: a local thread pool, or a Dask cluster's."""
        o = self.options
        if o.scheduler:
            from .certificates import INSECURE_WARNING, scheduler_security, tls_failure
            try:
                security = scheduler_security(o)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            if security is None:
                print(INSECURE_WARNING.format(address=o.scheduler), file=self.err)
            try:
                from distributed import Client
                client = Client(o.scheduler, timeout="20s", security=security)
            except Exception as exc:
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                hint = tls_failure(exc)
                raise UsageError(f"cannot reach the Dask scheduler {o.scheduler}: {first}"
                                 + (f"; {hint}" if hint else "")) from None
            workers = o.workers or max(1, sum(client.nthreads().values()))
            stop_event = f"autograder-stop-{uuid.uuid4().hex}"

            def stop():
                from distributed import Event
                with contextlib.suppress(Exception):
                    Event(stop_event, client=client).set()

            def close():
                with contextlib.suppress(Exception):
                    client.close()
            return client.get_executor(pure=False), workers, stop_event, stop, close
        workers = o.workers or os.cpu_count() or 1
        pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="autograder")
        return pool, workers, None, execute.request_stop, lambda: None

    def _grade(self, course: Course, state: State, todo, limits: dict, executor) -> None:
        """Send every student of ``todo`` to the executor and record each as it comes back, until
        the end, Ctrl-C, or a broken set-up (``autograder.setup_failure``): results that look like
        one are held back, recorded at the end, and never recorded when the set-up stops the run."""
        from tqdm import tqdm

        executor, workers, stop_event, stop_workers, close = executor
        self.setup_watch = SetupWatch()

        def stopping() -> bool:
            return self.stopping is not None or self.setup_watch.tripped is not None

        limits = dict(limits, stop_event=stop_event)
        self.workers = workers
        staging = course.work / "submitted"
        sanitize = course.sanitizer()
        queue = deque(todo)
        pending: dict[cf.Future, tuple[Job, str]] = {}
        jobs_open: list[Job] = []
        # signal handlers can only be set in the main thread (grade() may be called from others)
        previous = ({s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
                    if threading.current_thread() is threading.main_thread() else {})
        bar = tqdm(total=len(todo), unit="student", desc=f"grading {course.assignment}",
                   file=self.err, dynamic_ncols=True, smoothing=0.05)
        stop_sent = False
        try:
            while (queue and not stopping()) or pending or jobs_open:
                while queue and not stopping() and len(pending) < workers + 1:
                    sub, fingerprint = queue.popleft()
                    job = Job(sub, fingerprint, time.monotonic())
                    jobs_open.append(job)
                    self._start(course, job, staging, sanitize, executor, limits, pending, bar)
                if stopping() and not stop_sent:
                    stop_sent = True
                    stop_workers()
                    for fut in list(pending):
                        if fut.cancel():
                            job, _ = pending.pop(fut)
                            job.waiting.clear()
                            job.failure = job.failure or execute.INTERRUPTED
                if pending:
                    done, _ = cf.wait(list(pending), timeout=0.5, return_when=cf.FIRST_COMPLETED)
                    for fut in done:
                        job, notebook = pending.pop(fut)
                        job.waiting.discard(notebook)
                        try:
                            job.results[notebook] = fut.result()
                        except BaseException as exc:  # a worker that could not run at all
                            job.results[notebook] = {"status": execute.ERROR, "reason": (
                                f"the worker failed: {type(exc).__name__}: {exc}")}
                for job in [j for j in jobs_open if not j.waiting]:
                    jobs_open.remove(job)
                    if self._finish(course, state, job, bar):
                        bar.update(1)
            if not stopping():  # the set-up held: the held-back results are grades like any other
                for job, came_back in self.setup_watch.release():
                    self._finish(course, state, job, bar, came_back)
        finally:
            bar.close()
            for s, handler in previous.items():
                signal.signal(s, handler)
            if self.options.scheduler:
                executor.shutdown(wait=False)
            else:
                executor.shutdown(wait=True, cancel_futures=True)
            close()
            execute.clear_stop()

    def _start(self, course, job: Job, staging, sanitize, executor, limits, pending, bar) -> None:
        sub = job.sub
        for notebook, (status, reason) in sorted(sub.problems.items()):
            bar.write(f"{sub.student}: {notebook}: {status}: {reason}")
        try:
            job.staged = stage(sub, staging, course.assignment)
            files = course.working_files(job.staged)
            notebooks = {nb: sanitize(job.staged / f"{nb}.ipynb") for nb in sorted(sub.notebooks)}
        except Exception as exc:  # nbgrader refused the notebook (e.g. its metadata was edited)
            job.failure = f"nbgrader could not sanitize the submission: {type(exc).__name__}: {exc}"
            return
        for notebook, nb_json in notebooks.items():
            try:
                verify = {"seed": self.seed, "plan": course.verify_plan(notebook, nb_json)}
                fut = executor.submit(execute.execute_notebook, nb_json, files, limits, verify)
            except Exception as exc:  # e.g. the Dask scheduler went away
                job.failure = f"could not send {notebook} to a worker: {type(exc).__name__}: {exc}"
                return
            pending[fut] = (job, notebook)
            job.waiting.add(notebook)

    def _finish(self, course: Course, state: State, job: Job, bar,
                came_back: float | None = None) -> bool:
        """Record one student whose notebooks have all come back. False when nothing was
        recorded because the run is stopping. A result that looks like a broken set-up is held
        back (True, nothing recorded yet); ``came_back``: the time a held-back result came back,
        when it is recorded at the end of the run."""
        sub = job.sub
        results = job.results
        if job.failure == execute.INTERRUPTED or any(
                r["status"] == execute.INTERRUPTED for r in results.values()):
            return False
        if came_back is None:
            found = signatures(results) if job.failure is None else []
            if self.setup_watch.finish(sub.student, found, (job, time.monotonic())):
                bar.write(f"{sub.student}: held back, the set-up may be broken: "
                          f"{found[0].place()}: {found[0].error()}")
                return True
        notebooks = {nb: notebook_entry(status, reason) for nb, (status, reason)
                     in sub.problems.items()}
        failure = job.failure or next((f"{nb}: {r['reason']}" for nb, r in sorted(results.items())
                                       if r["status"] == execute.ERROR), None)
        if failure is None:
            executed_dir = Path(executed_folder(course.root / ".autograder", course.assignment,
                                                sub.student))
            shutil.rmtree(executed_dir, ignore_errors=True)
            executed_dir.mkdir(parents=True)
            for nb, result in results.items():
                (executed_dir / f"{nb}.ipynb").write_text(result["notebook"])
                notebooks[nb] = notebook_entry(result["status"], result["reason"],
                                               result["seconds"], result["peak_memory_mb"],
                                               result.get("verify_seconds", 0.0),
                                               result.get("verification"), result.get("flags"))
                if result["status"] != "graded":
                    bar.write(f"{sub.student}: {nb}: {result['status']}: {result['reason']}")
                for flag in result.get("flags", []):
                    bar.write(f"{sub.student}: {nb}: FLAGGED: {flag}")
            outcome = course.record(sub.student, sorted(results), sub.timestamp)
            log_dir = course.work / "logs"
            log_dir.mkdir(parents=True, exist_ok=True)
            (log_dir / f"{sub.student}.log").write_text(
                outcome.get("log", "") + ("\n" + outcome["error"] if outcome.get("error") else ""))
            if not outcome["success"]:
                failure = "nbgrader autograde failed: " + _last_line(outcome.get("error", "")) + \
                    f" (log: {log_dir / (sub.student + '.log')})"
        if failure is None:
            for nb, entry in sorted(notebooks.items()):
                if entry["status"] != "graded":
                    self.problems.append((sub.student, nb, entry["status"], entry["reason"]))
                self.flagged += [(sub.student, nb, flag) for flag in entry.get("flags", [])]
            self.graded.append(sub.student)
            status, reason = "graded", None
        else:
            bar.write(f"{sub.student}: FAILED: {failure}")
            self.failed[sub.student] = failure
            status, reason = "failed", failure
        seconds = (came_back or time.monotonic()) - job.started
        state.record(sub.student,
                     student_entry(job.fingerprint, status, reason, seconds, notebooks))
        return True

    # -- what the instructor reads ----------------------------------------------------------

    def _print_header(self, course, found, todo, up_to_date, isolation) -> None:
        o = self.options
        where = f"Dask scheduler {o.scheduler}" if o.scheduler else "this machine"
        print(f"{course.assignment}: {len(found.submissions)} submissions in {o.submissions}; "
              f"{len(todo)} to grade, {up_to_date} already graded and unchanged. "
              f"Isolation: {isolation}; running on {where}.", file=self.out, flush=True)

    def _print_summary(self, course, found, todo, up_to_date, seconds) -> None:
        out = self.out
        left = len(todo) - len(self.graded) - len(self.failed)
        workers = getattr(self, "workers", 0)
        print(f"\n{course.assignment}: {len(self.graded)} graded, {len(self.failed)} failed, "
              f"{up_to_date} already graded (skipped)"
              + (f", {left} not graded (stopped)" if left else "")
              + (f", {len({f[0] for f in self.flagged})} flagged" if self.flagged else "")
              + f", in {_duration(seconds)}"
              + (f" with {workers} workers." if workers else "."), file=out)
        if self.problems:
            print("\nNotebooks that did not run cleanly (their other cells are graded as usual):",
                  file=out)
            width = max(len(p[0]) for p in self.problems)
            nbw = max(len(p[1]) for p in self.problems)
            for student, nb, status, reason in self.problems:
                print(f"  {student:<{width}}  {nb:<{nbw}}  {status:<12}  {reason}", file=out)
        if self.flagged:
            print("\nFlagged: look at these submissions (their grades count only what the grader "
                  "verified outside the student's kernel):", file=out)
            width = max(len(f[0]) for f in self.flagged)
            for student, nb, flag in self.flagged:
                print(f"  {student:<{width}}  {nb}  {flag}", file=out)
        if self.failed:
            print("\nFailed: no grade recorded (run the same command again to retry):", file=out)
            for student, reason in sorted(self.failed.items()):
                print(f"  {student}: {reason}", file=out)
        if found.skipped:
            print("\nFiles that belong to no student (not graded):", file=out)
            for path, why in found.skipped:
                print(f"  {path}: {why}", file=out)
        print(f"\nState: {state_path(course.root, course.assignment)}", file=out)
        if self.stopping is not None:
            print(f"Stopped before the end: {left} submission(s) were not graded. Run the same "
                  f"command again to grade only what is missing.", file=out)
        out.flush()

    def _reports(self, course: Course, state: State) -> None:
        """The cohort report and every graded student's feedback."""
        from . import feedback, report

        extra = {"db_url": self.options.db_url} if self.options.db_url else {}
        graded = sorted(s for s, e in state.students.items() if e["status"] == "graded")
        report_dir = course.work / "report"  # inside .autograder: hidden from student code
        feedback_dir = course.coursedir.format_path(course.coursedir.feedback_directory,
                                                    "<student>", course.assignment)
        calls = [(report.write_report, (course.root, course.assignment, report_dir),
                  f"Report: {report_dir}"),
                 (feedback.generate, (course.root, course.assignment, graded),
                  f"Feedback: {feedback_dir}")]
        for function, args, done in calls:
            try:
                function(*args, **extra)
            except Exception as exc:  # the grades are recorded; say what failed and go on
                print(f"warning: {function.__module__}.{function.__name__} failed: "
                      f"{type(exc).__name__}: {exc}", file=self.err)
            else:
                print(done, file=self.out)


def _first_error(nb, cell) -> str:
    """The error a test cell shows, or else the first error of the notebook, on one line."""
    for candidate in [cell, *nb.cells]:
        for output in candidate.get("outputs", []):
            if output.get("output_type") == "error":
                value = _last_line(str(output.get("evalue", "")))
                return f"{output.get('ename', 'Error')}: {value}"[:500]
    return "no error shown (the verifier or the points disagree)"


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "unknown error"


def grade(options: Options, out=None, err=None) -> int:
    """Grade ``options.assignment``; the exit code (0, or 128 + the signal that stopped it)."""
    grader = Grader(options, out, err)
    try:
        return grader.run()
    finally:
        grader._release_lock()
