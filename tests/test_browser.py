"""The student's side in a real browser: JupyterLab driven by Playwright in Debian's chromium.

`make lab` serves a copy of ``lessons/`` (the repository is left alone), and the tests do what a
student does in lesson 01: type a right and then a wrong ``relu`` and run its test cell, move the
neuron explorer's slider, draw a progress bar, press nbgrader's Validate button; and check that
no news pop-up covers the notebook. Each step leaves a screenshot in a folder the tests print:
``$DLCOURSE_ARTIFACTS/browser`` when that is set (CI keeps it), a pytest temporary folder otherwise.

Playwright drives the system's chromium through ``executable_path`` (``apt-get install
chromium``; ``.ci/run`` installs it): ``playwright install`` and its browser download are never
needed. The tests are marked ``browser`` and run in CI like every other test.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from playwright.sync_api import expect, sync_playwright

from dlcourse.checks import check_relu
from dlcourse.progress import ENV_PROGRESS
from dlcourse.widgets.neuron_explorer import describe_neuron

from .lab_server import get, make_lab

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "dlcourse-browser-test"
NOTEBOOK = "01-neuron/01-neuron.ipynb"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# the answers typed into the relu exercise: one line each, so no editor auto-indent gets in the way
RIGHT_RELU = "def relu(z): return np.maximum(0.0, np.asarray(z, dtype=float))"
WRONG_RELU = "def relu(z): return np.abs(np.asarray(z, dtype=float))"
PROGRESS_CELL = ("from dlcourse.progress import progress; "
                 "steps = list(progress(range(25), desc='browser-test bar'))")
NEWS_QUESTION = "official Jupyter news"  # JupyterLab's toast: "...notified about official Jupyter news?"
# the repository's notebook when the tests start: it must be the same when they end
LESSON_BYTES = (ROOT / "lessons" / NOTEBOOK).read_bytes()
RUN_S = 60            # one cell, the first of them starting the kernel and importing matplotlib
VALIDATE_S = 180      # nbgrader runs the whole notebook in a fresh kernel


def _lines(html: str) -> list[str]:
    """The lines of the explorer's HTML read-out as the page shows them (tags dropped)."""
    return [re.sub(r"<[^>]+>", "", line).strip() for line in html.split("<br>")]


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory, request) -> Path:
    base = os.environ.get("DLCOURSE_ARTIFACTS")
    folder = Path(base) / "browser" if base else tmp_path_factory.mktemp("browser-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    capman = request.config.pluginmanager.getplugin("capturemanager")
    with capman.global_and_fixture_disabled():
        print(f"\nbrowser test screenshots: {folder}", flush=True)
    return folder


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` on a copy of lessons/, on a free port; yields (base URL, the copy, the log)."""
    work = tmp_path_factory.mktemp("browser-lab")
    lessons = work / "lessons"
    shutil.copytree(ROOT / "lessons", lessons)
    env = dict(os.environ, JUPYTER_TOKEN=TOKEN, BROWSER="true",
               # a fresh student's profile: no settings or workspace saved by an earlier session
               JUPYTERLAB_SETTINGS_DIR=str(work / "user-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(work / "workspaces"))
    # the test-suite turns the progress bars off for the kernels it starts (conftest.py); a
    # student's kernel has them on
    env.pop(ENV_PROGRESS, None)
    log_path = work / "lab.log"
    # The repository's `make lab`, run in the scratch folder: its `lessons` is the copy, and the
    # files its set-up reads are the repository's; .venv is the repository's (`make test` made
    # it). `make lab` adds --allow-root as root (CI).
    for name in ("pyproject.toml", "jupyterlab-settings"):
        (work / name).symlink_to(ROOT / name)
    with make_lab(work, env, log_path, TOKEN,
                  ("-f", str(ROOT / "Makefile"), f"VENV={ROOT / '.venv'}")) as base:
        yield base, lessons, log_path


@pytest.fixture(scope="module")
def page(lab, artifacts):
    """Lesson 01's student notebook open in chromium, its kernel idle."""
    base = lab[0]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)")
    with sync_playwright() as pw:
        # chromium's sandbox cannot start as root (CI runs as root): --no-sandbox there only
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(30_000)
            tab = context.new_page()
            tab.goto(f"{base}/lab/tree/{NOTEBOOK}?token={TOKEN}")
            # the lesson's cells are there and its kernel is up ("Python 3 (ipykernel) | Idle"
            # in the status bar, not "No Kernel | Initializing")
            expect(tab.locator(".jp-Notebook .jp-CodeCell", has_text="import warnings")
                   ).to_be_visible(timeout=90_000)
            expect(tab.locator("#jp-main-statusbar")).to_contain_text(
                re.compile(r"Python.*\| Idle"), timeout=90_000)
            tab.screenshot(path=str(artifacts / "00-lesson-01-open.png"))
            yield tab
        finally:
            browser.close()


def code_cell(page, text: str):
    """The code cell whose source contains ``text``."""
    cell = page.locator(".jp-Notebook .jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor", has_text=text))
    expect(cell).to_have_count(1)
    return cell


def run(cell) -> None:
    """Select ``cell``, run it with Shift+Enter, and wait until its prompt shows a new number."""
    prompt = cell.locator(".jp-InputArea-prompt")
    before = prompt.inner_text()
    prompt.click()                       # selects the cell (command mode)
    expect(cell).to_have_class(re.compile(r"\bjp-mod-active\b"))
    cell.page.keyboard.press("Shift+Enter")
    expect(prompt).not_to_have_text(before, timeout=RUN_S * 1000)
    expect(prompt).to_have_text(re.compile(r"^\s*\[\d+\]:\s*$"), timeout=RUN_S * 1000)


def type_into(cell, code: str) -> None:
    """Replace ``cell``'s source with ``code``, as a student typing it."""
    cell.locator(".jp-InputArea-editor .cm-content").click()
    cell.page.keyboard.press("ControlOrMeta+a")
    cell.page.keyboard.insert_text(code)
    expect(cell.locator(".jp-InputArea-editor .cm-content")).to_have_text(code)


@pytest.fixture(scope="module")
def setup_done(page):
    """The lesson's set-up cells (NumPy, the plots and the widgets' imports) have run."""
    run(code_cell(page, "import warnings"))
    run(code_cell(page, "from dlcourse.widgets import neuron_explorer"))
    return page


def _relu_from(source: str):
    namespace = {"np": np}
    exec(source, namespace)  # the same one-line answer the browser types
    return namespace["relu"]


def answer_and_check(page, answer_marker: str, answer: str):
    """Type ``answer`` into the relu exercise, run it and its test cell; return the test cell."""
    cell, test = code_cell(page, answer_marker), code_cell(page, "check_relu(relu)")
    type_into(cell, answer)
    run(cell)
    run(test)
    return test


def test_a_right_relu_shows_the_pass_line(setup_done, artifacts):
    test = answer_and_check(setup_done, "def relu(z):", RIGHT_RELU)
    shown = len(check_relu.exercise.selected(False))
    expect(test.locator(".jp-OutputArea-output")).to_contain_text(
        f"All {shown} checks of relu passed.")
    test.screenshot(path=str(artifacts / "01-relu-right.png"))


def test_a_wrong_relu_shows_the_case_and_the_hint(setup_done, artifacts):
    test = answer_and_check(setup_done, "def relu(", WRONG_RELU)
    message = check_relu.exercise.first_failure(_relu_from(WRONG_RELU))
    assert message and "Hint:" in message, message
    output = test.locator(".jp-OutputArea-output")
    expect(output).to_contain_text(message.splitlines()[0])   # the case's name
    test.screenshot(path=str(artifacts / "02-relu-wrong.png"))
    shown = re.sub(r"\s+", " ", output.inner_text())
    for line in message.splitlines():
        assert re.sub(r"\s+", " ", line).strip() in shown, (line, shown)
    # a beginner reads the checker's message, not frames from inside the course's package
    assert "dlcourse/checks/core.py" not in shown, shown


def test_the_neuron_explorer_slider_changes_its_output(setup_done, artifacts):
    page = setup_done
    cell = code_cell(page, "neuron_explorer()")
    run(cell)
    explorer = cell.locator(".jp-OutputArea-output .widget-vbox").first
    expect(explorer).to_be_visible(timeout=RUN_S * 1000)
    readout = explorer.locator(".widget-html", has_text="z = x·w + b")
    plot = explorer.locator(".widget-output img")
    expect(plot).to_be_visible()
    bias = explorer.locator(".widget-hslider").filter(
        has=page.locator(".widget-label", has_text=re.compile(r"^b$")))
    expect(bias).to_have_count(1)
    value = bias.locator(".widget-readout")
    before = (value.inner_text(), readout.inner_text(), plot.get_attribute("src"))
    for line in _lines(describe_neuron([1, 2, 3], [0.5, -1, 0.8], float(before[0]), "sigmoid")):
        expect(readout).to_contain_text(line)
    cell.screenshot(path=str(artifacts / "03-explorer-before.png"))

    handle = bias.locator(".noUi-handle")
    box = handle.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y, steps=6)   # drag the bias to the right
    page.mouse.up()

    expect(value).not_to_have_text(before[0])
    b = float(value.inner_text())
    assert b > float(before[0])
    expected = _lines(describe_neuron([1, 2, 3], [0.5, -1, 0.8], b, "sigmoid"))
    for line in expected:
        expect(readout).to_contain_text(line)
    assert readout.inner_text() != before[1]
    expect(plot).not_to_have_attribute("src", before[2])
    cell.screenshot(path=str(artifacts / "04-explorer-after.png"))


def test_a_progress_bar_renders_as_a_widget(setup_done, artifacts):
    page = setup_done
    explorer = code_cell(page, "neuron_explorer()")
    explorer.locator(".jp-InputArea-prompt").click()
    page.keyboard.press("b")                     # a new cell below, as a student adds one
    page.locator(".jp-Notebook .jp-CodeCell.jp-mod-active .cm-content").click()
    page.keyboard.insert_text(PROGRESS_CELL)
    cell = code_cell(page, "browser-test bar")
    run(cell)
    bar = cell.locator(".jp-OutputArea-output .widget-hprogress")
    expect(bar).to_be_visible()
    expect(cell.locator(".jp-OutputArea-output")).to_contain_text("browser-test bar")
    expect(cell.locator(".jp-OutputArea-output")).to_contain_text("25/25")
    cell.screenshot(path=str(artifacts / "05-progress-bar.png"))


def test_nbgraders_validate_button_shows_its_results(setup_done, artifacts):
    page = setup_done
    button = page.locator(".jp-NotebookPanel-toolbar .jp-ToolbarButtonComponent",
                          has_text="Validate")
    expect(button).to_have_count(1)
    button.click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog.locator(".jp-Dialog-header")).to_have_text("Validation Results",
                                                               timeout=VALIDATE_S * 1000)
    body = dialog.locator("#validation-message")
    # exercises still raise NotImplementedError and relu is wrong: nbgrader lists failed cells
    expect(body).to_have_class(re.compile(r"validation-failed"))
    expect(body).to_contain_text("The following cell failed:")
    expect(body).to_contain_text("check_relu(relu)")
    page.screenshot(path=str(artifacts / "06-validate-results.png"))
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    expect(dialog).to_have_count(0)


def test_no_news_popup_covers_the_notebook(lab, setup_done, artifacts):
    base = lab[0]
    page = setup_done
    status, body = get(base + "/lab/api/settings/@jupyterlab/apputils-extension:notification", TOKEN)
    assert status == 200, body[:300]
    schema = json.loads(body)["schema"]
    assert schema["properties"]["fetchNews"]["default"] == "false", (
        "the course's settings override (fetchNews: false) is not installed in this environment")
    # the page has been open for every step above: the question would have shown by now
    expect(page.get_by_text(NEWS_QUESTION)).to_have_count(0)
    page.screenshot(path=str(artifacts / "07-no-news-popup.png"))


def test_the_server_works_on_a_copy_of_the_lessons(lab, setup_done):
    _, lessons, log_path = lab
    assert f"Serving notebooks from local directory: {lessons}" in log_path.read_text()
    # Validate saved the student's work into the copy; lessons/ in the repository is unchanged
    copy = (lessons / NOTEBOOK).read_text()
    assert WRONG_RELU in copy or RIGHT_RELU in copy
    assert (ROOT / "lessons" / NOTEBOOK).read_bytes() == LESSON_BYTES
