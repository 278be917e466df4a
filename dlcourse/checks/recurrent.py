"""Lesson 06b exercises: rnn_cell_forward, lstm_cell_forward, gru_cell_forward.

One time step of each recurrent cell, in the course's convention (rows are samples,
``x_t @ Wx + h_prev @ Wh + b``) with PyTorch's gate order, so that ``Wx = cell.weight_ih.T`` and
``Wh = cell.weight_hh.T`` reproduce ``torch.nn.RNNCell`` / ``LSTMCell`` / ``GRUCell``:

- LSTM: the 4H columns are the blocks ``[i | f | g | o]``;
- GRU: the 3H columns are the blocks ``[r | z | n]``, and the reset gate multiplies
  ``h_prev @ Wh_n + bh_n`` (after the matrix product, bias included).

Every case has several samples or a nonzero state and input, ``d_in != H`` except in the first
RNN case (square weights, so that swapping ``Wx`` and ``Wh`` still runs and gets its own hint),
and nonzero biases: each known mistake gives different numbers there.
"""
from __future__ import annotations

from itertools import permutations
from typing import Any, Callable

import numpy as np

from ..reference import recurrent as ref
from .core import RTOL, ATOL, Case, Exercise, Mistake, compare_arrays, describe, redraw


def _f(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


# --------------------------------------------------------------------------------------------
# The cases' inputs
# --------------------------------------------------------------------------------------------

def _cell_args(seed: int, kind: str, n: int, d_in: int, H: int, *, scale: float = 1.0,
               zero_x: bool = False, zero_h: bool = False, forget_bias: float = 0.0) -> tuple:
    """The arguments of one cell step, seeded and uneven.

    kind: "rnn" -> (x_t, h_prev, Wx, Wh, b); "lstm" -> (x_t, h_prev, c_prev, Wx, Wh, b);
    "gru" -> (x_t, h_prev, Wx, Wh, bx, bh). The state h_prev lies in (-0.9, 0.9) like a tanh
    output; c_prev is unbounded; every bias is nonzero. ``scale`` multiplies the inputs and the
    weights (3: saturated gates); ``zero_x`` / ``zero_h`` set x_t / the states to 0;
    ``forget_bias`` is added to the LSTM's forget-gate block of b.
    """
    rng = np.random.default_rng(seed)
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    x_t = rng.normal(0.0, scale, size=(n, d_in))
    h_prev = rng.uniform(-0.9, 0.9, size=(n, H))
    c_prev = rng.normal(0.0, 1.5, size=(n, H))
    Wx = rng.normal(0.0, scale / np.sqrt(d_in), size=(d_in, gates * H))
    Wh = rng.normal(0.0, scale / np.sqrt(H), size=(H, gates * H))
    b = rng.normal(0.0, 0.6, size=(1, gates * H))
    bh = rng.normal(0.0, 0.6, size=(1, gates * H))
    if zero_x:
        x_t = np.zeros_like(x_t)
    if zero_h:
        h_prev, c_prev = np.zeros_like(h_prev), np.zeros_like(c_prev)
    if kind == "rnn":
        return x_t, h_prev, Wx, Wh, b
    if kind == "lstm":
        b[:, H:2 * H] += forget_bias
        return x_t, h_prev, c_prev, Wx, Wh, b
    return x_t, h_prev, Wx, Wh, b, bh


def _args(kind: str, n: int, d_in: int, H: int, **kwargs) -> Callable[[int], tuple]:
    """``seed -> _cell_args(seed, kind, n, d_in, H, **kwargs)``, for :func:`redraw`."""
    return lambda seed: _cell_args(seed, kind, n, d_in, H, **kwargs)


# --------------------------------------------------------------------------------------------
# rnn_cell_forward(x_t, h_prev, Wx, Wh, b) -> h_t
# --------------------------------------------------------------------------------------------

def _rnn_variant(*, act=np.tanh, use_h: bool = True, use_b: bool = True, swap: bool = False,
                 wx_t: bool = False, wh_t: bool = False, bias_outside: bool = False):
    """The reference with one known mistake switched on."""
    def variant(x_t, h_prev, Wx, Wh, b):
        x_t, h_prev, Wx, Wh, b = map(_f, (x_t, h_prev, Wx, Wh, b))
        if swap:
            Wx, Wh = Wh, Wx
        if wx_t:
            Wx = Wx.T
        if wh_t:
            Wh = Wh.T
        z = x_t @ Wx
        if use_h:
            z = z + h_prev @ Wh
        if bias_outside:
            return act(z) + b
        if use_b:
            z = z + b
        return act(z)
    return variant


RNN_CELL_FORWARD = Exercise(
    name="rnn_cell_forward",
    params=("x_t", "h_prev", "Wx", "Wh", "b"),
    reference=ref.rnn_cell_forward,
    cases=[
        Case("2 samples, d_in = H = 3 (square weights: Wx must multiply x_t and Wh h_prev)",
             _cell_args(601, "rnn", 2, 3, 3),
             hint="h_t = np.tanh(x_t @ Wx + h_prev @ Wh + b): Wx (d_in, H) multiplies the input, "
                  "Wh (H, H) the previous state, and b (1, H) is added to every row."),
        Case("4 samples, d_in = 5, H = 3", _cell_args(602, "rnn", 4, 5, 3),
             hint="x_t (4, 5) @ Wx (5, 3) and h_prev (4, 3) @ Wh (3, 3) are both (4, 3); add b "
                  "and apply np.tanh."),
        Case("x_t = 0 and h_prev = 0: only the bias is left, h_t = tanh(b) in every row "
             "(2 samples, d_in = 2, H = 4)", _cell_args(603, "rnn", 2, 2, 4, zero_x=True,
                                                       zero_h=True),
             hint="With x_t = 0 and h_prev = 0 both products are 0, so h_t = np.tanh(b) in every "
                  "row: did you forget + b, or use another activation than tanh?"),
        Case("one sample, d_in = 1 (one value per step, like a time series), H = 4",
             _cell_args(604, "rnn", 1, 1, 4)),
        Case("random inputs, 6 samples, d_in = 3, H = 5", redraw(_args("rnn", 6, 3, 5)),
             hidden=True),
        Case("large inputs and weights (tanh saturates near -1 and 1), 5 samples, d_in = 4, H = 3",
             redraw(_args("rnn", 5, 4, 3, scale=3.0)), hidden=True),
        Case("one sample, d_in = 7, H = 3", redraw(_args("rnn", 1, 7, 3)), hidden=True),
        Case("h_prev = 0, the first step of a sequence: h_t = tanh(x_t @ Wx + b)",
             redraw(_args("rnn", 3, 2, 6, zero_h=True)), hidden=True),
    ],
    mistakes=[
        Mistake("You forgot the bias: h_t = np.tanh(x_t @ Wx + h_prev @ Wh + b).",
                _rnn_variant(use_b=False)),
        Mistake("The bias goes inside the tanh: h_t = np.tanh(x_t @ Wx + h_prev @ Wh + b), not "
                "np.tanh(...) + b.", _rnn_variant(bias_outside=True)),
        Mistake("You used the sigmoid. A plain RNN cell (PyTorch's RNNCell, the course's) uses "
                "tanh, whose outputs lie in (-1, 1) around 0: np.tanh(...).",
                _rnn_variant(act=ref._sigmoid)),
        Mistake("You used relu. PyTorch's RNNCell (nonlinearity='tanh', its default) and this "
                "exercise use tanh: np.tanh(...).", _rnn_variant(act=lambda z: np.maximum(z, 0.0))),
        Mistake("You forgot the activation: h_t = np.tanh(x_t @ Wx + h_prev @ Wh + b).",
                _rnn_variant(act=lambda z: z)),
        Mistake("h_prev is ignored: without h_prev @ Wh the cell has no memory, it is a plain "
                "dense layer. h_t = np.tanh(x_t @ Wx + h_prev @ Wh + b).", _rnn_variant(use_h=False)),
        Mistake("Wx and Wh are swapped: Wx (d_in, H) multiplies the input x_t and Wh (H, H) the "
                "previous state h_prev: x_t @ Wx + h_prev @ Wh.", _rnn_variant(swap=True)),
        Mistake("Both weights look transposed: x_t @ Wx.T + h_prev @ Wh.T is PyTorch's formula "
                "(x W_ih^T + h W_hh^T: it stores weights as (out, in)). Here Wx = weight_ih.T and "
                "Wh = weight_hh.T are given already transposed: x_t @ Wx + h_prev @ Wh, no .T.",
                _rnn_variant(wx_t=True, wh_t=True)),
        Mistake("Wx looks transposed: in this course a layer computes x_t @ Wx with Wx of shape "
                "(d_in, H), so no .T (PyTorch stores weight_ih as (H, d_in); Wx is its transpose "
                "already).", _rnn_variant(wx_t=True)),
        Mistake("Wh looks transposed: use h_prev @ Wh, no .T. PyTorch writes h_prev @ W_hh.T "
                "because it stores weight_hh as (out, in); here Wh = weight_hh.T is given, "
                "already transposed.", _rnn_variant(wh_t=True)),
    ],
)


# --------------------------------------------------------------------------------------------
# lstm_cell_forward(x_t, h_prev, c_prev, Wx, Wh, b) -> (h_t, c_t)
# --------------------------------------------------------------------------------------------

#: PyTorch's order of the LSTM's gate blocks
LSTM_ORDER = "ifgo"
LSTM_GATES = {"i": "the input gate i", "f": "the forget gate f", "g": "the candidate g",
              "o": "the output gate o"}
#: where a wrong order comes from, when it is known
LSTM_ORDER_NOTES = {
    "ifog": " (the order of CS231n's and many from-scratch LSTMs)",
    "igfo": " (TensorFlow 1's LSTMCell order, i, j, f, o)",
    "iofg": " (ONNX's order, i, o, f, c)",
    "fgio": " (the order of the book Deep Learning from Scratch 2)",
}
PYTORCH_LSTM = ("PyTorch orders the LSTM's gates i, f, g, o: columns 0:H of Wx, Wh and b belong to "
                "the input gate i, H:2H to the forget gate f, 2H:3H to the candidate g (the one "
                "with tanh) and 3H:4H to the output gate o: i, f, g, o = np.split(z, 4, axis=1).")


def _lstm_variant(*, order: str = LSTM_ORDER, gate=None, g_act=np.tanh, h_tanh: bool = True,
                  forget: bool = True, input_gate: bool = True, keep_c: bool = True,
                  h_from_c_prev: bool = False, use_h: bool = True, use_b: bool = True,
                  out: str = "hc"):
    """The reference with one known mistake switched on.

    order: how the blocks of z are read (``"ifog"`` reads columns 2H:3H as o);
    out: "hc" (right), "ch" (swapped), "h" (h_t alone).
    """
    gate = gate or ref._sigmoid

    def variant(x_t, h_prev, c_prev, Wx, Wh, b):
        x_t, h_prev, c_prev, Wx, Wh, b = map(_f, (x_t, h_prev, c_prev, Wx, Wh, b))
        z = x_t @ Wx
        if use_h:
            z = z + h_prev @ Wh
        if use_b:
            z = z + b
        blocks = dict(zip(order, np.split(z, 4, axis=1)))
        i, f, o = gate(blocks["i"]), gate(blocks["f"]), gate(blocks["o"])
        g = g_act(blocks["g"])
        c_t = (f * c_prev if forget else c_prev) if keep_c else 0.0
        c_t = c_t + (i * g if input_gate else g)
        c_used = c_prev if h_from_c_prev else c_t
        h_t = o * (np.tanh(c_used) if h_tanh else c_used)
        return {"hc": (h_t, c_t), "ch": (c_t, h_t), "h": h_t}[out]
    return variant


def _order_mistakes(right: str, notes: dict[str, str], pytorch: str,
                    variant: Callable[..., Callable[..., Any]]) -> list[Mistake]:
    """One mistake per wrong order of the gate blocks, the known ones first."""
    wrong = [p for p in notes] + sorted("".join(p) for p in permutations(right)
                                        if "".join(p) != right and "".join(p) not in notes)
    return [Mistake(f"Your gate blocks are in the wrong order: you read the columns as "
                    f"{', '.join(p)}{notes.get(p, '')}. {pytorch}", variant(order=p))
            for p in wrong]


_HC = ("the new hidden state h_t (the first item)", "the new cell state c_t (the second item)")


def _lstm_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """lstm_cell_forward returns the pair (h_t, c_t), in this order; says which item is wrong."""
    if not isinstance(expected, tuple):        # a known mistake that returns one array
        return compare_arrays(expected, got, rtol=rtol, atol=atol)
    if got is None:
        return "lstm_cell_forward returned None. Did you forget the line `return h_t, c_t`?"
    if isinstance(got, np.ndarray):
        return (f"lstm_cell_forward returned one array ({describe(got)}), but it must return "
                f"two, the pair (h_t, c_t), each of shape {expected[0].shape}.")
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return ("lstm_cell_forward should return two arrays, the pair (h_t, c_t), but it "
                f"returned {describe(got)}.")
    for what, exp, value in zip(_HC, expected, got):
        problem = compare_arrays(exp, value, rtol=rtol, atol=atol, what=what)
        if problem:
            return problem
    return None


LSTM_CELL_FORWARD = Exercise(
    name="lstm_cell_forward",
    params=("x_t", "h_prev", "c_prev", "Wx", "Wh", "b"),
    reference=ref.lstm_cell_forward,
    compare=_lstm_compare,
    cases=[
        Case("2 samples, d_in = 4, H = 3, every term nonzero", _cell_args(611, "lstm", 2, 4, 3),
             hint="Check, in order: z = x_t @ Wx + h_prev @ Wh + b; the blocks [i | f | g | o] "
                  "(PyTorch's order); sigmoid for i, f, o and tanh for g; "
                  "c_t = f * c_prev + i * g; h_t = o * np.tanh(c_t); return (h_t, c_t)."),
        Case("h_prev = 0 and c_prev = 0, the first step of a sequence: c_t = i * g "
             "(3 samples, d_in = 2, H = 5)", _cell_args(612, "lstm", 3, 2, 5, zero_h=True),
             hint="With c_prev = 0 the forget gate has nothing to keep: c_t = i * g and "
                  "h_t = o * np.tanh(c_t)."),
        Case("one sample, d_in = 1 (one value per step, like a time series), H = 4",
             _cell_args(613, "lstm", 1, 1, 4)),
        Case("a forget gate pushed open (+3 on its bias block, columns H:2H): the cell keeps "
             "most of c_prev (2 samples, d_in = 3, H = 4)",
             _cell_args(614, "lstm", 2, 3, 4, forget_bias=3.0),
             hint="The forget gate is the second block, columns H:2H: with its bias raised, "
                  "f is close to 1 and c_t stays close to c_prev."),
        Case("random inputs, 5 samples, d_in = 3, H = 6", redraw(_args("lstm", 5, 3, 6)),
             hidden=True),
        Case("large inputs and weights (saturated gates), 4 samples, d_in = 2, H = 3",
             redraw(_args("lstm", 4, 2, 3, scale=3.0)), hidden=True),
        Case("one sample, d_in = 6, H = 3", redraw(_args("lstm", 1, 6, 3)), hidden=True),
        Case("x_t = 0: only the state and the bias drive the gates",
             redraw(_args("lstm", 3, 4, 5, zero_x=True)), hidden=True),
    ],
    mistakes=[
        *_order_mistakes(LSTM_ORDER, LSTM_ORDER_NOTES, PYTORCH_LSTM, _lstm_variant),
        Mistake("You returned (c_t, h_t): the order is (h_t, c_t), as PyTorch's LSTMCell returns "
                "them: `return h_t, c_t`.", _lstm_variant(out="ch")),
        Mistake("You returned h_t only: the cell must return the pair (h_t, c_t), since the next "
                "step needs both: `return h_t, c_t`.", _lstm_variant(out="h")),
        Mistake("h_t is missing its tanh: h_t = o * np.tanh(c_t), not o * c_t (the cell state is "
                "unbounded; tanh brings it back into (-1, 1)).", _lstm_variant(h_tanh=False)),
        Mistake("The candidate g uses tanh, not the sigmoid: g = np.tanh(z_g) lies in (-1, 1), so "
                "the cell can add and subtract; only the gates i, f, o use the sigmoid.",
                _lstm_variant(g_act=ref._sigmoid)),
        Mistake("The gates i, f, o use the sigmoid (values in (0, 1): how much to let through), "
                "not tanh; only the candidate g uses tanh.", _lstm_variant(gate=np.tanh)),
        Mistake("You forgot the forget gate: c_t = f * c_prev + i * g, not c_prev + i * g.",
                _lstm_variant(forget=False)),
        Mistake("You forgot the input gate: c_t = f * c_prev + i * g, not f * c_prev + g.",
                _lstm_variant(input_gate=False)),
        Mistake("c_t must keep part of the old cell state: c_t = f * c_prev + i * g (you left out "
                "f * c_prev).", _lstm_variant(keep_c=False)),
        Mistake("h_t must use the NEW cell state: compute c_t first, then h_t = o * np.tanh(c_t) "
                "(you used c_prev).", _lstm_variant(h_from_c_prev=True)),
        Mistake("You forgot the bias: z = x_t @ Wx + h_prev @ Wh + b.", _lstm_variant(use_b=False)),
        Mistake("h_prev is ignored: z = x_t @ Wx + h_prev @ Wh + b (the gates look at the "
                "previous hidden state too).", _lstm_variant(use_h=False)),
    ],
)


# --------------------------------------------------------------------------------------------
# gru_cell_forward(x_t, h_prev, Wx, Wh, bx, bh) -> h_t
# --------------------------------------------------------------------------------------------

#: PyTorch's order of the GRU's gate blocks
GRU_ORDER = "rzn"
GRU_ORDER_NOTES = {"zrn": " (Keras's order, z, r, h)"}
PYTORCH_GRU = ("PyTorch orders the GRU's gates r, z, n: columns 0:H of Wx, Wh, bx and bh belong to "
               "the reset gate r, H:2H to the update gate z and 2H:3H to the candidate n.")


def _gru_variant(*, order: str = GRU_ORDER, other_blend: bool = False, reset: str = "after",
                 use_bx: bool = True, use_bh: bool = True, n_act=np.tanh,
                 keep_h: bool = True):
    """The reference with one known mistake switched on.

    reset: "after" (PyTorch: r * (h_prev @ Wh_n + bh_n)), "before" ((r * h_prev) @ Wh_n + bh_n),
    "bias outside" (r * (h_prev @ Wh_n) + bh_n), "none" (h_prev @ Wh_n + bh_n).
    """
    def variant(x_t, h_prev, Wx, Wh, bx, bh):
        x_t, h_prev, Wx, Wh, bx, bh = map(_f, (x_t, h_prev, Wx, Wh, bx, bh))
        bx = bx if use_bx else 0.0 * bx
        bh = bh if use_bh else 0.0 * bh
        a = dict(zip(order, np.split(x_t @ Wx + bx, 3, axis=1)))
        Whs = dict(zip(order, np.split(Wh, 3, axis=1)))
        bhs = dict(zip(order, np.split(bh, 3, axis=1)))
        r = ref._sigmoid(a["r"] + h_prev @ Whs["r"] + bhs["r"])
        z = ref._sigmoid(a["z"] + h_prev @ Whs["z"] + bhs["z"])
        if reset == "after":
            u_n = r * (h_prev @ Whs["n"] + bhs["n"])
        elif reset == "before":
            u_n = (r * h_prev) @ Whs["n"] + bhs["n"]
        elif reset == "bias outside":
            u_n = r * (h_prev @ Whs["n"]) + bhs["n"]
        else:
            u_n = h_prev @ Whs["n"] + bhs["n"]
        n = n_act(a["n"] + u_n)
        if other_blend:
            return z * n + (1.0 - z) * h_prev
        return (1.0 - z) * n + (z * h_prev if keep_h else 0.0)
    return variant


GRU_CELL_FORWARD = Exercise(
    name="gru_cell_forward",
    params=("x_t", "h_prev", "Wx", "Wh", "bx", "bh"),
    reference=ref.gru_cell_forward,
    cases=[
        Case("2 samples, d_in = 4, H = 3, every term nonzero", _cell_args(621, "gru", 2, 4, 3),
             hint="Check, in order: a = x_t @ Wx + bx and u = h_prev @ Wh + bh, each split into "
                  "[r | z | n] (PyTorch's order); r = sigmoid(a_r + u_r), z = sigmoid(a_z + u_z), "
                  "n = np.tanh(a_n + r * u_n); h_t = (1 - z) * n + z * h_prev."),
        Case("h_prev = 0, the first step of a sequence: h_t = (1 - z) * n "
             "(3 samples, d_in = 2, H = 5)", _cell_args(622, "gru", 3, 2, 5, zero_h=True),
             hint="With h_prev = 0, u = bh, so n = np.tanh(a_n + r * bh_n): the reset gate "
                  "multiplies bh_n too (PyTorch's formula), and h_t = (1 - z) * n."),
        Case("one sample, d_in = 1 (one value per step, like a time series), H = 4",
             _cell_args(623, "gru", 1, 1, 4)),
        Case("4 samples, d_in = 5, H = 3", _cell_args(624, "gru", 4, 5, 3)),
        Case("random inputs, 5 samples, d_in = 3, H = 6", redraw(_args("gru", 5, 3, 6)),
             hidden=True),
        Case("large inputs and weights (saturated gates), 4 samples, d_in = 2, H = 3",
             redraw(_args("gru", 4, 2, 3, scale=3.0)), hidden=True),
        Case("one sample, d_in = 6, H = 3", redraw(_args("gru", 1, 6, 3)), hidden=True),
        Case("x_t = 0: only the state and the biases drive the gates",
             redraw(_args("gru", 3, 4, 5, zero_x=True)), hidden=True),
    ],
    mistakes=[
        *_order_mistakes(GRU_ORDER, GRU_ORDER_NOTES, PYTORCH_GRU, _gru_variant),
        Mistake("You blended the other way round: h_t = z * n + (1 - z) * h_prev is the other "
                "convention (Wikipedia's, Chung et al.'s). PyTorch (like Cho et al.) writes "
                "h_t = (1 - z) * n + z * h_prev: z close to 1 keeps the old state.",
                _gru_variant(other_blend=True)),
        Mistake("You applied the reset gate before the matrix product, (r * h_prev) @ Wh_n + bh_n: "
                "that is the original paper's GRU (Keras's reset_after=False). PyTorch applies it "
                "after, to the whole term including its bias: n = np.tanh(a_n + r * (h_prev @ "
                "Wh_n + bh_n)).", _gru_variant(reset="before")),
        Mistake("bh_n belongs inside the reset: n = np.tanh(a_n + r * (h_prev @ Wh_n + bh_n)), "
                "not r * (h_prev @ Wh_n) + bh_n. PyTorch keeps the two biases apart for this "
                "reason: bx_n is outside the reset, bh_n inside.",
                _gru_variant(reset="bias outside")),
        Mistake("The reset gate is missing: n = np.tanh(a_n + r * (h_prev @ Wh_n + bh_n)).",
                _gru_variant(reset="none")),
        Mistake("You forgot the biases bx and bh: a = x_t @ Wx + bx and u = h_prev @ Wh + bh.",
                _gru_variant(use_bx=False, use_bh=False)),
        Mistake("You forgot the input bias bx: a = x_t @ Wx + bx.", _gru_variant(use_bx=False)),
        Mistake("You forgot the hidden bias bh: u = h_prev @ Wh + bh (its n block, bh_n, sits "
                "inside the reset: r * (h_prev @ Wh_n + bh_n)).", _gru_variant(use_bh=False)),
        Mistake("The candidate n uses tanh, not the sigmoid: n = np.tanh(a_n + r * u_n).",
                _gru_variant(n_act=ref._sigmoid)),
        Mistake("h_t must keep part of the old state: h_t = (1 - z) * n + z * h_prev (you left "
                "out z * h_prev).", _gru_variant(keep_h=False)),
    ],
)

EXERCISES = [RNN_CELL_FORWARD, LSTM_CELL_FORWARD, GRU_CELL_FORWARD]
