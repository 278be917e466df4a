"""The limits of one grading run (a frozen :class:`Limits`), their defaults, and how the command
line spells them."""
from __future__ import annotations

import argparse
import dataclasses
import re

#: time a whole notebook may run, kernel start included (s)
DEFAULT_NOTEBOOK_TIMEOUT = 600.0
#: memory of one kernel, every process it starts and its tmpfs files (bytes)
DEFAULT_MEMORY_LIMIT = 2 << 30
#: processes and threads of one kernel's uid at once
DEFAULT_MAX_PROCESSES = 256
#: output kept per cell (bytes); nbgrader's LimitOutput trims further when it records the grades
DEFAULT_OUTPUT_LIMIT = 1 << 20
#: nbgrader's cell time limit when the course sets none (Execute.timeout)
NBGRADER_CELL_TIMEOUT = 30



@dataclasses.dataclass(frozen=True)
class Limits:
    """What one notebook of a run may use; plain data, sent to every worker with the notebook.

    ``execute``: nbgrader's ``Execute`` settings of the course (``Course.execute_settings``);
    ``stop_event``: on Dask, the name of the Event that stops the run's kernels.
    """
    cell_timeout: float
    notebook_timeout: float = DEFAULT_NOTEBOOK_TIMEOUT
    memory_limit: int = DEFAULT_MEMORY_LIMIT
    output_limit: int = DEFAULT_OUTPUT_LIMIT
    disk_limit: int | None = None
    max_processes: int = DEFAULT_MAX_PROCESSES
    isolation: str = "namespaces"
    execute: dict = dataclasses.field(default_factory=dict)
    stop_event: str | None = None

    @property
    def disk(self) -> int:
        """Bytes for files in the sandbox's tmpfs (default: the memory limit, at least 64 MB)."""
        return int(self.disk_limit or max(64 << 20, self.memory_limit))

    def fingerprint(self) -> dict:
        """What of the limits changes a grade (a rerun regrades when it changes)."""
        return {k: v for k, v in dataclasses.asdict(self).items()
                if k not in ("execute", "stop_event")}


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(?:i?[bB])?\s*$")
_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h)?\s*$")


def memory_size(text: str) -> int:
    """'2G' -> 2147483648 (k, M, G, T are powers of 1024; a plain number is bytes)."""
    match = _SIZE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 512M or 2G")
    number, unit = float(match.group(1)), match.group(2).upper()
    size = int(number * {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}[unit])
    if size < 16 << 20:
        raise argparse.ArgumentTypeError(f"{text!r} is too small: a Python kernel needs at least "
                                         f"16M (50M or more in practice)")
    return size


def duration(text: str) -> float:
    """'90', '90s', '5m', '1h' -> seconds."""
    match = _TIME.match(text)
    if not match or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive duration such as 30, 90s, "
                                         f"5m or 1h")
    return float(match.group(1)) * {None: 1, "s": 1, "m": 60, "min": 60, "h": 3600}[match.group(2)]


def process_count(text: str) -> int:
    """'64' -> 64 (a kernel needs about 20 threads to start)."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if count < 32:
        raise argparse.ArgumentTypeError(f"{text!r} is too few: a kernel needs about 20 "
                                         f"processes and threads to start; give 32 or more")
    return count
