"""The verifier's process: run a student's answer cells, then call their functions for the grader.

``autograder.verification`` starts this script in the grading sandbox, as the student's
unprivileged user, in a fresh process (not the notebook's kernel)::

    python -I autograder/answer_runner.py [--view FOLDER]

and talks to it over its stdin and stdout with ``autograder.plaindata`` messages. Everything in
this process is the student's ground once their first cell has run: they can patch NumPy, this
module or the messages it sends. That is fine, because nothing here decides a grade. The grader
sends inputs and gets back plain data; the reference, the comparison and the message live in the
grader's own process.

Once it has imported what it needs, before any student code runs, it sends ``{"op": "ready"}``.
Requests (one answer each)::

    {"op": "run", "source": "<a cell>"}            -> {"error": null | {"type", "message"}, "withheld": [...]}
    {"op": "capture", "name": "sigmoid"}          -> {"kind": "function" | "value" | "missing", "value": ...}
    {"op": "call", "name", "args", "kwargs", "forbidden": [...], "probe": null | "dlcourse.probes.m:f"}
        -> {"value", "args", "kwargs", "error", "warnings", "used", "withheld"}
        with a probe, the call is probe(<the captured object>, *args, **kwargs) (dlcourse.probes)
        while the call runs, a function the grader lent (an activation, the ``f`` of
        ``numerical_gradient``) sends {"op": "callback", "handle", "args", "kwargs"} and waits
        for {"op": "callback_result", "value" | "error"}.
    {"op": "exit"}

``withheld`` lists the course's withheld functions (``autograder.reference_view``) that the
student's code called meanwhile.
"""
from __future__ import annotations

import argparse
import builtins
import contextlib
import io
import os
import sys
import warnings


class _Sink(io.TextIOBase):
    """Where the student's prints go: kept (at most 64 kB), never sent unless asked for."""

    def __init__(self, limit: int = 1 << 16):
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        if self.size < self.limit:
            self.parts.append(text[:self.limit - self.size])
            self.size += len(text)
        return len(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts, self.size = [], 0
        return text


class Runner:
    def __init__(self, requests, replies):
        from autograder import plaindata
        import numpy as np

        self.plaindata = plaindata
        self.np = np
        self.requests = requests
        self.replies = replies
        self.captured: dict[str, object] = {}
        self.sink = _Sink()
        try:
            from dlcourse import _withheld  # only in the verifier's view of the package
        except ImportError:
            _withheld = None
        self.withheld_hits = getattr(_withheld, "HITS", None)
        from dlcourse.student_code import student_frame
        self.student_frame = student_frame
        self.shell = self._shell()

    @staticmethod
    def _shell():
        """IPython's shell, in this process: the student's cells may use magics (%timeit)."""
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config

        config = Config()
        config.HistoryManager.enabled = False
        config.InteractiveShell.colors = "NoColor"
        return InteractiveShell.instance(config=config)

    # -- the loop -----------------------------------------------------------------------------

    def serve(self) -> None:
        pd = self.plaindata
        while True:
            try:
                request = pd.read_message(self.requests)
            except EOFError:
                return
            op = request.get("op")
            if op == "exit":
                return
            handler = {"run": self.run, "capture": self.capture, "call": self.call}.get(op)
            if handler is None:
                reply = {"error": {"type": "ProtocolError", "message": f"unknown op {op!r}"}}
            else:
                reply = handler(request)
            pd.write_message(self.replies, reply)

    def _hits(self) -> list[str]:
        hits = self.withheld_hits
        if not isinstance(hits, list):
            return []
        taken = [str(h) for h in hits[:20]]
        del hits[:]
        return taken

    def _error(self, exc: BaseException) -> dict:
        base = next((c.__name__ for c in type(exc).__mro__
                     if c.__module__ == "builtins" and c is not BaseException), "Exception")
        try:
            message = str(exc)
        except Exception:
            message = ""
        return {"type": type(exc).__name__, "base": base, "message": message[:4000],
                "where": self.student_frame(exc, skip=(os.path.realpath(__file__),))}

    # -- requests -----------------------------------------------------------------------------

    def run(self, request: dict) -> dict:
        self._hits()
        source = request.get("source", "")
        with contextlib.redirect_stdout(self.sink), contextlib.redirect_stderr(self.sink), \
                warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = self.shell.run_cell(str(source), store_history=False)
        self.sink.take()
        error = result.error_before_exec or result.error_in_exec
        return {"error": None if error is None else self._error(error), "withheld": self._hits()}

    def capture(self, request: dict) -> dict:
        name = str(request.get("name", ""))
        if name not in self.shell.user_ns:
            self.captured.pop(name, None)
            return {"kind": "missing"}
        value = self.shell.user_ns[name]
        self.captured[name] = value
        if callable(value):  # a function, or a class (an nn.Module, a Value) that a probe drives
            return {"kind": "function"}
        return {"kind": "value", "value": self.plaindata.encode(value)}

    def call(self, request: dict) -> dict:
        from dlcourse.student_code import watch_forbidden

        pd = self.plaindata
        name = str(request.get("name", ""))
        if name not in self.captured:
            return {"error": {"type": "NameError", "base": "NameError",
                              "message": f"name '{name}' is not defined", "where": None}}
        fn = self.captured[name]
        probe = request.get("probe")
        if probe is not None:
            from dlcourse.probes import bind

            try:
                fn = bind(str(probe), fn)
            except Exception as exc:  # a broken view of the package: the grader's problem
                return {"error": {"type": "ProbeError", "base": "Exception",
                                  "message": f"the probe {probe!r} is not available: {exc}",
                                  "where": None}}
        args = pd.decode(request.get("args", {"$tuple": []}), self._lent)
        kwargs = pd.decode(request.get("kwargs", {"$dict": []}), self._lent)
        self._hits()
        reply: dict = {"error": None, "value": None}
        with warnings.catch_warnings(record=True) as caught, \
                contextlib.redirect_stdout(self.sink), contextlib.redirect_stderr(self.sink), \
                watch_forbidden(_names(request.get("forbidden"))) as used:
            warnings.simplefilter("always")
            try:
                value = fn(*args, **kwargs)
            except BaseException as exc:  # the student's code may raise anything
                reply["error"] = self._error(exc)
            else:
                reply["value"] = pd.encode(value)
        self.sink.take()
        reply["args"] = pd.encode(args)
        reply["kwargs"] = pd.encode(kwargs)
        reply["warnings"] = [f"{w.category.__name__}: {w.message}" for w in caught
                             if issubclass(w.category, (RuntimeWarning, UserWarning,
                                                        FutureWarning))][:5]
        reply["used"] = list(used)
        reply["withheld"] = self._hits()
        return reply

    def _lent(self, handle: int, name: str):
        """A function the grader lends for one call: calling it asks the grader."""
        runner = self

        def lent(*args, **kwargs):
            pd = runner.plaindata
            pd.write_message(runner.replies, {"op": "callback", "handle": handle,
                                              "args": pd.encode(args),
                                              "kwargs": pd.encode(kwargs)})
            answer = pd.read_message(runner.requests)
            if answer.get("op") != "callback_result":
                raise RuntimeError("the grader did not answer the call of a lent function")
            error = answer.get("error")
            if error:
                cls = getattr(builtins, str(error.get("type")), None)
                if not (isinstance(cls, type) and issubclass(cls, Exception)):
                    cls = RuntimeError
                raise cls(str(error.get("message", "")))
            return pd.decode(answer.get("value"), runner._lent)

        lent.__name__ = lent.__qualname__ = name
        return lent


def _names(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--view", help="a folder holding the verifier's view of dlcourse, put "
                                       "first on sys.path (when no sandbox binds it in place)")
    args = parser.parse_args(argv)
    # The protocol keeps stdin and stdout for itself; what the student's code writes at the file
    # descriptor level (C code, a subprocess) goes nowhere.
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.environ.setdefault("MPLBACKEND", "Agg")
    # a fresh IPython folder: nothing the student shipped (a startup file, a profile) is read
    os.environ["IPYTHONDIR"] = os.path.join(os.path.expanduser("~"), ".ipython")
    # this script's package, for plaindata; not left on sys.path for the student's code
    package_parent = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    sys.path.insert(0, package_parent)
    try:
        import autograder.plaindata  # noqa: F401
    finally:
        sys.path.remove(package_parent)
    if args.view:
        sys.path.insert(0, args.view)
    from dlcourse.frameworks import quiet_environment

    quiet_environment()  # an answer cell's `import keras` loads TensorFlow without its log lines
    runner = Runner(requests, replies)
    sys.path.insert(0, os.getcwd())  # like a kernel: the student's own modules import
    runner.plaindata.write_message(replies, {"op": "ready"})
    runner.serve()


if __name__ == "__main__":
    main()
