"""A hard memory limit and a fair share of the CPU for one kernel: cgroups, enforced by Linux.

``MemoryCgroup.create(name, limit)`` makes a child of the grader's own cgroup with ``limit``
bytes (cgroup v2: ``memory.max``, swap off; cgroup v1: ``memory.limit_in_bytes`` and
``memory.memsw.limit_in_bytes``). ``autograder.sandbox outer`` moves the kernel's launcher into
it before anything of the student's starts, so every process of the sandbox is counted, and so is
what they write to the sandbox's tmpfs (``/sandbox``, ``/dev/shm``): tmpfs pages are memory. Past
the limit the Linux kernel's OOM killer stops the largest process (the kernel), and
``oom_kills()`` tells the grader why it died.

The same cgroup (v2) or a sibling in the ``cpu`` hierarchy (v1) gives each kernel an equal CPU
share: a kernel that starts ten busy processes gets no more of the machine than one that starts
none, so a correct answer next to it still finishes within the time limits.

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
        self.cpu_path: Path | None = None  # v1: the kernel's cgroup in the cpu hierarchy

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
                    group._add_cpu(name)
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
            for controller in ("memory", "cpu"):
                with contextlib.suppress(OSError):
                    if controller not in (parent / "cgroup.subtree_control").read_text().split():
                        _write(parent / "cgroup.subtree_control", f"+{controller}")
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

    def _add_cpu(self, name: str) -> None:
        """v1: a sibling cgroup in the cpu hierarchy (equal shares by default); v2: the cpu
        controller of this one, when the parent delegates it (equal weights by default)."""
        if self.version == 1:
            own = _own_path("cpu")
            if own is not None and (ROOT / "cpu" / "cpu.shares").exists():
                path = ROOT / "cpu" / own.lstrip("/") / name
                with contextlib.suppress(OSError):
                    self._remove(path)
                    path.mkdir()
                    self.cpu_path = path

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

    def procs_files(self) -> list[str]:
        """The files a process writes its pid to, to join (memory and, on v1, cpu)."""
        paths = [self.path] + ([self.cpu_path] if self.cpu_path is not None else [])
        return [str(p / "cgroup.procs") for p in paths]

    def remove(self) -> None:
        """Kill what is left in it and remove it."""
        self._remove(self.path)
        if self.cpu_path is not None:
            self._remove(self.cpu_path)

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
