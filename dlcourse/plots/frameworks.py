"""Figures of lesson 08a: the same training in three frameworks, and what deployment costs.

matplotlib is imported inside each function, so ``import dlcourse.plots.frameworks`` stays light.
Each function returns its Figure, closed in pyplot so that a notebook shows it once.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

#: one colour and line style per framework, so that curves lying on top of each other stay visible
_STYLES = {"PyTorch": ("tab:red", "-", 3.5), "Keras": ("tab:blue", "--", 2.2),
           "JAX": ("tab:green", ":", 2.2), "NumPy": ("black", "-.", 1.5)}
_OTHER = [("tab:purple", "-", 1.5), ("tab:orange", "--", 1.5), ("tab:brown", ":", 1.5)]


def _style(name: str, i: int) -> tuple[str, str, float]:
    return _STYLES.get(name, _OTHER[i % len(_OTHER)])


def plot_loss_curves(curves: Mapping[str, ArrayLike], *, reference: str | None = None,
                     title: str = "the same network, the same data, the same first weights",
                     ylabel: str = "training loss (binary cross-entropy)") -> Any:
    """The loss of each epoch for several frameworks, on one plot.

    curves: name -> (num_epochs,) losses. With ``reference`` (one of the names), a second panel
    shows each other curve's absolute difference from it, on a log scale: curves that coincide on
    the left panel are told apart there (float32 round-off is about 1e-7).
    """
    import matplotlib.pyplot as plt

    names = list(curves)
    if not names:
        raise ValueError("give at least one loss curve")
    if reference is not None and reference not in curves:
        raise ValueError(f"reference {reference!r} is not one of the curves {names}")
    ncols = 2 if reference is not None and len(names) > 1 else 1
    fig, axes = plt.subplots(1, ncols, figsize=(6.5 * ncols, 3.8), squeeze=False)
    plt.close(fig)
    ax = axes[0, 0]
    for i, name in enumerate(names):
        losses = np.asarray(curves[name], dtype=np.float64).reshape(-1)
        color, style, width = _style(name, i)
        ax.plot(np.arange(1, len(losses) + 1), losses, color=color, linestyle=style,
                linewidth=width, label=f"{name} (last {losses[-1]:.4f})")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    if ncols == 2:
        ax = axes[0, 1]
        base = np.asarray(curves[reference], dtype=np.float64).reshape(-1)
        drawn = False
        for i, name in enumerate(names):
            if name == reference:
                continue
            losses = np.asarray(curves[name], dtype=np.float64).reshape(-1)
            n = min(len(losses), len(base))
            diff = np.abs(losses[:n] - base[:n])
            epochs = np.arange(1, n + 1)
            shown = diff > 0                        # log scale: exactly equal losses not drawn
            drawn = drawn or bool(shown.any())
            color, _, _ = _style(name, i)
            ax.plot(epochs[shown], diff[shown], linestyle="none", marker="o" if i % 2 else "s",
                    markersize=3, color=color, alpha=0.7,
                    label=f"|{name} - {reference}| (largest {diff.max():.1e})")
        if drawn:
            ax.set_yscale("log")
        else:
            ax.text(0.5, 0.5, "the curves are identical", ha="center", transform=ax.transAxes)
        ax.set_xlabel("epoch")
        ax.set_ylabel("absolute difference")
        ax.set_title(f"how far from {reference}'s curve (equal losses not drawn)")
        ax.grid(alpha=0.3, which="both")
        ax.legend()
    fig.tight_layout()
    return fig


def plot_deployment(rows: Sequence[Mapping[str, Any]], *, latency_key: str = "latency_us",
                    size_key: str = "size_kb", name_key: str = "runtime") -> Any:
    """Two bar charts side by side: the file size and the latency of each runtime.

    rows: one mapping per runtime with ``name_key`` (str), ``size_key`` (kilobytes, or None when
    there is no file) and ``latency_key`` (microseconds).
    """
    import matplotlib.pyplot as plt

    if not rows:
        raise ValueError("give at least one row")
    names = [str(r[name_key]) for r in rows]
    sizes = [np.nan if r.get(size_key) is None else float(r[size_key]) for r in rows]
    latencies = [float(r[latency_key]) for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.2))
    plt.close(fig)
    y = np.arange(len(names))
    for ax, values, label in ((left, sizes, "file size (KB)"),
                              (right, latencies, "time to answer one call (µs, log scale)")):
        ax.barh(y, values, color="tab:blue", alpha=0.75)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_xlabel(label)
        ax.grid(alpha=0.3, axis="x")
    right.set_xscale("log")
    fig.tight_layout()
    return fig
