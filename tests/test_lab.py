"""`make lab` serves the lessons in JupyterLab, with nbgrader's server and lab extensions enabled.

The test starts JupyterLab exactly as a student does (`make lab`), on a free port and without a
browser, talks to it over its REST API, and stops it.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "dlcourse-test-token"
NBGRADER_PLUGINS = [
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"

    def get(self, path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path,
                                         headers={"Authorization": f"token {TOKEN}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def json(self, path: str):
        status, body = self.get(path)
        assert status == 200, f"GET {path} -> {status}: {body[:300]!r}"
        return json.loads(body)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port = _free_port()
    env = dict(os.environ, JUPYTER_TOKEN=TOKEN, BROWSER="true")
    # a file, not a pipe: nobody reads a pipe while the tests run, and a full one blocks the server
    log_path = tmp_path_factory.mktemp("lab") / "lab.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"PORT={port}", "LAB_ARGS=--no-browser"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Lab(port)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if server.get("/api/status")[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = log_path.read_text(errors="replace")
                pytest.fail(f"`make lab` did not serve on port {port}:\n{out[-3000:]}")
            time.sleep(0.5)
        yield server
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_lab_serves_the_lessons_folder(lab):
    listing = lab.json("/api/contents/")
    served = {item["name"] for item in listing["content"] if item["type"] == "directory"}
    expected = {p.name for p in (ROOT / "lessons").iterdir() if p.is_dir()}
    assert expected and served == expected


def test_lab_opens_a_lesson_notebook(lab):
    lesson = sorted(p for p in (ROOT / "lessons").glob("*/*.ipynb"))[0]
    model = lab.json(f"/api/contents/{lesson.parent.name}/{lesson.name}")
    assert model["type"] == "notebook"
    assert model["content"]["cells"], "the served notebook has no cells"


def test_nbgrader_lab_extension_and_plugins_are_enabled(lab):
    extensions = {e["name"]: e for e in lab.json("/lab/api/extensions")}
    assert extensions["jupyter-nbgrader"]["enabled"] is True
    status, page = lab.get("/lab")
    assert status == 200
    config = json.loads(re.search(
        rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S
    ).group(1))
    assert "@jupyter/nbgrader" in [e["name"] for e in config["federated_extensions"]]
    disabled = set(config["disabledExtensions"])
    assert not disabled & set(NBGRADER_PLUGINS + ["@jupyter/nbgrader"])


def test_nbgrader_plugins_are_in_the_served_extension_code(lab):
    entry = next(e for e in json.loads(re.search(
        rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
        lab.get("/lab")[1], re.S).group(1))["federated_extensions"] if e["name"] == "@jupyter/nbgrader")
    folder = ROOT / ".venv" / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader" / "static"
    code = b"".join(lab.get(f"/lab/extensions/@jupyter/nbgrader/static/{p.name}")[1]
                    for p in folder.glob("*.js"))
    assert entry["load"].startswith("static/remoteEntry")
    for plugin in NBGRADER_PLUGINS:
        assert plugin.encode() in code, f"{plugin} is not in the served extension code"


def test_nbgrader_server_extensions_answer(lab):
    status, page = lab.get("/formgrader")
    assert status in (200, 302)
    status, _ = lab.get("/formgrader/manage_assignments")
    assert status == 200
    reply = lab.json("/assignments?course_id=dlcourse")  # the assignment list's handler
    assert "success" in reply
    reply = lab.json("/courses")  # the course list's handler
    assert "success" in reply
