"""Lesson 01 corpus: weighted_sum, sigmoid, relu, tanh, softmax, neuron, weather_output_change
(see ``corpus/__init__``; for the value exercise the "implementations" are values)."""
from __future__ import annotations

import math

import numpy as np

# --------------------------------------------------------------------------------------------
# weighted_sum(x, w, b): x (d,) -> float, (n, d) -> (n,)
# --------------------------------------------------------------------------------------------

def weighted_sum_einsum(x, w, b):
    return np.einsum("...d,d->...", np.asarray(x, dtype=float), np.asarray(w, dtype=float)) + b


def weighted_sum_multiply_and_sum(x, w, b):
    return (np.asarray(x, dtype=float) * np.asarray(w, dtype=float)).sum(axis=-1) + b


def weighted_sum_dot(x, w, b):
    return np.dot(x, w) + b


def weighted_sum_forgot_bias(x, w, b):
    return np.dot(x, w)


def weighted_sum_sums_whole_batch(x, w, b):
    return np.sum(np.asarray(x) * np.asarray(w)) + b


def weighted_sum_wrong_axis(x, w, b):
    return np.sum(np.asarray(x) * np.asarray(w), axis=0) + b


def weighted_sum_multiplies_bias(x, w, b):
    return np.dot(x, w) * b


def weighted_sum_adds_bias_to_every_product(x, w, b):
    return np.sum(np.asarray(x) * np.asarray(w) + b, axis=-1)


def weighted_sum_weights_first(x, w, b):
    return np.dot(w, x) + b


def weighted_sum_tolist(x, w, b):
    return (np.dot(x, w) + b).tolist()


def weighted_sum_float32(x, w, b):
    return np.float32(np.dot(x, w) + b)


def weighted_sum_multiplies_x_in_place(x, w, b):
    x = np.asarray(x, dtype=float)
    x *= w
    return x.sum(axis=-1) + b


def weighted_sum_no_return(x, w, b):
    z = np.dot(x, w) + b  # noqa: F841  (the mistake: z is never returned)


def weighted_sum_not_written(x, w, b):
    raise NotImplementedError()


# --------------------------------------------------------------------------------------------
# sigmoid(z): any shape -> the same shape
# --------------------------------------------------------------------------------------------

def sigmoid_logaddexp(z):
    """1 / (1 + e^-z) = exp(-log(1 + e^-z)); np.logaddexp never overflows."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))


def sigmoid_masked_branches(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1.0 + e)
    return out


def sigmoid_via_tanh(z):
    return 0.5 * (1.0 + np.tanh(np.asarray(z, dtype=float) / 2.0))


def sigmoid_complement_for_negatives(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), 1.0 - 1.0 / (1.0 + e))


def sigmoid_naive_overflows(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def sigmoid_where_evaluates_both(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))


def sigmoid_flipped_sign(z):
    return 1.0 / (1.0 + np.exp(np.asarray(z, dtype=float)))


def sigmoid_forgot_one_plus(z):
    return 1.0 / np.exp(-np.asarray(z, dtype=float))


def sigmoid_clipped(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500.0, 500.0)))


def sigmoid_tolist(z):
    return sigmoid_logaddexp(z).tolist()


def sigmoid_float32(z):
    return sigmoid_logaddexp(z).astype(np.float32)


def sigmoid_reuses_input_memory(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    z[...] = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return z


def sigmoid_math_exp(z):
    return 1.0 / (1.0 + math.exp(-z))


# --------------------------------------------------------------------------------------------
# relu(z): any shape -> the same shape
# --------------------------------------------------------------------------------------------

def relu_where(z):
    return np.where(np.asarray(z) > 0, z, 0.0)


def relu_mask_multiply(z):
    z = np.asarray(z, dtype=float)
    return z * (z > 0)


def relu_clip(z):
    return np.clip(np.asarray(z, dtype=float), 0.0, None)


def relu_minimum(z):
    return np.minimum(z, 0.0)


def relu_np_max(z):
    return np.max(z, 0)


def relu_abs(z):
    return np.abs(z)


def relu_sets_negatives_in_place(z):
    z[z < 0] = 0
    return z


def relu_list_comprehension(z):
    return [max(0.0, v) for v in z]


def relu_returns_mask(z):
    return np.asarray(z) > 0


def relu_not_written(z):
    raise NotImplementedError()


# --------------------------------------------------------------------------------------------
# tanh(z), built from exponentials: any shape -> the same shape
# --------------------------------------------------------------------------------------------

def tanh_from_sigmoid(z):
    return 2.0 * sigmoid_logaddexp(2.0 * np.asarray(z, dtype=float)) - 1.0


def tanh_expm1(z):
    z = np.asarray(z, dtype=float)
    m = np.expm1(-2.0 * np.abs(z))  # e^(-2|z|) - 1, in (-1, 0]
    return np.sign(z) * -m / (2.0 + m)


def tanh_uses_np_tanh(z):
    return np.tanh(z)


def tanh_naive_overflows(z):
    z = np.asarray(z, dtype=float)
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))


def tanh_sinh_over_cosh(z):
    return np.sinh(z) / np.cosh(z)


def tanh_is_sigmoid(z):
    return sigmoid_logaddexp(z)


def tanh_swapped_signs(z):
    z = np.asarray(z, dtype=float)
    t = np.exp(-2.0 * np.abs(z))
    return np.sign(z) * (t - 1.0) / (1.0 + t)


def tanh_sigmoid_of_z(z):
    return 2.0 * sigmoid_logaddexp(z) - 1.0


def tanh_math_exp(z):
    return (math.exp(z) - math.exp(-z)) / (math.exp(z) + math.exp(-z))


# --------------------------------------------------------------------------------------------
# softmax(z) over the last axis: (k,) -> (k,), (n, k) -> (n, k)
# --------------------------------------------------------------------------------------------

def softmax_logsumexp(z):
    z = np.asarray(z, dtype=float)
    m = z.max(axis=-1, keepdims=True)
    log_sum_exp = m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True))
    return np.exp(z - log_sum_exp)


def softmax_row_by_row(z):
    z = np.asarray(z, dtype=float)
    rows = z.reshape(-1, z.shape[-1])
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out.reshape(z.shape)


def softmax_naive_overflows(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_over_columns(z):
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_over_everything(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def softmax_divides_by_sum_of_z(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(z, axis=-1, keepdims=True)


def softmax_forgot_keepdims(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / e.sum(axis=-1)


def softmax_shifts_input_in_place(z):
    z -= np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_tolist(z):
    return softmax_logsumexp(z).tolist()


# --------------------------------------------------------------------------------------------
# neuron(x, w, b, activation=sigmoid): activation(x . w + b)
# --------------------------------------------------------------------------------------------

def neuron_dot(x, w, b, activation=sigmoid_logaddexp):
    return activation(np.dot(x, w) + b)


def neuron_from_weighted_sum(x, w, b, activation=sigmoid_masked_branches):
    return activation(weighted_sum_einsum(x, w, b))


def neuron_forgot_bias(x, w, b, activation=sigmoid_logaddexp):
    return activation(np.dot(x, w))


def neuron_always_sigmoid(x, w, b, activation=sigmoid_logaddexp):
    return sigmoid_logaddexp(np.dot(x, w) + b)


def neuron_no_activation(x, w, b, activation=sigmoid_logaddexp):
    return np.dot(x, w) + b


def neuron_activation_before_bias(x, w, b, activation=sigmoid_logaddexp):
    return activation(np.dot(x, w)) + b


def neuron_renamed_parameter(x, w, b, act=sigmoid_logaddexp):
    return act(np.dot(x, w) + b)


def neuron_naive_sigmoid(x, w, b, activation=sigmoid_naive_overflows):
    return activation(np.dot(x, w) + b)


# --------------------------------------------------------------------------------------------
# the tables
# --------------------------------------------------------------------------------------------

RIGHT = {
    "weighted_sum": [weighted_sum_einsum, weighted_sum_multiply_and_sum, weighted_sum_dot],
    "sigmoid": [sigmoid_logaddexp, sigmoid_masked_branches, sigmoid_via_tanh,
                sigmoid_complement_for_negatives],
    "relu": [relu_where, relu_mask_multiply, relu_clip],
    "tanh": [tanh_from_sigmoid, tanh_expm1],
    "softmax": [softmax_logsumexp, softmax_row_by_row],
    "neuron": [neuron_dot, neuron_from_weighted_sum],
    "weather_output_change": [0, -0.0, np.float64(1e-12), np.float32(0.0)],
}

NOT_WRITTEN = r"has not been written yet: it still raises NotImplementedError"
OVERFLOW = r"NumPy warned while running \w+: RuntimeWarning: overflow encountered in"

WRONG = [
    ("weighted_sum", weighted_sum_forgot_bias, r"Did you forget `\+ b`\?"),
    ("weighted_sum", weighted_sum_sums_whole_batch, r"summed every product in the whole batch"),
    ("weighted_sum", weighted_sum_wrong_axis,
     r"has shape \(3,\), but shape \(4,\) was expected(.|\n)*summed over the wrong axis"),
    ("weighted_sum", weighted_sum_multiplies_bias, r"multiplied the bias in"),
    ("weighted_sum", weighted_sum_adds_bias_to_every_product, r"counted d times"),
    ("weighted_sum", weighted_sum_weights_first, r"raised ValueError(.|\n)*shapes do not fit a matrix product"),
    ("weighted_sum", weighted_sum_tolist, r"is a Python list, not a NumPy array"),
    ("weighted_sum", weighted_sum_float32, r"dtype float32; the course works in float64"),
    ("weighted_sum", weighted_sum_multiplies_x_in_place, r"changed its input `x` in place"),
    ("weighted_sum", weighted_sum_no_return, r"is None\. Did you forget the `return` statement\?"),
    ("weighted_sum", weighted_sum_not_written, NOT_WRITTEN),

    ("sigmoid", sigmoid_naive_overflows, OVERFLOW + r" exp(.|\n)*overflows at z = -1000"),
    ("sigmoid", sigmoid_where_evaluates_both, OVERFLOW + r"(.|\n)*np\.where evaluates both branches"),
    ("sigmoid", sigmoid_flipped_sign, r"the sign of z is flipped"),
    ("sigmoid", sigmoid_forgot_one_plus, r"Did you forget the 1 \+\?"),
    ("sigmoid", sigmoid_clipped, r"sigmoid\(-1000\) is exactly 0(.|\n)*has the wrong values"
                                 r"(.|\n)*expected: \[0\., 0\., 1\., 1\.\](.|\n)*Clipping z \(np.clip\)"),
    ("sigmoid", sigmoid_tolist, r"is a Python list, not a NumPy array"),
    ("sigmoid", sigmoid_float32, r"dtype float32; the course works in float64"),
    ("sigmoid", sigmoid_reuses_input_memory, r"changed its input `z` in place"),
    ("sigmoid", sigmoid_math_exp, r"raised TypeError(.|\n)*at line \d+ of sigmoid_math_exp"),

    ("relu", relu_minimum, r"the wrong way round"),
    ("relu", relu_np_max, r"np\.max\(z, 0\) is the largest value along axis 0"),
    ("relu", relu_abs, r"relu is max\(0, z\), not \|z\|"),
    ("relu", relu_sets_negatives_in_place, r"changed its input `z` in place(.|\n)*np\.maximum\(z, 0\)"),
    ("relu", relu_list_comprehension, r"is a Python list, not a NumPy array"),
    ("relu", relu_returns_mask, r"is a boolean"),
    ("relu", relu_not_written, NOT_WRITTEN),

    ("tanh", tanh_uses_np_tanh, r"called np\.tanh, which this exercise asks you not to use"),
    ("tanh", tanh_naive_overflows, OVERFLOW + r" exp(.|\n)*Divide top and bottom by e\^\|z\|"),
    ("tanh", tanh_sinh_over_cosh, OVERFLOW + r" (sinh|cosh)"),
    ("tanh", tanh_is_sigmoid, r"That is the sigmoid, not tanh"),
    ("tanh", tanh_swapped_signs, r"You swapped the signs"),
    ("tanh", tanh_sigmoid_of_z, r"instead of sigmoid\(2z\)"),
    ("tanh", tanh_math_exp, r"raised TypeError(.|\n)*at line \d+ of tanh_math_exp"),

    ("softmax", softmax_naive_overflows, OVERFLOW + r" exp(.|\n)*Subtract the maximum of each row"),
    ("softmax", softmax_over_columns, r"your columns do"),
    ("softmax", softmax_over_everything, r"Your whole array sums to 1"),
    ("softmax", softmax_divides_by_sum_of_z, r"divided e\^z by the sum of z"),
    ("softmax", softmax_forgot_keepdims,
     r"raised ValueError: operands could not be broadcast(.|\n)*incompatible shapes"),
    ("softmax", softmax_shifts_input_in_place, r"changed its input `z` in place"),
    ("softmax", softmax_tolist, r"is a Python list, not a NumPy array"),

    ("neuron", neuron_forgot_bias, r"Did you forget `\+ b`\?"),
    ("neuron", neuron_always_sigmoid, r"always applies the sigmoid"),
    ("neuron", neuron_no_activation, r"returned z without applying the activation"),
    ("neuron", neuron_activation_before_bias, r"applied the activation before adding the bias"),
    ("neuron", neuron_renamed_parameter,
     r"unexpected keyword argument 'activation'(.|\n)*takes exactly the parameters"),
    ("neuron", neuron_naive_sigmoid, r"large weights saturate the sigmoid' \(a hidden case\)(.|\n)*"
                                     + OVERFLOW + r" exp"),

    ("weather_output_change", 5.0, r"5\.0 is how much z changes"),
    ("weather_output_change", 0.9933, r"the sigmoid of the change of z"),
    ("weather_output_change", 1, r"1\.0 is the output itself"),
    ("weather_output_change", 753.2, r"That is z, the weighted sum"),
    ("weather_output_change", 758, r"That is z at 40 °C"),
    ("weather_output_change", 10, r"10 is the change of the temperature"),
    ("weather_output_change", 0.01, r"is 0\.01, but that is not how much(.|\n)*Work out z = x \. w \+ b"),
    ("weather_output_change", None, r"weather_output_change is None\. Replace None with your prediction"),
    ("weather_output_change", "0", r"should be a number, like 0\.25, but it is '0'"),
    ("weather_output_change", [0.0], r"should be a number, like 0\.25"),
    ("weather_output_change", float("nan"), r"is nan, but that is not"),
]
