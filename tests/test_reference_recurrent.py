"""The lesson 06b references agree with PyTorch's cells (float64, to 1e-10), unrolled they agree
with PyTorch's whole-sequence layers, and they leave their inputs alone; the generated series and
the lesson's figures work.

PyTorch is an independent implementation of every cell here and is imported by this test module
only. The weights are copied as the lesson teaches: ``Wx = weight_ih.T``, ``Wh = weight_hh.T``,
``b = bias_ih + bias_hh`` (RNN, LSTM) or ``bx = bias_ih``, ``bh = bias_hh`` (GRU).
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from torch import nn

from dlcourse.reference import gru_cell_forward, lstm_cell_forward, rnn_cell_forward

pytestmark = pytest.mark.filterwarnings("error")

TOL = 1e-10
SEEDS = [0, 1, 2]
#: (n, d_in, H): batch > 1, d_in != H, one sample, one input feature, a wide state
SHAPES = [(4, 3, 5), (2, 7, 3), (1, 1, 4), (6, 2, 16)]


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().numpy()


def _weights(cell, suffix: str = "") -> tuple[np.ndarray, ...]:
    """Wx, Wh, bias_ih, bias_hh of a PyTorch cell (or layer, with suffix "_l0"), course layout."""
    return (_np(getattr(cell, f"weight_ih{suffix}")).T, _np(getattr(cell, f"weight_hh{suffix}")).T,
            _np(getattr(cell, f"bias_ih{suffix}")).reshape(1, -1),
            _np(getattr(cell, f"bias_hh{suffix}")).reshape(1, -1))


def _cell(kind, d_in: int, H: int, seed: int):
    """A float64 PyTorch cell with its default initialisation, biases made larger (so a bias
    mistake in the formula would show)."""
    torch.manual_seed(seed)
    cell = kind(d_in, H).double()
    with torch.no_grad():
        cell.bias_ih.normal_(0.0, 0.5)
        cell.bias_hh.normal_(0.0, 0.5)
    return cell


def _inputs(seed: int, n: int, d_in: int, H: int) -> tuple[torch.Tensor, ...]:
    g = torch.Generator().manual_seed(1000 + seed)
    return (torch.randn(n, d_in, generator=g, dtype=torch.float64),
            torch.rand(n, H, generator=g, dtype=torch.float64) * 1.8 - 0.9,
            torch.randn(n, H, generator=g, dtype=torch.float64) * 1.5)


# --------------------------------------------------------------------------------------------
# One step against PyTorch's cells
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, d_in, H", SHAPES, ids=str)
def test_rnn_cell_forward_is_torch_rnncell(seed, n, d_in, H):
    cell = _cell(nn.RNNCell, d_in, H, seed)
    x, h, _ = _inputs(seed, n, d_in, H)
    Wx, Wh, b_ih, b_hh = _weights(cell)
    got = rnn_cell_forward(_np(x), _np(h), Wx, Wh, b_ih + b_hh)
    assert got.shape == (n, H) and got.dtype == np.float64
    assert np.abs(got - _np(cell(x, h))).max() < TOL


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, d_in, H", SHAPES, ids=str)
def test_lstm_cell_forward_is_torch_lstmcell(seed, n, d_in, H):
    cell = _cell(nn.LSTMCell, d_in, H, seed)
    x, h, c = _inputs(seed, n, d_in, H)
    Wx, Wh, b_ih, b_hh = _weights(cell)
    h_t, c_t = lstm_cell_forward(_np(x), _np(h), _np(c), Wx, Wh, b_ih + b_hh)
    h_torch, c_torch = cell(x, (h, c))
    assert h_t.shape == c_t.shape == (n, H)
    assert np.abs(h_t - _np(h_torch)).max() < TOL
    assert np.abs(c_t - _np(c_torch)).max() < TOL


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, d_in, H", SHAPES, ids=str)
def test_gru_cell_forward_is_torch_grucell(seed, n, d_in, H):
    cell = _cell(nn.GRUCell, d_in, H, seed)
    x, h, _ = _inputs(seed, n, d_in, H)
    Wx, Wh, b_ih, b_hh = _weights(cell)
    got = gru_cell_forward(_np(x), _np(h), Wx, Wh, b_ih, b_hh)
    assert got.shape == (n, H)
    assert np.abs(got - _np(cell(x, h))).max() < TOL


def test_the_gate_blocks_are_pytorchs():
    """Open one gate at a time through its bias block: the blocks are [i|f|g|o] and [r|z|n]."""
    n, d_in, H = 2, 3, 4
    x, h, c = (np.random.default_rng(5).normal(size=s) for s in ((n, d_in), (n, H), (n, H)))
    zeros = np.zeros
    # LSTM with zero weights: gates are sigmoid(b), the candidate tanh(b)
    b = zeros((1, 4 * H))
    b[:, H:2 * H] = 50.0                          # forget gate fully open, input gate 0.5
    b[:, 2 * H:3 * H] = -50.0                     # candidate -1
    h_t, c_t = lstm_cell_forward(x, h, c, zeros((d_in, 4 * H)), zeros((H, 4 * H)), b)
    np.testing.assert_allclose(c_t, c - 0.5, atol=1e-12)
    np.testing.assert_allclose(h_t, 0.5 * np.tanh(c - 0.5), atol=1e-12)
    # GRU: update gate fully open keeps h_prev whatever the rest
    bh = zeros((1, 3 * H))
    bh[:, H:2 * H] = 50.0
    rng = np.random.default_rng(6)
    got = gru_cell_forward(x, h, rng.normal(size=(d_in, 3 * H)), rng.normal(size=(H, 3 * H)),
                           zeros((1, 3 * H)), bh)
    np.testing.assert_allclose(got, h, atol=1e-12)


# --------------------------------------------------------------------------------------------
# Unrolled over a sequence: the cell in a loop is PyTorch's layer
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_the_cell_in_a_loop_is_torchs_layer(kind):
    n, T, d_in, H = 3, 7, 2, 5
    torch.manual_seed(11)
    layer = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind](d_in, H, batch_first=True).double()
    X = torch.randn(n, T, d_in, dtype=torch.float64)
    with torch.no_grad():
        expected, _ = layer(X)
    Wx, Wh, b_ih, b_hh = _weights(layer, "_l0")
    h, c = np.zeros((n, H)), np.zeros((n, H))
    outputs = []
    for t in range(T):
        x_t = _np(X[:, t])
        if kind == "rnn":
            h = rnn_cell_forward(x_t, h, Wx, Wh, b_ih + b_hh)
        elif kind == "lstm":
            h, c = lstm_cell_forward(x_t, h, c, Wx, Wh, b_ih + b_hh)
        else:
            h = gru_cell_forward(x_t, h, Wx, Wh, b_ih, b_hh)
        outputs.append(h)
    assert np.abs(np.stack(outputs, axis=1) - _np(expected)).max() < TOL


def test_the_references_leave_their_inputs_alone():
    rng = np.random.default_rng(3)
    n, d_in, H = 2, 3, 4
    x, h, c = rng.normal(size=(n, d_in)), rng.normal(size=(n, H)), rng.normal(size=(n, H))
    calls = [(rnn_cell_forward, (x, h, rng.normal(size=(d_in, H)), rng.normal(size=(H, H)),
                                 rng.normal(size=(1, H)))),
             (lstm_cell_forward, (x, h, c, rng.normal(size=(d_in, 4 * H)),
                                  rng.normal(size=(H, 4 * H)), rng.normal(size=(1, 4 * H)))),
             (gru_cell_forward, (x, h, rng.normal(size=(d_in, 3 * H)), rng.normal(size=(H, 3 * H)),
                                 rng.normal(size=(1, 3 * H)), rng.normal(size=(1, 3 * H))))]
    for fn, args in calls:
        before = copy.deepcopy(args)
        fn(*args)
        for a, b in zip(args, before):
            np.testing.assert_array_equal(a, b)


def test_the_references_are_finite_for_huge_preactivations():
    n, d_in, H = 2, 2, 3
    x = np.array([[1e3, -1e3], [-1e3, 1e3]])
    h = np.full((n, H), 0.5)
    rng = np.random.default_rng(4)
    h_t, c_t = lstm_cell_forward(x, h, h, rng.normal(size=(d_in, 4 * H)),
                                 rng.normal(size=(H, 4 * H)), np.zeros((1, 4 * H)))
    g = gru_cell_forward(x, h, rng.normal(size=(d_in, 3 * H)), rng.normal(size=(H, 3 * H)),
                         np.zeros((1, 3 * H)), np.zeros((1, 3 * H)))
    assert np.isfinite(h_t).all() and np.isfinite(c_t).all() and np.isfinite(g).all()


# --------------------------------------------------------------------------------------------
# The generated series
# --------------------------------------------------------------------------------------------

def test_the_series_is_seeded_and_a_noisy_sum_of_sines():
    from dlcourse.data.series import make_windows, sine_series

    t, x = sine_series(500)
    assert t.shape == x.shape == (500,) and x.dtype == np.float64
    np.testing.assert_array_equal(x, sine_series(500)[1])
    assert not np.array_equal(x, sine_series(500, seed=1)[1])
    _, clean = sine_series(500, noise=0.0)
    residual = x - clean
    assert 0.08 < residual.std() < 0.12                       # the noise level, 0.1
    # without noise, a sum of two sines satisfies a linear recurrence of order 4 exactly
    X, y = make_windows(clean, 4)
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    assert np.abs(X @ coef - y).max() < 1e-8


def test_make_windows_cuts_every_pair():
    from dlcourse.data.series import make_windows

    series = np.arange(10.0)
    X, y = make_windows(series, 3, 2)
    assert X.shape == (6, 3) and y.shape == (6, 2)
    np.testing.assert_array_equal(X[0], [0, 1, 2])
    np.testing.assert_array_equal(y[0], [3, 4])
    np.testing.assert_array_equal(X[-1], [5, 6, 7])
    np.testing.assert_array_equal(y[-1], [8, 9])
    X[0, 0] = 99.0
    assert series[0] == 0.0                                   # copies, not views
    with pytest.raises(ValueError):
        make_windows(series, 9, 2)
    with pytest.raises(ValueError):
        make_windows(series.reshape(2, 5), 2)


def test_the_forecasting_split_keeps_the_future_out_of_training():
    from dlcourse.data.series import forecasting_split

    d = forecasting_split()
    assert d.X_train.shape == (767, 24) and d.y_train.shape == (767, 10)
    assert d.X_test.shape == (191, 24) and d.y_test.shape == (191, 10)
    # every training target lies before step 800, every test target from step 800 on
    first_train_target = np.arange(len(d.X_train)) + d.window
    assert (first_train_target + d.horizon - 1).max() < d.train_steps
    assert d.t_test.min() == d.train_steps
    for k in (0, 57, len(d.t_test) - 1):
        s = d.t_test[k]
        np.testing.assert_array_equal(d.X_test[k], d.x[s - d.window:s])
        np.testing.assert_array_equal(d.y_test[k], d.x[s:s + d.horizon])


# --------------------------------------------------------------------------------------------
# The figures of the lesson
# --------------------------------------------------------------------------------------------

def test_the_figures_run_headless():
    import matplotlib

    matplotlib.use("Agg")
    from dlcourse.data.series import forecasting_split
    from dlcourse.plots.recurrent import (geometric_mean, plot_forecast, plot_forecasts_ahead,
                                          plot_gate_blocks, plot_gradient_lags, plot_series,
                                          plot_unrolled)

    d = forecasting_split()
    assert plot_unrolled(4).axes
    for kind in ("rnn", "lstm", "gru"):
        assert plot_gate_blocks(kind).axes
    with pytest.raises(ValueError):
        plot_gate_blocks("transformer")
    assert len(plot_series(d.t, d.x, train_steps=800, window=24, horizon=10).axes) == 2
    assert len(plot_series(d.t, d.x).axes) == 1
    assert plot_forecast(d.t_test, d.y_test[:, 0], {"naive": d.X_test[:, -1]}).axes
    starts = [int(d.t_test[0]), int(d.t_test[50])]
    assert plot_forecasts_ahead(d.t, d.x, starts, [d.y_test[0], d.y_test[50]], 24).axes
    norms = {"a": np.exp(-np.arange(10.0))[None].repeat(3, 0), "b": np.ones(10)}
    assert plot_gradient_lags(norms).axes[0].get_yscale() == "log"
    np.testing.assert_allclose(geometric_mean([[1.0, 100.0], [100.0, 1.0]]), [10.0, 10.0])
