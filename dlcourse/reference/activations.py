"""Lesson 01: the neuron and its activation functions (handout 1.2 and 1.6)."""
from __future__ import annotations

from typing import Callable

import numpy as np
from numpy.typing import ArrayLike


def weighted_sum(x: ArrayLike, w: ArrayLike, b: float) -> float | np.ndarray:
    """The neuron's pre-activation ``z = x . w + b``.

    x: (d,) -> float, or (n, d) -> (n,);  w: (d,);  b: a number.
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    z = x @ w + b
    return float(z) if np.ndim(z) == 0 else z


def sigmoid(z: ArrayLike) -> float | np.ndarray:
    """``1 / (1 + exp(-z))`` element-wise, without overflow for any float64.

    Only ``exp`` of non-positive numbers is computed, so ``sigmoid(-1000)`` is exactly 0.0 and
    ``sigmoid(1000)`` exactly 1.0, with no warning.  z: any shape -> the same shape.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))                    # in (0, 1]: never overflows
    out = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out.item() if out.ndim == 0 else out


def relu(z: ArrayLike) -> float | np.ndarray:
    """``max(0, z)`` element-wise.  z: any shape -> the same shape."""
    out = np.maximum(np.asarray(z, dtype=np.float64), 0.0)
    return out.item() if out.ndim == 0 else out


def tanh(z: ArrayLike) -> float | np.ndarray:
    """``(e^z - e^-z) / (e^z + e^-z)`` element-wise, built from ``exp`` without overflow.

    Written with ``t = exp(-2|z|)`` in (0, 1]: ``tanh(z) = sign(z) (1 - t) / (1 + t)``.
    z: any shape -> the same shape.
    """
    z = np.asarray(z, dtype=np.float64)
    t = np.exp(-2.0 * np.abs(z))
    out = np.sign(z) * (1.0 - t) / (1.0 + t)
    return out.item() if out.ndim == 0 else out


def softmax(z: ArrayLike) -> np.ndarray:
    """Softmax over the last axis, stable for large logits.

    Subtracting each row's maximum leaves the result unchanged and keeps ``exp`` <= 1.
    z: (k,) -> (k,), or (n, k) -> (n, k); each row sums to 1.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def neuron(x: ArrayLike, w: ArrayLike, b: float,
           activation: Callable[[ArrayLike], ArrayLike] = sigmoid) -> float | np.ndarray:
    """One neuron: ``activation(x . w + b)``.

    x: (d,) -> float, or (n, d) -> (n,);  w: (d,);  b: a number.
    The handout's example ``neuron([1, 2, 3], [0.5, -1, 0.8], 0.2)`` is about 0.75.
    """
    return activation(weighted_sum(x, w, b))


def identity(z: ArrayLike) -> float | np.ndarray:
    """``f(z) = z``: no activation (a regression output). z: any shape -> a float64 copy."""
    out = np.array(z, dtype=np.float64)
    return out.item() if out.ndim == 0 else out


#: the activations by name: lesson 04 gives activations to backpropagation by NAME
ACTIVATIONS: dict[str, Callable[[ArrayLike], float | np.ndarray]] = {
    "identity": identity, "sigmoid": sigmoid, "tanh": tanh, "relu": relu,
}
