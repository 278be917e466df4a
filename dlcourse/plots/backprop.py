"""Figures of lesson 04: gradient descent on a quadratic bowl, and what the learning rate does.

The bowl is ``L(w) = (1 * w1**2 + 4 * w2**2) / 2``: its gradient is ``(w1, 4 w2)``, so one step
of gradient descent multiplies ``w1`` by ``1 - lr`` and ``w2`` by ``1 - 4 lr``. Hence three
regimes: for ``lr < 0.25`` both factors lie in (0, 1) and the path slides smoothly to the
minimum; for ``0.25 < lr < 0.5`` the factor of ``w2`` is negative but smaller than 1 in size, so
the path zig-zags across the valley and still converges; for ``lr > 0.5`` it is larger than 1 in
size and every step overshoots further: divergence.

matplotlib is imported inside the drawing functions, so importing this module loads NumPy only.
Each figure function closes its figure in pyplot and returns it.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

#: the bowl's curvature along w1 and along w2
CURVATURES = np.array([1.0, 4.0])
#: where every descent starts
START = (-4.0, 2.0)
#: the three learning rates of the recap figure: smooth, zig-zag, divergent
REGIME_LRS = (0.1, 0.45, 0.55)


def quadratic_loss(w: np.ndarray) -> np.ndarray:
    """``L(w) = sum(CURVATURES * w**2) / 2`` over the last axis.  w: (..., 2) -> (...)."""
    return 0.5 * np.sum(CURVATURES * np.asarray(w, dtype=np.float64) ** 2, axis=-1)


def quadratic_gradient(w: np.ndarray) -> np.ndarray:
    """``dL/dw = CURVATURES * w``.  w: (2,) -> (2,)."""
    return CURVATURES * np.asarray(w, dtype=np.float64)


def descend(lr: float, steps: int, start: Sequence[float] = START) -> tuple[np.ndarray, np.ndarray]:
    """Run ``steps`` steps of ``w <- w - lr * dL/dw`` on the bowl from ``start``.

    Returns ``(path, losses)``: path (steps + 1, 2), the start and every w after it, and
    losses (steps + 1,), the loss at each of them.
    """
    path = [np.asarray(start, dtype=np.float64)]
    for _ in range(int(steps)):
        path.append(path[-1] - lr * quadratic_gradient(path[-1]))
    path_array = np.array(path)
    return path_array, quadratic_loss(path_array)


def regime(lr: float) -> str:
    """In words, what gradient descent with this learning rate does on the bowl."""
    factors = 1.0 - lr * CURVATURES
    largest = float(np.max(np.abs(factors)))
    if lr <= 0:
        return "does not move (lr must be positive)"
    if largest > 1.0:
        return "diverges: each step overshoots the minimum further than the last"
    if largest == 1.0:
        return "bounces between two points for ever (lr exactly at the edge)"
    if np.any(factors < 0):
        return "oscillates: it zig-zags across the valley, but converges"
    return "converges smoothly"


def _short(lr: float) -> str:
    return regime(lr).split(":")[0]


def _draw_bowl(ax: Any, limit: float = 5.0) -> None:
    grid = np.linspace(-limit, limit, 201)
    W1, W2 = np.meshgrid(grid, grid)
    losses = quadratic_loss(np.stack([W1, W2], axis=-1))
    ax.contour(W1, W2, losses, levels=np.geomspace(0.05, 60.0, 12), colors="0.7", linewidths=0.8)
    ax.plot([0.0], [0.0], marker="*", color="tab:green", ms=12, zorder=3)
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")


def draw_path(ax: Any, lr: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw the bowl's contours and the descent's path on ``ax``; return ``descend``'s result."""
    path, losses = descend(lr, steps)
    _draw_bowl(ax)
    ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", ms=3.5, lw=1.2)
    ax.plot(path[:1, 0], path[:1, 1], "o", color="black", ms=6)
    return path, losses


def plot_lr_regimes(lrs: Sequence[float] = REGIME_LRS, steps: int = 20) -> Any:
    """One panel per learning rate: the path of ``steps`` steps on the bowl, and the final loss.

    The defaults show the three regimes: smooth convergence (0.1), oscillation (0.45) and
    divergence (0.55). Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(lrs), figsize=(4.4 * len(lrs), 4.8), squeeze=False,
                             layout="constrained")
    plt.close(fig)
    for lr, ax in zip(lrs, axes[0]):
        _, losses = draw_path(ax, lr, steps)
        ax.set_title(f"lr = {lr:g}: {_short(lr)}\nloss {losses[0]:.3g} -> {losses[-1]:.3g} "
                     f"after {steps} steps", fontsize=10)
    fig.suptitle(r"gradient descent on $L(w) = (w_1^2 + 4 w_2^2)/2$ from the black dot "
                 "(the minimum is the green star)", fontsize=11)
    return fig
