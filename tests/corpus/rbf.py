"""Lesson 06a corpus: rbf_features(X, centers, gamma) -> (n, k), exp(-gamma * ||x - c||^2).

See ``corpus/__init__`` for the tables.
"""
from __future__ import annotations

import math

import numpy as np

# --------------------------------------------------------------------------------------------
# right, written differently from the reference
# --------------------------------------------------------------------------------------------

def rbf_loops(X, centers, gamma):
    """Pure Python loops over samples, centres and coordinates."""
    X, centers = np.asarray(X, dtype=float), np.asarray(centers, dtype=float)
    Phi = np.zeros((len(X), len(centers)))
    for i, x in enumerate(X):
        for j, c in enumerate(centers):
            d2 = 0.0
            for a, b in zip(x, c):
                d2 += (a - b) ** 2
            Phi[i, j] = math.exp(-gamma * d2)
    return Phi


def rbf_expanded(X, centers, gamma):
    """||x||^2 + ||c||^2 - 2 x.c with matrix products (clipped at 0 against rounding)."""
    X, centers = np.asarray(X, dtype=float), np.asarray(centers, dtype=float)
    d2 = (X ** 2).sum(axis=1, keepdims=True) + (centers ** 2).sum(axis=1) - 2.0 * X @ centers.T
    return np.exp(-gamma * np.maximum(d2, 0.0))


def rbf_einsum_norm(X, centers, gamma):
    diff = np.asarray(X, dtype=float)[:, np.newaxis] - np.asarray(centers, dtype=float)
    return np.exp(-gamma * np.einsum("nkd,nkd->nk", diff, diff))


def rbf_column_by_column(X, centers, gamma):
    """One centre at a time, with np.linalg.norm squared."""
    X = np.asarray(X, dtype=float)
    cols = [np.exp(-gamma * np.linalg.norm(X - c, axis=1) ** 2) for c in np.asarray(centers, float)]
    return np.stack(cols, axis=1)


# --------------------------------------------------------------------------------------------
# wrong
# --------------------------------------------------------------------------------------------

def _diff(X, centers):
    return np.asarray(X, dtype=float)[:, None, :] - np.asarray(centers, dtype=float)[None, :, :]


def rbf_transposed(X, centers, gamma):
    diff = np.asarray(centers)[:, None, :] - np.asarray(X)[None, :, :]
    return np.exp(-gamma * np.sum(diff ** 2, axis=2))


def rbf_not_squared(X, centers, gamma):
    return np.exp(-gamma * np.linalg.norm(_diff(X, centers), axis=2))


def rbf_divides_by_gamma(X, centers, gamma):
    return np.exp(-np.sum(_diff(X, centers) ** 2, axis=2) / gamma)


def rbf_two_gamma(X, centers, gamma):
    return np.exp(-np.sum(_diff(X, centers) ** 2, axis=2) / (2 * gamma))


def rbf_gamma_is_sigma(X, centers, gamma):
    return np.exp(-np.sum(_diff(X, centers) ** 2, axis=2) / (2 * gamma ** 2))


def rbf_no_minus(X, centers, gamma):
    return np.exp(gamma * np.sum(_diff(X, centers) ** 2, axis=2))


def rbf_gamma_outside(X, centers, gamma):
    return gamma * np.exp(-np.sum(_diff(X, centers) ** 2, axis=2))


def rbf_sum_axis1(X, centers, gamma):
    return np.exp(-gamma * np.sum(_diff(X, centers) ** 2, axis=1))


def rbf_mean_not_sum(X, centers, gamma):
    return np.exp(-gamma * np.mean(_diff(X, centers) ** 2, axis=-1))


def rbf_l1(X, centers, gamma):
    return np.exp(-gamma * np.abs(_diff(X, centers)).sum(axis=2))


def rbf_expansion_without_2(X, centers, gamma):
    X, centers = np.asarray(X, dtype=float), np.asarray(centers, dtype=float)
    d2 = (X ** 2).sum(axis=1)[:, None] + (centers ** 2).sum(axis=1)[None, :] - X @ centers.T
    return np.exp(-gamma * d2)


def rbf_float32(X, centers, gamma):
    diff = _diff(X, centers).astype(np.float32)
    return np.exp(-np.float32(gamma) * np.sum(diff ** 2, axis=2))


def rbf_mutates_X(X, centers, gamma):
    X[:] = X - np.asarray(centers).mean(axis=0)          # centre the data "to help"
    c = np.asarray(centers) - np.asarray(centers).mean(axis=0)
    return np.exp(-gamma * np.sum((X[:, None, :] - c[None, :, :]) ** 2, axis=2))


def rbf_list(X, centers, gamma):
    return np.exp(-gamma * np.sum(_diff(X, centers) ** 2, axis=2)).tolist()


def rbf_none(X, centers, gamma):
    np.exp(-gamma * np.sum(_diff(X, centers) ** 2, axis=2))


def rbf_one_centre_only(X, centers, gamma):
    X = np.asarray(X, dtype=float)
    return np.exp(-gamma * np.sum((X - np.asarray(centers)[0]) ** 2, axis=1, keepdims=True))


RIGHT = {
    "rbf_features": [rbf_loops, rbf_expanded, rbf_einsum_norm, rbf_column_by_column],
}

WRONG = [
    ("rbf_features", rbf_transposed, r"looks transposed \(k, n\)"),
    ("rbf_features", rbf_not_squared, r"not its square"),
    ("rbf_features", rbf_divides_by_gamma, r"You divided by gamma"),
    ("rbf_features", rbf_two_gamma, r"exp\(-\|\|x - c\|\|\*\*2 / \(2 \* gamma\)\)"),
    ("rbf_features", rbf_gamma_is_sigma, r"treated gamma as the width sigma"),
    ("rbf_features", rbf_no_minus, r"minus sign is missing"),
    ("rbf_features", rbf_gamma_outside, r"gamma is outside the exponential"),
    ("rbf_features", rbf_sum_axis1, r"summed over the wrong axis"),
    ("rbf_features", rbf_mean_not_sum, r"mean of the squared differences"),
    ("rbf_features", rbf_l1, r"L1 \(Manhattan\)"),
    ("rbf_features", rbf_expansion_without_2, r"factor 2 that is missing"),
    ("rbf_features", rbf_float32, r"float32.*float64"),
    ("rbf_features", rbf_mutates_X, r"changed its input `X` in place"),
    ("rbf_features", rbf_list, r"not a NumPy array"),
    ("rbf_features", rbf_none, r"Did you forget the `return`"),
    ("rbf_features", rbf_one_centre_only, r"shape \(1, 1\), but shape \(1, 2\) was expected"),
]
