"""A generated 2-D distribution for lesson 06c's GAN: a ring of Gaussians (nothing downloaded).

``make_ring(n_samples)`` draws points around ``n_modes`` centres spaced evenly on a circle, each
centre a small round Gaussian: a distribution that is easy to see and hard to fake. A generator
that learns only part of it (*mode collapse*) shows at once: whole blobs stay empty.
``ring_centers`` gives the centres and ``mode_coverage`` measures how much of a set of samples
lies near them, and near which one.

    X = make_ring(2000, seed=0)                     # (2000, 2) float64
    near, per_mode = mode_coverage(generated)      # fraction near a centre, counts per centre
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

#: the default ring: 8 centres on a circle of radius 2, each a Gaussian of standard deviation 0.05
N_MODES = 8
RADIUS = 2.0
STD = 0.05


def ring_centers(n_modes: int = N_MODES, radius: float = RADIUS) -> np.ndarray:
    """(n_modes, 2) float64: the centres, evenly spaced on the circle, the first at (radius, 0)."""
    angles = 2.0 * np.pi * np.arange(n_modes) / n_modes
    return radius * np.column_stack([np.cos(angles), np.sin(angles)])


def make_ring(n_samples: int = 2000, *, n_modes: int = N_MODES, radius: float = RADIUS,
              std: float = STD, seed: int = 0, return_modes: bool = False):
    """``n_samples`` points of the ring of Gaussians, drawn with ``np.random.default_rng(seed)``.

    Each point picks a centre uniformly at random, then adds round Gaussian noise of standard
    deviation ``std``. Returns X: (n_samples, 2) float64; with ``return_modes=True`` also the
    centre each point came from, (n_samples,) int64. The same seed gives the same points.
    """
    if n_samples < 0 or n_modes < 1 or std < 0:
        raise ValueError("make_ring needs n_samples >= 0, n_modes >= 1 and std >= 0")
    rng = np.random.default_rng(seed)
    modes = rng.integers(0, n_modes, size=n_samples)
    X = ring_centers(n_modes, radius)[modes] + rng.normal(0.0, std, size=(n_samples, 2))
    return (X, modes.astype(np.int64)) if return_modes else X


def mode_coverage(samples: ArrayLike, *, n_modes: int = N_MODES, radius: float = RADIUS,
                  within: float = 0.3) -> tuple[float, np.ndarray]:
    """How well ``samples`` (m, 2) cover the ring: ``(near, per_mode)``.

    ``near``: the fraction of the samples within ``within`` of some centre (6 standard deviations
    of the default ring: almost every real point is near); ``per_mode``: (n_modes,) int64, how
    many samples are near each centre. An empty entry in ``per_mode`` is a mode the samples miss.
    """
    samples = np.asarray(samples, dtype=np.float64).reshape(-1, 2)
    distances = np.linalg.norm(samples[:, None, :] - ring_centers(n_modes, radius)[None], axis=2)
    nearest = np.argmin(distances, axis=1)
    is_near = distances[np.arange(len(samples)), nearest] < within
    per_mode = np.bincount(nearest[is_near], minlength=n_modes).astype(np.int64)
    return (float(np.mean(is_near)) if len(samples) else 0.0), per_mode
