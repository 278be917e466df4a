"""The guarantees of ``dlcourse.checks.core``, shown through the public checkers.

A checker checks in layers (runs at all -> kind -> dtype and shape -> finite -> values -> inputs
left alone), stops at the first failure with its own message, raises ``AssertionError`` and
nothing else, and never lets a warning or an internal error reach the student.
"""
from __future__ import annotations

import re
import sys
import warnings

import numpy as np
import pytest

from dlcourse import checks, reference
from dlcourse.checks import EXERCISES, CheckFailure, check_relu, check_softmax, check_tanh
from dlcourse.checks.core import NOTEBOOK_SEED, Case, describe

from .corpus import checker, reference_answer
from .corpus.activations import neuron_naive_sigmoid

pytestmark = pytest.mark.filterwarnings("error")


def _failure(check, fn, **kwargs) -> str:
    """The message ``check`` gives for ``fn``; it must be a CheckFailure raised from nothing."""
    with pytest.raises(CheckFailure) as info:
        check(fn, **kwargs)
    assert isinstance(info.value, AssertionError)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    return str(info.value)


# --------------------------------------------------------------------------------------------
# The layers, each with its own message
# --------------------------------------------------------------------------------------------

def relu_misspelt(z):
    return np.maximun(z, 0.0)


def relu_reshapes_wrongly(z):
    return np.reshape(np.maximum(z, 0.0), (3,))


@pytest.mark.parametrize("student, error", [
    (relu_misspelt, "AttributeError: module 'numpy' has no attribute 'maximun'"),
    (relu_reshapes_wrongly, "ValueError: cannot reshape array of size 2 into shape (3,)"),
], ids=["misspelt", "raised inside numpy"])
def test_an_exception_is_reported_with_its_type_and_the_students_line(student, error):
    message = _failure(check_relu, student)
    line = student.__code__.co_firstlineno + 1
    assert f"relu raised {error}" in message
    assert f"\n  at line {line} of {student.__name__}: return np." in message


def test_the_students_line_is_found_in_a_checkout_whose_path_contains_dlcourse():
    # e.g. CI at /home/runner/work/dlcourse/dlcourse/: only the package's own frames are hidden
    namespace: dict = {}
    source = "def relu(z):\n    return z.nonexistent\n"
    exec(compile(source, "/home/runner/work/dlcourse/dlcourse/student.py", "exec"), namespace)
    assert "at line 2 of relu" in _failure(check_relu, namespace["relu"])


def test_a_name_error_gets_a_hint_about_running_cells():
    def relu(z):
        return np.maximum(z, zero)  # noqa: F821

    message = _failure(check_relu, relu)
    assert "relu raised NameError: name 'zero' is not defined" in message
    assert "did you run the cell that defines it" in message


@pytest.mark.parametrize("returned, expected", [
    (lambda z: None, r"the result is None\. Did you forget the `return` statement\?"),
    (lambda z: [1.0, 0.0], r"the result is a Python list, not a NumPy array"),
    (lambda z: np.maximum(z, 0).astype(np.float32), r"has dtype float32; the course works in float64"),
    (lambda z: np.maximum(z, 0) * np.nan, r"contains nan \(not a finite number\) at index \(0,\)"),
    (lambda z: np.maximum(z, 0).reshape(-1, 1), r"has shape \(2, 1\), but shape \(2,\) was expected"),
    (lambda z: np.maximum(z, 0) + 1e-3, r"has the wrong values\.\n  expected: \[3\.5, 0\. \]"
                                        r"(.|\n)*largest difference at index \(1,\): expected 0, got 0\.001"
                                        r"(.|\n)*relative tolerance of 1e-07 or an absolute one of 1e-10"),
    (lambda z: np.maximum(z, 0).astype(int), r"has the wrong values"),
], ids=["None", "list", "float32", "nan", "shape", "values", "int"])
def test_each_layer_has_its_own_message(returned, expected):
    message = _failure(check_relu, returned)
    assert message.startswith("relu failed the case 'relu(3.5) = 3.5 and relu(-2) = 0'.\n"
                              "Called: relu(z)\n  with z = [ 3.5, -2. ] (shape (2,), dtype float64)\n")
    assert re.search(expected, message), message


def test_a_function_that_changes_its_input_is_caught_and_the_cases_stay_intact():
    def relu(z):
        z[z < 0] = 0
        return z

    message = _failure(check_relu, relu, hidden=True)
    assert "relu changed its input `z` in place." in message
    assert "np.maximum(z, 0) rather than z[z < 0] = 0" in message
    check_relu(reference.relu, hidden=True)  # the case data was not changed for the next run


@pytest.mark.parametrize("value, expected", [
    (3.0, r"relu should be a function, but it is 3\.0 \(float\)\. Did you overwrite it with a value\?"),
    (np.zeros(2), r"relu should be a function, but it is \[0\., 0\.\](.|\n)*overwrite it with a value"),
    (None, r"relu is None\. Define it with `def relu\(\.\.\.\):` and run the cell\."),
])
def test_a_value_instead_of_a_function_gets_a_clear_message(value, expected):
    assert re.search(expected, _failure(check_relu, value))


def test_a_function_not_written_yet_says_so():
    def relu(z):
        raise NotImplementedError()

    message = _failure(check_relu, relu)
    assert "relu has not been written yet: it still raises NotImplementedError." in message
    assert "Replace `raise NotImplementedError()` with your code." in message


def test_a_function_that_calls_exit_is_reported_not_obeyed():
    def relu(z):
        sys.exit(1)

    message = _failure(check_relu, relu)
    assert "relu called exit() (SystemExit)" in message
    assert "should return its result" in message


# --------------------------------------------------------------------------------------------
# Output: one line on success, nothing on stderr, no warning ever escapes
# --------------------------------------------------------------------------------------------

def test_a_passing_check_prints_one_line_to_stdout(capsys):
    assert check_softmax(reference.softmax) is None
    assert capsys.readouterr() == ("All 4 checks of softmax passed.\n", "")


@pytest.mark.parametrize("name", [n for n, ex in EXERCISES.items() if not ex.is_value])
def test_hidden_runs_more_cases_than_the_notebook_shows(name, capsys):
    answer = reference_answer(name)
    checker(name)(answer)
    checker(name)(answer, hidden=True)
    shown, hidden = re.findall(r"All (\d+) checks of " + name + " passed", capsys.readouterr().out)
    assert int(shown) == len(EXERCISES[name].selected(hidden=False))
    assert int(hidden) > int(shown)


def test_hidden_cases_catch_what_the_shown_ones_miss():
    checks.check_neuron(neuron_naive_sigmoid)
    message = _failure(checks.check_neuron, neuron_naive_sigmoid, hidden=True)
    assert "'large weights saturate the sigmoid' (a hidden case)" in message


def softmax_noisy(z):
    warnings.warn("a student's own warning", UserWarning)
    warnings.warn("an old API", DeprecationWarning)
    np.log(-1.0)  # RuntimeWarning: invalid value
    return reference.softmax(z)


def test_warnings_from_the_students_code_never_escape(recwarn, capsys):
    message = _failure(check_softmax, softmax_noisy)
    assert "NumPy warned while running softmax: UserWarning: a student's own warning" in message
    assert len(recwarn) == 0
    assert capsys.readouterr() == ("", "")


def test_only_warnings_actually_emitted_count(recwarn, capsys):
    def sigmoid(z):
        with np.errstate(over="ignore"):  # 1 / (1 + inf) is exactly 0: right, once silenced
            return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))

    checks.check_sigmoid(sigmoid, hidden=True)
    assert len(recwarn) == 0
    assert capsys.readouterr().err == ""


def test_a_deprecation_warning_alone_does_not_fail_a_right_answer(recwarn):
    def relu(z):
        warnings.warn("an old API", DeprecationWarning)
        return np.maximum(z, 0.0)

    check_relu(relu, hidden=True)
    assert len(recwarn) == 0


# --------------------------------------------------------------------------------------------
# Hostile results: always a sentence for the student, never dlcourse's own error
# --------------------------------------------------------------------------------------------

class ArrayRaises:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array here")


class WeirdEquality:
    __hash__ = object.__hash__

    def __eq__(self, other):
        raise TypeError("cannot compare")

    def __bool__(self):
        raise TypeError("no truth value")

    def __len__(self):
        raise TypeError("no length")


class ReprRaises:
    def __repr__(self):
        raise ValueError("no repr")


class UfuncRaises(np.ndarray):
    def __array_ufunc__(self, *args, **kwargs):
        raise TypeError("no ufuncs")


def _generator():
    yield 1.0


HOSTILE = {
    "__array__ raises": ArrayRaises(),
    "a dict": {"W": np.zeros(2)},
    "a string": "0.5",
    "a generator": _generator(),
    "a huge array": np.broadcast_to(0.0, (10**6, 10**6)),
    "weird __eq__": WeirdEquality(),
    "__repr__ raises": ReprRaises(),
    "an int too long to print": 10**5000,
    "a longdouble beyond float64": np.longdouble("1e4000"),
    "a tuple of weird objects": (WeirdEquality(), ReprRaises()),
    "a complex number": 1 + 2j,
    "an object array": np.array([None, 1.0], dtype=object),
}


@pytest.mark.parametrize("name", list(EXERCISES))
@pytest.mark.parametrize("label", list(HOSTILE))
def test_a_hostile_result_gets_a_sentence_not_a_traceback(name, label, recwarn, capsys):
    value = HOSTILE[label]
    answer = value if EXERCISES[name].is_value else (lambda *args, **kwargs: value)
    message = _failure(checker(name), answer, hidden=True)
    assert message.startswith(f"{name} failed the case '")
    assert "Traceback" not in message and 'File "' not in message
    assert len(recwarn) == 0
    assert capsys.readouterr() == ("", "")


def test_a_result_that_cannot_even_be_inspected_is_reported_not_raised():
    message = _failure(checks.check_q3_output_shape, (10**5000, 1))
    assert "could not be checked: looking at it raised ValueError" in message


def test_an_array_subclass_is_judged_by_its_values():
    check_relu(lambda z: np.maximum(z, 0.0).view(UfuncRaises), hidden=True)


def test_describe_never_raises():
    assert describe(ReprRaises()) == "an object of type ReprRaises"
    assert describe(10**5000) == "an object of type int"
    assert describe([np.zeros((2, 3)), None]) == "a list [array(2, 3), None]"


# --------------------------------------------------------------------------------------------
# Forbidden functions: np.tanh is watched during the call, and always restored
# --------------------------------------------------------------------------------------------

def tanh_calls_np_tanh_then_raises(z):
    np.tanh(z)
    raise ZeroDivisionError("boom")


@pytest.mark.parametrize("student", [
    tanh_calls_np_tanh_then_raises,
    lambda z: np.tanh(z),
    lambda z: 1 / 0,
], ids=["calls np.tanh then raises", "calls np.tanh", "raises"])
def test_np_tanh_is_restored_after_a_tanh_check(student):
    original = np.tanh
    with pytest.raises(CheckFailure):
        check_tanh(student)
    assert np.tanh is original and isinstance(np.tanh, np.ufunc)


def test_the_forbidden_function_is_named_only_when_the_student_used_it():
    assert "called np.tanh" in _failure(check_tanh, lambda z: np.tanh(z))
    message = _failure(check_tanh, tanh_calls_np_tanh_then_raises)
    assert "tanh raised ZeroDivisionError: boom" in message and "np.tanh" not in message


def test_what_the_students_code_writes_to_stderr_stays_out_of_the_test_cell(capsys):
    def relu(z):
        print("debugging relu", file=sys.stderr)
        return np.maximum(z, 0.0)

    check_relu(relu, hidden=True)
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------------------------
# Hidden inputs are drawn from the grading seed: the package tells how, never what
# --------------------------------------------------------------------------------------------

def _same(a, b) -> bool:
    """Equal inputs: arrays of the same dtype and values, containers item by item."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                and np.array_equal(a, b))
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _inputs(case: Case) -> tuple:
    return case.args, case.kwargs


COMPARED = [name for name, ex in EXERCISES.items()
            if not ex.is_value and any(isinstance(c, Case) for c in ex.cases)]
DRAWN = [name for name, ex in EXERCISES.items()
         if any(isinstance(c, Case) and c.drawn for c in ex.cases)]


def test_the_exercises_compared_with_a_reference_are_the_ones_that_draw():
    """Property-only and value exercises have nothing to draw."""
    assert COMPARED and sorted(DRAWN) == sorted(COMPARED)


@pytest.mark.parametrize("name", COMPARED)
def test_every_exercise_compared_with_a_reference_has_a_drawn_hidden_case(name):
    """Reading the package never tells every hidden input, so no answer can be hard-coded."""
    cases = [c for c in EXERCISES[name].cases if isinstance(c, Case)]
    assert any(c.hidden and c.drawn for c in cases)


@pytest.mark.parametrize("name", DRAWN)
def test_the_grading_seed_decides_the_hidden_inputs(name):
    """The same seed draws the same inputs; another seed draws other ones, in every drawn case."""
    exercise = EXERCISES[name]
    first, again, other = (exercise.selected(True, seed) for seed in (11, 11, 12))
    for case, a, b, c in zip(exercise.cases, first, again, other, strict=True):
        if not isinstance(case, Case):
            assert a is b is c is case
            continue
        assert not (a.drawn or b.drawn or c.drawn), "every draw is made"
        assert _same(_inputs(a), _inputs(b)), case.name
        if case.drawn:
            assert not _same(_inputs(a), _inputs(c)), case.name
        else:
            assert _same(_inputs(a), _inputs(c)) and _same(_inputs(a), _inputs(case)), case.name


@pytest.mark.parametrize("name", DRAWN)
def test_a_notebook_check_draws_from_the_notebook_seed(name):
    """check_NAME(fn, hidden=True) in a notebook runs the cases of NOTEBOOK_SEED."""
    exercise = EXERCISES[name]
    notebook, seeded = exercise.selected(True), exercise.selected(True, NOTEBOOK_SEED)
    assert all(_same(_inputs(a), _inputs(b)) for a, b in zip(notebook, seeded)
               if isinstance(a, Case))


@pytest.mark.parametrize("name", list(EXERCISES))
def test_the_cases_the_notebook_shows_never_depend_on_the_seed(name):
    """Public cases hold fixed inputs: students see them, and every seed gives those."""
    exercise = EXERCISES[name]
    shown = [c for c in exercise.cases if isinstance(c, Case) and not c.hidden]
    assert not any(c.drawn for c in shown)
    for seed in (0, 1, 2, 2**40):
        got = [c for c in exercise.selected(False, seed) if isinstance(c, Case)]
        assert len(got) == len(shown)
        assert all(_same(_inputs(a), _inputs(c)) for a, c in zip(got, shown))
