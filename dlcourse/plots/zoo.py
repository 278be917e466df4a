"""The handout's chart of network types, drawn: the map at the start of each lesson 06 notebook.

Each type is a small diagram of its cells, coloured by kind (input, hidden, output, recurrent,
memory...), in the manner of the Asimov Institute's "neural network zoo" that the handout's chart
follows. ``highlight`` picks the types a notebook covers; the others are greyed out.
"""
from __future__ import annotations

from typing import Iterable

#: cell kind -> (face colour, label in the legend)
KINDS = {
    "in": ("#f6d55c", "input cell"),
    "noisy": ("#f6a35c", "noisy input cell"),
    "hidden": ("#7bc67b", "hidden cell"),
    "rbf": ("#3caea3", "radial basis (kernel) cell"),
    "prob": ("#c6e48b", "probabilistic hidden cell"),
    "rec": ("#5b9bd5", "recurrent cell"),
    "mem": ("#2e5fa1", "memory cell (LSTM)"),
    "gated": ("#8fb8e8", "gated memory cell (GRU)"),
    "conv": ("#c59bd6", "convolution / pooling cell"),
    "out": ("#ed553b", "output cell"),
    "match": ("#f28e79", "output that matches the input"),
}

#: abbreviation -> (name in the handout, layers as (kind, count), where the course teaches it)
NETWORKS: dict[str, tuple[str, list[tuple[str, int]], str]] = {
    "P": ("Perceptron", [("in", 2), ("out", 1)], "lesson 05"),
    "FF": ("Feed Forward", [("in", 2), ("hidden", 2), ("out", 1)], "lesson 05"),
    "RBF": ("Radial Basis Network", [("in", 2), ("rbf", 3), ("out", 1)], "06a"),
    "DFF": ("Deep Feed Forward", [("in", 3), ("hidden", 4), ("hidden", 4), ("out", 2)], "06a"),
    "CNN": ("Convolutional Network", [("in", 4), ("conv", 3), ("conv", 2), ("hidden", 3), ("out", 2)],
            "06a"),
    "RNN": ("Recurrent Neural Network", [("in", 3), ("rec", 3), ("rec", 3), ("out", 2)], "06b"),
    "LSTM": ("Long / Short Term Memory", [("in", 3), ("mem", 3), ("mem", 3), ("out", 2)], "06b"),
    "GRU": ("Gated Recurrent Unit", [("in", 3), ("gated", 3), ("gated", 3), ("out", 2)], "06b"),
    "AE": ("Auto Encoder", [("in", 4), ("hidden", 2), ("match", 4)], "06c"),
    "VAE": ("Variational AE", [("in", 4), ("prob", 2), ("match", 4)], "06c"),
    "DAE": ("Denoising AE", [("noisy", 4), ("hidden", 3), ("match", 4)], "06c"),
    "SAE": ("Sparse AE", [("in", 2), ("hidden", 4), ("match", 2)], "06c"),
    "GAN": ("Generative Adversarial Network",
            [("in", 2), ("hidden", 3), ("match", 3), ("hidden", 3), ("out", 1)], "06c"),
}

_RECURRENT = {"rec", "mem", "gated"}


def _draw_network(ax, layers: list[tuple[str, int]], active: bool) -> None:
    import matplotlib.patches as mpatches

    alpha = 1.0 if active else 0.25
    positions = []
    for i, (kind, count) in enumerate(layers):
        ys = [(j - (count - 1) / 2) for j in range(count)]
        positions.append([(float(i), y) for y in ys])
    for left, right in zip(positions[:-1], positions[1:]):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0, x1], [y0, y1], color="0.6", lw=0.6, alpha=alpha, zorder=1)
    for (kind, _), cells in zip(layers, positions):
        face = KINDS[kind][0]
        for x, y in cells:
            ax.add_patch(mpatches.Circle((x, y), 0.28, facecolor=face, edgecolor="0.2",
                                         lw=0.8, alpha=alpha, zorder=2))
            if kind in _RECURRENT:  # the loop back into the cell: its memory of the last step
                ax.add_patch(mpatches.Arc((x, y + 0.36), 0.34, 0.34, theta1=-60, theta2=240,
                                          color="0.25", lw=0.8, alpha=alpha, zorder=3))
    height = max(count for _, count in layers)
    ax.set_xlim(-0.6, len(layers) - 0.4)
    ax.set_ylim(-height / 2 - 0.4, height / 2 + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")


def plot_network_chart(highlight: Iterable[str] = (), *, ncols: int = 5):
    """Draw the 13 network types of the handout's chart; ``highlight`` (abbreviations such as
    ``"CNN"``) are drawn in full colour with a frame, the others faded. Returns the figure."""
    import matplotlib.pyplot as plt
    import matplotlib.patches as mpatches

    highlight = set(highlight)
    unknown = highlight - set(NETWORKS)
    if unknown:
        raise ValueError(f"unknown network types {sorted(unknown)}; known: {list(NETWORKS)}")
    names = list(NETWORKS)
    nrows = -(-len(names) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.9 * ncols, 2.5 * nrows + 0.8))
    for ax in axes.flat:
        ax.axis("off")
    for ax, abbrev in zip(axes.flat, names):
        title, layers, where = NETWORKS[abbrev]
        active = not highlight or abbrev in highlight
        _draw_network(ax, layers, active)
        weight = "bold" if abbrev in highlight else "normal"
        ax.set_title(f"{title} ({abbrev})\n{where}", fontsize=9, fontweight=weight,
                     color="black" if active else "0.55")
        if abbrev in highlight:
            ax.add_patch(mpatches.FancyBboxPatch((0.01, 0.01), 0.98, 0.98, transform=ax.transAxes,
                                                 boxstyle="round,pad=0.0", fill=False,
                                                 edgecolor="tab:blue", lw=2.0))
    handles = [mpatches.Patch(facecolor=face, edgecolor="0.2", label=label)
               for face, label in KINDS.values()]
    fig.legend(handles=handles, loc="lower center", ncol=6, fontsize=8, frameon=False)
    fig.suptitle("The network zoo: the handout's chart" +
                 (f" — this notebook: {', '.join(sorted(highlight, key=names.index))}"
                  if highlight else ""), fontsize=12)
    fig.tight_layout(rect=(0, 0.06, 1, 0.96))
    plt.close(fig)  # shown once, as the cell's result, not again by the inline backend
    return fig
