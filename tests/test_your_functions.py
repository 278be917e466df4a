"""``dlcourse.your_functions.from_lesson``: the student's earlier functions, or the course's."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dlcourse import reference
from dlcourse.your_functions import LessonNotebookError, from_lesson, lesson_namespace

ROOT = Path(__file__).resolve().parent.parent

GOOD_STEP = '''def gradient_descent_step(params, grads, lr):
    """a right answer, written differently from the course's"""
    ### BEGIN SOLUTION
    new = []
    for (W, b), (dW, db) in zip(params, grads):
        new.append((np.subtract(W, np.multiply(lr, dW)), np.subtract(b, np.multiply(lr, db))))
    return new
    ### END SOLUTION
'''
# a wrong dense_backward: forgets the activation's derivative
BAD_BACKWARD = '''def dense_backward(dA, cache, W, activation):
    A_prev, Z = cache
    dZ = np.asarray(dA, dtype=float)
    return dZ @ np.asarray(W).T, A_prev.T @ dZ, dZ.sum(axis=0, keepdims=True)
'''
STUDENT_STUB = '''def relu_derivative(z):
    # YOUR CODE HERE
    raise NotImplementedError()
'''


def _cell(source, *, setup=False, answer=None, grade=False):
    meta = {}
    if setup:
        meta["tags"] = ["setup"]
    if answer:
        meta["nbgrader"] = {"grade": grade, "grade_id": answer, "locked": False,
                            "schema_version": 3, "solution": True, "task": False}
    return {"cell_type": "code", "execution_count": None, "metadata": meta, "outputs": [],
            "source": source}


def _notebook(folder: Path, lesson: str, cells, name="notebook.ipynb") -> Path:
    where = folder / lesson
    where.mkdir(parents=True, exist_ok=True)
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = where / name
    path.write_text(json.dumps(nb))
    return path


def _lesson04(folder: Path) -> Path:
    return _notebook(folder, "04-backpropagation", [
        {"cell_type": "markdown", "metadata": {}, "source": "# Lesson 04"},
        _cell("import numpy as np\nprint('setup prints, held back')\n", setup=True),
        _cell("print('not setup, not an answer: never run')\nraise SystemExit\n"),
        _cell(BAD_BACKWARD, answer="dense_backward"),
        _cell(GOOD_STEP, answer="gradient_descent_step"),
        _cell(STUDENT_STUB, answer="relu_derivative"),
        _cell("raise ValueError('a broken answer cell')\n", answer="numerical_gradient"),
    ])


def test_a_passing_function_is_the_students_and_a_failing_one_the_courses(tmp_path, capsys):
    _lesson04(tmp_path)
    backward, step = from_lesson("04-backpropagation", "dense_backward", "gradient_descent_step",
                                 folder=tmp_path)
    out = capsys.readouterr().out
    assert backward is reference.dense_backward
    assert step is not reference.gradient_descent_step
    assert step.__doc__ == "a right answer, written differently from the course's"
    assert out.splitlines() == [
        "from 04-backpropagation: your gradient_descent_step",
        "your dense_backward does not pass its checks yet: using the course's version"]
    assert "held back" not in out and "never run" not in out


def test_an_unfinished_or_missing_function_falls_back(tmp_path, capsys):
    _lesson04(tmp_path)
    relu_derivative = from_lesson("04-backpropagation", "relu_derivative", folder=tmp_path)
    assert relu_derivative is reference.relu_derivative
    assert "your relu_derivative does not pass its checks yet" in capsys.readouterr().out
    sigmoid_derivative = from_lesson("04-backpropagation", "sigmoid_derivative", folder=tmp_path)
    assert sigmoid_derivative is reference.sigmoid_derivative
    assert capsys.readouterr().out.strip() == (
        "your notebook of 04-backpropagation defines no function sigmoid_derivative yet: using "
        "the course's version")


def test_a_broken_cell_does_not_stop_the_others(tmp_path):
    _lesson04(tmp_path)
    namespace = lesson_namespace("04-backpropagation", tmp_path)
    assert {"dense_backward", "gradient_descent_step", "relu_derivative", "np"} <= set(namespace)
    assert "numerical_gradient" not in namespace


def test_a_missing_notebook_says_so_and_falls_back(tmp_path, capsys):
    one = from_lesson("03-loss-functions", "softmax_cross_entropy", folder=tmp_path)
    both = from_lesson("03-loss-functions", "softmax_cross_entropy", "one_hot", folder=tmp_path)
    assert one is reference.softmax_cross_entropy
    assert both == (reference.softmax_cross_entropy, reference.one_hot)
    lines = capsys.readouterr().out.splitlines()
    where = f"no notebook of lesson 03-loss-functions in {tmp_path / '03-loss-functions'}"
    assert lines == [f"{where}: using the course's softmax_cross_entropy",
                     f"{where}: using the course's softmax_cross_entropy, one_hot"]


@pytest.mark.parametrize("text", ["{not json", json.dumps({"cells": "nope"}), json.dumps([1, 2])],
                         ids=["not JSON", "cells not a list", "not a notebook"])
def test_a_corrupt_notebook_gives_a_clear_message_and_falls_back(tmp_path, capsys, text):
    where = tmp_path / "02-forward-propagation"
    where.mkdir()
    (where / "02-forward-propagation.ipynb").write_text(text)
    with pytest.raises(LessonNotebookError, match=r"cannot read 02-forward-propagation\.ipynb"):
        lesson_namespace("02-forward-propagation", tmp_path)
    forward = from_lesson("02-forward-propagation", "forward", folder=tmp_path)
    assert forward is reference.forward
    out = capsys.readouterr().out
    assert out.startswith("cannot read 02-forward-propagation.ipynb (")
    assert out.rstrip().endswith(": using the course's forward")
    assert len(out.splitlines()) == 1


def test_a_missing_neighbour_is_named_as_the_student_sees_it(tmp_path, monkeypatch, capsys):
    (tmp_path / "05-xor-from-scratch").mkdir()
    monkeypatch.chdir(tmp_path / "05-xor-from-scratch")
    assert from_lesson("02-forward-propagation", "forward") is reference.forward
    assert capsys.readouterr().out == ("no notebook of lesson 02-forward-propagation in "
                                       "../02-forward-propagation: using the course's forward\n")


def test_the_default_folder_is_the_notebooks_neighbours(tmp_path, monkeypatch, capsys):
    _lesson04(tmp_path)
    (tmp_path / "05-xor-from-scratch").mkdir()
    monkeypatch.chdir(tmp_path / "05-xor-from-scratch")
    step = from_lesson("04-backpropagation", "gradient_descent_step")
    assert step is not reference.gradient_descent_step
    params = [(np.ones((2, 3)), np.zeros((1, 3)))]
    grads = [(np.full((2, 3), 2.0), np.ones((1, 3)))]
    (W, b), = step(params, grads, 0.5)
    assert np.array_equal(W, np.zeros((2, 3))) and np.array_equal(b, -0.5 * np.ones((1, 3)))
    assert capsys.readouterr().out == "from 04-backpropagation: your gradient_descent_step\n"


def test_quiet_and_bad_requests(tmp_path, capsys):
    assert from_lesson("04-backpropagation", "backward", folder=tmp_path,
                       verbose=False) is reference.backward
    assert capsys.readouterr().out == ""
    with pytest.raises(ValueError, match="no function 'backprop'"):
        from_lesson("04-backpropagation", "backprop", folder=tmp_path)
    with pytest.raises(TypeError):
        from_lesson("04-backpropagation", folder=tmp_path)


@pytest.mark.parametrize("lesson, names", [
    ("02-forward-propagation", ("forward",)),
    ("03-loss-functions", ("softmax_cross_entropy", "one_hot")),
    ("04-backpropagation", ("dense_backward", "gradient_descent_step")),
])
def test_the_solutions_pass_their_checks_and_are_used(lesson, names, capsys):
    got = from_lesson(lesson, *names, folder=ROOT / "solutions")
    got = got if isinstance(got, tuple) else (got,)
    assert all(fn is not getattr(reference, name) for fn, name in zip(got, names))
    assert capsys.readouterr().out == f"from {lesson}: your {', '.join(names)}\n"


def test_the_student_versions_are_unfinished_so_the_course_steps_in(capsys):
    got = from_lesson("04-backpropagation", "dense_backward", folder=ROOT / "lessons")
    assert got is reference.dense_backward
    assert "your dense_backward does not pass its checks yet" in capsys.readouterr().out
