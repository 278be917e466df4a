"""Figures of lesson 07b: the words a sentiment model weighs most, and attention weights as a
heatmap (which input characters each output character looked at).

matplotlib is imported inside each function, so ``import dlcourse.plots.language`` stays light.
Each function draws on ``ax`` when one is given (and returns its Figure); otherwise it creates a
figure, closes it in pyplot and returns it, so a notebook shows it once.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .figures import new_axes

#: how a space is drawn on an axis of characters (a blank tick label would be invisible)
SPACE = "\u2423"


def _show_chars(chars: Sequence[str]) -> list[str]:
    return [SPACE if c == " " else c for c in chars]


def plot_word_weights(words: Sequence[str], weights: ArrayLike, *, top: int = 10, ax: Any = None,
                      title: str = "the words the model weighs most") -> Any:
    """Horizontal bars of the ``top`` most negative and ``top`` most positive weights.

    words: (V,) the vocabulary; weights: (V,) one weight per word (a linear model's coefficients:
    positive pushes towards the positive class). Negative bars are red, positive blue.
    Returns the Figure.
    """
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if len(words) != len(w):
        raise ValueError(f"{len(words)} words but {len(w)} weights")
    order = np.argsort(w, kind="stable")
    top = max(1, min(int(top), len(w) // 2 or 1))
    picks = np.concatenate([order[:top], order[-top:]]) if len(w) > top else order
    fig, ax = new_axes(ax, (7.0, 0.28 * len(picks) + 1.2))
    values = w[picks]
    ax.barh(np.arange(len(picks)), values,
            color=["tab:red" if v < 0 else "tab:blue" for v in values])
    ax.set_yticks(np.arange(len(picks)), [words[i] for i in picks])
    ax.axvline(0.0, color="0.3", lw=0.8)
    ax.set_xlabel("weight (negative <- -> positive)")
    ax.set_title(title)
    return fig


def plot_attention(weights: ArrayLike, source: str | Sequence[str], target: str | Sequence[str],
                   *, ax: Any = None, title: str | None = None) -> Any:
    """The attention weights of one translation as a heatmap.

    weights: (len(target), len(source)), row i the weights output character ``target[i]`` gave
    to the input characters (each row sums to 1, or less where the input was cut short);
    source, target: the input and output characters (strings, or lists of symbols such as
    "<eos>"). Spaces are drawn as a visible symbol. Returns the Figure.
    """
    w = np.asarray(weights, dtype=np.float64)
    source, target = list(source), list(target)
    if w.shape != (len(target), len(source)):
        raise ValueError(f"weights of shape {w.shape} do not fit {len(target)} output and "
                         f"{len(source)} input characters")
    fig, ax = new_axes(ax, (0.26 * len(source) + 2.0, 0.26 * len(target) + 1.6))
    image = ax.imshow(w, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(np.arange(len(source)), _show_chars(source), fontsize=9)
    ax.set_yticks(np.arange(len(target)), _show_chars(target), fontsize=9)
    ax.set_xlabel("input (English) characters")
    ax.set_ylabel("output (French) characters")
    ax.set_title(title or "attention: where each output character looked")
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="weight")
    return fig
