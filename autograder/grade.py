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
import dataclasses
import fcntl
import json
import os
import secrets
import shutil
import signal
import sys
import threading
import time
import warnings
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import execute, isolation
from .backends import BackendError, open_backend
from .course import Course, UsageError
from .limits import (DEFAULT_MAX_PROCESSES, DEFAULT_MEMORY_LIMIT, DEFAULT_NOTEBOOK_TIMEOUT,
                     DEFAULT_OUTPUT_LIMIT, NBGRADER_CELL_TIMEOUT, Limits)
from .replay import executed_folder
from .setup_failure import SetupWatch, signatures
from .state import State, notebook_entry, state_path, student_entry
from .submissions import DEFAULT_FILENAME_REGEX, Submission, discover, stage


ISOLATION_NONE_WARNING = (
    "WARNING: --isolation none: the students' code runs as {user}, with everything this account "
    "can do: it can read and change the gradebook, the source notebooks and the other students' "
    "files, use the network, and leave processes behind. Use it only for submissions you trust, "
    "or inside a throw-away container or VM.")


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
        limits = Limits(cell_timeout=float(cell_timeout),
                        notebook_timeout=float(o.notebook_timeout),
                        memory_limit=int(o.memory_limit), output_limit=int(o.output_limit),
                        disk_limit=int(o.disk_limit or o.memory_limit),
                        max_processes=int(o.max_processes), isolation=isolation,
                        execute=course.execute_settings)

        self._lock_assignment(course)
        state = State(state_path(course.root, o.assignment), o.assignment)
        if o.seed is not None and o.seed != state.seed or state.seed is None:
            # drawn here, kept in the state (hidden from student code): a rerun draws the same
            state.seed = o.seed if o.seed is not None else secrets.randbits(62)
        self.seed = state.seed
        context = json.dumps({"source": course.source_digest(), "limits": limits.fingerprint(),
                              "seed": self.seed}, sort_keys=True)
        todo, up_to_date = self._plan(course, state, found.submissions, context)

        try:
            backend = open_backend(o, lambda line: print(line, file=self.err)) if todo else None
        except BackendError as exc:
            raise UsageError(str(exc)) from None
        limits = dataclasses.replace(limits, stop_event=backend and backend.stop_event)
        self._print_header(course, found, todo, up_to_date, isolation)
        broken = None
        try:
            if backend is not None and o.preflight:
                try:
                    self._preflight(course, limits, backend)
                except PreflightFailed as exc:
                    print(f"preflight failed, nothing graded or recorded: {exc}", file=self.err)
                    return PREFLIGHT_EXIT
            if backend is not None:
                self._grade(course, state, todo, limits, backend)
                broken = self.setup_watch.stop_message()
        finally:
            if backend is not None:
                backend.shutdown()
        self._print_summary(course, found, todo, up_to_date, time.monotonic() - t0)
        if broken is not None:
            print(broken, file=self.err)
            return PREFLIGHT_EXIT
        if self.stopping is not None:
            return 128 + self.stopping
        if o.report:
            self._reports(course, state)
        return 0

    def _preflight(self, course: Course, limits: Limits, backend) -> None:
        """Grade the instructor's solution notebooks through the same executor, sandbox, limits
        and verifier as the students'; raise :class:`PreflightFailed` unless every test cell
        gets all its points (a course package the sandbox cannot import, a missing data file, a
        limit too tight for the lesson: each would cost every student the same points)."""
        from nbgrader.utils import determine_grade, is_grade, is_solution

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
            futures[notebook] = backend.submit(execute.execute_notebook, nb_json, files, limits,
                                               verify)
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

    def _grade(self, course: Course, state: State, todo, limits: Limits, backend) -> None:
        """Send every student of ``todo`` to the executor and record each as it comes back, until
        the end, Ctrl-C, or a broken set-up (``autograder.setup_failure``): results that look like
        one are held back, recorded at the end, and never recorded when the set-up stops the run."""
        from tqdm import tqdm

        workers = backend.workers
        self.setup_watch = SetupWatch()

        def stopping() -> bool:
            return self.stopping is not None or self.setup_watch.tripped is not None

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
                    self._start(course, job, staging, sanitize, backend, limits, pending, bar)
                if stopping() and not stop_sent:
                    stop_sent = True
                    backend.stop()
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

    def _start(self, course, job: Job, staging, sanitize, backend, limits, pending, bar) -> None:
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
                fut = backend.submit(execute.execute_notebook, nb_json, files, limits, verify)
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
