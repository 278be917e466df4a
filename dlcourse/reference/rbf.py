"""Lesson 06a reference: the features of a radial basis function (RBF) network."""
from __future__ import annotations

import numpy as np


def rbf_features(X, centers, gamma):
    """Gaussian RBF features: ``Phi[i, j] = exp(-gamma * ||X[i] - centers[j]||^2)``.

    X: (n, d) samples; centers: (k, d) centres; gamma: a positive number (the width is
    1 / sqrt(2 * gamma)). Returns Phi: (n, k), float64, every entry in (0, 1].
    """
    X = np.asarray(X, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    diff = X[:, None, :] - centers[None, :, :]          # (n, k, d)
    return np.exp(-float(gamma) * np.sum(diff ** 2, axis=2))
