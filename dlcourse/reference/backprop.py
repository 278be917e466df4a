"""Lesson 04: backpropagation and gradient descent (handout 1.5, "How a neural network learns", Q5).

The course's layout (lesson 02): a layer computes ``Z = A_prev @ W + b`` and ``A = f(Z)``, with
``A_prev`` (n, n_in), ``W`` (n_in, n_out), ``b`` (1, n_out). ``forward`` keeps one ``(A_prev, Z)``
pair per layer; the functions here walk that cache backwards.

Backpropagation needs each activation's derivative, so in this lesson activations are given by
NAME: one of ``"identity"``, ``"sigmoid"``, ``"tanh"``, ``"relu"``. :data:`ACTIVATIONS` maps a
name to its function, so ``forward(X, params, [ACTIVATIONS[a] for a in names])`` runs lesson 02's
forward pass on the same network.

A gradient ``dP`` always has the shape of the ``P`` it belongs to: ``dW`` (n_in, n_out),
``db`` (1, n_out), ``dA`` and ``dZ`` (n, n_out), ``dX`` (n, n_in).
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

# ACTIVATIONS lives with lesson 01's functions: lesson 04 gives it to students, and the grader's
# verifier withholds this module (lesson 04's answers) but not lesson 01's.
from .activations import ACTIVATIONS, identity, relu, sigmoid, tanh  # noqa: F401
from .layers import Cache, Params

Grads = list[tuple[np.ndarray, np.ndarray]]

LOSSES = ("mse", "bce")


def sigmoid_derivative(a: ArrayLike) -> float | np.ndarray:
    """The sigmoid's derivative written in terms of its OUTPUT ``a = sigmoid(z)``: ``a * (1 - a)``.

    This is the handout's convention (``sigmoid_derivative(output)``): the argument is the
    activation already computed by the forward pass, not ``z``. The derivative at ``z`` is
    ``sigmoid_derivative(sigmoid(z))``.  a: any shape, values in [0, 1] -> the same shape.
    """
    a = np.asarray(a, dtype=np.float64)
    out = a * (1.0 - a)
    return out.item() if out.ndim == 0 else out


def relu_derivative(z: ArrayLike) -> float | np.ndarray:
    """relu's derivative at the pre-activation ``z``: 1.0 where z > 0, else 0.0 (0 at z = 0).

    z: any shape -> float64 of the same shape (numbers, not booleans).
    """
    out = (np.asarray(z, dtype=np.float64) > 0).astype(np.float64)
    return out.item() if out.ndim == 0 else out


def activation_derivative(Z: np.ndarray, activation: str) -> np.ndarray:
    """``f'(Z)`` for the activation of that name, element-wise.  Z: (n, n_out) -> (n, n_out)."""
    if activation == "identity":
        return np.ones_like(Z, dtype=np.float64)
    if activation == "sigmoid":
        return sigmoid_derivative(sigmoid(Z))
    if activation == "tanh":
        return 1.0 - np.asarray(tanh(Z)) ** 2
    if activation == "relu":
        return relu_derivative(Z)
    raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray,
                       h: float = 1e-5) -> np.ndarray:
    """The gradient of ``f`` at ``x`` by central differences, one entry of ``x`` at a time.

    ``grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h)``, with an error of order h^2 (forward
    differences, ``(f(x + h e_i) - f(x)) / h``, are only of order h).
    f: a function of an array of x's shape that returns a number;  x: float64, any shape.
    Returns float64 of x's shape. ``x`` is perturbed in place, so an ``f`` that reads the same
    array (a network's weights) sees the change, and every entry is put back exactly
    (``x[i] = old``; ``x[i] += h`` then ``x[i] -= h`` may not give back the same float).
    An ``x`` that is not a float64 array is first copied into one.
    """
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64):
        x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = float(f(x))
        x[idx] = old - h
        f_minus = float(f(x))
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2.0 * h)
    return grad


def dense_backward(dA: ArrayLike, cache: tuple[np.ndarray, np.ndarray], W: ArrayLike,
                   activation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One dense layer backwards: from ``dA = dL/dA`` to the gradients of its input and parameters.

    dA: (n, n_out);  cache: the layer's ``(A_prev, Z)``, A_prev (n, n_in) and Z (n, n_out);
    W: (n_in, n_out);  activation: the layer's activation by name.
    With ``dZ = dA * f'(Z)`` (element-wise) returns ``(dX, dW, db)``:
    ``dX = dZ @ W.T`` (n, n_in), ``dW = A_prev.T @ dZ`` (n_in, n_out),
    ``db = dZ`` summed over the samples (1, n_out).
    """
    A_prev, Z = (np.asarray(a, dtype=np.float64) for a in cache)
    dZ = np.asarray(dA, dtype=np.float64) * activation_derivative(Z, activation)
    dW = A_prev.T @ dZ
    db = dZ.sum(axis=0, keepdims=True)
    dX = dZ @ np.asarray(W, dtype=np.float64).T
    return dX, dW, db


def backward(params: Params, cache: Cache, y: ArrayLike, activations: Sequence[str],
             loss: str = "mse") -> Grads:
    """The gradients of the loss with respect to every ``W`` and ``b`` of an MLP.

    params: ``[(W1, b1), ..., (WL, bL)]``;  cache: ``forward``'s ``[(A_prev, Z), ...]``;
    y: the targets, of the output's shape (n, n_out);  activations: one name per layer.
    The output ``y_hat = f_L(Z_L)`` is recomputed from the cache. loss:

    - ``"mse"``: ``np.mean((y_hat - y) ** 2)`` over all entries, so ``dL/dy_hat = 2 (y_hat - y) / y.size``;
    - ``"bce"``: binary cross-entropy ``-mean(y log y_hat + (1 - y) log(1 - y_hat))`` over all
      entries, with a sigmoid output (n, 1); its gradient at the output's pre-activation is
      ``dZ_L = (y_hat - y) / y.size``: the sigmoid's derivative cancels the loss's denominators.
      (Both losses are means over all ``y.size`` entries; with one output ``y.size == n``.)

    Returns ``[(dW1, db1), ..., (dWL, dbL)]``, each of its parameter's shape.
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    if not len(params) == len(cache) == len(activations):
        raise ValueError("params, cache and activations need one entry per layer")
    Z_last = np.asarray(cache[-1][1], dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    y_hat = np.asarray(ACTIVATIONS[activations[-1]](Z_last), dtype=np.float64)
    if loss == "mse":
        dA = 2.0 * (y_hat - y) / y.size
        last = activations[-1]
    else:
        if activations[-1] != "sigmoid":
            raise ValueError('loss="bce" needs a sigmoid output layer')
        dA = (y_hat - y) / y.size   # already dZ_L: the layer continues as an identity
        last = "identity"
    grads: Grads = []
    for (W, _), layer_cache, activation in zip(reversed(params), reversed(cache),
                                               [last, *reversed(activations[:-1])]):
        dA, dW, db = dense_backward(dA, layer_cache, W, activation)
        grads.append((dW, db))
    return grads[::-1]


def repaired_backward(X: ArrayLike, y: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike,
                      b2: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The find-the-bug exercise: the gradients of a 2-layer network, written out by hand.

    The network: ``A1 = sigmoid(X @ W1 + b1)``, ``y_hat = sigmoid(A1 @ W2 + b2)``, and the loss
    is binary cross-entropy, the mean over all ``y.size`` entries, so that
    ``dZ2 = (y_hat - y) / y.size``.
    X: (n, n_in);  y: (n, 1);  W1: (n_in, h);  b1: (1, h);  W2: (h, 1);  b2: (1, 1).
    Returns ``(dW1, db1, dW2, db2)``, each of its parameter's shape. (The notebook's
    ``broken_backward`` transposes dW1, feeds Z1 to sigmoid_derivative and averages db2.)
    """
    X, y, W1, b1, W2, b2 = (np.asarray(a, dtype=np.float64) for a in (X, y, W1, b1, W2, b2))
    Z1 = X @ W1 + b1
    A1 = sigmoid(Z1)
    y_hat = sigmoid(A1 @ W2 + b2)
    dZ2 = (y_hat - y) / y.size
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0, keepdims=True)
    dZ1 = (dZ2 @ W2.T) * sigmoid_derivative(A1)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0, keepdims=True)
    return dW1, db1, dW2, db2


def gradient_descent_step(params: Params, grads: Grads, lr: float) -> Params:
    """One step of gradient descent: ``W - lr * dW`` and ``b - lr * db`` for every layer.

    params, grads: lists of ``(W, b)`` and ``(dW, db)`` pairs of equal shapes;  lr: the
    learning rate. Returns NEW arrays in a new list; the inputs are left unchanged.
    """
    return [(np.asarray(W, dtype=np.float64) - lr * np.asarray(dW, dtype=np.float64),
             np.asarray(b, dtype=np.float64) - lr * np.asarray(db, dtype=np.float64))
            for (W, b), (dW, db) in zip(params, grads, strict=True)]
