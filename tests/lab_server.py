"""`make lab` as a student runs it, started by a test: on a free port, stopped whatever happens."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

START_S = 120  # `make lab` may first install the course's JupyterLab settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, token: str) -> tuple[int, bytes]:
    """(status, body) of a GET with the server's token; an HTTP error is a status, not a raise."""
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@contextlib.contextmanager
def make_lab(cwd: Path, env: dict[str, str], log_path: Path, token: str,
             make_args: tuple[str, ...] = ()) -> Iterator[str]:
    """Run ``make lab PORT=<free> LAB_ARGS=--no-browser`` in ``cwd`` (its output in ``log_path``,
    a file: nobody reads a pipe while the tests run, and a full one blocks the server) and yield
    the server's base URL once it answers; the test fails with the log's end if it never does.
    ``env`` must give the server ``token`` (``JUPYTER_TOKEN``)."""
    port = free_port()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", *make_args, "lab", f"PORT={port}",
             "LAB_ARGS=--no-browser"],
            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_S
        while True:
            try:
                if get(base + "/api/status", token)[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`make lab` did not serve on port {port}:\n"
                            f"{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
