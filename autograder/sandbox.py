"""Start a Jupyter kernel inside the grading sandbox.

``autograder.execute`` launches every student kernel as::

    unshare --mount --net --pid --fork --kill-child \\
        python -m autograder.sandbox --uid U --gid G --home DIR ... -- python -m ipykernel_launcher -f CONN

``unshare`` gives this process new mount, network and pid namespaces (it is pid 1 of the new pid
namespace, still root). Here, before the kernel starts, it

1. mounts a fresh ``/proc`` (only the namespace's own processes are visible);
2. mounts empty private tmpfs over the shared scratch folders (``/tmp``, ``/var/tmp``,
   ``/dev/shm``) and over ``/root`` (the administrator's home: keys, passwords, caches);
3. binds back, at the same paths, the folders the kernel needs that step 2 covered (the Python
   installation, the sandbox folder with the student's working copy and the kernel's sockets);
   and binds the read-only replacements asked for (``--bind``: the verifier's view of the
   course package, without the answers, over the installed one);
4. hides the course's private paths (the source notebooks, the gradebook, every student's
   submission, the grader's own state): an empty read-only tmpfs over each folder, an empty
   unreadable file bound over each file;
5. limits the number of processes of the student's uid (a fork bomb stops there), forbids gaining
   privileges (``no_new_privs``), drops to the unprivileged uid/gid with no supplementary groups,
   and asks to be killed when ``unshare`` dies;
6. replaces itself (``exec``) with the kernel, in the student's working copy, with HOME there.

The kernel is then pid 1 of its pid namespace: when it dies, the Linux kernel kills every process
the student's code started. The network namespace has only a loopback interface that is down, so
no connection can be made; the kernel talks to the grader over unix sockets in the sandbox folder
(jupyter_client's ``ipc`` transport).

With ``--no-namespaces`` (``--isolation none``) only step 6 runs: no protection at all.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import resource
import signal
import stat
import sys

# <sys/mount.h>
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
# <linux/prctl.h>
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38

#: shared scratch folders every user can write to: each kernel gets its own empty ones
PRIVATE_SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")
#: homes that may hold secrets and are no business of the student's code
PRIVATE_HOMES = ("/root",)

#: the grader's environment variables that student code may see, by name and by prefix: an
#: allowlist, so that a credential nobody thought of (DATABASE_URL, MYSQL_PWD) stays out
ALLOWED_ENV_NAMES = frozenset({
    "PATH", "LANG", "LANGUAGE", "TERM", "TZ", "PYTHONPATH", "PYTHONHASHSEED", "PYTHONIOENCODING",
    "PYTHONUTF8", "VIRTUAL_ENV", "MPLBACKEND", "KERAS_BACKEND", "CUDA_VISIBLE_DEVICES"})
ALLOWED_ENV_PREFIXES = ("LC_", "DLCOURSE_", "OMP_", "OPENBLAS_", "MKL_", "TF_", "XLA_", "JAX_")
#: one thread each for the maths libraries, unless the grader was told otherwise: kernels run
#: side by side (--workers = cores), and a kernel's threads would fight the others' for the cores
THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def mount(source: str | None, target: str, fstype: str | None, flags: int,
          data: str | None = None) -> None:
    enc = lambda s: None if s is None else os.fsencode(s)  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {target}")


def prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl {option}")


def _is_under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _mount_tmpfs(target: str, mode: str, size: str, readonly: bool = False) -> None:
    flags = MS_NOSUID | MS_NODEV | (MS_RDONLY | MS_NOEXEC if readonly else 0)
    mount("tmpfs", target, "tmpfs", flags, f"mode={mode},size={size}")


def _bind(source: str, target: str, readonly: bool) -> None:
    mount(source, target, None, MS_BIND | MS_REC)
    if readonly:
        mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def isolate(keep: list[str], keep_writable: list[str], hide: list[str], empty_file: str,
            scratch_size: str, binds: list[tuple[str, str]] = ()) -> None:
    """Steps 1-4 of the module docstring (and the read-only ``binds``, ``(source, target)``,
    between steps 3 and 4). Runs as root in fresh mount and pid namespaces."""
    # mounts made here must not leak back to the host (unshare's default, made sure of)
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)

    # Open what must stay visible before covering anything: a bind from /proc/self/fd/N still
    # reaches a folder once its path is hidden under a new tmpfs.
    kept = []
    for path in keep + keep_writable:
        path = os.path.realpath(path)
        if os.path.isdir(path):
            kept.append((path, os.open(path, os.O_PATH | os.O_DIRECTORY), path in keep_writable))

    bind_fds = [(os.open(os.path.realpath(source), os.O_PATH | os.O_DIRECTORY), target)
                for source, target in binds]

    covered = []
    for folder in PRIVATE_SCRATCH:
        if os.path.isdir(folder) and not os.path.islink(folder):
            _mount_tmpfs(folder, "1777", scratch_size)
            covered.append(folder)
    for folder in PRIVATE_HOMES:
        if os.path.isdir(folder) and not os.path.islink(folder):
            _mount_tmpfs(folder, "0755", "16m")
            covered.append(folder)

    # bind back the kept folders that are now covered, shortest path first so nesting works
    for path, fd, writable in sorted(kept, key=lambda k: len(k[0])):
        if any(_is_under(path, c) for c in covered):
            os.makedirs(path, mode=0o755, exist_ok=True)
            _bind(f"/proc/self/fd/{fd}", path, readonly=not writable)
        os.close(fd)

    for fd, target in bind_fds:
        _bind(f"/proc/self/fd/{fd}", target, readonly=True)
        os.close(fd)

    for path in hide:
        if not os.path.lexists(path):
            continue  # not visible here anyway (e.g. under a private /tmp)
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            _mount_tmpfs(path, "0000", "4k", readonly=True)
        else:
            _bind(empty_file, path, readonly=True)


def drop_privileges(uid: int, gid: int, max_processes: int) -> None:
    """Step 5: become the unprivileged student uid for good."""
    # RLIMIT_NPROC counts the processes of the real uid: each grading slot has its own uid
    resource.setrlimit(resource.RLIMIT_NPROC, (max_processes, max_processes))
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    # changing credentials clears the parent-death signal that `unshare --kill-child` set
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def kernel_environment(home: str, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The kernel's environment: the allowlisted part of the grader's (``environ``, default
    ``os.environ``), one thread per maths library, HOME in the sandbox."""
    environ = os.environ if environ is None else environ
    env = {name: value for name, value in environ.items()
           if name in ALLOWED_ENV_NAMES or name.startswith(ALLOWED_ENV_PREFIXES)}
    for name, value in THREAD_ENV.items():
        env.setdefault(name, value)
    env.update(HOME=home, TMPDIR="/tmp", USER="student", LOGNAME="student",
               NBGRADER_EXECUTION="autograde", PYTHONNOUSERSITE="1")
    return env


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m autograder.sandbox",
                                     description="Start a kernel in the grading sandbox "
                                                 "(used by autograder.execute, not by hand).")
    parser.add_argument("--uid", type=int)
    parser.add_argument("--gid", type=int)
    parser.add_argument("--home", required=True, help="the student's working copy; HOME and cwd")
    parser.add_argument("--connection-file", help="made readable by the kernel's uid")
    parser.add_argument("--keep", action="append", default=[],
                        help="folder the kernel reads (bound back read-only if covered)")
    parser.add_argument("--keep-writable", action="append", default=[],
                        help="folder the kernel writes (bound back if covered)")
    parser.add_argument("--hide", action="append", default=[], help="path the kernel must not see")
    parser.add_argument("--bind", action="append", default=[], metavar="SOURCE:TARGET",
                        help="a folder shown read-only in place of another (the verifier's view "
                             "of the course package)")
    parser.add_argument("--workdir", help="the working folder, when it is not HOME")
    parser.add_argument("--empty-file", help="an empty root-only file to bind over hidden files")
    parser.add_argument("--scratch-size", default="512m", help="size of the private /tmp etc.")
    parser.add_argument("--max-processes", type=int, default=256)
    parser.add_argument("--no-namespaces", action="store_true",
                        help="no isolation at all: only set the environment and start the kernel")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no kernel command given")

    if not args.no_namespaces:
        if os.getpid() != 1:
            sys.exit("autograder.sandbox: not pid 1 of a new pid namespace; run it through unshare")
        binds = [tuple(b.split(":", 1)) for b in args.bind]
        isolate(args.keep, args.keep_writable, args.hide, args.empty_file, args.scratch_size,
                binds)
        if args.connection_file:
            os.chown(args.connection_file, args.uid, args.gid)
        drop_privileges(args.uid, args.gid, args.max_processes)
    os.chdir(args.workdir or args.home)
    env = kernel_environment(args.home)
    # IPython's profile (startup files, ipython_kernel_config.py) comes from a fresh empty folder,
    # never from HOME, which is the student's working copy: no submitted dot-file runs code
    # before the first cell. In the namespaces /tmp is the sandbox's own tmpfs; without them,
    # a folder beside HOME in the grader's per-notebook folder, removed with it.
    ipythondir = ("/tmp/ipython" if not args.no_namespaces else
                  os.path.join(os.path.dirname(os.path.abspath(args.home)), "ipython-profile"))
    os.makedirs(ipythondir, exist_ok=True)
    env["IPYTHONDIR"] = ipythondir
    try:
        os.execvpe(command[0], command, env)
    except OSError as exc:
        sys.exit(f"autograder.sandbox: cannot start the kernel {command[0]}: {exc}")


if __name__ == "__main__":
    try:
        main()
    except OSError as exc:
        # seen by the grader as "the kernel died before it started", with this line in its log
        sys.exit(f"autograder.sandbox: {exc}")
