"""Two interleaved spirals: a generated 2-D task where depth matters (lesson 06a). Nothing is
downloaded; the same seed always gives the same points.

Each spiral is an arm that starts near the centre and winds ``turns`` times around it; the arm
of label 1 is the arm of label 0 turned by half a circle, so the two interleave all the way out.
A single straight line, or a handful of them, cannot separate them: a classifier must draw a
boundary that winds between the arms.
"""
from __future__ import annotations

import numpy as np

#: how many times each arm winds around the centre, and the noise added to every point
TURNS = 2.5
NOISE = 0.04
SEED = 0


def make_spirals(n_samples: int = 600, *, turns: float = TURNS, noise: float = NOISE,
                 seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)``: ``n_samples`` points of two interleaved spirals, half of each label.

    X: (n_samples, 2) float64, coordinates within about [-1.1, 1.1]; y: (n_samples, 1) float64
    labels 0.0 / 1.0 (the course's shape for a binary task), the samples shuffled. A point of an
    arm sits at radius ``r`` in (0.05, 1] and angle ``2 * pi * turns * r`` (plus pi for label 1),
    with Gaussian noise of standard deviation ``noise`` added to both coordinates. All randomness
    comes from ``np.random.default_rng(seed)``.
    """
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2, got {n_samples}")
    rng = np.random.default_rng(seed)
    labels = np.arange(n_samples) % 2
    radius = 0.05 + 0.95 * rng.random(n_samples) ** 0.75   # fewer points crowd the centre
    angle = 2.0 * np.pi * turns * radius + np.pi * labels
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X = X + rng.normal(0.0, noise, size=X.shape)
    order = rng.permutation(n_samples)
    return X[order], labels[order].astype(np.float64).reshape(-1, 1)


def load_spirals_split(n_train: int = 600, n_test: int = 600, *, turns: float = TURNS,
                       noise: float = NOISE,
                       seed: int = SEED) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(X_train, X_test, y_train, y_test)``: two independent draws of :func:`make_spirals`
    (seeds ``seed`` and ``seed + 1``), so no test point is a training point."""
    X_train, y_train = make_spirals(n_train, turns=turns, noise=noise, seed=seed)
    X_test, y_test = make_spirals(n_test, turns=turns, noise=noise, seed=seed + 1)
    return X_train, X_test, y_train, y_test
