"""The lesson 04 references agree with PyTorch autograd (float64), with central differences, and
with the handout's XOR update; the learning-rate explorer runs headless.

PyTorch is an independent implementation of every derivative here and is imported by this test
module only. Analytic gradients must equal autograd's to 1e-12 (relative) and the central
differences of ``numerical_gradient`` to a relative error below 1e-7.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from dlcourse.reference import (ACTIVATIONS, backward, dense_backward, forward,
                                gradient_descent_step, numerical_gradient, relu_derivative,
                                sigmoid, sigmoid_derivative)

pytestmark = pytest.mark.filterwarnings("error")

TOL = dict(rtol=1e-12, atol=1e-14)
SEEDS = [0, 1, 2]
TORCH_ACTIVATIONS = {"identity": lambda z: z, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
                     "relu": torch.relu}


def _t(a, grad: bool = False) -> torch.Tensor:
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def _data(seed: int, *shape: int, scale: float = 1.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, scale, size=shape)


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``|a - b| / (|a| + |b|)`` with Euclidean norms: 0 for equal arrays, 1 for opposite ones."""
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def _net(seed: int, sizes: list[int], n: int, labels: bool):
    rng = np.random.default_rng(seed)
    params = [(rng.normal(0.0, 1.0, size=(a, b)), rng.normal(0.0, 0.5, size=(1, b)))
              for a, b in zip(sizes[:-1], sizes[1:])]
    X = rng.normal(size=(n, sizes[0]))
    y = (rng.random((n, sizes[-1])) < 0.5).astype(float) if labels else rng.normal(size=(n, sizes[-1]))
    return params, X, y


def _loss(params, X, y, names, loss):
    output, _ = forward(X, params, [ACTIVATIONS[a] for a in names])
    if loss == "mse":
        return float(np.mean((output - y) ** 2))
    return float(-np.mean(y * np.log(output) + (1 - y) * np.log(1 - output)))


def _torch_grads(params, X, y, names, loss):
    tensors = [(_t(W, grad=True), _t(b, grad=True)) for W, b in params]
    A = _t(X)
    for (W, b), name in zip(tensors, names):
        A = TORCH_ACTIVATIONS[name](A @ W + b)
    if loss == "mse":
        value = torch.nn.functional.mse_loss(A, _t(y))
    else:
        value = torch.nn.functional.binary_cross_entropy(A, _t(y))
    value.backward()
    return [(W.grad.numpy(), b.grad.numpy()) for W, b in tensors]


NETWORKS = [
    ([2, 2, 1], ["sigmoid", "sigmoid"], "mse", 4),
    ([3, 5, 2], ["tanh", "identity"], "mse", 6),
    ([4, 6, 5, 1], ["relu", "tanh", "sigmoid"], "bce", 8),
    ([5, 1], ["sigmoid"], "bce", 7),
    ([3, 4, 4, 3], ["relu", "sigmoid", "identity"], "mse", 1),
]
NET_IDS = ["-".join(map(str, sizes)) + f"-{loss}" for sizes, _, loss, _ in NETWORKS]


# --------------------------------------------------------------------------------------------
# The derivatives of the activations against autograd
# --------------------------------------------------------------------------------------------

def _autograd_slope(fn, z: np.ndarray) -> np.ndarray:
    zt = _t(z, grad=True)
    fn(zt).sum().backward()
    return zt.grad.numpy()


@pytest.mark.parametrize("seed", SEEDS)
def test_sigmoid_derivative_of_the_output_is_the_slope_at_z(seed):
    z = _data(seed, 6, 5, scale=4.0)
    np.testing.assert_allclose(sigmoid_derivative(sigmoid(z)), _autograd_slope(torch.sigmoid, z), **TOL)


def test_sigmoid_derivative_takes_the_output_not_z():
    # the handout's convention: sigmoid_derivative(output), so at z = 0 pass a = 0.5
    assert sigmoid_derivative(0.5) == 0.25
    assert sigmoid_derivative(sigmoid(1.1)) == pytest.approx(0.18736, abs=1e-5)
    assert sigmoid_derivative(0.0) == 0.0  # not sigmoid'(0) = 0.25: 0 is read as an output
    assert isinstance(sigmoid_derivative(0.5), float)


@pytest.mark.parametrize("seed", SEEDS)
def test_relu_derivative_matches_autograd_including_zero(seed):
    z = _data(seed, 4, 7, scale=3.0)
    z.flat[::5] = 0.0
    got = relu_derivative(z)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, _autograd_slope(torch.relu, z))
    assert relu_derivative(0.0) == 0.0 and relu_derivative(-2.5) == 0.0 and relu_derivative(3) == 1.0
    assert isinstance(relu_derivative(0.5), float)


# --------------------------------------------------------------------------------------------
# numerical_gradient: central differences, x restored bit for bit
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(), (1,), (5,), (3, 4), (2, 3, 2)], ids=str)
def test_numerical_gradient_agrees_with_autograd_for_any_shape(shape):
    x = _data(3, *shape, scale=1.5)
    c = _data(4, *shape)
    got = numerical_gradient(lambda v: np.sum(np.sin(v) * v ** 2 * c), x)
    assert got.shape == x.shape and got.dtype == np.float64
    expected = _autograd_slope(lambda v: torch.sin(v) * v ** 2 * _t(c), x)
    assert relative_error(got, expected) < 1e-8


def test_numerical_gradient_restores_x_exactly_and_sees_the_perturbation():
    x = _data(5, 4, 3)
    before = x.copy()
    seen = []

    def f(v):
        seen.append(v is x)
        return np.sum(v ** 3)

    numerical_gradient(f, x)
    assert np.array_equal(x, before)            # bit for bit, not approximately
    assert all(seen) and len(seen) == 2 * x.size  # f sees the caller's array, perturbed in place


def test_numerical_gradient_uses_central_differences_and_the_given_h():
    x = np.array([-1.0, 0.5, 2.0])
    exact = np.exp(x)
    for h in (1e-2, 1e-3):
        got = numerical_gradient(lambda v: np.sum(np.exp(v)), x, h=h)
        # central differences are off by about h**2 / 6 * f''' (forward ones by h / 2 * f'')
        np.testing.assert_allclose(got - exact, h ** 2 / 6 * exact, rtol=1e-3)


# --------------------------------------------------------------------------------------------
# dense_backward and backward against autograd and central differences
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_dense_backward_agrees_with_autograd(activation, seed):
    X, W, b, dA = _data(seed, 5, 3), _data(seed + 10, 3, 4), _data(seed + 20, 1, 4), _data(seed + 30, 5, 4)
    Z = X @ W + b
    Xt, Wt, bt = _t(X, grad=True), _t(W, grad=True), _t(b, grad=True)
    # L = sum(A * dA) has dL/dA = dA: autograd then gives the layer's three gradients
    (TORCH_ACTIVATIONS[activation](Xt @ Wt + bt) * _t(dA)).sum().backward()
    dX, dW, db = dense_backward(dA, (X, Z), W, activation)
    for got, expected in ((dX, Xt.grad), (dW, Wt.grad), (db, bt.grad)):
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected.numpy(), **TOL)


@pytest.mark.parametrize("sizes, names, loss, n", NETWORKS, ids=NET_IDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_backward_agrees_with_autograd(sizes, names, loss, n, seed):
    params, X, y = _net(seed, sizes, n, labels=loss == "bce")
    _, cache = forward(X, params, [ACTIVATIONS[a] for a in names])
    grads = backward(params, cache, y, names, loss=loss)
    assert len(grads) == len(params)
    for (dW, db), (tW, tb), (W, b) in zip(grads, _torch_grads(params, X, y, names, loss), params):
        assert dW.shape == W.shape and db.shape == b.shape
        np.testing.assert_allclose(dW, tW, **TOL)
        np.testing.assert_allclose(db, tb, **TOL)


@pytest.mark.parametrize("sizes, names, loss, n", NETWORKS, ids=NET_IDS)
def test_backward_agrees_with_central_differences(sizes, names, loss, n):
    params, X, y = _net(7, sizes, n, labels=loss == "bce")
    _, cache = forward(X, params, [ACTIVATIONS[a] for a in names])
    grads = backward(params, cache, y, names, loss=loss)
    for layer, (W, b) in enumerate(params):
        for which, array in ((0, W), (1, b)):
            numeric = numerical_gradient(lambda _: _loss(params, X, y, names, loss), array)
            assert relative_error(grads[layer][which], numeric) < 1e-7


def test_backward_defaults_to_mse_and_bce_needs_a_sigmoid_output():
    params, X, y = _net(8, [3, 4, 1], 5, labels=False)
    _, cache = forward(X, params, [ACTIVATIONS["tanh"], ACTIVATIONS["identity"]])
    default = backward(params, cache, y, ["tanh", "identity"])
    explicit = backward(params, cache, y, ["tanh", "identity"], loss="mse")
    assert all(np.array_equal(a, b) for pair, other in zip(default, explicit) for a, b in zip(pair, other))
    with pytest.raises(ValueError, match="sigmoid output"):
        backward(params, cache, y, ["tanh", "identity"], loss="bce")
    with pytest.raises(ValueError, match="loss must be one of"):
        backward(params, cache, y, ["tanh", "identity"], loss="mae")


# --------------------------------------------------------------------------------------------
# The handout's XOR program: its update is gradient descent on our MSE with lr = 2
# --------------------------------------------------------------------------------------------

def test_the_handouts_update_is_a_gradient_descent_step_with_lr_2():
    rng = np.random.RandomState(1)
    wh, bh, wo, bo = (rng.uniform(size=s) for s in ((2, 2), (1, 2), (2, 1), (1, 1)))
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    params = [(wh.copy(), bh.copy()), (wo.copy(), bo.copy())]

    # the handout's backpropagation lines, verbatim
    hidden_output = sigmoid(np.dot(X, wh) + bh)
    output = sigmoid(np.dot(hidden_output, wo) + bo)
    error = y - output
    d_output = error * sigmoid_derivative(output)
    error_hidden = d_output.dot(wo.T)
    d_hidden = error_hidden * sigmoid_derivative(hidden_output)
    wo += hidden_output.T.dot(d_output)
    bo += np.sum(d_output, axis=0, keepdims=True)
    wh += X.T.dot(d_hidden)
    bh += np.sum(d_hidden, axis=0, keepdims=True)

    # the same step with this lesson's functions: (1/2) sum of squares = 2 * MSE over 4 samples
    _, cache = forward(X, params, [sigmoid, sigmoid])
    new_params = gradient_descent_step(params, backward(params, cache, y, ["sigmoid", "sigmoid"]), lr=2.0)
    for got, expected in zip([a for pair in new_params for a in pair], [wh, bh, wo, bo]):
        np.testing.assert_allclose(got, expected, **TOL)


def test_gradient_descent_matches_torch_sgd_and_leaves_its_inputs_alone():
    params, grads = [(_data(s, 3, 4), _data(s + 1, 1, 4)) for s in (0, 2)], \
                    [(_data(s, 3, 4), _data(s + 1, 1, 4)) for s in (4, 6)]
    before = copy.deepcopy((params, grads))
    new_params = gradient_descent_step(params, grads, lr=0.3)
    tensors = [_t(a, grad=True) for pair in params for a in pair]
    for tensor, gradient in zip(tensors, [g for pair in grads for g in pair]):
        tensor.grad = _t(gradient)
    torch.optim.SGD(tensors, lr=0.3).step()
    for got, expected in zip([a for pair in new_params for a in pair], tensors):
        np.testing.assert_allclose(got, expected.detach().numpy(), **TOL)
    for pair, old in zip(params + grads, before[0] + before[1]):
        assert all(np.array_equal(a, b) for a, b in zip(pair, old))
    assert new_params is not params


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and np.array_equal(a, b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    return a == b


def test_references_do_not_modify_their_inputs():
    params, X, y = _net(9, [3, 4, 1], 5, labels=True)
    _, cache = forward(X, params, [ACTIVATIONS["relu"], ACTIVATIONS["sigmoid"]])
    dA, Z = _data(10, 5, 4), cache[0][1]
    calls = [(sigmoid_derivative, (sigmoid(Z),)), (relu_derivative, (Z,)),
             (dense_backward, (dA, cache[0], params[0][0], "relu")),
             (backward, (params, cache, y, ["relu", "sigmoid"], "bce")),
             (gradient_descent_step, (params, params, 0.1))]
    for fn, args in calls:
        before = copy.deepcopy(args)
        fn(*args)
        assert _same(args, before), fn.__name__


# --------------------------------------------------------------------------------------------
# The learning-rate explorer and its figure
# --------------------------------------------------------------------------------------------

def test_the_three_regimes_of_the_bowl():
    from dlcourse.plots.backprop import REGIME_LRS, descend, regime

    smooth, zigzag, divergent = (descend(lr, 20) for lr in REGIME_LRS)
    assert np.all(np.diff(smooth[1]) < 0) and np.all(np.diff(smooth[0][:, 1]) < 0)
    assert zigzag[1][-1] < 1e-2 and np.any(np.diff(np.sign(zigzag[0][:, 1])) != 0)
    assert np.all(np.diff(divergent[1][5:]) > 0) and divergent[1][-1] > 100 * divergent[1][0]
    assert [regime(lr).split(":")[0] for lr in REGIME_LRS] == ["converges smoothly", "oscillates",
                                                               "diverges"]
    assert regime(0.5).startswith("bounces")


def test_the_explorer_and_the_figure_run_headless():
    import matplotlib

    matplotlib.use("Agg")
    from dlcourse.plots.backprop import plot_lr_regimes
    from dlcourse.widgets.lr_explorer import lr_explorer

    widget = lr_explorer(lr=0.3, steps=10)
    lr_slider, steps_slider, readout = widget.children[1:4]
    for value in (0.45, 0.55, 1.0):
        lr_slider.value = value
        assert f"lr = {value:.3g}" in readout.value
    steps_slider.value = 60
    assert "diverges" in readout.value
    assert len(plot_lr_regimes().axes) == 3


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, n_in, h", [(6, 3, 3), (5, 4, 6), (1, 3, 2), (12, 2, 8)])
def test_repaired_backward_matches_autograd_and_backward(seed, n, n_in, h):
    from dlcourse.reference.backprop import repaired_backward

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_in))
    y = (rng.random((n, 1)) < 0.5).astype(float)
    W1, b1 = rng.normal(size=(n_in, h)), rng.normal(0.0, 0.5, size=(1, h))
    W2, b2 = rng.normal(size=(h, 1)), rng.normal(0.0, 0.5, size=(1, 1))
    mine = repaired_backward(X, y, W1, b1, W2, b2)

    tensors = [_t(a, grad=True) for a in (W1, b1, W2, b2)]
    y_hat = torch.sigmoid(torch.sigmoid(_t(X) @ tensors[0] + tensors[1]) @ tensors[2] + tensors[3])
    torch.nn.functional.binary_cross_entropy(y_hat, _t(y)).backward()
    for got, t in zip(mine, tensors):
        assert got.shape == t.shape
        np.testing.assert_allclose(got, t.grad.numpy(), **TOL)

    params = [(W1, b1), (W2, b2)]
    _, cache = forward(X, params, [sigmoid, sigmoid])
    (dW1, db1), (dW2, db2) = backward(params, cache, y, ["sigmoid", "sigmoid"], loss="bce")
    for got, theirs in zip(mine, (dW1, db1, dW2, db2)):
        np.testing.assert_allclose(got, theirs, **TOL)
