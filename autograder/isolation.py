"""What a grading kernel sees: an allowlist, turned into a bubblewrap (``bwrap``) command line.

Every kernel, and every runner of the out-of-kernel verifier, starts in an empty root filesystem
that holds only

- read-only: the system's programs and libraries (``/usr`` and the ``/bin``, ``/lib``... links to
  it), a few files of ``/etc`` (``ETC_ALLOWED``), the Python environment (its prefixes and
  site-packages), the folders of the course package and of the grader's package (not the
  repository around them), and the student's own staged files, in the working folder;
- writable: ``/sandbox``, a tmpfs of a fixed size with ``home/`` (HOME, empty), ``work/`` (the
  working folder), ``tmp/`` (``/tmp`` links there) and ``ipython/`` (IPYTHONDIR, empty); a private
  ``/dev/shm`` of the same size; the folder of the kernel's sockets;
- a ``/proc`` of its own pid namespace, a minimal ``/dev``, and its own network (loopback only),
  IPC and UTS namespaces.

Anything else (the repository's ``.git`` and ``solutions/``, nbgrader's ``source/``, ``release/``,
``submitted/``, ``autograded/``, ``feedback/`` and ``downloaded/`` folders, the gradebook, other
students, ``/root``, ``/home``, ``/srv``...) does not exist in there: nothing has to be listed to
be hidden. ``tests/test_autograder_isolation.py`` walks ``/`` from inside a kernel and checks it.

``bwrap`` runs as root (it needs no user namespace then, and reads the Python environment even
where it lies under ``/root``); the command it starts, ``autograder.sandbox inner``, drops to the
grading slot's uid before the student's code runs.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import site
import sys
from dataclasses import dataclass
from pathlib import Path

#: the sandbox's own paths, the same for every kernel
SANDBOX = "/sandbox"
HOME = f"{SANDBOX}/home"
WORK = f"{SANDBOX}/work"
TMP = f"{SANDBOX}/tmp"
IPYTHONDIR = f"{SANDBOX}/ipython"
#: what of /etc a kernel reads: the dynamic linker's cache, fonts (matplotlib's fc-list), time zone
ETC_ALLOWED = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
               "/etc/fonts")
#: the system's programs and libraries
SYSTEM_FOLDERS = ("/usr",)
#: top-level names that are links into /usr on merged-/usr systems (bound as folders elsewhere)
SYSTEM_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


def bwrap_problem() -> str | None:
    """None when ``bwrap`` can start a sandbox here, else why not."""
    if os.geteuid() != 0:
        return "the grader is not running as root"
    if shutil.which("bwrap") is None:
        return ("bubblewrap is not installed (Debian/Ubuntu: `apt-get install bubblewrap`; "
                "Fedora: `dnf install bubblewrap`)")
    return None


def python_paths() -> list[str]:
    """The folders of the Python environment the grader runs in (real paths, outermost only)."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    with contextlib.suppress(Exception):
        paths.update(site.getsitepackages())
    return outermost(os.path.realpath(p) for p in paths if os.path.isdir(p))


def package_paths() -> list[str]:
    """The folders of the course package (``dlcourse``) and of the grader (``autograder``)."""
    import dlcourse
    return outermost([str(Path(dlcourse.__file__).resolve().parent),
                      str(Path(__file__).resolve().parent)])


def outermost(paths) -> list[str]:
    """``paths`` without those inside another of them, sorted."""
    result: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path == p or path.startswith(p.rstrip("/") + "/") for p in result):
            result.append(path)
    return sorted(result)


@dataclass(frozen=True)
class Allowlist:
    """What one sandbox sees, besides the system (``/usr``, ``ETC_ALLOWED``) and ``/sandbox``.

    ``readonly``: host folders shown read-only at their own paths (Python, the packages);
    ``replaced``: ``(host folder, path inside)`` shown read-only in place of another (the
    verifier's view of the course package over the real one);
    ``staged``: ``(host file, path relative to WORK)``: the student's files, read-only;
    ``writable``: host folders shown writable at their own paths (the kernel's sockets).
    """
    readonly: tuple[str, ...]
    replaced: tuple[tuple[str, str], ...] = ()
    staged: tuple[tuple[str, str], ...] = ()
    writable: tuple[str, ...] = ()

    @classmethod
    def for_grading(cls, staged=(), replaced=(), writable=()) -> Allowlist:
        replaced_paths = {target for _, target in replaced}
        readonly = [p for p in outermost([*python_paths(), *package_paths()])
                    if p not in replaced_paths]
        return cls(tuple(readonly), tuple(replaced), tuple(staged), tuple(writable))


class _Command:
    """A bwrap argument list that creates each folder it mounts into with mode 0755 (bwrap makes
    missing parents 0700, which the unprivileged kernel could not pass through)."""

    def __init__(self, bwrap: str):
        self.args = [bwrap]
        self.folders = {"/"}

    def folder(self, path: str, mode: str = "0755") -> None:
        path = os.path.normpath(path)
        if path in self.folders:
            return
        self.folder(os.path.dirname(path))
        self.args += ["--perms", mode, "--dir", path]
        self.folders.add(path)

    def mount(self, option: str, source: str, target: str) -> None:
        self.folder(os.path.dirname(os.path.normpath(target)))
        self.args += [option, source, target]
        if os.path.isdir(source):
            self.folders.add(os.path.normpath(target))


def bwrap_command(allow: Allowlist, disk_limit: int, bwrap: str = "bwrap") -> list[str]:
    """The ``bwrap`` command line (up to its ``--``) for a sandbox that sees ``allow``, with
    ``disk_limit`` bytes in ``/sandbox`` and as many in ``/dev/shm``."""
    cmd = _Command(shutil.which(bwrap) or bwrap)
    cmd.args += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                 "--unshare-cgroup-try", "--die-with-parent", "--hostname", "sandbox"]
    for folder in SYSTEM_FOLDERS:
        cmd.mount("--ro-bind", folder, folder)
    for link in SYSTEM_LINKS:
        if os.path.islink(link):
            cmd.args += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            cmd.mount("--ro-bind", link, link)
    for path in ETC_ALLOWED:
        if os.path.exists(path):
            cmd.mount("--ro-bind", path, path)
    for path in allow.readonly:
        if not any(path == f or path.startswith(f + "/") for f in SYSTEM_FOLDERS):
            cmd.mount("--ro-bind", path, path)
    for source, target in allow.replaced:
        cmd.mount("--ro-bind", str(source), str(target))
    cmd.args += ["--proc", "/proc", "--dev", "/dev"]
    cmd.folders.update({"/proc", "/dev"})
    size = str(int(disk_limit))
    cmd.args += ["--perms", "1777", "--size", size, "--tmpfs", "/dev/shm"]
    cmd.args += ["--perms", "0755", "--size", size, "--tmpfs", SANDBOX]
    cmd.folders.add(SANDBOX)
    for folder in (HOME, WORK, TMP, IPYTHONDIR):
        cmd.folder(folder)
    cmd.args += ["--symlink", TMP, "/tmp"]
    for source, relative in sorted(allow.staged, key=lambda s: s[1]):
        cmd.mount("--ro-bind", str(source), os.path.join(WORK, relative))
    for path in allow.writable:
        cmd.mount("--bind", str(path), str(path))
    cmd.args += ["--chdir", WORK, "--"]
    return cmd.args
