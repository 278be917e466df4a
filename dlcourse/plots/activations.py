"""Figures of lesson 01: the activation functions, and softmax's probabilities as bars.

matplotlib is imported inside each function, so ``import dlcourse.plots.activations`` stays
light. Each function creates its figure, closes it in pyplot and returns it, so a notebook shows
the returned figure once (not a second time when the cell ends).
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..reference import activations as ref

#: the activations every figure shows, with their formulas
_REFERENCE: dict[str, tuple[Callable[[ArrayLike], Any], str]] = {
    "sigmoid": (ref.sigmoid, r"$\sigma(z) = 1 / (1 + e^{-z})$"),
    "tanh": (ref.tanh, r"$\tanh(z) = (e^z - e^{-z}) / (e^z + e^{-z})$"),
    "relu": (ref.relu, r"$\mathrm{relu}(z) = \max(0, z)$"),
}


def _derivative(name: str, z: np.ndarray) -> np.ndarray:
    """The derivative of a reference activation at ``z`` (relu's is taken as 0 at z = 0)."""
    if name == "sigmoid":
        s = np.asarray(ref.sigmoid(z))
        return s * (1.0 - s)
    if name == "tanh":
        return 1.0 - np.asarray(ref.tanh(z)) ** 2
    return (z > 0).astype(np.float64)


def _evaluate(fn: Callable[[ArrayLike], Any], z: np.ndarray) -> tuple[np.ndarray | None, str]:
    """Call a student's activation on ``z``: (values, "") or (None, why it cannot be drawn).

    The student's function may still be a stub or return the wrong thing; the panel says so
    instead of the figure failing.
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            values = fn(z.copy())
        except Exception as exc:  # shown in the panel, e.g. NotImplementedError of a stub
            return None, f"yours raised {type(exc).__name__}"
    try:
        values = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"yours returned {type(values).__name__}, not numbers"
    if values.shape != z.shape:
        return None, f"yours returned shape {values.shape}, not {z.shape}"
    return values, ""


def plot_activations(functions: Mapping[str, Callable[[ArrayLike], Any]] | None = None,
                     z: ArrayLike | None = None, *, derivatives: bool = False) -> Any:
    """Plot sigmoid, tanh and relu side by side, optionally with your own versions over them.

    functions: ``{name: fn}``, e.g. ``{"sigmoid": sigmoid, "tanh": tanh}``: each ``fn`` is called
    once on the whole array ``z`` and drawn dashed over the reference of the same name, with the
    largest difference in the legend. A name other than sigmoid, tanh and relu gets a panel of
    its own. z: the 1-D points to plot, ``np.linspace(-6, 6, 401)`` by default.
    derivatives: also draw the derivative of each reference activation (dotted).
    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    functions = dict(functions or {})
    z = np.linspace(-6.0, 6.0, 401) if z is None else np.asarray(z, dtype=np.float64).ravel()
    names = list(_REFERENCE) + [name for name in functions if name not in _REFERENCE]
    fig, axes = plt.subplots(1, len(names), figsize=(4.3 * len(names), 3.6), squeeze=False)
    plt.close(fig)
    for name, ax in zip(names, axes[0]):
        ax.axhline(0.0, color="0.75", lw=0.8)
        ax.axvline(0.0, color="0.75", lw=0.8)
        reference, formula = _REFERENCE.get(name, (None, ""))
        expected = None
        if reference is not None:
            expected = np.asarray(reference(z))
            ax.plot(z, expected, color="tab:blue", lw=2.5, label="reference")
            if derivatives:
                ax.plot(z, _derivative(name, z), color="tab:green", lw=1.5, ls=":",
                        label="its derivative")
        if name in functions:
            values, problem = _evaluate(functions[name], z)
            if values is None:
                ax.text(0.97, 0.04, problem, transform=ax.transAxes, ha="right", va="bottom",
                        fontsize=9, color="tab:red")
            else:
                label = "yours"
                if expected is not None:
                    label += f" (max difference {np.max(np.abs(values - expected)):.1e})"
                ax.plot(z, values, color="tab:orange", lw=1.8, ls="--", label=label)
        ax.set_title(f"{name}\n{formula}" if formula else name, fontsize=10)
        ax.set_xlabel("z")
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            # where the curves leave room: tanh's derivative peaks at the top centre
            ax.legend(fontsize=8, loc="lower right" if name == "tanh" else "upper left")
    fig.tight_layout()
    return fig


def plot_softmax_bars(z: ArrayLike, labels: Sequence[Any] | None = None,
                      softmax: Callable[[ArrayLike], Any] | None = None) -> Any:
    """Bars of the logits ``z`` (left) and of their softmax probabilities (right).

    z: (k,) logits, one per class; labels: k class names (``0 .. k-1`` by default).
    softmax: the function to use (yours, for instance); the course's reference by default.
    The probabilities are written above their bars, and the title gives their sum.
    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    z = np.asarray(z, dtype=np.float64)
    if z.ndim != 1:
        raise ValueError(f"plot_softmax_bars wants a 1-D vector of logits, got shape {z.shape}")
    probs = np.asarray((softmax or ref.softmax)(z.copy()), dtype=np.float64)
    if probs.shape != z.shape:
        raise ValueError(f"softmax returned shape {probs.shape} for logits of shape {z.shape}")
    labels = [str(label) for label in (range(len(z)) if labels is None else labels)]
    positions = np.arange(len(z))
    fig, (ax_z, ax_p) = plt.subplots(1, 2, figsize=(11, 3.4))
    plt.close(fig)
    ax_z.bar(positions, z, color=["tab:blue" if v >= 0 else "tab:red" for v in z])
    ax_z.axhline(0.0, color="0.5", lw=0.8)
    ax_z.set_title("logits z (any real numbers)", fontsize=10)
    ax_p.bar(positions, probs, color="tab:green")
    for i, p in enumerate(probs):
        ax_p.text(i, p + 0.02, f"{p:.2f}", ha="center", va="bottom", fontsize=8)
    ax_p.set_ylim(0.0, 1.12)
    ax_p.set_title(f"softmax(z): probabilities, sum = {probs.sum():.3f}", fontsize=10)
    for ax in (ax_z, ax_p):
        ax.set_xticks(positions, labels)
        ax.set_xlabel("class")
        ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
