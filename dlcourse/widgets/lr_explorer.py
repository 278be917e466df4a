"""Lesson 04: the learning-rate explorer, gradient descent on a bowl with sliders for lr and steps.

ipywidgets and matplotlib are imported inside :func:`lr_explorer`, so importing this module loads
NumPy and the lesson's bowl (``dlcourse.plots.backprop``) only.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..plots.backprop import CURVATURES, draw_path, regime


def describe_step(lr: float) -> str:
    """The explorer's read-out as HTML: what one step does to w1 and w2, and the regime."""
    f1, f2 = 1.0 - lr * CURVATURES
    return (f'<div style="font-family: monospace; font-size: 14px; line-height: 1.6">'
            f"one step: w1 &larr; w1 - lr&middot;w1 = {f1:.2f}&middot;w1, "
            f"w2 &larr; w2 - lr&middot;4w2 = {f2:.2f}&middot;w2<br>"
            f"lr = {lr:.3g}: <b>{regime(lr)}</b></div>")


def lr_explorer(lr: float = 0.1, steps: int = 20) -> Any:
    """Gradient descent on the bowl ``L(w) = (w1**2 + 4 w2**2) / 2``, with sliders.

    A slider sets the learning rate ``lr`` (0.01 to 1, on a log scale), another the number of
    steps. Left: the path on the bowl's contours; right: the loss after each step (log scale).
    Small rates converge smoothly, rates above 0.25 zig-zag, rates above 0.5 diverge.
    Returns an ipywidgets VBox (display it, or leave it as the last line of a cell).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    lr_slider = widgets.FloatLogSlider(value=lr, base=10, min=-2, max=0, step=0.01,
                                       description="lr", readout_format=".3f",
                                       layout=widgets.Layout(width="420px"))
    steps_slider = widgets.IntSlider(value=steps, min=1, max=60, description="steps",
                                     layout=widgets.Layout(width="420px"))
    readout = widgets.HTML()
    plot = widgets.Output()

    fig, (ax_path, ax_loss) = plt.subplots(1, 2, figsize=(10, 4.2))
    plt.close(fig)

    def update(change: Any = None) -> None:
        rate, n_steps = lr_slider.value, steps_slider.value
        readout.value = describe_step(rate)
        ax_path.clear()
        ax_loss.clear()
        _, losses = draw_path(ax_path, rate, n_steps)
        ax_path.set_title(f"the path of {n_steps} steps", fontsize=10)
        ax_loss.semilogy(np.arange(len(losses)), np.maximum(losses, 1e-300), "o-",
                         color="tab:red", ms=3)
        ax_loss.set_xlabel("step")
        ax_loss.set_ylabel("loss (log scale)")
        ax_loss.set_title(f"loss: {losses[0]:.3g} -> {losses[-1]:.3g}", fontsize=10)
        ax_loss.grid(alpha=0.3)
        fig.tight_layout()
        with plot:
            plot.clear_output(wait=True)
            display(fig)

    lr_slider.observe(update, names="value")
    steps_slider.observe(update, names="value")
    update()
    return widgets.VBox([
        widgets.HTML("<b>Gradient descent</b> on L(w) = (w1² + 4 w2²) / 2 from (-4, 2). "
                     "Move the sliders: try lr = 0.1, 0.3, 0.45 and 0.55."),
        lr_slider, steps_slider, readout, plot,
    ])
