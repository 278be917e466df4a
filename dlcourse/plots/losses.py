"""Figures of lesson 03: why cross-entropy rather than MSE for classification, naive versus
stable losses at the edges, and softmax cross-entropy of one logit vector.

The classification figures use one sigmoid output ``p = sigmoid(z)`` and a target ``y = 1``.
Training moves ``z``, so what matters is the gradient of the loss with respect to ``z``:

- binary cross-entropy ``-log p`` has ``dL/dz = p - 1``: close to -1 when the prediction is
  confidently wrong (``p`` near 0), a strong push;
- squared error ``(1 - p)**2`` has ``dL/dz = -2 (1 - p) p (1 - p)``: the sigmoid's slope
  ``p (1 - p)`` makes it vanish exactly when the prediction is confidently wrong.

matplotlib is imported inside the drawing functions, so importing this module loads NumPy only.
Each figure function closes its figure in pyplot and returns it.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..reference import losses as ref
from ..reference.activations import softmax


def bce_gradient_z(p: ArrayLike, y: float = 1.0) -> np.ndarray:
    """d/dz of the binary cross-entropy of ``p = sigmoid(z)`` and target ``y``: ``p - y``."""
    return np.asarray(p, dtype=np.float64) - y


def mse_gradient_z(p: ArrayLike, y: float = 1.0) -> np.ndarray:
    """d/dz of the squared error ``(p - y)**2`` with ``p = sigmoid(z)``: ``2 (p - y) p (1 - p)``."""
    p = np.asarray(p, dtype=np.float64)
    return 2.0 * (p - y) * p * (1.0 - p)


def _pointwise(fn: Callable[..., Any], y: float, ps: np.ndarray) -> tuple[np.ndarray | None, str]:
    """``fn(y, p)`` for each p (a loss of one sample): (values, "") or (None, why not).

    A student's loss may still be a stub or return the wrong thing; the figure says so instead of
    failing.
    """
    values = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for p in ps:
            try:
                values.append(float(np.asarray(fn(np.array([[y]]), np.array([[p]]))).reshape(-1)[0]))
            except Exception as exc:  # shown in the panel, e.g. NotImplementedError of a stub
                return None, f"yours raised {type(exc).__name__}"
    return np.array(values), ""


def plot_bce_vs_mse(bce: Callable[..., Any] | None = None, mse: Callable[..., Any] | None = None,
                    ) -> Any:
    """The loss (left) and its gradient with respect to z (right), for a target y = 1, as a
    function of the predicted probability p = sigmoid(z).

    bce, mse: loss functions ``f(y_true, y_pred)`` to draw (yours, for instance); the course's
    references by default. The gradients are the exact formulas of this module's docstring.
    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    ps = np.linspace(0.001, 0.999, 300)
    curves = {}
    for name, fn, default in (("binary cross-entropy", bce, ref.binary_cross_entropy),
                              ("MSE", mse, ref.mse)):
        values, problem = _pointwise(fn or default, 1.0, ps)
        curves[name] = (values, problem)

    fig, (ax_loss, ax_grad) = plt.subplots(1, 2, figsize=(11, 3.8))
    plt.close(fig)
    colors = {"binary cross-entropy": "tab:blue", "MSE": "tab:orange"}
    for name, (values, problem) in curves.items():
        if values is None:
            ax_loss.text(0.97, 0.9 if name == "MSE" else 0.8, f"{name}: {problem}",
                         transform=ax_loss.transAxes, ha="right", fontsize=9, color="tab:red")
        else:
            ax_loss.plot(ps, values, color=colors[name], lw=2, label=name)
    ax_loss.set_ylim(0.0, 5.0)
    ax_loss.set_xlabel("predicted probability p of class 1 (the target is y = 1)")
    ax_loss.set_ylabel("loss")
    ax_loss.set_title("the loss: cross-entropy grows without bound as p -> 0", fontsize=10)

    ax_grad.plot(ps, bce_gradient_z(ps), color=colors["binary cross-entropy"], lw=2,
                 label="binary cross-entropy: p - 1")
    ax_grad.plot(ps, mse_gradient_z(ps), color=colors["MSE"], lw=2,
                 label="MSE: 2 (p - 1) p (1 - p)")
    ax_grad.axvspan(0.0, 0.1, color="tab:red", alpha=0.08)
    ax_grad.text(0.012, -0.55, "confidently\nwrong:\nMSE's push\nvanishes", fontsize=8,
                 color="tab:red")
    ax_grad.set_xlabel("predicted probability p = sigmoid(z)")
    ax_grad.set_ylabel("dL/dz")
    ax_grad.set_title("the gradient that trains z", fontsize=10)
    for ax in (ax_loss, ax_grad):
        ax.set_xlim(0.0, 1.0)
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, loc="upper right" if ax is ax_loss else "lower right")
    fig.tight_layout()
    return fig


def _naive_bce(y: float, p: np.ndarray) -> np.ndarray:
    """The textbook formula of one sample's loss, without clipping (inf or nan at the edges)."""
    with np.errstate(all="ignore"):
        return -(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


def edge_table(eps: float = ref.EPS) -> list[tuple[float, float, float, float]]:
    """``(y, p, naive, stable)`` for a label and a probability of exactly 0 or 1."""
    rows = []
    for y in (1.0, 0.0):
        for p in (0.0, 1.0):
            naive = float(_naive_bce(y, np.array(p)))
            rows.append((y, p, naive, ref.binary_cross_entropy(y, p, eps=eps)))
    return rows


def plot_naive_vs_stable_bce(bce: Callable[..., Any] | None = None, eps: float = ref.EPS) -> Any:
    """One sample's binary cross-entropy for a label 1 as p goes to 0 (log scale, left), and the
    four corner cases p, y in {0, 1}, naive versus clipped (right).

    bce: the loss ``f(y_true, y_prob)`` to draw as the stable one (yours, for instance); the
    course's reference by default. Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    ps = np.logspace(-20, 0, 300)
    stable, problem = _pointwise(bce or ref.binary_cross_entropy, 1.0, ps)
    fig, (ax, ax_table) = plt.subplots(1, 2, figsize=(11, 3.8), width_ratios=[1.4, 1])
    plt.close(fig)
    ax.semilogx(ps, _naive_bce(1.0, ps), color="tab:red", lw=2, ls="--",
                label="naive -log(p): inf at p = 0")
    if stable is None:
        ax.text(0.97, 0.9, problem, transform=ax.transAxes, ha="right", fontsize=9, color="tab:red")
    else:
        ax.semilogx(ps, stable, color="tab:blue", lw=2, label=f"clipped at eps = {eps:g}")
    ax.axvline(eps, color="0.5", ls=":", lw=1)
    ax.text(eps * 1.5, 2.0, "eps", fontsize=8, color="0.4")
    ax.set_xlabel("predicted probability p of class 1 (the target is y = 1), log scale")
    ax.set_ylabel("loss")
    ax.set_title("the clipped loss is capped at -log(eps) = %.2f" % -np.log(eps), fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")

    ax_table.axis("off")
    cells = [[f"{y:g}", f"{p:g}", f"{naive:g}", f"{clipped:.4g}"]
             for y, p, naive, clipped in edge_table(eps)]
    table = ax_table.table(cellText=cells, colLabels=["y", "p", "naive", "clipped"],
                           loc="center", cellLoc="center")
    table.scale(1.0, 1.6)
    for (row, col), cell in table.get_celld().items():
        if row > 0 and col == 2 and not np.isfinite(float(cells[row - 1][2])):
            cell.set_text_props(color="tab:red", weight="bold")
    ax_table.set_title("probabilities of exactly 0 and 1", fontsize=10)
    fig.tight_layout()
    return fig


def plot_softmax_cross_entropy(logits: ArrayLike, label: int,
                               class_names: Sequence[Any] | None = None) -> Any:
    """One sample: its logits (left) and softmax probabilities (right), the true class in green,
    with the loss ``-log p[label]`` in the title. logits: (k,). Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    z = np.asarray(logits, dtype=np.float64)
    if z.ndim != 1:
        raise ValueError(f"plot_softmax_cross_entropy wants a 1-D vector of logits, got {z.shape}")
    probs = softmax(z)
    loss = ref.softmax_cross_entropy(z[None, :], np.array([label]))
    names = [str(c) for c in (range(len(z)) if class_names is None else class_names)]
    colors = ["tab:green" if i == label else "0.6" for i in range(len(z))]
    positions = np.arange(len(z))
    fig, (ax_z, ax_p) = plt.subplots(1, 2, figsize=(11, 3.4))
    plt.close(fig)
    ax_z.bar(positions, z, color=colors)
    ax_z.axhline(0.0, color="0.5", lw=0.8)
    ax_z.set_title("logits z (the true class in green)", fontsize=10)
    ax_p.bar(positions, probs, color=colors)
    for i, p in enumerate(probs):
        ax_p.text(i, p + 0.02, f"{p:.3f}", ha="center", va="bottom", fontsize=8)
    ax_p.set_ylim(0.0, 1.15)
    ax_p.set_title(f"softmax(z): p[true] = {probs[label]:.3f}, loss = -log p[true] = {loss:.3f}",
                   fontsize=10)
    for ax in (ax_z, ax_p):
        ax.set_xticks(positions, names)
        ax.set_xlabel("class")
        ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
