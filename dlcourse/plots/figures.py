"""What every figure of the lessons starts from."""
from __future__ import annotations

from typing import Any


def new_axes(ax: Any, figsize: tuple[float, float]) -> tuple[Any, Any]:
    """``(figure, axes)``: ``ax`` and its figure when given, else a new figure of ``figsize``
    inches, closed at once so that a notebook shows it only where it is returned."""
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize)
    plt.close(fig)
    return fig, ax
