"""A hard memory limit for one kernel: a memory cgroup, enforced by the Linux kernel.

``MemoryCgroup.create(name, limit)`` makes a child of the grader's own cgroup with ``limit``
bytes (cgroup v2: ``memory.max``, swap off; cgroup v1: ``memory.limit_in_bytes`` and
``memory.memsw.limit_in_bytes``). ``autograder.sandbox outer`` moves the kernel's launcher into
it before anything of the student's starts, so every process of the sandbox is counted, and so is
what they write to the sandbox's tmpfs (``/sandbox``, ``/dev/shm``): tmpfs pages are memory. Past
the limit the Linux kernel's OOM killer stops the largest process (the kernel), and
``oom_kills()`` tells the grader why it died.

Where neither version can be written (no memory controller, no delegation), ``create`` returns
None and the sandbox falls back to ``RLIMIT_AS`` (see ``autograder.sandbox``). Setting
``AUTOGRADER_NO_CGROUP=1`` forces that fallback (for machines whose cgroups misbehave, and for
the test of the fallback).

Under systemd with cgroup v2, run the grader with a delegated memory controller, e.g.
``systemd-run --scope -p Delegate=yes python -m autograder grade ...``.
"""
from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


def _own_path(controller: str | None) -> str | None:
    """This process's cgroup path in the v2 hierarchy (``controller`` None) or in the v1
    hierarchy of ``controller``."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controller is None and controllers == "":
                return path
            if controller is not None and controller in controllers.split(","):
                return path
    return None


def _write(path: Path, value: str) -> None:
    path.write_text(value)


class MemoryCgroup:
    """One kernel's memory cgroup (a folder under /sys/fs/cgroup)."""

    def __init__(self, path: Path, version: int, limit: int):
        self.path, self.version, self.limit = path, version, limit

    @classmethod
    def create(cls, name: str, limit: int) -> MemoryCgroup | None:
        """A fresh cgroup ``name`` limited to ``limit`` bytes, or None where this machine does
        not let the grader make one."""
        if os.environ.get("AUTOGRADER_NO_CGROUP") == "1" or os.geteuid() != 0:
            return None
        for version, parent in cls._parents():
            path = parent / name
            with contextlib.suppress(OSError):
                cls._remove(path)
                path.mkdir()
                group = cls(path, version, limit)
                try:
                    group._set_limit()
                    return group
                except OSError:
                    group.remove()
        return None

    @staticmethod
    def _parents():
        """Where a child cgroup with a memory controller can be made: v2 first, then v1."""
        v2 = _own_path(None)
        if v2 is not None and (ROOT / "cgroup.controllers").exists():
            parent = ROOT / v2.lstrip("/")
            with contextlib.suppress(OSError):
                if "memory" not in (parent / "cgroup.subtree_control").read_text().split():
                    _write(parent / "cgroup.subtree_control", "+memory")
            yield 2, parent
        v1 = _own_path("memory")
        if v1 is not None and (ROOT / "memory" / "memory.limit_in_bytes").exists():
            yield 1, ROOT / "memory" / v1.lstrip("/")

    def _set_limit(self) -> None:
        if self.version == 2:
            _write(self.path / "memory.max", str(self.limit))
            if (self.path / "memory.swap.max").exists():
                _write(self.path / "memory.swap.max", "0")
        else:
            _write(self.path / "memory.limit_in_bytes", str(self.limit))
            if (self.path / "memory.memsw.limit_in_bytes").exists():
                _write(self.path / "memory.memsw.limit_in_bytes", str(self.limit))

    def _read(self, name: str) -> str:
        try:
            return (self.path / name).read_text()
        except OSError:
            return ""

    def _counter(self, name: str, key: str) -> int:
        for line in self._read(name).splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == key:
                return int(parts[1])
        return 0

    def usage(self) -> int:
        """Bytes in use now (processes and their tmpfs files)."""
        text = self._read("memory.current" if self.version == 2 else "memory.usage_in_bytes")
        return int(text) if text.strip().isdigit() else 0

    def peak(self) -> int:
        text = self._read("memory.peak" if self.version == 2 else "memory.max_usage_in_bytes")
        return int(text) if text.strip().isdigit() else 0

    def oom_kills(self) -> int:
        """How many processes the OOM killer stopped in this cgroup."""
        if self.version == 2:
            return self._counter("memory.events", "oom_kill")
        return self._counter("memory.oom_control", "oom_kill") or (
            1 if self._counter("memory.oom_control", "under_oom") else 0)

    def procs_file(self) -> str:
        return str(self.path / "cgroup.procs")

    def remove(self) -> None:
        """Kill what is left in it and remove it."""
        self._remove(self.path)

    @staticmethod
    def _remove(path: Path) -> None:
        if not path.exists():
            return
        for _ in range(50):
            with contextlib.suppress(OSError, ValueError):
                for pid in (path / "cgroup.procs").read_text().split():
                    with contextlib.suppress(OSError):
                        os.kill(int(pid), 9)
            try:
                path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.05)
