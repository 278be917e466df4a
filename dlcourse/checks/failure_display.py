"""How a failed check looks in JupyterLab: the checker's message under the student's own lines.

IPython shows an exception through its ``_render_traceback_`` method when it has one
(``InteractiveShell.showtraceback``). :class:`~dlcourse.checks.core.CheckFailure` has one that
calls :func:`render`, which formats the traceback with IPython's own formatter, the frames inside
``dlcourse`` left out: the student sees the line of their test cell that failed and the message,
never the checker's machinery. When the student's function raised, the message already names the
line of their code that did (``core.error_message``).

``__tracebackhide__`` alone would not do: IPython always shows the last frame, and the last frame
of a failed check is the checker's ``raise``.
"""
from __future__ import annotations

import os
import types

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__))) + os.sep


def _ours(frame: types.FrameType) -> bool:
    return os.path.realpath(frame.f_code.co_filename).startswith(PACKAGE_DIR)


def without_package_frames(tb: types.TracebackType | None) -> types.TracebackType | None:
    """A copy of the traceback ``tb`` with every frame of a file inside ``dlcourse`` dropped."""
    kept = []
    while tb is not None:
        if not _ours(tb.tb_frame):
            kept.append(tb)
        tb = tb.tb_next
    out = None
    for entry in reversed(kept):
        out = types.TracebackType(out, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return out


def plain(exc: BaseException) -> list[str]:
    """The exception as its name and message only."""
    return [f"{type(exc).__name__}: {exc}"]


def render(exc: BaseException) -> list[str]:
    """IPython's structured traceback of ``exc`` without dlcourse's frames (a list of strings)."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            return plain(exc)
        tb = without_package_frames(exc.__traceback__)
        # offset 1: IPython's own run_code frame, which it leaves out of every traceback
        return shell.InteractiveTB.structured_traceback(type(exc), exc, tb, tb_offset=1)
    except Exception:  # a display must never fail: IPython would show its own error instead
        return plain(exc)
