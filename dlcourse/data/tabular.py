"""Generated tabular data of lesson 08a: a binary task with 10 features, the handout's problem.

The handout's problem statement is a network with *10 input features, 64 ReLU neurons and one
sigmoid output*. Nothing is downloaded: the samples are drawn from a seed. Each sample has 10
features drawn from a standard normal distribution; its label depends on five of them, not
linearly (a product, a sine, a square), so that the hidden layer has something to learn, and a
little noise makes a few labels look wrong. The other five features are distractors.

    data = binary_split()        # data.X_train (800, 10), data.y_train (800, 1), X_test, y_test
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

#: the handout's input size
N_FEATURES = 10
#: the default data: 800 training and 200 test samples from seed 0
N_TRAIN, N_TEST, SEED = 800, 200, 0
#: the standard deviation of the noise added to the score before thresholding
NOISE = 0.3


def score(X: np.ndarray) -> np.ndarray:
    """The noiseless score whose sign is the label. X: (n, >= 5) -> (n,) float64.

    ``x0 * x1 + sin(2 x2) - 0.5 x3^2 + 0.8 x4 + 0.4``: a product of two features, a periodic
    one, a square, a linear term and an offset that balances the classes (about half are 1).
    """
    X = np.asarray(X, dtype=np.float64)
    return X[:, 0] * X[:, 1] + np.sin(2.0 * X[:, 2]) - 0.5 * X[:, 3] ** 2 + 0.8 * X[:, 4] + 0.4


def binary_task(n_samples: int = N_TRAIN + N_TEST, *, n_features: int = N_FEATURES,
                noise: float = NOISE, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)``: X (n_samples, n_features) float64 from N(0, 1); y (n_samples, 1) float64 of 0s
    and 1s, ``y = 1`` where ``score(X) + noise * N(0, 1) > 0``. The same arguments always give the
    same data. n_features must be at least 5 (the label uses the first five).
    """
    if n_features < 5:
        raise ValueError("the label uses the first 5 features: n_features must be at least 5")
    if n_samples < 1:
        raise ValueError("n_samples must be at least 1")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    y = (score(X) + noise * rng.normal(size=n_samples) > 0).astype(np.float64).reshape(-1, 1)
    return X, y


def binary_split(n_train: int = N_TRAIN, n_test: int = N_TEST, *, n_features: int = N_FEATURES,
                 noise: float = NOISE, seed: int = SEED) -> SimpleNamespace:
    """The task split in two: ``X_train`` (n_train, n_features), ``y_train`` (n_train, 1),
    ``X_test``, ``y_test``, all float64 (the first ``n_train`` samples of :func:`binary_task`
    train, the next ``n_test`` test)."""
    X, y = binary_task(n_train + n_test, n_features=n_features, noise=noise, seed=seed)
    return SimpleNamespace(X_train=X[:n_train], y_train=y[:n_train],
                           X_test=X[n_train:], y_test=y[n_train:], n_features=n_features)
