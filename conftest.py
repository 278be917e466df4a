"""Repository-wide pytest set-up: a time budget for every lesson notebook that nbval runs.

nbval runs each cell of each notebook in ``solutions/`` as a test item. A lesson must run top to
bottom in under ``NOTEBOOK_BUDGET_S`` seconds on a laptop CPU; the cell that goes over the budget
fails with the notebook's time so far, and the per-notebook times are printed at the end.
Progress bars (``dlcourse.progress``) are turned off in the kernels the tests start.

Tests marked ``root`` start the grading sandbox (bubblewrap, one uid per grading slot, memory
cgroups), which needs root: a contributor without root sees them skipped, with that reason. CI
runs as root and sets ``DLCOURSE_NO_SKIPS=1`` (``.ci/run``): there a skipped test fails the run.
"""
from __future__ import annotations

import os
from collections import defaultdict

import pytest

from dlcourse.frameworks import quiet_environment
from dlcourse.progress import ENV_PROGRESS

# nbval's kernels inherit these: no progress-bar widgets in notebooks nobody watches, and one
# OpenMP thread for PyTorch: on a 2-core machine with anything else running, a second spinning
# thread makes the lessons' tiny models 10 to 50 times slower.
os.environ[ENV_PROGRESS] = "off"
os.environ.setdefault("OMP_NUM_THREADS", "1")
quiet_environment()  # TensorFlow's start-up lines stay out of the kernels' outputs

NOTEBOOK_BUDGET_S = 60.0
NO_SKIPS = "DLCOURSE_NO_SKIPS"
ROOT_REASON = ("needs root: it starts the grading sandbox (bubblewrap, a uid per grading slot, "
               "memory cgroups); run the tests as root (CI does) to include it")
_elapsed: dict[str, float] = defaultdict(float)


def pytest_configure(config):
    config.addinivalue_line("markers", f"root: {ROOT_REASON}")


def pytest_collection_modifyitems(config, items):
    if os.geteuid() == 0:
        return
    skip = pytest.mark.skip(reason=ROOT_REASON)
    for item in items:
        if item.get_closest_marker("root"):
            item.add_marker(skip)


def pytest_sessionfinish(session, exitstatus):
    """With DLCOURSE_NO_SKIPS=1, any skipped test fails the run (CI: nothing may stand aside)."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get(NO_SKIPS) == "1" and skipped and exitstatus == 0:
        reporter.write_line(f"{NO_SKIPS}=1: {len(skipped)} tests were skipped; CI runs them all:",
                            red=True)
        for report in skipped[:20]:
            reporter.write_line(f"  {report.nodeid}: {report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _is_nbval_cell(item: pytest.Item) -> bool:
    return type(item).__name__ == "IPyNbCell"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    if not _is_nbval_cell(item):
        return
    report = outcome.get_result()
    notebook = str(item.fspath)
    _elapsed[notebook] += call.duration
    if report.when == "call" and report.passed and _elapsed[notebook] > NOTEBOOK_BUDGET_S:
        report.outcome = "failed"
        report.longrepr = (f"{notebook} has run for {_elapsed[notebook]:.1f} s by this cell; "
                           f"a lesson must run top to bottom in under {NOTEBOOK_BUDGET_S:.0f} s.")


def pytest_terminal_summary(terminalreporter):
    if _elapsed:
        terminalreporter.write_sep("-", "lesson notebooks: seconds to run top to bottom")
        for notebook, seconds in sorted(_elapsed.items()):
            terminalreporter.write_line(f"{seconds:6.1f} s  {notebook}")
