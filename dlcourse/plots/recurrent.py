"""Figures of lesson 06b: an unrolled RNN, the gate blocks of the LSTM and GRU weights, the
forecasting series and forecasts, and the gradient that reaches back in time.

matplotlib is imported inside each function, so ``import dlcourse.plots.recurrent`` stays light.
Each function draws on ``ax`` when one is given (and returns its Figure); otherwise it creates a
figure, closes it in pyplot and returns it, so a notebook shows it once.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .figures import new_axes

#: the gate blocks of each cell, in PyTorch's order: (letter, name, activation, colour)
GATE_BLOCKS: dict[str, list[tuple[str, str, str, str]]] = {
    "rnn": [("h", "hidden state", "tanh", "#7f7f7f")],
    "lstm": [("i", "input gate", "sigmoid", "#4c9be8"), ("f", "forget gate", "sigmoid", "#e8804c"),
             ("g", "candidate", "tanh", "#5cb85c"), ("o", "output gate", "sigmoid", "#b07cd8")],
    "gru": [("r", "reset gate", "sigmoid", "#e8c14c"), ("z", "update gate", "sigmoid", "#4cc6e8"),
            ("n", "candidate", "tanh", "#5cb85c")],
}


# --------------------------------------------------------------------------------------------
# What a recurrent network is
# --------------------------------------------------------------------------------------------

def plot_unrolled(steps: int = 4, *, ax: Any = None) -> Any:
    """An RNN drawn twice: as one cell with a loop, and unrolled over ``steps`` time steps.

    Each copy of the cell is the same cell with the same weights Wx, Wh, b; the arrow between two
    copies is the hidden state h_t handed to the next step. Returns the Figure.
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    steps = max(int(steps), 2)
    x0, dx = 3.4, 1.9
    fig, ax = new_axes(ax, (2.6 + 1.9 * steps, 3.0))

    def box(x, y, text):
        ax.add_patch(FancyBboxPatch((x - 0.45, y - 0.3), 0.9, 0.6, boxstyle="round,pad=0.05",
                                    facecolor="#9ecae1", edgecolor="0.2", lw=1.2))
        ax.text(x, y, text, ha="center", va="center", fontsize=10)

    def arrow(start, end, text=None, **kw):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                                     color="0.2", lw=1.2, **kw))
        if text:
            ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.12, text, ha="center",
                    fontsize=10)

    def column(x, sub):
        arrow((x, -1.0), (x, -0.35))
        ax.text(x, -1.25, f"$x_{{{sub}}}$", ha="center", fontsize=11)
        arrow((x, 0.35), (x, 1.0))
        ax.text(x, 1.1, f"$h_{{{sub}}}$", ha="center", fontsize=11)

    # folded: one cell whose output comes back into it
    box(0.0, 0.0, "RNN\ncell")
    column(0.0, "t")
    arrow((0.5, 0.12), (0.5, -0.12), connectionstyle="arc3,rad=-3.0")
    ax.text(1.0, 0.42, "$h_{t-1}$", ha="center", fontsize=10)
    ax.text(1.7, 0.0, "=", ha="center", va="center", fontsize=20)
    # unrolled
    for k in range(steps):
        x = x0 + dx * k
        sub = str(k + 1) if k < steps - 1 else "T"
        box(x, 0.0, "cell")
        column(x, sub)
        prev = "0" if k == 0 else (str(k) if k < steps - 1 else "T-1")
        arrow((x - (0.75 if k == 0 else dx - 0.5), 0.0), (x - 0.5, 0.0),
              text=None if k == 0 else f"$h_{{{prev}}}$")
        if k == 0:
            ax.text(x - 0.85, 0.0, "$h_0$", ha="right", va="center", fontsize=10)
    ax.text(x0 + dx * (steps - 1) / 2, -1.7,
            "unrolled: the same cell, with the same weights Wx, Wh, b, at every step",
            ha="center", fontsize=9, color="0.3")
    ax.set_xlim(-0.8, x0 + dx * (steps - 1) + 0.8)
    ax.set_ylim(-1.95, 1.45)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def plot_gate_blocks(kind: str = "lstm", *, H: int = 4, d_in: int = 2, ax: Any = None) -> Any:
    """The weights of one cell step as coloured grids: which columns belong to which gate.

    kind: "rnn", "lstm" or "gru". Draws ``Wx`` (d_in, G*H), ``Wh`` (H, G*H) and the bias
    (1, G*H) one above the other, each block of H columns coloured and labelled with its gate, in
    PyTorch's order (LSTM [i | f | g | o], GRU [r | z | n]). Returns the Figure.
    """
    from matplotlib.patches import Rectangle

    if kind not in GATE_BLOCKS:
        raise ValueError(f"kind must be one of {list(GATE_BLOCKS)}, not {kind!r}")
    blocks = GATE_BLOCKS[kind]
    G = len(blocks)
    width = G * H
    rows = [("Wx", d_in), ("Wh", H), ("b" if kind != "gru" else "bx, bh", 1)]
    height = sum(r for _, r in rows) + 1.2 * len(rows)
    fig, ax = new_axes(ax, (1.6 + 0.42 * width, 0.6 + 0.36 * (height + 3.0)))
    y = 0.0
    for name, n_rows in rows:
        for k, (letter, _, _, color) in enumerate(blocks):
            for col in range(k * H, (k + 1) * H):
                for row in range(n_rows):
                    ax.add_patch(Rectangle((col, -(y + row + 1)), 1, 1, facecolor=color,
                                           edgecolor="white", lw=1.0, alpha=0.85))
        ax.text(-0.4, -(y + n_rows / 2), f"{name}\n({n_rows}, {width})", ha="right", va="center",
                fontsize=9)
        y += n_rows + 1.2
    for k, (letter, gate, act, color) in enumerate(blocks):
        ax.text(k * H + H / 2, 0.3, f"{letter}\n{gate}\n({act})", ha="center", va="bottom",
                fontsize=8.5, color="black")
        ax.text(k * H + H / 2, -(y - 0.7), f"{k}H:{k + 1}H" if k > 1 else ("H:2H" if k else "0:H"),
                ha="center", va="top", fontsize=8, color="0.35")
    ax.set_xlim(-3.2, width + 0.2)
    ax.set_ylim(-(y + 0.6), 3.6)
    ax.set_aspect("equal")
    ax.axis("off")
    title = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}[kind]
    ax.set_title(f"{title}: the column blocks in PyTorch's order (H = {H}, d_in = {d_in})",
                 fontsize=10)
    return fig


# --------------------------------------------------------------------------------------------
# Forecasting
# --------------------------------------------------------------------------------------------

def plot_series(t: ArrayLike, x: ArrayLike, *, train_steps: int | None = None,
                window: int | None = None, horizon: int | None = None, start: int = 100) -> Any:
    """The series with its training part shaded (left), and a zoom on one (window, target) pair.

    t, x: (n,) the steps and values. train_steps: the first steps used for training. window,
    horizon: when both are given, the right panel shows the window starting at step ``start``
    and the ``horizon`` values after it. Returns the Figure.
    """
    import matplotlib.pyplot as plt

    t = np.asarray(t)
    x = np.asarray(x, dtype=np.float64)
    pair = window is not None and horizon is not None
    fig, axes = plt.subplots(1, 2 if pair else 1, figsize=(13.0, 3.0), squeeze=False,
                             gridspec_kw={"width_ratios": [3, 1] if pair else [1]})
    plt.close(fig)
    ax = axes[0, 0]
    ax.plot(t, x, color="0.3", lw=1.0)
    top = x.max() + 0.25 * (x.max() - x.min())
    if train_steps is not None:
        ax.axvspan(t[0], t[0] + train_steps - 0.5, color="tab:blue", alpha=0.07)
        ax.axvline(t[0] + train_steps - 0.5, color="tab:blue", ls="--", lw=1)
        ax.text(t[0] + train_steps / 2, top, "training steps", ha="center", va="top",
                color="tab:blue", fontsize=9)
        ax.text(t[0] + train_steps + (len(t) - train_steps) / 2, top, "test steps", ha="center",
                va="top", color="tab:red", fontsize=9)
    ax.set_ylim(x.min() - 0.1, top + 0.1)
    ax.set_xlabel("step t")
    ax.set_ylabel("x")
    ax.set_title("the whole series")
    ax.grid(alpha=0.3)
    if pair:
        w = slice(start, start + window)
        h = slice(start + window, start + window + horizon)
        ax.axvspan(t[start], t[start + window + horizon - 1], color="tab:orange", alpha=0.25)
        zoom = axes[0, 1]
        lo, hi = max(start - 5, 0), min(start + window + horizon + 5, len(x))
        zoom.plot(t[lo:hi], x[lo:hi], color="0.6", lw=1.0)
        zoom.plot(t[w], x[w], color="tab:orange", lw=2.2, marker=".",
                  label=f"input window ({window} steps)")
        zoom.plot(t[h], x[h], "o", color="tab:green", ms=4, label=f"target ({horizon} steps)")
        zoom.set_xlabel("step t")
        zoom.set_title(f"one pair: steps {start} to {start + window + horizon - 1}")
        zoom.legend(fontsize=8, loc="best", framealpha=0.9)
        zoom.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_forecast(t: ArrayLike, truth: ArrayLike, forecasts: Mapping[str, ArrayLike], *,
                  ax: Any = None, title: str = "one step ahead") -> Any:
    """Forecasts of the same steps against the truth. t, truth: (n,); forecasts: name -> (n,).
    Returns the Figure."""
    t = np.asarray(t)
    fig, ax = new_axes(ax, (7.0, 3.2))
    ax.plot(t, np.asarray(truth, dtype=np.float64), color="0.3", lw=1.0, marker=".", ms=3,
            label="truth")
    styles = ["-", "--", ":", "-."]
    for k, (name, values) in enumerate(forecasts.items()):
        ax.plot(t, np.asarray(values, dtype=np.float64).reshape(-1), ls=styles[k % len(styles)],
                lw=1.6, label=name)
    ax.set_xlabel("step t")
    ax.set_ylabel("x")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower left", framealpha=0.9)
    ax.grid(alpha=0.3)
    return fig


def plot_forecasts_ahead(t: ArrayLike, x: ArrayLike, starts: Sequence[int],
                         forecasts: Sequence[ArrayLike], window: int, *, ax: Any = None,
                         naive: bool = True, title: str | None = None) -> Any:
    """Several forecasts of ``horizon`` steps, each after its input window, against the series.

    t, x: the whole series; starts: the first step of each forecast; forecasts: one (horizon,)
    array per start; window: the input window's length (drawn before each start). ``naive``
    draws the "repeat the last value" forecast too. Returns the Figure.
    """
    t = np.asarray(t)
    x = np.asarray(x, dtype=np.float64)
    fig, ax = new_axes(ax, (7.0, 3.2))
    lo = max(min(starts) - window - 5, 0)
    hi = min(max(starts) + len(np.asarray(forecasts[-1]).reshape(-1)) + 5, len(x))
    ax.plot(t[lo:hi], x[lo:hi], color="0.3", lw=1.0, marker=".", ms=3, label="truth")
    for k, (s, f) in enumerate(zip(starts, forecasts)):
        f = np.asarray(f, dtype=np.float64).reshape(-1)
        steps = t[s:s + len(f)]
        ax.axvspan(t[s - window], t[s - 1], color="tab:orange", alpha=0.06)
        ax.plot(steps, f, color="tab:blue", lw=2.2, label="the model's forecast" if k == 0 else None)
        if naive:
            ax.plot(steps, np.full(len(f), x[s - 1]), color="tab:red", ls="--", lw=1.4,
                    label="repeat the last value" if k == 0 else None)
    ax.set_xlabel("step t")
    ax.set_ylabel("x")
    ax.set_title(title or f"{len(np.asarray(forecasts[0]).reshape(-1))} steps ahead "
                          "(shaded: the input windows)")
    ax.legend(fontsize=8, loc="lower left", framealpha=0.9)
    ax.grid(alpha=0.3)
    return fig


# --------------------------------------------------------------------------------------------
# The vanishing gradient
# --------------------------------------------------------------------------------------------

def geometric_mean(values: ArrayLike, axis: int = 0) -> np.ndarray:
    """exp(mean(log(values))) along ``axis``: the average of numbers that span many decades."""
    values = np.asarray(values, dtype=np.float64)
    return np.exp(np.mean(np.log(values), axis=axis))


def plot_gradient_lags(norms: Mapping[str, ArrayLike], *, ax: Any = None,
                       title: str = "how much the last state depends on earlier inputs") -> Any:
    """Gradient norms against the time lag, on a log scale, one line per network.

    norms: name -> (n_runs, n_lags) array, entry [r, k] the gradient norm of run r at lag k
    (k = 0: the last step). Each line is the geometric mean over the runs; the band spans the
    smallest and largest run. Returns the Figure.
    """
    fig, ax = new_axes(ax, (7.5, 4.0))
    for name, values in norms.items():
        values = np.atleast_2d(np.asarray(values, dtype=np.float64))
        lags = np.arange(values.shape[1])
        line, = ax.plot(lags, geometric_mean(values), lw=2, label=name)
        if values.shape[0] > 1:
            ax.fill_between(lags, values.min(axis=0), values.max(axis=0), color=line.get_color(),
                            alpha=0.15)
    ax.set_yscale("log")
    ax.set_xlabel("time lag k (steps back from the last step)")
    ax.set_ylabel(r"$\|\partial\, \Sigma h_T / \partial x_{T-k}\|$")
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="lower left", framealpha=0.9)
    return fig
