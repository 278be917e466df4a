"""The student's own functions from an earlier lesson, for the ungraded cells of a later one.

Lesson 05b builds its digits network from the functions the student wrote in lessons 02–04::

    from dlcourse.your_functions import from_lesson
    dense_backward, gradient_descent_step = from_lesson(
        "04-backpropagation", "dense_backward", "gradient_descent_step")

:func:`from_lesson` reads the student's notebook of that lesson next door
(``../04-backpropagation/*.ipynb``, relative to the folder the notebook runs in: this works in
``lessons/`` and in ``solutions/`` alike), runs its setup and answer cells in a fresh namespace
(what they print or display is held back), and checks each requested function quietly with its
``check_<name>``. A function that passes is used; otherwise the course's reference is used and one
line says why (``your dense_backward does not pass its checks yet: using the course's version``).

Only ungraded cells use this: the grader runs a notebook's answer and setup cells on their own,
so a graded function never depends on another lesson's notebook.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["LessonNotebookError", "from_lesson", "lesson_namespace"]


class LessonNotebookError(Exception):
    """The earlier lesson's notebook is missing or cannot be read; the message says which."""


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Hold back stdout, stderr, warnings and (inside IPython) rich displays such as tqdm bars."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
        stack.enter_context(warnings.catch_warnings())
        warnings.simplefilter("ignore")
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
        if shell is not None:
            from IPython.utils.capture import capture_output
            stack.enter_context(capture_output(stdout=False, stderr=False, display=True))
        yield


def _notebooks(lesson: str, folder: Path, shown: Path) -> list[Path]:
    where = folder / lesson
    found = sorted(p for p in where.glob("*.ipynb") if not p.name.startswith("."))
    if not found:
        raise LessonNotebookError(f"no notebook of lesson {lesson} in {shown / lesson}")
    return found


def _cells(path: Path) -> list[str]:
    """The sources of the setup cells and answer cells of one notebook, in order."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
        sources = []
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            meta = cell.get("metadata", {})
            setup = "setup" in meta.get("tags", [])
            answer = bool(meta.get("nbgrader", {}).get("solution"))
            if setup or answer:
                source = cell.get("source", "")
                sources.append("".join(source) if isinstance(source, list) else str(source))
        return sources
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LessonNotebookError(f"cannot read {path.name} ({type(exc).__name__}: {exc})") from exc


def lesson_namespace(lesson: str, folder: str | os.PathLike | None = None) -> dict[str, Any]:
    """Run the setup and answer cells of lesson ``lesson``'s notebook(s) in a fresh namespace.

    folder: the folder that holds the lessons' folders; by default the parent of the current
    folder (a notebook runs in its own folder, so ``..`` holds its neighbours). Cells run in the
    lesson's folder, quietly; a cell that raises is skipped (the functions of the other cells
    stay). Raises :class:`LessonNotebookError` when there is no notebook or one cannot be read.
    """
    base = Path(folder) if folder is not None else Path.cwd().parent
    namespace: dict[str, Any] = {"__name__": f"lesson_{lesson.replace('-', '_')}"}
    # the default folder is shown as the student sees it from their notebook: ../<lesson>
    paths = _notebooks(lesson, base, base if folder is not None else Path(".."))
    sources = [(path, source) for path in paths for source in _cells(path)]
    with _quiet(), contextlib.chdir(base / lesson):
        for path, source in sources:
            try:
                exec(compile(source, f"<{path.name}>", "exec"), namespace)  # noqa: S102
            except BaseException as exc:  # a student's cell may raise anything, SystemExit too
                if isinstance(exc, KeyboardInterrupt):
                    raise
    return namespace


def _passes(name: str, fn: Any) -> bool:
    from . import checks
    check = getattr(checks, f"check_{name}", None)
    if check is None:
        return callable(fn)
    try:
        with _quiet():
            check(fn)
    except Exception:  # noqa: BLE001  (AssertionError from the checker, or anything else)
        return False
    return True


def from_lesson(lesson: str, *names: str, folder: str | os.PathLike | None = None,
                verbose: bool = True) -> Callable[..., Any] | tuple[Callable[..., Any], ...]:
    """Your functions ``names`` from lesson ``lesson``'s notebook, or the course's where yours fail.

    lesson: the lesson's folder name (``"04-backpropagation"``); names: functions of that lesson
    with a checker (``"dense_backward"``, ...); folder: see :func:`lesson_namespace`.
    Each function is checked with ``check_<name>(fn)`` (the public checks), silently; one that
    passes is returned, otherwise the course's reference (``dlcourse.reference.<name>``) with a
    one-line note saying why. One name gives one function, several a tuple in the same order.
    verbose=False prints nothing.
    """
    from . import reference

    if not names:
        raise TypeError("from_lesson needs the names of the functions you want")
    unknown = [n for n in names if not callable(getattr(reference, n, None))]
    if unknown:
        raise ValueError(f"the course has no function {unknown[0]!r} to fall back on")
    try:
        namespace = lesson_namespace(lesson, folder)
        problem = None
    except LessonNotebookError as exc:
        namespace, problem = {}, str(exc)
    if problem is not None:
        if verbose:
            print(f"{problem}: using the course's {', '.join(names)}")
        chosen = [getattr(reference, name) for name in names]
        return chosen[0] if len(chosen) == 1 else tuple(chosen)
    chosen, yours, notes = [], [], []
    for name in names:
        fn = namespace.get(name)
        if callable(fn) and _passes(name, fn):
            chosen.append(fn)
            yours.append(name)
            continue
        chosen.append(getattr(reference, name))
        if not callable(fn):
            notes.append(f"your notebook of {lesson} defines no function {name} yet: using the "
                         "course's version")
        else:
            notes.append(f"your {name} does not pass its checks yet: using the course's version")
    if verbose:
        if yours:
            print(f"from {lesson}: your {', '.join(yours)}")
        for note in notes:
            print(note)
    return chosen[0] if len(chosen) == 1 else tuple(chosen)
