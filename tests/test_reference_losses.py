"""The lesson 03 references agree with PyTorch (float64), give the handout's numbers, stay finite
where the textbook formulas give inf or nan, and leave their inputs alone.

PyTorch is an independent implementation of every loss here and is imported by this test module
only. Values must agree to 1e-10 (relative); warnings are errors, so a reference that overflows,
divides by zero or takes log(0) fails.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlcourse.reference import (binary_cross_entropy, categorical_cross_entropy, mse, one_hot,
                                softmax, softmax_cross_entropy)
from dlcourse.reference.losses import EPS, bce_with_logits, log_softmax, uniform_guess_loss

pytestmark = pytest.mark.filterwarnings("error")

TOL = dict(rel=1e-10, abs=1e-12)
SEEDS = [0, 1, 2]


def _t(a) -> torch.Tensor:
    return torch.tensor(np.asarray(a), dtype=torch.float64)


def _data(seed: int, *shape: int, scale: float = 1.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, scale, size=shape)


def _probabilities(seed: int, *shape: int) -> np.ndarray:
    """Strictly inside (0, 1), away from the clipping: sigmoid of normals."""
    return 1.0 / (1.0 + np.exp(-_data(seed, *shape, scale=3.0)))


def _labels(seed: int, n: int, k: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, k, size=n)


# --------------------------------------------------------------------------------------------
# Against PyTorch
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(7,), (6, 1), (5, 3)], ids=str)
def test_mse_agrees_with_torch_mse_loss(seed, shape):
    y_true, y_pred = _data(seed, *shape, scale=2.0), _data(seed + 10, *shape)
    got = mse(y_true, y_pred)
    assert isinstance(got, float)
    assert got == pytest.approx(F.mse_loss(_t(y_pred), _t(y_true)).item(), **TOL)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(9,), (8, 1), (4, 3)], ids=str)
def test_binary_cross_entropy_agrees_with_torch_inside_0_1(seed, shape):
    y_true = (np.random.default_rng(seed).random(shape) < 0.5).astype(float)
    y_prob = _probabilities(seed + 20, *shape)
    assert EPS < y_prob.min() and y_prob.max() < 1 - EPS
    got = binary_cross_entropy(y_true, y_prob)
    assert isinstance(got, float)
    assert got == pytest.approx(F.binary_cross_entropy(_t(y_prob), _t(y_true)).item(), **TOL)
    # soft targets too: the formula does not need the labels to be 0 or 1
    soft = np.random.default_rng(seed + 30).random(shape)
    assert binary_cross_entropy(soft, y_prob) == pytest.approx(
        F.binary_cross_entropy(_t(y_prob), _t(soft)).item(), **TOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_binary_cross_entropy_is_the_cross_entropy_of_a_sigmoid(seed):
    z = _data(seed, 10, 1, scale=4.0)
    y = (np.random.default_rng(seed + 1).random((10, 1)) < 0.5).astype(float)
    expected = F.binary_cross_entropy_with_logits(_t(z), _t(y)).item()
    assert binary_cross_entropy(y, 1.0 / (1.0 + np.exp(-z))) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_one_hot_agrees_with_torch_one_hot(seed):
    labels = _labels(seed, 12, 5)
    expected = F.one_hot(torch.tensor(labels), num_classes=5).numpy()
    for given in (labels, labels.reshape(-1, 1), labels.astype(np.int32), labels.tolist()):
        got = one_hot(given, 5)
        assert got.dtype == np.float64 and got.shape == (12, 5)
        np.testing.assert_array_equal(got, expected)
    assert one_hot(np.array([1, 0, 1]), 4).shape == (3, 4)     # class 3 never appears


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, k", [(6, 3), (20, 10), (1, 4), (5, 2)])
def test_categorical_cross_entropy_agrees_with_torch_nll_loss(seed, n, k):
    probs = softmax(_data(seed, n, k, scale=2.0))
    labels = _labels(seed + 5, n, k)
    expected = F.nll_loss(torch.log(_t(probs)), torch.tensor(labels)).item()
    assert categorical_cross_entropy(one_hot(labels, k), probs) == pytest.approx(expected, **TOL)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, k, scale", [(6, 3, 1.0), (30, 10, 5.0), (1, 4, 2.0), (8, 2, 50.0)])
def test_softmax_cross_entropy_agrees_with_torch_cross_entropy(seed, n, k, scale):
    logits = _data(seed, n, k, scale=scale)
    labels = _labels(seed + 7, n, k)
    expected = F.cross_entropy(_t(logits), torch.tensor(labels)).item()
    got = softmax_cross_entropy(logits, labels)
    assert isinstance(got, float)
    assert got == pytest.approx(expected, **TOL)
    assert softmax_cross_entropy(logits, labels.reshape(-1, 1)) == got
    np.testing.assert_allclose(log_softmax(logits), F.log_softmax(_t(logits), dim=1).numpy(),
                               rtol=1e-12, atol=1e-12)


def test_softmax_cross_entropy_agrees_with_torch_at_large_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 999.0], [-1000.0, -1001.0, -1002.0],
                       [-1000.0, -1000.0, -1000.0]])
    for labels in ([0, 2, 1, 1], [2, 2, 0, 0]):
        expected = F.cross_entropy(_t(logits), torch.tensor(labels)).item()
        assert softmax_cross_entropy(logits, np.array(labels)) == pytest.approx(expected, **TOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_cross_entropy_is_categorical_cross_entropy_of_the_softmax(seed):
    logits, labels = _data(seed, 9, 4, scale=2.0), _labels(seed, 9, 4)
    assert softmax_cross_entropy(logits, labels) == pytest.approx(
        categorical_cross_entropy(one_hot(labels, 4), softmax(logits)), **TOL)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape, scale", [((9,), 1.0), ((8, 1), 5.0), ((4, 3), 3.0), ((6, 1), 300.0)],
                         ids=str)
def test_bce_with_logits_agrees_with_torch_binary_cross_entropy_with_logits(seed, shape, scale):
    y = (np.random.default_rng(seed).random(shape) < 0.5).astype(float)
    z = _data(seed + 40, *shape, scale=scale)
    got = bce_with_logits(y, z)
    assert isinstance(got, float)
    # the mean over all y.size entries, like binary_cross_entropy
    assert got == pytest.approx(F.binary_cross_entropy_with_logits(_t(z), _t(y)).item(), **TOL)
    if scale < 10:     # away from saturation it is binary_cross_entropy of the sigmoid
        assert got == pytest.approx(binary_cross_entropy(y, 1.0 / (1.0 + np.exp(-z))), rel=1e-9)


def test_bce_with_logits_is_exact_where_sigmoid_then_clipping_is_not():
    y, z = np.array([[1.0], [0.0], [1.0]]), np.array([[-40.0], [40.0], [2.0]])
    expected = F.binary_cross_entropy_with_logits(_t(z), _t(y)).item()
    assert bce_with_logits(y, z) == pytest.approx(expected, **TOL)
    assert round(bce_with_logits(y, z), 2) == 26.71                # the lesson's numbers
    assert round(binary_cross_entropy(y, 1.0 / (1.0 + np.exp(-z))), 2) == 18.46
    big = (np.array([[1.0], [0.0], [1.0], [0.0]]), np.array([[1000.0], [-1000.0], [-1000.0], [1000.0]]))
    assert bce_with_logits(*big) == 500.0
    assert bce_with_logits(*big) == pytest.approx(
        F.binary_cross_entropy_with_logits(_t(big[1]), _t(big[0])).item(), **TOL)
    assert bce_with_logits(1, 0) == pytest.approx(np.log(2.0), rel=1e-15)


def test_uniform_guess_loss_is_the_loss_of_equal_logits():
    labels = _labels(0, 6, 10)
    for logits in (np.zeros((6, 10)), np.full((6, 10), -1000.0), np.full((6, 10), 3.7)):
        assert softmax_cross_entropy(logits, labels) == pytest.approx(uniform_guess_loss(), **TOL)
        assert F.cross_entropy(_t(logits), torch.tensor(labels)).item() == \
            pytest.approx(uniform_guess_loss(), **TOL)
    assert round(uniform_guess_loss(), 4) == 2.3026


# --------------------------------------------------------------------------------------------
# The handout's numbers and small worked examples
# --------------------------------------------------------------------------------------------

XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])
XOR_OUTPUT = np.array([[0.01], [0.98], [0.98], [0.02]])   # what the handout's XOR program prints


def test_the_handout_xor_predictions():
    assert mse(XOR_Y, XOR_OUTPUT) == pytest.approx(0.000325, rel=1e-12)
    expected = -(np.log(0.99) + 2 * np.log(0.98) + np.log(0.98)) / 4
    assert binary_cross_entropy(XOR_Y, XOR_OUTPUT) == pytest.approx(expected, rel=1e-12)
    assert round(binary_cross_entropy(XOR_Y, XOR_OUTPUT), 5) == 0.01766


def test_worked_examples_of_the_lesson():
    assert mse(3.0, 2.5) == 0.25 and mse(2, 5) == 9.0
    assert binary_cross_entropy(1, 0.9) == pytest.approx(-np.log(0.9), rel=1e-14)
    assert categorical_cross_entropy(np.array([[1.0, 0.0, 0.0]]), np.array([[0.7, 0.2, 0.1]])) == \
        pytest.approx(-np.log(0.7), rel=1e-14)
    assert softmax_cross_entropy(np.array([[2.0, 1.0, 0.1]]), np.array([0])) == \
        pytest.approx(0.41703, abs=1e-5)
    assert softmax_cross_entropy(np.array([2.0, 1.0, 0.1]), 0) == \
        softmax_cross_entropy(np.array([[2.0, 1.0, 0.1]]), np.array([0]))
    assert softmax_cross_entropy(np.full((1, 3), -1000.0), np.array([1])) == pytest.approx(np.log(3))
    np.testing.assert_array_equal(one_hot(np.array([0, 2, 1, 2]), 3),
                                  [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]])


# --------------------------------------------------------------------------------------------
# Finite where the textbook formulas are not
# --------------------------------------------------------------------------------------------

def _naive_bce(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def test_binary_cross_entropy_is_finite_at_0_and_1_where_the_formula_is_not():
    y, p = np.array([1.0, 0.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.0, 1.0])
    with np.errstate(all="ignore"):
        assert np.isnan(_naive_bce(y, p))
        assert np.isinf(_naive_bce(y[2:], p[2:]))
    loss = binary_cross_entropy(y, p)
    assert np.isfinite(loss)
    # right and certain costs almost 0; wrong and certain costs about -log(eps) each
    assert loss == pytest.approx(-np.log(EPS) / 2, rel=1e-5)
    assert binary_cross_entropy(1, 0) == pytest.approx(-np.log(EPS), rel=1e-5)
    assert binary_cross_entropy(0, 0) == pytest.approx(0.0, abs=1e-11)
    # the eps argument is the clipping, and a larger one changes the loss of confident mistakes
    assert binary_cross_entropy(1, 0, eps=1e-7) == pytest.approx(-np.log(1e-7), rel=1e-12)
    assert binary_cross_entropy(np.array([1.0]), np.array([1e-9])) == pytest.approx(-np.log(1e-9))


def test_categorical_cross_entropy_is_finite_with_zero_probabilities():
    y = one_hot(np.array([0, 1]), 3)
    probs = np.array([[0.0, 0.5, 0.5], [0.2, 0.8, 0.0]])
    with np.errstate(all="ignore"):
        assert np.isnan(-np.mean(np.sum(y * np.log(probs), axis=1)))   # 0 * log(0) = nan
    loss = categorical_cross_entropy(y, probs)
    assert loss == pytest.approx((-np.log(EPS) - np.log(0.8)) / 2, rel=1e-12)


def test_softmax_cross_entropy_is_finite_at_large_logits_where_naive_is_not():
    logits = np.array([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 999.0]])
    labels = np.array([2, 2])
    with np.errstate(all="ignore"):
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        assert not np.isfinite(-np.mean(np.log(p[[0, 1], labels])))
        stable_p = softmax(logits)
        assert np.isinf(-np.mean(np.log(stable_p[[0, 1], labels])))     # log of an underflow
    loss = softmax_cross_entropy(logits, labels)
    assert loss == pytest.approx((2000.0 + 1.0 + np.log1p(np.exp(-1.0))) / 2, rel=1e-12)


# --------------------------------------------------------------------------------------------
# Conventions: one float, same shapes, inputs untouched
# --------------------------------------------------------------------------------------------

def test_losses_refuse_shapes_that_would_broadcast():
    with pytest.raises(ValueError, match="same shape"):
        mse(np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(ValueError, match="same shape"):
        binary_cross_entropy(np.zeros(4), np.full((4, 1), 0.5))
    with pytest.raises(ValueError, match="labels must lie in"):
        one_hot(np.array([0, 3]), 3)
    with pytest.raises(ValueError, match="labels"):
        softmax_cross_entropy(np.zeros((3, 2)), np.array([0, 1]))


def test_the_losses_leave_their_inputs_alone():
    y, p = np.array([[1.0], [0.0], [1.0]]), np.array([[1.0], [0.0], [0.3]])
    logits, labels = np.array([[1000.0, -1000.0], [3.0, 1.0]]), np.array([[1], [0]])
    calls = [(mse, (y, p)), (binary_cross_entropy, (y, p)), (one_hot, (labels, 2)),
             (categorical_cross_entropy, (one_hot(labels, 2), np.array([[0.0, 1.0], [0.4, 0.6]]))),
             (softmax_cross_entropy, (logits, labels)), (bce_with_logits, (y, np.array([[1000.0], [-1000.0], [3.0]])))]
    for fn, args in calls:
        before = copy.deepcopy(args)
        fn(*args)
        for a, b in zip(args, before):
            np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------------------------
# The figures of the lesson
# --------------------------------------------------------------------------------------------

def test_the_gradients_behind_why_cross_entropy():
    from dlcourse.plots.losses import bce_gradient_z, mse_gradient_z

    z = _data(3, 25, scale=4.0)
    p = 1.0 / (1.0 + np.exp(-z))
    for y in (0.0, 1.0):
        zt = torch.tensor(z, requires_grad=True)
        F.binary_cross_entropy(torch.sigmoid(zt), torch.full_like(zt, y), reduction="sum").backward()
        np.testing.assert_allclose(bce_gradient_z(p, y), zt.grad.numpy(), rtol=1e-9, atol=1e-12)
        zt = torch.tensor(z, requires_grad=True)
        ((torch.sigmoid(zt) - y) ** 2).sum().backward()
        np.testing.assert_allclose(mse_gradient_z(p, y), zt.grad.numpy(), rtol=1e-9, atol=1e-12)
    # confidently wrong (p -> 0 for a label 1): MSE's push vanishes, cross-entropy's does not
    assert abs(mse_gradient_z(1e-4)) < 1e-3 and bce_gradient_z(1e-4) == pytest.approx(-1.0, abs=1e-3)


def test_the_figures_run_headless_and_survive_a_stub():
    import matplotlib

    matplotlib.use("Agg")
    from dlcourse.plots.losses import (edge_table, plot_bce_vs_mse, plot_naive_vs_stable_bce,
                                       plot_softmax_cross_entropy)

    def stub(*args, **kwargs):
        raise NotImplementedError()

    assert len(plot_bce_vs_mse().axes) == 2
    assert len(plot_bce_vs_mse(stub, stub).axes) == 2
    assert len(plot_naive_vs_stable_bce().axes) == 2
    assert len(plot_naive_vs_stable_bce(stub).axes) == 2
    assert len(plot_softmax_cross_entropy([2.0, 1.0, 0.1], 0).axes) == 2
    rows = edge_table()
    assert [np.isfinite(naive) for *_, naive, _ in rows] == [False] * 4
    assert all(np.isfinite(stable) for *_, stable in rows)
