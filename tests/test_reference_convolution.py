"""The lesson 06a references agree with independent implementations, in float64:

- ``rbf_features`` with scikit-learn's ``sklearn.metrics.pairwise.rbf_kernel`` (the same gamma
  convention, exp(-gamma * ||x - c||^2));
- ``conv2d`` with ``torch.nn.functional.conv2d`` (a cross-correlation, no bias) on several images,
  input and output channels, strides, paddings, non-square images and kernels;
- ``max_pool2d`` with ``torch.nn.functional.max_pool2d(x, size)`` (stride = size, leftovers
  dropped).

Values must agree to 1e-10; warnings are errors. torch and scikit-learn are imported by this test
module only.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics.pairwise import rbf_kernel

from dlcourse.reference import conv2d, max_pool2d, rbf_features

pytestmark = pytest.mark.filterwarnings("error")

TOL = dict(rtol=1e-10, atol=1e-10)


def _data(seed: int, *shape: int, scale: float = 1.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, scale, size=shape)


def _torch(a: np.ndarray) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64)


# --------------------------------------------------------------------------------------------
# rbf_features
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n, k, d, gamma", [(7, 3, 2, 0.5), (12, 5, 4, 0.1), (1, 6, 3, 2.0),
                                            (9, 1, 1, 1.3), (30, 10, 8, 0.02)])
def test_rbf_features_agrees_with_sklearn_rbf_kernel(seed, n, k, d, gamma):
    X, centers = _data(seed, n, d), _data(seed + 100, k, d, scale=1.5)
    got = rbf_features(X, centers, gamma)
    assert got.shape == (n, k) and got.dtype == np.float64
    np.testing.assert_allclose(got, rbf_kernel(X, centers, gamma=gamma), **TOL)


def test_rbf_features_of_the_xor_network():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    centers = np.array([[0.0, 0.0], [1.0, 1.0]])
    e1, e2 = np.exp(-1.0), np.exp(-2.0)
    expected = np.array([[1.0, e2], [e1, e1], [e1, e1], [e2, 1.0]])
    np.testing.assert_allclose(rbf_features(X, centers, 1.0), expected, **TOL)


def test_rbf_features_lie_in_0_1_and_equal_1_at_a_centre():
    X = _data(3, 10, 3)
    Phi = rbf_features(X, X[[4, 1]], 0.7)
    assert np.all((Phi > 0) & (Phi <= 1))
    assert Phi[4, 0] == 1.0 and Phi[1, 1] == 1.0


def test_rbf_features_underflow_quietly_to_zero():
    Phi = rbf_features(_data(4, 3, 2, scale=50.0), _data(5, 2, 2), 10.0)
    assert np.all(np.isfinite(Phi)) and Phi.max() < 1e-100


# --------------------------------------------------------------------------------------------
# conv2d
# --------------------------------------------------------------------------------------------

CONV_SHAPES = [
    # (N, C_in, H, W), (C_out, kH, kW), stride, padding
    ((1, 1, 4, 5), (1, 2, 3), 1, 0),
    ((2, 3, 6, 7), (4, 3, 2), 1, 0),
    ((2, 2, 5, 6), (2, 3, 2), 1, 1),
    ((2, 2, 7, 10), (3, 3, 3), 2, 0),
    ((2, 3, 9, 7), (2, 3, 2), 2, 1),
    ((3, 2, 10, 11), (4, 3, 4), 3, 2),
    ((2, 3, 4, 5), (5, 1, 1), 1, 0),
    ((1, 2, 4, 3), (2, 4, 3), 1, 0),
    ((2, 1, 8, 9), (2, 2, 2), 3, 0),
    ((4, 1, 8, 8), (8, 3, 3), 1, 1),   # the lesson's CNN layer on the digits
]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("x_shape, k_shape, stride, padding", CONV_SHAPES, ids=str)
def test_conv2d_agrees_with_torch_conv2d(seed, x_shape, k_shape, stride, padding):
    x = _data(seed, *x_shape)
    kernel = _data(seed + 50, k_shape[0], x_shape[1], *k_shape[1:])
    got = conv2d(x, kernel, stride=stride, padding=padding)
    expected = F.conv2d(_torch(x), _torch(kernel), stride=stride, padding=padding).numpy()
    assert got.shape == expected.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, **TOL)


def test_conv2d_is_a_cross_correlation_not_a_flipped_convolution():
    """A kernel with a single 1 at its top-left copies the image: no flip."""
    x = _data(7, 1, 1, 4, 5)
    kernel = np.zeros((1, 1, 2, 3))
    kernel[0, 0, 0, 0] = 1.0
    np.testing.assert_array_equal(conv2d(x, kernel), x[:, :, :3, :3])


def test_conv2d_leaves_its_inputs_alone_and_takes_lists():
    x, kernel = _data(8, 2, 2, 5, 5), _data(9, 3, 2, 3, 3)
    x0, k0 = x.copy(), kernel.copy()
    out = conv2d(x.tolist(), kernel.tolist(), 2, 1)
    conv2d(x, kernel, 2, 1)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(kernel, k0)
    np.testing.assert_allclose(out, conv2d(x, kernel, 2, 1), **TOL)


# --------------------------------------------------------------------------------------------
# max_pool2d
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("shape, size", [((1, 1, 4, 6), 2), ((2, 3, 6, 4), 2),
                                         ((2, 2, 7, 11), 3), ((3, 2, 9, 10), 3),
                                         ((2, 2, 3, 5), 1), ((2, 3, 5, 7), 5),
                                         ((1, 4, 8, 13), 4), ((4, 8, 8, 8), 2)], ids=str)
def test_max_pool2d_agrees_with_torch_max_pool2d(seed, shape, size):
    x = _data(seed, *shape)
    got = max_pool2d(x, size)
    expected = F.max_pool2d(_torch(x), size).numpy()
    assert got.shape == expected.shape and got.dtype == np.float64
    np.testing.assert_array_equal(got, expected)


def test_max_pool2d_of_negative_values_and_inputs_alone():
    x = -1.0 - np.abs(_data(10, 2, 2, 4, 6))
    x0 = x.copy()
    got = max_pool2d(x, 2)
    np.testing.assert_array_equal(x, x0)
    assert got.max() < -1.0
    np.testing.assert_array_equal(got, F.max_pool2d(_torch(x), 2).numpy())


# --------------------------------------------------------------------------------------------
# the spirals the notebook's deep and shallow networks learn
# --------------------------------------------------------------------------------------------

def test_spirals_are_seeded_balanced_and_shaped_like_the_course_data():
    from dlcourse.data.spirals import load_spirals_split, make_spirals

    X, y = make_spirals(200, seed=3)
    assert X.shape == (200, 2) and y.shape == (200, 1)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert set(np.unique(y)) == {0.0, 1.0} and y.sum() == 100
    X2, y2 = make_spirals(200, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, make_spirals(200, seed=4)[0])
    X_train, X_test, y_train, y_test = load_spirals_split()
    assert X_train.shape == X_test.shape == (600, 2) and y_train.shape == y_test.shape == (600, 1)
    assert not np.array_equal(X_train, X_test)


def test_spirals_are_not_linearly_separable():
    """The best straight line (least squares on the labels) gets little more than chance."""
    from dlcourse.data.spirals import make_spirals

    X, y = make_spirals(1000, seed=0)
    A = np.hstack([X, np.ones((len(X), 1))])
    theta, *_ = np.linalg.lstsq(A, y, rcond=None)
    assert np.mean((A @ theta > 0.5) == (y > 0.5)) < 0.65
