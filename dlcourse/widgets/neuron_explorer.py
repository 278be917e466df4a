"""Lesson 01: the neuron explorer, one neuron with sliders for its inputs, weights and bias.

ipywidgets and matplotlib are imported inside :func:`neuron_explorer`, so importing this module
loads NumPy and the course's reference activations only.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..reference import activations as ref

#: the activations the explorer offers, by the name shown in its dropdown
ACTIVATIONS = {"sigmoid": ref.sigmoid, "tanh": ref.tanh, "relu": ref.relu}


def _signed(value: float) -> str:
    return f"({value:.1f})" if value < 0 else f"{value:.1f}"


def describe_neuron(x: Sequence[float], w: Sequence[float], b: float, activation: str) -> str:
    """The explorer's read-out as HTML: the weighted sum term by term, then the output.

    x, w: (d,) inputs and weights; b: the bias; activation: a name of :data:`ACTIVATIONS`.
    """
    z = ref.weighted_sum(x, w, b)
    output = ACTIVATIONS[activation](z)
    terms = " + ".join(f"{_signed(xi)}×{_signed(wi)}" for xi, wi in zip(x, w))
    bias = f"+ {b:.1f}" if b >= 0 else f"- {-b:.1f}"
    return (f'<div style="font-family: monospace; font-size: 14px; line-height: 1.6">'
            f"z = x·w + b = {terms} {bias} = <b>{z:.3f}</b><br>"
            f"output = {activation}(z) = {activation}({z:.3f}) = <b>{output:.3f}</b></div>")


def neuron_explorer(activation: str = "sigmoid", *, x: Sequence[float] = (1.0, 2.0, 3.0),
                    w: Sequence[float] = (0.5, -1.0, 0.8), b: float = 0.2) -> Any:
    """An interactive neuron: sliders for its inputs, weights and bias, a menu for its activation.

    It shows the weighted sum ``z = x . w + b`` term by term, the output ``activation(z)``, and
    the activation's curve with the point ``(z, output)`` marked. The defaults are the handout's
    example (x = (1, 2, 3), w = (0.5, -1, 0.8), b = 0.2: z = 1.1, sigmoid output about 0.75).
    activation: "sigmoid", "tanh" or "relu"; x, w: (d,) starting values of the sliders.
    Returns an ipywidgets VBox (display it, or leave it as the last line of a cell).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    x, w = [float(v) for v in x], [float(v) for v in w]
    if not x or len(x) != len(w):
        raise ValueError(f"x and w need the same, non-zero length; got {len(x)} and {len(w)}")

    def slider(name: str, value: float, limit: float) -> Any:
        limit = max(limit, abs(value))
        return widgets.FloatSlider(value=value, min=-limit, max=limit, step=0.1, description=name,
                                   readout_format=".1f", layout=widgets.Layout(width="260px"))

    x_sliders = [slider(f"x{i}", v, 5.0) for i, v in enumerate(x, start=1)]
    w_sliders = [slider(f"w{i}", v, 3.0) for i, v in enumerate(w, start=1)]
    b_slider = slider("b", float(b), 5.0)
    choice = widgets.Dropdown(options=list(ACTIVATIONS), value=activation,
                              description="activation")
    readout = widgets.HTML()
    plot = widgets.Output()

    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    plt.close(fig)
    ax.axhline(0.0, color="0.75", lw=0.8)
    ax.axvline(0.0, color="0.75", lw=0.8)
    (curve,) = ax.plot([], [], color="tab:blue", lw=2)
    (guide,) = ax.plot([], [], color="tab:red", lw=1, ls="--")
    (point,) = ax.plot([], [], "o", color="tab:red", ms=8)
    ax.set_xlabel("z = x·w + b")
    ax.set_ylabel("output")
    ax.grid(alpha=0.3)

    def update(change: Any = None) -> None:
        xs = [s.value for s in x_sliders]
        ws = [s.value for s in w_sliders]
        name = choice.value
        f = ACTIVATIONS[name]
        z = ref.weighted_sum(xs, ws, b_slider.value)
        output = f(z)
        readout.value = describe_neuron(xs, ws, b_slider.value, name)
        half = max(6.0, abs(z) + 1.0)       # keep the point inside the plot
        grid = np.linspace(-half, half, 401)
        values = np.asarray(f(grid))
        curve.set_data(grid, values)
        point.set_data([z], [output])
        guide.set_data([z, z, -half], [0.0, output, output])
        low, high = min(values.min(), 0.0), max(values.max(), 0.0)
        pad = 0.08 * (high - low)
        ax.set_xlim(-half, half)
        ax.set_ylim(low - pad, high + pad)
        ax.set_title(f"{name}: z = {z:.3f}, output = {output:.3f}", fontsize=11)
        with plot:
            plot.clear_output(wait=True)
            display(fig)

    for control in x_sliders + w_sliders + [b_slider, choice]:
        control.observe(update, names="value")
    update()

    def row(label: str, controls: list) -> Any:
        return widgets.HBox([widgets.Label(label, layout=widgets.Layout(width="60px"))] + controls)

    return widgets.VBox([
        widgets.HTML("<b>One neuron</b>: output = activation(x·w + b). Move the sliders."),
        row("inputs", x_sliders),
        row("weights", w_sliders),
        row("bias", [b_slider, choice]),
        readout,
        plot,
    ])
