"""`make lab` serves the lessons in JupyterLab, with nbgrader's server and lab extensions enabled.

The test starts JupyterLab exactly as a student does (`make lab`), on a free port and without a
browser, talks to it over its REST API, and stops it.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from .lab_server import get, make_lab

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "dlcourse-test-token"
NBGRADER_PLUGINS = [
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
]


class Lab:
    def __init__(self, base: str):
        self.base = base

    def get(self, path: str) -> tuple[int, bytes]:
        return get(self.base + path, TOKEN)

    def json(self, path: str):
        status, body = self.get(path)
        assert status == 200, f"GET {path} -> {status}: {body[:300]!r}"
        return json.loads(body)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    env = dict(os.environ, JUPYTER_TOKEN=TOKEN, BROWSER="true")
    log_path = tmp_path_factory.mktemp("lab") / "lab.log"
    with make_lab(ROOT, env, log_path, TOKEN) as base:
        yield Lab(base)


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
