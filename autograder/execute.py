"""Run one sanitized submission notebook in a sandbox: the worker's side of grading.

``execute_notebook(nb_json, files, limits)`` is a plain function of plain data, so it runs the same
in a thread of this process (``concurrent.futures.ThreadPoolExecutor``) or on a Dask worker. It
executes the notebook with nbgrader's own ``Execute`` preprocessor (the settings of
``nbgrader autograde``: errors allowed, a cell that runs too long is interrupted) and returns the
executed notebook, which ``autograder.replay`` then hands to ``nbgrader autograde`` in place of
running the code a second time.

What the student's code meets (``autograder.isolation`` says what a kernel sees,
``autograder.sandbox`` how it starts):

- an empty root with the allowlist only: the system, Python, the course package, its own staged
  files in a working folder on a tmpfs of ``disk_limit`` bytes, an empty HOME; no network;
- a uid of its own (``SLOT_UID_BASE`` + the grading slot, no /etc/passwd entry needed), at most
  ``max_processes`` processes;
- a memory cgroup of ``memory_limit`` bytes (``autograder.cgroups``; ``RLIMIT_AS`` where there is
  none), tmpfs files included;
- a watchdog thread that samples its memory (every 0.2 s) and the notebook's total time, and
  kills the sandbox when the time is up (or, without a cgroup, the memory);
- at most ``output_limit`` bytes of output kept per cell, error outputs included;
- at the end every process of its uid is killed and its folders are removed.

The executed notebook keeps no widget view (a student's tqdm bar, a slider): each becomes static
text or goes (``dlcourse.static_outputs``), so no autograded notebook or feedback page points at
a kernel that is gone.

A kernel that dies (``os._exit``, a segfault, the watchdog) leaves the outputs of the cells that
ran; the cell that was running and every later code cell get an error output saying why, so
nbgrader scores those cells zero and the rest as usual.
"""
from __future__ import annotations

import collections
import contextlib
import fcntl
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_event_loop, run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Instance, Integer

from dlcourse.frameworks import quiet_environment
from dlcourse.progress import ENV_PROGRESS
from dlcourse.static_outputs import make_static

from . import isolation
from .cgroups import MemoryCgroup
from .limits import Limits

#: slot uids 60001-61000: above the regular users' range (UID_MAX 60000) and below systemd's
#: DynamicUser range (61184-65519), so that a slot never shares a uid with a service
SLOT_UID_BASE = 60001
MAX_SLOTS = 1000
SAMPLE_S = 0.2
#: without a memory cgroup, RLIMIT_AS is the memory limit plus this: address space that is
#: reserved but never used (thread stacks, malloc arenas; TensorFlow + JAX + PyTorch reserve
#: 2.9 GB for 0.9 GB in use); the watchdog's samples enforce the limit itself
ADDRESS_SPACE_HEADROOM = 2 << 30
TRUNCATED = "\n... output truncated by the autograder (more than {limit} of output in this cell) ...\n"
SANDBOX_SCRIPT = str(Path(__file__).with_name("sandbox.py"))
SANDBOX_KERNEL = "autograder-sandbox"

#: outcomes of one notebook, beyond the statuses kept in the state file
INTERRUPTED = "interrupted"  # the grader is stopping (Ctrl-C): not a grade, nothing recorded
ERROR = "error"  # the grader could not run the notebook at all (sandbox, kernel start): not a grade

_STOP = threading.Event()


def _quiet_log() -> logging.Logger:
    """nbclient and jupyter_client log every dead kernel and timeout as errors; the grader reports
    those itself, per student, so their messages stay off the terminal."""
    log = logging.getLogger("autograder.kernel")
    log.propagate = False
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    return log


def request_stop() -> None:
    """Kill the kernels running in this process now (the grader got Ctrl-C)."""
    _STOP.set()


def clear_stop() -> None:
    _STOP.clear()


# -- sizes and names ---------------------------------------------------------------------------

def format_bytes(n: float) -> str:
    for unit, size in (("G", 1 << 30), ("M", 1 << 20), ("k", 1 << 10)):
        if n >= size:
            return f"{n / size:.3g} {unit}B"
    return f"{int(n)} B"


def describe_cell(nb: NotebookNode, index: int) -> str:
    """'code cell 4 of 7 (grade id "answer_crash")': how a person finds the cell."""
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    if index in code:
        where = f"code cell {code.index(index) + 1} of {len(code)}"
    else:
        where = f"cell {index + 1}"
    grade_id = nb.cells[index].get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f'{where} (grade id "{grade_id}")' if grade_id else where


def error_output(ename: str, evalue: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                  traceback=[f"{ename}: {evalue}"])


def mark_unrun(nb: NotebookNode, start: int, ename: str, reason: str) -> None:
    """The kernel is gone from cell ``start`` on: that cell keeps what it printed and gets an error;
    every later code cell gets only an error, so none of them can pass."""
    for i in range(start, len(nb.cells)):
        cell = nb.cells[i]
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if i == start:
            cell.outputs.append(error_output(ename, reason))
        else:
            cell.outputs = [error_output(ename, f"not run: {reason}")]
            cell.execution_count = None


# -- grading slots: one unprivileged uid per kernel running at once on this machine -------------

def _slot_folder() -> Path:
    # /run is per machine and root's; tempdir can differ between processes (TMPDIR)
    base = Path("/run") if os.access("/run", os.W_OK) else Path(tempfile.gettempdir())
    folder = base / "autograder-slots"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


@contextlib.contextmanager
def grading_slot():
    """Hold a slot number no other grader process or thread on this machine holds (an flock,
    released even when the process is killed)."""
    folder = _slot_folder()
    for n in range(MAX_SLOTS):
        fd = os.open(folder / f"{n}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            yield n
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return
    raise RuntimeError(f"all {MAX_SLOTS} grading slots are busy")


def processes_of_uid(uid: int) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["uids"]):
        uids = proc.info.get("uids")
        if uids is not None and uid in (uids.real, uids.effective):
            found.append(proc)
    return found


def kill_all(procs: list[psutil.Process]) -> None:
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(procs, timeout=5)


# -- the kernel --------------------------------------------------------------------------------

class SandboxKernelSpecs(KernelSpecManager):
    """The kernel specs of one grading sandbox: a single one, whose command starts the kernel
    through the sandbox (``KernelSpecManager.get_kernel_spec`` is jupyter_client's public
    subclass point for where specs come from)."""

    spec = Instance(KernelSpec)

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return self.spec

    def find_kernel_specs(self) -> dict[str, str]:
        return {SANDBOX_KERNEL: ""}


def sandbox_kernel_manager(wrapper: list[str], ipc: Path, connection_file: Path
                           ) -> AsyncKernelManager:
    """A kernel manager whose kernel starts through ``wrapper`` (sandbox.py + bwrap), talking
    over unix sockets in ``ipc``."""
    env = {ENV_PROGRESS: "off"}  # nobody watches a grading kernel's progress bars
    quiet_environment(env)  # TensorFlow's start-up log lines: noise in a graded notebook
    spec = KernelSpec(argv=[*wrapper, sys.executable, "-m", "ipykernel_launcher", "-f",
                            "{connection_file}"],
                      display_name="Python 3 (autograder sandbox)", language="python", env=env,
                      # interrupts go as a message on the control channel (ipykernel then
                      # signals itself): a signal to the launcher's process group would reach
                      # bwrap, which dies of it
                      interrupt_mode="message")
    return AsyncKernelManager(kernel_spec_manager=SandboxKernelSpecs(spec=spec),
                              kernel_name=SANDBOX_KERNEL, transport="ipc", ip=str(ipc / "k"),
                              connection_file=str(connection_file), log=_quiet_log())


class SandboxedExecute(Execute):
    """nbgrader's ``Execute``, which also knows which cell is running and keeps at most
    ``output_limit`` bytes of output per cell (error outputs, which decide the grade, always stay,
    cut to that size too)."""

    output_limit = Integer(1 << 20)

    def preprocess(self, nb, resources=None, km=None):
        self.running = None
        self._output_bytes = collections.Counter()
        self._truncated = set()
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        self.running = index
        result = super().preprocess_cell(cell, resources, index)
        self.running = None
        return result

    def _bounded_error(self, msg: dict, cell_index: int) -> dict:
        """The error message with its name, value and traceback within ``output_limit`` bytes
        in all (a student's exception can carry a name or message of any size)."""
        content = msg.get("content", {})
        budget = self.output_limit
        ename, evalue = str(content.get("ename", "")), str(content.get("evalue", ""))
        content["ename"], content["evalue"] = ename[:200], evalue[:budget // 2]
        if len(ename) > 200 or len(evalue) > budget // 2:
            self._truncated.add(cell_index)
        budget -= len(content["ename"]) + len(content["evalue"])
        kept = []
        for line in list(content.get("traceback") or [])[:200]:
            line = str(line)[:10000]
            if len(line) > budget:
                kept.append("... (traceback cut: the output limit of a cell)")
                self._truncated.add(cell_index)
                break
            kept.append(line)
            budget -= len(line)
        content["traceback"] = kept
        return msg

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        msg_type = msg.get("msg_type")
        if msg_type == "error":  # kept whole in kind (it decides the grade), bounded in size
            return super().output(outs, self._bounded_error(msg, cell_index), display_id,
                                 cell_index)
        if cell_index in self._truncated:
            return None
        if msg_type == "stream":
            size = len(content.get("text", ""))
        else:
            size = len(json.dumps(content.get("data", {}), default=str))
        used = self._output_bytes[cell_index]
        self._output_bytes[cell_index] = used + size
        if used + size <= self.output_limit:
            return super().output(outs, msg, display_id, cell_index)
        self._truncated.add(cell_index)
        out = None
        if msg_type == "stream" and used < self.output_limit:
            content["text"] = content["text"][:self.output_limit - used]
            out = super().output(outs, msg, display_id, cell_index)
        outs.append(nbformat.v4.new_output(
            "stream", name="stderr", text=TRUNCATED.format(limit=format_bytes(self.output_limit))))
        return out


class Watchdog(threading.Thread):
    """Samples the kernel's processes; kills them all when the notebook's time or memory is up,
    or when the grader is stopping."""

    def __init__(self, uid: int | None, deadline: float, memory_limit: int, stop_flag=None,
                 cgroup: MemoryCgroup | None = None):
        super().__init__(daemon=True, name="autograder-watchdog")
        self.uid = uid
        self.cgroup = cgroup
        self.deadline = deadline
        self.memory_limit = memory_limit
        self.stop_flag = stop_flag
        self.popen: subprocess.Popen | None = None
        #: for a kernel: its manager, whose provisioner holds the launcher's process once started
        self.kernel_manager = None
        self.kind: str | None = None  # "memory" | "timeout" | "interrupted" once tripped
        self.rss_at_trip = 0
        self.peak = None
        self._done = threading.Event()
        self._lock = threading.Lock()

    def kernel_process(self) -> subprocess.Popen | None:
        """The launcher's process (a verifier runner's, or the kernel's once it started)."""
        if self.popen is None and self.kernel_manager is not None:
            provisioner = self.kernel_manager.provisioner
            self.popen = getattr(provisioner, "process", None) if provisioner else None
        return self.popen

    def processes(self) -> list[psutil.Process]:
        """The kernel and everything it started (the launcher itself excluded)."""
        self.kernel_process()
        procs = {}
        if self.popen is not None:
            with contextlib.suppress(psutil.Error):
                for p in psutil.Process(self.popen.pid).children(recursive=True):
                    procs[p.pid] = p
        if self.uid is not None:
            for p in processes_of_uid(self.uid):
                procs[p.pid] = p
        return list(procs.values())

    def sample(self) -> int:
        """The memory in use now: the cgroup's count, or the processes' RSS plus the files in the
        sandbox's tmpfs (which are memory too)."""
        if self.cgroup is not None:
            used = max(self.cgroup.usage(), self.cgroup.peak())
        else:
            used = 0
            procs = self.processes()
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    used += p.memory_info().rss
            used += _tmpfs_usage(procs)
        if used:
            self.peak = max(self.peak or 0, used)
        return used

    def memory_breached(self) -> bool:
        """Whether the Linux kernel's OOM killer stopped a process of the cgroup."""
        if self.cgroup is not None and self.kind is None and self.cgroup.oom_kills():
            with self._lock:
                self.kind, self.rss_at_trip = "memory", max(self.cgroup.peak(), self.peak or 0)
        return self.kind == "memory"

    def run(self) -> None:
        last_flag_check = 0.0
        while not self._done.wait(SAMPLE_S):
            rss = self.sample()
            now = time.monotonic()
            if self.cgroup is None and rss > self.memory_limit:
                self.trip("memory", rss)
            elif now > self.deadline:
                self.trip("timeout", rss)
            elif _STOP.is_set():
                self.trip(INTERRUPTED, rss)
            elif self.stop_flag is not None and now - last_flag_check > 1.0:
                last_flag_check = now
                with contextlib.suppress(Exception):
                    if self.stop_flag():
                        self.trip(INTERRUPTED, rss)

    def trip(self, kind: str, rss: int) -> None:
        with self._lock:
            if self.kind is None:
                self.kind, self.rss_at_trip = kind, rss
        self.kill()

    def kill(self) -> None:
        """Kill the kernel first (pid 1 of its namespace: the Linux kernel then kills everything
        in it), then whatever else is left: the uid's processes, the launcher's descendants."""
        if self.popen is not None:
            with contextlib.suppress(psutil.Error):
                kill_all(psutil.Process(self.popen.pid).children())
        kill_all(self.processes())

    def stop(self) -> None:
        self._done.set()


def _log_tail(path: Path, size: int = 2000) -> str:
    """The last ``size`` bytes of the kernel's own output (its stdout and stderr, which the
    sandbox's launcher sends to a file in the sockets' folder)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - size))
            return fh.read().decode(errors="replace")
    except OSError:
        return ""


def _dask_stop_flag(name: str | None):
    """On a Dask worker: a function telling whether the grader asked to stop (a Dask Event)."""
    if not name:
        return None
    try:
        from distributed import Event, get_client, get_worker
        get_worker()
        # the client now, in the task's thread: the watchdog thread could not find it
        event = Event(name, client=get_client())
    except Exception:  # not on a Dask worker, or no scheduler: only the local flag applies
        return None
    return event.is_set


def _tmpfs_usage(procs: list[psutil.Process]) -> int:
    """Bytes of files in the sandbox's tmpfs folders, seen through one of its processes."""
    for p in procs:
        used = 0
        try:
            for folder in (isolation.SANDBOX, "/dev/shm"):
                st = os.statvfs(f"/proc/{p.pid}/root{folder}")
                used += (st.f_blocks - st.f_bfree) * st.f_frsize
            return used
        except OSError:
            continue
    return 0


def _write_files(home: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        target = (home / rel).resolve()
        if not str(target).startswith(str(home.resolve()) + os.sep):
            raise ValueError(f"refusing to write {rel!r} outside the sandbox")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _exit_description(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0 or code > 128:
        signum = -code if code < 0 else code - 128
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        explain = {"SIGSEGV": ", a segmentation fault", "SIGKILL": ", killed",
                   "SIGABRT": ", aborted", "SIGBUS": ", a bus error"}.get(name, "")
        return f"killed by {name}{explain}"
    return f"exit code {code}"


def execute_notebook(nb_json: str, files: dict[str, bytes], limits: Limits,
                     verify: dict | None = None) -> dict:
    """Execute one sanitized notebook in a sandbox, then verify its answers outside the kernel.

    ``nb_json``: the notebook as nbgrader's sanitize step left it (JSON text);
    ``files``: the working folder's other files, relative path -> bytes;
    ``limits``: the run's :class:`autograder.limits.Limits`;
    ``verify``: ``{"seed": grading seed, "plan": autograder.verification.plan(...)}``, or None.

    Returns ``{"notebook": executed JSON, "status", "reason", "seconds", "peak_memory_mb",
    "verification", "flags", "verify_seconds"}`` with status "graded", "crashed", "timeout",
    "memory", "cell-timeout", "disk", "processes", "output", "interrupted" or "error". The test
    cells of the executed notebook say what the verification found
    (``autograder.verification.apply_verdicts``).
    """
    start = time.monotonic()
    nb = nbformat.reads(nb_json, as_version=4)
    isolated = limits.isolation == "namespaces"
    with grading_slot() as slot:
        sandbox = Sandbox(slot, limits, isolated)
        try:
            sandbox.stage(files)
            result = _run(nb, sandbox, start)
            nb = result.pop("executed")
            make_static(nb)  # no widget views left pointing at a kernel that is gone
            result.update(verification={}, flags=[], verify_seconds=0.0)
            if verify and verify["plan"]["tests"] and result["status"] not in (INTERRUPTED, ERROR):
                sandbox.clean_processes()  # nothing of the kernel's may meet the runner
                result.update(_verify(nb, sandbox, verify))
            result["notebook"] = nbformat.writes(nb)
            return result
        finally:
            sandbox.close()
            _close_event_loop()


def _scratch_base() -> Path:
    """Where the sockets' folders go: /dev/shm (a tmpfs: what a student writes there is memory,
    counted by the cgroup), else the temporary folder."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm
    return Path(tempfile.gettempdir())


class Sandbox:
    """The host-side folders and the memory cgroup of one grading slot's sandbox.

    ``root`` (a folder of the grader's, mode 0711) holds ``staged/`` (the student's files, shown
    read-only in the sandbox's working folder), and, without isolation, ``home/``, ``work/`` and
    ``ipython/``; ``ipc`` (under /dev/shm) holds the kernel's sockets and connection file.
    """

    def __init__(self, slot: int, limits: Limits, isolated: bool):
        self.slot, self.limits, self.isolated = slot, limits, isolated
        self.uid = SLOT_UID_BASE + slot if isolated else None
        self.clean_processes()  # left behind by a grader that was killed
        for base in {Path(tempfile.gettempdir()), _scratch_base()}:
            for stale in base.glob(f"autograder-{slot}-*"):
                shutil.rmtree(stale, ignore_errors=True)  # left by a grader that was killed
        self.root = Path(tempfile.mkdtemp(prefix=f"autograder-{slot}-"))
        os.chmod(self.root, 0o711)  # others may pass through to their own folders, not list them
        self.ipc = Path(tempfile.mkdtemp(prefix=f"autograder-{slot}-ipc-", dir=_scratch_base()))
        self.staged: list[tuple[str, str]] = []
        self.cgroup: MemoryCgroup | None = None

    @property
    def memory_limit(self) -> int:
        return int(self.limits.memory_limit)

    @property
    def disk_limit(self) -> int:
        return self.limits.disk

    def stage(self, files: dict[str, bytes]) -> None:
        """Write the student's files where the sandbox shows them from."""
        staged = self.root / "staged"
        staged.mkdir()
        _write_files(staged, files)
        self.staged = [(str(staged / rel), rel) for rel in sorted(files)]

    def folders(self, name: str) -> tuple[Path, Path, Path]:
        """Without isolation: fresh (home, work, ipython) folders on the host for one program,
        the work folder holding a copy of the staged files."""
        base = self.root / name
        home, work, ipython = base / "home", base / "work", base / "ipython"
        for folder in (home, work, ipython):
            folder.mkdir(parents=True)
        for source, rel in self.staged:
            target = work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        return home, work, ipython

    def command(self, name: str, *, connection_file: Path | None = None,
                replaced: list[tuple[Path, Path]] = (), log: Path | None = None) -> list[str]:
        """The command prefix that starts a program in this sandbox (``name``: "kernel" or
        "verify", its folders without isolation)."""
        sandbox = [sys.executable, "-I", SANDBOX_SCRIPT]
        logging_to = ["--log", str(log)] if log is not None else []
        if not self.isolated:
            home, work, ipython = self.folders(name)
            return sandbox + ["outer", *logging_to, "--"] + sandbox + [
                "inner", "--no-namespaces", "--home", str(home), "--workdir", str(work),
                "--ipythondir", str(ipython), "--"]
        if self.cgroup is not None:
            self.cgroup.remove()
        self.cgroup = MemoryCgroup.create(f"autograder-slot-{self.slot}", self.memory_limit)
        outer = sandbox + ["outer", *logging_to] + (
            [a for f in self.cgroup.procs_files() for a in ("--cgroup-procs", f)]
            if self.cgroup is not None else
            ["--address-space", str(self.memory_limit + ADDRESS_SPACE_HEADROOM)])
        allow = isolation.Allowlist.for_grading(
            staged=self.staged, replaced=[(str(s), str(t)) for s, t in replaced],
            writable=[str(self.ipc)])
        inner = sandbox + [
            "inner", "--uid", str(self.uid), "--gid", str(self.uid),
            "--max-processes", str(int(self.limits.max_processes)),
            "--file-size", str(self.disk_limit), "--home", isolation.HOME,
            "--workdir", isolation.WORK, "--ipythondir", isolation.IPYTHONDIR]
        for folder in (isolation.HOME, isolation.WORK, isolation.TMP, isolation.IPYTHONDIR,
                       "/dev/shm", str(self.ipc)):
            inner += ["--give", folder]
        if connection_file is not None:
            inner += ["--connection-file", str(connection_file)]
        command = outer + ["--"] + isolation.bwrap_command(allow, self.disk_limit) + inner + ["--"]
        # if the grader itself is killed (SIGKILL, OOM), its kernels must not live on
        setpriv = shutil.which("setpriv")
        return [setpriv, "--pdeathsig", "KILL", *command] if setpriv else command

    def watchdog(self, deadline: float) -> Watchdog:
        return Watchdog(self.uid, deadline, self.memory_limit,
                        _dask_stop_flag(self.limits.stop_event), cgroup=self.cgroup)

    def clean_processes(self) -> None:
        if self.uid is not None:
            kill_all(processes_of_uid(self.uid))

    def close(self) -> None:
        self.clean_processes()
        if self.cgroup is not None:
            self.cgroup.remove()
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.ipc, ignore_errors=True)


def _verify(nb, sandbox: Sandbox, verify: dict) -> dict:
    """Verify the executed notebook's answers in a fresh runner (``autograder.verification``)."""
    from . import reference_view, verification

    start = time.monotonic()
    limits = sandbox.limits
    watchdog = None
    try:
        view = reference_view.build_view(sandbox.root / "view", verify["plan"]["tests"].values())
        os.chmod(sandbox.root / "view", 0o755)
        if sandbox.isolated:
            command = sandbox.command("verify", replaced=[(view, reference_view.package_dir())])
            command += [sys.executable, "-I", verification.RUNNER_SCRIPT]
        else:
            command = sandbox.command("verify")
            command += [sys.executable, "-I", verification.RUNNER_SCRIPT, "--view", str(view.parent)]
        watchdog = sandbox.watchdog(start + float(limits.notebook_timeout))

        def launch() -> verification.RunnerProcess:
            def watch(popen):
                watchdog.popen = popen
            return verification.RunnerProcess(command, str(sandbox.root), on_start=watch)

        watchdog.start()
        verdicts = verification.verify(nb, verify["plan"], int(verify["seed"]),
                                       float(limits.cell_timeout), launch,
                                       stop=lambda: watchdog.kind == INTERRUPTED or _STOP.is_set())
        summary, flags = verification.apply_verdicts(nb, verdicts)
    except verification.Interrupted:
        return {"status": INTERRUPTED, "reason": "the grader was stopped"}
    except verification.VerifierBroken as exc:  # the set-up's fault: no grade, a rerun retries
        return {"status": ERROR, "reason": str(exc)}
    finally:
        if watchdog is not None:
            watchdog.stop()
            watchdog.kill()
            if watchdog.is_alive():
                watchdog.join(timeout=5)
        sandbox.clean_processes()
    return {"verification": summary, "flags": flags,
            "verify_seconds": time.monotonic() - start}


def _close_event_loop() -> None:
    """Close the event loop jupyter_client/nbclient made for this thread (the next call makes a
    fresh one). A worker thread's loop is otherwise left open when the thread ends, and its
    sockets surface later, in whatever code is running then, as ResourceWarnings."""
    loop = ensure_event_loop()
    if not loop.is_running():
        loop.close()


def _run(nb, sandbox: Sandbox, start: float) -> dict:
    limits = sandbox.limits
    connection_file = sandbox.ipc / "kernel.json"
    if sandbox.uid is not None:
        os.chown(sandbox.ipc, sandbox.uid, sandbox.uid)
    kernel_log = sandbox.ipc / "kernel.log"
    wrapper = sandbox.command("kernel", connection_file=connection_file, log=kernel_log)
    km = sandbox_kernel_manager(wrapper, sandbox.ipc, connection_file)

    settings = dict(limits.execute)
    settings["timeout"] = int(limits.cell_timeout)
    executor = SandboxedExecute(output_limit=int(limits.output_limit),
                                log=_quiet_log(), **settings)

    watchdog = sandbox.watchdog(start + float(limits.notebook_timeout))
    watchdog.kernel_manager = km
    watchdog.start()
    failure: BaseException | None = None
    try:
        executor.preprocess(nb, {"metadata": {"path": str(sandbox.root)}}, km=km)
    except Exception as exc:  # whatever stopped the run, the cells that ran are kept
        failure = exc
    finally:
        watchdog.sample()
        watchdog.stop()
        watchdog.kill()
        if getattr(executor, "kc", None) is not None:
            with contextlib.suppress(Exception):
                executor.kc.stop_channels()
        with contextlib.suppress(Exception):
            run_sync(km.shutdown_kernel)(now=True)
        watchdog.join(timeout=5)
    seconds = time.monotonic() - start
    popen = watchdog.kernel_process()
    exit_code = popen.poll() if popen is not None else None
    watchdog.memory_breached()

    status, reason = _outcome(nb, executor, watchdog, failure, limits, exit_code,
                              _log_tail(kernel_log), started=popen is not None)
    peak = None if watchdog.peak is None else watchdog.peak / (1 << 20)
    return {"executed": nb, "status": status, "reason": reason,
            "seconds": seconds, "peak_memory_mb": peak}


#: (status, the limit in words, does this error output say the sandbox stopped the cell?)
LIMIT_ERRORS = (
    ("disk", "disk limit ({disk} in the working folder, /tmp and /dev/shm)",
     lambda ename, evalue: "No space left on device" in evalue or "File too large" in evalue
     or "[Errno 28]" in evalue or "[Errno 27]" in evalue),
    ("processes", "process limit ({processes} processes and threads)",
     lambda ename, evalue: ename == "BlockingIOError" and "[Errno 11]" in evalue
     or "can't start new thread" in evalue),
    ("memory", "memory limit ({memory})", lambda ename, evalue: ename == "MemoryError"),
)


def _limit_reached(nb, executor, limits) -> tuple[str, str | None]:
    """A kernel that ran to the end: did a cell fail because of a limit of the sandbox (the
    student's code sees those as exceptions), or was some output cut? ("graded", None) if not."""
    sizes = {"disk": format_bytes(limits.disk), "processes": limits.max_processes,
             "memory": format_bytes(limits.memory_limit)}
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") != "error":
                continue
            ename, evalue = str(out.get("ename", "")), str(out.get("evalue", ""))
            for status, limit, matches in LIMIT_ERRORS:
                if matches(ename, evalue):
                    return status, (f"{describe_cell(nb, i)} reached the sandbox's "
                                    f"{limit.format(**sizes)}: {ename}: {evalue[:200]}; the "
                                    f"cells after it ran as usual")
    cut = sorted(getattr(executor, "_truncated", ()))
    if cut:
        cells = ", ".join(describe_cell(nb, i) for i in cut)
        return "output", (f"{cells} produced more than {format_bytes(executor.output_limit)} of "
                          f"output (the output limit per cell); the rest was cut, the grade is "
                          f"unchanged")
    return "graded", None


def _outcome(nb, executor, watchdog, failure, limits, exit_code, kernel_log, started):
    """(status, reason) of one run; marks the cells that did not run."""
    running = executor.running
    if failure is None:
        timed_out = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(
            o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError"
            for o in c.get("outputs", []))]
        if timed_out:
            cells = ", ".join(describe_cell(nb, i) for i in timed_out)
            return "cell-timeout", (f"{cells} ran for more than {limits.cell_timeout:g} s "
                                    f"(the cell time limit) and was interrupted; the cells after "
                                    f"it ran as usual")
        return _limit_reached(nb, executor, limits)
    if watchdog.kind == INTERRUPTED:
        return INTERRUPTED, "the grader was stopped"
    if running is None and not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"):
        if watchdog.kind is None:
            # nothing ran at all: a problem of the grader's, not a grade for the student
            error = f"{type(failure).__name__}: {failure}"
            if not started:
                return ERROR, error
            log = f"; kernel output: {kernel_log.strip()[-500:]}" if kernel_log.strip() else ""
            return ERROR, f"the kernel could not be started ({error}){log}"
        running = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), None)
    where = f"while running {describe_cell(nb, running)}" if running is not None else ""
    if watchdog.kind == "memory":
        status, ename = "memory", "MemoryLimit"
        reason = (f"the kernel used {format_bytes(watchdog.rss_at_trip)} of memory, more than the "
                  f"{format_bytes(limits.memory_limit)} allowed, and was stopped {where}")
    elif watchdog.kind == "timeout":
        status, ename = "timeout", "NotebookTimeout"
        reason = (f"the notebook ran for more than {limits.notebook_timeout:g} s (the notebook "
                  f"time limit) and was stopped {where}")
    elif isinstance(failure, CellTimeoutError):
        status, ename = "cell-timeout", "CellTimeoutError"
        reason = (f"{describe_cell(nb, running) if running is not None else 'a cell'} ran for more "
                  f"than {limits.cell_timeout:g} s (the cell time limit) and did not stop when "
                  f"interrupted, so the kernel was stopped")
    else:
        status, ename = "crashed", "KernelDied"
        why = _exit_description(exit_code) if isinstance(failure, DeadKernelError) or exit_code \
            is not None else f"{type(failure).__name__}: {failure}"
        reason = f"the kernel died {where} ({why})"
    if running is not None:
        mark_unrun(nb, running, ename, reason)
    return status, reason.replace("  ", " ").strip()
