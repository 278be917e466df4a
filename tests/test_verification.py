"""The verifier outside the kernel (``autograder.verification``), run without the sandbox.

The sandboxed path is proven by the forging cohort (``test_autograder_forging.py``); here the
runner is a plain subprocess (``--isolation none``'s path), which is enough to show that every
exercise of every lesson can be verified, and how the verifier meets broken answers.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from autograder import execute, reference_view, verification
from dlcourse.checks import EXERCISES

from .notebooks import LESSON_IDS, LESSONS, SOLUTIONS, is_test, lesson_notebooks, nbgrader
from .test_grading import BUGS, answers_from_solution, fill_in

SEED = 7


def launcher(exercises, root: Path):
    """A function that starts a runner with the verifier's view of the package, unsandboxed."""
    for folder in ("work", "home", "ipython"):
        (root / folder).mkdir()
    view = reference_view.build_view(root / "view", exercises)
    command = [sys.executable, "-I", execute.SANDBOX_SCRIPT, "inner", "--no-namespaces",
               "--home", str(root / "home"), "--workdir", str(root / "work"),
               "--ipythondir", str(root / "ipython"), "--",
               sys.executable, "-I", verification.RUNNER_SCRIPT, "--view", str(view.parent)]
    return lambda: verification.RunnerProcess(command, str(root / "work"))


def verify(nb, source, time_limit: float = 60.0, seed: int = SEED) -> dict[str, dict]:
    """{exercise: verdict} of one notebook against its source notebook."""
    plan = verification.plan(nb, source, EXERCISES)
    with tempfile.TemporaryDirectory() as tmp:
        verdicts = verification.verify(nb, plan, seed, time_limit,
                                       launcher(plan["tests"].values(), Path(tmp)))
    return {v["name"]: v for v in verdicts.values()}


def notebook_pair(lesson_id: str, name: str | None = None) -> tuple[nbformat.NotebookNode,
                                                                    nbformat.NotebookNode]:
    """(solution notebook, released student notebook) of a lesson (``name``: which of its
    notebooks, for a lesson of several)."""
    name = name or f"{lesson_id}.ipynb"
    return (nbformat.read(SOLUTIONS / lesson_id / name, 4),
            nbformat.read(LESSONS / lesson_id / name, 4))


#: every notebook of every lesson, as (lesson id, notebook file name)
NOTEBOOKS = [(lesson_id, path.name) for lesson_id in LESSON_IDS
             for path in lesson_notebooks(lesson_id)]


def test_every_exercise_has_exactly_one_verifiable_test_cell():
    found = []
    for lesson_id, name in NOTEBOOKS:
        solution, _ = notebook_pair(lesson_id, name)
        plan = verification.plan(solution, solution, EXERCISES)
        found += list(plan["tests"].values())
        for cell in solution.cells:
            if is_test(cell):
                assert verification.exercise_of(cell, EXERCISES), \
                    f"{name}: test cell {nbgrader(cell)['grade_id']} checks no exercise"
        assert set(plan["tests"].values()) <= set(plan["answers"])
    assert sorted(found) == sorted(EXERCISES)


@pytest.mark.parametrize("lesson_id, name", NOTEBOOKS, ids=[n for _, n in NOTEBOOKS])
def test_every_exercise_of_the_lesson_is_verified_outside_the_kernel(lesson_id, name):
    solution, released = notebook_pair(lesson_id, name)
    answers = answers_from_solution(solution)
    right = verify(fill_in(released, answers), solution)
    assert right and all(v["passed"] for v in right.values()), \
        {n: v["message"] for n, v in right.items() if not v["passed"]}

    buggy = verify(fill_in(released, {**answers, **BUGS[lesson_id]}), solution)
    failed = {n for n, v in buggy.items() if not v["passed"]}
    assert failed == {n for n in BUGS[lesson_id] if n in EXERCISES and n in right}


def test_an_unanswered_notebook_fails_every_exercise_with_the_checkers_message():
    solution, released = notebook_pair("01-neuron")
    verdicts = verify(released, solution)
    assert set(verdicts) == {"weather_output_change", "weighted_sum", "sigmoid", "relu", "tanh",
                             "softmax", "neuron"}
    for name, verdict in verdicts.items():
        assert not verdict["passed"]
        expected = (f"{name} has not been answered yet: its answer cell still raises "
                    "NotImplementedError" if name == "weather_output_change" else
                    f"{name} has not been written yet: it still raises NotImplementedError")
        assert expected in verdict["message"]


def answered(changes: dict[str, str]) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    solution, released = notebook_pair("01-neuron")
    return fill_in(released, {**answers_from_solution(solution), **changes}), solution


def test_a_student_added_cell_runs_and_an_unchanged_demo_does_not():
    nb, solution = answered({"relu": "def relu(z):\n    return _helper(z)\n"})
    index = next(i for i, c in enumerate(nb.cells) if nbgrader(c).get("grade_id") == "relu")
    nb.cells.insert(index, nbformat.v4.new_code_cell(
        "def _helper(z):\n    return np.maximum(np.asarray(z, dtype=float), 0.0)"))
    plan = verification.plan(nb, solution, EXERCISES)
    ran = {step["cell"] for step in plan["steps"] if step["op"] == "run"}
    assert index in ran
    demo = next(i for i, c in enumerate(nb.cells) if c.source.startswith("fig, axes"))
    assert demo not in ran
    assert verify(nb, solution)["relu"]["passed"]


def test_mistakes_get_the_same_message_as_in_the_notebook():
    nb, solution = answered(BUGS["01-neuron"])
    verdicts = verify(nb, solution)
    assert "relu changed its input `z` in place." in verdicts["relu"]["message"]
    assert "sum over the last axis" in verdicts["softmax"]["message"]


def test_a_function_the_grader_lends_is_called_back_and_inputs_come_back_changed():
    solution = nbformat.read(SOLUTIONS / "04-backpropagation" / "04-backpropagation.ipynb", 4)
    released = nbformat.read(LESSONS / "04-backpropagation" / "04-backpropagation.ipynb", 4)
    answers = answers_from_solution(solution)
    verdicts = verify(fill_in(released, answers), solution)
    assert verdicts["numerical_gradient"]["passed"]  # f is the grader's, called from the runner
    broken = verify(fill_in(released, {**answers, **BUGS["04-backpropagation"]}), solution)
    assert not broken["numerical_gradient"]["passed"]


def test_a_crash_a_loop_and_an_odd_result_each_cost_only_their_exercise():
    nb, solution = answered({
        "relu": "import os\ndef relu(z):\n    os._exit(3)\n",
        "tanh": "def tanh(z):\n    while True:\n        pass\n",
        "softmax": "def softmax(z):\n    return (v for v in [1, 2])\n",
    })
    verdicts = verify(nb, solution, time_limit=5.0)
    assert "the process running your code ended while relu ran" in verdicts["relu"]["message"]
    assert "it ran for more than 5 s" in verdicts["tanh"]["message"]
    assert "generator" in verdicts["softmax"]["message"]
    for name in ("weighted_sum", "sigmoid", "neuron"):
        assert verdicts[name]["passed"], verdicts[name]["message"]


def test_the_reference_is_withheld_by_every_route():
    routes = {
        "import": "from dlcourse.reference import sigmoid\n",
        "module": "import dlcourse.reference.activations as ref\nsigmoid = ref.sigmoid\n",
        "file": ("import os, dlcourse\n_ns = {}\nexec(open(os.path.join(os.path.dirname("
                 "dlcourse.__file__), 'reference', 'activations.py')).read(), _ns)\n"
                 "sigmoid = _ns['sigmoid']\n"),
        "checker": ("import dlcourse.checks.activations as c\n"
                    "sigmoid = lambda z: c.SIGMOID.reference(z)\n"),
    }
    for route, source in routes.items():
        nb, solution = answered({"sigmoid": source})
        verdict = verify(nb, solution)["sigmoid"]
        assert not verdict["passed"], route
        assert "uses the course's reference implementation" in verdict["message"], route


def test_other_lessons_references_stay_available():
    # lesson 04 gives its students lesson 01's functions and ACTIVATIONS
    solution, released = notebook_pair("04-backpropagation")
    nb = fill_in(released, {**answers_from_solution(solution), "relu_derivative": (
        "from dlcourse.reference import ACTIVATIONS\n"
        "def relu_derivative(z):\n"
        "    return np.where(ACTIVATIONS['relu'](z) > 0, 1.0, 0.0)\n")})
    assert verify(nb, solution)["relu_derivative"]["passed"]


def test_the_view_holds_no_withheld_source(tmp_path):
    import inspect

    import dlcourse.reference.activations as activations

    view = reference_view.build_view(tmp_path, ["sigmoid"])
    text = "\n".join(p.read_text() for p in view.rglob("*.py"))
    for name in ("weighted_sum", "sigmoid", "relu", "tanh", "softmax", "neuron"):
        body = inspect.getsource(getattr(activations, name)).split('"""')[-1]  # after the docstring
        assert body.strip() and body not in text, name
    assert "np.exp(-np.abs(z))" not in (view / "reference" / "activations.py").read_text()
    assert not list(view.rglob("*.pyc"))
    assert "def check" not in (view / "checks" / "core.py").read_text()


def test_a_verifier_that_cannot_start_is_the_graders_problem_not_a_grade():
    nb, solution = answered({})
    plan = verification.plan(nb, solution, EXERCISES)
    broken = [sys.executable, "-c", "import sys; sys.stderr.write('no module named dlcourse'); "
                                    "sys.exit(3)"]
    with pytest.raises(verification.VerifierBroken, match="could not start.*no module named dlcourse"):
        verification.verify(nb, plan, SEED, 10.0,
                            lambda: verification.RunnerProcess(broken, tempfile.gettempdir()))


def test_a_forbidden_numpy_function_is_noticed_where_the_answer_runs():
    nb, solution = answered({"tanh": "def tanh(z):\n    return np.tanh(np.asarray(z, dtype=float))\n"})
    assert "tanh called np.tanh, which this exercise asks you not to use." \
        in verify(nb, solution)["tanh"]["message"]
