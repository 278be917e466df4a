"""A forging cohort graded by ``python -m autograder grade`` on lesson 01, in the real sandbox.

Every forger is ``lazy`` (a ``sigmoid`` that returns zeros, so ``neuron``, whose default
activation is that sigmoid, is wrong too) plus one trick that makes the notebook's own test cells
pass inside the student's kernel. The grader verifies each answer outside that kernel, so no
forger may score more than ``lazy``, and each one whose notebook claimed a pass is flagged with a
readable reason. The honest students (``ada``, ``lazy``, ``bugsy``) must score exactly what
plain ``nbgrader autograde`` gives them.

The tricks:

- ``transformer``: an IPython input transformer turns every ``check_``/``assert`` line into ``pass``;
- ``patched_checks``: the ``check_*`` functions of ``dlcourse.checks`` replaced by no-ops;
- ``fake_module``: a fake ``dlcourse.checks`` in ``sys.modules``;
- ``builtins_import``: ``builtins.__import__`` hands out a fake ``dlcourse.checks``;
- ``numpy_patch``: ``np.allclose``, ``np.isclose`` and ``np.testing`` patched to agree;
- ``hooks``: ``set_custom_exc`` and a ``post_run_cell`` hook swallow each failed cell's error;
- ``showtraceback``: ``sys.excepthook`` and IPython's ``showtraceback`` replaced, so no error shows,
  and the cell's result cleared after it ran (nbgrader also reads the reply's status);
- ``startup_file``: an IPython startup file shipped in the submission folder (the transformer):
  the kernel's IPython profile comes from a fresh folder, so it never runs (not flagged);
- ``frame_peek``: ``sigmoid`` reads the checker's ``expected`` from the calling frames;
- ``hardcoded``: outputs looked up in a table of the notebook's public and hidden cases;
- ``pkgutil_reference``, ``reference_import``, ``reference_exec``: ``sigmoid`` is the course's
  reference, found by walking the package, imported, or read from its file and exec'd;
- ``printed_pass``: prints a pass line in the answer cell (its test cell still fails: not flagged);
- ``eq_abuse``: returns an array subclass that claims to equal anything (the checkers compare
  values, so this fails in the notebook too: not flagged).
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest

from dlcourse.checks import EXERCISES
from dlcourse.reference import sigmoid as reference_sigmoid

from .autograder_cohort import grader_command, grader_env, scores
from .notebooks import SOLUTIONS
from .test_autograder_cohort import visible_base
from .test_grading import BUGS, answers_from_solution, fill_in, nbgrader_cli

pytestmark = pytest.mark.root  # the grading sandbox (conftest.py)

LESSON = "01-neuron"
SEED = 20261129
LAZY = "def sigmoid(z):\n    return np.zeros_like(np.asarray(z, dtype=float))\n"

TRANSFORMER = (
    "def _neutralise(lines):\n"
    "    return ['pass\\n' if ('check_' in l or 'assert' in l) else l for l in lines]\n"
    "get_ipython().input_transformers_cleanup.append(_neutralise)\n")


def _hardcoded() -> str:
    """A sigmoid that knows the answers of every case the notebook runs (public, and hidden with
    the notebook's seed), and returns zeros otherwise."""
    table = {}
    for case in EXERCISES["sigmoid"].selected(hidden=True):
        z = np.asarray(case.args[0], dtype=float)
        table[repr(z.tolist())] = np.asarray(reference_sigmoid(case.args[0])).tolist()
    return ("import numpy as np\n"
            f"_ANSWERS = {table!r}\n"
            "def sigmoid(z):\n"
            "    key = repr(np.asarray(z, dtype=float).tolist())\n"
            "    if key in _ANSWERS:\n"
            "        out = np.asarray(_ANSWERS[key], dtype=float)\n"
            "        return out.item() if out.ndim == 0 else out\n"
            "    return np.zeros_like(np.asarray(z, dtype=float))\n")


#: student -> {answer cell: source}; every forger's sigmoid answer is LAZY plus a trick
FORGERS = {
    "transformer": LAZY + TRANSFORMER,
    "patched_checks": LAZY + (
        "import dlcourse.checks as _checks\n"
        "for _name in dir(_checks):\n"
        "    if _name.startswith('check_'):\n"
        "        setattr(_checks, _name, lambda *a, **k: print('All checks passed.'))\n"),
    "fake_module": LAZY + (
        "import sys, types\n"
        "_fake = types.ModuleType('dlcourse.checks')\n"
        "_fake.__getattr__ = lambda name: (lambda *a, **k: None)\n"
        "sys.modules['dlcourse.checks'] = _fake\n"),
    "builtins_import": LAZY + (
        "import builtins, types\n"
        "_real_import = builtins.__import__\n"
        "_fake = types.SimpleNamespace(**{'check_' + n: (lambda *a, **k: None) for n in\n"
        "    ['weighted_sum', 'sigmoid', 'relu', 'tanh', 'softmax', 'neuron']})\n"
        "def _import(name, *args, **kwargs):\n"
        "    return _fake if name == 'dlcourse.checks' else _real_import(name, *args, **kwargs)\n"
        "builtins.__import__ = _import\n"),
    "numpy_patch": LAZY + (
        "np.allclose = lambda *a, **k: True\n"
        "np.isclose = lambda a, b, *r, **k: np.ones(np.broadcast(a, b).shape, dtype=bool)\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "np.array_equal = lambda *a, **k: True\n"),
    "hooks": LAZY + (
        "_ip = get_ipython()\n"
        "_ip.set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: "
        "print('All checks passed.'))\n"
        "_ip.events.register('post_run_cell', lambda result: setattr(result, 'error_in_exec', None))\n"),
    "showtraceback": LAZY + (
        "import sys\n"
        "sys.excepthook = lambda *a: None\n"
        "_ip = get_ipython()\n"
        "_ip.showtraceback = _ip._showtraceback = lambda *a, **k: None\n"
        "def _clear(result):\n"
        "    result.error_in_exec = None  # nbgrader also reads the reply's status\n"
        "_ip.events.register('post_run_cell', _clear)\n"),
    "startup_file": LAZY,  # the trick is in a file beside the notebook (see submit())
    "frame_peek": (
        "import sys\n"
        "def sigmoid(z):\n"
        "    frame = sys._getframe(1)\n"
        "    while frame is not None:\n"
        "        if 'expected' in frame.f_locals:\n"
        "            return frame.f_locals['expected']\n"
        "        frame = frame.f_back\n"
        "    return np.zeros_like(np.asarray(z, dtype=float))\n"),
    "hardcoded": _hardcoded(),
    "pkgutil_reference": (
        "import importlib, pkgutil, dlcourse\n"
        "_modules = {m.name: importlib.import_module(m.name)\n"
        "            for m in pkgutil.walk_packages(dlcourse.__path__, 'dlcourse.')}\n"
        "sigmoid = _modules['dlcourse.reference.activations'].sigmoid\n"),
    "reference_import": "from dlcourse.reference import sigmoid\n",
    "reference_exec": (
        "import os, dlcourse\n"
        "_path = os.path.join(os.path.dirname(dlcourse.__file__), 'reference', 'activations.py')\n"
        "_namespace = {}\n"
        "exec(open(_path).read(), _namespace)\n"
        "sigmoid = _namespace['sigmoid']\n"),
    "printed_pass": LAZY + "print('All 8 checks of sigmoid passed.')\n",
    "eq_abuse": (
        "class _Agreeable(np.ndarray):\n"
        "    def __eq__(self, other):\n"
        "        return np.ones(np.shape(other), dtype=bool)\n"
        "    def __array_finalize__(self, obj):\n"
        "        self.reads = getattr(obj, 'reads', 0)\n"
        "def sigmoid(z):\n"
        "    return np.zeros_like(np.asarray(z, dtype=float)).view(_Agreeable)\n"),
}
USES_REFERENCE = {"pkgutil_reference", "reference_import", "reference_exec"}
#: their notebook's own test cell fails too (startup_file: the grading kernel ignores the file)
NOT_FLAGGED = {"printed_pass", "eq_abuse", "startup_file"}
HONEST = {"ada": {}, "lazy": {"sigmoid": LAZY}, "bugsy": BUGS[LESSON]}
STUDENTS = {**HONEST, **{name: {"sigmoid": source} for name, source in FORGERS.items()}}


def make_course(base: Path) -> tuple[Path, Path]:
    """An nbgrader course with lesson 01 generated, and an empty submissions folder."""
    course = base / "course"
    course.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'forging'\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.ClearSolutions.code_stub = {'python': '# YOUR CODE HERE\\nraise NotImplementedError()'}\n"
        "c.ClearSolutions.text_stub = 'YOUR ANSWER HERE'\n")
    shutil.copytree(SOLUTIONS / LESSON, course / "source" / LESSON)
    nbgrader_cli(course, "generate_assignment", LESSON, "--force")
    return course, base / "submissions"


def submit(course: Path, submissions: Path, students: dict[str, dict[str, str]]) -> None:
    solution = nbformat.read(SOLUTIONS / LESSON / f"{LESSON}.ipynb", as_version=4)
    released = nbformat.read(course / "release" / LESSON / f"{LESSON}.ipynb", as_version=4)
    answers = answers_from_solution(solution)
    for student, changed in students.items():
        folder = submissions / student / LESSON
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(fill_in(released, {**answers, **changed}), folder / f"{LESSON}.ipynb")
        if student == "startup_file":
            startup = folder / ".ipython" / "profile_default" / "startup"
            startup.mkdir(parents=True)
            (startup / "00-forge.py").write_text(TRANSFORMER)


def grade(course: Path, submissions: Path, *args: str) -> str:
    import subprocess
    result = subprocess.run(grader_command(course, submissions, "--workers", "2", *args,
                                           assignment=LESSON),
                            cwd=course, env=grader_env(), capture_output=True, text=True,
                            timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def all_scores(course: Path, students) -> dict[str, dict[str, float | None]]:
    db = f"sqlite:///{course / 'gradebook.db'}"
    return {s: scores(db, s, LESSON, LESSON)[0] for s in students}


def state(course: Path) -> dict:
    return json.loads((course / ".autograder" / LESSON / "state.json").read_text())


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = visible_base()
    course, submissions = make_course(base)
    submit(course, submissions, STUDENTS)
    summary = grade(course, submissions, "--seed", str(SEED))
    yield course, submissions, summary
    shutil.rmtree(base, ignore_errors=True)


def test_no_forger_scores_a_point_it_did_not_earn(graded):
    course, _, _ = graded
    got = all_scores(course, STUDENTS)
    lazy = got["lazy"]
    assert lazy["test_sigmoid"] == 0 and lazy["test_neuron"] == 0
    assert lazy["test_relu"] > 0 and lazy["test_softmax"] > 0
    for forger in FORGERS:
        assert got[forger] == lazy, forger


def test_each_forger_whose_notebook_claimed_a_pass_is_flagged_with_a_reason(graded):
    course, _, summary = graded
    students = state(course)["students"]
    for forger in FORGERS:
        flags = students[forger]["notebooks"][LESSON]["flags"]
        verification = students[forger]["notebooks"][LESSON]["verification"]["sigmoid"]
        assert verification["verified"] is False and verification["passed"] is False, forger
        if forger in NOT_FLAGGED:
            assert flags == [] and verification["notebook_passed"] is False, forger
            continue
        assert verification["notebook_passed"] is True, f"{forger}: the trick did not fool the notebook"
        sigmoid_flags = [f for f in flags if f.startswith("sigmoid: ")]
        assert len(sigmoid_flags) == 1, (forger, flags)
        if forger in USES_REFERENCE:
            assert "uses the course's reference implementation" in sigmoid_flags[0]
            assert "dlcourse.reference.activations.sigmoid" in sigmoid_flags[0]
        else:
            assert "passed in the notebook, but the grader's own check failed: sigmoid failed " \
                   "the case" in sigmoid_flags[0], sigmoid_flags[0]
        assert f"  {forger}" in summary.split("Flagged:")[1], forger
    for honest in HONEST:
        assert students[honest]["notebooks"][LESSON]["flags"] == [], honest
    assert f"{len(FORGERS) - len(NOT_FLAGGED)} flagged" in summary


def test_the_autograded_test_cell_shows_the_verifications_message(graded):
    course, _, _ = graded
    nb = nbformat.read(course / "autograded" / "frame_peek" / LESSON / f"{LESSON}.ipynb", 4)
    cell = next(c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "test_sigmoid")
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "CheckFailure"
    assert errors[0].evalue.startswith("sigmoid failed the case 'sigmoid(0) = 0.5'.")
    ada = nbformat.read(course / "autograded" / "ada" / LESSON / f"{LESSON}.ipynb", 4)
    cell = next(c for c in ada.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "test_sigmoid")
    n = len(EXERCISES["sigmoid"].selected(True, SEED))
    assert [o.get("text") for o in cell.outputs] == [f"All {n} checks of sigmoid passed.\n"]


def test_honest_students_score_what_plain_nbgrader_gives(graded, tmp_path):
    course, _, _ = graded
    plain, _ = make_course(tmp_path)
    solution = nbformat.read(SOLUTIONS / LESSON / f"{LESSON}.ipynb", as_version=4)
    released = nbformat.read(plain / "release" / LESSON / f"{LESSON}.ipynb", as_version=4)
    for student, changed in HONEST.items():
        folder = plain / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        nbformat.write(fill_in(released, {**answers_from_solution(solution), **changed}),
                       folder / f"{LESSON}.ipynb")
    nbgrader_cli(plain, "autograde", LESSON, "--force")
    assert all_scores(plain, HONEST) == all_scores(course, HONEST)


def test_grading_again_gives_the_same_scores_and_a_new_seed_changes_only_hidden_inputs(graded):
    course, _, _ = graded
    first = all_scores(course, STUDENTS)
    subset = ["ada", "lazy", "hardcoded"]
    base = visible_base()
    try:
        again, submissions = make_course(base)
        submit(again, submissions, {s: STUDENTS[s] for s in subset})
        grade(again, submissions, "--seed", str(SEED))
        assert all_scores(again, subset) == {s: first[s] for s in subset}
        assert state(again)["seed"] == SEED

        summary = grade(again, submissions, "--seed", str(SEED + 1))
        assert f"{len(subset)} to grade" in summary  # a new seed regrades everyone
        assert state(again)["seed"] == SEED + 1
        assert all_scores(again, subset) == {s: first[s] for s in subset}
    finally:
        shutil.rmtree(base, ignore_errors=True)
    one, other = (EXERCISES["sigmoid"].selected(True, seed) for seed in (SEED, SEED + 1))
    drawn = [i for i, case in enumerate(EXERCISES["sigmoid"].cases) if case.drawn]
    assert drawn and all(not np.array_equal(one[i].args[0], other[i].args[0]) for i in drawn)


def test_the_grading_seed_stays_in_the_state_file_only(graded):
    course, submissions, _ = graded
    assert state(course)["seed"] == SEED
    for path in (course / "autograded").rglob("*.ipynb"):
        assert str(SEED) not in path.read_text(), path
    assert os.stat(course / ".autograder").st_mode & 0o777 in (0o755, 0o700, 0o750)


def test_verification_runs_the_same_on_a_dask_cluster(graded):
    from distributed import LocalCluster

    course, _, _ = graded
    subset = ["ada", "lazy", "frame_peek"]
    base = visible_base()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, host="127.0.0.1")
    try:
        on_dask, submissions = make_course(base)
        submit(on_dask, submissions, {s: STUDENTS[s] for s in subset})
        summary = grade(on_dask, submissions, "--seed", str(SEED),
                        "--scheduler", cluster.scheduler_address, "--insecure")
        assert "running on Dask scheduler" in summary
        assert all_scores(on_dask, subset) == {s: all_scores(course, subset)[s] for s in subset}
        flags = state(on_dask)["students"]["frame_peek"]["notebooks"][LESSON]["flags"]
        assert any(f.startswith("sigmoid: its test cell passed in the notebook") for f in flags)
    finally:
        cluster.close()
        shutil.rmtree(base, ignore_errors=True)
