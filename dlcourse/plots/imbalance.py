"""Figures of lesson 07c: rare fraud among many payments, metrics side by side, and
precision-recall curves.

matplotlib is imported inside each function, so ``import dlcourse.plots.imbalance`` stays light.
Each function draws on ``ax`` when one is given (and returns its Figure); otherwise it creates a
figure, closes it in pyplot and returns it, so a notebook shows it once.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..reference.imbalance import average_precision
from .figures import new_axes
from .metrics import precision_recall_points


def plot_fraud_scatter(X: ArrayLike, y: ArrayLike, *, features: Sequence[int] = (0, 2),
                       names: Sequence[str] | None = None, max_genuine: int = 4000,
                       seed: int = 0, ax: Any = None) -> Any:
    """Two features of the payments, genuine ones small and grey, frauds red: how few frauds
    there are, and how much they overlap with the rest.

    X: (n, d); y: (n,) or (n, 1) of 0/1; features: the two columns drawn; names: the names of
    X's columns; max_genuine: at most this many genuine payments are drawn (a random subset,
    from ``seed``), every fraud is. Returns the Figure.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).reshape(-1) > 0.5
    i, j = features
    fig, ax = new_axes(ax, (6.0, 4.2))
    genuine = np.flatnonzero(~y)
    if genuine.size > max_genuine:
        genuine = np.random.default_rng(seed).choice(genuine, max_genuine, replace=False)
    ax.scatter(X[genuine, i], X[genuine, j], s=6, c="0.6", alpha=0.5,
               label=f"genuine ({(~y).sum()}, {genuine.size} drawn)")
    ax.scatter(X[y, i], X[y, j], s=18, c="tab:red", edgecolors="black", linewidths=0.4,
               label=f"fraud ({y.sum()}, {100 * y.mean():.1f} %)")
    ax.set_xlabel(names[i] if names else f"feature {i}")
    ax.set_ylabel(names[j] if names else f"feature {j}")
    ax.set_title("card payments: frauds are rare and overlap with the rest")
    ax.legend(fontsize=8, loc="upper left", framealpha=0.9)
    ax.grid(alpha=0.3)
    return fig


def plot_metric_bars(rows: Mapping[str, Mapping[str, float]], *, ax: Any = None,
                     title: str = "the same test set, several measures") -> Any:
    """Grouped bars: one group per measure, one bar per model.

    rows: model name -> {measure name -> value in [0, 1]}; every model gives the same measures.
    Each bar is labelled with its value. Returns the Figure.
    """
    models = list(rows)
    measures = list(rows[models[0]])
    fig, ax = new_axes(ax, (1.6 + 1.9 * len(measures), 3.6))
    width = 0.8 / len(models)
    x = np.arange(len(measures))
    for k, model in enumerate(models):
        values = [float(rows[model][m]) for m in measures]
        bars = ax.bar(x + (k - (len(models) - 1) / 2) * width, values, width, label=model)
        for bar, value in zip(bars, values):
            ax.text(bar.get_x() + bar.get_width() / 2, value + 0.02, f"{value:.2f}",
                    ha="center", va="bottom", fontsize=7)
    ax.set_xticks(x, measures)
    ax.set_ylim(0, 1.15)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right", framealpha=0.9)
    ax.grid(alpha=0.3, axis="y")
    return fig


def plot_pr_curves(y_true: ArrayLike, scores: Mapping[str, ArrayLike], *, ax: Any = None,
                   operating_points: Mapping[str, tuple[float, float]] | None = None,
                   title: str = "precision-recall curves on the test set") -> Any:
    """The precision-recall curve of each model's scores on the same labels, as steps (the
    average precision is the area under them), and the line of a random score.

    y_true: (n,) or (n, 1) of 0/1; scores: model name -> (n,) or (n, 1) scores (higher: more
    likely positive). operating_points: model name -> (recall, precision) of the threshold the
    model uses, drawn as a dot. The legend gives each model's average precision. Returns the
    Figure.
    """
    y = np.asarray(y_true).reshape(-1)
    fig, ax = new_axes(ax, (6.0, 4.2))
    colors = {}
    for name, s in scores.items():
        _, precision, recall = precision_recall_points(y, s)
        line, = ax.step(np.r_[0.0, recall], np.r_[precision[0], precision], where="pre", lw=1.8,
                        label=f"{name} (AP {average_precision(y, s):.2f})")
        colors[name] = line.get_color()
    rate = float(np.mean(y))
    ax.axhline(rate, color="0.4", ls="--", lw=1.2, label=f"a random score (AP {rate:.2f})")
    for name, (r, p) in (operating_points or {}).items():
        ax.plot([r], [p], "o", ms=8, color=colors.get(name, "black"), markeredgecolor="black",
                label=f"{name}: threshold 0.5")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("recall: the share of frauds caught")
    ax.set_ylabel("precision: the share of alarms that are frauds")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right", framealpha=0.9)
    ax.grid(alpha=0.3)
    return fig
