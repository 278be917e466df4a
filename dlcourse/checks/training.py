"""Lesson 05 exercises: train_xor, xor_step, predict, perceptron_train, train_digits_mlp,
softmax_cross_entropy_grad.

Training functions are checked on their results, never on how they are written:

- ``train_xor`` has a fixed contract (the handout's initialisation and updates), so its result is
  deterministic: the trained network's predictions and the losses are compared with the
  reference's, to 1e-6, after checking that the loss falls.
- ``perceptron_train``: one update by the perceptron rule on a single sample, convergence on AND
  and OR (0 errors in the last epoch, and w, b separate the data), never 0 errors on XOR.
- ``train_digits_mlp``: at least 95 % accuracy on the fixed test split of the digits, measured
  with :func:`~dlcourse.reference.training.predict_digits`; reproducible with a seed; uses
  ``lr`` and ``num_epochs``.

Student code may show a progress bar (tqdm). Outside Jupyter the bar goes to stderr, which
:func:`~dlcourse.checks.core.call_student` already keeps; inside Jupyter ``tqdm.auto`` draws a
widget instead, a display output, so the checks of this module also hold back what the student's
code displays (:func:`quiet_display`). Either way the test cell shows only the checker's line.
"""
from __future__ import annotations

import contextlib
import copy
import functools
import sys
from typing import Any, Callable, Iterator

import numpy as np

from ..reference import training as ref
from .core import (ATOL, RTOL, Case, Draw, Exercise, Mistake, Property, call_student,
                   compare_arrays, describe, error_message, redraw)
from .core import seeded_data as _data


@contextlib.contextmanager
def quiet_display() -> Iterator[None]:
    """Hold back rich display outputs (a tqdm widget) while inside an IPython kernel.

    Outside IPython there is nothing to hold back; IPython is never imported here.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        yield
        return
    from IPython.utils.capture import capture_output

    with capture_output(stdout=False, stderr=False, display=True):
        yield


class TrainingExercise(Exercise):
    """An :class:`Exercise` whose every case runs with :func:`quiet_display`."""

    def _run_case(self, fn: Any, case: Case | Property) -> str | None:
        with quiet_display():
            return super()._run_case(fn, case)


class StudentError(Exception):
    """A property's call of the student's function went wrong; the message is for the student."""


def _run(name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the student's ``fn`` like the core does: its value, or :class:`StudentError`.

    The arguments are copies, checked afterwards: the student's function must leave them alone.
    No verdict reads a clock: a function too slow for a test cell is stopped by the grader's
    timeout, and a machine under load must not turn a right answer wrong.
    """
    given = copy.deepcopy((args, kwargs))
    outcome = call_student(fn, args, kwargs)
    if outcome.error is not None:
        text, hint = error_message(name, outcome)
        raise StudentError(text + (f"\nHint: {hint}" if hint else ""))
    if outcome.warnings:
        raise StudentError(f"NumPy warned while running {name}: {outcome.warnings[0]}\n"
                           "Hint: an overflow or an invalid value usually means that the training "
                           "diverged (check the sign of the updates, the learning rate, the "
                           "gradient's scale), or that np.log got something that is not a "
                           "probability (apply softmax first).")
    for before, after in zip(given[0], args):
        if isinstance(before, np.ndarray) and not (isinstance(after, np.ndarray)
                                                   and np.array_equal(before, after)):
            raise StudentError(f"{name} changed one of its input arrays in place. Leave X and y "
                               "unchanged: work on new arrays (X[batch] makes a copy; "
                               "np.random.shuffle(X) does not).")
    return outcome.value


def _property(verify: Callable[[Callable[..., Any]], str | None]) -> Callable[[Callable[..., Any]], str | None]:
    """Turn a :class:`StudentError` raised inside ``verify`` into its message."""
    @functools.wraps(verify)
    def wrapped(fn: Callable[..., Any]) -> str | None:
        try:
            return verify(fn)
        except StudentError as exc:
            return str(exc)
    return wrapped


def _array(value: Any) -> np.ndarray | None:
    """A real numeric float64 array from ``value`` (an array, a list of numbers), or ``None``."""
    try:
        arr = np.asarray(value)
        if arr.dtype.kind not in "fiu":
            return None
        return arr.astype(np.float64)
    except Exception:
        return None


# --------------------------------------------------------------------------------------------
# train_xor: the handout's program as a function, compared with the reference
# --------------------------------------------------------------------------------------------

def _params_problem(params: Any, shapes: list[tuple[tuple[int, int], tuple[int, int]]],
                    call: str) -> str | None:
    """Is ``params`` a list of ``(W, b)`` float64 pairs of these shapes, all finite?"""
    if params is None:
        return f"params (the first item {call} returned) is None."
    if not isinstance(params, (list, tuple)):
        return f"params should be a list of (W, b) pairs, but it is {describe(params)}."
    if len(params) != len(shapes) and all(isinstance(p, np.ndarray) for p in params):
        return (f"params is a {type(params).__name__} of {len(params)} arrays; group them in "
                f"{len(shapes)} pairs, one per layer: [(wh, bh), (wo, bo)].")
    if len(params) != len(shapes):
        return (f"params has {len(params)} entries, but the network has {len(shapes)} layers: "
                "one (W, b) pair per layer.")
    for i, (pair, (w_shape, b_shape)) in enumerate(zip(params, shapes), start=1):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            return f"Layer {i} of params should be a pair (W, b), but it is {describe(pair)}."
        for what, arr, shape in (("W", pair[0], w_shape), ("b", pair[1], b_shape)):
            if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "fiu":
                return f"{what} of layer {i} should be a NumPy array of numbers, but it is {describe(arr)}."
            if arr.shape != shape:
                return (f"{what} of layer {i} has shape {arr.shape}, but shape {shape} was "
                        f"expected.")
            if arr.dtype != np.float64:
                return f"{what} of layer {i} has dtype {arr.dtype}; float64 was expected."
            if not np.all(np.isfinite(arr)):
                return (f"{what} of layer {i} contains NaN or infinity: the training diverged. "
                        "Check the sign of the updates and the learning rate.")
    return None


def _xor_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """train_xor returns ``(params, losses)``: judged by the network's predictions and the losses."""
    (exp_params, exp_losses) = expected
    hidden = exp_params[0][0].shape[1]
    if got is None:
        return "train_xor returned None. It should return a pair: (params, losses)."
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"train_xor should return a pair (params, losses), but it returned {describe(got)}."
    params, losses = got
    # a known mistake may diverge (NaN weights): then it is recognised by its losses alone
    diverged = not np.all(np.isfinite(exp_losses))
    problem = _params_problem(params, [((2, hidden), (1, hidden)), ((hidden, 1), (1, 1))],
                              "train_xor")
    if problem and not diverged:
        return problem
    loss_arr = _array(losses)
    if loss_arr is None or isinstance(losses, (str, bytes)):
        return (f"losses (the second item) should be a NumPy array of numbers, one per epoch, "
                f"but it is {describe(losses)}.")
    if loss_arr.shape != exp_losses.shape:
        return (f"losses has shape {loss_arr.shape}, but shape {exp_losses.shape} was expected: "
                "one loss per epoch, recorded in every epoch.")
    if diverged:
        return compare_arrays(exp_losses, loss_arr, rtol=rtol, atol=atol, what="losses")
    if not np.all(np.isfinite(loss_arr)):
        return "losses contains NaN or infinity: the training diverged."
    if len(loss_arr) > 1 and exp_losses[-1] < exp_losses[0] and not loss_arr[-1] < loss_arr[0]:
        return (f"The loss did not fall: it went from {loss_arr[0]:.4g} in the first epoch to "
                f"{loss_arr[-1]:.4g} in the last.")
    problem = compare_arrays(ref.predict(exp_params, ref.XOR_X), ref.predict(params, ref.XOR_X),
                             rtol=rtol, atol=atol,
                             what="the trained network's output on the four XOR inputs")
    if problem:
        return problem
    return compare_arrays(exp_losses, loss_arr, rtol=rtol, atol=atol, what="losses")


def _handout_train(epochs=10000, lr=1.0, hidden=2, seed=1, *, rng="seed", sign=1.0,
                   derivative="output", bias=True, loss="mean"):
    """The reference's training loop with one thing done wrong, for the known mistakes below."""
    X, y = ref.XOR_X, ref.XOR_Y
    if rng == "default_rng":
        gen = np.random.default_rng(seed)
        draw = gen.uniform
    else:
        np.random.seed(seed)
        draw = np.random.uniform
    wh, bh = draw(size=(2, hidden)), draw(size=(1, hidden))
    wo, bo = draw(size=(hidden, 1)), draw(size=(1, 1))
    losses = np.empty(epochs)
    for epoch in range(epochs):
        z_hidden = X @ wh + bh
        hidden_output = ref.sigmoid(z_hidden)
        z_output = hidden_output @ wo + bo
        output = ref.sigmoid(z_output)
        error = y - output
        losses[epoch] = np.mean(error ** 2) if loss == "mean" else np.sum(error ** 2)
        if derivative == "output":
            d_output = error * output * (1 - output)
            d_hidden = (d_output @ wo.T) * hidden_output * (1 - hidden_output)
        elif derivative == "none":
            d_output = error
            d_hidden = d_output @ wo.T
        else:  # the derivative formula a * (1 - a) applied to z
            d_output = error * z_output * (1 - z_output)
            d_hidden = (d_output @ wo.T) * z_hidden * (1 - z_hidden)
        wo = wo + sign * lr * hidden_output.T @ d_output
        wh = wh + sign * lr * X.T @ d_hidden
        if bias:
            bo = bo + sign * lr * d_output.sum(axis=0, keepdims=True)
            bh = bh + sign * lr * d_hidden.sum(axis=0, keepdims=True)
    return [(wh, bh), (wo, bo)], losses


def _xor_same_twice(fn: Callable[..., Any]) -> str | None:
    first = _run("train_xor", fn, epochs=50)
    again = _run("train_xor", fn, epochs=50)
    for got in (first, again):
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return f"train_xor should return a pair (params, losses), but it returned {describe(got)}."
        problem = _params_problem(got[0], [((2, 2), (1, 2)), ((2, 1), (1, 1))], "train_xor(epochs=50)")
        if problem:
            return problem
    for (W1, b1), (W2, b2) in zip(first[0], again[0]):
        if not (np.array_equal(W1, W2) and np.array_equal(b1, b2)):
            return ("Two calls of train_xor(epochs=50) gave different weights. Start with "
                    "np.random.seed(seed), then draw wh, bh, wo, bo with np.random.uniform, as "
                    "the handout does, so that the same seed always gives the same network.")
    return None


def _xor_lr(rng: np.random.Generator) -> float:
    """A learning rate in [0.5, 2], to two decimals (the handout's lr is 1)."""
    return round(float(rng.uniform(0.5, 2.0)), 2)


def _xor_seed(rng: np.random.Generator) -> int:
    """A seed of the initial weights, 0 to 99."""
    return int(rng.integers(0, 100))


TRAIN_XOR = TrainingExercise(
    name="train_xor",
    params=("epochs", "lr", "hidden", "seed"),
    reference=ref.train_xor,
    compare=_xor_compare,
    cases=[
        Property("the same call twice gives the same result (np.random.seed(seed) first)",
                 _property(_xor_same_twice)),
        Case("the handout's run: train_xor() (seed 1, 2 hidden neurons, lr 1, 10,000 epochs)",
             rtol=1e-6, atol=1e-6),
        Case("a shorter run with another learning rate: train_xor(epochs=500, lr=0.5)",
             kwargs={"epochs": 500, "lr": 0.5}, rtol=1e-6, atol=1e-6),
        Case("another seed and 3 hidden neurons: train_xor(epochs=2000, lr=2.0, hidden=3, seed=7)",
             kwargs={"epochs": 2000, "lr": 2.0, "hidden": 3, "seed": 7}, hidden=True,
             rtol=1e-6, atol=1e-6),
        Case("4 hidden neurons, a drawn seed and learning rate: train_xor(epochs=3000, lr=..., "
             "hidden=4, seed=...)",
             kwargs={"epochs": 3000, "lr": Draw(_xor_lr), "hidden": 4, "seed": Draw(_xor_seed)},
             hidden=True, rtol=1e-6, atol=1e-6),
        Case("a single epoch: train_xor(epochs=1, seed=5)", kwargs={"epochs": 1, "seed": 5},
             hidden=True, rtol=1e-6, atol=1e-6,
             hint="After one epoch losses[0] is the loss of the initial weights, computed before "
                  "the update."),
    ],
    mistakes=[
        Mistake("Your updates go uphill: the loss grows. The handout computes error = y - output "
                "and ADDS lr * (its gradient terms) to the weights (wo += ...); if you compute "
                "output - y, subtract instead. One of the two signs is flipped in your code.",
                functools.partial(_handout_train, sign=-1.0)),
        Mistake("It looks like the biases are never updated. Update bo and bh too: "
                "bo += lr * np.sum(d_output, axis=0, keepdims=True), and the same for bh with "
                "d_hidden.",
                functools.partial(_handout_train, bias=False)),
        Mistake("It looks like the sigmoid's derivative is missing: d_output = error * "
                "sigmoid_derivative(output), and d_hidden = error_hidden * "
                "sigmoid_derivative(hidden_output).",
                functools.partial(_handout_train, derivative="none")),
        Mistake("The handout's sigmoid_derivative(x) = x * (1 - x) takes the sigmoid's OUTPUT "
                "(output, hidden_output), not the pre-activation (final_input, hidden_input).",
                functools.partial(_handout_train, derivative="z")),
        Mistake("The learning rate is ignored: multiply every update by lr "
                "(wo += lr * hidden_output.T @ d_output, ...).",
                lambda epochs=10000, lr=1.0, hidden=2, seed=1: _handout_train(epochs, 1.0, hidden, seed)),
        Mistake("The seed is ignored: call np.random.seed(seed) with the seed argument, not a "
                "fixed number.",
                lambda epochs=10000, lr=1.0, hidden=2, seed=1: _handout_train(epochs, lr, hidden, 1)),
        Mistake("The number of epochs is ignored: loop `for epoch in range(epochs)`.",
                lambda epochs=10000, lr=1.0, hidden=2, seed=1: _handout_train(10000, lr, hidden, seed)),
        Mistake("The hidden argument is ignored: the hidden layer has `hidden` neurons, so wh "
                "has shape (2, hidden) and wo (hidden, 1).",
                lambda epochs=10000, lr=1.0, hidden=2, seed=1: _handout_train(epochs, lr, 2, seed)),
        Mistake("The weights are drawn with np.random.default_rng; this exercise reproduces the "
                "handout, so use np.random.seed(seed) and np.random.uniform(size=...) in the "
                "order wh, bh, wo, bo.",
                functools.partial(_handout_train, rng="default_rng")),
        Mistake("The losses look like sums of squared errors. Record the MEAN squared error of "
                "each epoch: np.mean((y - output) ** 2).",
                functools.partial(_handout_train, loss="sum")),
    ],
)


# --------------------------------------------------------------------------------------------
# xor_step: one step of the handout's training, repaired from a broken version (find-the-bug)
# --------------------------------------------------------------------------------------------

def _step_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """xor_step returns ``(new_params, loss)``: the new weights and biases, then the loss."""
    exp_params, exp_loss = expected
    if got is None:
        return "xor_step returned None. It should return a pair: (new_params, loss)."
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"xor_step should return a pair (new_params, loss), but it returned {describe(got)}."
    params, loss = got
    shapes = [(W.shape, b.shape) for W, b in exp_params]
    problem = _params_problem(params, shapes, "xor_step")
    if problem:
        return problem.replace("params (the first item", "new_params (the first item")
    loss_arr = _array(loss)
    if loss_arr is None or loss_arr.size != 1 or isinstance(loss, (str, bytes, bool)):
        return f"loss (the second item) should be a single number, but it is {describe(loss)}."
    for (layer, (W_exp, b_exp), (W_got, b_got)) in zip(("hidden", "output"), exp_params, params):
        for what, exp, arr in ((f"the new weights of the {layer} layer", W_exp, W_got),
                               (f"the new bias of the {layer} layer", b_exp, b_got)):
            problem = compare_arrays(exp, arr, rtol=rtol, atol=atol, what=what)
            if problem:
                return problem
    return compare_arrays(np.float64(exp_loss), np.float64(loss_arr.item()), rtol=rtol, atol=atol,
                          what="loss")


def _step_mistake(*, order: str = "right", sign: float = 1.0, derivative: str = "output",
                  bias: bool = True, fixed_lr: float | None = None,
                  loss: str = "before") -> Callable[..., Any]:
    """The reference step with one thing done wrong, for the known mistakes below."""
    def step(params, X, y, lr):
        (wh, bh), (wo, bo) = params
        lr = lr if fixed_lr is None else fixed_lr
        z_hidden = X @ wh + bh
        hidden_output = ref.sigmoid(z_hidden)
        z_output = hidden_output @ wo + bo
        output = ref.sigmoid(z_output)
        error = y - output
        if derivative == "output":
            d_output = error * output * (1 - output)
        elif derivative == "none":
            d_output = error
        else:
            d_output = error * z_output * (1 - z_output)
        new_wo = wo + sign * lr * hidden_output.T @ d_output
        new_bo = bo + sign * lr * d_output.sum(axis=0, keepdims=True) if bias else bo
        w_back = new_wo if order == "updated wo" else wo
        if derivative == "output":
            d_hidden = (d_output @ w_back.T) * hidden_output * (1 - hidden_output)
        elif derivative == "none":
            d_hidden = d_output @ w_back.T
        else:
            d_hidden = (d_output @ w_back.T) * z_hidden * (1 - z_hidden)
        new_wh = wh + sign * lr * X.T @ d_hidden
        new_bh = bh + sign * lr * d_hidden.sum(axis=0, keepdims=True) if bias else bh
        new_params = [(new_wh, new_bh), (new_wo, new_bo)]
        if loss == "after":
            after = ref.sigmoid(ref.sigmoid(X @ new_wh + new_bh) @ new_wo + new_bo)
            value = np.mean((y - after) ** 2)
        elif loss == "sum":
            value = np.sum(error ** 2)
        else:
            value = np.mean(error ** 2)
        return new_params, float(value)
    return step


def _step_net(seed: int, n_in: int, hidden: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Uneven starting weights, like np.random.uniform's but not all positive."""
    rng = np.random.default_rng(seed)
    return [(rng.uniform(-1.5, 1.5, size=(n_in, hidden)), rng.uniform(-1, 1, size=(1, hidden))),
            (rng.uniform(-2, 2, size=(hidden, 1)), rng.uniform(-1, 1, size=(1, 1)))]


def _step_labels(seed: int, n: int) -> np.ndarray:
    """(n, 1) labels 0/1, both present."""
    labels = np.random.default_rng(seed).integers(0, 2, size=(n, 1)).astype(np.float64)
    labels[0, 0], labels[-1, 0] = 0.0, 1.0
    return labels


def _handout_start(seed: int = 1, hidden: int = 2) -> list[tuple[np.ndarray, np.ndarray]]:
    np.random.seed(seed)
    wh, bh = np.random.uniform(size=(2, hidden)), np.random.uniform(size=(1, hidden))
    wo, bo = np.random.uniform(size=(hidden, 1)), np.random.uniform(size=(1, 1))
    return [(wh, bh), (wo, bo)]


XOR_STEP = Exercise(
    name="xor_step",
    params=("params", "X", "y", "lr"),
    reference=ref.xor_step,
    compare=_step_compare,
    cases=[
        Case("the handout's first step: its starting weights (seed 1), the four XOR samples, lr 1",
             (_handout_start(), ref.XOR_X.copy(), ref.XOR_Y.copy(), 1.0)),
        Case("6 samples of 3 inputs, 5 hidden neurons, lr 0.5",
             (_step_net(91, 3, 5), _data(92, 6, 3), _step_labels(93, 6), 0.5)),
        Case("a step from weights trained for 300 epochs on XOR, lr 2",
             (ref.train_xor(300, seed=4)[0], ref.XOR_X.copy(), ref.XOR_Y.copy(), 2.0),
             hidden=True),
        Case("one sample as a (1, 4) batch, 3 hidden neurons, lr 1",
             (redraw(_step_net, 4, 3), redraw(_data, 1, 4), np.array([[1.0]]), 1.0), hidden=True),
        Case("9 samples of 2 inputs, 7 hidden neurons, a drawn learning rate",
             (redraw(_step_net, 2, 7), redraw(_data, 9, 2), redraw(_step_labels, 9),
              Draw(_xor_lr)), hidden=True),
    ],
    mistakes=[
        Mistake("d_hidden was computed with the UPDATED wo. The gradient of every parameter comes "
                "from the same forward pass, with the weights it used: compute d_output and "
                "d_hidden = (d_output @ wo.T) * hidden_output * (1 - hidden_output) first, and "
                "only then change wo, bo, wh and bh.",
                _step_mistake(order="updated wo")),
        Mistake("Your step goes uphill. With error = y - output the handout ADDS lr * (the "
                "products) to each parameter (wo = wo + lr * hidden_output.T @ d_output); one "
                "sign is flipped.",
                _step_mistake(sign=-1.0)),
        Mistake("sigmoid_derivative(a) = a * (1 - a) takes the sigmoid's OUTPUT (output, "
                "hidden_output), not its input (X @ wh + bh, hidden_output @ wo + bo).",
                _step_mistake(derivative="z")),
        Mistake("The sigmoid's derivative is missing: d_output = error * output * (1 - output), "
                "d_hidden = (d_output @ wo.T) * hidden_output * (1 - hidden_output).",
                _step_mistake(derivative="none")),
        Mistake("The biases did not change: bo = bo + lr * d_output.sum(axis=0, keepdims=True), "
                "and the same for bh with d_hidden.",
                _step_mistake(bias=False)),
        Mistake("The learning rate is ignored: multiply every update by lr.",
                _step_mistake(fixed_lr=1.0)),
        Mistake("The loss is the loss of THIS step's forward pass, computed before the update: "
                "np.mean((y - output) ** 2) with the output you computed from params.",
                _step_mistake(loss="after")),
        Mistake("The loss looks like a sum; return the MEAN squared error, "
                "np.mean((y - output) ** 2).",
                _step_mistake(loss="sum")),
    ],
)


# --------------------------------------------------------------------------------------------
# predict: the trained network's forward pass
# --------------------------------------------------------------------------------------------

def _xor_net(seed: int, n_in: int, hidden: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [(rng.normal(0, 2, size=(n_in, hidden)), rng.normal(0, 1, size=(1, hidden))),
            (rng.normal(0, 2, size=(hidden, 1)), rng.normal(0, 1, size=(1, 1)))]


def _predict_mistake(hidden_act: Callable, output_act: Callable, *, hidden_bias: bool = True,
                     output_bias: bool = True, transpose: bool = False) -> Callable:
    def predict(params, X):
        (wh, bh), (wo, bo) = params
        wh = wh.T if transpose else wh
        h = hidden_act(np.asarray(X, float) @ wh + (bh if hidden_bias else 0))
        return output_act(h @ wo + (bo if output_bias else 0))
    return predict


def _identity(z):
    return z


PREDICT = TrainingExercise(
    name="predict",
    params=("params", "X"),
    reference=ref.predict,
    cases=[
        Case("X = 0: only the biases matter", (_xor_net(81, 2, 2), np.zeros((3, 2))),
             hint="With X = 0 the hidden layer outputs sigmoid(bh), and the output is "
                  "sigmoid(sigmoid(bh) @ wo + bo)."),
        Case("the four XOR inputs, 2 hidden neurons", (_xor_net(82, 2, 2), ref.XOR_X.copy())),
        Case("6 samples of 3 features, 5 hidden neurons", (_xor_net(83, 3, 5), _data(84, 6, 3))),
        Case("one sample as a (1, 2) batch", (redraw(_xor_net, 2, 3), redraw(_data, 1, 2)),
             hidden=True),
        Case("a square hidden layer 3 -> 3, where a transposed wh still fits",
             (redraw(_xor_net, 3, 3), redraw(_data, 5, 3)), hidden=True),
        Case("10 samples of 4 features, 8 hidden neurons",
             (redraw(_xor_net, 4, 8), redraw(_data, 10, 4)), hidden=True),
    ],
    mistakes=[
        Mistake("It looks like the biases are missing: each layer computes X @ W + b.",
                _predict_mistake(ref.sigmoid, ref.sigmoid, hidden_bias=False, output_bias=False)),
        Mistake("It looks like the hidden layer's bias bh is missing: sigmoid(X @ wh + bh).",
                _predict_mistake(ref.sigmoid, ref.sigmoid, hidden_bias=False)),
        Mistake("It looks like the output layer's bias bo is missing: sigmoid(hidden @ wo + bo).",
                _predict_mistake(ref.sigmoid, ref.sigmoid, output_bias=False)),
        Mistake("The output layer's sigmoid is missing: predict returns probabilities, "
                "sigmoid(hidden @ wo + bo).",
                _predict_mistake(ref.sigmoid, _identity)),
        Mistake("The hidden layer's sigmoid is missing: hidden = sigmoid(X @ wh + bh).",
                _predict_mistake(_identity, ref.sigmoid)),
        Mistake("Return the probabilities themselves, not rounded labels 0/1: rounding is a "
                "decision you take after predict.",
                lambda params, X: np.round(ref.predict(params, X))),
        Mistake("It looks like you used wh transposed: the hidden layer is X @ wh + bh with wh "
                "of shape (n_in, hidden).",
                _predict_mistake(ref.sigmoid, ref.sigmoid, transpose=True)),
    ],
)


# --------------------------------------------------------------------------------------------
# perceptron_train: the classic rule, judged on what it learns
# --------------------------------------------------------------------------------------------

def _gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    from ..data.logic import truth_table
    return truth_table(name)


def _perceptron(fn: Callable[..., Any], X: np.ndarray, y: np.ndarray,
                **kwargs: Any) -> tuple[np.ndarray, float, np.ndarray, str]:
    """Run the student's perceptron; ``(w, b, errors, call)`` or :class:`StudentError`."""
    epochs = kwargs.get("epochs", 100)
    shown = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    call = f"perceptron_train(X, y{', ' + shown if shown else ''})"
    got = _run("perceptron_train", fn, X, y, **kwargs)
    if got is None:
        raise StudentError(f"{call} returned None. Did you forget the `return` statement?")
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise StudentError(f"perceptron_train should return three things, (w, b, "
                           f"errors_per_epoch), but {call} returned {describe(got)}.")
    w, b, errors = got
    d = X.shape[1]
    if not isinstance(w, np.ndarray) or w.dtype.kind not in "fiu":
        raise StudentError(f"w should be a NumPy array of {d} numbers, but it is {describe(w)}.")
    if w.shape != (d,):
        raise StudentError(f"w has shape {w.shape}, but shape ({d},) was expected: one weight per "
                           "feature, in a 1-D array (start from np.zeros(X.shape[1])).")
    b_arr = _array(b)
    if b_arr is None or b_arr.size != 1 or isinstance(b, (bool, np.bool_)):
        raise StudentError(f"b should be a single number, but it is {describe(b)}.")
    err = _array(errors)
    if err is None or isinstance(errors, (str, bytes)) or err.ndim != 1:
        raise StudentError("errors_per_epoch should be a 1-D array (or list) of counts, one per "
                           f"epoch, but it is {describe(errors)}.")
    if len(err) != epochs:
        given = f"epochs={epochs}" if "epochs" in kwargs else f"the default is epochs={epochs}"
        raise StudentError(f"{call} returned {len(err)} error counts, but {given}: record one "
                           "count in every epoch, also after the errors reach 0.")
    if not np.all(np.isfinite(err)) or np.any(err != np.round(err)) or np.any(err < 0) \
            or np.any(err > len(X)):
        raise StudentError(f"errors_per_epoch should hold whole numbers between 0 and {len(X)} "
                           f"(the samples misclassified in an epoch), but it is {describe(errors)}.")
    w = w.astype(np.float64)
    if not np.all(np.isfinite(w)) or not np.isfinite(b_arr.item()):
        raise StudentError("w or b contains NaN or infinity.")
    return w, float(b_arr.item()), err.astype(np.int64), call


def _separates(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> bool:
    """Does step(X @ w + b) give y, taking step(0) as 0 or as 1 (either convention)?

    z is rounded to 1e-9 first: a z that is 0 in exact arithmetic may come out as 1e-17.
    """
    z = np.round(X @ w + b, 9)
    labels = y.reshape(-1) > 0.5
    return bool(np.array_equal(z > 0, labels) or np.array_equal(z >= 0, labels))


_RULE = ("Hint: for each sample in turn, y_hat = step(x . w + b) (1 if z > 0 else 0); only when "
         "y_hat is wrong, w += lr * (y - y_hat) * x and b += lr * (y - y_hat), and the error "
         "count of the epoch grows by 1.")


def _vec(w: np.ndarray) -> str:
    return np.array2string(np.asarray(w, dtype=np.float64), precision=4, separator=", ")


def _one_update(fn: Callable[..., Any]) -> str | None:
    """A single sample: no epoch leaves w = 0, b = 0; one epoch makes at most one update by the
    rule; a second epoch changes nothing, the sample being then classified correctly."""
    lr = 0.25                                  # exact in binary: w is exactly lr * x
    updated = False
    for x, label in (([1.0, 2.0], 1.0), ([2.0, 1.0], 0.0)):
        X, y = np.array([x]), np.array([[label]])
        where = f"With the single sample x = {x} and label {label:g}"
        w, b, errors, call = _perceptron(fn, X, y, epochs=0, lr=lr)
        if np.any(w != 0) or b != 0:
            return (f"{where}, {call} returned w = {_vec(w)}, b = {b:.6g}, but w starts at zeros "
                    "and b at 0: w = np.zeros(X.shape[1]), b = 0.0.")
        w, b, errors, call = _perceptron(fn, X, y, epochs=1, lr=lr)
        got = f"got w = {_vec(w)}, b = {b:.6g}, errors_per_epoch = {errors.tolist()}"
        if errors[0] == 0:
            if np.any(w != 0) or b != 0:
                return (f"{where}, {call} says epoch 1 had no error, yet w and b changed ({got}). "
                        "A correctly classified sample changes nothing; and when an update does "
                        "happen, count it in errors_per_epoch during the epoch.\n" + _RULE)
            w2, b2, errors2, call2 = _perceptron(fn, X, y, epochs=2, lr=lr)
            if np.any(w2 != 0) or b2 != 0 or errors2[1] != 0:
                return (f"{where}, {call2}: nothing changed in epoch 1, so epoch 2 must change "
                        f"nothing either; got w = {_vec(w2)}, b = {b2:.6g}, errors_per_epoch = "
                        f"{errors2.tolist()}.")
            continue
        updated = True
        sign = 1.0 if label == 1.0 else -1.0       # y - y_hat after a wrong prediction
        w_exp, b_exp = sign * lr * np.array(x), sign * lr
        expected = f"w = {_vec(w_exp)} (lr * (y - y_hat) * x), b = {b_exp:g}"
        problem = None
        if np.allclose(w, -w_exp) and np.isclose(b, -b_exp):
            problem = ("The sign is reversed: add lr * (y - y_hat) * x (y - y_hat is +1 when the "
                       "label is 1 and the prediction 0, -1 the other way round).")
        elif np.allclose(w, w_exp) and b == 0:
            problem = "b was not updated: b += lr * (y - y_hat)."
        elif np.allclose(w, w_exp / lr) or np.allclose(w, w_exp * 0.1 / lr):
            problem = "The learning rate lr is ignored: multiply each update by the lr argument."
        elif not (np.allclose(w, w_exp) and np.isclose(b, b_exp)):
            problem = _RULE
        if problem:
            return (f"{where}, {call}: the first prediction is wrong, so the perceptron should "
                    f"update once, to {expected}; {got}.\n{problem}")
        w2, b2, errors2, call2 = _perceptron(fn, X, y, epochs=2, lr=lr)
        if not (np.allclose(w2, w_exp) and np.isclose(b2, b_exp) and errors2.tolist() == [1, 0]):
            return (f"{where}, {call2}: after the update of epoch 1 the sample is classified "
                    f"correctly, so epoch 2 changes nothing: w = {_vec(w_exp)}, b = {b_exp:g}, "
                    f"errors_per_epoch = [1, 0]; got w = {_vec(w2)}, b = {b2:.6g}, "
                    f"errors_per_epoch = {errors2.tolist()}. Update only when a prediction is "
                    "wrong, and count each epoch's errors separately.")
    if not updated:
        return ("On a single sample with label 1 and on one with label 0 your perceptron made no "
                "update at all. With w = 0 and b = 0 the first z is 0, so one of the two first "
                "predictions must be wrong, whichever step(0) you choose.\n" + _RULE)
    return None


def _converges(gate: str, **kwargs: Any) -> Callable[[Callable[..., Any]], str | None]:
    def verify(fn: Callable[..., Any]) -> str | None:
        X, y = _gate(gate)
        w, b, errors, call = _perceptron(fn, X, y, **kwargs)
        return _converged_problem(f"{gate.upper()}: {call}", X, y, w, b, errors)
    return verify


def _converged_problem(what: str, X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float,
                       errors: np.ndarray) -> str | None:
    got = f"errors_per_epoch = {describe(errors)}, w = {_vec(w)}, b = {b:.6g}"
    if errors[-1] != 0:
        hint = ("b is still 0: update the bias too, b += lr * (y - y_hat); without a bias the "
                "line must pass through the origin." if b == 0 else _RULE[6:])
        return (f"{what} still made {errors[-1]} error(s) in the last epoch ({got}). These data "
                f"are linearly separable, so the perceptron rule must reach an epoch without "
                f"errors.\nHint: {hint}")
    first_zero = int(np.argmax(errors == 0))
    if np.any(errors[first_zero:] != 0):
        return (f"{what}: epoch {first_zero + 1} had no error, but a later epoch had some "
                f"({got}). After an epoch without errors nothing changes any more, so every later "
                "epoch has 0 errors too: update only when a prediction is wrong.")
    if not _separates(X, y, w, b):
        return (f"{what} reports 0 errors in the last epoch, but the returned w and b do not "
                f"classify every sample correctly: step(X @ w + b) is "
                f"{(np.round(X @ w + b, 9) > 0).astype(int).tolist()}, the labels "
                f"{y.reshape(-1).astype(int).tolist()} ({got}). Return the final w and b, and "
                "count the errors as they happen.")
    return None


def _xor_never(fn: Callable[..., Any]) -> str | None:
    X, y = _gate("xor")
    w, b, errors, call = _perceptron(fn, X, y)
    if np.any(errors == 0):
        epoch = int(np.argmax(errors == 0)) + 1
        return (f"XOR: {call} reports 0 errors in epoch {epoch}, but no straight line separates "
                "XOR, so a perceptron misclassifies at least one sample in every epoch. Count a "
                "sample as an error when step(x . w + b) differs from its label, at the moment "
                "it is seen.")
    return None


def _separable_cloud(seed: int, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points in ``d`` dimensions on both sides of a hyperplane, with a margin."""
    rng = np.random.default_rng(seed)
    normal = rng.normal(size=d)
    normal /= np.linalg.norm(normal)
    X = rng.uniform(-2.0, 2.0, size=(4 * n, d))
    score = X @ normal - 0.3
    X = X[np.abs(score) > 0.4][:n]
    y = (X @ normal - 0.3 > 0).astype(np.float64).reshape(-1, 1)
    return X, y


def _cloud(seed: int, n: int, d: int) -> Callable[[Callable[..., Any]], str | None]:
    def verify(fn: Callable[..., Any]) -> str | None:
        X, y = _separable_cloud(seed, n, d)
        w, b, errors, call = _perceptron(fn, X, y)
        return _converged_problem(f"{n} separable points of {d} features: {call}", X, y, w, b,
                                  errors)
    return verify


def _lr_scales(fn: Callable[..., Any]) -> str | None:
    X, y = _gate("and")
    w1, b1, e1, _ = _perceptron(fn, X, y, epochs=20, lr=0.25)
    w4, b4, e4, call = _perceptron(fn, X, y, epochs=20, lr=1.0)
    if not (np.array_equal(e1, e4) and np.allclose(w4, 4 * w1, rtol=1e-9, atol=0)
            and np.isclose(b4, 4 * b1, rtol=1e-9, atol=1e-12)):
        return ("AND with lr=0.25 and with lr=1.0: starting from zeros every update is a multiple "
                "of lr, so lr=1.0 should make the same errors and give exactly 4 times the w and "
                f"b of lr=0.25. Got w = {_vec(w1)}, b = {b1:.6g} and w = {_vec(w4)}, "
                f"b = {b4:.6g}; errors {e1[:8].tolist()}... and {e4[:8].tolist()}... Use the lr "
                "argument in both updates, and start from w = 0, b = 0.")
    return None


def _counts_every_error(fn: Callable[..., Any]) -> str | None:
    """AND, lr = 1, two epochs: epoch 2 makes 3 errors with either step(0) convention (epoch 1
    makes 1 with step(0) = 0, 2 with step(0) = 1)."""
    X, y = _gate("and")
    w, b, errors, call = _perceptron(fn, X, y, epochs=2, lr=1.0)
    if errors[1] != 3:
        return (f"AND: {call} returned errors_per_epoch = {errors.tolist()}, but the second epoch "
                "misclassifies 3 of the 4 samples (whichever step(0) you choose): count every "
                "error of an epoch, errors[epoch] += 1 at each update, not just whether there "
                "was one.\n" + _RULE)
    return None


def _default_lr(fn: Callable[..., Any]) -> str | None:
    X, y = _gate("and")
    w, b, errors, call = _perceptron(fn, X, y, epochs=5)
    w1, b1, errors1, call1 = _perceptron(fn, X, y, epochs=5, lr=0.1)
    if not (np.allclose(w, w1, rtol=1e-12, atol=0) and np.isclose(b, b1, rtol=1e-12, atol=1e-15)
            and np.array_equal(errors, errors1)):
        return (f"AND: {call} and {call1} should be the same (the default is lr=0.1), but they "
                f"gave w = {_vec(w)}, b = {b:.6g} and w = {_vec(w1)}, b = {b1:.6g}. Keep the "
                "signature perceptron_train(X, y, epochs=100, lr=0.1).")
    return None


PERCEPTRON_TRAIN = TrainingExercise(
    name="perceptron_train",
    params=("X", "y", "epochs", "lr"),
    reference=None,
    cases=[
        Property("one sample: w = 0, b = 0 at first, one update by the perceptron rule, then none",
                 _property(_one_update)),
        Property("AND: converges (0 errors in the last epoch, and w, b separate the data)",
                 _property(_converges("and"))),
        Property("OR: converges", _property(_converges("or"))),
        Property("XOR: never an epoch without errors", _property(_xor_never)),
        Property("NAND: converges (it needs b > 0)", _property(_converges("nand")), hidden=True),
        Property("lr scales w and b and changes nothing else", _property(_lr_scales), hidden=True),
        Property("30 separable points in 2-D", _property(_cloud(91, 30, 2)), hidden=True),
        Property("40 separable points in 3-D", _property(_cloud(92, 40, 3)), hidden=True),
        Property("AND, two epochs: the second makes 3 errors, all counted",
                 _property(_counts_every_error), hidden=True),
        Property("the default learning rate is 0.1", _property(_default_lr), hidden=True),
    ],
)


# --------------------------------------------------------------------------------------------
# train_digits_mlp: test accuracy on the fixed split of the digits
# --------------------------------------------------------------------------------------------

#: the public check asks for this accuracy on the 360 test images
DIGITS_ACCURACY = 0.95


@functools.lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from ..data.digits import load_digits_split
    return load_digits_split()


def _train_digits(fn: Callable[..., Any], **kwargs: Any) -> tuple[list, np.ndarray, str]:
    """Train on the fixed split; ``(params, losses, call)`` or :class:`StudentError`."""
    X_train, _, y_train, _ = _digits()
    shown = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    call = f"train_digits_mlp(X_train, y_train{', ' + shown if shown else ''})"
    got = _run("train_digits_mlp", fn, X_train.copy(), y_train.copy(), **kwargs)
    if got is None:
        raise StudentError(f"{call} returned None. It should return (params, losses).")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise StudentError(f"train_digits_mlp should return a pair (params, losses), but {call} "
                           f"returned {describe(got)}.")
    params, losses = got
    if not isinstance(params, (list, tuple)) or not params or not all(
            isinstance(p, (list, tuple)) and len(p) == 2 for p in params):
        raise StudentError(f"params (the first item) should be a list of (W, b) pairs, one per "
                           f"layer, but it is {describe(params)}.")
    n_in = X_train.shape[1]
    shapes = []
    for W, b in params:
        if not (isinstance(W, np.ndarray) and W.ndim == 2 and W.dtype.kind in "fiu"):
            raise StudentError(f"Each W should be a 2-D NumPy array, but one is {describe(W)}.")
        shapes.append(((n_in, W.shape[1]), (1, W.shape[1])))
        n_in = W.shape[1]
    problem = _params_problem(params, shapes, call)
    if problem:
        raise StudentError(problem)
    if params[-1][0].shape[1] != 10:
        raise StudentError(f"The last layer has {params[-1][0].shape[1]} outputs, but there are "
                           "10 classes (the digits 0-9): one output per class.")
    loss_arr = _array(losses)
    if loss_arr is None or isinstance(losses, (str, bytes)) or loss_arr.ndim != 1 or not len(loss_arr):
        raise StudentError(f"losses (the second item) should be a 1-D array (or list) of numbers, "
                           f"one per epoch, but it is {describe(losses)}.")
    if not np.all(np.isfinite(loss_arr)):
        raise StudentError("losses contains NaN or infinity: the training diverged (too large a "
                           "learning rate, a gradient not divided by the batch size, or a softmax "
                           "that overflows).")
    return list(params), loss_arr, call


def _accuracy(params: list, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(ref.predict_digits(params, X) == y))


def _learns(threshold: float, **kwargs: Any) -> Callable[[Callable[..., Any]], str | None]:
    def verify(fn: Callable[..., Any]) -> str | None:
        _, X_test, _, y_test = _digits()
        params, losses, call = _train_digits(fn, **kwargs)
        if "num_hiddens" in kwargs and params[0][0].shape[1] != kwargs["num_hiddens"]:
            return (f"{call}: the hidden layer has {params[0][0].shape[1]} neurons, but "
                    f"num_hiddens={kwargs['num_hiddens']}.")
        if len(losses) > 1 and not losses[-1] < losses[0]:
            return (f"{call}: the loss did not fall ({losses[0]:.4g} in the first epoch, "
                    f"{losses[-1]:.4g} in the last). Check the sign of the update "
                    "(P -= lr * dP) and the gradient of the loss.")
        accuracy = _accuracy(params, X_test, y_test)
        if accuracy >= threshold:
            return None
        X_train, _, y_train, _ = _digits()
        train = _accuracy(params, X_train, y_train)
        if max(accuracy, train) < 0.3:
            hint = ("The network learned (almost) nothing. Check that each image keeps its own "
                    "label when you shuffle (index X and y with the same indices), that the "
                    "gradient of softmax cross-entropy is (softmax(logits) - one_hot(y)) / batch, "
                    "and the sign of the update.")
        else:
            hint = ("Train longer or with a better learning rate, and check the backward pass "
                    "(the ReLU derivative, dividing by the batch size).")
        return (f"{call} reaches {accuracy:.1%} accuracy on the {len(y_test)} test images "
                f"(and {train:.1%} on the training images); at least {threshold:.0%} is needed. "
                "Accuracy is measured with predict_digits(params, X): ReLU on the hidden layers, "
                f"then the largest output of the last layer.\nHint: {hint}")
    return verify


def _same_seed(fn: Callable[..., Any]) -> str | None:
    first, _, call = _train_digits(fn, num_epochs=2, seed=3)
    again, _, _ = _train_digits(fn, num_epochs=2, seed=3)
    other, _, other_call = _train_digits(fn, num_epochs=2, seed=4)
    same = [np.array_equal(a, b) for p, q in zip(first, again) for a, b in zip(p, q)]
    if not all(same) or len(first) != len(again):
        return (f"Two calls of {call} gave different parameters. Draw every random number "
                "(the initial weights and the shuffling of each epoch) from one generator made "
                "from the seed, rng = np.random.default_rng(seed): the same seed must give the "
                "same network, so that a run can be repeated and checked.")
    if all(np.array_equal(a, b) for p, q in zip(first, other) for a, b in zip(p, q)):
        return f"{call} and {other_call} gave the same parameters: use the seed argument."
    return None


def _uses_lr(fn: Callable[..., Any]) -> str | None:
    one, _, call = _train_digits(fn, num_epochs=1, lr=0.0, seed=5)
    two, _, _ = _train_digits(fn, num_epochs=2, lr=0.0, seed=5)
    if not all(np.allclose(a, b, rtol=0, atol=1e-12) for p, q in zip(one, two) for a, b in zip(p, q)):
        return (f"With lr=0.0 the parameters must not move, so 1 and 2 epochs should give the "
                f"same network, but they differ ({call} and num_epochs=2). Multiply every update "
                "by the lr argument: P = P - lr * dP.")
    return None


def _one_loss_per_epoch(fn: Callable[..., Any]) -> str | None:
    _, losses, call = _train_digits(fn, num_epochs=3)
    if len(losses) != 3:
        return (f"{call} returned {len(losses)} losses; record one loss per epoch, and train "
                "for num_epochs epochs.")
    return None


def _big_batches(fn: Callable[..., Any]) -> str | None:
    _, losses, call = _train_digits(fn, batch_size=1000, num_epochs=5)
    if len(losses) != 5:
        return f"{call} returned {len(losses)} losses, but num_epochs=5."
    if not losses[-1] < losses[0]:
        return f"{call}: the loss did not fall ({losses[0]:.4g} -> {losses[-1]:.4g})."
    return None


def _digits_step(params: list, X: np.ndarray, y: np.ndarray, lr: float) -> list:
    """One step of gradient descent on the mean softmax cross-entropy of (X, y): ReLU on every
    hidden layer, as lesson 05 (any number of layers)."""
    activations, pre = [X], []
    for W, b in params[:-1]:
        pre.append(activations[-1] @ W + b)
        activations.append(np.maximum(pre[-1], 0.0))
    logits = activations[-1] @ params[-1][0] + params[-1][1]
    P = np.exp(logits - logits.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(len(y)), y] -= 1.0
    G = P / len(y)
    new = []
    for layer in range(len(params) - 1, -1, -1):
        W, b = params[layer]
        new.insert(0, (W - lr * (activations[layer].T @ G), b - lr * G.sum(axis=0, keepdims=True)))
        if layer:
            G = (G @ W.T) * (pre[layer - 1] > 0)
    return new


def _mean_cross_entropy(params: list, X: np.ndarray, y: np.ndarray) -> float:
    logits = ref.mlp_logits(params, X)
    top = logits.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(logits - top).sum(axis=1)) + top[:, 0]
    return float(np.mean(log_sum - logits[np.arange(len(y)), y]))


def _digits_loss_is_the_mean(fn: Callable[..., Any]) -> str | None:
    """With lr = 0 nothing moves, so the epoch's loss is the mean cross-entropy of the returned
    network over every training image (batches of 32, the last one smaller)."""
    X_train, _, y_train, _ = _digits()
    params, losses, call = _train_digits(fn, num_epochs=1, lr=0.0, seed=6)
    expected = _mean_cross_entropy(params, X_train, y_train.astype(np.int64))
    if not np.isclose(losses[0], expected, rtol=1e-9, atol=1e-12):
        return (f"{call}: nothing moves with lr=0.0, so the loss of the epoch should be the mean "
                f"softmax cross-entropy of the returned network over the {len(y_train)} training "
                f"images, {expected:.10g}; got {losses[0]:.10g}. Add up each batch's cross-"
                "entropies (the sum over its images), divide the epoch's total by n, and start "
                "the total at 0 in every epoch.")
    return None


def _digits_two_full_batch_steps(fn: Callable[..., Any]) -> str | None:
    """With one batch of every image, two epochs are two steps of gradient descent from the
    initial network (the same seed gives it, with lr = 0)."""
    X_train, _, y_train, _ = _digits()
    n, lr = len(y_train), 0.5
    start, _, _ = _train_digits(fn, num_epochs=1, lr=0.0, batch_size=n, seed=7)
    got, _, call = _train_digits(fn, num_epochs=2, lr=lr, batch_size=n, seed=7)
    expected = [(np.asarray(W, np.float64), np.asarray(b, np.float64)) for W, b in start]
    for _ in range(2):
        expected = _digits_step(expected, X_train, y_train.astype(np.int64), lr)
    if len(got) != len(expected):
        return (f"{call} returned {len(got)} layers, but the same call with lr=0.0 returned "
                f"{len(expected)}.")
    names = [f"{kind}{i}" for i in range(1, len(got) + 1) for kind in ("W", "b")]
    flat_got = [np.asarray(a, np.float64) for pair in got for a in pair]
    flat_expected = [a for pair in expected for a in pair]
    for name, g, e in zip(names, flat_got, flat_expected):
        if g.shape != e.shape:
            return f"{call}: {name} has shape {g.shape}, but it started as {e.shape}."
        if not np.allclose(g, e, rtol=1e-7, atol=1e-10):
            return (f"{call}: with a single batch of all {n} images, two epochs are two steps of "
                    f"gradient descent from the initial network, P = P - lr * dP, but {name} "
                    f"differs from two such steps (largest difference "
                    f"{np.max(np.abs(g - e)):.3g}). Check the forward pass (X @ W + b "
                    "in both layers), the gradients (dZ2 = (softmax - one_hot) / batch, dW2 = "
                    "A1.T @ dZ2, db2 and db1 summed over the batch, dZ1 = dZ2 @ W2.T * (Z1 > 0)) "
                    "and the update of every parameter.")
    return None


TRAIN_DIGITS_MLP = TrainingExercise(
    name="train_digits_mlp",
    params=("X_train", "y_train"),
    reference=None,
    cases=[
        Property(f"its default arguments: the loss falls and the test accuracy is at least "
                 f"{DIGITS_ACCURACY:.0%}", _property(_learns(DIGITS_ACCURACY))),
        Property("num_epochs=3 gives 3 losses", _property(_one_loss_per_epoch)),
        Property("the same seed gives the same network; another seed another one",
                 _property(_same_seed), hidden=True),
        Property("lr is used: with lr=0.0 nothing moves", _property(_uses_lr), hidden=True),
        Property("num_hiddens=32 still reaches 94 %", _property(_learns(0.94, num_hiddens=32)),
                 hidden=True),
        Property("batch_size=1000: a last, smaller batch of 437 images",
                 _property(_big_batches), hidden=True),
        Property("with lr=0.0 the epoch's loss is the mean cross-entropy over every image",
                 _property(_digits_loss_is_the_mean), hidden=True),
        Property("one batch of every image: two epochs are two steps of gradient descent",
                 _property(_digits_two_full_batch_steps), hidden=True),
    ],
)

# --------------------------------------------------------------------------------------------
# softmax_cross_entropy_grad: where the digits network's backward pass starts
# --------------------------------------------------------------------------------------------

def _class_labels(seed: int, n: int, k: int, column: bool = False) -> np.ndarray:
    """``n`` integer labels in 0..k-1, every class at least once when n >= k (no class missing
    that would hide a mixed-up axis)."""
    rng = np.random.default_rng(seed)
    labels = np.concatenate([np.arange(min(n, k)), rng.integers(0, k, size=max(n - k, 0))])
    labels = rng.permutation(labels)
    return labels.reshape(-1, 1) if column else labels


def _softmax_rows(z: np.ndarray, axis: int = 1) -> np.ndarray:
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _grad_variant(*, divide: str = "n", sign: float = 1.0, probs: str = "softmax",
                  target: str = "one_hot") -> Callable[..., np.ndarray]:
    """The gradient with one thing done wrong, for the known mistakes below."""
    def grad(logits: Any, labels: Any) -> np.ndarray:
        z = np.asarray(logits, dtype=np.float64)
        idx = np.asarray(labels).astype(np.int64).reshape(-1)
        n, k = z.shape
        if probs == "softmax":
            P = _softmax_rows(z)
        elif probs == "columns":
            P = _softmax_rows(z, axis=0)
        elif probs == "naive":
            with np.errstate(all="ignore"):
                P = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        elif probs == "global_max":
            with np.errstate(all="ignore"):
                e = np.exp(z - z.max())
                P = e / e.sum(axis=1, keepdims=True)
        else:  # the logits themselves
            P = z.copy()
        Y = np.zeros_like(P)
        Y[np.arange(n), idx] = 1.0
        if target == "ones":
            Y = np.ones_like(P)
        if target == "label_only":
            G = (P - Y) * Y
        else:
            G = sign * (P - Y)
        scale = {"n": n, "none": 1, "size": n * k, "k": k}[divide]
        return G / scale
    return grad


SCE_GRAD_HINT = ("Row i of the gradient is softmax(z_i) minus the one-hot row of labels[i], "
                 "divided by n, the number of samples (the loss is a mean over the samples).")

SOFTMAX_CROSS_ENTROPY_GRAD = Exercise(
    name="softmax_cross_entropy_grad",
    params=("logits", "labels"),
    reference=ref.softmax_cross_entropy_grad,
    cases=[
        Case("one sample: logits [[2.0, 1.0, 0.1]] and label [0] give "
             "[[-0.341, 0.242, 0.099]] (the softmax, minus 1 at the label)",
             (np.array([[2.0, 1.0, 0.1]]), np.array([0]))),
        Case("5 samples of 4 classes, labels of shape (5,): each row divided by n = 5",
             (_data(71, 5, 4, scale=2.0), _class_labels(72, 5, 4)), hint=SCE_GRAD_HINT),
        Case("labels as a column of shape (4, 1), as y is stored in this course",
             (_data(73, 4, 3, scale=2.0), _class_labels(74, 4, 3, column=True)),
             hint="Flatten the labels first, labels.reshape(-1): np.eye(k)[labels] of a (4, 1) "
                  "column has shape (4, 1, k)."),
        Case("large logits (+-1000): finite, the confident right answer has gradient ~0",
             (np.array([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 999.0]]), np.array([0, 2])),
             hint="Subtract each row's maximum before np.exp, as lesson 03's softmax does: "
                  "np.exp(1000) is inf."),
        Case("random logits, 30 samples of 10 classes",
             (redraw(_data, 30, 10, scale=5.0), redraw(_class_labels, 30, 10)), hidden=True),
        Case("a single sample (1, 5) with its label as a (1, 1) column",
             (redraw(_data, 1, 5), redraw(_class_labels, 1, 5, column=True)), hidden=True),
        Case("rows of very different sizes, [-1000, -1001, -1002] and [1000, 999, 998]: subtract "
             "each ROW's maximum",
             (np.array([[-1000.0, -1001.0, -1002.0], [1000.0, 999.0, 998.0]]), np.array([1, 0])),
             hidden=True),
        # labels a 3-cycle on square logits: rows and columns mixed up give another gradient
        Case("square logits (3 samples, 3 classes)",
             (redraw(_data, 3, 3, scale=3.0), np.array([2, 0, 1])), hidden=True),
        Case("8 samples of 6 classes, drawn", (redraw(_data, 8, 6, scale=1.5),
                                               redraw(_class_labels, 8, 6)), hidden=True),
    ],
    mistakes=[
        Mistake("You did not divide by n: the loss is the MEAN over the n samples, so each "
                "sample's gradient (softmax(z_i) - one_hot_i) is divided by n = logits.shape[0].",
                _grad_variant(divide="none")),
        Mistake("You divided by n * k, the number of entries (like y.size for one-hot labels); "
                "the loss is a mean over the SAMPLES only: divide by n = logits.shape[0].",
                _grad_variant(divide="size")),
        Mistake("You divided by k, the number of classes; divide by n = logits.shape[0], the "
                "number of samples.", _grad_variant(divide="k")),
        Mistake("The sign is flipped: the gradient is softmax(z) - one_hot, not one_hot - "
                "softmax(z). (A step against it, -lr * gradient, must raise the right class's "
                "logit.)", _grad_variant(sign=-1.0)),
        Mistake("You used the logits themselves instead of the probabilities: apply softmax to "
                "each row first, then subtract the one-hot labels.", _grad_variant(probs="logits")),
        Mistake("Your softmax normalises each COLUMN: the probabilities of one sample are in one "
                "row, so take the max and the sum over axis=1 with keepdims=True.",
                _grad_variant(probs="columns")),
        Mistake("You subtracted 1 from every entry: subtract 1 only in the column of each "
                "sample's label (the one-hot row), the other classes keep +p_j.",
                _grad_variant(target="ones")),
        Mistake("Only the label's column is non-zero in your gradient, but every class j gets "
                "p_j / n: raising a wrong class's logit raises the loss too.",
                _grad_variant(target="label_only")),
        Mistake("np.exp of a large logit overflows to inf (and inf / inf is nan): subtract each "
                "row's maximum first, z - z.max(axis=1, keepdims=True).",
                _grad_variant(probs="naive")),
        Mistake("You subtracted the maximum of the whole array; subtract each ROW's maximum, "
                "np.max(z, axis=1, keepdims=True), or rows far below it underflow to 0.",
                _grad_variant(probs="global_max")),
    ],
)

EXERCISES = [TRAIN_XOR, XOR_STEP, PREDICT, PERCEPTRON_TRAIN, TRAIN_DIGITS_MLP, SOFTMAX_CROSS_ENTROPY_GRAD]
