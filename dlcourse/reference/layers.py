"""Lesson 02: dense layers and forward propagation (handout 1.2 and 1.3).

Rows are samples: ``X`` is ``(n_samples, n_features)`` and a layer computes ``X @ W + b`` with
``W`` of shape ``(n_in, n_out)`` and ``b`` of shape ``(1, n_out)``, like the handout's XOR code.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

Params = list[tuple[np.ndarray, np.ndarray]]
#: one ``(A_prev, Z)`` pair per layer: the layer's input and its pre-activation.
Cache = list[tuple[np.ndarray, np.ndarray]]


def init_params(layer_sizes: Sequence[int], seed: int = 0) -> Params:
    """Random weights and zero biases for an MLP with the given layer sizes.

    layer_sizes: ``[n_in, n_hidden, ..., n_out]`` -> a list of ``len(layer_sizes) - 1`` pairs
    ``(W, b)`` with ``W: (n_in, n_out)`` drawn from N(0, 1/n_in) (keeps activations of similar
    size from layer to layer) and ``b: (1, n_out)`` zeros. The same seed gives the same values.
    """
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_in, n_out)), np.zeros((1, n_out)))
        for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])
    ]


def dense_forward(X: ArrayLike, W: ArrayLike, b: ArrayLike,
                  activation: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """One dense layer: ``activation(X @ W + b)``.

    X: (n, n_in);  W: (n_in, n_out);  b: (1, n_out)  ->  (n, n_out).
    """
    X = np.asarray(X, dtype=np.float64)
    return activation(X @ np.asarray(W, dtype=np.float64) + np.asarray(b, dtype=np.float64))


def forward(X: ArrayLike, params: Params,
            activations: Sequence[Callable[[np.ndarray], np.ndarray]]) -> tuple[np.ndarray, Cache]:
    """Forward propagation through every layer.

    X: (n, n_in);  params: ``[(W1, b1), ..., (WL, bL)]``;  activations: one function per layer.
    Returns ``(output, cache)``: output (n, n_out) and, for each layer, ``(A_prev, Z)`` with
    A_prev the layer's input (n, n_in_l) and Z = A_prev @ W + b its pre-activation (n, n_out_l).
    """
    A = np.asarray(X, dtype=np.float64)
    cache: Cache = []
    for (W, b), activation in zip(params, activations, strict=True):
        Z = A @ W + b
        cache.append((A, Z))
        A = activation(Z)
    return A, cache


def count_params(layer_sizes: Sequence[int]) -> int:
    """Number of trainable numbers (weights and biases) in an MLP with these layer sizes."""
    return int(sum(n_in * n_out + n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])))
