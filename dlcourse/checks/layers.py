"""Lesson 02 exercises: init_params, dense_forward, forward, count_params, q3_output_shape, input_dim,
predicted_shapes, relu_moment_factor."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..reference import layers as ref
from ..reference.activations import relu, sigmoid, tanh
from .core import (RTOL, ATOL, Case, Exercise, Mistake, Property, compare_arrays,
                   describe, redraw)
from .core import seeded_data as _data
from .core import call_or_raise as _call


def _identity(Z):
    return Z


def _layer(seed: int, n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n_in, n_out)), rng.normal(size=(1, n_out))


def _dense_args(seed: int, n: int, n_in: int, n_out: int, activation: Callable) -> tuple:
    """(X, W, b, activation): n random samples into a random layer n_in -> n_out."""
    return (_data(seed, n, n_in), *_layer(seed + 1, n_in, n_out), activation)


# --------------------------------------------------------------------------------------------
# init_params: many answers are right, so the checker tests properties
# --------------------------------------------------------------------------------------------

def _params_problem(params: Any, sizes: list[int]) -> str | None:
    """Is ``params`` a list of (W, b) pairs with the course's shapes for these layer sizes?"""
    call = f"init_params({sizes})"
    if params is None:
        return f"{call} returned None. Did you forget the `return` statement?"
    if not isinstance(params, (list, tuple)):
        return f"{call} should return a list of (W, b) pairs, but returned {describe(params)}."
    n_layers = len(sizes) - 1
    if len(params) != n_layers:
        return (f"{call} returned {len(params)} pairs, but {len(sizes)} layer sizes make "
                f"{n_layers} layers (one (W, b) pair between each two consecutive sizes).")
    for i, (pair, n_in, n_out) in enumerate(zip(params, sizes[:-1], sizes[1:]), start=1):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            return f"Layer {i} of {call} should be a pair (W, b), but it is {describe(pair)}."
        W, b = pair
        for name, arr, shape in (("W", W, (n_in, n_out)), ("b", b, (1, n_out))):
            if not isinstance(arr, np.ndarray):
                return f"{name} of layer {i} should be a NumPy array, but it is {describe(arr)}."
            if arr.shape != shape:
                hint = ""
                if name == "W" and arr.shape == shape[::-1]:
                    hint = (" It looks transposed: the course computes X @ W, so W has one row per "
                            "input and one column per output.")
                elif name == "b" and arr.shape == (n_out,):
                    hint = " Give b the shape (1, n_out), as in the handout (np.zeros((1, n_out)))."
                return (f"{name} of layer {i} has shape {arr.shape}, but ({n_in} inputs -> {n_out} "
                        f"outputs) needs shape {shape}.{hint}")
            if arr.dtype != np.float64:
                return f"{name} of layer {i} has dtype {arr.dtype}; float64 was expected."
            if not np.all(np.isfinite(arr)):
                return f"{name} of layer {i} contains NaN or infinity."
    return None


def _init_shapes(sizes: list[int]) -> Callable[[Callable[..., Any]], str | None]:
    def verify(fn: Callable[..., Any]) -> str | None:
        return _params_problem(_call(fn, list(sizes)), sizes)
    return verify


def _init_weights_differ(fn: Callable[..., Any]) -> str | None:
    sizes = [4, 5, 3]
    params = _call(fn, sizes)
    problem = _params_problem(params, sizes)
    if problem:
        return problem
    for i, (W, _) in enumerate(params, start=1):
        if np.ptp(W) == 0:
            return (f"All the weights of layer {i} are equal ({W.flat[0]:g}). Then every neuron of "
                    "the layer computes the same thing and they stay equal during training. "
                    "Draw random weights, for example rng.normal(size=(n_in, n_out)).")
        if np.max(np.abs(W)) > 10:
            return (f"Some weights of layer {i} are larger than 10 in size ({np.max(np.abs(W)):.3g}). "
                    "Start with small random weights, for example rng.normal(0, 1/np.sqrt(n_in), ...).")
    return None


def _init_seeded(fn: Callable[..., Any]) -> str | None:
    sizes = [3, 4, 2]
    first, again = _call(fn, sizes, seed=7), _call(fn, sizes, seed=7)
    for params in (first, again):
        problem = _params_problem(params, sizes)
        if problem:
            return problem
    for i, ((W1, b1), (W2, b2)) in enumerate(zip(first, again), start=1):
        if not (np.array_equal(W1, W2) and np.array_equal(b1, b2)):
            return (f"Two calls with seed=7 gave different values (layer {i}). Create the random "
                    "generator from the seed inside the function: rng = np.random.default_rng(seed).")
    other = _call(fn, sizes, seed=8)
    problem = _params_problem(other, sizes)
    if problem:
        return problem
    if all(np.array_equal(W1, W2) for (W1, _), (W2, _) in zip(first, other)):
        return ("seed=7 and seed=8 gave exactly the same weights: the `seed` argument is ignored. "
                "Use it: rng = np.random.default_rng(seed).")
    return None


def _init_default_seed(fn: Callable[..., Any]) -> str | None:
    sizes = [2, 3, 1]
    a, b = _call(fn, sizes), _call(fn, sizes, seed=0)
    for params in (a, b):
        problem = _params_problem(params, sizes)
        if problem:
            return problem
    if not all(np.array_equal(W1, W2) for (W1, _), (W2, _) in zip(a, b)):
        return "init_params(sizes) and init_params(sizes, seed=0) should be equal: the default seed is 0."
    return None


def _init_small_centred(fn: Callable[..., Any]) -> str | None:
    """Wide layers show the scale: small weights (any std up to about 1 passes) centred on 0."""
    sizes = [400, 300, 10]
    params = _call(fn, sizes)
    problem = _params_problem(params, sizes)
    if problem:
        return problem
    for i, (W, _) in enumerate(params, start=1):
        if np.max(np.abs(W)) > 10:
            return (f"Some weights of layer {i} ({sizes[i - 1]} inputs) are larger than 10 in size "
                    f"({np.max(np.abs(W)):.3g}). Start with small random weights, for example "
                    "rng.normal(0, 1/np.sqrt(n_in), ...): divide by the square root of n_in, do not "
                    "multiply.")
        if abs(float(np.mean(W))) > 0.1:
            return (f"The weights of layer {i} average {float(np.mean(W)):.3g}, not about 0. Draw "
                    "them centred on 0 (a normal distribution with mean 0), so that each neuron "
                    "starts with positive and negative weights.")
    return None


INIT_PARAMS = Exercise(
    name="init_params",
    params=("layer_sizes", "seed"),
    reference=None,
    cases=[
        Property("the handout's XOR network [2, 2, 1]: one (W, b) pair per layer with the right shapes",
                 _init_shapes([2, 2, 1])),
        Property("a deeper network [4, 5, 3]: weights random and not all equal", _init_weights_differ),
        Property("the same seed gives the same values; a different seed gives different ones",
                 _init_seeded),
        Property("a wide network [64, 32, 16, 10]", _init_shapes([64, 32, 16, 10]), hidden=True),
        Property("a single layer [5, 1]", _init_shapes([5, 1]), hidden=True),
        Property("the default seed is 0", _init_default_seed, hidden=True),
        Property("a wide network [400, 300, 10]: small weights, centred on 0",
                 _init_small_centred, hidden=True),
    ],
)


# --------------------------------------------------------------------------------------------
# dense_forward and forward
# --------------------------------------------------------------------------------------------

_W1, _b1 = _layer(61, 3, 4)
_W2, _b2 = _layer(62, 4, 2)

DENSE_FORWARD = Exercise(
    name="dense_forward",
    params=("X", "W", "b", "activation"),
    reference=ref.dense_forward,
    cases=[
        Case("X = 0, identity activation: every row must equal the bias",
             (np.zeros((2, 3)), _W1, _b1, _identity),
             hint="With X = 0, X @ W is 0, so the output should be b in every row."),
        Case("3 samples, 3 inputs -> 4 outputs, sigmoid", (_data(63, 3, 3), _W1, _b1, sigmoid)),
        Case("5 samples, 4 inputs -> 2 outputs, relu", (_data(64, 5, 4), _W2, _b2, relu)),
        Case("the handout's Q3: X (3, 2) @ W (2, 1)",
             (np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), np.array([[0.1], [0.2]]),
              np.array([[0.05]]), _identity)),
        Case("a square layer 4 -> 4, where a transposed W still fits",
             (_data(68, 3, 4), *_layer(69, 4, 4), _identity)),
        Case("one sample as a (1, n_in) batch, tanh", redraw(_dense_args, 1, 3, 4, tanh),
             hidden=True),
        Case("a wide layer 10 -> 64, relu", redraw(_dense_args, 7, 10, 64, relu), hidden=True),
    ],
    mistakes=[
        Mistake("It looks like you forgot the bias: the layer computes activation(X @ W + b).",
                lambda X, W, b, activation: activation(X @ W)),
        Mistake("You did not apply the activation: the layer returns activation(X @ W + b), "
                "not X @ W + b.",
                lambda X, W, b, activation: X @ W + b),
        Mistake("You applied the activation before adding b; add b first: activation(X @ W + b).",
                lambda X, W, b, activation: activation(X @ W) + b),
        Mistake("It looks like you used W transposed (X @ W.T). In this course W has shape "
                "(n_in, n_out): one row per input, one column per output, so a layer is X @ W + b.",
                lambda X, W, b, activation: activation(X @ W.T + b)),
        Mistake("You used the activation on the input, not on the output of the layer.",
                lambda X, W, b, activation: activation(X) @ W + b),
    ],
)


def _forward_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """forward returns (output, cache) with cache = [(A_prev, Z), ...], one pair per layer."""
    out_exp, cache_exp = expected
    if got is None:
        return "forward returned None. It should return a pair: (output, cache)."
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"forward should return a pair (output, cache), but it returned {describe(got)}."
    out_got, cache_got = got
    problem = compare_arrays(out_exp, out_got, rtol=rtol, atol=atol, what="output (the first item)")
    if problem:
        return problem
    if not isinstance(cache_got, (list, tuple)):
        return f"cache should be a list with one (A_prev, Z) pair per layer, but it is {describe(cache_got)}."
    if len(cache_got) != len(cache_exp):
        return (f"cache has {len(cache_got)} entries, but the network has {len(cache_exp)} layers: "
                "append one (A_prev, Z) pair per layer.")
    for i, (entry_got, (a_exp, z_exp)) in enumerate(zip(cache_got, cache_exp), start=1):
        if not isinstance(entry_got, (list, tuple)) or len(entry_got) != 2:
            return f"cache[{i - 1}] should be a pair (A_prev, Z), but it is {describe(entry_got)}."
        a_got, z_got = entry_got
        problem = (compare_arrays(a_exp, a_got, rtol=rtol, atol=atol,
                                  what=f"cache[{i - 1}][0] (A_prev, the input of layer {i})")
                   or compare_arrays(z_exp, z_got, rtol=rtol, atol=atol,
                                     what=f"cache[{i - 1}][1] (Z, the pre-activation of layer {i})"))
        if problem:
            return problem
    return None


def _ref_params(*sizes: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    return [_layer(seed + i, n_in, n_out) for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))]


def _forward_no_last_activation(X, params, activations):
    A, cache = X, []
    for i, ((W, b), act) in enumerate(zip(params, activations)):
        Z = A @ W + b
        cache.append((A, Z))
        A = act(Z) if i < len(params) - 1 else Z
    return A, cache


def _forward_caches_activation(X, params, activations):
    A, cache = X, []
    for (W, b), act in zip(params, activations):
        Z = A @ W + b
        A_next = act(Z)
        cache.append((A, A_next))
        A = A_next
    return A, cache


def _forward_first_activation_only(X, params, activations):
    A, cache = X, []
    for (W, b) in params:
        Z = A @ W + b
        cache.append((A, Z))
        A = activations[0](Z)
    return A, cache


FORWARD = Exercise(
    name="forward",
    params=("X", "params", "activations"),
    reference=ref.forward,
    compare=_forward_compare,
    cases=[
        Case("one layer, identity activation", (_data(71, 3, 3), [(_W1, _b1)], [_identity])),
        Case("two layers 3 -> 4 -> 2, relu then sigmoid",
             (_data(72, 5, 3), [(_W1, _b1), (_W2, _b2)], [relu, sigmoid])),
        Case("the handout's XOR shapes 2 -> 2 -> 1, sigmoid twice",
             (np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), _ref_params(2, 2, 1, seed=73),
              [sigmoid, sigmoid])),
        Case("three layers 6 -> 8 -> 5 -> 3, tanh, relu, identity",
             (redraw(_data, 4, 6), redraw(lambda s: _ref_params(6, 8, 5, 3, seed=s)),
              [tanh, relu, _identity]), hidden=True),
        Case("a deep narrow net 2 -> 3 -> 3 -> 3 -> 1",
             (redraw(_data, 8, 2), redraw(lambda s: _ref_params(2, 3, 3, 3, 1, seed=s)),
              [relu, tanh, relu, sigmoid]), hidden=True),
    ],
    mistakes=[
        Mistake("The last layer's activation was not applied; apply activations[i] to every layer, "
                "including the last.", _forward_no_last_activation),
        Mistake("The cache should hold each layer's pre-activation Z = A_prev @ W + b, but yours "
                "holds the activation A = activation(Z). Backprop needs Z.",
                _forward_caches_activation),
        Mistake("Every layer used the first activation; layer i should use activations[i].",
                _forward_first_activation_only),
    ],
)


# --------------------------------------------------------------------------------------------
# count_params and the two auto-graded answers
# --------------------------------------------------------------------------------------------

def _int_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL,
                 what: str = "the result") -> str | None:
    if got is None:
        return f"{what} is None. Did you forget the `return` statement?"
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
        return (f"{what} should be a whole number (an int), but it is {describe(got)} "
                f"({type(got).__name__}). A count of parameters is an integer.")
    if int(got) != int(expected):
        return f"{what} is wrong.\n  expected: {expected}\n  got:      {int(got)}"
    return None


def _sizes(seed: int, n: int) -> list[int]:
    """n layer sizes from 1 to 39, as Python ints, the first unlike the last (with equal ends, one
    bias per input neuron counts as many biases as one per output neuron)."""
    rng = np.random.default_rng(seed)
    while True:
        sizes = [int(v) for v in rng.integers(1, 40, size=n)]
        if sizes[0] != sizes[-1]:
            return sizes


COUNT_PARAMS = Exercise(
    name="count_params",
    params=("layer_sizes",),
    reference=ref.count_params,
    compare=_int_compare,
    cases=[
        Case("the XOR network [2, 2, 1]: 9 parameters", ([2, 2, 1],)),
        Case("the handout's framework example [10, 64, 1]", ([10, 64, 1],)),
        Case("a single layer [3, 1]", ([3, 1],)),
        Case("a digits classifier [64, 32, 16, 10]", ([64, 32, 16, 10],), hidden=True),
        Case("a tuple of sizes (5, 7, 7, 2)", ((5, 7, 7, 2),), hidden=True),
        Case("a random list of 4 layer sizes", (redraw(_sizes, 4),), hidden=True),
    ],
    mistakes=[
        Mistake("You counted the weights but not the biases: each layer also has one bias per "
                "output neuron (n_in * n_out + n_out).",
                lambda s: sum(a * b for a, b in zip(s[:-1], s[1:]))),
        Mistake("You counted neurons, not parameters: a layer from n_in to n_out neurons has "
                "n_in * n_out weights and n_out biases.",
                lambda s: sum(s)),
        Mistake("You counted one bias per input neuron; there is one bias per output neuron "
                "(n_in * n_out + n_out).",
                lambda s: sum(a * b + a for a, b in zip(s[:-1], s[1:]))),
    ],
)


def _shape_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    if isinstance(got, list):
        got = tuple(got)
    if not isinstance(got, tuple) or not all(isinstance(n, (int, np.integer)) for n in got):
        return (f"q3_output_shape should be a shape written as a tuple of ints, like (2, 5), "
                f"but it is {describe(got)}.")
    if tuple(int(n) for n in got) != expected:
        return f"q3_output_shape is {tuple(got)}, but that is not the shape of np.dot(X, W)."
    return None


Q3_OUTPUT_SHAPE = Exercise(
    name="q3_output_shape",
    params=(),
    reference=lambda: (3, 1),
    compare=_shape_compare,
    is_value=True,
    cases=[Case("the shape of np.dot(X, W) for X (3, 2) and W (2, 1)")],
    mistakes=[
        Mistake("(1, 3) has rows and columns swapped: the result has one row per sample of X "
                "and one column per column of W.", lambda: (1, 3)),
        Mistake("np.dot(X, W) keeps the column dimension of W: the shape is (rows of X, columns "
                "of W), a 2-D shape.", lambda: (3,)),
        Mistake("(3, 2) is the shape of X. A matrix product (3, 2) @ (2, 1) has the outer "
                "dimensions.", lambda: (3, 2)),
    ],
)


def _input_dim_compare(expected: Any, got: Any, **_: Any) -> str | None:
    if got is None:  # a value, not a function: "did you forget `return`?" would mislead
        return "input_dim is None. Replace None with your answer: the number of input features."
    return _int_compare(expected, got, what="input_dim")


INPUT_DIM = Exercise(
    name="input_dim",
    params=(),
    reference=lambda: 64,
    compare=_input_dim_compare,
    is_value=True,
    cases=[Case("input_dim of the digits data set (X of shape (1797, 64))")],
    mistakes=[
        Mistake("1797 is the number of samples (rows). input_dim is the number of features "
                "per sample: the number of columns, X.shape[1].", lambda: 1797),
        Mistake("Each image is 8 x 8 pixels, but it is stored as one row of 8 * 8 = 64 "
                "features; input_dim counts all the features.", lambda: 8),
        Mistake("10 is the number of classes (digits 0-9), the size of the output layer, "
                "not the input.", lambda: 10),
    ],
)

# --------------------------------------------------------------------------------------------
# predicted_shapes: six shapes predicted before a cell runs the expressions (predict-then-run)
# --------------------------------------------------------------------------------------------

#: the expressions of lesson 02's shape quiz, with X (5, 3), W (3, 4), b (1, 4), Z = X @ W + b
SHAPE_QUIZ = ("X @ W", "X @ W + b", "W @ X", "X.T @ Z", "np.sum(Z, axis=0, keepdims=True)",
              "X[0] @ W")


def _quiz_reference() -> list:
    X, W, b = np.ones((5, 3)), np.ones((3, 4)), np.ones((1, 4))
    Z = X @ W + b
    shapes: list = []
    for make in (lambda: X @ W, lambda: X @ W + b, lambda: W @ X, lambda: X.T @ Z,
                 lambda: np.sum(Z, axis=0, keepdims=True), lambda: X[0] @ W):
        try:
            shapes.append(make().shape)
        except ValueError:
            shapes.append(None)
    return shapes


#: for each item, known wrong predictions and what to tell the student (never the answer)
_ITEM_HINTS: list[dict] = [
    {(4, 5): "rows and columns are swapped: the result has one row per row of X and one column "
             "per column of W.",
     (5, 3): "(5, 3) is the shape of X. In (n, k) @ (k, m) the inner size k disappears in the sum.",
     (3, 4): "(3, 4) is the shape of W. In (n, k) @ (k, m) the result keeps the outer sizes."},
    {(6, 4): "b is not stacked under the product: + b broadcasts its one row onto every row, so "
             "adding b never changes the shape.",
     (1, 4): "b has one row, but + b broadcasts that row onto every row of X @ W: the result keeps "
             "the shape of X @ W."},
    {"shape": "W @ X puts W first: the inner sizes are then the columns of W and the rows of X. Do "
              "they match? When they do not, NumPy raises an error: write None."},
    {(5, 4): "X.T is X transposed: it has the sizes of X swapped, so the sum runs over the 5 rows "
             "(the samples).",
     (3, 3): "X.T @ Z: the result has one row per row of X.T and one column per column of Z.",
     None: "X.T has the sizes of X swapped. Do its columns match the rows of Z?"},
    {(4,): "keepdims=True keeps the summed axis, with size 1: the result is still 2-D.",
     (5, 1): "axis=0 sums over the rows (down each column), so the rows disappear, not the columns.",
     (1, 5): "axis=0 sums down each column of Z: one sum per column, and Z has the columns of W.",
     (5, 4): "np.sum adds numbers up: with axis=0 the rows are summed, so that axis shrinks."},
    {(1, 4): "X[0] is one row of X as a 1-D array of shape (3,), not a 2-D row (1, 3). A 1-D array "
             "@ a matrix gives a 1-D result.",
     (5, 4): "X[0] is the first row of X only, one sample, not all of X.",
     None: "X[0] has shape (3,) and W has 3 rows: @ multiplies a 1-D array by a matrix like a "
           "single row, without an error."},
]


def _as_shape(value: Any) -> Any:
    """A prediction as a tuple of ints, None (an error) or the value itself if it is neither."""
    if value is None:
        return None
    if isinstance(value, (tuple, list)) and all(
            isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_)) for n in value):
        return tuple(int(n) for n in value)
    return value


def _shapes_compare(expected: Any, got: Any, **_: Any) -> str | None:
    n = len(SHAPE_QUIZ)
    if got is None:
        return (f"predicted_shapes is None. Replace None with a list of your {n} predictions, "
                "one per expression, in order.")
    if not isinstance(got, (list, tuple)):
        return f"predicted_shapes should be a list of {n} predictions, but it is {describe(got)}."
    if len(got) != n:
        return (f"predicted_shapes has {len(got)} entries, but there are {n} expressions: write "
                "one prediction per expression, in order (None for one that fails).")
    for i, (expression, right, answer) in enumerate(zip(SHAPE_QUIZ, expected, got)):
        label = f"Entry {i} (`{expression}`)"
        if isinstance(answer, str):
            return (f"{label} is the string {answer!r}. Write a shape as a tuple of ints, like "
                    "(2, 5), and None (without quotes) for an expression that raises an error.")
        shape = _as_shape(answer)
        if shape is not None and not isinstance(shape, tuple):
            return (f"{label} should be a shape, a tuple of ints like (2, 5) or (7,), or None, "
                    f"but it is {describe(answer)}.")
        if shape == right:
            continue
        hints = _ITEM_HINTS[i]
        hint = hints.get(shape) or (hints.get("shape") if shape is not None else None)
        if right is None:
            what = f"you predicted {shape}, but this expression does not give a result."
        elif shape is None:
            what = "you predicted an error (None), but NumPy computes this one."
        else:
            what = f"you predicted {shape}, but that is not the shape NumPy gives."
        return (f"{label}: {what} Hint: "
                + (hint or "write both shapes down and apply the rule (n, k) @ (k, m) -> (n, m); "
                           "+ and np.sum follow the broadcasting and axis rules of section 3."))
    return None


PREDICTED_SHAPES = Exercise(
    name="predicted_shapes",
    params=(),
    reference=_quiz_reference,
    compare=_shapes_compare,
    is_value=True,
    cases=[Case("the shapes of the 6 expressions, with X (5, 3), W (3, 4), b (1, 4) and "
                "Z = X @ W + b")],
)


# --------------------------------------------------------------------------------------------
# relu_moment_factor: derived before the cell that measures it (derive-then-run)
# --------------------------------------------------------------------------------------------

def _factor_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    if got is None:
        return "relu_moment_factor is None. Replace None with your answer: a number."
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)):
        return (f"relu_moment_factor should be a number, like 0.3, but it is {describe(got)} "
                f"({type(got).__name__}).")
    # a rounded answer (0.71 for 1/sqrt(2), 0.34 for the variance) still meets its hint
    if not np.isfinite(got) or abs(float(got) - expected) > 0.01 * abs(expected):
        return (f"relu_moment_factor is {describe(got)}, but that is not the factor by which one "
                "ReLU multiplies the mean square, mean(relu(Z)**2) / mean(Z**2).")
    return None


RELU_MOMENT_FACTOR = Exercise(
    name="relu_moment_factor",
    params=(),
    reference=lambda: 0.5,
    compare=_factor_compare,
    is_value=True,
    cases=[Case("mean(relu(Z)**2) / mean(Z**2) for Z symmetric around 0",
                hint="Split the mean of relu(Z)**2 into the entries where Z > 0 and those where "
                     "Z <= 0. What is relu(Z)**2 on each part, and how many entries does each "
                     "part hold when Z is symmetric around 0?")],
    mistakes=[
        Mistake("1 is the factor of the linear step Z = A_prev @ W + b with std 1/sqrt(n_in), which "
                "keeps the mean square. The ReLU comes after it: what does it do to the negative "
                "entries of Z?", lambda: 1.0),
        Mistake("1/sqrt(2), about 0.71, is the factor of the root mean square (the size, like a "
                "std). The question asks for the mean of the squares.", lambda: 1 / np.sqrt(2)),
        Mistake("2 is the factor He's initialisation puts into the weights' variance to undo the "
                "ReLU's effect; the ReLU itself makes the mean square smaller, not larger.",
                lambda: 2.0),
        Mistake("The ReLU keeps the positive entries unchanged, it does not halve them: relu(z)**2 "
                "is z**2 for z > 0 and 0 otherwise.", lambda: 0.25),
        Mistake("About 0.34 is the variance of relu(Z) for a standard normal Z (the spread around "
                "its mean, which is no longer 0). The question asks for the mean of the squares, "
                "mean(relu(Z)**2), which is what the next layer adds up.",
                lambda: 0.5 - 1 / (2 * np.pi)),
        Mistake("The ReLU does not set every entry to 0: only the negative ones, about half of "
                "them when Z is symmetric around 0.", lambda: 0.0),
    ],
)

EXERCISES = [INIT_PARAMS, DENSE_FORWARD, FORWARD, COUNT_PARAMS, Q3_OUTPUT_SHAPE, INPUT_DIM,
             PREDICTED_SHAPES, RELU_MOMENT_FACTOR]
