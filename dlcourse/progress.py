"""Progress bars for the lessons' training loops (tqdm.auto: a widget in JupyterLab).

Where nobody watches (the test-suite's nbval run, the grader's kernels) the environment variable
``DLCOURSE_PROGRESS=off`` turns the bars off, so their output neither fills notebooks nor slows
the loops.
"""
from __future__ import annotations

import os
from typing import Iterable, TypeVar

T = TypeVar("T")

#: "off" (or "0") disables every bar drawn through :func:`progress`
ENV_PROGRESS = "DLCOURSE_PROGRESS"


def enabled() -> bool:
    return os.environ.get(ENV_PROGRESS, "on").lower() not in ("off", "0", "false", "no")


def progress(iterable: Iterable[T], desc: str | None = None, **kwargs) -> Iterable[T]:
    """``tqdm.auto.tqdm(iterable, desc=desc, **kwargs)``, or ``iterable`` itself when bars are off."""
    if not enabled():
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, desc=desc, **kwargs)
