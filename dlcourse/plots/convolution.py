"""Figures of lesson 06a: RBF features, small arrays written out as numbers (a convolution or a
pooling worked by hand), a CNN's learned filters and its feature maps.

matplotlib is imported inside each function, so ``import dlcourse.plots.convolution`` stays light.
Each function returns its Figure, closed in pyplot, so that a notebook shows it once.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .figures import LABEL_CMAP, LABEL_COLORS

#: one colour per RBF centre
_CENTER_COLORS = ("tab:green", "tab:purple", "tab:orange", "tab:brown", "tab:pink", "tab:olive")


def _new(nrows: int, ncols: int, figsize: tuple[float, float]) -> tuple[Any, Any]:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
    plt.close(fig)
    return fig, axes


def _scatter(ax: Any, P: np.ndarray, y: np.ndarray, names: Sequence[str] | None = None) -> None:
    labels = np.asarray(y).reshape(-1) > 0.5
    for value, color in zip((False, True), LABEL_COLORS):
        pts = P[labels == value]
        ax.scatter(pts[:, 0], pts[:, 1], s=110, c=color, edgecolors="black", linewidths=1.2,
                   zorder=4, label=f"label {int(value)}")
    if names is not None:
        # samples that land on the same point share one label: "(0, 1), (1, 0)"
        groups: dict[tuple[float, float], list[str]] = {}
        for (px, py), name in zip(P, names):
            groups.setdefault((round(float(px), 6), round(float(py), 6)), []).append(str(name))
        for (px, py), group in groups.items():
            ax.annotate(", ".join(group), (px, py), textcoords="offset points", xytext=(8, 6),
                        fontsize=9, zorder=5)


def plot_rbf_features(features_fn: Callable[[np.ndarray], ArrayLike], X: ArrayLike, y: ArrayLike,
                      centers: ArrayLike, *, readout: tuple[ArrayLike, float] | None = None,
                      names: Sequence[str] | None = None, margin: float = 0.6) -> Any:
    """What an RBF layer does, in two panels.

    Left: the input plane, each RBF feature drawn as the contour lines of its bump
    ``features_fn(points)[:, j]`` (levels 0.2, 0.5, 0.8) around its centre (a star), and the
    samples. Right: the same samples in feature space, ``(phi_1, phi_2)`` = the first two columns of
    ``features_fn(X)``, where a linear read-out only has to draw a straight line; with
    ``readout = (w, b)`` (w of shape (k, 1) or (k,)) the line ``phi @ w + b = 0.5`` is drawn.
    features_fn: (m, 2) -> (m, k); X: (n, 2); y: (n, 1) or (n,) labels 0/1; centers: (k, 2).
    """
    X = np.asarray(X, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    fig, axes = _new(1, 2, (11.0, 4.6))
    ax = axes[0, 0]
    pts = np.vstack([X, centers])
    lo, hi = pts.min(axis=0) - margin, pts.max(axis=0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], 201), np.linspace(lo[1], hi[1], 201))
    Phi_grid = np.asarray(features_fn(np.column_stack([g0.ravel(), g1.ravel()])), dtype=np.float64)
    for j, c in enumerate(centers):
        color = _CENTER_COLORS[j % len(_CENTER_COLORS)]
        ax.contour(g0, g1, Phi_grid[:, j].reshape(g0.shape), levels=[0.2, 0.5, 0.8], colors=color,
                   linewidths=1.4)
        ax.scatter([c[0]], [c[1]], marker="*", s=380, c=color, edgecolors="black", zorder=5,
                   label=f"centre {j + 1}")
    _scatter(ax, X, np.asarray(y))
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title("input space: one bump per centre\n(contours where a feature is 0.2, 0.5, 0.8)")
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)

    ax = axes[0, 1]
    Phi = np.asarray(features_fn(X), dtype=np.float64)[:, :2]
    _scatter(ax, Phi, np.asarray(y), names)
    ax.set_xlim(-0.05, 1.1)
    ax.set_ylim(-0.05, 1.1)
    if readout is not None:
        w, b = np.asarray(readout[0], dtype=np.float64).reshape(-1), float(np.ravel(readout[1])[0])
        t = np.linspace(-0.05, 1.1, 200)
        if abs(w[1]) > 1e-12:
            ax.plot(t, (0.5 - b - w[0] * t) / w[1], color="black", lw=2,
                    label="read-out = 0.5")
        else:
            ax.axvline((0.5 - b) / w[0], color="black", lw=2, label="read-out = 0.5")
    ax.set_aspect("equal")
    ax.set_xlabel(r"$\varphi_1$ (closeness to centre 1)")
    ax.set_ylabel(r"$\varphi_2$ (closeness to centre 2)")
    ax.set_title("feature space: a straight line separates the labels")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


def _number_grid(ax: Any, a: np.ndarray, title: str, *, cmap: str = LABEL_CMAP,
                 highlight: tuple[int, int, int, int] | None = None, fmt: str = "{:g}") -> None:
    """A 2-D array as coloured cells with its numbers written in; ``highlight`` = (row, col,
    height, width) frames a window."""
    import matplotlib.patches as mpatches

    limit = max(float(np.abs(a).max()), 1e-12)
    ax.imshow(a, cmap=cmap, vmin=-limit, vmax=limit)
    for (i, j), v in np.ndenumerate(a):
        ax.text(j, i, fmt.format(round(float(v), 2)), ha="center", va="center", fontsize=10)
    if highlight is not None:
        r, c, h, w = highlight
        ax.add_patch(mpatches.Rectangle((c - 0.5, r - 0.5), w, h, fill=False, edgecolor="black",
                                        lw=3))
    ax.set_xticks(range(a.shape[1]))
    ax.set_yticks(range(a.shape[0]))
    ax.set_title(title, fontsize=10)


def show_numbers(arrays: Sequence[ArrayLike], titles: Sequence[str], *,
                 windows: Sequence[tuple[int, int, int, int] | None] | None = None,
                 suptitle: str | None = None) -> Any:
    """Small 2-D arrays side by side, each cell coloured (blue negative, red positive) and its
    number written in: a convolution or a pooling worked by hand. ``windows`` frames one window
    per array, ``(row, col, height, width)`` or None. Returns the Figure."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    if any(a.ndim != 2 for a in arrays):
        raise ValueError("show_numbers draws 2-D arrays; pick one image and one channel, x[0, 0]")
    windows = list(windows) if windows is not None else [None] * len(arrays)
    widths = [max(a.shape[1], 2) for a in arrays]
    fig, axes = _new(1, len(arrays), (0.62 * sum(widths) + 1.2 * len(arrays), 3.2))
    for ax, a, title, window in zip(axes[0], arrays, titles, windows):
        _number_grid(ax, a, title, highlight=window)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def show_filters(kernels: ArrayLike, *, title: str = "the learned filters of the first layer",
                 ncols: int = 8) -> Any:
    """Each kernel ``kernels[o, 0]`` of a first convolutional layer as a small image: red where it
    adds the pixel, blue where it subtracts it (a shared colour scale centred on 0).
    kernels: (C_out, C_in, kH, kW), only input channel 0 is drawn. Returns the Figure."""
    k = np.asarray(kernels, dtype=np.float64)
    if k.ndim != 4:
        raise ValueError(f"kernels must be (C_out, C_in, kH, kW), got shape {k.shape}")
    n = k.shape[0]
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = _new(nrows, ncols, (1.35 * ncols, 1.45 * nrows + 0.5))
    limit = max(float(np.abs(k[:, 0]).max()), 1e-12)
    for o, ax in enumerate(axes.flat):
        ax.axis("off")
        if o < n:
            ax.imshow(k[o, 0], cmap=LABEL_CMAP, vmin=-limit, vmax=limit)
            ax.set_title(f"filter {o}", fontsize=8)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def show_feature_maps(image: ArrayLike, maps: ArrayLike | Sequence[ArrayLike], *, label: Any = None,
                      titles: Sequence[str] | None = None,
                      title: str = "what each filter sees: the feature maps of one image",
                      ncols: int = 8) -> Any:
    """One input image and the feature maps a convolutional layer makes of it.

    image: (H, W) (or 64 pixels, shown 8 x 8); maps: (C, H', W'), one map per filter (after ReLU,
    bright where the filter found its pattern), or a list of 2-D maps of any sizes (a map and its
    pooled version); ``titles`` names them (default "map 0", "map 1"...). Returns the Figure."""
    import matplotlib.pyplot as plt

    img = np.asarray(image, dtype=np.float64)
    if img.ndim == 1:
        side = int(round(np.sqrt(img.size)))
        img = img.reshape(side, side)
    maps = [np.asarray(m, dtype=np.float64) for m in maps]
    if any(m.ndim != 2 for m in maps):
        raise ValueError("each feature map must be 2-D: pass maps[0] of a (1, C, H, W) batch")
    titles = list(titles) if titles is not None else [f"map {c}" for c in range(len(maps))]
    n = len(maps)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig = plt.figure(figsize=(1.35 * ncols + 2.2, 1.45 * nrows + 0.6))
    plt.close(fig)
    grid = fig.add_gridspec(nrows, ncols + 1, width_ratios=[1.6] + [1] * ncols)
    ax = fig.add_subplot(grid[:, 0])
    ax.imshow(img, cmap="gray_r")
    ax.set_title("input" if label is None else f"input: a {label}", fontsize=9)
    ax.axis("off")
    for c in range(nrows * ncols):
        ax = fig.add_subplot(grid[c // ncols, 1 + c % ncols])
        ax.axis("off")
        if c < n:
            ax.imshow(maps[c], cmap="viridis")
            ax.set_title(titles[c], fontsize=8)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig
