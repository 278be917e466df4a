"""Figures of lesson 05: loss curves, decision boundaries, the perceptron's lines, and the
digits classifier's confusion matrix and mistakes.

matplotlib is imported inside each function, so ``import dlcourse.plots.training`` stays light.
Each function draws on ``ax`` when one is given (and returns its Figure); otherwise it creates a
figure, closes it in pyplot and returns it, so a notebook shows it once.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .figures import LABEL_CMAP, LABEL_COLORS, message_figure, new_axes

#: the colours of the labels 0 and 1 in the 2-D figures (matplotlib's RdBu map: red 0, blue 1)


def _scatter_labels(ax: Any, X: np.ndarray, y: np.ndarray) -> None:
    """The samples of a 2-D binary task: label 1 filled blue, label 0 red, both outlined."""
    labels = np.asarray(y).reshape(-1) > 0.5
    for value, color in zip((False, True), LABEL_COLORS):
        pts = X[labels == value]
        ax.scatter(pts[:, 0], pts[:, 1], s=90, c=color, edgecolors="black", linewidths=1.2,
                   zorder=3, label=f"label {int(value)}")


def plot_loss_curve(losses: ArrayLike, *, ax: Any = None, title: str = "training loss",
                    ylabel: str = "loss", logy: bool = False, label: str | None = None) -> Any:
    """The loss of each epoch. losses: (num_epochs,). ``logy`` draws the loss on a log scale,
    which shows the slow end of a long run. Returns the Figure."""
    losses = np.asarray(losses, dtype=np.float64).reshape(-1)
    fig, ax = new_axes(ax, (6.0, 3.6))
    epochs = np.arange(1, len(losses) + 1)
    ax.plot(epochs, losses, lw=2, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if label:
        ax.legend()
    return fig


def plot_decision_boundary(predict_fn: Callable[[np.ndarray], ArrayLike], X: ArrayLike,
                           y: ArrayLike, *, ax: Any = None, title: str | None = None,
                           margin: float = 0.5, resolution: int = 201) -> Any:
    """What a 2-D binary classifier outputs everywhere around the data, and its 0.5 boundary.

    predict_fn: (m, 2) -> (m, 1) or (m,) probabilities of label 1, called once on a grid of
    ``resolution`` x ``resolution`` points covering X plus ``margin``. X: (n, 2); y: (n, 1) or
    (n,) labels 0/1. Colours go from red (0) to blue (1); the black line is where the output is
    0.5. Returns the Figure.
    """
    X = np.asarray(X, dtype=np.float64)
    fig, ax = new_axes(ax, (4.6, 4.0))
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    probs = np.asarray(predict_fn(grid), dtype=np.float64).reshape(g0.shape)
    filled = ax.contourf(g0, g1, probs, levels=np.linspace(0.0, 1.0, 11), cmap=LABEL_CMAP, alpha=0.75)
    if probs.min() < 0.5 < probs.max():
        ax.contour(g0, g1, probs, levels=[0.5], colors="black", linewidths=2)
    fig.colorbar(filled, ax=ax, label="output (probability of label 1)")
    _scatter_labels(ax, X, np.asarray(y))
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    return fig


def _shade_halves(ax: Any, w: np.ndarray, b: float, lo: np.ndarray, hi: np.ndarray) -> None:
    """Tint where ``x . w + b > 0`` (the perceptron says 1) light blue, and the rest light red."""
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], 301), np.linspace(lo[1], hi[1], 301))
    says_one = (w[0] * g0 + w[1] * g1 + b > 0).astype(float)
    ax.contourf(g0, g1, says_one, levels=[-0.5, 0.5, 1.5], colors=["#f6d5d5", "#d5e3f6"])


def plot_perceptron_lines(X: ArrayLike, y: ArrayLike, lines: Sequence[tuple[ArrayLike, float]],
                          *, ax: Any = None, title: str | None = None, margin: float = 0.5,
                          last_label: str | None = None) -> Any:
    """The lines ``w . x + b = 0`` a 2-D perceptron went through, light (early) to dark.

    X: (n, 2); y: labels 0/1; lines: ``[(w, b), ...]``, e.g. one per epoch, w of shape (2,). The
    last line is drawn thick and black, and the plane is tinted by what it says: blue where
    step(x . w + b) = 1, red where it is 0 (a point ON the line gets 0). A w of zeros has no line
    and is skipped. last_label: the legend of the last line ("after epoch N" by default).
    Returns the Figure.
    """
    import matplotlib.pyplot as plt

    X = np.asarray(X, dtype=np.float64)
    fig, ax = new_axes(ax, (4.2, 4.0))
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    if lines:
        w_last, b_last = lines[-1]
        _shade_halves(ax, np.asarray(w_last, dtype=np.float64).reshape(-1), float(b_last), lo, hi)
    colors = plt.get_cmap("Greens")(np.linspace(0.3, 0.9, max(len(lines), 1)))
    for i, ((w, b), color) in enumerate(zip(lines, colors)):
        w = np.asarray(w, dtype=np.float64).reshape(-1)
        last = i == len(lines) - 1
        style = dict(color="black" if last else color, lw=2.5 if last else 1.2,
                     label=(last_label or f"after epoch {i + 1}") if last else None)
        if abs(w[1]) > 1e-12:                     # x2 = -(w1 x1 + b) / w2
            x1 = np.array([lo[0], hi[0]])
            ax.plot(x1, -(w[0] * x1 + b) / w[1], **style)
        elif abs(w[0]) > 1e-12:                   # a vertical line x1 = -b / w1
            ax.axvline(-b / w[0], **style)
    labels = np.asarray(y).reshape(-1) > 0.5
    for value, color in zip((False, True), LABEL_COLORS):
        pts = X[labels == value]
        ax.scatter(pts[:, 0], pts[:, 1], s=90, c=color, edgecolors="black", linewidths=1.2, zorder=3)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="upper right", framealpha=0.9)
    if title:
        ax.set_title(title)
    return fig


def plot_errors_per_epoch(errors: ArrayLike, *, ax: Any = None, title: str | None = None) -> Any:
    """Bars of the misclassified samples in each epoch. errors: (epochs,). Returns the Figure."""
    errors = np.asarray(errors).reshape(-1)
    fig, ax = new_axes(ax, (4.2, 2.6))
    ax.bar(np.arange(1, len(errors) + 1), errors, color="tab:gray", width=0.8)
    ax.set_xlabel("epoch")
    ax.set_ylabel("errors")
    ax.set_ylim(0, max(int(errors.max(initial=0)), 1) + 0.5)
    ax.yaxis.get_major_locator().set_params(integer=True)
    if title:
        ax.set_title(title)
    return fig


def plot_hidden_space(H: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, *, ax: Any = None,
                      title: str | None = None, names: Sequence[str] | None = None) -> Any:
    """Samples as a hidden layer of two neurons sees them, with the output neuron's line.

    H: (n, 2) the hidden layer's outputs; y: labels 0/1; w: (2,) or (2, 1) the output neuron's
    weights and b its bias: the line is ``H @ w + b = 0``, and the side where the output neuron
    says 1 is tinted blue. names: a text per sample (e.g. its input "(0, 1)"); samples that land
    on the same spot share one label. Returns the Figure.
    """
    H = np.asarray(H, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    b = float(np.squeeze(b))
    fig, ax = new_axes(ax, (4.2, 4.0))
    lo, hi = np.array([-0.15, -0.15]), np.array([1.2, 1.2])
    _shade_halves(ax, w, b, lo, hi)
    if abs(w[1]) > 1e-12:
        h1 = np.array([lo[0], hi[0]])
        ax.plot(h1, -(w[0] * h1 + b) / w[1], color="black", lw=2, label="the output neuron's line")
    _scatter_labels(ax, H, np.asarray(y))
    spots: dict[tuple[float, float], list[str]] = {}
    for i, (h_1, h_2) in enumerate(H):
        key = (round(h_1, 2), round(h_2, 2))
        spots.setdefault(key, []).append(names[i] if names is not None else "")
    for (h_1, h_2), texts in spots.items():
        text = ", ".join(t for t in texts if t) or f"({h_1:.2f}, {h_2:.2f})"
        ax.annotate(text, (h_1, h_2), textcoords="offset points", fontsize=8,
                    xytext=(4 if h_1 < 0.5 else -4, -16 if h_2 > 0.5 else 10),
                    ha="left" if h_1 < 0.5 else "right")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("hidden neuron 1")
    ax.set_ylabel("hidden neuron 2")
    ax.set_aspect("equal")
    ax.legend(fontsize=8, loc="lower right", framealpha=0.9)
    if title:
        ax.set_title(title)
    return fig


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, n_classes: int = 10) -> np.ndarray:
    """Counts ``C[i, j]``: the samples of class i predicted as class j. -> (n_classes, n_classes)."""
    y_true = np.asarray(y_true, dtype=np.int64).reshape(-1)
    y_pred = np.asarray(y_pred, dtype=np.int64).reshape(-1)
    return np.bincount(y_true * n_classes + y_pred, minlength=n_classes ** 2).reshape(n_classes,
                                                                                     n_classes)


def plot_confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, *, n_classes: int = 10,
                          ax: Any = None, title: str | None = None) -> Any:
    """The confusion matrix as a grid of counts: rows the true class, columns the predicted one.

    The diagonal holds the right answers; every other non-zero cell is a kind of mistake.
    Returns the Figure.
    """
    counts = confusion_matrix(y_true, y_pred, n_classes)
    fig, ax = new_axes(ax, (5.4, 4.8))
    ax.imshow(counts, cmap="Blues")
    threshold = counts.max() / 2
    for i in range(n_classes):
        for j in range(n_classes):
            if counts[i, j]:
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=9,
                        color="white" if counts[i, j] > threshold else
                        ("black" if i == j else "tab:red"))
    ax.set_xticks(range(n_classes))
    ax.set_yticks(range(n_classes))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    accuracy = np.trace(counts) / max(counts.sum(), 1)
    ax.set_title(title or f"confusion matrix (accuracy {accuracy:.1%})")
    return fig


def show_misclassified(X: ArrayLike, y_true: ArrayLike, y_pred: ArrayLike, *,
                       max_images: int = 20) -> Any:
    """The images whose prediction is wrong (at most ``max_images``), titled prediction over truth.

    X: (n, 64) or (n, 8, 8); y_true, y_pred: (n,). Returns the Figure.
    """

    from .networks import show_digits

    y_true, y_pred = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
    wrong = np.flatnonzero(y_true != y_pred)[:max_images]
    if len(wrong) == 0:
        return message_figure("no misclassified image")
    return show_digits(np.asarray(X)[wrong], y_true[wrong], y_pred[wrong])


def plot_history(history: dict[str, Sequence[float]], *, title: str | None = None) -> Any:
    """Training and validation curves side by side: the loss (left) and the accuracy (right).

    history: ``{"train_loss": [...], "val_loss": [...], "train_acc": [...], "val_acc": [...]}``,
    one value per epoch (a missing or empty key is not drawn). Returns the Figure.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10.0, 3.6))
    plt.close(fig)
    for ax, what, ylabel in ((axes[0], "loss", "mean loss"), (axes[1], "acc", "accuracy")):
        for part, color in (("train", "tab:gray"), ("val", "tab:blue")):
            values = np.asarray(history.get(f"{part}_{what}", []), dtype=np.float64)
            if values.size:
                ax.plot(np.arange(1, values.size + 1), values, lw=2, color=color,
                        label="training" if part == "train" else "validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_weight_images(W: ArrayLike, titles: Sequence[str] | None = None, *, ncols: int = 8,
                       title: str | None = None) -> Any:
    """Each column of a first-layer ``W`` (n_pixels, n_out) as an image of the input's pixels.

    The colours are signed, on the course's :data:`LABEL_CMAP`: negative weights red, positive
    blue, 0 white, on one symmetric scale for all images (so their strengths compare).
    titles: one per column (default ``"neuron j"``). Returns the Figure.
    """
    import matplotlib.pyplot as plt

    W = np.asarray(W, dtype=np.float64)
    n_pixels, n_out = W.shape
    side = int(round(np.sqrt(n_pixels)))
    limit = float(np.abs(W).max()) or 1.0
    ncols = max(1, min(ncols, n_out))
    nrows = -(-n_out // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.25 * ncols + 0.8, 1.4 * nrows + 0.3),
                             squeeze=False)
    plt.close(fig)
    image = None
    for j, ax in enumerate(axes.flat):
        ax.axis("off")
        if j < n_out:
            image = ax.imshow(W[:, j].reshape(side, side), cmap=LABEL_CMAP, vmin=-limit,
                              vmax=limit, interpolation="nearest")
            ax.set_title(titles[j] if titles is not None else f"neuron {j}", fontsize=9)
    if image is not None:
        fig.colorbar(image, ax=axes, shrink=0.8, label="weight (red < 0 < blue)")
    if title:
        fig.suptitle(title)
    return fig
