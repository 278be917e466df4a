"""The website's lesson pages: each student notebook with the outputs of a reference run.

A page shows what a student gets (``lessons/``, nbgrader's student version: no solutions, no hidden
tests, no mark schemes) with the figures and printouts that the instructor's notebook
(``solutions/``) produces when it runs. The solution notebook runs in a fresh kernel; then its
outputs are copied, cell by cell, onto the student version, except in the exercise cells: an
answer cell's and a test cell's outputs would show the reference at work, so those stay empty.

Executed notebooks are cached by the hash of the solution notebook and of the course package
(``_build/cache``), so a second ``make site`` runs only what changed.
"""
from __future__ import annotations

import copy
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

ROOT = Path(__file__).resolve().parent.parent
#: a whole lesson's limit; each runs in well under a minute (tests/test_lessons.py runs them too)
NOTEBOOK_TIMEOUT = 600


class PageError(Exception):
    """A lesson that cannot become a page (a failing cell, lessons/ out of date)."""


@dataclass(frozen=True)
class Lesson:
    """One lesson notebook: ``solutions/<assignment>/<name>.ipynb`` and its student version."""
    assignment: str
    name: str  # file name without .ipynb

    @property
    def relpath(self) -> str:
        return f"{self.assignment}/{self.name}.ipynb"

    def solution(self, root: Path = ROOT) -> Path:
        return root / "solutions" / self.relpath

    def student(self, root: Path = ROOT) -> Path:
        return root / "lessons" / self.relpath


def lessons(root: Path = ROOT) -> list[Lesson]:
    """Every lesson notebook of ``solutions/``, in course order."""
    return [Lesson(nb.parent.name, nb.stem)
            for nb in sorted((root / "solutions").glob("*/*.ipynb"))]


def nbgrader_flags(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_exercise_cell(cell) -> bool:
    """An answer cell or a test cell: its outputs are the reference's, not for the page."""
    flags = nbgrader_flags(cell)
    return bool(flags.get("solution") or flags.get("grade"))


def _cache_key(solution: Path, root: Path) -> str:
    digest = hashlib.sha256(solution.read_bytes())
    for path in sorted((root / "dlcourse").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def execute(nb: NotebookNode, folder: Path) -> NotebookNode:
    """Run ``nb`` top to bottom in a fresh kernel in ``folder``; widgets become static text."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from dlcourse.frameworks import quiet_environment
    from dlcourse.progress import ENV_PROGRESS
    from dlcourse.static_outputs import make_static

    # a page has no kernel behind it: no progress-bar widgets, no TensorFlow start-up lines
    os.environ[ENV_PROGRESS] = "off"
    quiet_environment()
    with tempfile.TemporaryDirectory(prefix="dlcourse-site-kernel-") as ipc:
        # unix sockets, as the grader's kernels use: no TCP port, no warning about one
        km = AsyncKernelManager(kernel_name="python3", transport="ipc",
                                ip=os.path.join(ipc, "k"))
        client = NotebookClient(nb, km=km, timeout=NOTEBOOK_TIMEOUT,
                                resources={"metadata": {"path": str(folder)}})
        try:
            client.execute()
        except CellExecutionError as exc:
            raise PageError(f"a cell failed:\n{exc}") from None
        finally:  # nbclient leaves a kernel it was given running
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
    make_static(nb)
    return nb


def executed_solution(lesson: Lesson, cache: Path, root: Path = ROOT) -> NotebookNode:
    """The solution notebook after a run, from ``cache`` when nothing it depends on changed."""
    solution = lesson.solution(root)
    cached = cache / f"{lesson.name}-{_cache_key(solution, root)}.ipynb"
    if cached.exists():
        return nbformat.read(cached, as_version=4)
    try:
        nb = execute(nbformat.read(solution, as_version=4), solution.parent)
    except PageError as exc:
        raise PageError(f"{solution.relative_to(root)}: {exc}") from None
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.glob(f"{lesson.name}-*.ipynb"):
        stale.unlink()
    nbformat.write(nb, cached)
    return nb


def student_page(lesson: Lesson, executed: NotebookNode, root: Path = ROOT) -> NotebookNode:
    """The student version of ``lesson`` carrying ``executed``'s outputs outside the exercises."""
    page = nbformat.read(lesson.student(root), as_version=4)
    stale = PageError(f"lessons/{lesson.relpath} is not what nbgrader makes of "
                      f"solutions/{lesson.relpath}: run `make lessons`")
    if len(page.cells) != len(executed.cells):
        raise stale
    for cell, ran in zip(page.cells, executed.cells):
        if cell.cell_type != ran.cell_type:
            raise stale
        if cell.cell_type != "code" or is_exercise_cell(cell):
            continue
        if cell.source != ran.source:
            raise stale
        cell.outputs = copy.deepcopy(ran.outputs)
        cell.execution_count = ran.execution_count
    page.metadata.pop("widgets", None)
    return page
