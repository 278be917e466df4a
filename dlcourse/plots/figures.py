"""What every figure of the lessons starts from."""
from __future__ import annotations

from typing import Any

#: the course's one colour convention for two classes and for signed values: label 0 (and
#: negative numbers) red, label 1 (and positive numbers) blue, in every lesson's figures
LABEL_CMAP = "RdBu"
#: the scatter colours of label 0 and label 1, the two ends of :data:`LABEL_CMAP`
LABEL_COLORS = ("tab:red", "tab:blue")


def new_axes(ax: Any, figsize: tuple[float, float]) -> tuple[Any, Any]:
    """``(figure, axes)``: ``ax`` and its figure when given, else a new figure of ``figsize``
    inches, closed at once so that a notebook shows it only where it is returned."""
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize)
    plt.close(fig)
    return fig, ax


def message_figure(text: str) -> Any:
    """A small figure that only says ``text`` (a gallery with nothing to show)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.0, 0.8))
    plt.close(fig)
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center")
    return fig
