"""Lesson 06a exercise: rbf_features, the hidden layer of a radial basis function (RBF) network.

``rbf_features(X, centers, gamma)`` turns each sample into its closeness to each centre:
``Phi[i, j] = exp(-gamma * ||X[i] - centers[j]||^2)``, X (n, d), centers (k, d) -> (n, k).
``gamma`` multiplies the SQUARED Euclidean distance (the convention of scikit-learn's
``rbf_kernel``); some books write ``exp(-||x - c||^2 / (2 sigma^2))`` instead, which is the same
with ``gamma = 1 / (2 sigma^2)``. The cases use n != k != d and gammas other than 1 and 1/2, so
that a transposed result, a sum over the wrong axis or another convention cannot pass.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..reference import rbf as ref
from .core import RTOL, ATOL, Case, Exercise, Mistake, compare_arrays, redraw
from .core import seeded_data as _data


def _f(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


def _diff(X, centers) -> np.ndarray:
    """(n, k, d): every sample minus every centre."""
    return _f(X)[:, None, :] - _f(centers)[None, :, :]


def _sq(X, centers) -> np.ndarray:
    """(n, k): the squared distances."""
    return np.sum(_diff(X, centers) ** 2, axis=2)


def _rbf_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """The usual comparison, with a word on the (k, n) shape of a transposed result."""
    exp = np.asarray(expected)
    if (isinstance(got, np.ndarray) and got.ndim == 2 and exp.ndim == 2
            and got.shape == exp.shape[::-1] and exp.shape[0] != exp.shape[1]):
        return (f"The result has shape {got.shape}, but shape {exp.shape} was expected: one row "
                "per sample and one column per centre, (n, k). Yours looks transposed (k, n): "
                "put the samples first, X[:, None, :] - centers[None, :, :].")
    return compare_arrays(expected, got, rtol=rtol, atol=atol)


#: the four XOR inputs and the two centres of the classic RBF solution of XOR
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_CENTERS = np.array([[0.0, 0.0], [1.0, 1.0]])


def _near_centres(seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    """12 samples in 3-D and 4 centres, two of which ARE samples (their feature is exactly 1)."""
    X = _data(seed, 12, 3)
    centers = np.vstack([X[[2, 7]], _data(seed + 1, 2, 3)])
    return X, centers, 1.5


RBF_FEATURES = Exercise(
    name="rbf_features",
    params=("X", "centers", "gamma"),
    reference=ref.rbf_features,
    compare=_rbf_compare,
    cases=[
        Case("one sample X = [[1, 2, 2]], centres [[0, 0, 0], [1, 1, 1]], gamma = 0.25: squared "
             "distances 9 and 2, so Phi = [[exp(-2.25), exp(-0.5)]] = [[0.1054, 0.6065]]",
             (np.array([[1.0, 2.0, 2.0]]), np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]), 0.25),
             hint="For each centre: the squared distance, (1 - 0)**2 + (2 - 0)**2 + (2 - 0)**2 = 9 "
                  "for the first, times gamma, with a minus sign, then np.exp: "
                  "exp(-0.25 * 9) = 0.1054."),
        Case("the four XOR inputs (4, 2) and the centres (0, 0) and (1, 1), gamma = 1: Phi (4, 2) "
             "= [[1, 0.1353], [0.3679, 0.3679], [0.3679, 0.3679], [0.1353, 1]]",
             (XOR_X, XOR_CENTERS, 1.0),
             hint="Row i is sample i, column j is centre j: (0, 0) is at distance 0 from the first "
                  "centre (feature 1) and at squared distance 2 from the second (exp(-2) = 0.1353)."),
        Case("6 samples in 3-D and 4 centres, gamma = 0.7: Phi (6, 4)",
             (_data(61, 6, 3), _data(62, 4, 3), 0.7)),
        Case("one feature (d = 1): X (5, 1), centres (3, 1), gamma = 2 given as a Python int",
             (_data(63, 5, 1), _data(64, 3, 1), 2)),
        Case("random samples (20, 4) and centres (7, 4), gamma = 0.3",
             (redraw(_data, 20, 4), redraw(_data, 7, 4), 0.3), hidden=True),
        Case("two centres are samples: their feature is exactly 1 there",
             redraw(_near_centres), hidden=True),
        Case("a single centre: X (8, 3), centers (1, 3) -> Phi (8, 1)",
             (redraw(_data, 8, 3), redraw(_data, 1, 3), 0.25), hidden=True),
        Case("far-away points: features that underflow to 0 (no warning, no nan)",
             (redraw(_data, 5, 2, scale=30.0), redraw(_data, 3, 2), 5.0), hidden=True),
        Case("a wide RBF, gamma = 0.01, on samples of larger scale",
             (redraw(_data, 9, 5, scale=4.0), redraw(_data, 6, 5, scale=4.0), 0.01), hidden=True),
        Case("gamma given as a NumPy float", (redraw(_data, 4, 6), redraw(_data, 5, 6),
                                              np.float64(0.9)), hidden=True),
    ],
    mistakes=[
        Mistake("You transposed the result: it should be (n, k), one row per sample and one column "
                "per centre.", lambda X, c, g: ref.rbf_features(X, c, g).T),
        Mistake("You used the distance itself, not its square: the feature is "
                "exp(-gamma * ||x - c||**2), the SQUARED distance (no np.sqrt, or np.linalg.norm "
                "squared).",
                lambda X, c, g: np.exp(-float(g) * np.sqrt(_sq(X, c)))),
        Mistake("You divided by gamma: here gamma MULTIPLIES the squared distance, "
                "exp(-gamma * ||x - c||**2) (a larger gamma gives a narrower bump).",
                lambda X, c, g: np.exp(-_sq(X, c) / float(g))),
        Mistake("You used the convention exp(-||x - c||**2 / (2 * gamma)). In this course (and "
                "scikit-learn's rbf_kernel) gamma multiplies: exp(-gamma * ||x - c||**2), with "
                "no factor 2.", lambda X, c, g: np.exp(-_sq(X, c) / (2.0 * float(g)))),
        Mistake("You treated gamma as the width sigma, exp(-||x - c||**2 / (2 * gamma**2)). "
                "Here gamma multiplies the squared distance directly: exp(-gamma * ||x - c||**2) "
                "(gamma = 1 / (2 sigma**2)).",
                lambda X, c, g: np.exp(-_sq(X, c) / (2.0 * float(g) ** 2))),
        Mistake("You halved: exp(-gamma * ||x - c||**2 / 2). There is no 1/2 in this course's "
                "formula: exp(-gamma * ||x - c||**2).",
                lambda X, c, g: np.exp(-float(g) * _sq(X, c) / 2.0)),
        Mistake("The minus sign is missing: exp(+gamma * d**2) grows with the distance. An RBF "
                "feature is largest (1) AT its centre and falls towards 0 far away: "
                "exp(-gamma * d**2).", lambda X, c, g: np.exp(float(g) * _sq(X, c))),
        Mistake("gamma is outside the exponential: gamma * exp(-d**2). It belongs inside, "
                "exp(-gamma * d**2), so that every feature is 1 at its centre.",
                lambda X, c, g: float(g) * np.exp(-_sq(X, c))),
        Mistake("You summed over the wrong axis. With diff = X[:, None, :] - centers[None, :, :] "
                "of shape (n, k, d), the squared distance sums over the coordinates, the LAST "
                "axis: np.sum(diff ** 2, axis=2) (or axis=-1).",
                lambda X, c, g: np.exp(-float(g) * np.sum(_diff(X, c) ** 2, axis=1))),
        Mistake("You summed over the wrong axis. With diff = X[:, None, :] - centers[None, :, :] "
                "of shape (n, k, d), the squared distance sums over the coordinates, the LAST "
                "axis: np.sum(diff ** 2, axis=2) (or axis=-1).",
                lambda X, c, g: np.exp(-float(g) * np.sum(_diff(X, c) ** 2, axis=0))),
        Mistake("You took the mean of the squared differences instead of their sum: the squared "
                "distance is the SUM over the d coordinates, np.sum(diff ** 2, axis=-1).",
                lambda X, c, g: np.exp(-float(g) * np.mean(_diff(X, c) ** 2, axis=2))),
        Mistake("You used the L1 (Manhattan) distance, the sum of |x - c|. The Gaussian RBF uses "
                "the squared Euclidean distance, the sum of (x - c)**2.",
                lambda X, c, g: np.exp(-float(g) * np.sum(np.abs(_diff(X, c)), axis=2))),
        Mistake("With ||x||**2 + ||c||**2 - 2 x.c, the last term has a factor 2 that is missing: "
                "||x - c||**2 = ||x||**2 + ||c||**2 - 2 * x @ c.",
                lambda X, c, g: np.exp(-float(g) * (np.sum(_f(X) ** 2, axis=1)[:, None]
                                                   + np.sum(_f(c) ** 2, axis=1)[None, :]
                                                   - _f(X) @ _f(c).T))),
        Mistake("The term 2 x.c should be subtracted: ||x - c||**2 = ||x||**2 + ||c||**2 - 2 x.c.",
                lambda X, c, g: np.exp(-float(g) * (np.sum(_f(X) ** 2, axis=1)[:, None]
                                                   + np.sum(_f(c) ** 2, axis=1)[None, :]
                                                   + 2.0 * _f(X) @ _f(c).T))),
    ],
)

EXERCISES = [RBF_FEATURES]
