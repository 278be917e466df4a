"""The lesson 05 references agree with the handout's program, PyTorch and scikit-learn (float64).

- ``train_xor()`` computes what the handout's XOR program computes, line by line;
- ``train_xor`` and ``train_digits_mlp`` take the same steps as PyTorch's autograd and SGD from
  the same starting weights and the same batches;
- ``perceptron_train`` ends where scikit-learn's ``Perceptron`` ends;
- the data modules give what their docstrings promise.

Tolerances: 1e-12 against the handout (the same formulas, one rounding apart), 1e-10 against
PyTorch and scikit-learn (other summation orders, over hundreds of steps).
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from dlcourse.data.digits import load_digits_split
from dlcourse.data.logic import GATES, truth_table
from dlcourse.reference.training import (he_init, perceptron_train, predict, predict_digits,
                                         train_digits_mlp, train_xor)

pytestmark = pytest.mark.filterwarnings("error")


def _handout_program(epochs: int = 10000, seed: int = 1):
    """The handout's XOR program as written (its loop body indented), returning its state."""
    X = np.array([[0, 0],
                  [0, 1],
                  [1, 0],
                  [1, 1]])
    y = np.array([[0],
                  [1],
                  [1],
                  [0]])
    np.random.seed(seed)

    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    def sigmoid_derivative(x):
        return x * (1 - x)

    input_layer_neurons = 2
    hidden_layer_neurons = 2
    output_neurons = 1
    wh = np.random.uniform(size=(input_layer_neurons, hidden_layer_neurons))
    bh = np.random.uniform(size=(1, hidden_layer_neurons))
    wo = np.random.uniform(size=(hidden_layer_neurons, output_neurons))
    bo = np.random.uniform(size=(1, output_neurons))
    for epoch in range(epochs):
        hidden_input = np.dot(X, wh) + bh
        hidden_output = sigmoid(hidden_input)
        final_input = np.dot(hidden_output, wo) + bo
        output = sigmoid(final_input)
        error = y - output
        d_output = error * sigmoid_derivative(output)
        error_hidden = d_output.dot(wo.T)
        d_hidden = error_hidden * sigmoid_derivative(hidden_output)
        wo += hidden_output.T.dot(d_output)
        bo += np.sum(d_output, axis=0, keepdims=True)
        wh += X.T.dot(d_hidden)
        bh += np.sum(d_hidden, axis=0, keepdims=True)
    return (wh, bh, wo, bo), output


# --------------------------------------------------------------------------------------------
# The handout's XOR network
# --------------------------------------------------------------------------------------------

def test_train_xor_with_its_defaults_is_the_handouts_program():
    (wh, bh, wo, bo), output = _handout_program()
    params, losses = train_xor()
    for ours, theirs in zip([a for pair in params for a in pair], (wh, bh, wo, bo)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    # the program prints the output of its last forward pass, before the last update
    np.testing.assert_allclose(losses[-1], np.mean((np.array([[0], [1], [1], [0]]) - output) ** 2),
                               rtol=1e-12)
    assert np.array_equal(np.round(output, 3), [[0.013], [0.989], [0.989], [0.011]])
    assert np.array_equal(np.round(predict(params, [[0, 0], [0, 1], [1, 0], [1, 1]]), 2),
                          [[0.01], [0.99], [0.99], [0.01]])


def _torch_xor(epochs: int, lr: float, hidden: int, seed: int):
    """The same network in PyTorch: autograd on half the summed squared error, plain SGD."""
    np.random.seed(seed)
    shapes = [(2, hidden), (1, hidden), (hidden, 1), (1, 1)]
    wh, bh, wo, bo = (torch.tensor(np.random.uniform(size=s), requires_grad=True) for s in shapes)
    X = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=torch.float64)
    y = torch.tensor([[0], [1], [1], [0]], dtype=torch.float64)
    optimizer = torch.optim.SGD([wh, bh, wo, bo], lr=lr)
    losses = []
    for _ in range(epochs):
        output = torch.sigmoid(torch.sigmoid(X @ wh + bh) @ wo + bo)
        losses.append(torch.mean((y - output) ** 2).item())
        optimizer.zero_grad()
        (0.5 * torch.sum((y - output) ** 2)).backward()   # the handout's update is its gradient
        optimizer.step()
    return [t.detach().numpy() for t in (wh, bh, wo, bo)], np.array(losses)


@pytest.mark.parametrize("epochs, lr, hidden, seed", [(2000, 1.0, 2, 1), (1500, 0.5, 3, 7),
                                                      (800, 2.0, 4, 0)])
def test_train_xor_takes_pytorchs_gradient_descent_steps(epochs, lr, hidden, seed):
    params, losses = train_xor(epochs=epochs, lr=lr, hidden=hidden, seed=seed)
    expected, expected_losses = _torch_xor(epochs, lr, hidden, seed)
    for ours, theirs in zip([a for pair in params for a in pair], expected):
        assert ours.dtype == np.float64
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(losses, expected_losses, rtol=1e-10, atol=1e-12)
    assert losses.shape == (epochs,) and losses[-1] < losses[0]


@pytest.mark.parametrize("seed, n_in, hidden, n, lr", [(0, 2, 2, 4, 1.0), (1, 3, 5, 7, 0.5),
                                                       (2, 4, 8, 1, 2.0), (3, 5, 3, 9, 0.1)])
def test_xor_step_is_one_autograd_step_on_half_the_summed_squared_error(seed, n_in, hidden, n, lr):
    from dlcourse.reference.training import xor_step

    rng = np.random.default_rng(seed)
    shapes = [(n_in, hidden), (1, hidden), (hidden, 1), (1, 1)]
    arrays = [rng.uniform(-1.5, 1.5, size=s) for s in shapes]
    X, y = rng.normal(size=(n, n_in)), rng.integers(0, 2, size=(n, 1)).astype(float)
    params = [(arrays[0].copy(), arrays[1].copy()), (arrays[2].copy(), arrays[3].copy())]
    new_params, loss = xor_step(params, X, y, lr)
    for given, original in zip([a for pair in params for a in pair], arrays):
        assert np.array_equal(given, original)           # params left alone
    wh, bh, wo, bo = (torch.tensor(a, requires_grad=True) for a in arrays)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    output = torch.sigmoid(torch.sigmoid(Xt @ wh + bh) @ wo + bo)
    (0.5 * torch.sum((yt - output) ** 2)).backward()
    for ours, t in zip([a for pair in new_params for a in pair], (wh, bh, wo, bo)):
        np.testing.assert_allclose(ours, (t - lr * t.grad).detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(loss, torch.mean((yt - output) ** 2).item(), rtol=1e-12)


def test_train_xor_is_xor_step_repeated():
    from dlcourse.reference.training import XOR_X, XOR_Y, xor_step

    np.random.seed(3)
    params = [(np.random.uniform(size=(2, 3)), np.random.uniform(size=(1, 3))),
              (np.random.uniform(size=(3, 1)), np.random.uniform(size=(1, 1)))]
    losses = []
    for _ in range(300):
        params, loss = xor_step(params, XOR_X, XOR_Y, 1.5)
        losses.append(loss)
    expected, expected_losses = train_xor(epochs=300, lr=1.5, hidden=3, seed=3)
    for ours, theirs in zip([a for pair in params for a in pair], [a for pair in expected for a in pair]):
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(losses, expected_losses)


@pytest.mark.parametrize("seed, n_in, hidden, n", [(0, 2, 2, 4), (1, 3, 5, 7), (2, 4, 8, 1)])
def test_predict_agrees_with_a_torch_network(seed, n_in, hidden, n):
    rng = np.random.default_rng(seed)
    wh, bh = rng.normal(0, 2, (n_in, hidden)), rng.normal(size=(1, hidden))
    wo, bo = rng.normal(0, 2, (hidden, 1)), rng.normal(size=(1, 1))
    X = rng.normal(size=(n, n_in))
    model = torch.nn.Sequential(torch.nn.Linear(n_in, hidden), torch.nn.Sigmoid(),
                                torch.nn.Linear(hidden, 1), torch.nn.Sigmoid()).double()
    with torch.no_grad():
        for layer, W, b in ((model[0], wh, bh), (model[2], wo, bo)):
            layer.weight.copy_(torch.from_numpy(W.T))     # PyTorch stores W as (n_out, n_in)
            layer.bias.copy_(torch.from_numpy(b[0]))
        expected = model(torch.from_numpy(X)).numpy()
    got = predict([(wh, bh), (wo, bo)], X)
    assert got.shape == (n, 1) and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------------------------
# The perceptron
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_perceptron_ends_where_scikit_learns_perceptron_ends(seed):
    from sklearn.linear_model import Perceptron

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 3))
    y = (X @ np.array([1.0, -2.0, 0.5]) + 0.3 > 0).astype(np.float64)
    # the first sample is positive, so the first z = 0 is a mistake under both conventions
    # (sklearn counts z = 0 as wrong for either label); after it, no z is exactly 0
    first = int(np.argmax(y == 1))
    order = np.r_[first, np.delete(np.arange(40), first)]
    X, y = X[order], y[order]
    w, b, errors = perceptron_train(X, y.reshape(-1, 1), epochs=30, lr=0.1)
    theirs = Perceptron(penalty=None, eta0=0.1, max_iter=30, tol=None, shuffle=False)
    theirs.fit(X, y)
    np.testing.assert_allclose(w, theirs.coef_[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b, theirs.intercept_[0], rtol=1e-10, atol=1e-12)
    assert errors.shape == (30,) and errors.dtype == np.int64


def test_perceptron_learns_and_or_nand_and_never_xor():
    for gate in ("and", "or", "nand"):
        X, y = truth_table(gate)
        w, b, errors = perceptron_train(X, y)
        assert errors[-1] == 0 and np.array_equal((X @ w + b > 0).astype(float), y[:, 0])
        first_zero = int(np.argmax(errors == 0))
        assert np.all(errors[first_zero:] == 0)
    X, y = truth_table("xor")
    assert np.all(perceptron_train(X, y)[2] >= 1)


def test_perceptron_and_traced_by_hand():
    # epoch 1 on AND: (0,0) and (0,1), (1,0) right with z = 0; (1,1) wrong -> w = (.1, .1), b = .1
    X, y = truth_table("and")
    w, b, errors = perceptron_train(X, y, epochs=1)
    np.testing.assert_allclose(w, [0.1, 0.1])
    np.testing.assert_allclose(b, 0.1)
    assert errors.tolist() == [1]
    w, b, errors = perceptron_train(X, y)
    np.testing.assert_allclose([*w, b], [0.2, 0.1, -0.2], atol=1e-12)
    assert errors[:6].tolist() == [1, 3, 3, 2, 1, 0]


# --------------------------------------------------------------------------------------------
# The digits network
# --------------------------------------------------------------------------------------------

def _torch_digits(X, labels, num_hiddens, num_epochs, lr, batch_size, seed):
    """The same training in PyTorch: nn.Linear layers, CrossEntropyLoss, torch.optim.SGD."""
    rng = np.random.default_rng(seed)
    (W1, b1), (W2, b2) = he_init([X.shape[1], num_hiddens, 10], rng)
    model = torch.nn.Sequential(torch.nn.Linear(X.shape[1], num_hiddens), torch.nn.ReLU(),
                                torch.nn.Linear(num_hiddens, 10)).double()
    with torch.no_grad():
        for layer, W, b in ((model[0], W1, b1), (model[2], W2, b2)):
            layer.weight.copy_(torch.from_numpy(W.T))
            layer.bias.copy_(torch.from_numpy(b[0]))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(labels)
    losses = []
    for _ in range(num_epochs):
        order = torch.from_numpy(rng.permutation(len(X)))
        total = 0.0
        for batch in order.split(batch_size):
            loss = loss_fn(model(X_t[batch]), y_t[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        losses.append(total / len(X))
    params = [(model[i].weight.detach().numpy().T, model[i].bias.detach().numpy()[None, :])
              for i in (0, 2)]
    return params, np.array(losses)


@pytest.mark.parametrize("num_hiddens, num_epochs, lr, batch_size, seed",
                         [(64, 3, 0.2, 32, 0), (16, 2, 0.5, 100, 3)])
def test_train_digits_mlp_takes_pytorchs_sgd_steps(num_hiddens, num_epochs, lr, batch_size, seed):
    X_train, _, y_train, _ = load_digits_split()
    params, losses = train_digits_mlp(X_train, y_train, num_hiddens=num_hiddens,
                                      num_epochs=num_epochs, lr=lr, batch_size=batch_size,
                                      seed=seed)
    expected, expected_losses = _torch_digits(X_train, y_train, num_hiddens, num_epochs, lr,
                                              batch_size, seed)
    for (W, b), (W_t, b_t) in zip(params, expected):
        np.testing.assert_allclose(W, W_t, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(b, b_t, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(losses, expected_losses, rtol=1e-10)


def test_train_digits_mlp_reaches_95_percent_and_is_reproducible():
    X_train, X_test, y_train, y_test = load_digits_split()
    before = X_train.copy()
    params, losses = train_digits_mlp(X_train, y_train)
    assert np.array_equal(X_train, before)
    assert [W.shape for W, _ in params] == [(64, 64), (64, 10)]
    assert losses.shape == (30,) and losses[-1] < losses[0] / 5
    assert np.mean(predict_digits(params, X_test) == y_test) >= 0.95
    again, _ = train_digits_mlp(X_train, y_train)
    assert all(np.array_equal(a, b) for p, q in zip(params, again) for a, b in zip(p, q))


# --------------------------------------------------------------------------------------------
# The data
# --------------------------------------------------------------------------------------------

def test_truth_tables():
    for gate, outputs in GATES.items():
        X, y = truth_table(gate.upper())
        assert X.dtype == y.dtype == np.float64 and X.shape == (4, 2) and y.shape == (4, 1)
        a, b = X[:, 0].astype(bool), X[:, 1].astype(bool)
        expected = {"xor": a ^ b, "and": a & b, "or": a | b, "nand": ~(a & b)}[gate]
        assert np.array_equal(y[:, 0], expected.astype(float)) and tuple(y[:, 0]) == outputs
    X, _ = truth_table("xor")
    X[0, 0] = 5.0
    assert truth_table("xor")[0][0, 0] == 0.0       # every call gives new arrays
    with pytest.raises(ValueError, match="unknown gate 'nor'"):
        truth_table("nor")


def test_the_digits_split_is_fixed_and_stratified():
    X_train, X_test, y_train, y_test = load_digits_split()
    assert X_train.shape == (1437, 64) and X_test.shape == (360, 64)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert X_train.min() == 0.0 and X_train.max() == 1.0
    assert np.array_equal(np.bincount(y_test), [36, 36, 35, 37, 36, 37, 36, 36, 35, 36])
    again = load_digits_split()
    assert np.array_equal(again[0], X_train) and np.array_equal(again[3], y_test)
    other = load_digits_split(seed=1)
    assert not np.array_equal(other[3], y_test)


def test_the_fast_digits_loader_gives_scikit_learns_arrays():
    from sklearn.datasets import load_digits as sklearn_load_digits

    from dlcourse.data.digits import load_digits

    ours, theirs = load_digits(), sklearn_load_digits()
    for name in ("data", "target", "images", "target_names"):
        mine, reference = getattr(ours, name), getattr(theirs, name)
        assert mine.dtype == reference.dtype and np.array_equal(mine, reference), name


@pytest.mark.parametrize("n, k, scale", [(1, 3, 1.0), (5, 4, 2.0), (32, 10, 5.0), (7, 2, 50.0)])
def test_softmax_cross_entropy_grad_is_autograds_gradient(n, k, scale):
    from dlcourse.reference.losses import softmax_cross_entropy
    from dlcourse.reference.training import softmax_cross_entropy_grad

    rng = np.random.default_rng(n * 100 + k)
    logits = rng.normal(0.0, scale, size=(n, k))
    labels = rng.integers(0, k, size=n)
    z = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(z, torch.tensor(labels))
    loss.backward()
    ours = softmax_cross_entropy_grad(logits, labels.reshape(-1, 1))
    assert ours.shape == (n, k) and ours.dtype == np.float64
    np.testing.assert_allclose(ours, z.grad.numpy(), rtol=1e-10, atol=1e-14)
    assert np.isclose(softmax_cross_entropy(logits, labels), loss.item(), rtol=1e-12)
    np.testing.assert_allclose(ours.sum(axis=1), 0.0, atol=1e-15)


def test_softmax_cross_entropy_grad_is_finite_for_huge_logits():
    from dlcourse.reference.training import softmax_cross_entropy_grad

    grad = softmax_cross_entropy_grad(np.array([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 999.0]]),
                                      np.array([0, 2]))
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad[0], 0.0, atol=1e-300)
