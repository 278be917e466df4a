"""Lesson 04 exercises: sigmoid_derivative, relu_derivative, numerical_gradient, dense_backward,
backward, repaired_backward (find the bug), gradient_descent_step.

Activations are given by name ("identity", "sigmoid", "tanh", "relu"). A layer's cache is its
``(A_prev, Z)`` pair, as lesson 02's ``forward`` returns it.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..reference import backprop as ref
from ..reference.activations import sigmoid
from ..reference.layers import forward
from .core import (RTOL, ATOL, Case, Exercise, Mistake, Property, compare_arrays,
                   describe, redraw)
from .core import seeded_data as _data
from .core import call_or_raise as _call


# --------------------------------------------------------------------------------------------
# sigmoid_derivative(a) and relu_derivative(z)
# --------------------------------------------------------------------------------------------

SIGMOID_DERIVATIVE = Exercise(
    name="sigmoid_derivative",
    params=("a",),
    reference=ref.sigmoid_derivative,
    cases=[
        Case("a = 0.5, the output at z = 0: the slope is 0.25", (0.5,),
             hint="The argument is the sigmoid's output a. sigma'(z) = e^(-z) / (1 + e^(-z))**2 "
                  "= sigma(z) * (1 - sigma(z)), so in terms of a the derivative is a * (1 - a)."),
        Case("the handout's neuron: a = sigmoid(1.1), about 0.7503", (sigmoid(1.1),)),
        Case("a saturated sigmoid: a = 0 and a = 1 have slope 0",
             (np.array([0.0, 0.2, 0.5, 0.9, 1.0]),)),
        Case("the outputs of a layer, a = sigmoid(Z) of shape (3, 4)", (sigmoid(_data(81, 3, 4, scale=2.0)),)),
        Case("random outputs", (redraw(lambda s: sigmoid(_data(s, 50, scale=4.0))),), hidden=True),
        Case("a 3-D array of outputs", (redraw(lambda s: sigmoid(_data(s, 2, 3, 4))),),
             hidden=True),
        Case("a Python int a = 1", (1,), hidden=True),
    ],
    mistakes=[
        Mistake("You applied the sigmoid to a again: sigmoid(a) * (1 - sigmoid(a)) is the formula "
                "for z. Here the argument is already the OUTPUT a = sigmoid(z) (the handout calls "
                "sigmoid_derivative(output)), so the derivative is simply a * (1 - a).",
                lambda a: ref.sigmoid_derivative(sigmoid(a))),
        Mistake("1 - a**2 is the derivative of tanh (written with its output). The sigmoid's is "
                "a * (1 - a).", lambda a: 1.0 - np.asarray(a, float) ** 2),
        Mistake("The sign is flipped: a * (a - 1) is negative. The sigmoid rises everywhere, so "
                "its slope a * (1 - a) is positive.",
                lambda a: np.asarray(a, float) * (np.asarray(a, float) - 1.0)),
        Mistake("a * 1 - a is (a * 1) - a = 0: multiplication comes before subtraction. Write "
                "the brackets: a * (1 - a).", lambda a: np.zeros_like(np.asarray(a, float))),
        Mistake("You forgot a factor: the derivative is a * (1 - a), not 1 - a.",
                lambda a: 1.0 - np.asarray(a, float)),
    ],
)


def _relu_derivative_compare(expected: Any, got: Any, *, rtol: float = RTOL,
                             atol: float = ATOL) -> str | None:
    """Numbers, not the booleans of ``z > 0``, and floats, not ints."""
    if isinstance(got, (bool, np.bool_)) or (isinstance(got, np.ndarray) and got.dtype.kind == "b"):
        return (f"The result is a boolean ({describe(got)}): the True/False of z > 0. The "
                "derivative is a number: convert it, (z > 0).astype(float), or use "
                "np.where(z > 0, 1.0, 0.0).")
    if isinstance(got, (int, np.integer)) or (isinstance(got, np.ndarray) and got.dtype.kind in "iu"):
        return (f"The result holds integers ({describe(got)}); the course works in float64. "
                "Use 1.0 and 0.0, or .astype(float).")
    return compare_arrays(expected, got, rtol=rtol, atol=atol)


RELU_DERIVATIVE = Exercise(
    name="relu_derivative",
    params=("z",),
    reference=ref.relu_derivative,
    compare=_relu_derivative_compare,
    cases=[
        Case("z = [-2, -0.5, 0, 0.5, 3]: 0 for z <= 0 (also at z = 0), 1 for z > 0",
             (np.array([-2.0, -0.5, 0.0, 0.5, 3.0]),)),
        Case("a 2-D array keeps its shape", (_data(91, 3, 4),)),
        Case("a Python float z = -2.5 (np.asarray(z) or np.where make numbers work too)", (-2.5,)),
        Case("random inputs", (redraw(_data, 40, scale=5.0),), hidden=True),
        Case("tiny inputs either side of 0", (np.array([-1e-300, 0.0, 1e-300, -0.0]),), hidden=True),
        Case("a Python float z = 0.0: the derivative is 0", (0.0,), hidden=True),
        Case("a 3-D array", (redraw(_data, 2, 3, 4),), hidden=True),
    ],
    mistakes=[
        Mistake("At z = 0 your derivative is 1. relu has a kink there; this course (like PyTorch) "
                "takes 0: the derivative is 1 only where z > 0 (not z >= 0).",
                lambda z: (np.asarray(z, float) >= 0).astype(float)),
        Mistake("You returned relu(z) = max(0, z) itself. Its derivative is the slope: 1 where "
                "z > 0, 0 elsewhere.", lambda z: np.maximum(np.asarray(z, float), 0.0)),
        Mistake("np.sign(z) gives -1 for negative z, but relu is flat there: its slope is 0, "
                "not -1.", lambda z: np.sign(np.asarray(z, float))),
        Mistake("At z = 0 your derivative is 0.5. This course (like PyTorch) takes 0 there.",
                lambda z: np.heaviside(np.asarray(z, float), 0.5)),
    ],
)


# --------------------------------------------------------------------------------------------
# numerical_gradient(f, x, h=1e-5)
# --------------------------------------------------------------------------------------------

def sum_of_squares(x):
    return np.sum(x ** 2)


def sum_of_cubes(x):
    return np.sum(x ** 3)


def sum_of_x_sin_x(x):
    return np.sum(x * np.sin(x))


def sum_of_exp(x):
    return np.sum(np.exp(x))


def sum_of_fast_sines(x):
    """Curved enough (a third derivative of 1e9) that the step's size shows in the result."""
    return np.sum(np.sin(1000.0 * x))


_X_REG, _Y_REG = _data(101, 6, 3), _data(102, 6, 2)
_C3 = _data(103, 2, 3, 2)


def mse_of_weights(W):
    """The mean squared error of a linear layer X @ W against fixed targets, as W changes."""
    return np.mean((_X_REG @ W - _Y_REG) ** 2)


def weighted_tanh(x):
    return np.sum(np.tanh(x) * _C3)


def _differences(f, x, h, plus: float, minus: float, divide: float) -> np.ndarray:
    """``(f(x + plus e_i) - f(x - minus e_i)) / divide`` on a copy of x, for the mistakes."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + plus
        f_plus = f(x)
        x[idx] = old - minus
        f_minus = f(x)
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / divide
    return grad


def _gradient_by_rows(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def _restores_x(shape: tuple[int, ...], seed: int) -> Callable[[Callable[..., Any]], str | None]:
    """A check that numerical_gradient leaves x exactly as it found it."""
    def verify(fn: Callable[..., Any]) -> str | None:
        x = _data(seed, *shape)
        before = x.copy()
        _call(fn, sum_of_cubes, x)
        if x.shape == before.shape and np.array_equal(x, before):
            return None
        if x.shape != before.shape:
            return (f"After numerical_gradient(f, x) returned, x has shape {x.shape} instead of "
                    f"{before.shape}. Leave x as you found it.")
        idx = tuple(int(i) for i in np.argwhere(x != before)[0])
        now, was = float(x[idx]), float(before[idx])
        where = f"x[{idx[0]}]" if len(idx) == 1 else f"x[{idx}]"
        if abs(now - was) <= 1e-12 * max(1.0, abs(was)):
            return (f"numerical_gradient did not put x back exactly: after it returned, {where} "
                    f"is {now!r} but was {was!r} (a difference of {abs(now - was):.1e}). "
                    "Adding h and then subtracting it does not always give back the same float. "
                    "Save each entry before you change it and put the saved value back: "
                    "old = x[i]; x[i] = old + h; ...; x[i] = old - h; ...; x[i] = old.")
        return (f"numerical_gradient changed x: after it returned, {where} is {now!r} but was "
                f"{was!r}. You may change an entry of x while you evaluate f, but put every entry "
                "back (x[i] = old) before the next one: the caller's array, a network's weights "
                "for instance, must come back unchanged.")
    return verify


NUMERICAL_GRADIENT = Exercise(
    name="numerical_gradient",
    params=("f", "x", "h"),
    reference=ref.numerical_gradient,
    cases=[
        Property("x is put back exactly as it was (you may change it while you work, but must "
                 "restore every entry)", _restores_x((7,), 104)),
        Case("f(x) = sum(x ** 2) at x = [1, 2, 3]: the gradient is 2x = [2, 4, 6]",
             (sum_of_squares, np.array([1.0, 2.0, 3.0]))),
        Case("a 2-D x of shape (3, 4), f(x) = sum(x * sin(x))", (sum_of_x_sin_x, _data(105, 3, 4))),
        Case("h = 0.01: use the h you are given", (sum_of_exp, np.array([-1.0, 0.5, 1.0, 2.0])),
             {"h": 0.01}),
        Case("the gradient of a loss with respect to weights W of shape (3, 2)",
             (mse_of_weights, _data(106, 3, 2))),
        Property("x of shape (3, 4) is put back exactly as it was", _restores_x((3, 4), 107),
                 hidden=True),
        Case("a 3-D x of shape (2, 3, 2)", (weighted_tanh, redraw(_data, 2, 3, 2)), hidden=True),
        Case("a single entry, x of shape (1,)", (sum_of_cubes, np.array([0.7])), hidden=True),
        Case("h = 1e-3 on a 2-D x", (sum_of_cubes, redraw(_data, 2, 5)), {"h": 1e-3}, hidden=True),
        Case("the default step h = 1e-5: f(x) = sum(sin(1000 x)) is so curved that another h "
             "gives other values", (sum_of_fast_sines, np.array([0.3, -1.1, 2.4])), hidden=True,
             hint="Keep the signature numerical_gradient(f, x, h=1e-5): the default step is 1e-5."),
    ],
    mistakes=[
        Mistake("These are forward differences, (f(x + h) - f(x)) / h, with an error of order h. "
                "Use central differences, (f(x + h) - f(x - h)) / (2 h): their error is of order "
                "h**2, far smaller.",
                lambda f, x, h=1e-5: _differences(f, x, h, h, 0.0, h)),
        Mistake("These are backward differences, (f(x) - f(x - h)) / h. Use central differences, "
                "(f(x + h) - f(x - h)) / (2 h).",
                lambda f, x, h=1e-5: _differences(f, x, h, 0.0, h, h)),
        Mistake("Your gradient is twice too large: f(x + h) and f(x - h) are 2h apart, so divide "
                "their difference by 2 * h, not by h.",
                lambda f, x, h=1e-5: _differences(f, x, h, h, h, h)),
        Mistake("It looks like you ignored the argument h: use the h you are given, not 1e-5.",
                lambda f, x, h=1e-5: _differences(f, x, 1e-5, 1e-5, 1e-5, 2e-5)),
        Mistake("For a 2-D x, x[i] is a whole row, so you moved a whole row at once. Change one "
                "entry at a time: loop over every index with `for idx in np.ndindex(x.shape):` "
                "and use x[idx].", _gradient_by_rows),
        Mistake("You moved every entry of x at once (x + h), which gives one number: the slope "
                "along the diagonal. Change one entry at a time and store each slope in its own "
                "entry of the result.",
                lambda f, x, h=1e-5: (f(np.asarray(x) + h) - f(np.asarray(x) - h)) / (2 * h)),
    ],
)


# --------------------------------------------------------------------------------------------
# dense_backward(dA, cache, W, activation) -> (dX, dW, db)
# --------------------------------------------------------------------------------------------

def _dense_case(seed: int, n: int, n_in: int, n_out: int, *, zeros: bool = False) -> tuple:
    """(dA, (A_prev, Z), W) for one layer; ``zeros`` puts a few exact zeros into Z."""
    rng = np.random.default_rng(seed)
    A_prev = rng.normal(size=(n, n_in))
    W = rng.normal(size=(n_in, n_out))
    Z = A_prev @ W + rng.normal(size=(1, n_out))
    if zeros:
        Z.flat[:: max(2, Z.size // 3)] = 0.0
    return rng.normal(size=(n, n_out)), (A_prev, Z), W


def _dense_args(seed: int, n: int, n_in: int, n_out: int, activation: str) -> tuple:
    """(dA, cache, W, activation): the arguments of dense_backward, drawn together."""
    return (*_dense_case(seed, n, n_in, n_out), activation)


_TRIPLE = ("the gradient dX (the first item)", "the gradient dW (the second item)",
           "the gradient db (the third item)")


def _triple_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """dense_backward returns the three gradients (dX, dW, db), in this order."""
    if got is None:
        return "dense_backward returned None. Did you forget the `return (dX, dW, db)` line?"
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return ("dense_backward should return three arrays, (dX, dW, db), but it returned "
                f"{describe(got)}.")
    for what, exp, value in zip(_TRIPLE, expected, got):
        problem = compare_arrays(exp, value, rtol=rtol, atol=atol, what=what)
        if problem:
            return problem
    return None


def _dense_variant(*, dZ=None, dW=None, db=None, dX=None):
    """The reference with one part replaced by a known mistake (functions of the parts)."""
    def variant(dA, cache, W, activation):
        A_prev, Z = cache
        d_Z = dZ(dA, Z, activation) if dZ else dA * ref.activation_derivative(Z, activation)
        d_W = dW(A_prev, d_Z) if dW else A_prev.T @ d_Z
        d_b = db(d_Z) if db else d_Z.sum(axis=0, keepdims=True)
        d_X = dX(dA, d_Z, W) if dX else d_Z @ W.T
        return d_X, d_W, d_b
    return variant


def _derivative_at_z(dA, Z, activation):
    """The derivatives written for the output, fed Z instead of the output."""
    if activation == "sigmoid":
        return dA * Z * (1.0 - Z)
    if activation == "tanh":
        return dA * (1.0 - Z ** 2)
    return dA * ref.activation_derivative(Z, activation)


DENSE_BACKWARD = Exercise(
    name="dense_backward",
    params=("dA", "cache", "W", "activation"),
    reference=ref.dense_backward,
    compare=_triple_compare,
    cases=[
        Case("identity activation, 3 samples, 3 -> 3 (square: a transposed product still runs)",
             (*_dense_case(111, 3, 3, 3), "identity"),
             hint="With the identity activation dZ = dA; then dX = dZ @ W.T, dW = A_prev.T @ dZ "
                  "and db = dZ summed over the samples (axis=0, keepdims=True)."),
        Case("sigmoid, 4 samples, 3 -> 2", (*_dense_case(112, 4, 3, 2), "sigmoid")),
        Case("relu, 5 samples, 4 -> 3, with some Z exactly 0 (relu's slope there is 0)",
             (*_dense_case(113, 5, 4, 3, zeros=True), "relu")),
        Case("tanh, 2 samples, 3 -> 5", (*_dense_case(114, 2, 3, 5), "tanh")),
        Case("one sample (1, 6) into one sigmoid output", redraw(_dense_args, 1, 6, 1, "sigmoid"),
             hidden=True),
        Case("a wide relu layer 10 -> 32, 7 samples", redraw(_dense_args, 7, 10, 32, "relu"),
             hidden=True),
        Case("identity, 8 samples, 2 -> 3", redraw(_dense_args, 8, 2, 3, "identity"), hidden=True),
        Case("tanh, square 4 -> 4, 4 samples", redraw(_dense_args, 4, 4, 4, "tanh"), hidden=True),
    ],
    mistakes=[
        Mistake("dW looks transposed. dW must have W's shape (n_in, n_out): "
                "dW = A_prev.T @ dZ, (n_in, n) @ (n, n_out).",
                _dense_variant(dW=lambda A_prev, dZ: dZ.T @ A_prev)),
        Mistake("dW = dZ @ A_prev is the wrong product (it only runs when the shapes happen to "
                "fit). dW = A_prev.T @ dZ: (n_in, n) @ (n, n_out), the shape of W.",
                _dense_variant(dW=lambda A_prev, dZ: dZ @ A_prev)),
        Mistake("dX = dZ @ W multiplies by W; going backwards you multiply by W transposed: "
                "dX = dZ @ W.T, (n, n_out) @ (n_out, n_in).",
                _dense_variant(dX=lambda dA, dZ, W: dZ @ W)),
        Mistake("You forgot the activation's derivative: first dZ = dA * f'(Z) (element-wise), "
                "then use dZ, not dA, for dX, dW and db.",
                _dense_variant(dZ=lambda dA, Z, activation: dA)),
        Mistake("sigmoid_derivative (and tanh's 1 - a**2) take the activation's OUTPUT a = f(Z), "
                "not Z: use sigmoid_derivative(sigmoid(Z)) and 1 - tanh(Z)**2.",
                _dense_variant(dZ=_derivative_at_z)),
        Mistake("At Z = 0 relu's derivative is 0 in this course (Z > 0, not Z >= 0).",
                _dense_variant(dZ=lambda dA, Z, activation: dA * (
                    (Z >= 0).astype(float) if activation == "relu"
                    else ref.activation_derivative(Z, activation)))),
        Mistake("dX should use dZ (the gradient after the activation's derivative), not dA: "
                "dX = dZ @ W.T.", _dense_variant(dX=lambda dA, dZ, W: dA @ W.T)),
        Mistake("db must have b's shape (1, n_out): sum with keepdims=True, "
                "dZ.sum(axis=0, keepdims=True).", _dense_variant(db=lambda dZ: dZ.sum(axis=0))),
        Mistake("db is summed over the wrong axis. b is shared by every sample (every row), so "
                "db sums over the rows: dZ.sum(axis=0, keepdims=True).",
                _dense_variant(db=lambda dZ: dZ.sum(axis=1, keepdims=True))),
        Mistake("db must be summed over the samples: b is added to every row, so its gradient "
                "collects every row's: dZ.sum(axis=0, keepdims=True).",
                _dense_variant(db=lambda dZ: dZ)),
        Mistake("db is a sum over the samples, not a mean: the loss's 1/n is already in dA.",
                _dense_variant(db=lambda dZ: dZ.mean(axis=0, keepdims=True))),
        Mistake("dW should not be divided by the number of samples: the loss's 1/n is already "
                "in dA. dW = A_prev.T @ dZ.",
                _dense_variant(dW=lambda A_prev, dZ: A_prev.T @ dZ / len(dZ))),
        Mistake("The gradients come back in the wrong order: return (dX, dW, db).",
                lambda dA, cache, W, activation: ref.dense_backward(dA, cache, W, activation)[1:]
                + ref.dense_backward(dA, cache, W, activation)[:1]),
    ],
)


# --------------------------------------------------------------------------------------------
# backward(params, cache, y, activations, loss="mse") -> [(dW, db), ...]
# --------------------------------------------------------------------------------------------

def _pairs_compare(result: str, item: str, names: tuple[str, str]) -> Callable[..., str | None]:
    """Compare a list of ``(P1, P2)`` pairs, one per layer (grads, or new params).

    names: how to call each item in a message, e.g. ("the gradient dW", "the gradient db").
    """
    first, second = names

    def compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
        if got is None:
            return f"{result} is None. Did you forget the `return` statement?"
        if not isinstance(got, (list, tuple)):
            return (f"{result} should be a list with one {item} pair per layer, but it is "
                    f"{describe(got)}.")
        if len(got) != len(expected):
            return (f"{result} has {len(got)} entries, but the network has {len(expected)} "
                    f"layers: one {item} pair per layer, layer 1 first.")
        for i, (pair, (exp1, exp2)) in enumerate(zip(got, expected), start=1):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                return f"Entry {i - 1} of {result} should be a pair {item}, but it is {describe(pair)}."
            problem = (compare_arrays(exp1, pair[0], rtol=rtol, atol=atol,
                                      what=f"{first} of layer {i} (entry [{i - 1}][0])")
                       or compare_arrays(exp2, pair[1], rtol=rtol, atol=atol,
                                         what=f"{second} of layer {i} (entry [{i - 1}][1])"))
            if problem:
                return problem
        return None
    return compare


def _net(seed: int, sizes: list[int], names: list[str], n: int, *, labels: bool) -> tuple:
    """(params, cache, y, names) of a random network run forward on random data."""
    rng = np.random.default_rng(seed)
    params = [(rng.normal(size=(a, b)), rng.normal(0.0, 0.5, size=(1, b)))
              for a, b in zip(sizes[:-1], sizes[1:])]
    X = rng.normal(size=(n, sizes[0]))
    y = ((rng.random((n, sizes[-1])) < 0.5).astype(float) if labels
         else rng.normal(size=(n, sizes[-1])))
    _, cache = forward(X, params, [ref.ACTIVATIONS[a] for a in names])
    return params, cache, y, list(names)


def _dead_relu_net(seed: int) -> tuple:
    """(params, cache, y, names) of a relu network 3 -> 4 -> 1 whose first sample is all zeros
    and whose first bias is 0: that sample's Z1 is exactly 0, where relu's derivative is 0."""
    rng = np.random.default_rng(seed)
    params = [(rng.normal(size=(3, 4)), np.zeros((1, 4))),
              (rng.normal(size=(4, 1)), rng.normal(0.0, 0.5, size=(1, 1)))]
    X = rng.normal(size=(5, 3))
    X[0] = 0.0
    y = (rng.random((5, 1)) < 0.5).astype(float)
    _, cache = forward(X, params, [ref.ACTIVATIONS["relu"], ref.ACTIVATIONS["sigmoid"]])
    return params, cache, y, ["relu", "sigmoid"]


def _handout_xor() -> tuple:
    """The handout's XOR network with its starting weights (np.random.seed(1), uniform)."""
    rng = np.random.RandomState(1)
    wh, bh, wo, bo = (rng.uniform(size=s) for s in ((2, 2), (1, 2), (2, 1), (1, 1)))
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    params = [(wh, bh), (wo, bo)]
    _, cache = forward(X, params, [sigmoid, sigmoid])
    return params, cache, y, ["sigmoid", "sigmoid"]


def _backward_variant(*, scale: str = "size", factor: float = 2.0, sign: float = 1.0,
                      shift_derivative: bool = False, bce_twice: bool = False,
                      ignore_loss: bool = False, reverse: bool = False, divide_each: bool = False):
    """The reference with one known mistake switched on."""
    def variant(params, cache, y, activations, loss="mse"):
        if ignore_loss:
            loss = "mse"
        y_hat = ref.ACTIVATIONS[activations[-1]](cache[-1][1])
        denominator = {"size": y.size, "rows": len(y), "none": 1.0}[scale]
        if loss == "mse":
            dA = sign * factor * (y_hat - y) / denominator
            last = activations[-1]
        else:
            dA = sign * (y_hat - y) / denominator
            last = "sigmoid" if bce_twice else "identity"
        names = [last, *reversed(activations[:-1])]
        if shift_derivative:   # layer l uses the activation of the layer above it
            names = [last, *reversed(activations[1:])]
        grads = []
        for (W, _), layer_cache, name in zip(reversed(params), reversed(cache), names):
            dA, dW, db = ref.dense_backward(dA, layer_cache, W, name)
            if divide_each:
                dW, db = dW / len(y), db / len(y)
            grads.append((dW, db))
        return grads if reverse else grads[::-1]
    return variant


BACKWARD = Exercise(
    name="backward",
    params=("params", "cache", "y", "activations"),
    reference=ref.backward,
    compare=_pairs_compare("grads (the list backward returns)", "(dW, db)",
                           ("the gradient dW", "the gradient db")),
    cases=[
        Case("the handout's XOR network 2 -> 2 -> 1 with its starting weights, sigmoid twice, "
             "loss='mse'", _handout_xor(), {"loss": "mse"}),
        Case("a regression network 3 -> 4 -> 2, tanh then identity, loss='mse' (2 outputs: "
             "the mean is over all n * 2 entries)",
             _net(121, [3, 4, 2], ["tanh", "identity"], 5, labels=False), {"loss": "mse"}),
        Case("a binary classifier 3 -> 5 -> 1, relu then sigmoid, loss='bce'",
             _net(122, [3, 5, 1], ["relu", "sigmoid"], 6, labels=True), {"loss": "bce"}),
        Case("a deep classifier 4 -> 6 -> 5 -> 3 -> 1, relu, tanh, sigmoid, sigmoid, loss='bce'",
             redraw(_net, [4, 6, 5, 3, 1], ["relu", "tanh", "sigmoid", "sigmoid"], 8, labels=True),
             {"loss": "bce"}, hidden=True),
        Case("one sample, 2 -> 3 -> 1, sigmoid then identity, the default loss (mse)",
             redraw(_net, [2, 3, 1], ["sigmoid", "identity"], 1, labels=False), hidden=True),
        Case("three layers 3 -> 4 -> 4 -> 3, relu, relu, identity, loss='mse'",
             redraw(_net, [3, 4, 4, 3], ["relu", "relu", "identity"], 7, labels=False),
             {"loss": "mse"}, hidden=True),
        Case("a single sigmoid layer 5 -> 1, loss='bce' (logistic regression)",
             redraw(_net, [5, 1], ["sigmoid"], 9, labels=True), {"loss": "bce"}, hidden=True),
        Case("relu 3 -> 4 -> 1, sigmoid, loss='bce', with a sample whose Z1 is exactly 0 (relu's "
             "derivative there is 0)", redraw(_dead_relu_net), {"loss": "bce"}, hidden=True,
             hint="relu_derivative(z) is 1 where z > 0 and 0 elsewhere, z = 0 included."),
    ],
    mistakes=[
        Mistake("Your gradients are n times too large: the loss is a MEAN, so its gradient has "
                "a 1/n. For mse, dL/dy_hat = 2 * (y_hat - y) / y.size.",
                _backward_variant(scale="none")),
        Mistake("np.mean((y_hat - y)**2) averages over all y.size = n * n_out entries, so "
                "dL/dy_hat = 2 * (y_hat - y) / y.size; you divided by n only.",
                _backward_variant(scale="rows")),
        Mistake("Your gradients are half the right size: the derivative of (y_hat - y)**2 is "
                "2 * (y_hat - y); don't forget the 2.", _backward_variant(factor=1.0)),
        Mistake("Your gradients have the wrong sign. The handout's error = y - output points "
                "downhill (its update adds it); the gradient of the loss is dL/dy_hat = "
                "2 * (y_hat - y) / y.size, and gradient descent subtracts it.",
                _backward_variant(sign=-1.0)),
        Mistake("Each layer must use the derivative of ITS OWN activation, activations[l], at "
                "its own Z (cache[l][1]); yours looks shifted by one layer.",
                _backward_variant(shift_derivative=True)),
        Mistake("With loss='bce' and a sigmoid output, dZ of the last layer is (y_hat - y) / y.size: "
                "the sigmoid's derivative is already in it, so don't multiply by it again.",
                _backward_variant(bce_twice=True)),
        Mistake("loss='bce' seems to be ignored: for binary cross-entropy with a sigmoid output "
                "the last layer's dZ is (y_hat - y) / y.size, not the mse gradient.",
                _backward_variant(ignore_loss=True)),
        Mistake("The gradients are in reverse order: grads[0] must be layer 1's (dW1, db1), like "
                "params. Reverse the list you built going backwards.",
                _backward_variant(reverse=True)),
        Mistake("Divide by n only once, in the loss gradient: dense_backward's dW and db are "
                "sums over the samples and need no further 1/n.",
                _backward_variant(divide_each=True)),
    ],
)


# --------------------------------------------------------------------------------------------
# repaired_backward(X, y, W1, b1, W2, b2) -> (dW1, db1, dW2, db2): find the bug
# --------------------------------------------------------------------------------------------

_FOUR = ("dW1 (the first item)", "db1 (the second item)", "dW2 (the third item)",
         "db2 (the fourth item)")


def _four_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """repaired_backward returns the four gradients (dW1, db1, dW2, db2), in this order."""
    if got is None:
        return ("repaired_backward returned None. Did you forget the "
                "`return dW1, db1, dW2, db2` line?")
    if not isinstance(got, (tuple, list)) or len(got) != 4:
        return ("repaired_backward should return four arrays, (dW1, db1, dW2, db2), but it "
                f"returned {describe(got)}.")
    for what, exp, value in zip(_FOUR, expected, got):
        problem = compare_arrays(exp, value, rtol=rtol, atol=atol, what=f"the gradient {what}")
        if problem:
            return problem
    return None


def _two_layer(seed: int, n: int, n_in: int, h: int) -> tuple:
    """(X, y, W1, b1, W2, b2): a 2-layer sigmoid network and binary labels, drawn together."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_in))
    y = (rng.random((n, 1)) < 0.5).astype(float)
    y[0, 0], y[-1, 0] = 1.0, 0.0 if n > 1 else 1.0      # both labels when there are two rows
    return (X, y, rng.normal(size=(n_in, h)), rng.normal(0.0, 0.5, size=(1, h)),
            rng.normal(size=(h, 1)), rng.normal(0.0, 0.5, size=(1, 1)))


def _xor_two_layer() -> tuple:
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    rng = np.random.default_rng(141)
    return (X, y, rng.normal(size=(2, 3)), rng.normal(0.0, 0.5, size=(1, 3)),
            rng.normal(size=(3, 1)), rng.normal(0.0, 0.5, size=(1, 1)))


def _repair_variant(*, transposed: bool = False, at_z: bool = False, mean_db2: bool = False,
                    no_derivative: bool = False, output_derivative: bool = False,
                    no_mean: bool = False, sign: float = 1.0):
    """The reference with known mistakes switched on (the first three are broken_backward's)."""
    def variant(X, y, W1, b1, W2, b2):
        Z1 = X @ W1 + b1
        A1 = sigmoid(Z1)
        y_hat = sigmoid(A1 @ W2 + b2)
        dZ2 = sign * (y_hat - y) / (1.0 if no_mean else y.size)
        if output_derivative:
            dZ2 = dZ2 * y_hat * (1.0 - y_hat)
        dW2 = A1.T @ dZ2
        db2 = dZ2.mean(axis=0, keepdims=True) if mean_db2 else dZ2.sum(axis=0, keepdims=True)
        dA1 = dZ2 @ W2.T
        if no_derivative:
            dZ1 = dA1
        else:
            dZ1 = dA1 * ref.sigmoid_derivative(Z1 if at_z else A1)
        dW1 = dZ1.T @ X if transposed else X.T @ dZ1
        db1 = dZ1.sum(axis=0, keepdims=True)
        return dW1, db1, dW2, db2
    return variant


_BUG_HINTS = {
    "transposed": "dW1 is transposed: it must have W1's shape (n_in, h), so dW1 = X.T @ dZ1, "
                  "not dZ1.T @ X (the two only look alike when W1 is square)",
    "at_z": "sigmoid_derivative takes the sigmoid's OUTPUT (lesson convention): the hidden "
            "layer's slope is sigmoid_derivative(A1), not sigmoid_derivative(Z1)",
    "mean_db2": "db2 must be summed over the samples, dZ2.sum(axis=0, keepdims=True): the "
                "loss's 1/y.size is already in dZ2, and a mean divides by n a second time",
}


def _bug_mistakes() -> list[Mistake]:
    """broken_backward's three bugs: all three, each pair, and each one alone."""
    names = list(_BUG_HINTS)
    combos = [tuple(names)] + [(a, b) for i, a in enumerate(names) for b in names[i + 1:]] + \
        [(a,) for a in names]
    mistakes = []
    for combo in combos:
        if len(combo) == 3:
            head = "This is still broken_backward: none of its three bugs is fixed. "
        elif len(combo) == 2:
            head = "Two bugs are left (one is fixed). "
        else:
            head = "One bug is left. "
        hint = head + "; ".join(_BUG_HINTS[b] for b in combo) + "."
        mistakes.append(Mistake(hint, _repair_variant(**{b: True for b in combo})))
    return mistakes


REPAIRED_BACKWARD = Exercise(
    name="repaired_backward",
    params=("X", "y", "W1", "b1", "W2", "b2"),
    reference=ref.repaired_backward,
    compare=_four_compare,
    cases=[
        Case("the XOR inputs, 4 samples, 2 -> 3 -> 1", _xor_two_layer(),
             hint="Compare each line with the four steps of dense_backward: dZ = dA * f'(Z), "
                  "dW = A_prev.T @ dZ, db = dZ summed over the samples, dX = dZ @ W.T; and "
                  "sigmoid_derivative takes the output A1, not Z1."),
        Case("the demonstration's network, 6 samples, 3 -> 3 -> 1 (W1 square: a transposed dW1 "
             "still has the right shape)", _two_layer(142, 6, 3, 3)),
        Case("5 samples, 4 -> 6 -> 1", _two_layer(143, 5, 4, 6)),
        Case("one sample, 3 -> 2 -> 1", redraw(_two_layer, 1, 3, 2), hidden=True),
        Case("9 samples, 5 -> 4 -> 1", redraw(_two_layer, 9, 5, 4), hidden=True),
        Case("12 samples, 2 -> 8 -> 1", redraw(_two_layer, 12, 2, 8), hidden=True),
    ],
    mistakes=[
        *_bug_mistakes(),
        Mistake("The hidden layer's gradient is missing the sigmoid's slope: dZ1 = dA1 * "
                "sigmoid_derivative(A1), with dA1 = dZ2 @ W2.T.",
                _repair_variant(no_derivative=True)),
        Mistake("dZ2 = (y_hat - y) / y.size already contains the output sigmoid's derivative "
                "(binary cross-entropy cancels it); don't multiply by y_hat * (1 - y_hat) again.",
                _repair_variant(output_derivative=True)),
        Mistake("Your gradients are y.size times too large: the loss is a MEAN over y.size "
                "entries, so dZ2 = (y_hat - y) / y.size.", _repair_variant(no_mean=True)),
        Mistake("Your gradients have the wrong sign: dZ2 = (y_hat - y) / y.size (prediction "
                "minus target).", _repair_variant(sign=-1.0)),
        Mistake("The gradients come back in the wrong order: return dW1, db1, dW2, db2.",
                lambda *args: (lambda g: (g[0], g[2], g[1], g[3]))(ref.repaired_backward(*args))),
    ],
)


# --------------------------------------------------------------------------------------------
# gradient_descent_step(params, grads, lr) -> new params
# --------------------------------------------------------------------------------------------

def _params_and_grads(seed: int, sizes: list[int]) -> tuple:
    rng = np.random.default_rng(seed)
    pairs = [[(rng.normal(size=(a, b)), rng.normal(size=(1, b))) for a, b in zip(sizes[:-1], sizes[1:])]
             for _ in range(2)]
    return pairs[0], pairs[1]


def _step_args(seed: int, sizes: list[int], lr: float) -> tuple:
    """(params, grads, lr): the arguments of gradient_descent_step, drawn together."""
    return (*_params_and_grads(seed, sizes), lr)


GRADIENT_DESCENT_STEP = Exercise(
    name="gradient_descent_step",
    params=("params", "grads", "lr"),
    reference=ref.gradient_descent_step,
    compare=_pairs_compare("The new params (what gradient_descent_step returns)", "(W, b)",
                           ("the new W", "the new b")),
    cases=[
        Case("one layer 3 -> 2, lr = 0.1", (*_params_and_grads(131, [3, 2]), 0.1)),
        Case("the XOR network's two layers 2 -> 2 -> 1, lr = 0.5", (*_params_and_grads(132, [2, 2, 1]), 0.5)),
        Case("three layers 4 -> 5 -> 3 -> 1, lr = 2 (an int)", (*_params_and_grads(133, [4, 5, 3, 1]), 2)),
        Case("lr = 0: nothing moves", redraw(_step_args, [3, 3], 0.0), hidden=True),
        Case("a digits-sized network 64 -> 32 -> 10, lr = 0.01",
             redraw(_step_args, [64, 32, 10], 0.01), hidden=True),
    ],
    mistakes=[
        Mistake("Your step goes uphill (gradient ascent): the gradient points towards a LARGER "
                "loss, so subtract it: W - lr * dW.",
                lambda params, grads, lr: [(W + lr * dW, b + lr * db)
                                           for (W, b), (dW, db) in zip(params, grads)]),
        Mistake("You forgot the learning rate: W - lr * dW.",
                lambda params, grads, lr: [(W - dW, b - db) for (W, b), (dW, db) in zip(params, grads)]),
        Mistake("The biases did not move: update b as well, b - lr * db.",
                lambda params, grads, lr: [(W - lr * dW, b) for (W, b), (dW, db) in zip(params, grads)]),
        Mistake("Multiply the gradient by lr, don't divide by it: W - lr * dW.",
                lambda params, grads, lr: [(W - dW / lr, b - db / lr)
                                           for (W, b), (dW, db) in zip(params, grads)]),
        Mistake("You returned the gradients scaled by lr; the new parameter is the old one minus "
                "that: W - lr * dW.",
                lambda params, grads, lr: [(-lr * dW, -lr * db) for dW, db in grads]),
    ],
)

EXERCISES = [SIGMOID_DERIVATIVE, RELU_DERIVATIVE, NUMERICAL_GRADIENT, DENSE_BACKWARD, BACKWARD,
             REPAIRED_BACKWARD, GRADIENT_DESCENT_STEP]
