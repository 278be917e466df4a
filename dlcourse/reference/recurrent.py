"""Lesson 06b references: one time step of an RNN, an LSTM and a GRU cell.

The course's convention (rows are samples, ``X @ W + b``) with PyTorch's gate order, so that
``Wx = cell.weight_ih.T``, ``Wh = cell.weight_hh.T`` reproduce ``torch.nn.RNNCell`` / ``LSTMCell``
/ ``GRUCell``. The gates are blocks of H columns, in PyTorch's order:

- LSTM: ``[i | f | g | o]`` (input gate, forget gate, candidate cell, output gate);
- GRU: ``[r | z | n]`` (reset gate, update gate, candidate state).
"""
from __future__ import annotations

import numpy as np


def _sigmoid(z):
    # stable for any float64: exp of a non-positive number only
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _f(a):
    return np.asarray(a, dtype=np.float64)


def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    """``h_t = tanh(x_t @ Wx + h_prev @ Wh + b)``.

    x_t: (n, d_in); h_prev: (n, H); Wx: (d_in, H); Wh: (H, H); b: (1, H) -> h_t: (n, H).
    (PyTorch's RNNCell has two biases; b is their sum.)
    """
    return np.tanh(_f(x_t) @ _f(Wx) + _f(h_prev) @ _f(Wh) + _f(b))


def lstm_cell_forward(x_t, h_prev, c_prev, Wx, Wh, b):
    """One LSTM step, PyTorch's gate order ``[i | f | g | o]``.

    x_t: (n, d_in); h_prev, c_prev: (n, H); Wx: (d_in, 4H); Wh: (H, 4H); b: (1, 4H).
    ``i, f, o = sigmoid(...)``, ``g = tanh(...)``, ``c_t = f * c_prev + i * g``,
    ``h_t = o * tanh(c_t)``. Returns ``(h_t, c_t)``, both (n, H).
    """
    z = _f(x_t) @ _f(Wx) + _f(h_prev) @ _f(Wh) + _f(b)
    i, f, g, o = np.split(z, 4, axis=1)
    c_t = _sigmoid(f) * _f(c_prev) + _sigmoid(i) * np.tanh(g)
    h_t = _sigmoid(o) * np.tanh(c_t)
    return h_t, c_t


def gru_cell_forward(x_t, h_prev, Wx, Wh, bx, bh):
    """One GRU step, PyTorch's gate order ``[r | z | n]`` and formulas.

    x_t: (n, d_in); h_prev: (n, H); Wx: (d_in, 3H); Wh: (H, 3H); bx, bh: (1, 3H) (PyTorch's
    ``bias_ih`` and ``bias_hh``). With ``a = x_t @ Wx + bx`` and ``u = h_prev @ Wh + bh`` split into
    [r | z | n] blocks: ``r = sigmoid(a_r + u_r)``, ``z = sigmoid(a_z + u_z)``,
    ``n = tanh(a_n + r * u_n)``, ``h_t = (1 - z) * n + z * h_prev``. Returns h_t: (n, H).
    """
    h_prev = _f(h_prev)
    a_r, a_z, a_n = np.split(_f(x_t) @ _f(Wx) + _f(bx), 3, axis=1)
    u_r, u_z, u_n = np.split(h_prev @ _f(Wh) + _f(bh), 3, axis=1)
    r = _sigmoid(a_r + u_r)
    z = _sigmoid(a_z + u_z)
    n = np.tanh(a_n + r * u_n)
    return (1.0 - z) * n + z * h_prev
