"""Lesson 05 corpus: train_xor, xor_step, predict, perceptron_train, train_digits_mlp,
softmax_cross_entropy_grad.

See ``corpus/__init__`` for the tables. The training functions follow the contracts of
``dlcourse/reference/training.py``; some right ones show a tqdm progress bar, which must not
reach the test cell.
"""
from __future__ import annotations

import numpy as np
from tqdm.auto import tqdm

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
XOR_Y = np.array([[0], [1], [1], [0]])


def _naive_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _sigmoid_derivative(x):
    return x * (1 - x)


# --------------------------------------------------------------------------------------------
# train_xor(epochs=10000, lr=1.0, hidden=2, seed=1) -> ([(wh, bh), (wo, bo)], losses)
# --------------------------------------------------------------------------------------------

def train_xor_handout_lines(epochs=10000, lr=1.0, hidden=2, seed=1):
    """The handout's lines, with lr, a naive sigmoid, in-place updates and a list of losses."""
    X, y = XOR_X, XOR_Y
    np.random.seed(seed)
    wh = np.random.uniform(size=(2, hidden))
    bh = np.random.uniform(size=(1, hidden))
    wo = np.random.uniform(size=(hidden, 1))
    bo = np.random.uniform(size=(1, 1))
    losses = []
    for epoch in range(epochs):
        hidden_output = _naive_sigmoid(np.dot(X, wh) + bh)
        output = _naive_sigmoid(np.dot(hidden_output, wo) + bo)
        error = y - output
        losses.append(np.mean(np.square(error)))
        d_output = error * _sigmoid_derivative(output)
        error_hidden = d_output.dot(wo.T)
        d_hidden = error_hidden * _sigmoid_derivative(hidden_output)
        wo += lr * hidden_output.T.dot(d_output)
        bo += lr * np.sum(d_output, axis=0, keepdims=True)
        wh += lr * X.T.dot(d_hidden)
        bh += lr * np.sum(d_hidden, axis=0, keepdims=True)
    return [(wh, bh), (wo, bo)], np.array(losses)


def train_xor_gradient_descent(epochs=10000, lr=1.0, hidden=2, seed=1):
    """Gradient descent on half the summed squared error, with a tqdm progress bar."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0]).reshape(4, 1)
    np.random.seed(seed)
    shapes = [(2, hidden), (1, hidden), (hidden, 1), (1, 1)]
    W1, b1, W2, b2 = (np.random.uniform(size=s) for s in shapes)
    losses = np.zeros(epochs)
    for epoch in tqdm(range(epochs), desc="XOR"):
        A1 = 0.5 * (1 + np.tanh(0.5 * (X @ W1 + b1)))      # the sigmoid, written with tanh
        A2 = 0.5 * (1 + np.tanh(0.5 * (A1 @ W2 + b2)))
        losses[epoch] = ((A2 - y) ** 2).mean()
        dZ2 = (A2 - y) * A2 * (1 - A2)                     # the gradient, so we subtract
        dZ1 = dZ2 @ W2.T * A1 * (1 - A1)
        W2, b2 = W2 - lr * A1.T @ dZ2, b2 - lr * dZ2.sum(0, keepdims=True)
        W1, b1 = W1 - lr * X.T @ dZ1, b1 - lr * dZ1.sum(0, keepdims=True)
    return ((W1, b1), (W2, b2)), losses


def train_xor_no_bias_update(epochs=10000, lr=1.0, hidden=2, seed=1):
    X, y = XOR_X, XOR_Y
    np.random.seed(seed)
    wh, bh = np.random.uniform(size=(2, hidden)), np.random.uniform(size=(1, hidden))
    wo, bo = np.random.uniform(size=(hidden, 1)), np.random.uniform(size=(1, 1))
    losses = []
    for _ in range(epochs):
        h = _naive_sigmoid(X @ wh + bh)
        out = _naive_sigmoid(h @ wo + bo)
        error = y - out
        losses.append(np.mean(error ** 2))
        d_output = error * _sigmoid_derivative(out)
        d_hidden = d_output @ wo.T * _sigmoid_derivative(h)
        wo = wo + lr * h.T @ d_output
        wh = wh + lr * X.T @ d_hidden
    return [(wh, bh), (wo, bo)], np.array(losses)


def _xor(epochs, lr, hidden, seed, *, sign=1.0, derivative=True, seeded=True, record="mean"):
    X, y = XOR_X, XOR_Y
    if seeded:
        np.random.seed(seed)
    wh, bh = np.random.uniform(size=(2, hidden)), np.random.uniform(size=(1, hidden))
    wo, bo = np.random.uniform(size=(hidden, 1)), np.random.uniform(size=(1, 1))
    losses = []
    for _ in range(epochs):
        h = _naive_sigmoid(X @ wh + bh)
        out = _naive_sigmoid(h @ wo + bo)
        error = y - out if sign > 0 else out - y
        losses.append(np.mean(error ** 2) if record == "mean" else np.sum(error ** 2))
        d_output = error * _sigmoid_derivative(out) if derivative else error
        d_hidden = d_output @ wo.T * (_sigmoid_derivative(h) if derivative else 1.0)
        wo = wo + lr * h.T @ d_output
        bo = bo + lr * d_output.sum(axis=0, keepdims=True)
        wh = wh + lr * X.T @ d_hidden
        bh = bh + lr * d_hidden.sum(axis=0, keepdims=True)
    return [(wh, bh), (wo, bo)], np.array(losses)


def train_xor_gradient_ascent(epochs=10000, lr=1.0, hidden=2, seed=1):
    """error = output - y, but still `+=`: every step climbs the loss."""
    return _xor(epochs, lr, hidden, seed, sign=-1.0)


def train_xor_no_sigmoid_derivative(epochs=10000, lr=1.0, hidden=2, seed=1):
    return _xor(epochs, lr, hidden, seed, derivative=False)


def train_xor_derivative_of_z(epochs=10000, lr=1.0, hidden=2, seed=1):
    X, y = XOR_X, XOR_Y
    np.random.seed(seed)
    wh, bh = np.random.uniform(size=(2, hidden)), np.random.uniform(size=(1, hidden))
    wo, bo = np.random.uniform(size=(hidden, 1)), np.random.uniform(size=(1, 1))
    losses = []
    for _ in range(epochs):
        hidden_input = X @ wh + bh
        h = _naive_sigmoid(hidden_input)
        final_input = h @ wo + bo
        out = _naive_sigmoid(final_input)
        error = y - out
        losses.append(np.mean(error ** 2))
        d_output = error * _sigmoid_derivative(final_input)
        d_hidden = d_output @ wo.T * _sigmoid_derivative(hidden_input)
        wo = wo + lr * h.T @ d_output
        bo = bo + lr * d_output.sum(axis=0, keepdims=True)
        wh = wh + lr * X.T @ d_hidden
        bh = bh + lr * d_hidden.sum(axis=0, keepdims=True)
    return [(wh, bh), (wo, bo)], np.array(losses)


def train_xor_ignores_lr(epochs=10000, lr=1.0, hidden=2, seed=1):
    return _xor(epochs, 1.0, hidden, seed)


def train_xor_ignores_seed(epochs=10000, lr=1.0, hidden=2, seed=1):
    return _xor(epochs, lr, hidden, 1)


def train_xor_never_seeds(epochs=10000, lr=1.0, hidden=2, seed=1):
    return _xor(epochs, lr, hidden, seed, seeded=False)


def train_xor_fixed_epochs(epochs=10000, lr=1.0, hidden=2, seed=1):
    return _xor(10000, lr, hidden, seed)


def train_xor_too_few_epochs(epochs=1000, lr=1.0, hidden=2, seed=1):
    """A default of 1,000 epochs: the network has not learned XOR yet."""
    return _xor(epochs, lr, hidden, seed)


def train_xor_ignores_hidden(epochs=10000, lr=1.0, hidden=2, seed=1):
    return _xor(epochs, lr, 2, seed)


def train_xor_summed_loss(epochs=10000, lr=1.0, hidden=2, seed=1):
    return _xor(epochs, lr, hidden, seed, record="sum")


def train_xor_default_rng(epochs=10000, lr=1.0, hidden=2, seed=1):
    rng = np.random.default_rng(seed)
    X, y = XOR_X, XOR_Y
    wh, bh = rng.uniform(size=(2, hidden)), rng.uniform(size=(1, hidden))
    wo, bo = rng.uniform(size=(hidden, 1)), rng.uniform(size=(1, 1))
    losses = []
    for _ in range(epochs):
        h = _naive_sigmoid(X @ wh + bh)
        out = _naive_sigmoid(h @ wo + bo)
        error = y - out
        losses.append(np.mean(error ** 2))
        d_output = error * _sigmoid_derivative(out)
        d_hidden = d_output @ wo.T * _sigmoid_derivative(h)
        wo, bo = wo + lr * h.T @ d_output, bo + lr * d_output.sum(0, keepdims=True)
        wh, bh = wh + lr * X.T @ d_hidden, bh + lr * d_hidden.sum(0, keepdims=True)
    return [(wh, bh), (wo, bo)], np.array(losses)


def train_xor_flat_params(epochs=10000, lr=1.0, hidden=2, seed=1):
    (wh, bh), (wo, bo) = _xor(epochs, lr, hidden, seed)[0]
    return [wh, bh, wo, bo], _xor(epochs, lr, hidden, seed)[1]


def train_xor_returns_predictions(epochs=10000, lr=1.0, hidden=2, seed=1):
    (wh, bh), (wo, bo) = _xor(epochs, lr, hidden, seed)[0]
    return _naive_sigmoid(_naive_sigmoid(XOR_X @ wh + bh) @ wo + bo)


# --------------------------------------------------------------------------------------------
# xor_step(params, X, y, lr) -> ([(wh, bh), (wo, bo)], loss): the repaired step (find-the-bug)
# --------------------------------------------------------------------------------------------

def xor_step_handout_lines(params, X, y, lr):
    """The handout's lines, gradients first, on copies of the parameters."""
    (wh, bh), (wo, bo) = [(W.copy(), b.copy()) for W, b in params]
    hidden_output = _naive_sigmoid(np.dot(X, wh) + bh)
    output = _naive_sigmoid(np.dot(hidden_output, wo) + bo)
    error = y - output
    d_output = error * _sigmoid_derivative(output)
    error_hidden = d_output.dot(wo.T)
    d_hidden = error_hidden * _sigmoid_derivative(hidden_output)
    wo += lr * hidden_output.T.dot(d_output)
    bo += lr * np.sum(d_output, axis=0, keepdims=True)
    wh += lr * X.T.dot(d_hidden)
    bh += lr * np.sum(d_hidden, axis=0, keepdims=True)
    return [(wh, bh), (wo, bo)], np.mean(error ** 2)


def xor_step_layer_loop(params, X, y, lr):
    """Gradient descent on half the summed squared error, written as a loop over the layers."""
    activations, zs = [np.asarray(X, dtype=float)], []
    for W, b in params:
        zs.append(activations[-1] @ W + b)
        activations.append(0.5 * (1 + np.tanh(0.5 * zs[-1])))
    y_hat = activations[-1]
    delta = (y_hat - y) * y_hat * (1 - y_hat)          # d(0.5 * sum (y_hat - y)^2) / dz_out
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        grads.append((activations[layer].T @ delta, delta.sum(axis=0, keepdims=True)))
        if layer:
            a = activations[layer]
            delta = (delta @ params[layer][0].T) * a * (1 - a)
    grads.reverse()
    new = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]
    return new, float(((y - y_hat) ** 2).mean())


def _step(params, X, y, lr, *, order="right", in_place=False, sign=1.0, derivative="output",
          bias=True, loss="before", fixed_lr=None):
    (wh, bh), (wo, bo) = params
    if not in_place:
        wh, bh, wo, bo = wh.copy(), bh.copy(), wo.copy(), bo.copy()
    lr = lr if fixed_lr is None else fixed_lr
    z_h = X @ wh + bh
    h = _naive_sigmoid(z_h)
    z_o = h @ wo + bo
    out = _naive_sigmoid(z_o)
    error = y - out
    value = np.mean(error ** 2)
    d_out = error * (out * (1 - out) if derivative == "output" else z_o * (1 - z_o))
    if order == "right":
        d_h = d_out @ wo.T * (h * (1 - h) if derivative == "output" else z_h * (1 - z_h))
    wo += sign * lr * h.T @ d_out
    if bias:
        bo += sign * lr * d_out.sum(axis=0, keepdims=True)
    if order != "right":
        d_h = d_out @ wo.T * h * (1 - h)
    wh += sign * lr * X.T @ d_h
    if bias:
        bh += sign * lr * d_h.sum(axis=0, keepdims=True)
    if loss == "after":
        value = np.mean((y - _naive_sigmoid(_naive_sigmoid(X @ wh + bh) @ wo + bo)) ** 2)
    return [(wh, bh), (wo, bo)], value


def xor_step_updated_wo(params, X, y, lr):
    """The notebook's broken step: d_hidden is computed after wo has changed."""
    return _step(params, X, y, lr, order="updated wo")


def xor_step_in_place(params, X, y, lr):
    """The handout's `wo += ...` on the caller's arrays: right values, params changed."""
    return _step(params, X, y, lr, in_place=True)


def xor_step_uphill(params, X, y, lr):
    return _step(params, X, y, lr, sign=-1.0)


def xor_step_derivative_of_z(params, X, y, lr):
    return _step(params, X, y, lr, derivative="z")


def xor_step_no_bias_update(params, X, y, lr):
    return _step(params, X, y, lr, bias=False)


def xor_step_ignores_lr(params, X, y, lr):
    return _step(params, X, y, lr, fixed_lr=1.0)


def xor_step_loss_after_update(params, X, y, lr):
    return _step(params, X, y, lr, loss="after")


def xor_step_hard_coded_xor(params, X, y, lr):
    """Trains on the XOR table whatever X and y it is given."""
    return _step(params, XOR_X.astype(float), XOR_Y.astype(float), lr)


def xor_step_flat_params(params, X, y, lr):
    (wh, bh), (wo, bo) = _step(params, X, y, lr)[0]
    return [wh, bh, wo, bo], _step(params, X, y, lr)[1]


def xor_step_bias_without_keepdims(params, X, y, lr):
    """Sums the bias updates without keepdims: bh becomes (hidden,)."""
    (wh, bh), (wo, bo) = params
    h = _naive_sigmoid(X @ wh + bh)
    out = _naive_sigmoid(h @ wo + bo)
    d_out = (y - out) * out * (1 - out)
    d_h = d_out @ wo.T * h * (1 - h)
    return ([(wh + lr * X.T @ d_h, bh[0] + lr * d_h.sum(axis=0)),
             (wo + lr * h.T @ d_out, bo + lr * d_out.sum(axis=0, keepdims=True))],
            np.mean((y - out) ** 2))


# --------------------------------------------------------------------------------------------
# predict(params, X) -> (n, 1)
# --------------------------------------------------------------------------------------------

def predict_dot(params, X):
    (wh, bh), (wo, bo) = params
    hidden_output = _naive_sigmoid(np.dot(X, wh) + bh)
    return _naive_sigmoid(np.dot(hidden_output, wo) + bo)


def predict_layer_loop(params, X):
    A = np.array(X, dtype=np.float64)
    for W, b in params:
        A = 0.5 * (1.0 + np.tanh(0.5 * (A @ W + b)))   # the sigmoid, written with tanh
    return A


def predict_no_biases(params, X):
    (wh, _), (wo, _) = params
    return _naive_sigmoid(_naive_sigmoid(X @ wh) @ wo)


def predict_no_output_bias(params, X):
    (wh, bh), (wo, _) = params
    return _naive_sigmoid(_naive_sigmoid(X @ wh + bh) @ wo)


def predict_no_output_sigmoid(params, X):
    (wh, bh), (wo, bo) = params
    return _naive_sigmoid(X @ wh + bh) @ wo + bo


def predict_no_hidden_sigmoid(params, X):
    (wh, bh), (wo, bo) = params
    return _naive_sigmoid((X @ wh + bh) @ wo + bo)


def predict_rounded(params, X):
    return np.round(predict_dot(params, X))


def predict_transposed(params, X):
    (wh, bh), (wo, bo) = params
    return _naive_sigmoid(_naive_sigmoid(X @ wh.T + bh) @ wo + bo)


def predict_flat(params, X):
    return predict_dot(params, X).ravel()


def predict_relu_hidden(params, X):
    (wh, bh), (wo, bo) = params
    return _naive_sigmoid(np.maximum(X @ wh + bh, 0) @ wo + bo)


# --------------------------------------------------------------------------------------------
# perceptron_train(X, y, epochs=100, lr=0.1) -> (w, b, errors_per_epoch)
# --------------------------------------------------------------------------------------------

def perceptron_train_step_at_zero_is_one(X, y, epochs=100, lr=0.1):
    """step(0) = 1, labels indexed as (1,) rows, errors in a list."""
    w = np.zeros(X.shape[1])
    b = 0.0
    errors_per_epoch = []
    for epoch in range(epochs):
        errors = 0
        for i in range(len(X)):
            y_hat = 1 if np.dot(X[i], w) + b >= 0 else 0
            update = lr * (y[i, 0] - y_hat)
            if update != 0:
                w = w + update * X[i]
                b = b + update
                errors += 1
        errors_per_epoch.append(errors)
    return w, b, errors_per_epoch


def perceptron_train_with_progress(X, y, epochs=100, lr=0.1):
    """Signs +1/-1 inside, a tqdm bar, b as a 0-d array."""
    signs = np.where(np.ravel(y) > 0.5, 1.0, -1.0)
    w, b = np.zeros(X.shape[1]), np.array(0.0)
    errors = np.zeros(epochs, dtype=int)
    for epoch in tqdm(range(epochs)):
        for x_i, s in zip(X, signs):
            predicted = 1.0 if x_i @ w + b > 0 else -1.0
            if predicted != s:
                w = w + lr * s * x_i
                b = b + lr * s
                errors[epoch] += 1
    return w, b, errors


def _perceptron(X, y, epochs, lr, *, bias=True, sign=1.0, count="during", w0=None,
                stop=False, always=False, cumulative=False, shape=None):
    y = np.ravel(y)
    w = np.zeros(X.shape[1]) if w0 is None else w0(X.shape[1])
    b = 0.0
    errors = []
    for _ in range(epochs):
        n_wrong = 0
        for x_i, y_i in zip(X, y):
            y_hat = 1.0 if x_i @ w + b > 0 else 0.0
            if y_hat != y_i or always:
                step = lr * ((2 * y_i - 1) if always else (y_i - y_hat))
                w = w + sign * step * x_i
                if bias:
                    b = b + sign * step
                n_wrong += y_hat != y_i
        if count == "after":
            n_wrong = int(np.sum((X @ w + b > 0) != (y > 0.5)))
        errors.append(n_wrong + (errors[-1] if cumulative and errors else 0))
        if stop and n_wrong == 0:
            break
    return (w if shape is None else w.reshape(shape)), b, np.array(errors)


def perceptron_train_no_bias_update(X, y, epochs=100, lr=0.1):
    return _perceptron(X, y, epochs, lr, bias=False)


def perceptron_train_wrong_sign(X, y, epochs=100, lr=0.1):
    return _perceptron(X, y, epochs, lr, sign=-1.0)


def perceptron_train_updates_every_sample(X, y, epochs=100, lr=0.1):
    """Moves towards each sample's side whether it was classified right or wrong."""
    return _perceptron(X, y, epochs, lr, always=True)


def perceptron_train_ignores_lr(X, y, epochs=100, lr=0.1):
    return _perceptron(X, y, epochs, 1.0)


def perceptron_train_counts_after_the_epoch(X, y, epochs=100, lr=0.1):
    return _perceptron(X, y, epochs, lr, count="after")


def perceptron_train_random_start(X, y, epochs=100, lr=0.1):
    return _perceptron(X, y, epochs, lr, w0=lambda d: np.random.default_rng(0).normal(size=d))


def perceptron_train_stops_early(X, y, epochs=100, lr=0.1):
    return _perceptron(X, y, epochs, lr, stop=True)


def perceptron_train_cumulative_errors(X, y, epochs=100, lr=0.1):
    return _perceptron(X, y, epochs, lr, cumulative=True)


def perceptron_train_column_weights(X, y, epochs=100, lr=0.1):
    return _perceptron(X, y, epochs, lr, shape=(-1, 1))


def perceptron_train_delta_rule(X, y, epochs=100, lr=0.1):
    """Updates with y - z (the pre-activation) on every sample, not with y - y_hat."""
    w, b = np.zeros(X.shape[1]), 0.0
    errors = np.zeros(epochs, dtype=int)
    for epoch in range(epochs):
        for x_i, y_i in zip(X, np.ravel(y)):
            z = x_i @ w + b
            errors[epoch] += (1.0 if z > 0 else 0.0) != y_i
            w = w + lr * (y_i - z) * x_i
            b = b + lr * (y_i - z)
    return w, b, errors


# --------------------------------------------------------------------------------------------
# train_digits_mlp(X_train, y_train, ...) -> (params, losses)
# --------------------------------------------------------------------------------------------

def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def train_digits_mlp_one_hot(X_train, y_train, num_hiddens=64, num_epochs=30, lr=0.2,
                             batch_size=32, seed=0):
    """One-hot targets, Xavier-uniform weights, a tqdm bar over the epochs."""
    rng = np.random.default_rng(seed)
    n, n_in = X_train.shape
    Y = np.eye(10)[y_train]
    limit1, limit2 = np.sqrt(6 / (n_in + num_hiddens)), np.sqrt(6 / (num_hiddens + 10))
    W1 = rng.uniform(-limit1, limit1, size=(n_in, num_hiddens))
    W2 = rng.uniform(-limit2, limit2, size=(num_hiddens, 10))
    b1, b2 = np.zeros((1, num_hiddens)), np.zeros((1, 10))
    losses = []
    for epoch in tqdm(range(num_epochs), desc="digits"):
        idx = rng.permutation(n)
        epoch_loss = 0.0
        for start in range(0, n, batch_size):
            batch = idx[start:start + batch_size]
            Xb, Yb = X_train[batch], Y[batch]
            H = np.maximum(Xb @ W1 + b1, 0)
            P = _softmax(H @ W2 + b2)
            epoch_loss += -np.sum(Yb * np.log(P + 1e-12))
            G = (P - Yb) / len(batch)
            dH = (G @ W2.T) * (H > 0)
            W2 -= lr * H.T @ G
            b2 -= lr * G.sum(axis=0, keepdims=True)
            W1 -= lr * Xb.T @ dH
            b1 -= lr * dH.sum(axis=0, keepdims=True)
        losses.append(epoch_loss / n)
    return [(W1, b1), (W2, b2)], np.array(losses)


def train_digits_mlp_two_hidden_layers(X_train, y_train, num_hiddens=64, num_epochs=25, lr=0.1,
                                       batch_size=16, seed=0):
    """A deeper network 64 -> num_hiddens -> 32 -> 10, layers in a loop."""
    rng = np.random.default_rng(seed)
    sizes = [X_train.shape[1], num_hiddens, 32, 10]
    params = [[rng.normal(0, np.sqrt(2 / a), (a, c)), np.zeros((1, c))]
              for a, c in zip(sizes[:-1], sizes[1:])]
    losses = np.zeros(num_epochs)
    for epoch in range(num_epochs):
        order = rng.permutation(len(X_train))
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            activations = [X_train[batch]]
            for W, b in params[:-1]:
                activations.append(np.maximum(activations[-1] @ W + b, 0))
            P = _softmax(activations[-1] @ params[-1][0] + params[-1][1])
            rows = np.arange(len(batch))
            losses[epoch] += -np.log(P[rows, y_train[batch]]).sum()
            G = P.copy()
            G[rows, y_train[batch]] -= 1
            G /= len(batch)
            for layer in range(len(params) - 1, -1, -1):
                W, b = params[layer]
                A = activations[layer]
                grad_A = (G @ W.T) * (A > 0)
                params[layer] = [W - lr * A.T @ G, b - lr * G.sum(0, keepdims=True)]
                G = grad_A
        losses[epoch] /= len(X_train)
    return [tuple(p) for p in params], losses


def _digits(X_train, y_train, num_hiddens=64, num_epochs=30, lr=0.2, batch_size=32, seed=0, *,
            shuffle="seeded", labels="right", softmax=True, mean=True, dtype=np.float64,
            relu_grad=True, returns="params", seed_everything=True):
    rng = np.random.default_rng(seed)
    X = X_train.astype(dtype)
    n = len(X)
    W1 = rng.normal(0, np.sqrt(2 / 64), (64, num_hiddens)).astype(dtype)
    W2 = rng.normal(0, np.sqrt(2 / num_hiddens), (num_hiddens, 10)).astype(dtype)
    b1, b2 = np.zeros((1, num_hiddens), dtype), np.zeros((1, 10), dtype)
    losses = []
    for _ in range(num_epochs):
        order = rng.permutation(n) if shuffle == "seeded" else np.random.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            label_rows = np.arange(start, min(start + batch_size, n)) if labels == "unshuffled" else batch
            yb = y_train[label_rows]
            if labels == "shifted":
                yb = (yb + 1) % 10
            Z1 = X[batch] @ W1 + b1
            H = np.maximum(Z1, 0)
            logits = H @ W2 + b2
            P = _softmax(logits) if softmax else logits
            rows = np.arange(len(batch))
            total += np.sum(-np.log(P[rows, yb] if not softmax else np.clip(P[rows, yb], 1e-12, None)))
            G = P.copy()
            G[rows, yb] -= 1
            if mean:
                G /= len(batch)
            dZ1 = G @ W2.T * ((Z1 > 0) if relu_grad else 1.0)
            W2, b2 = W2 - lr * H.T @ G, b2 - lr * G.sum(0, keepdims=True)
            W1, b1 = W1 - lr * X[batch].T @ dZ1, b1 - lr * dZ1.sum(0, keepdims=True)
        losses.append(total / n)
    params = [(W1, b1), (W2, b2)]
    if returns == "accuracy":
        return np.mean(np.argmax(np.maximum(X @ W1 + b1, 0) @ W2 + b2, axis=1) == y_train)
    return params, np.array(losses)


def train_digits_mlp_returns_accuracy(X_train, y_train, num_hiddens=64, num_epochs=30, lr=0.2,
                                      batch_size=32, seed=0):
    return _digits(X_train, y_train, num_hiddens, num_epochs, lr, batch_size, seed,
                   returns="accuracy")


def train_digits_mlp_labels_not_shuffled(X_train, y_train, num_hiddens=64, num_epochs=30, lr=0.2,
                                         batch_size=32, seed=0):
    """Shuffles the images but takes the labels in their original order."""
    return _digits(X_train, y_train, num_hiddens, num_epochs, lr, batch_size, seed,
                   labels="unshuffled")


def train_digits_mlp_shifted_labels(X_train, y_train, num_hiddens=64, num_epochs=30, lr=0.2,
                                    batch_size=32, seed=0):
    return _digits(X_train, y_train, num_hiddens, num_epochs, lr, batch_size, seed,
                   labels="shifted")


def train_digits_mlp_unseeded_shuffle(X_train, y_train, num_hiddens=64, num_epochs=30, lr=0.2,
                                      batch_size=32, seed=0):
    return _digits(X_train, y_train, num_hiddens, num_epochs, lr, batch_size, seed,
                   shuffle="global")


def train_digits_mlp_ignores_lr(X_train, y_train, num_hiddens=64, num_epochs=30, lr=0.2,
                                batch_size=32, seed=0):
    return _digits(X_train, y_train, num_hiddens, num_epochs, 0.2, batch_size, seed)


def train_digits_mlp_ignores_num_epochs(X_train, y_train, num_hiddens=64, num_epochs=30, lr=0.2,
                                        batch_size=32, seed=0):
    return _digits(X_train, y_train, num_hiddens, 30, lr, batch_size, seed)


def train_digits_mlp_float32(X_train, y_train, num_hiddens=64, num_epochs=30, lr=0.2,
                             batch_size=32, seed=0):
    return _digits(X_train, y_train, num_hiddens, num_epochs, lr, batch_size, seed,
                   dtype=np.float32)


def train_digits_mlp_no_softmax(X_train, y_train, num_hiddens=64, num_epochs=30, lr=0.2,
                                batch_size=32, seed=0):
    """Takes the logits as probabilities: the log of a negative 'probability' is NaN."""
    return _digits(X_train, y_train, num_hiddens, num_epochs, lr, batch_size, seed, softmax=False)


def train_digits_mlp_summed_gradient(X_train, y_train, num_hiddens=64, num_epochs=30, lr=0.2,
                                     batch_size=32, seed=0):
    """Sums the gradient over the batch instead of averaging: 32 times too large a step."""
    return _digits(X_train, y_train, num_hiddens, num_epochs, lr, batch_size, seed, mean=False)


def train_digits_mlp_one_epoch(X_train, y_train, num_hiddens=64, num_epochs=1, lr=0.05,
                               batch_size=32, seed=0):
    """Defaults that stop far too early."""
    return _digits(X_train, y_train, num_hiddens, num_epochs, lr, batch_size, seed)



# --------------------------------------------------------------------------------------------
# softmax_cross_entropy_grad(logits, labels) -> (n, k)
# --------------------------------------------------------------------------------------------

def sce_grad_one_hot(logits, labels):
    """softmax by log-sum-exp, one-hot labels from np.eye."""
    z = np.asarray(logits, dtype=float)
    labels = np.asarray(labels).reshape(-1)
    log_p = z - z.max(axis=1, keepdims=True)
    log_p = log_p - np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    return (np.exp(log_p) - np.eye(z.shape[1])[labels]) / len(z)


def sce_grad_loop(logits, labels):
    """One sample at a time."""
    z = np.array(logits, dtype=np.float64)
    labels = np.ravel(labels)
    grad = np.empty_like(z)
    for i, row in enumerate(z):
        e = np.exp(row - np.max(row))
        grad[i] = e / np.sum(e)
        grad[i, labels[i]] -= 1
    return grad / z.shape[0]


def sce_grad_summed(logits, labels):
    z = np.asarray(logits, dtype=float)
    P = _softmax(z)
    return P - np.eye(z.shape[1])[np.ravel(labels)]


def sce_grad_y_size(logits, labels):
    z = np.asarray(logits, dtype=float)
    Y = np.eye(z.shape[1])[np.ravel(labels)]
    return (_softmax(z) - Y) / Y.size


def sce_grad_flipped(logits, labels):
    z = np.asarray(logits, dtype=float)
    Y = np.eye(z.shape[1])[np.ravel(labels)]
    return (Y - _softmax(z)) / len(z)


def sce_grad_no_softmax(logits, labels):
    z = np.asarray(logits, dtype=float)
    Y = np.eye(z.shape[1])[np.ravel(labels)]
    return (z - Y) / len(z)


def sce_grad_naive_softmax(logits, labels):
    z = np.asarray(logits, dtype=float)
    P = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return (P - np.eye(z.shape[1])[np.ravel(labels)]) / len(z)


def sce_grad_column_softmax(logits, labels):
    z = np.asarray(logits, dtype=float)
    e = np.exp(z - z.max(axis=0))
    P = e / e.sum(axis=0)
    return (P - np.eye(z.shape[1])[np.ravel(labels)]) / len(z)


def sce_grad_minus_one_everywhere(logits, labels):
    z = np.asarray(logits, dtype=float)
    return (_softmax(z) - 1.0) / len(z)


def sce_grad_label_column_only(logits, labels):
    z = np.asarray(logits, dtype=float)
    labels = np.ravel(labels)
    rows = np.arange(len(z))
    grad = np.zeros_like(z)
    grad[rows, labels] = (_softmax(z)[rows, labels] - 1.0) / len(z)
    return grad


def sce_grad_column_labels(logits, labels):
    """np.eye(k)[labels] with labels of shape (n, 1) is (n, 1, k)."""
    z = np.asarray(logits, dtype=float)
    return (_softmax(z) - np.eye(z.shape[1])[np.asarray(labels)]) / len(z)


def sce_grad_in_place(logits, labels):
    """Right values, but the softmax is written into the caller's logits."""
    z = np.asarray(logits)
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    z[np.arange(len(z)), np.ravel(labels)] -= 1.0
    return z / len(z)


def sce_grad_returns_none(logits, labels):
    _softmax(np.asarray(logits, dtype=float))


def sce_grad_float32(logits, labels):
    return sce_grad_loop(logits, labels).astype(np.float32)

RIGHT = {
    "train_xor": [train_xor_handout_lines, train_xor_gradient_descent],
    "xor_step": [xor_step_handout_lines, xor_step_layer_loop],
    "predict": [predict_dot, predict_layer_loop],
    "perceptron_train": [perceptron_train_step_at_zero_is_one, perceptron_train_with_progress],
    "train_digits_mlp": [train_digits_mlp_one_hot, train_digits_mlp_two_hidden_layers],
    "softmax_cross_entropy_grad": [sce_grad_one_hot, sce_grad_loop],
}

WRONG = [
    ("train_xor", train_xor_no_bias_update, r"biases are never updated"),
    ("train_xor", train_xor_gradient_ascent, r"The loss did not fall(.|\n)*updates go uphill"),
    ("train_xor", train_xor_no_sigmoid_derivative, r"sigmoid's derivative is missing"),
    ("train_xor", train_xor_derivative_of_z, r"takes the sigmoid's OUTPUT"),
    ("train_xor", train_xor_ignores_lr, r"learning rate is ignored"),
    ("train_xor", train_xor_ignores_seed, r"seed is ignored"),
    ("train_xor", train_xor_never_seeds, r"Two calls of train_xor\(epochs=50\) gave different weights"),
    ("train_xor", train_xor_fixed_epochs, r"number of epochs is ignored"),
    ("train_xor", train_xor_too_few_epochs, r"losses has shape \(1000,\), but shape \(10000,\)"),
    ("train_xor", train_xor_ignores_hidden, r"shape \(2, 2\), but shape \(2, 3\) was expected"),
    ("train_xor", train_xor_summed_loss, r"MEAN squared error"),
    ("train_xor", train_xor_default_rng, r"np.random.default_rng"),
    ("train_xor", train_xor_flat_params, r"group them in 2 pairs"),
    ("train_xor", train_xor_returns_predictions, r"should return a pair \(params, losses\)"),
    ("xor_step", xor_step_updated_wo, r"computed with the UPDATED wo"),
    ("xor_step", xor_step_in_place, r"changed its input `params` in place"),
    ("xor_step", xor_step_uphill, r"goes uphill"),
    ("xor_step", xor_step_derivative_of_z, r"takes the sigmoid's OUTPUT"),
    ("xor_step", xor_step_no_bias_update, r"biases did not change"),
    ("xor_step", xor_step_ignores_lr, r"learning rate is ignored"),
    ("xor_step", xor_step_loss_after_update, r"computed before the update"),
    ("xor_step", xor_step_hard_coded_xor, r"shapes do not fit a matrix product"),
    ("xor_step", xor_step_flat_params, r"group them in 2 pairs"),
    ("xor_step", xor_step_bias_without_keepdims, r"b of layer 1 has shape \(2,\), but shape \(1, 2\) was expected"),
    ("predict", predict_no_biases, r"biases are missing"),
    ("predict", predict_no_output_bias, r"output layer's bias bo is missing"),
    ("predict", predict_no_output_sigmoid, r"output layer's sigmoid is missing"),
    ("predict", predict_no_hidden_sigmoid, r"hidden layer's sigmoid is missing"),
    ("predict", predict_rounded, r"not rounded labels"),
    ("predict", predict_transposed, r"wh transposed"),
    ("predict", predict_flat, r"has shape \(3,\), but shape \(3, 1\) was expected"),
    ("predict", predict_relu_hidden, r"has the wrong values"),
    ("perceptron_train", perceptron_train_no_bias_update, r"b was not updated"),
    ("perceptron_train", perceptron_train_wrong_sign, r"The sign is reversed"),
    ("perceptron_train", perceptron_train_updates_every_sample, r"epoch 2 changes nothing"),
    ("perceptron_train", perceptron_train_delta_rule, r"epoch 2 changes nothing"),
    ("perceptron_train", perceptron_train_ignores_lr, r"learning rate lr is ignored"),
    ("perceptron_train", perceptron_train_counts_after_the_epoch,
     r"count it in errors_per_epoch\s+during the epoch"),
    ("perceptron_train", perceptron_train_random_start, r"w starts at zeros"),
    ("perceptron_train", perceptron_train_stops_early, r"record one count in every epoch"),
    ("perceptron_train", perceptron_train_cumulative_errors, r"errors_per_epoch = \[1, 0\]"),
    ("perceptron_train", perceptron_train_column_weights, r"w has shape \(2, 1\)"),
    ("train_digits_mlp", train_digits_mlp_returns_accuracy, r"should return a pair \(params, losses\)"),
    ("train_digits_mlp", train_digits_mlp_labels_not_shuffled, r"keeps its own label"),
    ("train_digits_mlp", train_digits_mlp_shifted_labels, r"learned \(almost\) nothing"),
    ("train_digits_mlp", train_digits_mlp_unseeded_shuffle, r"gave different parameters"),
    ("train_digits_mlp", train_digits_mlp_ignores_lr, r"With lr=0.0 the parameters must not move"),
    ("train_digits_mlp", train_digits_mlp_ignores_num_epochs, r"returned 30 losses"),
    ("train_digits_mlp", train_digits_mlp_float32, r"dtype float32; float64 was expected"),
    ("train_digits_mlp", train_digits_mlp_no_softmax, r"invalid value encountered in log(.|\n)*apply softmax"),
    ("train_digits_mlp", train_digits_mlp_summed_gradient, r"learned \(almost\) nothing(.|\n)*/ batch"),
    ("train_digits_mlp", train_digits_mlp_one_epoch, r"reaches \d+\.\d% accuracy"),
    ("softmax_cross_entropy_grad", sce_grad_summed, r"did not divide by n"),
    ("softmax_cross_entropy_grad", sce_grad_y_size, r"divided by n \* k"),
    ("softmax_cross_entropy_grad", sce_grad_flipped, r"sign is flipped"),
    ("softmax_cross_entropy_grad", sce_grad_no_softmax, r"logits themselves"),
    ("softmax_cross_entropy_grad", sce_grad_naive_softmax, r"overflows|subtract each"),
    ("softmax_cross_entropy_grad", sce_grad_column_softmax, r"normalises each COLUMN"),
    ("softmax_cross_entropy_grad", sce_grad_minus_one_everywhere, r"subtracted 1 from every entry"),
    ("softmax_cross_entropy_grad", sce_grad_label_column_only, r"every class j gets"),
    ("softmax_cross_entropy_grad", sce_grad_column_labels, r"Flatten the labels"),
    ("softmax_cross_entropy_grad", sce_grad_in_place, r"(changed|modif|mutat)"),
    ("softmax_cross_entropy_grad", sce_grad_returns_none, r"None"),
    ("softmax_cross_entropy_grad", sce_grad_float32, r"float32"),
]
