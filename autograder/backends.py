"""Where the notebooks run: a thread pool on this machine, or a Dask cluster, behind one interface.

A backend takes ``submit(fn, *args)`` (a ``concurrent.futures.Future`` back), says how many
notebooks it runs at once (``workers``), can stop the kernels it is running (``stop``, for
Ctrl-C and a broken set-up) and be shut down (``shutdown``). ``execute.execute_notebook`` is
the only function sent, with plain data, so the same grading code runs on either.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import uuid

from . import execute


class BackendError(Exception):
    """The backend cannot be used (no scheduler, bad certificates): a message for the user."""


class LocalBackend:
    """A thread pool of ``workers`` threads: each runs one sandboxed kernel at a time."""

    where = "this machine"
    stop_event = None  # the kernels of this process watch execute's own flag

    def __init__(self, workers: int | None):
        self.workers = workers or os.cpu_count() or 1
        self._pool = cf.ThreadPoolExecutor(max_workers=self.workers,
                                           thread_name_prefix="autograder")

    def submit(self, fn, *args) -> cf.Future:
        return self._pool.submit(fn, *args)

    def stop(self) -> None:
        execute.request_stop()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        execute.clear_stop()


class DaskBackend:
    """A Dask cluster's workers, reached over TLS (``autograder.certificates``), or over plain TCP
    with ``insecure``; the kernels on the workers watch a Dask Event for ``stop``."""

    def __init__(self, address: str, workers: int | None, security):
        from distributed import Client

        self.where = f"Dask scheduler {address}"
        self.client = Client(address, timeout="20s", security=security)
        self.workers = workers or max(1, sum(self.client.nthreads().values()))
        self.stop_event = f"autograder-stop-{uuid.uuid4().hex}"
        self._executor = self.client.get_executor(pure=False)

    def submit(self, fn, *args) -> cf.Future:
        return self._executor.submit(fn, *args)

    def stop(self) -> None:
        from distributed import Event
        with contextlib.suppress(Exception):
            Event(self.stop_event, client=self.client).set()

    def shutdown(self) -> None:
        with contextlib.suppress(Exception):
            self._executor.shutdown(wait=False)
        with contextlib.suppress(Exception):
            self.client.close()


def open_backend(options, warn) -> LocalBackend | DaskBackend:
    """The backend ``options`` ask for (``scheduler``, ``workers``, the TLS options); ``warn``
    prints a line for the user. Raises :class:`BackendError` with the reason."""
    if not options.scheduler:
        return LocalBackend(options.workers)
    from .certificates import INSECURE_WARNING, scheduler_security, tls_failure
    try:
        security = scheduler_security(options)
    except ValueError as exc:
        raise BackendError(str(exc)) from None
    if security is None:
        warn(INSECURE_WARNING.format(address=options.scheduler))
    try:
        return DaskBackend(options.scheduler, options.workers, security)
    except Exception as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        hint = tls_failure(exc)
        raise BackendError(f"cannot reach the Dask scheduler {options.scheduler}: {first}"
                           + (f"; {hint}" if hint else "")) from None
