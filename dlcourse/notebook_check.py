"""``python -m dlcourse check NOTEBOOK_OR_FOLDER...``: check a notebook the way the grader will.

Each notebook runs in a fresh kernel with the grader's time limits (nbgrader's ``Execute``, the
grader's cell time limit and its limit for the whole notebook: ``autograder.limits``). Then every
exercise is verified as ``autograder.verification`` does it: the answer cells run again in a
fresh process (``autograder/answer_runner.py``, with the verifier's view of the course package)
and the exercise's checker, hidden cases included, runs here on the functions found there. The
grader starts that process in its sandbox; students have none, so here it is started plainly.

One line per exercise, then the points::

    weighted_sum    passed
    sigmoid         failed: sigmoid failed the case 'large negative z'.
    relu            not attempted
    tanh            error: the notebook ran past its time limit (600 s)
    5 / 12 points

Exit status: 0 when every exercise passed, 1 when one did not, 2 for bad input (a path that is
not there, a file that is not a notebook or cannot be read, a notebook of no lesson we know).
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: the course's lessons (instructor versions): a notebook of the same name there is its source
SOLUTIONS_DIR = Path(__file__).resolve().parent.parent / "solutions"

PASSED, FAILED, NOT_ATTEMPTED, ERROR = "passed", "failed", "not attempted", "error"
#: the checker's words for an answer left as released (``core.error_message``, the verifier)
_UNANSWERED = ("still raises NotImplementedError", "has not been answered yet")


class BadInput(Exception):
    """A path the command cannot check; the message is the one line it prints."""


@dataclass
class ExerciseResult:
    name: str
    status: str
    message: str | None
    points: float
    max_points: float


@dataclass
class NotebookResult:
    path: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    problem: str | None = None  # the run stopped early: why

    @property
    def points(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def max_points(self) -> float:
        return sum(e.max_points for e in self.exercises)

    @property
    def passed(self) -> bool:
        return all(e.status == PASSED for e in self.exercises)


# -- input ------------------------------------------------------------------------------------

def _notebooks(paths: list[str]) -> list[Path]:
    """Every notebook named, a folder's notebooks included (sorted); BadInput for a bad path."""
    found: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*.ipynb")
                            if ".ipynb_checkpoints" not in p.parts)
            if not inside:
                raise BadInput(f"{text}: this folder holds no notebook (.ipynb)")
            found.extend(inside)
        elif path.is_file():
            if path.suffix != ".ipynb":
                raise BadInput(f"{text}: not a notebook (a notebook's name ends in .ipynb)")
            found.append(path)
        else:
            raise BadInput(f"{text}: no such file or folder")
    return found


def _read(path: Path):
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BadInput(f"{path}: cannot be read as a notebook ({first[:200]})") from None
    if not isinstance(nb.get("cells"), list):
        raise BadInput(f"{path}: cannot be read as a notebook (it has no cells)")
    return nb


def _tests(nb) -> list[tuple[int, str, float]]:
    """(cell index, exercise, points) of every test cell that checks a known exercise."""
    from dlcourse.checks import EXERCISES

    from autograder.verification import exercise_of

    out = []
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("grade"):
            name = exercise_of(cell, EXERCISES)
            if name is not None:
                out.append((index, name, float(meta.get("points") or 0)))
    return out


def _source(path: Path, nb):
    """The instructor's notebook of the same name (which cells are the student's), or the
    notebook itself when the course's solutions are not here (an installed dlcourse)."""
    import nbformat

    for candidate in sorted(SOLUTIONS_DIR.glob(f"*/{path.name}")):
        return nbformat.read(str(candidate), as_version=4)
    return nb


# -- running ----------------------------------------------------------------------------------

def _first_line(text: str | None) -> str:
    return next((line.strip() for line in str(text or "").splitlines() if line.strip()), "")


@functools.lru_cache(maxsize=1)
def _course_config():
    """The course's nbgrader configuration (its Execute settings are the grader's), when the
    course is here; nbgrader's defaults otherwise."""
    from traitlets.config import Config

    if not (SOLUTIONS_DIR.parent / "nbgrader_config.py").is_file():
        return Config()
    from autograder.course import load_config

    return load_config(SOLUTIONS_DIR.parent)


def _cell_timeout() -> float:
    """The grader's time limit of a cell: the course's Execute.timeout, or nbgrader's 30 s."""
    from nbgrader.preprocessors import Execute

    from autograder.limits import NBGRADER_CELL_TIMEOUT

    return float(Execute(config=_course_config()).timeout or NBGRADER_CELL_TIMEOUT)


def _execute(nb, folder: Path, cell_timeout: float, notebook_timeout: float) -> str | None:
    """Run ``nb`` in a fresh kernel, in place; the reason it stopped early, or None."""
    from jupyter_client.manager import AsyncKernelManager
    from nbgrader.preprocessors import Execute

    from dlcourse.frameworks import quiet_environment
    from dlcourse.progress import ENV_PROGRESS

    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    # the grader's kernel environment: no progress-bar widgets, no TensorFlow start-up lines
    os.environ[ENV_PROGRESS] = "off"
    quiet_environment()
    # unix sockets, as the grader's kernels use: no TCP port, no warning about one
    ipc = tempfile.mkdtemp(prefix="dlcourse-kernel-")
    km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(ipc, "k"))
    executor = Execute(config=_course_config(), timeout=int(cell_timeout))
    timed_out = threading.Event()

    def stop() -> None:  # the whole notebook's limit: the grader's watchdog does the same
        timed_out.set()
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None:
            process.kill()

    timer = threading.Timer(notebook_timeout, stop)
    timer.daemon = True
    timer.start()
    try:
        executor.preprocess(nb, {"metadata": {"path": str(folder)}}, km=km)
    except Exception as exc:
        if timed_out.is_set():
            return f"the notebook ran past its time limit ({notebook_timeout:g} s)"
        name = type(exc).__name__
        if name == "CellTimeoutError":
            return f"a cell ran past its time limit ({cell_timeout:g} s)"
        if name == "DeadKernelError":
            return "the kernel died (out of memory, or the code ended Python)"
        return f"the notebook stopped: {name}: {_first_line(str(exc))[:200]}"
    finally:
        timer.cancel()
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:  # nbclient shuts it down; in case not
            process.kill()
        shutil.rmtree(ipc, ignore_errors=True)
    return None


def _verify(nb, source, folder: Path, cell_timeout: float, seed: int) -> dict:
    """``autograder.verification.verify`` with the runner started plainly (no sandbox)."""
    from dlcourse.checks import EXERCISES

    from autograder import reference_view, verification

    verify_plan = verification.plan(nb, source, EXERCISES)
    with tempfile.TemporaryDirectory(prefix="dlcourse-check-") as scratch:
        view = reference_view.build_view(Path(scratch) / "view",
                                         verify_plan["tests"].values())
        command = [sys.executable, "-I", verification.RUNNER_SCRIPT, "--view", str(view.parent)]

        def launch() -> verification.RunnerProcess:
            return verification.RunnerProcess(command, str(folder))

        return verification.verify(nb, verify_plan, seed, cell_timeout, launch)


def _kernel_error(cell) -> dict | None:
    return next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)


def _describe(error: dict, cell_timeout: float) -> str:
    """What an error output says, in a few words."""
    if error.get("ename") == "CellTimeoutError":
        return f"ran past the time limit of a cell ({cell_timeout:g} s)"
    return f"raised {error.get('ename')}: {_first_line(error.get('evalue'))[:200]}"


def _error_before(nb, index: int, cell_timeout: float) -> str | None:
    """The first code cell before ``index`` (not a test cell) that raised something other than
    the NotImplementedError of an answer left as released."""
    from autograder.feedback import is_test_cell

    for i, cell in enumerate(nb.cells[:index]):
        if cell.cell_type != "code" or is_test_cell(cell):
            continue
        error = _kernel_error(cell)
        if error is not None and error.get("ename") != "NotImplementedError":
            return f"code cell {i} {_describe(error, cell_timeout)}"
    return None


def check_notebook(path: Path, cell_timeout: float, notebook_timeout: float,
                   seed: int) -> NotebookResult:
    from nbgrader.utils import determine_grade

    nb = _read(path)
    tests = _tests(nb)
    if not tests:
        raise BadInput(f"{path}: not a notebook of a known lesson (no test cell checks an "
                       f"exercise of the course)")
    source = _source(path, nb)
    folder = path.resolve().parent
    problem = _execute(nb, folder, cell_timeout, notebook_timeout)
    from autograder.verification import VerifierBroken

    try:
        verdicts, broken = _verify(nb, source, folder, cell_timeout, seed), None
    except VerifierBroken as exc:
        verdicts, broken = {}, f"the checks could not start: {_first_line(str(exc))[:200]}"
    result = NotebookResult(str(path), problem=problem)
    for index, name, points in tests:
        cell = nb.cells[index]
        verdict = verdicts.get(str(index), {"passed": False, "message": None})
        message = verdict.get("message")
        ran = cell.get("execution_count") is not None or cell.get("outputs")
        score, _ = determine_grade(cell) if ran else (None, None)
        kernel_passed = score is not None and score >= points
        error = _kernel_error(cell)
        if not ran:
            status, message = ERROR, problem or "its test cell did not run"
        elif broken is not None:
            status, message = ERROR, broken
        elif verdict["passed"] and kernel_passed:
            status, message = PASSED, None
        elif any(words in str(message) for words in _UNANSWERED):
            status = NOT_ATTEMPTED
        elif error is not None and error.get("ename") not in ("CheckFailure", "AssertionError"):
            status = ERROR
            message = (_error_before(nb, index, cell_timeout)
                       or f"its test cell {_describe(error, cell_timeout)}")
        else:
            status = FAILED
            if verdict["passed"]:  # the checker passed, the test cell did not (stderr output)
                message = (f"its test cell did not pass in the notebook: "
                           f"{_first_line(error.get('evalue')) if error else 'it wrote to stderr'}")
        result.exercises.append(ExerciseResult(name, status, message,
                                               points if status == PASSED else 0.0, points))
    return result


# -- output -----------------------------------------------------------------------------------

def _points(value: float) -> str:
    return f"{value:g}"


def print_text(results: list[NotebookResult], out) -> None:
    for result in results:
        if len(results) > 1:
            print(result.path, file=out)
        width = max((len(e.name) for e in result.exercises), default=0)
        for e in result.exercises:
            line = e.status
            if e.status in (FAILED, ERROR):
                line += f": {_first_line(e.message)}"
            print(f"  {e.name:<{width}}  {line}", file=out)
        print(f"{_points(result.points)} / {_points(result.max_points)} points", file=out)


def to_json(results: list[NotebookResult], seed: int) -> dict:
    return {"seed": seed, "passed": all(r.passed for r in results),
            "notebooks": [{"path": r.path, "points": r.points, "max_points": r.max_points,
                           "passed": r.passed, "problem": r.problem,
                           "exercises": [asdict(e) for e in r.exercises]} for r in results]}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from autograder.limits import duration

    parser.add_argument("paths", nargs="+", metavar="NOTEBOOK_OR_FOLDER",
                        help="a notebook, or a folder: every notebook in it is checked")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--timeout", type=duration, metavar="S", default=None,
                        help="time limit of one cell in seconds (default: the grader's, the "
                             "course's Execute.timeout, nbgrader's 30 s when not set)")


def run(args: argparse.Namespace, out=None, err=None) -> int:
    from autograder.limits import DEFAULT_NOTEBOOK_TIMEOUT

    out, err = out or sys.stdout, err or sys.stderr
    seed = secrets.randbits(62)  # hidden cases drawn afresh, as each grading run does
    try:
        paths = _notebooks(args.paths)
        for path in paths:  # every input read before anything runs: bad input costs nothing
            if not _tests(_read(path)):
                raise BadInput(f"{path}: not a notebook of a known lesson (no test cell checks "
                               f"an exercise of the course)")
    except BadInput as exc:
        print(f"dlcourse check: {exc}", file=err)
        return 2
    cell_timeout = float(args.timeout or _cell_timeout())
    results = []
    for path in paths:
        started = time.monotonic()
        try:
            results.append(check_notebook(path, cell_timeout, DEFAULT_NOTEBOOK_TIMEOUT, seed))
        except BadInput as exc:
            print(f"dlcourse check: {exc}", file=err)
            return 2
        if not args.json and len(paths) > 1:
            print(f"({path}: {time.monotonic() - started:.0f} s)", file=err)
    if args.json:
        json.dump(to_json(results, seed), out, indent=2)
        print(file=out)
    else:
        print_text(results, out)
    return 0 if all(r.passed for r in results) else 1
