"""Figures of lesson 07a: precision-recall curves, a confusion matrix given as counts, and a
classifier's mistakes shown as images.

Every function takes NumPy arrays (a notebook moves tensors to the CPU first) and imports
matplotlib inside itself, so ``import dlcourse.plots.metrics`` stays light. Each one draws on
``ax`` when one is given and returns the Figure; otherwise it makes a figure, closes it in pyplot
and returns it, so that a notebook shows it once.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .figures import message_figure, new_axes


def precision_recall_points(y_true: ArrayLike, scores: ArrayLike
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The points of a precision-recall curve: ``(thresholds, precision, recall)``.

    One point per distinct score ``t``, from the highest down: the precision and recall of
    predicting ``scores >= t``. y_true: (n,) or (n, 1) labels 0/1 with at least one 1; scores:
    (n,) or (n, 1). Returns three (m,) float64 arrays, m = the number of distinct scores; the
    recall rises from left to right (the lower the threshold, the more positives are found).
    """
    y = np.asarray(y_true).reshape(-1).astype(np.int64)
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    tp, predicted = np.cumsum(y == 1), np.arange(1, s.size + 1)
    last = np.r_[np.flatnonzero(np.diff(s) != 0), s.size - 1]   # the last row of each score
    return s[last], tp[last] / predicted[last], tp[last] / max(int(np.sum(y == 1)), 1)


def plot_precision_recall(curves: Mapping[str, tuple[ArrayLike, ArrayLike]], *,
                          marks: Mapping[str, Mapping[str, tuple[float, float]]] | None = None,
                          positive_rate: float | None = None, ax: Any = None,
                          title: str = "precision-recall curves") -> Any:
    """Precision against recall, one curve per entry of ``curves`` (label -> (recall, precision),
    arrays of equal length with the recall rising, e.g. from :func:`precision_recall_points`).

    ``marks`` marks operating points on the curves: curve label -> {mark label -> (recall,
    precision)}, for example the usual threshold 0.5 and a threshold chosen for high recall. A
    mark is drawn in its curve's colour, with one marker shape per mark label. ``positive_rate``
    draws the precision of a classifier that flags cases at random (the share of positives).
    Returns the Figure.
    """
    from matplotlib.lines import Line2D

    fig, ax = new_axes(ax, (6.2, 4.6))
    colors = {}
    for label, (recall, precision) in curves.items():
        (line,) = ax.step(np.asarray(recall, float), np.asarray(precision, float), where="post",
                          lw=2, label=label)
        colors[label] = line.get_color()
    if positive_rate is not None:
        ax.axhline(positive_rate, color="grey", ls=":", lw=1.5,
                   label=f"random guessing (precision {positive_rate:.2f})")
    shapes: dict[str, str] = {}
    for curve, points in (marks or {}).items():
        for mark, (recall, precision) in points.items():
            shape = shapes.setdefault(mark, ["o", "s", "D", "^", "v", "P"][len(shapes) % 6])
            ax.plot([recall], [precision], marker=shape, ms=9, ls="none",
                    color=colors.get(curve, "black"), markeredgecolor="black", zorder=5)
    handles, labels = ax.get_legend_handles_labels()
    for mark, shape in shapes.items():
        handles.append(Line2D([], [], marker=shape, ls="none", ms=8, color="white",
                              markeredgecolor="black"))
        labels.append(mark)
    ax.set_xlabel("recall: share of the actual positives found")
    ax.set_ylabel("precision: share of the alarms that are right")
    ax.set_xlim(-0.02, 1.02)
    low = min([0.0 if positive_rate is None else positive_rate] +
              [float(np.min(p)) for _, p in curves.values()])
    ax.set_ylim(max(0.0, low - 0.05), 1.02)
    ax.grid(alpha=0.3)
    ax.legend(handles, labels, fontsize=8, loc="lower left", framealpha=0.9)
    ax.set_title(title)
    return fig


def plot_confusion_counts(matrix: ArrayLike, *, labels: Sequence[Any] | None = None,
                          ax: Any = None, title: str | None = None,
                          xlabel: str = "predicted class", ylabel: str = "true class") -> Any:
    """A confusion matrix already computed (rows the true class, columns the predicted one) as
    a grid of counts. The diagonal holds the right answers; every other non-zero cell, written in
    red, is a kind of mistake. matrix: (k, k) counts; labels: k names (default 0..k-1).
    Returns the Figure."""
    counts = np.asarray(matrix)
    k = counts.shape[0]
    labels = list(range(k)) if labels is None else list(labels)
    fig, ax = new_axes(ax, (0.45 * k + 3.0, 0.42 * k + 2.6))
    ax.imshow(counts, cmap="Blues")
    threshold = counts.max() / 2 if counts.size else 0
    for i in range(k):
        for j in range(k):
            if counts[i, j]:
                ax.text(j, i, f"{counts[i, j]:g}", ha="center", va="center",
                        fontsize=9 if k > 4 else 12,
                        color="white" if counts[i, j] > threshold else
                        ("black" if i == j else "tab:red"))
    ax.set_xticks(range(k), labels)
    ax.set_yticks(range(k), labels)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is None:
        accuracy = np.trace(counts) / max(counts.sum(), 1)
        title = f"confusion matrix (accuracy {accuracy:.1%})"
    ax.set_title(title)
    return fig


def show_mistakes(images: ArrayLike, y_true: ArrayLike, y_pred: ArrayLike, *,
                  confidence: ArrayLike | None = None, max_images: int = 20, ncols: int = 10,
                  title: str | None = None) -> Any:
    """The images a classifier got wrong (at most ``max_images``), each titled with what it
    predicted, how sure it was (``confidence``, the probability of its answer, if given) and
    the truth. images: (n, 64) or (n, 8, 8); y_true, y_pred: (n,); confidence: (n,) or None.
    Returns the Figure."""
    import matplotlib.pyplot as plt

    images = np.asarray(images, dtype=np.float64)
    y_true, y_pred = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
    wrong = np.flatnonzero(y_true != y_pred)[:max_images]
    if len(wrong) == 0:
        return message_figure("no mistake")
    side = int(round(np.sqrt(images[0].size)))
    ncols = max(1, min(ncols, len(wrong)))
    nrows = -(-len(wrong) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.15 * ncols, 1.6 * nrows + 0.3),
                             squeeze=False)
    plt.close(fig)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong):
        ax.imshow(images[i].reshape(side, side), cmap="gray_r", vmin=0.0, vmax=1.0,
                  interpolation="nearest")
        sure = "" if confidence is None else f" ({float(np.asarray(confidence)[i]):.0%})"
        ax.set_title(f"pred {y_pred[i]}{sure}\ntrue {y_true[i]}", fontsize=8, color="tab:red")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
