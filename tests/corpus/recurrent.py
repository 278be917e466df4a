"""Lesson 06b corpus: rnn_cell_forward, lstm_cell_forward, gru_cell_forward.

See ``corpus/__init__`` for the tables. One time step of each cell, rows are samples,
``x_t @ Wx + h_prev @ Wh + b``, PyTorch's gate orders: LSTM ``[i | f | g | o]``, GRU ``[r | z | n]``
with the reset gate applied to ``h_prev @ Wh_n + bh_n``.
"""
from __future__ import annotations

import math

import numpy as np


def _sig(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _stable_sigmoid(z):
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-np.abs(z))),
                    np.exp(-np.abs(z)) / (1.0 + np.exp(-np.abs(z))))


def _math_sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))


# --------------------------------------------------------------------------------------------
# rnn_cell_forward(x_t, h_prev, Wx, Wh, b)
# --------------------------------------------------------------------------------------------

def rnn_cell_forward_concat(x_t, h_prev, Wx, Wh, b):
    """One product of [x_t, h_prev] with the stacked weights [[Wx], [Wh]]."""
    return np.tanh(np.hstack([x_t, h_prev]) @ np.vstack([Wx, Wh]) + b)


def rnn_cell_forward_loops(x_t, h_prev, Wx, Wh, b):
    """Pure Python loops over the samples and the units."""
    n, d_in = np.shape(x_t)
    H = np.shape(h_prev)[1]
    out = np.zeros((n, H))
    for s in range(n):
        for j in range(H):
            total = b[0][j]
            for k in range(d_in):
                total += x_t[s][k] * Wx[k][j]
            for k in range(H):
                total += h_prev[s][k] * Wh[k][j]
            out[s, j] = math.tanh(total)
    return out


def rnn_cell_forward_einsum(x_t, h_prev, Wx, Wh, b):
    z = np.einsum("nd,dh->nh", x_t, Wx) + np.einsum("nk,kh->nh", h_prev, Wh) + b.ravel()
    return 2.0 * _sig(2.0 * z) - 1.0          # tanh(z) = 2 sigmoid(2z) - 1


def rnn_cell_forward_no_bias(x_t, h_prev, Wx, Wh, b):
    return np.tanh(x_t @ Wx + h_prev @ Wh)


def rnn_cell_forward_bias_outside(x_t, h_prev, Wx, Wh, b):
    return np.tanh(x_t @ Wx + h_prev @ Wh) + b


def rnn_cell_forward_sigmoid(x_t, h_prev, Wx, Wh, b):
    return 1.0 / (1.0 + np.exp(-(x_t @ Wx + h_prev @ Wh + b)))


def rnn_cell_forward_relu(x_t, h_prev, Wx, Wh, b):
    return np.maximum(0, x_t @ Wx + h_prev @ Wh + b)


def rnn_cell_forward_linear(x_t, h_prev, Wx, Wh, b):
    return x_t @ Wx + h_prev @ Wh + b


def rnn_cell_forward_no_memory(x_t, h_prev, Wx, Wh, b):
    return np.tanh(x_t @ Wx + b)


def rnn_cell_forward_swapped(x_t, h_prev, Wx, Wh, b):
    return np.tanh(x_t @ Wh + h_prev @ Wx + b)


def rnn_cell_forward_torch_formula(x_t, h_prev, Wx, Wh, b):
    """PyTorch's x W_ih^T + h W_hh^T copied onto the already transposed Wx, Wh."""
    return np.tanh(x_t @ Wx.T + h_prev @ Wh.T + b)


def rnn_cell_forward_wx_transposed(x_t, h_prev, Wx, Wh, b):
    return np.tanh(x_t @ Wx.T + h_prev @ Wh + b)


def rnn_cell_forward_wh_transposed(x_t, h_prev, Wx, Wh, b):
    return np.tanh(x_t @ Wx + h_prev @ Wh.T + b)


def rnn_cell_forward_in_place(x_t, h_prev, Wx, Wh, b):
    """Writes the new state into h_prev."""
    h_prev[:] = np.tanh(x_t @ Wx + h_prev @ Wh + b)
    return h_prev


def rnn_cell_forward_no_return(x_t, h_prev, Wx, Wh, b):
    h_t = np.tanh(x_t @ Wx + h_prev @ Wh + b)  # noqa: F841


def rnn_cell_forward_list(x_t, h_prev, Wx, Wh, b):
    return np.tanh(x_t @ Wx + h_prev @ Wh + b).tolist()


def rnn_cell_forward_float32(x_t, h_prev, Wx, Wh, b):
    z = x_t.astype(np.float32) @ Wx.astype(np.float32) + h_prev.astype(np.float32) @ \
        Wh.astype(np.float32) + b.astype(np.float32)
    return np.tanh(z)


def rnn_cell_forward_elementwise(x_t, h_prev, Wx, Wh, b):
    return np.tanh(x_t * Wx + h_prev * Wh + b)


# --------------------------------------------------------------------------------------------
# lstm_cell_forward(x_t, h_prev, c_prev, Wx, Wh, b)
# --------------------------------------------------------------------------------------------

def lstm_cell_forward_concat(x_t, h_prev, c_prev, Wx, Wh, b):
    """Stacked weights, gates sliced by index, sigmoid from tanh."""
    z = np.concatenate([x_t, h_prev], axis=1) @ np.concatenate([Wx, Wh], axis=0) + b
    H = h_prev.shape[1]
    i = _sig(z[:, :H])
    f = _sig(z[:, H:2 * H])
    g = np.tanh(z[:, 2 * H:3 * H])
    o = _sig(z[:, 3 * H:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def lstm_cell_forward_loops(x_t, h_prev, c_prev, Wx, Wh, b):
    """Pure Python loops, one unit at a time."""
    n, d_in = np.shape(x_t)
    H = np.shape(h_prev)[1]
    h_t, c_t = np.zeros((n, H)), np.zeros((n, H))
    for s in range(n):
        for j in range(H):
            pre = []
            for gate in range(4):
                col = gate * H + j
                total = b[0][col]
                for k in range(d_in):
                    total += x_t[s][k] * Wx[k][col]
                for k in range(H):
                    total += h_prev[s][k] * Wh[k][col]
                pre.append(total)
            i, f = _math_sigmoid(pre[0]), _math_sigmoid(pre[1])
            g, o = math.tanh(pre[2]), _math_sigmoid(pre[3])
            c_t[s, j] = f * c_prev[s][j] + i * g
            h_t[s, j] = o * math.tanh(c_t[s, j])
    return h_t, c_t


def lstm_cell_forward_per_gate(x_t, h_prev, c_prev, Wx, Wh, b):
    """Each gate with its own weight blocks; returns a list [h_t, c_t]."""
    Wxs, Whs, bs = np.split(Wx, 4, axis=1), np.split(Wh, 4, axis=1), np.split(b, 4, axis=1)
    pre = [x_t @ wx + h_prev @ wh + bb for wx, wh, bb in zip(Wxs, Whs, bs)]
    i, f, o = (_stable_sigmoid(pre[k]) for k in (0, 1, 3))
    g = np.tanh(pre[2])
    c_t = np.add(np.multiply(f, c_prev), np.multiply(i, g))
    return [o * np.tanh(c_t), c_t]


def _lstm(order="ifgo", h_tanh=True, g_sigmoid=False, forget=True, input_gate=True,
          use_b=True, out="hc"):
    def lstm(x_t, h_prev, c_prev, Wx, Wh, b):
        z = x_t @ Wx + h_prev @ Wh + (b if use_b else 0)
        gates = dict(zip(order, np.split(z, 4, axis=1)))
        i, f, o = (1 / (1 + np.exp(-gates[k])) for k in "ifo")
        g = 1 / (1 + np.exp(-gates["g"])) if g_sigmoid else np.tanh(gates["g"])
        c = (f * c_prev if forget else c_prev) + (i * g if input_gate else g)
        h = o * (np.tanh(c) if h_tanh else c)
        return {"hc": (h, c), "ch": (c, h), "h": h}[out]
    return lstm


lstm_cell_forward_order_ifog = _lstm(order="ifog")
lstm_cell_forward_order_figo = _lstm(order="figo")
lstm_cell_forward_order_igfo = _lstm(order="igfo")
lstm_cell_forward_order_iofg = _lstm(order="iofg")
lstm_cell_forward_order_ogif = _lstm(order="ogif")
lstm_cell_forward_h_without_tanh = _lstm(h_tanh=False)
lstm_cell_forward_sigmoid_g = _lstm(g_sigmoid=True)
lstm_cell_forward_no_forget_gate = _lstm(forget=False)
lstm_cell_forward_no_input_gate = _lstm(input_gate=False)
lstm_cell_forward_no_bias = _lstm(use_b=False)
lstm_cell_forward_returns_c_h = _lstm(out="ch")
lstm_cell_forward_returns_h_only = _lstm(out="h")


def lstm_cell_forward_h_from_c_prev(x_t, h_prev, c_prev, Wx, Wh, b):
    i, f, g, o = np.split(x_t @ Wx + h_prev @ Wh + b, 4, axis=1)
    h = _sig(o) * np.tanh(c_prev)
    return h, _sig(f) * c_prev + _sig(i) * np.tanh(g)


def lstm_cell_forward_in_place(x_t, h_prev, c_prev, Wx, Wh, b):
    """Updates the cell state in place: c_prev *= f; c_prev += i * g."""
    i, f, g, o = np.split(x_t @ Wx + h_prev @ Wh + b, 4, axis=1)
    c_prev *= _sig(f)
    c_prev += _sig(i) * np.tanh(g)
    return _sig(o) * np.tanh(c_prev), c_prev.copy()


def lstm_cell_forward_no_return(x_t, h_prev, c_prev, Wx, Wh, b):
    i, f, g, o = np.split(x_t @ Wx + h_prev @ Wh + b, 4, axis=1)
    c_t = _sig(f) * c_prev + _sig(i) * np.tanh(g)
    h_t = _sig(o) * np.tanh(c_t)  # noqa: F841


def lstm_cell_forward_lists(x_t, h_prev, c_prev, Wx, Wh, b):
    h, c = lstm_cell_forward_concat(x_t, h_prev, c_prev, Wx, Wh, b)
    return h.tolist(), c.tolist()


def lstm_cell_forward_float32(x_t, h_prev, c_prev, Wx, Wh, b):
    h, c = lstm_cell_forward_concat(x_t, h_prev, c_prev, Wx, Wh, b)
    return h.astype(np.float32), c.astype(np.float32)


def lstm_cell_forward_with_gates(x_t, h_prev, c_prev, Wx, Wh, b):
    """Returns the gates as well: (h_t, c_t, gates)."""
    h, c = lstm_cell_forward_concat(x_t, h_prev, c_prev, Wx, Wh, b)
    return h, c, x_t @ Wx + h_prev @ Wh + b


# --------------------------------------------------------------------------------------------
# gru_cell_forward(x_t, h_prev, Wx, Wh, bx, bh)
# --------------------------------------------------------------------------------------------

def gru_cell_forward_slices(x_t, h_prev, Wx, Wh, bx, bh):
    """Each block sliced by index, the blend written as n + z * (h_prev - n)."""
    H = h_prev.shape[1]
    r_, z_, n_ = slice(0, H), slice(H, 2 * H), slice(2 * H, 3 * H)
    r = _stable_sigmoid(x_t @ Wx[:, r_] + bx[:, r_] + h_prev @ Wh[:, r_] + bh[:, r_])
    z = _stable_sigmoid(x_t @ Wx[:, z_] + bx[:, z_] + h_prev @ Wh[:, z_] + bh[:, z_])
    n = np.tanh(x_t @ Wx[:, n_] + bx[:, n_] + r * (h_prev @ Wh[:, n_] + bh[:, n_]))
    return n + z * (h_prev - n)


def gru_cell_forward_loops(x_t, h_prev, Wx, Wh, bx, bh):
    """Pure Python loops, one unit at a time."""
    n_samples, d_in = np.shape(x_t)
    H = np.shape(h_prev)[1]
    out = np.zeros((n_samples, H))
    for s in range(n_samples):
        for j in range(H):
            a, u = [], []
            for gate in range(3):
                col = gate * H + j
                a.append(bx[0][col] + sum(x_t[s][k] * Wx[k][col] for k in range(d_in)))
                u.append(bh[0][col] + sum(h_prev[s][k] * Wh[k][col] for k in range(H)))
            r = _math_sigmoid(a[0] + u[0])
            z = _math_sigmoid(a[1] + u[1])
            n = math.tanh(a[2] + r * u[2])
            out[s, j] = (1 - z) * n + z * h_prev[s][j]
    return out


def gru_cell_forward_einsum(x_t, h_prev, Wx, Wh, bx, bh):
    a = np.einsum("nd,dg->ng", x_t, Wx) + bx
    u = np.einsum("nk,kg->ng", h_prev, Wh) + bh
    H = h_prev.shape[1]
    rz = _sig(a[:, :2 * H] + u[:, :2 * H])
    r, z = rz[:, :H], rz[:, H:]
    n = np.tanh(a[:, 2 * H:] + r * u[:, 2 * H:])
    return (1 - z) * n + z * h_prev


def _gru(order="rzn", blend="pytorch", reset="after", use_bx=True, use_bh=True, n_sigmoid=False,
         keep_h=True):
    def gru(x_t, h_prev, Wx, Wh, bx, bh):
        blocks = lambda m: dict(zip(order, np.split(m, 3, axis=1)))  # noqa: E731
        wx, wh = blocks(Wx), blocks(Wh)
        bxs, bhs = blocks(bx if use_bx else np.zeros_like(bx)), blocks(bh if use_bh else np.zeros_like(bh))
        sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
        r = sig(x_t @ wx["r"] + bxs["r"] + h_prev @ wh["r"] + bhs["r"])
        z = sig(x_t @ wx["z"] + bxs["z"] + h_prev @ wh["z"] + bhs["z"])
        if reset == "after":
            hn = r * (h_prev @ wh["n"] + bhs["n"])
        elif reset == "before":
            hn = (r * h_prev) @ wh["n"] + bhs["n"]
        else:                                   # bh_n outside the reset
            hn = r * (h_prev @ wh["n"]) + bhs["n"]
        pre = x_t @ wx["n"] + bxs["n"] + hn
        n = sig(pre) if n_sigmoid else np.tanh(pre)
        if blend == "other":
            return z * n + (1 - z) * h_prev
        return (1 - z) * n + (z * h_prev if keep_h else 0)
    return gru


gru_cell_forward_order_zrn = _gru(order="zrn")
gru_cell_forward_order_nzr = _gru(order="nzr")
gru_cell_forward_other_blend = _gru(blend="other")
gru_cell_forward_reset_before_product = _gru(reset="before")
gru_cell_forward_bh_n_outside_reset = _gru(reset="bias outside")
gru_cell_forward_no_biases = _gru(use_bx=False, use_bh=False)
gru_cell_forward_no_bx = _gru(use_bx=False)
gru_cell_forward_no_bh = _gru(use_bh=False)
gru_cell_forward_sigmoid_n = _gru(n_sigmoid=True)
gru_cell_forward_forgets_h_prev = _gru(keep_h=False)


def gru_cell_forward_one_bias(x_t, h_prev, Wx, Wh, bx, bh):
    """bx + bh added once, like an LSTM's single bias: bh_n ends up outside the reset."""
    H = h_prev.shape[1]
    g = x_t @ Wx + bx + bh
    u = h_prev @ Wh
    r, z = _sig(g[:, :H] + u[:, :H]), _sig(g[:, H:2 * H] + u[:, H:2 * H])
    n = np.tanh(g[:, 2 * H:] + r * u[:, 2 * H:])
    return (1 - z) * n + z * h_prev


def gru_cell_forward_in_place(x_t, h_prev, Wx, Wh, bx, bh):
    """Blends into h_prev in place."""
    h_t = gru_cell_forward_einsum(x_t, h_prev, Wx, Wh, bx, bh)
    h_prev[...] = h_t
    return h_prev.copy()


def gru_cell_forward_no_return(x_t, h_prev, Wx, Wh, bx, bh):
    gru_cell_forward_einsum(x_t, h_prev, Wx, Wh, bx, bh)


def gru_cell_forward_float32(x_t, h_prev, Wx, Wh, bx, bh):
    return gru_cell_forward_einsum(x_t, h_prev, Wx, Wh, bx, bh).astype(np.float32)


def gru_cell_forward_raises(x_t, h_prev, Wx, Wh, bx, bh):
    raise NotImplementedError()


RIGHT = {
    "rnn_cell_forward": [rnn_cell_forward_concat, rnn_cell_forward_loops, rnn_cell_forward_einsum],
    "lstm_cell_forward": [lstm_cell_forward_concat, lstm_cell_forward_loops,
                          lstm_cell_forward_per_gate],
    "gru_cell_forward": [gru_cell_forward_slices, gru_cell_forward_loops, gru_cell_forward_einsum],
}

_LSTM_ORDER = r"PyTorch orders the LSTM's gates i, f, g, o"
_GRU_ORDER = r"PyTorch orders the GRU's gates r, z, n"

WRONG = [
    ("rnn_cell_forward", rnn_cell_forward_no_bias, r"You forgot the bias"),
    ("rnn_cell_forward", rnn_cell_forward_bias_outside, r"The bias goes inside the tanh"),
    ("rnn_cell_forward", rnn_cell_forward_sigmoid, r"You used the sigmoid.*uses tanh"),
    ("rnn_cell_forward", rnn_cell_forward_relu, r"You used relu"),
    ("rnn_cell_forward", rnn_cell_forward_linear, r"You forgot the activation"),
    ("rnn_cell_forward", rnn_cell_forward_no_memory, r"h_prev is ignored.*no memory"),
    ("rnn_cell_forward", rnn_cell_forward_swapped, r"Wx and Wh are swapped"),
    ("rnn_cell_forward", rnn_cell_forward_torch_formula, r"Both weights look transposed.*PyTorch's formula"),
    ("rnn_cell_forward", rnn_cell_forward_wx_transposed, r"Wx looks transposed"),
    ("rnn_cell_forward", rnn_cell_forward_wh_transposed, r"Wh looks transposed"),
    ("rnn_cell_forward", rnn_cell_forward_elementwise, r"Two arrays with incompatible shapes"),
    ("rnn_cell_forward", rnn_cell_forward_in_place, r"changed its input `h_prev` in place"),
    ("rnn_cell_forward", rnn_cell_forward_no_return, r"is None\. Did you forget the `return`"),
    ("rnn_cell_forward", rnn_cell_forward_list, r"is a Python list, not a NumPy array"),
    ("rnn_cell_forward", rnn_cell_forward_float32, r"dtype float32; the course works in float64"),

    ("lstm_cell_forward", lstm_cell_forward_order_ifog,
     r"you read the columns as i, f, o, g \(the order of CS231n's.*" + _LSTM_ORDER),
    ("lstm_cell_forward", lstm_cell_forward_order_figo,
     r"you read the columns as f, i, g, o\. " + _LSTM_ORDER),
    ("lstm_cell_forward", lstm_cell_forward_order_igfo,
     r"i, g, f, o \(TensorFlow 1's.*" + _LSTM_ORDER),
    ("lstm_cell_forward", lstm_cell_forward_order_iofg, r"i, o, f, g \(ONNX's.*" + _LSTM_ORDER),
    ("lstm_cell_forward", lstm_cell_forward_order_ogif, r"o, g, i, f\. " + _LSTM_ORDER),
    ("lstm_cell_forward", lstm_cell_forward_h_without_tanh, r"h_t is missing its tanh"),
    ("lstm_cell_forward", lstm_cell_forward_sigmoid_g, r"The candidate g uses tanh"),
    ("lstm_cell_forward", lstm_cell_forward_no_forget_gate, r"You forgot the forget gate"),
    ("lstm_cell_forward", lstm_cell_forward_no_input_gate, r"You forgot the input gate"),
    ("lstm_cell_forward", lstm_cell_forward_no_bias, r"You forgot the bias"),
    ("lstm_cell_forward", lstm_cell_forward_h_from_c_prev, r"h_t must use the NEW cell state"),
    ("lstm_cell_forward", lstm_cell_forward_returns_c_h,
     r"(?s)The new hidden state h_t \(the first item\) has the wrong values.*"
     r"You returned \(c_t, h_t\): the order is \(h_t, c_t\)"),
    ("lstm_cell_forward", lstm_cell_forward_returns_h_only,
     r"(?s)returned one array.*the pair \(h_t, c_t\).*You returned h_t only"),
    ("lstm_cell_forward", lstm_cell_forward_with_gates,
     r"should return two arrays, the pair \(h_t, c_t\), but it returned a tuple"),
    ("lstm_cell_forward", lstm_cell_forward_in_place, r"changed its input `c_prev` in place"),
    ("lstm_cell_forward", lstm_cell_forward_no_return, r"returned None\. Did you forget the line "
                                                       r"`return h_t, c_t`"),
    ("lstm_cell_forward", lstm_cell_forward_lists,
     r"the new hidden state h_t \(the first item\) is a Python list"),
    ("lstm_cell_forward", lstm_cell_forward_float32,
     r"the new hidden state h_t \(the first item\) has dtype float32"),

    ("gru_cell_forward", gru_cell_forward_order_zrn,
     r"you read the columns as z, r, n \(Keras's order.*" + _GRU_ORDER),
    ("gru_cell_forward", gru_cell_forward_order_nzr, r"n, z, r\. " + _GRU_ORDER),
    ("gru_cell_forward", gru_cell_forward_other_blend,
     r"the other convention.*PyTorch.*h_t = \(1 - z\) \* n \+ z \* h_prev"),
    ("gru_cell_forward", gru_cell_forward_reset_before_product,
     r"reset gate before the matrix product.*reset_after=False"),
    ("gru_cell_forward", gru_cell_forward_bh_n_outside_reset, r"bh_n belongs inside the reset"),
    ("gru_cell_forward", gru_cell_forward_one_bias, r"bh_n belongs inside the reset"),
    ("gru_cell_forward", gru_cell_forward_no_biases, r"You forgot the biases bx and bh"),
    ("gru_cell_forward", gru_cell_forward_no_bx, r"You forgot the input bias bx"),
    ("gru_cell_forward", gru_cell_forward_no_bh, r"You forgot the hidden bias bh"),
    ("gru_cell_forward", gru_cell_forward_sigmoid_n, r"The candidate n uses tanh"),
    ("gru_cell_forward", gru_cell_forward_forgets_h_prev, r"h_t must keep part of the old state"),
    ("gru_cell_forward", gru_cell_forward_in_place, r"changed its input `h_prev` in place"),
    ("gru_cell_forward", gru_cell_forward_no_return, r"is None\. Did you forget the `return`"),
    ("gru_cell_forward", gru_cell_forward_float32, r"dtype float32; the course works in float64"),
    ("gru_cell_forward", gru_cell_forward_raises, r"has not been written yet"),
]
