"""Lesson 01 exercises: weighted_sum, sigmoid, relu, tanh, softmax, neuron, weather_output_change."""
from __future__ import annotations

import numpy as np

from ..reference import activations as ref
from .core import RTOL, ATOL, Case, Exercise, Mistake, describe, redraw
from .core import seeded_data as _data

HANDOUT_X = np.array([1.0, 2.0, 3.0])
HANDOUT_W = np.array([0.5, -1.0, 0.8])
HANDOUT_B = 0.2

FORGOT_BIAS = "With the bias included z = x . w + b; your answer looks like x . w alone. Did you forget `+ b`?"

WEIGHTED_SUM = Exercise(
    name="weighted_sum",
    params=("x", "w", "b"),
    reference=ref.weighted_sum,
    cases=[
        Case("the handout example: z = 1.1", (HANDOUT_X, HANDOUT_W, HANDOUT_B)),
        Case("x = 0, so z must equal the bias", (np.zeros(3), HANDOUT_W, 0.7),
             hint="With x = 0 every product is 0, so z should be the bias b."),
        Case("a batch: x of shape (4, 3) gives one z per row",
             (_data(1, 4, 3), _data(2, 3), -0.3),
             hint="With x of shape (n, d) the answer has shape (n,): one weighted sum per row."),
        Case("Python lists and an integer bias", ([1.0, -2.0], [3.0, 0.5], 2), names=("x", "w", "b")),
        Case("a longer random vector", (redraw(_data, 7), redraw(_data, 7), 1.5), hidden=True),
        Case("a batch of 6 samples with 5 features", (redraw(_data, 6, 5), redraw(_data, 5), 0.25),
             hidden=True),
        Case("a single sample as a (1, d) batch", (redraw(_data, 1, 4), redraw(_data, 4), -2.0),
             hidden=True),
    ],
    mistakes=[
        Mistake(FORGOT_BIAS, lambda x, w, b: np.asarray(x, float) @ np.asarray(w, float)),
        Mistake("You summed every product in the whole batch into one number. Sum each row "
                "separately: np.sum(x * w, axis=-1), or x @ w.",
                lambda x, w, b: np.sum(np.asarray(x, float) * np.asarray(w, float)) + b),
        Mistake("You summed over the wrong axis: each sample is a row, so sum along the last "
                "axis (axis=-1), not axis=0.",
                lambda x, w, b: np.sum(np.asarray(x, float) * np.asarray(w, float), axis=0) + b),
        Mistake("You multiplied the bias in (or multiplied by it) instead of adding it once.",
                lambda x, w, b: (np.asarray(x, float) @ np.asarray(w, float)) * b),
        Mistake("You added the bias to every product before summing, so it was counted d times. "
                "Add b once, after the sum.",
                lambda x, w, b: np.sum(np.asarray(x, float) * np.asarray(w, float) + b, axis=-1)),
    ],
)


SIGMOID = Exercise(
    name="sigmoid",
    params=("z",),
    reference=ref.sigmoid,
    cases=[
        Case("sigmoid(0) = 0.5", (0.0,)),
        Case("the handout example: sigmoid(1.1) is about 0.75", (1.1,)),
        Case("an array of mixed signs", (np.array([-3.0, -0.5, 0.25, 2.0, 6.0]),)),
        Case("large inputs: sigmoid(-1000) is exactly 0 and sigmoid(1000) exactly 1, with no overflow",
             # only inputs whose float64 sigmoid is exactly 0 or 1: exactness is the point here,
             # and elsewhere correct formulas differ by an ulp (1 - 1/(1 + e) gives 0 at z = -50)
             (np.array([-1000.0, -800.0, 800.0, 1000.0]),), rtol=0.0, atol=0.0,
             hint="The limits must come out exactly: 0.0 for very negative z, 1.0 for very large z. "
                  "Clipping z (np.clip) leaves a tiny non-zero value instead of 0, and "
                  "1 / (1 + np.exp(-z)) overflows at z = -1000 (np.exp(1000) is inf). Compute "
                  "np.exp only of -|z| (which is at most 1) and use the form that suits each sign: "
                  "1 / (1 + e) for z >= 0 and e / (1 + e) for z < 0, with e = np.exp(-|z|). "
                  "Note that np.where evaluates both branches for every element."),
        Case("a 2-D array keeps its shape", (_data(11, 3, 4, scale=3.0),)),
        Case("a Python int", (2,), hidden=True),
        Case("random inputs", (redraw(_data, 50, scale=10.0),), hidden=True),
        Case("extreme inputs in a 2-D array", (np.array([[-745.0, 745.0], [-1e300, 1e300]]),),
             hidden=True),
    ],
    mistakes=[
        Mistake("You computed 1 / (1 + e^z): the sign of z is flipped. The sigmoid is 1 / (1 + e^-z).",
                lambda z: 1.0 / (1.0 + np.exp(np.asarray(z, float)))),
        Mistake("You computed 1 / e^-z = e^z; the sigmoid is 1 / (1 + e^-z). Did you forget the 1 +?",
                lambda z: np.exp(np.asarray(z, float))),
    ],
)


RELU = Exercise(
    name="relu",
    params=("z",),
    reference=ref.relu,
    cases=[
        Case("relu(3.5) = 3.5 and relu(-2) = 0", (np.array([3.5, -2.0]),)),
        Case("negative, zero and positive values", (np.array([-4.0, -0.1, 0.0, 0.1, 7.0]),)),
        Case("a 2-D array keeps its shape", (_data(21, 4, 3),)),
        Case("a Python float", (-1.5,)),
        Case("random inputs", (redraw(_data, 40, scale=5.0),), hidden=True),
        Case("a 3-D array", (redraw(_data, 2, 3, 4),), hidden=True),
    ],
    mistakes=[
        Mistake("Negative inputs should give 0, positive ones should pass through unchanged. "
                "You seem to have it the wrong way round (max with 0 is np.maximum(z, 0)).",
                lambda z: np.minimum(np.asarray(z, float), 0.0)),
        Mistake("np.max(z, 0) is the largest value along axis 0, not an element-wise max. "
                "Use np.maximum(z, 0).",
                lambda z: np.max(np.asarray(z, float), 0)),
        Mistake("relu is max(0, z), not |z|: negative inputs must become 0.",
                lambda z: np.abs(np.asarray(z, float))),
    ],
)


TANH = Exercise(
    name="tanh",
    params=("z",),
    reference=ref.tanh,
    forbidden=("tanh",),
    cases=[
        Case("tanh(0) = 0", (0.0,)),
        Case("an array of mixed signs", (np.array([-2.0, -0.5, 0.3, 1.0, 4.0]),)),
        Case("large inputs: tanh(-1000) = -1 and tanh(1000) = 1, with no overflow",
             (np.array([-1000.0, -400.0, 400.0, 1000.0]),),
             hint="(e^z - e^-z) / (e^z + e^-z) becomes inf / inf for large |z|. Divide top and "
                  "bottom by e^|z| so that only np.exp(-2|z|), at most 1, is computed, or use "
                  "tanh(z) = 2 sigmoid(2z) - 1 with a stable sigmoid."),
        Case("a 2-D array keeps its shape", (_data(31, 3, 5, scale=2.0),)),
        Case("tiny inputs", (np.array([1e-9, -1e-12, 3e-6]),), hidden=True),
        Case("random inputs", (redraw(_data, 60, scale=20.0),), hidden=True),
    ],
    mistakes=[
        Mistake("That is the sigmoid, not tanh. tanh(z) = (e^z - e^-z) / (e^z + e^-z), "
                "which lies between -1 and 1.",
                lambda z: ref.sigmoid(z)),
        Mistake("You swapped the signs: the numerator is e^z - e^-z.",
                lambda z: -ref.tanh(z)),
        Mistake("tanh(z) = 2 sigmoid(2z) - 1: you seem to have used sigmoid(z) instead of sigmoid(2z).",
                lambda z: 2.0 * np.asarray(ref.sigmoid(z)) - 1.0),
    ],
)


def _logits(seed: int, n: int, k: int, scale: float = 2.0) -> np.ndarray:
    return _data(seed, n, k, scale=scale)


SOFTMAX = Exercise(
    name="softmax",
    params=("z",),
    reference=ref.softmax,
    cases=[
        Case("a 1-D vector of 3 logits", (np.array([2.0, 1.0, 0.1]),)),
        Case("a batch: each row of a (4, 3) array sums to 1", (_logits(41, 4, 3),),
             hint="Softmax works on each row (the last axis) separately: every row must sum to 1."),
        Case("large logits [1000, 1001, 1002] without overflow", (np.array([1000.0, 1001.0, 1002.0]),),
             hint="np.exp(1000) is inf. Subtract the maximum of each row first: softmax(z - max(z)) "
                  "is the same as softmax(z), and then np.exp never overflows."),
        Case("a batch of large, uneven logits", (np.array([[1000.0, 0.0, -1000.0], [5.0, 800.0, 799.0]]),)),
        Case("random logits, shape (8, 10)", (redraw(_logits, 8, 10, scale=5.0),), hidden=True),
        Case("a single row as (1, 5)", (redraw(_logits, 1, 5),), hidden=True),
        Case("very negative logits", (np.array([-1000.0, -1001.0, -999.5]),), hidden=True),
        Case("two rows on very different scales, [[1000, 1001, 1002], [-3, -2, -1]]",
             (np.array([[1000.0, 1001.0, 1002.0], [-3.0, -2.0, -1.0]]),), hidden=True,
             hint="Subtract the maximum of EACH row (z.max(axis=-1, keepdims=True)), not the "
                  "maximum of the whole array: 1002 subtracted from the second row makes every "
                  "np.exp underflow to 0, and 0 / 0 is nan."),
    ],
    mistakes=[
        Mistake("Each row should sum to 1, but your columns do: sum over the last axis "
                "(axis=-1, keepdims=True), not axis=0.",
                lambda z: np.exp(z - np.max(z, axis=0, keepdims=True))
                / np.exp(z - np.max(z, axis=0, keepdims=True)).sum(axis=0, keepdims=True)),
        Mistake("Your whole array sums to 1, but each row should: sum over the last axis "
                "(axis=-1, keepdims=True) instead of over everything.",
                lambda z: np.exp(z - np.max(z)) / np.exp(z - np.max(z)).sum()),
        Mistake("You divided e^z by the sum of z, not by the sum of e^z.",
                lambda z: np.exp(z - np.max(z, axis=-1, keepdims=True))
                / np.sum(z, axis=-1, keepdims=True)),
    ],
)


def _identity(z):
    return z


#: large weights and bias: z = x . w + b is far beyond +-745 for some samples (see _saturating)
_LARGE_W = np.array([400.0, -600.0])
_LARGE_B = 5.0


def _saturating(seed: int, n: int) -> np.ndarray:
    """n samples of 2 normal features whose z = x . _LARGE_W + _LARGE_B saturates the sigmoid
    both ways (some z < -745 and some z > 745), so that exp(-z) of a naive sigmoid overflows."""
    rng = np.random.default_rng(seed)
    while True:  # about one draw in six qualifies
        x = rng.normal(size=(n, 2))
        z = x @ _LARGE_W + _LARGE_B
        if z.min() < -745.0 and z.max() > 745.0:
            return x


NEURON = Exercise(
    name="neuron",
    params=("x", "w", "b"),
    reference=ref.neuron,
    cases=[
        Case("the handout example: about 0.75", (HANDOUT_X, HANDOUT_W, HANDOUT_B),
             hint="neuron(x, w, b) = sigmoid(x . w + b); for the handout's numbers z = 1.1 and "
                  "sigmoid(1.1) is about 0.7503."),
        Case("with activation=relu and a negative z, the output is 0",
             (HANDOUT_X, -HANDOUT_W, HANDOUT_B), {"activation": ref.relu},
             hint="Use the `activation` argument instead of always applying sigmoid."),
        Case("with an identity activation the output is z itself",
             (HANDOUT_X, HANDOUT_W, 0.9), {"activation": _identity},
             hint="Apply the activation passed in to z = x . w + b."),
        Case("a batch of 5 samples", (_data(51, 5, 3), _data(52, 3), -0.4)),
        Case("tanh on a batch", (redraw(_data, 4, 6), redraw(_data, 6), 0.3),
             {"activation": ref.tanh}, hidden=True),
        Case("large weights saturate the sigmoid", (redraw(_saturating, 3), _LARGE_W, _LARGE_B),
             hidden=True, rtol=1e-9, atol=1e-12),
    ],
    mistakes=[
        Mistake(FORGOT_BIAS, lambda x, w, b, activation=ref.sigmoid:
                activation(np.asarray(x, float) @ np.asarray(w, float))),
        Mistake("Your neuron always applies the sigmoid; use the activation passed in "
                "(the `activation` parameter, which defaults to sigmoid).",
                lambda x, w, b, activation=ref.sigmoid: ref.sigmoid(ref.weighted_sum(x, w, b))),
        Mistake("You returned z without applying the activation.",
                lambda x, w, b, activation=ref.sigmoid: ref.weighted_sum(x, w, b)),
        Mistake("You applied the activation before adding the bias: it is activation(x . w + b).",
                lambda x, w, b, activation=ref.sigmoid:
                activation(np.asarray(x, float) @ np.asarray(w, float)) + b),
    ],
)

# --------------------------------------------------------------------------------------------
# weather_output_change: a prediction written before the cell that runs it (predict-then-run)
# --------------------------------------------------------------------------------------------

#: the handout's weights and bias on the raw weather (30 °C, 70 %, 1010 hPa): z = 753.2, and at
#: 40 °C z = 758.2; both sigmoids are exactly 1.0 in float64 (the true change is about e^-753)
WEATHER = np.array([30.0, 70.0, 1010.0])
WEATHER_WARMER = np.array([40.0, 70.0, 1010.0])
#: an answer this close to 0 says "no change" (a student may write 0, 0.0 or 1e-9)
NO_CHANGE_TOL = 1e-6


def _weather_change() -> float:
    return float(ref.sigmoid(WEATHER_WARMER @ HANDOUT_W + HANDOUT_B)
                 - ref.sigmoid(WEATHER @ HANDOUT_W + HANDOUT_B))


def _no_change_compare(expected, got, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    if got is None:
        return ("weather_output_change is None. Replace None with your prediction: a number, "
                "the output at 40 °C minus the output at 30 °C.")
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)):
        return (f"weather_output_change should be a number, like 0.25, but it is {describe(got)} "
                f"({type(got).__name__}).")
    # 1e-6 around 0; around a known mistake's value (0.9933, 753.2) a rounded answer matches it
    if not np.isfinite(got) or abs(float(got) - expected) > max(NO_CHANGE_TOL, 1e-3 * abs(expected)):
        return (f"weather_output_change is {describe(got)}, but that is not how much the output "
                "sigmoid(z) changes when the temperature goes from 30 °C to 40 °C.")
    return None


WEATHER_OUTPUT_CHANGE = Exercise(
    name="weather_output_change",
    params=(),
    reference=_weather_change,
    compare=_no_change_compare,
    is_value=True,
    cases=[Case("the change of the neuron's output, sigmoid(x . w + b), when the temperature of "
                "the raw weather inputs goes from 30 °C to 40 °C",
                hint="Work out z = x . w + b for the raw inputs (30, 70, 1010) first, then look "
                     "where that z lies on the sigmoid's curve (section 5 shows it), and do the "
                     "same at 40 °C.")],
    mistakes=[
        Mistake("5.0 is how much z changes (w1 = 0.5 times 10 degrees). The output is sigmoid(z), "
                "and z is about 753 here: how much does the sigmoid change between z = 753 and "
                "z = 758?", lambda: 5.0),
        Mistake("That is sigmoid(5), the sigmoid of the change of z. The sigmoid is not linear: "
                "sigmoid(z + 5) - sigmoid(z) depends on where z is, and here z is about 753.",
                lambda: float(ref.sigmoid(5.0))),
        Mistake("1.0 is the output itself (at either temperature), not its change: subtract the "
                "output at 30 °C from the output at 40 °C.", lambda: 1.0),
        Mistake("That is z, the weighted sum, not the change of the output sigmoid(z).",
                lambda: 753.2),
        Mistake("That is z at 40 °C, not the change of the output sigmoid(z).", lambda: 758.2),
        Mistake("10 is the change of the temperature, the input. The neuron multiplies it by its "
                "weight and then passes z through the sigmoid: what comes out?", lambda: 10.0),
    ],
)

EXERCISES = [WEIGHTED_SUM, SIGMOID, RELU, TANH, SOFTMAX, NEURON, WEATHER_OUTPUT_CHANGE]
