"""Lesson 03: loss functions, measuring how wrong a prediction is (handout 1.4).

The handout: a loss function *"measures the difference between predicted and actual value.
Examples: Mean Squared Error (MSE), Cross-Entropy Loss."* Every loss here is one number, a
**mean over the samples**, in float64, like PyTorch's default ``reduction="mean"``:

- :func:`mse` for regression: the mean of the squared errors;
- :func:`binary_cross_entropy` for a yes/no output (a sigmoid's probability);
- :func:`categorical_cross_entropy` for ``k`` classes (a softmax's probabilities, one-hot targets
  built with :func:`one_hot`);
- :func:`softmax_cross_entropy`, the same loss computed from the logits with the log-sum-exp
  trick, so that it stays finite for any logits (PyTorch's ``cross_entropy``);
- :func:`bce_with_logits`, the binary cross-entropy of ``sigmoid(logits)`` computed from the
  logits by the same trick, exact for any logits (PyTorch's ``binary_cross_entropy_with_logits``);
- :func:`uniform_guess_loss`, the value of lesson 03's predict-then-run question: the loss of
  equal logits over the 10 digit classes, ``log 10``.

The logarithms are natural logarithms (``np.log``), as in PyTorch. A probability of exactly 0
for the right answer would give ``-log(0) = inf``; the cross-entropies computed from
probabilities therefore clip them first (to ``[eps, 1 - eps]`` for the binary one, to
``[eps, 1]`` for the categorical one, with ``eps = 1e-12``), so the worst loss per sample is
``-log(1e-12) = 27.63...``, large but finite. The losses return Python floats
and never change their inputs.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

#: the default clipping of probabilities: -log(EPS) = 27.631... is the largest loss per sample
EPS = 1e-12


def _same_shape(a: np.ndarray, b: np.ndarray, names: tuple[str, str]) -> None:
    """Losses compare entry by entry: broadcasting (n,) against (n, 1) would silently give (n, n)."""
    if a.shape != b.shape:
        raise ValueError(f"{names[0]} has shape {a.shape} but {names[1]} has shape {b.shape}; "
                         "they must have the same shape (reshape one of them)")


def mse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean squared error: the mean over all entries of ``(y_pred - y_true) ** 2``.

    y_true, y_pred: numbers, or arrays of the same shape, e.g. (n_samples, 1) or
    (n_samples, n_out) -> a float. With several outputs the mean is over all n_samples * n_out
    entries, like ``torch.nn.functional.mse_loss``.
    """
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    _same_shape(y_true, y_pred, ("y_true", "y_pred"))
    return float(np.mean((y_pred - y_true) ** 2))


def binary_cross_entropy(y_true: ArrayLike, y_prob: ArrayLike, eps: float = EPS) -> float:
    """Binary cross-entropy: ``-mean(y log p + (1 - y) log(1 - p))`` with natural logarithms.

    y_true: numbers or an array of 0s and 1s, e.g. (n_samples, 1);
    y_prob: the predicted probabilities that the label is 1 (a sigmoid's outputs), same shape;
    eps: the probabilities are clipped to [eps, 1 - eps] first, so that a probability of exactly
    0 or 1 gives a large finite loss (-log(eps) per sample at most), never inf or nan.
    Returns a float: the mean over all entries (over the samples for (n_samples, 1)).
    """
    y = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(y_prob, dtype=np.float64)
    _same_shape(y, p, ("y_true", "y_prob"))
    p = np.clip(p, eps, 1.0 - eps)
    # log1p(-p) is log(1 - p) without the rounding of 1 - p for tiny p
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def _labels_1d(labels: ArrayLike, name: str = "labels") -> np.ndarray:
    """Integer class labels of shape (n,) or (n, 1) -> an int64 array of shape (n,)."""
    arr = np.asarray(labels)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must have shape (n,) or (n, 1), got shape {arr.shape}")
    if arr.dtype.kind == "f":
        if not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must be whole numbers (class indices 0, 1, 2, ...)")
    elif arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integer class indices, got dtype {arr.dtype}")
    return arr.astype(np.int64)


def one_hot(labels: ArrayLike, num_classes: int) -> np.ndarray:
    """One-hot encoding: row ``i`` is all 0.0 except a 1.0 in column ``labels[i]``.

    labels: integer class indices in 0 .. num_classes - 1, shape (n,) or (n, 1);
    num_classes: k, the number of classes (not ``labels.max() + 1``: a class may be missing).
    Returns float64 of shape (n, k).
    """
    idx = _labels_1d(labels)
    k = int(num_classes)
    if idx.size and (idx.min() < 0 or idx.max() >= k):
        raise ValueError(f"labels must lie in 0 .. {k - 1} for num_classes = {k}")
    out = np.zeros((idx.size, k), dtype=np.float64)
    out[np.arange(idx.size), idx] = 1.0
    return out


def categorical_cross_entropy(y_onehot: ArrayLike, probs: ArrayLike) -> float:
    """Categorical cross-entropy: the mean over the samples of ``-sum_k y_k log p_k``.

    y_onehot: (n_samples, k) one-hot targets (what :func:`one_hot` returns);
    probs: (n_samples, k) predicted probabilities, each row summing to 1 (a softmax's outputs).
    The probabilities are clipped to [1e-12, 1] first (like :func:`binary_cross_entropy`), so a
    probability of exactly 0 gives -log(1e-12) = 27.63 for the true class and 0 for the others
    (0 * log 0 would be nan), never inf or nan.
    Returns a float. For a single sample, (k,) arrays are accepted too.
    """
    y = np.asarray(y_onehot, dtype=np.float64)
    p = np.asarray(probs, dtype=np.float64)
    _same_shape(y, p, ("y_onehot", "probs"))
    if y.ndim == 1:
        y, p = y[None, :], p[None, :]
    p = np.clip(p, EPS, 1.0)
    return float(np.mean(-np.sum(y * np.log(p), axis=-1)))


def log_softmax(logits: ArrayLike) -> np.ndarray:
    """``log(softmax(z))`` over the last axis, computed without exp overflow or log(0).

    ``log softmax(z)_j = z_j - logsumexp(z)`` and ``logsumexp(z) = m + log(sum(exp(z - m)))``
    with ``m = max(z)``: every ``exp`` is of a number <= 0, and the largest is exactly 1.
    logits: (k,) or (n, k) -> the same shape.
    """
    z = np.asarray(logits, dtype=np.float64)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def softmax_cross_entropy(logits: ArrayLike, labels: ArrayLike) -> float:
    """Cross-entropy of softmax(logits) and integer labels, from the logits, stable for any logits.

    For sample i: ``logsumexp(z_i) - z_i[labels[i]]``, which equals
    ``-log(softmax(z_i)[labels[i]])``; the mean over the samples is returned.
    logits: (n_samples, k) raw scores (no softmax applied), or (k,) for one sample;
    labels: integer class indices, shape (n_samples,) or (n_samples, 1) (one int for (k,) logits).
    Returns a float; finite for logits like +-1000, where softmax then log would give inf.
    The same as ``torch.nn.functional.cross_entropy(logits, labels)``.
    """
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim == 1:
        z, labels = z[None, :], np.reshape(labels, (1,))
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (n_samples, k), got shape {z.shape}")
    idx = _labels_1d(labels)
    if idx.size != z.shape[0]:
        raise ValueError(f"{z.shape[0]} rows of logits but {idx.size} labels")
    if idx.size and (idx.min() < 0 or idx.max() >= z.shape[1]):
        raise ValueError(f"labels must lie in 0 .. {z.shape[1] - 1} for {z.shape[1]} classes")
    return float(-np.mean(log_softmax(z)[np.arange(len(idx)), idx]))


def bce_with_logits(y_true: ArrayLike, logits: ArrayLike) -> float:
    """Binary cross-entropy of ``sigmoid(logits)``, computed from the logits: exact for any logits.

    For a label 1 a sample costs ``-log(sigmoid(z)) = log(1 + e^-z)``, for a label 0
    ``-log(1 - sigmoid(z)) = log(1 + e^z)``; together ``softplus(z) - y z``, and
    ``softplus(z) = log(1 + e^z) = max(z, 0) + log(1 + e^-|z|)`` (the log-sum-exp of 0 and z),
    so no ``exp`` of a positive number and no clipping: z = -1000 for a label 1 costs 1000.
    y_true: labels 0 and 1, numbers or an array such as (n_samples, 1); logits: the same shape.
    Returns a float: the mean over all entries (``y.size`` of them), like
    ``torch.nn.functional.binary_cross_entropy_with_logits``.
    """
    y = np.asarray(y_true, dtype=np.float64)
    z = np.asarray(logits, dtype=np.float64)
    _same_shape(y, z, ("y_true", "logits"))
    return float(np.mean(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))))


def uniform_guess_loss() -> float:
    """The softmax cross-entropy of equal logits over 10 classes: ``-log(1/10) = log 10``."""
    return float(np.log(10.0))
