"""Figures of lesson 02: a fully connected network as a diagram, and a few digit images.

matplotlib is imported inside each function, so ``import dlcourse.plots.networks`` stays light.
Each function returns the Figure. When it creates the figure itself it closes it in pyplot
first, so a notebook shows the returned figure once (not a second time when the cell ends).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from numpy.typing import ArrayLike

#: colours of the input, hidden and output neurons (matplotlib's default cycle)
_COLORS = {"input": "tab:blue", "hidden": "tab:green", "output": "tab:red"}


def _layer_name(i: int, n_layers: int) -> str:
    if i == 0:
        return "input"
    if i == n_layers - 1:
        return "output"
    return "hidden" if n_layers == 3 else f"hidden {i}"


def _slots(n: int, max_neurons: int) -> list[int | None]:
    """The neurons drawn for a layer of ``n``: all of them, or the first and last few around a
    gap (``None``) when there are more than ``max_neurons``."""
    if n <= max_neurons:
        return list(range(n))
    top = max_neurons // 2
    bottom = max_neurons - top - 1
    return list(range(top)) + [None] + list(range(n - bottom, n))


def draw_network(layer_sizes: Sequence[int], ax: Any = None, *, max_neurons: int = 8) -> Any:
    """Draw a fully connected network: a circle per neuron, a line per weight.

    layer_sizes: ``[n_in, n_hidden, ..., n_out]``, as for ``init_params``. Each layer is labelled
    ("input", "hidden" or "hidden 1", "hidden 2"..., "output") with its number of neurons, and
    between two layers the shapes of that layer's parameters are written: ``W: (n_in, n_out)``
    and ``b: (1, n_out)``. A layer of more than ``max_neurons`` neurons is drawn with its first
    and last few neurons around a vertical ellipsis. ax: a matplotlib Axes to draw on (a new
    figure when None). Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle

    sizes = [int(n) for n in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"layer_sizes needs at least two positive sizes, got {list(layer_sizes)}")
    max_neurons = max(int(max_neurons), 3)
    n_layers = len(sizes)
    dx, radius, margin = 3.6, 0.22, 1.3
    slots = [_slots(n, max_neurons) for n in sizes]
    height = max(len(s) for s in slots)
    if ax is None:
        inch = 0.42  # per unit of the drawing, where neurons are 1 apart
        fig, ax = plt.subplots(figsize=(inch * ((n_layers - 1) * dx + 2 * margin),
                                        inch * (height + 2.8)))
        plt.close(fig)
    fig = ax.figure
    # y of each drawn neuron, centred on 0, one unit apart; None marks the ellipsis
    ys = [[(len(s) - 1) / 2 - j for j in range(len(s))] for s in slots]

    for i in range(n_layers - 1):
        shown_in = [y for y, k in zip(ys[i], slots[i]) if k is not None]
        shown_out = [y for y, k in zip(ys[i + 1], slots[i + 1]) if k is not None]
        alpha = 0.6 if len(shown_in) * len(shown_out) <= 16 else 0.3
        for y0 in shown_in:
            for y1 in shown_out:
                ax.plot([i * dx, (i + 1) * dx], [y0, y1], color="0.55", lw=0.8, alpha=alpha,
                        zorder=1)
        n_in, n_out = sizes[i], sizes[i + 1]
        ax.text((i + 0.5) * dx, height / 2 + 0.35, f"W: ({n_in}, {n_out})\nb: (1, {n_out})",
                ha="center", va="bottom", fontsize=10, family="monospace")

    for i, (layer_slots, layer_ys) in enumerate(zip(slots, ys)):
        name = _layer_name(i, n_layers)
        color = _COLORS[name.split()[0]]
        for k, y in zip(layer_slots, layer_ys):
            if k is None:
                ax.text(i * dx, y, "\u22ee", ha="center", va="center", fontsize=18, color=color)
            else:
                ax.add_patch(Circle((i * dx, y), radius, facecolor="white", edgecolor=color,
                                    lw=2, zorder=2))
        n = sizes[i]
        ax.text(i * dx, -height / 2 - 0.15, f"{name}\n{n} neuron{'s' if n != 1 else ''}",
                ha="center", va="top", fontsize=10, color=color)

    ax.set_xlim(-margin, (n_layers - 1) * dx + margin)
    ax.set_ylim(-height / 2 - 1.3, height / 2 + 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def show_digits(images: ArrayLike, labels: ArrayLike, predictions: ArrayLike | None = None,
                *, ncols: int = 10) -> Any:
    """Show digit images in a grid, each titled with its label (and prediction).

    images: (n, 8, 8), or (n, 64) rows of pixels as in ``load_digits().data``; labels: (n,).
    predictions: (n,) or None; with predictions a title reads "pred 3" over "true 5", in red
    when they differ. Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    images = np.asarray(images, dtype=np.float64)
    n = len(images)
    side = int(round(np.sqrt(images[0].size)))
    images = images.reshape(n, side, side)
    labels = np.asarray(labels)
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.1 * ncols, 1.5 * nrows), squeeze=False)
    plt.close(fig)
    for ax in axes.flat:
        ax.axis("off")
    for j, ax in enumerate(axes.flat[:n]):
        ax.imshow(images[j], cmap="gray_r", interpolation="nearest")
        if predictions is None:
            ax.set_title(f"{labels[j]}", fontsize=10)
        else:
            pred = np.asarray(predictions)[j]
            ax.set_title(f"pred {pred}\ntrue {labels[j]}", fontsize=9,
                         color="black" if pred == labels[j] else "tab:red")
    fig.tight_layout()
    return fig
