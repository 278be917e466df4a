"""Start a Jupyter kernel (or a verifier runner) inside the grading sandbox.

``autograder.execute`` launches every student kernel as::

    setpriv --pdeathsig KILL python -I sandbox.py outer [--cgroup-procs F | --address-space N] \
        -- bwrap ... -- python -I sandbox.py inner --uid U ... -- python -m ipykernel_launcher ...

``outer`` runs as root on the host: it moves itself into the kernel's memory cgroup
(``autograder.cgroups``; what it starts stays there), or, where the machine has no memory cgroup
for the grader, limits the address space (``RLIMIT_AS``, the memory limit plus
``execute.ADDRESS_SPACE_HEADROOM``: the frameworks reserve far more address space than they use);
then it becomes ``bwrap``.

``bwrap`` (bubblewrap) builds the sandbox: an empty root with only the allowlist of
``autograder.isolation``, new pid, network, IPC and UTS namespaces, and it is killed when the
grader dies.

``inner`` runs inside, still root: it gives the sandbox's writable folders (HOME, the working
folder, /tmp, IPYTHONDIR) and the connection file to the grading slot's uid, limits the number of
processes of that uid (``RLIMIT_NPROC``: a fork bomb stops there) and the size of one file
(``RLIMIT_FSIZE``), forbids gaining privileges (``no_new_privs``), drops to the uid with no
supplementary groups, and replaces itself with the kernel in the working folder, with an
allowlisted environment (``kernel_environment``) and a fresh IPython folder: no file the student
submitted (a startup file, a ``.pth``, a profile) runs before the first cell.

With ``inner --no-namespaces`` (``--isolation none``) only the environment is set: no protection.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import resource
import signal
import sys

# <linux/prctl.h>
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38

#: the grader's environment variables that student code may see, by name and by prefix: an
#: allowlist, so that a credential nobody thought of (DATABASE_URL, MYSQL_PWD) stays out
ALLOWED_ENV_NAMES = frozenset({
    "PATH", "LANG", "LANGUAGE", "TERM", "TZ", "PYTHONPATH", "PYTHONHASHSEED", "PYTHONIOENCODING",
    "PYTHONUTF8", "VIRTUAL_ENV", "MPLBACKEND", "KERAS_BACKEND", "CUDA_VISIBLE_DEVICES",
    # TensorFlow's, by name: the TF_ prefix is also Terraform's (TF_VAR_password)
    "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS"})
ALLOWED_ENV_PREFIXES = ("LC_", "DLCOURSE_", "OMP_", "OPENBLAS_", "MKL_", "XLA_", "JAX_")
#: one thread each for the maths libraries, unless the grader was told otherwise: kernels run
#: side by side (--workers = cores), and a kernel's threads would fight the others' for the cores
THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

_libc = ctypes.CDLL(None, use_errno=True)


def prctl(option: int, value: int) -> None:
    if _libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl {option}: {os.strerror(err)}")


def drop_privileges(uid: int, gid: int, max_processes: int) -> None:
    """Become the unprivileged student uid for good."""
    # RLIMIT_NPROC counts the processes of the real uid: each grading slot has its own uid
    resource.setrlimit(resource.RLIMIT_NPROC, (max_processes, max_processes))
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    # changing credentials clears the parent-death signal
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


def outer(args) -> None:
    """On the host, as root: the kernel's own output to its log file, the memory limit, then
    ``exec`` the rest (bwrap)."""
    if args.log:
        fd = os.open(args.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    for procs in args.cgroup_procs:
        with open(procs, "w") as fh:
            fh.write(str(os.getpid()))
    if not args.cgroup_procs and args.address_space:
        resource.setrlimit(resource.RLIMIT_AS, (args.address_space, args.address_space))
    os.execvp(args.command[0], args.command)


def give(paths: list[str], uid: int, gid: int) -> None:
    """Make the sandbox's writable folders (and the folders in them) the student's."""
    for top in paths:
        for root, dirs, _ in os.walk(top):
            os.chown(root, uid, gid)
            for name in dirs:
                os.chown(os.path.join(root, name), uid, gid)


def inner(args) -> None:
    """Inside bwrap (or, with --no-namespaces, unprotected): become the student, start the
    command."""
    if not args.no_namespaces:
        give(args.give, args.uid, args.gid)
        if args.connection_file:
            os.chown(args.connection_file, args.uid, args.gid)
        if args.file_size:
            resource.setrlimit(resource.RLIMIT_FSIZE, (args.file_size, args.file_size))
        drop_privileges(args.uid, args.gid, args.max_processes)
    os.makedirs(args.ipythondir, exist_ok=True)
    os.chdir(args.workdir)
    env = kernel_environment(args.home)
    env["IPYTHONDIR"] = args.ipythondir
    os.execvpe(args.command[0], args.command, env)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m autograder.sandbox",
                                     description="Start a kernel in the grading sandbox "
                                                 "(used by autograder.execute, not by hand).")
    stages = parser.add_subparsers(dest="stage", required=True)
    out = stages.add_parser("outer", help="on the host: the memory limit, then bwrap")
    out.add_argument("--cgroup-procs", action="append", default=[],
                     help="a cgroup.procs file of the kernel's cgroups (memory, cpu)")
    out.add_argument("--address-space", type=int, help="RLIMIT_AS in bytes (no cgroup)")
    out.add_argument("--log", help="a file for the program's own stdout and stderr (kept in the "
                                   "sockets' folder: a tmpfs, counted as the kernel's memory)")
    inn = stages.add_parser("inner", help="in the sandbox: drop to the student's uid, start")
    inn.add_argument("--uid", type=int)
    inn.add_argument("--gid", type=int)
    inn.add_argument("--connection-file", help="made readable by the kernel's uid")
    inn.add_argument("--max-processes", type=int, default=256)
    inn.add_argument("--file-size", type=int, help="RLIMIT_FSIZE in bytes")
    inn.add_argument("--no-namespaces", action="store_true",
                     help="no isolation at all: only set the environment and start the kernel")
    inn.add_argument("--home", required=True, help="HOME, an empty folder")
    inn.add_argument("--workdir", required=True, help="the working folder")
    inn.add_argument("--ipythondir", required=True, help="a fresh IPython folder")
    inn.add_argument("--give", action="append", default=[],
                     help="a writable folder of the sandbox given to the uid")
    for stage in (out, inn):
        stage.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    args.command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not args.command:
        parser.error("no command given")
    if args.stage == "inner" and not args.no_namespaces and os.geteuid() != 0:
        sys.exit("autograder.sandbox inner: not root; it runs inside bwrap, started by the grader")
    try:
        (outer if args.stage == "outer" else inner)(args)
    except OSError as exc:
        # seen by the grader as "the kernel died before it started", with this line in its log
        sys.exit(f"autograder.sandbox {args.stage}: cannot start {args.command[0]}: {exc}")


if __name__ == "__main__":
    main()
