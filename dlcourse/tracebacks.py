"""Where a student's code failed: the line of their own code, not of NumPy or of dlcourse.

Used by the checkers in the notebook (``dlcourse.checks.core``) and by the grader's verifier,
which runs the student's functions outside the notebook and cannot import the checkers.
"""
from __future__ import annotations

import os
import sysconfig
import traceback

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
