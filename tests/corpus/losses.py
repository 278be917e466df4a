"""Lesson 03 corpus: mse, binary_cross_entropy, one_hot, categorical_cross_entropy,
softmax_cross_entropy, uniform_guess_loss (values), bce_with_logits.

See ``corpus/__init__`` for the tables. Every loss is one number, the mean over the samples, with
natural logarithms; the cross-entropies from probabilities clip them with eps = 1e-12.
"""
from __future__ import annotations

import math

import numpy as np

# --------------------------------------------------------------------------------------------
# mse(y_true, y_pred)
# --------------------------------------------------------------------------------------------

def mse_loop(y_true, y_pred):
    """Pure Python over the flattened entries."""
    t = np.ravel(np.asarray(y_true, dtype=float)).tolist()
    p = np.ravel(np.asarray(y_pred, dtype=float)).tolist()
    total = 0.0
    for a, b in zip(t, p):
        total += (b - a) ** 2
    return total / len(t)


def mse_dot(y_true, y_pred):
    e = (np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)).ravel()
    return e @ e / e.size


def mse_square_of_difference(y_true, y_pred):
    return np.square(np.subtract(y_true, y_pred)).mean()


def mse_sum(y_true, y_pred):
    return np.sum((np.asarray(y_pred) - np.asarray(y_true)) ** 2)


def mse_mae(y_true, y_pred):
    return np.mean(np.abs(np.asarray(y_pred) - np.asarray(y_true)))


def mse_no_square(y_true, y_pred):
    return np.mean(np.asarray(y_pred) - np.asarray(y_true))


def mse_square_of_mean(y_true, y_pred):
    return np.mean(np.asarray(y_pred) - np.asarray(y_true)) ** 2


def mse_rmse(y_true, y_pred):
    return np.sqrt(np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2))


def mse_half(y_true, y_pred):
    return 0.5 * np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2)


def mse_divides_by_rows(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return np.sum((y_pred - y_true) ** 2) / len(y_true)


def mse_mean_axis0(y_true, y_pred):
    return np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2, axis=0)


def mse_per_sample(y_true, y_pred):
    return (np.asarray(y_pred) - np.asarray(y_true)) ** 2


def mse_len_of_scalar(y_true, y_pred):
    return sum((y_pred - y_true) ** 2) / len(y_true)


def mse_float32(y_true, y_pred):
    e = np.asarray(y_pred, dtype=np.float32) - np.asarray(y_true, dtype=np.float32)
    return np.mean(e ** 2)


# --------------------------------------------------------------------------------------------
# binary_cross_entropy(y_true, y_prob, eps=1e-12)
# --------------------------------------------------------------------------------------------

def binary_cross_entropy_where(y_true, y_prob, eps=1e-12):
    """Picks the probability of the true label (labels are 0 or 1)."""
    y = np.asarray(y_true, dtype=float)
    p = np.clip(np.asarray(y_prob, dtype=float), eps, 1 - eps)
    return -np.mean(np.log(np.where(y == 1, p, 1 - p)))


def binary_cross_entropy_log1p(y_true, y_prob, eps=1e-12):
    y = np.asarray(y_true, dtype=np.float64)
    p = np.minimum(np.maximum(y_prob, eps), 1 - eps)
    return float(-(y * np.log(p) + (1 - y) * np.log1p(-p)).mean())


def binary_cross_entropy_math_loop(y_true, y_prob, eps=1e-12):
    ys = np.ravel(y_true).tolist()
    ps = np.ravel(y_prob).tolist()
    total = 0.0
    for y, p in zip(ys, ps):
        p = min(max(p, eps), 1 - eps)
        total -= y * math.log(p) + (1 - y) * math.log(1 - p)
    return total / len(ys)


def binary_cross_entropy_naive(y_true, y_prob, eps=1e-12):
    y, p = np.asarray(y_true, dtype=float), np.asarray(y_prob, dtype=float)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def binary_cross_entropy_clips_below_only(y_true, y_prob, eps=1e-12):
    y = np.asarray(y_true, dtype=float)
    p = np.maximum(np.asarray(y_prob, dtype=float), eps)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def binary_cross_entropy_no_minus(y_true, y_prob, eps=1e-12):
    y = np.asarray(y_true, dtype=float)
    p = np.clip(y_prob, eps, 1 - eps)
    return np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def binary_cross_entropy_sum(y_true, y_prob, eps=1e-12):
    y = np.asarray(y_true, dtype=float)
    p = np.clip(y_prob, eps, 1 - eps)
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))


def binary_cross_entropy_log10(y_true, y_prob, eps=1e-12):
    y = np.asarray(y_true, dtype=float)
    p = np.clip(y_prob, eps, 1 - eps)
    return -np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p))


def binary_cross_entropy_log2(y_true, y_prob, eps=1e-12):
    y = np.asarray(y_true, dtype=float)
    p = np.clip(y_prob, eps, 1 - eps)
    return -np.mean(y * np.log2(p) + (1 - y) * np.log2(1 - p))


def binary_cross_entropy_keras_eps(y_true, y_prob, eps=1e-12):
    y = np.asarray(y_true, dtype=float)
    p = np.clip(y_prob, 1e-7, 1 - 1e-7)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def binary_cross_entropy_ignores_eps(y_true, y_prob, eps=1e-12):
    y = np.asarray(y_true, dtype=float)
    p = np.clip(y_prob, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def binary_cross_entropy_swapped(y_true, y_prob, eps=1e-12):
    y = np.asarray(y_prob, dtype=float)
    p = np.clip(y_true, eps, 1 - eps)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def binary_cross_entropy_one_term(y_true, y_prob, eps=1e-12):
    p = np.clip(y_prob, eps, 1 - eps)
    return -np.mean(np.asarray(y_true) * np.log(p))


def binary_cross_entropy_clips_in_place(y_true, y_prob, eps=1e-12):
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(y_prob)
    np.clip(p, eps, 1 - eps, out=p)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def binary_cross_entropy_per_sample(y_true, y_prob, eps=1e-12):
    y = np.asarray(y_true, dtype=float)
    p = np.clip(y_prob, eps, 1 - eps)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def binary_cross_entropy_mean_axis0(y_true, y_prob, eps=1e-12):
    y = np.asarray(y_true, dtype=float)
    p = np.clip(y_prob, eps, 1 - eps)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p), axis=0)


# --------------------------------------------------------------------------------------------
# one_hot(labels, num_classes)
# --------------------------------------------------------------------------------------------

def one_hot_eye_rows(labels, num_classes):
    return np.eye(num_classes)[np.asarray(labels).reshape(-1)]


def one_hot_compare(labels, num_classes):
    """Broadcast a column of labels against the row 0 .. k-1."""
    column = np.asarray(labels).reshape(-1, 1)
    return (column == np.arange(num_classes)).astype(np.float64)


def one_hot_loop(labels, num_classes):
    flat = np.ravel(labels)
    out = np.zeros((len(flat), num_classes))
    for i, label in enumerate(flat):
        out[i, label] = 1.0
    return out


def one_hot_ints(labels, num_classes):
    flat = np.ravel(labels)
    out = np.zeros((len(flat), num_classes), dtype=int)
    out[np.arange(len(flat)), flat] = 1
    return out


def one_hot_booleans(labels, num_classes):
    return np.ravel(labels)[:, None] == np.arange(num_classes)


def one_hot_transposed(labels, num_classes):
    return np.eye(num_classes)[np.ravel(labels)].T


def one_hot_eye_column(labels, num_classes):
    return np.eye(num_classes)[labels]


def one_hot_max_plus_one(labels, num_classes):
    flat = np.ravel(labels)
    return np.eye(flat.max() + 1)[flat]


def one_hot_from_one(labels, num_classes):
    flat = np.ravel(labels)
    out = np.zeros((len(flat), num_classes))
    out[np.arange(len(flat)), flat - 1] = 1.0
    return out


def one_hot_all_rows(labels, num_classes):
    flat = np.ravel(labels)
    out = np.zeros((len(flat), num_classes))
    out[:, flat] = 1.0
    return out


def one_hot_list(labels, num_classes):
    return [[1.0 if j == label else 0.0 for j in range(num_classes)] for label in np.ravel(labels)]


# --------------------------------------------------------------------------------------------
# categorical_cross_entropy(y_onehot, probs)
# --------------------------------------------------------------------------------------------

def categorical_cross_entropy_true_class(y_onehot, probs):
    """Only the true class's probability matters: pick it with the one-hot row."""
    p_true = np.sum(np.asarray(y_onehot) * np.asarray(probs), axis=1)
    return -np.mean(np.log(np.clip(p_true, 1e-12, 1.0)))


def categorical_cross_entropy_symmetric_clip(y_onehot, probs):
    p = np.clip(probs, 1e-12, 1 - 1e-12)
    return float(-np.sum(y_onehot * np.log(p)) / len(p))


def categorical_cross_entropy_argmax_loop(y_onehot, probs):
    total = 0.0
    for row_y, row_p in zip(np.asarray(y_onehot), np.asarray(probs)):
        total -= math.log(max(row_p[int(np.argmax(row_y))], 1e-12))
    return total / len(y_onehot)


def categorical_cross_entropy_naive(y_onehot, probs):
    return -np.mean(np.sum(y_onehot * np.log(probs), axis=1))


def categorical_cross_entropy_no_minus(y_onehot, probs):
    return np.mean(np.sum(y_onehot * np.log(np.clip(probs, 1e-12, 1.0)), axis=1))


def categorical_cross_entropy_sum(y_onehot, probs):
    return -np.sum(y_onehot * np.log(np.clip(probs, 1e-12, 1.0)))


def categorical_cross_entropy_mean_all(y_onehot, probs):
    return -np.mean(y_onehot * np.log(np.clip(probs, 1e-12, 1.0)))


def categorical_cross_entropy_axis0(y_onehot, probs):
    return -np.mean(np.sum(y_onehot * np.log(np.clip(probs, 1e-12, 1.0)), axis=0))


def categorical_cross_entropy_log10(y_onehot, probs):
    return -np.mean(np.sum(y_onehot * np.log10(np.clip(probs, 1e-12, 1.0)), axis=1))


def categorical_cross_entropy_keras_eps(y_onehot, probs):
    return -np.mean(np.sum(y_onehot * np.log(np.clip(probs, 1e-7, 1 - 1e-7)), axis=1))


def categorical_cross_entropy_swapped(y_onehot, probs):
    return -np.mean(np.sum(probs * np.log(np.clip(y_onehot, 1e-12, 1.0)), axis=1))


def categorical_cross_entropy_binary_formula(y_onehot, probs):
    p = np.clip(probs, 1e-12, 1 - 1e-12)
    return -np.mean(np.sum(y_onehot * np.log(p) + (1 - y_onehot) * np.log(1 - p), axis=1))


def categorical_cross_entropy_per_sample(y_onehot, probs):
    return -np.sum(y_onehot * np.log(np.clip(probs, 1e-12, 1.0)), axis=1)


def categorical_cross_entropy_clips_in_place(y_onehot, probs):
    probs[probs < 1e-12] = 1e-12
    return -np.mean(np.sum(y_onehot * np.log(probs), axis=1))


# --------------------------------------------------------------------------------------------
# softmax_cross_entropy(logits, labels)
# --------------------------------------------------------------------------------------------

def softmax_cross_entropy_log_softmax(logits, labels):
    z = np.asarray(logits, dtype=float)
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    y = np.asarray(labels).reshape(-1)
    return -log_p[np.arange(len(y)), y].mean()


def softmax_cross_entropy_one_hot(logits, labels):
    """logsumexp with np.logaddexp.reduce, and the true logit picked by a one-hot mask."""
    z = np.asarray(logits, dtype=float)
    mask = np.ravel(labels)[:, None] == np.arange(z.shape[1])
    return float(np.mean(np.logaddexp.reduce(z, axis=1) - np.sum(z * mask, axis=1)))


def softmax_cross_entropy_loop(logits, labels):
    total = 0.0
    for row, label in zip(np.asarray(logits, dtype=float), np.ravel(labels)):
        m = max(row)
        lse = m + math.log(sum(math.exp(v - m) for v in row))
        total += lse - row[label]
    return total / len(np.ravel(labels))


def softmax_cross_entropy_naive(logits, labels):
    y = np.ravel(labels)
    p = np.exp(logits) / np.sum(np.exp(logits), axis=1, keepdims=True)
    return -np.mean(np.log(p[np.arange(len(y)), y]))


def softmax_cross_entropy_lse_no_max(logits, labels):
    y = np.ravel(labels)
    return np.mean(np.log(np.sum(np.exp(logits), axis=1)) - logits[np.arange(len(y)), y])


def softmax_cross_entropy_softmax_then_log(logits, labels):
    y = np.ravel(labels)
    e = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return -np.mean(np.log(p[np.arange(len(y)), y]))


def softmax_cross_entropy_softmax_clipped_log(logits, labels):
    y = np.ravel(labels)
    e = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    p = np.clip(e / e.sum(axis=1, keepdims=True), 1e-12, 1.0)
    return -np.mean(np.log(p[np.arange(len(y)), y]))


def softmax_cross_entropy_global_max(logits, labels):
    y = np.ravel(labels)
    z = logits - np.max(logits)
    return np.mean(np.log(np.sum(np.exp(z), axis=1)) - z[np.arange(len(y)), y])


def softmax_cross_entropy_forgets_max(logits, labels):
    y = np.ravel(labels)
    m = np.max(logits, axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(logits - m), axis=1))
    return np.mean(lse - logits[np.arange(len(y)), y])


def softmax_cross_entropy_column_labels(logits, labels):
    z = logits - np.max(logits, axis=1, keepdims=True)
    log_p = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.mean(log_p[np.arange(len(z)), labels])


def softmax_cross_entropy_no_minus(logits, labels):
    y = np.ravel(labels)
    z = logits - np.max(logits, axis=1, keepdims=True)
    log_p = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return np.mean(log_p[np.arange(len(y)), y])


def softmax_cross_entropy_sum(logits, labels):
    y = np.ravel(labels)
    z = logits - np.max(logits, axis=1, keepdims=True)
    log_p = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.sum(log_p[np.arange(len(y)), y])


def softmax_cross_entropy_log2(logits, labels):
    y = np.ravel(labels)
    z = logits - np.max(logits, axis=1, keepdims=True)
    log2_p = (z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))) / np.log(2)
    return -np.mean(log2_p[np.arange(len(y)), y])


def softmax_cross_entropy_max_no_keepdims(logits, labels):
    y = np.ravel(labels)
    z = logits - np.max(logits, axis=1)
    return np.mean(np.log(np.sum(np.exp(z), axis=1)) - z[np.arange(len(y)), y])


def softmax_cross_entropy_logits_as_probs(logits, labels):
    y = np.ravel(labels)
    return -np.mean(np.log(logits[np.arange(len(y)), y]))


def softmax_cross_entropy_shifts_in_place(logits, labels):
    y = np.ravel(labels)
    logits -= np.max(logits, axis=1, keepdims=True)
    return np.mean(np.log(np.sum(np.exp(logits), axis=1)) - logits[np.arange(len(y)), y])


# --------------------------------------------------------------------------------------------
# bce_with_logits(y_true, logits)
# --------------------------------------------------------------------------------------------

def bce_with_logits_logaddexp(y_true, logits):
    """log(1 + e^t) = logaddexp(0, t): NumPy's own stable log-sum-exp of two numbers."""
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    return np.mean(y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z))


def bce_with_logits_two_classes(y_true, logits):
    """The k = 2 softmax cross-entropy of the logits (0, z), with its log-sum-exp."""
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    pair = np.stack([np.zeros_like(z), z], axis=-1)               # (..., 2)
    m = np.max(pair, axis=-1, keepdims=True)
    lse = m[..., 0] + np.log(np.sum(np.exp(pair - m), axis=-1))
    return np.mean(lse - y * z)


def bce_with_logits_where(y_true, logits):
    """-log sigmoid(z) written for each sign of z, so exp only sees numbers <= 0."""
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    e = np.exp(-np.abs(z))
    log_p = np.where(z >= 0, -np.log1p(e), z - np.log1p(e))        # log sigmoid(z)
    log_not_p = np.where(z >= 0, -z - np.log1p(e), -np.log1p(e))   # log(1 - sigmoid(z))
    return -np.mean(y * log_p + (1 - y) * log_not_p)


def bce_with_logits_math_loop(y_true, logits):
    ys, zs = np.ravel(y_true).tolist(), np.ravel(logits).tolist()
    total = 0.0
    for y, z in zip(ys, zs):
        t = -z if y == 1 else z                  # the loss is log(1 + e^t)
        total += max(t, 0.0) + math.log1p(math.exp(-abs(t)))
    return total / len(ys)


def bce_with_logits_sigmoid_clipped(y_true, logits):
    z = np.asarray(logits, dtype=float)
    p = np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))
    p = np.clip(p, 1e-12, 1 - 1e-12)
    y = np.asarray(y_true, dtype=float)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def bce_with_logits_sigmoid_then_log(y_true, logits):
    y = np.asarray(y_true, dtype=float)
    p = 1 / (1 + np.exp(-np.asarray(logits, dtype=float)))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def bce_with_logits_naive_softplus(y_true, logits):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    return np.mean(y * np.log(1 + np.exp(-z)) + (1 - y) * np.log(1 + np.exp(z)))


def bce_with_logits_labels_swapped(y_true, logits):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    return np.mean(np.maximum(z, 0) - (1 - y) * z + np.log1p(np.exp(-np.abs(z))))


def bce_with_logits_no_max(y_true, logits):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    return np.mean(-y * z + np.log1p(np.exp(-np.abs(z))))


def bce_with_logits_no_yz(y_true, logits):
    z = np.asarray(logits, dtype=float)
    return np.mean(np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))))


def bce_with_logits_no_minus(y_true, logits):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    return np.mean(y * z - np.maximum(z, 0) - np.log1p(np.exp(-np.abs(z))))


def bce_with_logits_sum(y_true, logits):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    return np.sum(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))


def bce_with_logits_divides_by_rows(y_true, logits):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    return np.sum(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))) / len(np.atleast_1d(y))


def bce_with_logits_per_sample(y_true, logits):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits, dtype=float)
    return np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))


def bce_with_logits_abs_in_place(y_true, logits):
    y, z = np.asarray(y_true, dtype=float), np.asarray(logits)
    relu_z = np.maximum(z, 0)
    yz = y * z
    np.abs(z, out=z)
    return np.mean(relu_z - yz + np.log1p(np.exp(-z)))


RIGHT = {
    "mse": [mse_loop, mse_dot, mse_square_of_difference],
    "binary_cross_entropy": [binary_cross_entropy_where, binary_cross_entropy_log1p,
                             binary_cross_entropy_math_loop],
    "one_hot": [one_hot_eye_rows, one_hot_compare, one_hot_loop],
    "categorical_cross_entropy": [categorical_cross_entropy_true_class,
                                  categorical_cross_entropy_symmetric_clip,
                                  categorical_cross_entropy_argmax_loop],
    "softmax_cross_entropy": [softmax_cross_entropy_log_softmax, softmax_cross_entropy_one_hot,
                              softmax_cross_entropy_loop],
    "uniform_guess_loss": [2.302585, 2.303, np.log(10), np.float64(2.3026), math.log(10)],
    "bce_with_logits": [bce_with_logits_logaddexp, bce_with_logits_two_classes,
                        bce_with_logits_where, bce_with_logits_math_loop],
}

IN_PLACE = r"changed its input `{}` in place"
ONE_NUMBER = r"should be a single number, the mean over the samples, but the result is an array"
NATURAL_LOG = r"Cross-entropy uses the natural logarithm, np\.log"

WRONG = [
    ("mse", mse_sum, r"You summed the squared errors instead of averaging them"),
    ("mse", mse_mae, r"mean ABSOLUTE error \(MAE\)"),
    ("mse", mse_no_square, r"forgot to square the errors"),
    ("mse", mse_square_of_mean, r"You squared the mean error"),
    ("mse", mse_rmse, r"RMSE"),
    ("mse", mse_half, r"half the MSE"),
    ("mse", mse_divides_by_rows, r"'two outputs per sample(.|\n)*n_samples \* n_out squared errors"),
    ("mse", mse_mean_axis0,
     r"array of shape \(1,\) holding one value(.|\n)*mean over one axis only \(axis=0\)"),
    ("mse", mse_per_sample, ONE_NUMBER + r" of shape \(4, 1\)(.|\n)*forget to take the mean"),
    ("mse", mse_len_of_scalar, r"holding one value(.|\n)*mean over one axis only \(axis=0\)"),
    ("mse", mse_float32, r"dtype float32; the course works in float64"),

    ("binary_cross_entropy", binary_cross_entropy_naive,
     r"'probabilities of exactly 0 and 1(.|\n)*NumPy warned(.|\n)*Without clipping"),
    ("binary_cross_entropy", binary_cross_entropy_clips_below_only,
     r"or clipping one side only(.|\n)*Clip the probabilities on both sides"),
    ("binary_cross_entropy", binary_cross_entropy_no_minus, r"Your loss is negative"),
    ("binary_cross_entropy", binary_cross_entropy_sum, r"summed over the samples instead of"),
    ("binary_cross_entropy", binary_cross_entropy_log10, r"You used log10" + r"(.|\n)*" + NATURAL_LOG),
    ("binary_cross_entropy", binary_cross_entropy_log2, r"You used log2"),
    ("binary_cross_entropy", binary_cross_entropy_keras_eps,
     r"'probabilities of exactly 0 and 1(.|\n)*fixed eps of 1e-7"),
    ("binary_cross_entropy", binary_cross_entropy_ignores_eps,
     r"'eps = 1e-3 given as an argument(.|\n)*not a fixed 1e-12"),
    ("binary_cross_entropy", binary_cross_entropy_swapped, r"arguments look swapped"),
    ("binary_cross_entropy", binary_cross_entropy_one_term, r"You kept only y \* log\(p\)"),
    ("binary_cross_entropy", binary_cross_entropy_clips_in_place, IN_PLACE.format("y_prob")),
    ("binary_cross_entropy", binary_cross_entropy_per_sample, ONE_NUMBER),
    ("binary_cross_entropy", binary_cross_entropy_mean_axis0, r"shape \(1,\) holding one value"),

    ("one_hot", one_hot_ints, r"holds integers(.|\n)*float64"),
    ("one_hot", one_hot_booleans, r"holds booleans"),
    ("one_hot", one_hot_transposed,
     r"has shape \(3, 4\), but shape \(4, 3\) was expected(.|\n)*transposed"),
    ("one_hot", one_hot_eye_column,
     r"'labels as a column(.|\n)*has shape \(5, 1, 4\)(.|\n)*Flatten the labels first"),
    ("one_hot", one_hot_max_plus_one, r"'num_classes = 4 but class 3 never appears(.|\n)*not labels\.max\(\) \+ 1"),
    ("one_hot", one_hot_from_one, r"one column too far to the left \(labels - 1\)"),
    ("one_hot", one_hot_all_rows, r"sets those columns in EVERY row"),
    ("one_hot", one_hot_list, r"is a Python list, not a NumPy array"),

    ("categorical_cross_entropy", categorical_cross_entropy_naive,
     r"'probabilities of exactly 0(.|\n)*NumPy warned(.|\n)*Without clipping(.|\n)*0 \* -inf is nan"),
    ("categorical_cross_entropy", categorical_cross_entropy_no_minus, r"Your loss is negative"),
    ("categorical_cross_entropy", categorical_cross_entropy_sum, r"summed over the samples instead"),
    ("categorical_cross_entropy", categorical_cross_entropy_mean_all, r"mean over all n \* k entries"),
    ("categorical_cross_entropy", categorical_cross_entropy_axis0,
     r"'two samples of 3 classes(.|\n)*You summed over axis=0"),
    ("categorical_cross_entropy", categorical_cross_entropy_log10, r"You used log10"),
    ("categorical_cross_entropy", categorical_cross_entropy_keras_eps, r"You clipped with eps = 1e-7"),
    ("categorical_cross_entropy", categorical_cross_entropy_swapped, r"arguments look swapped"),
    ("categorical_cross_entropy", categorical_cross_entropy_binary_formula,
     r"That is the binary cross-entropy formula"),
    ("categorical_cross_entropy", categorical_cross_entropy_per_sample, ONE_NUMBER),
    ("categorical_cross_entropy", categorical_cross_entropy_clips_in_place, IN_PLACE.format("probs")),

    ("softmax_cross_entropy", softmax_cross_entropy_naive,
     r"'large logits \(\+-1000\), the right(.|\n)*NumPy warned(.|\n)*overflow(.|\n)*inf / inf is nan"),
    ("softmax_cross_entropy", softmax_cross_entropy_lse_no_max,
     r"'large logits \(\+-1000\), the right(.|\n)*overflow encountered in exp(.|\n)*log\(sum\(exp\(z\)\)\) overflows"),
    ("softmax_cross_entropy", softmax_cross_entropy_softmax_then_log,
     r"'large logits, confidently wrong(.|\n)*divide by zero(.|\n)*softmax followed by np\.log"),
    ("softmax_cross_entropy", softmax_cross_entropy_softmax_clipped_log,
     r"'large logits, confidently wrong(.|\n)*softmax followed by a clipped log"),
    ("softmax_cross_entropy", softmax_cross_entropy_global_max,
     r"'rows of very different sizes(.|\n)*maximum of the whole array"),
    ("softmax_cross_entropy", softmax_cross_entropy_forgets_max, r"did not add it back"),
    ("softmax_cross_entropy", softmax_cross_entropy_column_labels,
     r"'labels as a column(.|\n)*is an \(n, n\) block"),
    ("softmax_cross_entropy", softmax_cross_entropy_no_minus, r"Your loss is negative"),
    ("softmax_cross_entropy", softmax_cross_entropy_sum, r"summed over the samples instead"),
    ("softmax_cross_entropy", softmax_cross_entropy_log2, r"You used log2"),
    ("softmax_cross_entropy", softmax_cross_entropy_max_no_keepdims,
     r"'5 samples of 4 classes(.|\n)*raised ValueError(.|\n)*broadcast"),
    ("softmax_cross_entropy", softmax_cross_entropy_logits_as_probs,
     r"'one sample(.|\n)*logarithm of the logits themselves"),
    ("softmax_cross_entropy", softmax_cross_entropy_shifts_in_place, IN_PLACE.format("logits")),

    ("uniform_guess_loss", 0.1, r"0\.1 is the probability softmax gives each"),
    ("uniform_guess_loss", 0.9, r"probability of its TRUE class"),
    ("uniform_guess_loss", 0.0, r"Equal logits of 0 do not make the loss 0"),
    ("uniform_guess_loss", 1.0, r"1\.0 is log10\(10\)"),
    ("uniform_guess_loss", 3.322, r"3\.32 is log2\(10\)"),
    ("uniform_guess_loss", 0.693, r"uniform guess between 2 classes"),
    ("uniform_guess_loss", -2.303, r"never negative"),
    ("uniform_guess_loss", 23.026, r"That is a sum over the 10 classes"),
    ("uniform_guess_loss", 2.30, r"uniform_guess_loss is 2\.3, but that is not the loss"),
    ("uniform_guess_loss", None, r"uniform_guess_loss is None\. Replace None"),
    ("uniform_guess_loss", "2.303", r"should be one number \(like 1\.234\), but it is '2\.303'"),
    ("uniform_guess_loss", [2.303], r"should be one number"),

    ("bce_with_logits", bce_with_logits_sigmoid_clipped,
     r"'the broken function's example(.|\n)*capped at -log\(1e-12\) = 27\.63"),
    ("bce_with_logits", bce_with_logits_sigmoid_then_log,
     r"'the broken function's example(.|\n)*NumPy warned(.|\n)*sigmoid first, then np\.log"),
    ("bce_with_logits", bce_with_logits_naive_softplus,
     r"'logits of \+-1000(.|\n)*overflow(.|\n)*log-sum-exp of 0 and t"),
    ("bce_with_logits", bce_with_logits_labels_swapped, r"The two labels are swapped"),
    ("bce_with_logits", bce_with_logits_no_max, r"You dropped the max\(z, 0\) part"),
    ("bce_with_logits", bce_with_logits_no_yz, r"You dropped the - y \* z part"),
    ("bce_with_logits", bce_with_logits_no_minus, r"Your loss is negative"),
    ("bce_with_logits", bce_with_logits_sum, r"summed over the samples instead of"),
    ("bce_with_logits", bce_with_logits_divides_by_rows,
     r"'three outputs per sample, shape \(5, 3\)(.|\n)*all y\.size = n_samples \* n_out"),
    ("bce_with_logits", bce_with_logits_per_sample, ONE_NUMBER),
    ("bce_with_logits", bce_with_logits_abs_in_place, IN_PLACE.format("logits")),
]
