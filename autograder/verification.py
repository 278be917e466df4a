"""Verify every auto-graded answer outside the student's kernel.

The notebook's own test cells run in the student's kernel, where anything can be patched: the
checkers, NumPy, IPython's hooks, the printed output. So the grader does not take their word.
After a notebook has run, for every test cell that checks an exercise of
``dlcourse.checks.EXERCISES`` (grade id ``test_<exercise>``) the grader

1. starts a fresh process in the sandbox (``autograder.answer_runner``), with the verifier's view
   of the course package (``autograder.reference_view``: the checkers and this lesson's
   reference implementations withheld), and runs there, in order, the cells the answers need:
   the answer cells, the instructor's cells tagged ``setup`` (imports, data), and every cell the
   student added or changed; at the place of each test cell it captures the exercise's name;
2. runs the exercise's checker here, in the grader's process, on every case (hidden ones
   included, their inputs drawn from the grading seed), with the student's function replaced by
   :class:`RemoteFunction`: each call sends plain inputs to the runner and gets plain data back
   (``autograder.plaindata``). The reference, the comparison and the message never leave this
   process;
3. :func:`apply_verdicts` makes the test cell say what the verification found. A test cell keeps
   its points only when it passed in the notebook *and* here; when it passed in the notebook but
   not here, or when the answer called the course's withheld code, the submission is flagged.

Every helper here runs in the grader's worker (a thread, or a Dask worker): trusted code.
"""
from __future__ import annotations

import builtins
import contextlib
import os
import queue
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import nbformat
from nbgrader import utils

from dlcourse.checks.core import Outcome, RemoteCallable

from . import plaindata
from .feedback import is_test_cell

#: instructor cells the verifier runs before the answers (imports, data)
SETUP_TAG = "setup"
RUNNER_SCRIPT = str(Path(__file__).with_name("answer_runner.py"))
#: times the runner may be started again after it died, per notebook
MAX_RESTARTS = 3

USES_REFERENCE = "uses the course's reference implementation"


def _strings(value: Any, limit: int = 5, length: int = 500) -> list[str]:
    """A list of at most ``limit`` short strings from what the runner sent (anything else: [])."""
    if not isinstance(value, list):
        return []
    return [str(v)[:length] for v in value[:limit]]


class RunnerGone(Exception):
    """The runner process ended, was stopped, or broke the protocol; the message says why.
    ``timed_out``: it was stopped because a cell or a call ran past its time limit."""

    def __init__(self, message: str, timed_out: bool = False):
        super().__init__(message)
        self.timed_out = timed_out


class VerifierBroken(Exception):
    """The verifier could not start at all: a problem of the grading set-up, not a grade."""


class TimeLimit(Exception):
    """A call of the student's function ran past the time limit (raised to the checker)."""


class ProcessDied(Exception):
    """The process running the student's code ended during a call (raised to the checker)."""


# -- which cells to run ------------------------------------------------------------------------

def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_answer_cell(cell) -> bool:
    return cell.cell_type == "code" and utils.is_solution(cell)


def exercise_of(cell, exercises) -> str | None:
    """The exercise a test cell checks: grade id ``test_<name>``, ``name`` in ``exercises``."""
    grade_id = str(_nbgrader(cell).get("grade_id", ""))
    name = grade_id[len("test_"):] if grade_id.startswith("test_") else None
    return name if name in exercises else None


def plan(nb, source_nb, exercises) -> dict:
    """What the verifier runs for one notebook, as plain data::

        {"steps": [{"op": "run", "cell": 2, "source": "..."},
                   {"op": "capture", "cell": 17, "name": "weighted_sum"}, ...],
         "tests": {"17": "weighted_sum", ...},          # test cell index -> exercise
         "answers": {"weighted_sum": 16, ...}}           # exercise -> its answer cell

    ``nb`` is the sanitized submission, ``source_nb`` the instructor's notebook: a cell is the
    instructor's when the source has a cell of the same id (or, for notebooks without ids, the
    same text); it runs when it is tagged ``setup`` there or when the student changed it.
    """
    by_id = {c.get("id"): c for c in source_nb.cells if c.get("id")}
    by_text = {c.source: c for c in source_nb.cells}
    steps, tests, answers = [], {}, {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if is_test_cell(cell):
            name = exercise_of(cell, exercises)
            if name is not None:
                steps.append({"op": "capture", "cell": index, "name": name})
                tests[str(index)] = name
            continue
        if is_answer_cell(cell):
            answers.setdefault(str(_nbgrader(cell).get("grade_id", "")), index)
            steps.append({"op": "run", "cell": index, "source": cell.source})
            continue
        theirs = by_id.get(cell.get("id")) or by_text.get(cell.source)
        if theirs is None or SETUP_TAG in theirs.get("metadata", {}).get("tags", []) \
                or theirs.source != cell.source:
            steps.append({"op": "run", "cell": index, "source": cell.source})
    return {"steps": steps, "tests": tests, "answers": answers}


# -- the runner process ------------------------------------------------------------------------

class RunnerProcess:
    """One runner in the sandbox and a thread that reads its messages."""

    def __init__(self, command: list[str], cwd: str, on_start: Callable | None = None):
        self.popen = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      start_new_session=True)
        if on_start is not None:
            on_start(self.popen)
        # bounded: a runner that floods the pipe blocks on it instead of filling our memory
        self.messages: queue.Queue = queue.Queue(maxsize=16)
        self.gone: str | None = None
        self.stderr_tail = b""
        threading.Thread(target=self._read, daemon=True, name="verifier-reader").start()
        threading.Thread(target=self._drain, daemon=True, name="verifier-stderr").start()

    def _read(self) -> None:
        try:
            while self._put(plaindata.read_message(self.popen.stdout)):
                pass
        except EOFError:
            self._put(RunnerGone("the process running the answers ended"))
        except plaindata.ProtocolError as exc:
            self._put(RunnerGone(f"the process running the answers sent {exc}"))
        except Exception as exc:  # a closed pipe while being killed
            self._put(RunnerGone(f"the process running the answers is gone ({exc})"))

    def _put(self, item) -> bool:
        """Queue ``item``, waiting while the queue is full; False once the process is gone."""
        while self.gone is None:
            try:
                self.messages.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def wait_ready(self, timeout: float) -> None:
        """The runner says "ready" once it has imported what it needs, before any student code
        runs: a runner that dies before that is the grader's problem, not a grade."""
        try:
            message = self.receive(time.monotonic() + timeout, "starting the verifier")
        except RunnerGone as gone:
            tail = self.stderr_tail.decode(errors="replace").strip().splitlines()[-3:]
            raise VerifierBroken(f"the verifier could not start ({gone}); its output: "
                                 f"{' | '.join(tail) or 'none'}") from None
        if message.get("op") != "ready":
            self.kill("it did not start as expected")
            raise VerifierBroken(f"the verifier sent {str(message)[:200]} instead of 'ready'")

    def _drain(self) -> None:
        with contextlib.suppress(Exception):
            for chunk in iter(lambda: self.popen.stderr.read1(4096), b""):
                self.stderr_tail = (self.stderr_tail + chunk)[-4000:]

    def send(self, message: dict) -> None:
        if self.gone:
            raise RunnerGone(self.gone)
        try:
            plaindata.write_message(self.popen.stdin, message)
        except (OSError, ValueError) as exc:
            self.kill(f"the process running the answers is gone ({type(exc).__name__})")
            raise RunnerGone(self.gone) from None

    def receive(self, deadline: float, what: str) -> dict:
        """The next message, or :class:`RunnerGone` (the process is then killed)."""
        if self.gone:
            raise RunnerGone(self.gone)
        try:
            message = self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            self.kill(f"{what} ran past its time limit")
            raise RunnerGone(self.gone, timed_out=True) from None
        if isinstance(message, RunnerGone):
            self.kill(str(message))
            raise message
        return message

    def kill(self, reason: str) -> None:
        if self.gone is None:
            self.gone = reason
        with contextlib.suppress(OSError):
            os.killpg(self.popen.pid, 9)
        with contextlib.suppress(Exception):
            self.popen.kill()
        with contextlib.suppress(Exception):
            self.popen.wait(timeout=5)
        for stream in (self.popen.stdin, self.popen.stdout, self.popen.stderr):
            with contextlib.suppress(Exception):
                stream.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.send({"op": "exit"})
        with contextlib.suppress(Exception):
            self.popen.wait(timeout=2)
        self.kill("closed")


@dataclass
class Session:
    """The runner for one notebook: its steps, run once, and replayed after a restart."""

    launch: Callable[[], RunnerProcess]
    steps: list[dict]
    step_timeout: float
    stop: Callable[[], bool] = lambda: False
    process: RunnerProcess | None = None
    restarts: int = 0
    done: list[dict] = field(default_factory=list)
    cell_errors: dict[int, str] = field(default_factory=dict)
    captures: dict[str, dict] = field(default_factory=dict)
    withheld_in_cells: dict[int, list[str]] = field(default_factory=dict)
    problem: str | None = None

    def ensure(self) -> RunnerProcess:
        if self.process is not None and self.process.gone is None:
            return self.process
        first = self.process is None
        if not first:
            if self.restarts >= MAX_RESTARTS:
                raise RunnerGone(self.problem or self.process.gone)
            self.restarts += 1
        self.process = self.launch()
        try:
            self.process.wait_ready(self.step_timeout + 60.0)
        except VerifierBroken as exc:
            if first:
                raise
            raise RunnerGone(str(exc)) from None  # it started before: the student's doing
        for step in self.done:  # the steps that ran, again: the new process starts empty
            self._request(self.process, step)
        return self.process

    def _request(self, process: RunnerProcess, step: dict) -> dict:
        message = {k: v for k, v in step.items() if k != "cell"}
        process.send(message)
        what = (f"code cell {step['cell']}" if step["op"] == "run"
                else f"looking up {step.get('name')}")
        return process.receive(time.monotonic() + self.step_timeout, what)

    def run_steps(self) -> None:
        for step in self.steps:
            if self.stop():
                raise Interrupted()
            try:
                process = self.ensure()
                reply = self._request(process, step)
            except RunnerGone as gone:
                self.cell_errors[step["cell"]] = str(gone)
                self.problem = str(gone)
                if step["op"] == "capture":
                    self.captures[step["name"]] = {"kind": "missing"}
                continue
            self.done.append(step)
            if step["op"] == "run":
                error = reply.get("error")
                if isinstance(error, dict):
                    self.cell_errors[step["cell"]] = (f"{str(error.get('type', 'Error'))[:60]}: "
                                                      f"{str(error.get('message', ''))[:300]}")
                hits = _strings(reply.get("withheld"))
                if hits:
                    self.withheld_in_cells[step["cell"]] = hits
            else:
                self.captures[step["name"]] = reply

    def close(self) -> None:
        if self.process is not None:
            self.process.close()


class Interrupted(Exception):
    """The grader is stopping (Ctrl-C)."""


# -- calling the student's function from the checker -------------------------------------------

_EXCEPTIONS: dict[tuple[str, str], type] = {}


def remote_exception(info: Any) -> BaseException:
    """An exception standing for the one the student's code raised over there: same name, same
    message, and the builtin base it had (so that "raised ValueError ... shapes not aligned"
    still gets its hint). Built from plain text only."""
    info = info if isinstance(info, dict) else {}
    name = str(info.get("type", "Exception"))
    name = name if name.isidentifier() and len(name) <= 64 else "Exception"
    base = getattr(builtins, str(info.get("base", "")), Exception)
    if not (isinstance(base, type) and (issubclass(base, Exception) or base is SystemExit)):
        base = Exception
    if base.__name__ == name:
        cls = base
    else:
        cls = _EXCEPTIONS.get((name, base.__name__))
        if cls is None:
            cls = _EXCEPTIONS[(name, base.__name__)] = type(
                name, (base,), {"__str__": lambda self: self.args[0] if self.args else "",
                                "__module__": "builtins"})
    message = str(info.get("message", ""))[:4000]
    try:
        exc = cls(message)
    except Exception:  # a builtin whose constructor wants other arguments
        exc = Exception(message)
    return exc


def _write_back(original: Any, after: Any) -> Any:
    """Make ``original`` (the checker's copy of an argument) what the student's code left it:
    the checker's "changed its input in place" layer looks at it."""
    import numpy as np

    if isinstance(original, np.ndarray):
        if isinstance(after, np.ndarray) and after.shape == original.shape and \
                after.dtype.kind in "biuf":
            with contextlib.suppress(Exception):
                np.copyto(original, after, casting="unsafe")
        else:
            with contextlib.suppress(Exception):
                original[...] = np.nan  # it came back as something else: not unchanged
        return original
    if isinstance(original, list) and isinstance(after, list):
        kept = [_write_back(o, a) for o, a in zip(original, after)]
        original[:] = kept + list(after[len(kept):])
        return original
    if isinstance(original, tuple) and isinstance(after, tuple):
        for o, a in zip(original, after):
            _write_back(o, a)
        return original
    if isinstance(original, dict) and isinstance(after, dict):
        for key in list(original):
            if key in after:
                original[key] = _write_back(original[key], after[key])
        return original
    return original


class RemoteFunction(RemoteCallable):
    """The student's function as the checker sees it: every call runs in the runner."""

    def __init__(self, session: Session, name: str, deadline: float, time_limit: float):
        self.session = session
        self.name = self.__name__ = name
        self.deadline = deadline
        self.time_limit = time_limit
        self.withheld: list[str] = []
        self.died: str | None = None

    def remote_call(self, args: tuple, kwargs: dict, forbidden: tuple[str, ...],
                    probe: str | None = None):
        if self.died is not None:
            return Outcome(error=ProcessDied(self.died))
        lent: dict[int, Callable] = {}

        def lend(fn: Callable) -> int:
            lent[len(lent) + 1] = fn
            return len(lent)
        try:
            process = self.session.ensure()
            process.send({"op": "call", "name": self.name,
                          "args": plaindata.encode(tuple(args), lend),
                          "kwargs": plaindata.encode(dict(kwargs), lend),
                          "forbidden": list(forbidden), "probe": probe})
            while True:
                reply = process.receive(self.deadline, f"{self.name}(...)")
                if reply.get("op") != "callback":
                    break
                process.send(self._callback(reply, lent))
        except RunnerGone as gone:
            timed_out = gone.timed_out
            self.died = (f"it ran for more than {self.time_limit:g} s, the time limit of a test "
                         f"cell, and was stopped" if timed_out else
                         f"the process running your code ended while {self.name} ran (os._exit, "
                         f"a crash, or more memory than allowed)")
            return Outcome(error=(TimeLimit if timed_out else ProcessDied)(self.died))
        return self._outcome(reply, args, kwargs)

    @staticmethod
    def _callback(request: dict, lent: dict[int, Callable]) -> dict:
        """Run one of the grader's lent functions on plain inputs from the runner."""
        fn = lent.get(request.get("handle")) if isinstance(request.get("handle"), int) else None
        if fn is None:
            return {"op": "callback_result",
                    "error": {"type": "RuntimeError", "message": "no such function"}}
        try:
            args = plaindata.decode(request.get("args"))
            kwargs = plaindata.decode(request.get("kwargs"))
            if not isinstance(args, tuple) or not isinstance(kwargs, dict) or \
                    not all(isinstance(k, str) for k in kwargs):
                raise plaindata.ProtocolError("malformed arguments")
            return {"op": "callback_result", "value": plaindata.encode(fn(*args, **kwargs))}
        except Exception as exc:  # the student's code passed something our function refuses
            return {"op": "callback_result",
                    "error": {"type": type(exc).__name__, "message": str(exc)[:1000]}}

    def _outcome(self, reply: dict, args: tuple, kwargs: dict):
        outcome = Outcome()
        try:
            self.withheld += _strings(reply.get("withheld"))
            if reply.get("error"):
                outcome.error = remote_exception(reply["error"])
                where = reply["error"].get("where") if isinstance(reply["error"], dict) else None
                outcome.error_where = str(where)[:500] if where else None
            else:
                outcome.value = plaindata.decode(reply.get("value"))
            _write_back(args, plaindata.decode(reply.get("args", {"$tuple": []})))
            _write_back(kwargs, plaindata.decode(reply.get("kwargs", {"$dict": []})))
            outcome.warnings = _strings(reply.get("warnings"))
            outcome.used = _strings(reply.get("used"))
        except Exception as exc:  # whatever the runner sent, it costs only this call
            outcome.value = None
            outcome.error = ProcessDied(f"the process running your code answered with something "
                                        f"that is not plain data ({exc})")
        return outcome


# -- verdicts ----------------------------------------------------------------------------------

def _first_line(text: str) -> str:
    return next((line.strip() for line in str(text).splitlines() if line.strip()), "")


def verify_exercise(session: Session, name: str, seed: int, time_limit: float,
                    answer_error: str | None) -> dict:
    """Run the checker of ``name`` here on the runner's function: ``{"passed", "message",
    "withheld", "cases"}``."""
    from dlcourse.checks import EXERCISES

    exercise = EXERCISES[name]
    capture = session.captures.get(name, {"kind": "missing"})
    withheld: list[str] = []
    kind = capture.get("kind")
    if kind == "missing":
        why = f" Its answer cell raised {answer_error}." if answer_error else ""
        message = (f"{name} failed: when its test cell runs, `{name}` is not defined.{why}\n"
                   f"Hint: define `{name}` in its answer cell, and check that the cell runs "
                   f"without an error.")
    else:
        if kind == "function":
            answer = RemoteFunction(session, name, time.monotonic() + time_limit, time_limit)
        else:
            try:
                answer = plaindata.decode(capture.get("value"))
            except plaindata.ProtocolError as exc:
                answer = plaindata.foreign("object", str(exc))
        unanswered = (kind == "value" and answer is None and answer_error is not None
                      and answer_error.startswith("NotImplementedError"))
        if unanswered:  # a value answer left as released: `NAME = None` then the raise
            message = (f"{name} has not been answered yet: its answer cell still raises "
                       f"NotImplementedError.\nHint: replace None with your answer and delete the "
                       f"line `raise NotImplementedError()`.")
        else:
            message = exercise.first_failure(answer, hidden=True, seed=seed)
        withheld = list(getattr(answer, "withheld", []))
    if withheld:
        message = (f"{name} {USES_REFERENCE} ({withheld[0]}), which is not available when the "
                   f"grader checks your answers: its checks could not run on your own code.\n"
                   f"Hint: write {name} yourself; the lesson's reference is for the grader.")
    cases = len(exercise.selected(True, seed))
    return {"name": name, "passed": message is None, "message": message, "withheld": withheld,
            "cases": cases}


def verify(nb, verify_plan: dict, seed: int, time_limit: float,
           launch: Callable[[], RunnerProcess], stop: Callable[[], bool] = lambda: False) -> dict:
    """Every exercise of one executed notebook, verified: ``{test cell index: verdict}``."""
    session = Session(launch, verify_plan["steps"], step_timeout=time_limit, stop=stop)
    verdicts = {}
    try:
        session.run_steps()
        for index, name in sorted(verify_plan["tests"].items(), key=lambda kv: int(kv[0])):
            if stop():
                raise Interrupted()
            answer_cell = verify_plan["answers"].get(name)
            verdicts[index] = verify_exercise(session, name, seed, time_limit,
                                              session.cell_errors.get(answer_cell))
            verdicts[index]["withheld_in_cells"] = session.withheld_in_cells.get(answer_cell, [])
    finally:
        session.close()
    return verdicts


def kernel_passed(cell) -> bool:
    """Did this test cell earn all its points when the notebook ran, as nbgrader scores it (no
    error, nothing on stderr, no partial-credit result)?"""
    from nbgrader.utils import determine_grade

    score, max_points = determine_grade(cell)
    return score is not None and score >= max_points


def apply_verdicts(nb, verdicts: dict) -> tuple[dict, list[str]]:
    """Make each verified test cell say what the verification found. Returns the per-exercise
    summary for the state file and the flags (a point the notebook claimed and verification did
    not confirm; the course's withheld code called)."""
    summary, flags = {}, []
    for index, verdict in verdicts.items():
        cell = nb.cells[int(index)]
        name = verdict["name"]
        in_kernel = kernel_passed(cell)
        if not verdict["passed"]:
            cell.outputs = [nbformat.v4.new_output(
                "error", ename="CheckFailure", evalue=verdict["message"],
                traceback=[f"CheckFailure: {verdict['message']}"])]
        elif in_kernel:  # otherwise the notebook's own outputs stand: they say why it lost points
            n = verdict["cases"]
            line = f"All {n} checks of {name} passed.\n" if n > 1 else \
                f"The check of {name} passed.\n"
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=line)]
        if verdict["withheld"]:
            flags.append(f"{name}: {USES_REFERENCE} ({verdict['withheld'][0]})")
        elif verdict.get("withheld_in_cells"):
            flags.append(f"{name}: its cells called the course's withheld code "
                         f"({verdict['withheld_in_cells'][0]})")
        elif in_kernel and not verdict["passed"]:
            flags.append(f"{name}: its test cell passed in the notebook, but the grader's own "
                         f"check failed: {_first_line(verdict['message'])}")
        summary[name] = {"passed": bool(verdict["passed"] and in_kernel),
                         "notebook_passed": in_kernel, "verified": verdict["passed"],
                         "message": None if verdict["passed"] else _first_line(verdict["message"])}
    return summary, flags
