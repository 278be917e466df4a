"""Watching a student's code run: where it failed, and which forbidden NumPy functions it called.

Used by the checkers in the notebook (``dlcourse.checks.core``) and by the grader's verifier
(``autograder.answer_runner``), which runs the student's functions outside the notebook, where the
checkers are withheld.
"""
from __future__ import annotations

import os
import sysconfig
import traceback
from typing import Any, Iterable

import numpy as np

#: the installed package; frames from files below it are ours, not the student's
PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__)) + os.sep
#: the standard library and installed packages (NumPy...): an error raised in there is shown at
#: the student's line that called them
LIBRARY_DIRS = tuple({os.path.realpath(path) + os.sep for key, path in sysconfig.get_paths().items()
                      if key in ("stdlib", "platstdlib", "purelib", "platlib")})


def student_frame(exc: BaseException, skip: tuple[str, ...] = ()) -> str | None:
    """The traceback line where the student's code failed: the last one in their own code
    (``line 3 of sigmoid: return 1 / (1 + np.exp(-z))``), or None. Frames from files whose real
    path starts with one of ``skip`` are not the student's either."""
    ours = (PACKAGE_DIR, *skip)
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not os.path.realpath(f.filename).startswith(ours)]
    own = [f for f in frames if not os.path.realpath(f.filename).startswith(LIBRARY_DIRS)]
    if not (own or frames):
        return None
    f = (own or frames)[-1]
    where = f"line {f.lineno}" + (f" of {f.name}" if f.name and f.name != "<module>" else "")
    return f"{where}: {f.line}" if f.line else where


class watch_forbidden:
    """Temporarily wrap forbidden NumPy functions (``np.tanh`` in "build tanh from np.exp") to
    record whether the student's code called them: ``with watch_forbidden(["tanh"]) as used:``."""

    def __init__(self, names: Iterable[str]):
        self.names = tuple(names)
        self.used: list[str] = []
        self._saved: dict[str, Any] = {}

    def __enter__(self) -> list[str]:
        for name in self.names:
            original = getattr(np, name, None)
            if original is None:
                continue
            self._saved[name] = original

            def spy(*a: Any, _name: str = name, _orig: Any = original, **k: Any) -> Any:
                self.used.append(_name)
                return _orig(*a, **k)

            setattr(np, name, spy)
        return self.used

    def __exit__(self, *exc: Any) -> None:
        for name, original in self._saved.items():
            setattr(np, name, original)
