"""Lesson 05: networks trained from scratch in NumPy (the handout's XOR program, and beyond).

- :func:`train_xor` is the handout's XOR program as a function: the same initialisation, the
  same forward pass and the same updates, so with its defaults it computes exactly what the
  handout's program computes. :func:`xor_step` is one of its steps, for any sizes.
  :func:`predict` runs the trained 2-layer sigmoid network.
- :func:`perceptron_train` is the classic perceptron (a single neuron with a step activation).
- :func:`train_digits_mlp` trains a ReLU network with a softmax output on the digits with
  mini-batch gradient descent; :func:`predict_digits` reads the digit from its output;
  :func:`softmax_cross_entropy_grad` is the gradient its backward pass starts from.

Shapes follow the course: ``X`` (n_samples, n_features), a layer ``X @ W + b`` with ``W``
(n_in, n_out) and ``b`` (1, n_out).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..data.logic import truth_table
from .activations import sigmoid

Params = list[tuple[np.ndarray, np.ndarray]]

#: the four inputs of two bits, in the handout's order, and XOR of each
XOR_X, XOR_Y = truth_table("xor")


# --------------------------------------------------------------------------------------------
# The handout's XOR network
# --------------------------------------------------------------------------------------------

def train_xor(epochs: int = 10000, lr: float = 1.0, hidden: int = 2,
              seed: int = 1) -> tuple[Params, np.ndarray]:
    """Train the handout's 2 -> hidden -> 1 sigmoid network on XOR, as its program does.

    Initialisation: ``np.random.seed(seed)``, then ``wh`` (2, hidden), ``bh`` (1, hidden),
    ``wo`` (hidden, 1), ``bo`` (1, 1) drawn with ``np.random.uniform(size=...)`` in that order.
    Each epoch, on all four XOR samples at once (full batch): the forward pass
    ``hidden_output = sigmoid(X @ wh + bh)``, ``output = sigmoid(hidden_output @ wo + bo)``;
    the loss of this epoch, ``mean((y - output) ** 2)``, computed BEFORE the update; then the
    handout's updates scaled by ``lr`` (``error = y - output``, ``d_output = error * output *
    (1 - output)``, ``d_hidden = d_output @ wo.T * hidden_output * (1 - hidden_output)``,
    ``wo += lr * hidden_output.T @ d_output``, ``bo += lr * sum(d_output)``, ``wh += lr * X.T @
    d_hidden``, ``bh += lr * sum(d_hidden)``). With ``lr = 1`` these are the handout's lines.

    Returns ``(params, losses)``: params ``[(wh, bh), (wo, bo)]`` after the last update, float64;
    losses (epochs,) float64, ``losses[0]`` being the loss of the initial weights.
    """
    X, y = XOR_X, XOR_Y
    np.random.seed(seed)
    wh = np.random.uniform(size=(2, hidden))
    bh = np.random.uniform(size=(1, hidden))
    wo = np.random.uniform(size=(hidden, 1))
    bo = np.random.uniform(size=(1, 1))
    losses = np.empty(epochs)
    for epoch in range(epochs):
        hidden_output = sigmoid(X @ wh + bh)
        output = sigmoid(hidden_output @ wo + bo)
        error = y - output
        losses[epoch] = np.mean(error ** 2)
        d_output = error * output * (1.0 - output)
        d_hidden = (d_output @ wo.T) * hidden_output * (1.0 - hidden_output)
        wo = wo + lr * (hidden_output.T @ d_output)
        bo = bo + lr * d_output.sum(axis=0, keepdims=True)
        wh = wh + lr * (X.T @ d_hidden)
        bh = bh + lr * d_hidden.sum(axis=0, keepdims=True)
    return [(wh, bh), (wo, bo)], losses


def xor_step(params: Params, X: ArrayLike, y: ArrayLike, lr: float) -> tuple[Params, float]:
    """One full-batch step of the handout's training, for any number of inputs and hidden neurons.

    params: ``[(wh, bh), (wo, bo)]`` with wh (n_in, hidden), bh (1, hidden), wo (hidden, 1),
    bo (1, 1); X: (n, n_in); y: (n, 1); lr: the learning rate (1 = the handout).
    The forward pass, then every gradient from that forward pass (``d_hidden`` uses ``wo``
    BEFORE its update), then the handout's updates scaled by ``lr``: one step of gradient
    descent on half the summed squared error.

    Returns ``(new_params, loss)``: new arrays ``[(wh, bh), (wo, bo)]`` (params is left alone)
    and ``loss = mean((y - output) ** 2)`` of this step's forward pass, before the update.
    """
    (wh, bh), (wo, bo) = ((np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64))
                          for W, b in params)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    hidden_output = sigmoid(X @ wh + bh)
    output = sigmoid(hidden_output @ wo + bo)
    error = y - output
    d_output = error * output * (1.0 - output)
    d_hidden = (d_output @ wo.T) * hidden_output * (1.0 - hidden_output)
    new_params = [(wh + lr * (X.T @ d_hidden), bh + lr * d_hidden.sum(axis=0, keepdims=True)),
                  (wo + lr * (hidden_output.T @ d_output),
                   bo + lr * d_output.sum(axis=0, keepdims=True))]
    return new_params, float(np.mean(error ** 2))


def predict(params: Params, X: ArrayLike) -> np.ndarray:
    """The output of a trained 2-layer sigmoid network: ``sigmoid(sigmoid(X @ wh + bh) @ wo + bo)``.

    params: ``[(wh, bh), (wo, bo)]`` with wh (n_in, hidden), bh (1, hidden), wo (hidden, 1),
    bo (1, 1); X: (n, n_in) -> (n, 1) probabilities (of the label 1), float64.
    """
    (wh, bh), (wo, bo) = params
    X = np.asarray(X, dtype=np.float64)
    return sigmoid(sigmoid(X @ wh + bh) @ wo + bo)


# --------------------------------------------------------------------------------------------
# The perceptron
# --------------------------------------------------------------------------------------------

def perceptron_train(X: ArrayLike, y: ArrayLike, epochs: int = 100,
                     lr: float = 0.1) -> tuple[np.ndarray, float, np.ndarray]:
    """The classic perceptron rule, one sample at a time, in the order of the rows of ``X``.

    X: (n, d); y: (n, 1) or (n,) labels 0 or 1. ``w`` starts at zeros (d,) and ``b`` at 0.
    For each sample the prediction is ``y_hat = step(x . w + b)``, with step(z) = 1 if z > 0
    else 0; when it is wrong, ``w += lr * (y - y_hat) * x`` and ``b += lr * (y - y_hat)``
    (nothing changes when it is right).

    Returns ``(w, b, errors_per_epoch)``: w (d,) float64, b a float, and errors_per_epoch
    (epochs,) int64: how many samples were misclassified (so caused an update) during each epoch.
    Once an epoch has no error, w and b separate the data and stay as they are.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    w = np.zeros(X.shape[1])
    b = 0.0
    errors = np.zeros(epochs, dtype=np.int64)
    for epoch in range(epochs):
        for x_i, y_i in zip(X, y):
            y_hat = 1.0 if x_i @ w + b > 0 else 0.0
            if y_hat != y_i:
                w = w + lr * (y_i - y_hat) * x_i
                b = b + lr * (y_i - y_hat)
                errors[epoch] += 1
    return w, float(b), errors


# --------------------------------------------------------------------------------------------
# A digits classifier from scratch
# --------------------------------------------------------------------------------------------

def he_init(layer_sizes: Sequence[int], rng: np.random.Generator) -> Params:
    """``(W, b)`` per layer: W (n_in, n_out) from N(0, 2 / n_in) (He), b (1, n_out) zeros.

    The variance 2 / n_in keeps the size of ReLU activations about the same from layer to layer.
    Draws from ``rng`` layer by layer, so the same generator state gives the same values.
    """
    return [(rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out)), np.zeros((1, n_out)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def mlp_logits(params: Params, X: ArrayLike) -> np.ndarray:
    """Forward pass with ReLU on every hidden layer and no activation on the last.

    X: (n, n_in) -> (n, n_classes) logits; softmax of a row gives the class probabilities.
    """
    A = np.asarray(X, dtype=np.float64)
    for W, b in params[:-1]:
        A = np.maximum(A @ W + b, 0.0)
    W, b = params[-1]
    return A @ W + b


def softmax_cross_entropy_grad(logits: ArrayLike, labels: ArrayLike) -> np.ndarray:
    """The gradient of :func:`~dlcourse.reference.losses.softmax_cross_entropy` (the mean over the
    samples) with respect to the logits: ``(softmax(logits) - one_hot(labels)) / n``.

    logits: (n, k) raw scores; labels: (n,) or (n, 1) integer classes 0..k-1.
    Returns (n, k) float64; finite for any logits (the softmax subtracts each row's maximum).
    Row i, column j: ``(p_ij - [j == labels[i]]) / n``, so every row sums to 0.
    """
    z = np.asarray(logits, dtype=np.float64)
    idx = np.asarray(labels).astype(np.int64).reshape(-1)
    n = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    probs[np.arange(n), idx] -= 1.0
    return probs / n


def predict_digits(params: Params, X: ArrayLike) -> np.ndarray:
    """The class of each row of X: the argmax of :func:`mlp_logits`. X: (n, n_in) -> (n,) int64.

    Softmax keeps the order of the logits, so the most probable class is the largest logit.
    """
    return np.argmax(mlp_logits(params, X), axis=1).astype(np.int64)


def train_digits_mlp(X_train: ArrayLike, y_train: ArrayLike, num_hiddens: int = 64,
                     num_epochs: int = 30, lr: float = 0.2, batch_size: int = 32,
                     seed: int = 0) -> tuple[Params, np.ndarray]:
    """Train an n_in -> num_hiddens (ReLU) -> n_classes (softmax) network with mini-batch SGD.

    X_train: (n, n_in) float; y_train: (n,) int class labels 0..n_classes-1 (n_classes = 10 for
    the digits, taken as ``max(y_train) + 1``). One generator ``np.random.default_rng(seed)``
    draws the He initialisation (:func:`he_init`), then one permutation of the samples per epoch;
    the batches are consecutive slices of that permutation (the last one may be smaller). Each
    batch: forward pass, softmax cross-entropy (mean over the batch), its gradient
    ``(softmax(logits) - one_hot(y)) / batch`` propagated back, and ``P -= lr * dP`` for every
    parameter. The same arguments give the same result.

    Returns ``(params, losses)``: params ``[(W1, b1), (W2, b2)]`` float64 with W1 (n_in,
    num_hiddens), W2 (num_hiddens, n_classes); losses (num_epochs,): each epoch's training loss,
    the mean over all samples of the cross-entropy of the batch each sample was in.
    Predict with :func:`predict_digits`.
    """
    X = np.asarray(X_train, dtype=np.float64)
    labels = np.asarray(y_train).astype(np.int64).reshape(-1)
    n, n_in = X.shape
    n_classes = int(labels.max()) + 1
    rng = np.random.default_rng(seed)
    (W1, b1), (W2, b2) = he_init([n_in, num_hiddens, n_classes], rng)
    losses = np.empty(num_epochs)
    for epoch in range(num_epochs):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            Xb, yb, m = X[batch], labels[batch], len(batch)
            Z1 = Xb @ W1 + b1
            A1 = np.maximum(Z1, 0.0)
            logits = A1 @ W2 + b2
            shifted = logits - logits.max(axis=1, keepdims=True)   # stable softmax
            exp = np.exp(shifted)
            sums = exp.sum(axis=1, keepdims=True)
            rows = np.arange(m)
            total += np.sum(np.log(sums[:, 0]) - shifted[rows, yb])
            dlogits = exp / sums
            dlogits[rows, yb] -= 1.0
            dlogits /= m
            dW2 = A1.T @ dlogits
            db2 = dlogits.sum(axis=0, keepdims=True)
            dZ1 = (dlogits @ W2.T) * (Z1 > 0)
            dW1 = Xb.T @ dZ1
            db1 = dZ1.sum(axis=0, keepdims=True)
            W1, b1 = W1 - lr * dW1, b1 - lr * db1
            W2, b2 = W2 - lr * dW2, b2 - lr * db2
        losses[epoch] = total / n
    return [(W1, b1), (W2, b2)], losses
