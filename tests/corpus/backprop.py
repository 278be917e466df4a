"""Lesson 04 corpus: sigmoid_derivative, relu_derivative, numerical_gradient, dense_backward,
backward, repaired_backward, gradient_descent_step.

See ``corpus/__init__`` for the tables. Activations are given by name; a layer's cache is its
``(A_prev, Z)`` pair; gradients have the shapes of their parameters.
"""
from __future__ import annotations

import numpy as np

# --------------------------------------------------------------------------------------------
# sigmoid_derivative(a), with a = sigmoid(z) the sigmoid's OUTPUT
# --------------------------------------------------------------------------------------------

def sigmoid_derivative_expanded(a):
    a = np.asarray(a, dtype=float)
    return a - a ** 2


def sigmoid_derivative_ufuncs(a):
    return np.multiply(a, np.subtract(1.0, a))


def sigmoid_derivative_of_z(a):
    s = 1 / (1 + np.exp(-np.asarray(a, dtype=float)))
    return s * (1 - s)


def sigmoid_derivative_exp_form(a):
    e = np.exp(-np.asarray(a, dtype=float))
    return e / (1 + e) ** 2


def sigmoid_derivative_tanh_form(a):
    return 1 - np.asarray(a, dtype=float) ** 2


def sigmoid_derivative_sign_flipped(a):
    a = np.asarray(a, dtype=float)
    return a * (a - 1)


def sigmoid_derivative_no_brackets(a):
    a = np.asarray(a, dtype=float)
    return a * 1 - a


def sigmoid_derivative_missing_factor(a):
    return 1 - np.asarray(a, dtype=float)


def sigmoid_derivative_in_place(a):
    a = np.asarray(a, dtype=float)
    a *= 1 - a
    return a


def sigmoid_derivative_float32(a):
    a = np.asarray(a, dtype=np.float32)
    return a * (1 - a)


# --------------------------------------------------------------------------------------------
# relu_derivative(z)
# --------------------------------------------------------------------------------------------

def relu_derivative_where(z):
    return np.where(np.asarray(z) > 0, 1.0, 0.0)


def relu_derivative_heaviside(z):
    return np.heaviside(np.asarray(z, dtype=float), 0.0)


def relu_derivative_greater(z):
    return np.greater(z, 0).astype(np.float64)


def relu_derivative_one_at_zero(z):
    return (np.asarray(z) >= 0).astype(float)


def relu_derivative_booleans(z):
    return np.asarray(z) > 0


def relu_derivative_integers(z):
    return (np.asarray(z) > 0).astype(int)


def relu_derivative_returns_relu(z):
    return np.maximum(z, 0.0)


def relu_derivative_sign(z):
    return np.sign(z)


def relu_derivative_half_at_zero(z):
    return np.heaviside(z, 0.5)


def relu_derivative_python_float_breaks(z):
    return (z > 0).astype(float)


def relu_derivative_in_place(z):
    z = np.asarray(z, dtype=float)
    z[z > 0] = 1.0
    z[z <= 0] = 0.0
    return z


# --------------------------------------------------------------------------------------------
# numerical_gradient(f, x, h=1e-5): central differences, x restored
# --------------------------------------------------------------------------------------------

def numerical_gradient_steps(f, x, h=1e-5):
    """Never touches x: evaluates f at x plus and minus a one-hot step."""
    grad = np.zeros(x.shape)
    for i in range(x.size):
        step = np.zeros(x.size)
        step[i] = h
        step = step.reshape(x.shape)
        grad.flat[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def numerical_gradient_nditer(f, x, h=1e-5):
    """CS231n's gradient_check style: perturb in place, restore the saved value."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        fxph = f(x)
        x[ix] = old - h
        fxmh = f(x)
        x[ix] = old
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad


def numerical_gradient_flat_view(f, x, h=1e-5):
    flat = x.reshape(-1)            # a view: changing it changes x
    grad = np.empty(x.size)
    for i in range(x.size):
        old = flat[i]
        flat[i] = old + h
        plus = f(x)
        flat[i] = old - h
        minus = f(x)
        flat[i] = old
        grad[i] = (plus - minus) / h / 2
    return grad.reshape(x.shape)


def _one_at_a_time(f, x, h, make):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        grad[idx] = make(f, x, idx, old, h)
        x[idx] = old
    return grad


def numerical_gradient_forward(f, x, h=1e-5):
    def slope(f, x, idx, old, h):
        base = f(x)
        x[idx] = old + h
        return (f(x) - base) / h
    return _one_at_a_time(f, x, h, slope)


def numerical_gradient_backward(f, x, h=1e-5):
    def slope(f, x, idx, old, h):
        base = f(x)
        x[idx] = old - h
        return (base - f(x)) / h
    return _one_at_a_time(f, x, h, slope)


def numerical_gradient_divides_by_h(f, x, h=1e-5):
    def slope(f, x, idx, old, h):
        x[idx] = old + h
        plus = f(x)
        x[idx] = old - h
        return (plus - f(x)) / h
    return _one_at_a_time(f, x, h, slope)


def numerical_gradient_fixed_h(f, x, h=1e-5):
    def slope(f, x, idx, old, _):
        x[idx] = old + 1e-5
        plus = f(x)
        x[idx] = old - 1e-5
        return (plus - f(x)) / 2e-5
    return _one_at_a_time(f, x, h, slope)


def numerical_gradient_by_rows(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def numerical_gradient_all_at_once(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient_never_restores(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        plus = f(x)
        x[idx] -= 2 * h
        grad[idx] = (plus - f(x)) / (2 * h)
    return grad


def numerical_gradient_restores_by_adding_back(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        plus = f(x)
        x[idx] -= 2 * h
        minus = f(x)
        x[idx] += h        # rounding: not always the float it started as
        grad[idx] = (plus - minus) / (2 * h)
    return grad


def numerical_gradient_flat_result(f, x, h=1e-5):
    grad = np.zeros(len(x))
    for i in range(len(x)):
        xp, xm = x.copy(), x.copy()
        xp.flat[i] += h
        xm.flat[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


def numerical_gradient_list(f, x, h=1e-5):
    grad = []
    for i in range(x.size):
        xp, xm = x.copy(), x.copy()
        xp.flat[i] += h
        xm.flat[i] -= h
        grad.append((f(xp) - f(xm)) / (2 * h))
    return grad


# --------------------------------------------------------------------------------------------
# dense_backward(dA, cache, W, activation) -> (dX, dW, db)
# --------------------------------------------------------------------------------------------

_DERIVATIVE_OF_Z = {
    "identity": lambda Z: np.ones_like(Z),
    "sigmoid": lambda Z: (1 / (1 + np.exp(-Z))) * (1 - 1 / (1 + np.exp(-Z))),
    "tanh": lambda Z: 1 - np.tanh(Z) ** 2,
    "relu": lambda Z: (Z > 0).astype(float),
}


def dense_backward_table(dA, cache, W, activation):
    A_prev, Z = cache
    dZ = dA * _DERIVATIVE_OF_Z[activation](Z)
    return np.dot(dZ, W.T), np.dot(A_prev.T, dZ), np.sum(dZ, axis=0, keepdims=True)


def _sigmoid_derivative(a):
    return a * (1 - a)


def dense_backward_branches(dA, cache, W, activation):
    A_prev, Z = cache
    if activation == "sigmoid":
        a = 1 / (1 + np.exp(-Z))
        dZ = dA * _sigmoid_derivative(a)
    elif activation == "tanh":
        dZ = dA * (1 - np.tanh(Z) ** 2)
    elif activation == "relu":
        dZ = np.where(Z > 0, dA, 0.0)
    else:
        dZ = dA
    dW = np.einsum("ni,no->io", A_prev, dZ)
    db = dZ.sum(axis=0)[np.newaxis, :]
    dX = np.einsum("no,io->ni", dZ, W)
    return dX, dW, db


def _layer_mistake(dZ=None, dW=None, db=None, dX=None):
    def implementation(dA, cache, W, activation):
        A_prev, Z = cache
        d_Z = dZ(dA, Z, activation) if dZ else dA * _DERIVATIVE_OF_Z[activation](Z)
        return ((dX or (lambda dA, dZ, W: dZ @ W.T))(dA, d_Z, W),
                (dW or (lambda A, dZ: A.T @ dZ))(A_prev, d_Z),
                (db or (lambda dZ: dZ.sum(axis=0, keepdims=True)))(d_Z))
    return implementation


def dense_backward_dW_transposed(dA, cache, W, activation):
    return _layer_mistake(dW=lambda A, dZ: dZ.T @ A)(dA, cache, W, activation)


def dense_backward_dW_product_swapped(dA, cache, W, activation):
    return _layer_mistake(dW=lambda A, dZ: dZ @ A)(dA, cache, W, activation)


def dense_backward_dX_without_transpose(dA, cache, W, activation):
    return _layer_mistake(dX=lambda dA, dZ, W: dZ @ W)(dA, cache, W, activation)


def dense_backward_forgot_derivative(dA, cache, W, activation):
    return _layer_mistake(dZ=lambda dA, Z, activation: dA)(dA, cache, W, activation)


def dense_backward_sigmoid_derivative_of_z(dA, cache, W, activation):
    def dZ(dA, Z, activation):
        if activation == "sigmoid":
            return dA * _sigmoid_derivative(Z)
        return dA * _DERIVATIVE_OF_Z[activation](Z)
    return _layer_mistake(dZ=dZ)(dA, cache, W, activation)


def dense_backward_relu_one_at_zero(dA, cache, W, activation):
    def dZ(dA, Z, activation):
        return dA * ((Z >= 0).astype(float) if activation == "relu" else _DERIVATIVE_OF_Z[activation](Z))
    return _layer_mistake(dZ=dZ)(dA, cache, W, activation)


def dense_backward_dX_from_dA(dA, cache, W, activation):
    return _layer_mistake(dX=lambda dA, dZ, W: dA @ W.T)(dA, cache, W, activation)


def dense_backward_db_flat(dA, cache, W, activation):
    return _layer_mistake(db=lambda dZ: np.sum(dZ, axis=0))(dA, cache, W, activation)


def dense_backward_db_wrong_axis(dA, cache, W, activation):
    return _layer_mistake(db=lambda dZ: np.sum(dZ, axis=1, keepdims=True))(dA, cache, W, activation)


def dense_backward_db_not_summed(dA, cache, W, activation):
    return _layer_mistake(db=lambda dZ: dZ)(dA, cache, W, activation)


def dense_backward_db_mean(dA, cache, W, activation):
    return _layer_mistake(db=lambda dZ: np.mean(dZ, axis=0, keepdims=True))(dA, cache, W, activation)


def dense_backward_dW_averaged(dA, cache, W, activation):
    return _layer_mistake(dW=lambda A, dZ: A.T @ dZ / A.shape[0])(dA, cache, W, activation)


def dense_backward_wrong_order(dA, cache, W, activation):
    dX, dW, db = dense_backward_table(dA, cache, W, activation)
    return dW, db, dX


def dense_backward_scales_dA_in_place(dA, cache, W, activation):
    A_prev, Z = cache
    dA *= _DERIVATIVE_OF_Z[activation](Z)
    return dA @ W.T, A_prev.T @ dA, dA.sum(axis=0, keepdims=True)


def dense_backward_no_return(dA, cache, W, activation):
    A_prev, Z = cache
    dZ = dA * _DERIVATIVE_OF_Z[activation](Z)
    dX, dW, db = dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0, keepdims=True)  # noqa: F841


# --------------------------------------------------------------------------------------------
# backward(params, cache, y, activations, loss="mse") -> [(dW, db), ...]
# --------------------------------------------------------------------------------------------

_ACT = {
    "identity": lambda Z: Z,
    "sigmoid": lambda Z: 1 / (1 + np.exp(-Z)),
    "tanh": np.tanh,
    "relu": lambda Z: np.maximum(Z, 0),
}


def backward_index_loop(params, cache, y, activations, loss="mse"):
    """Indexes the layers from the last down; bce the long way, through dL/dy_hat."""
    L = len(params)
    y_hat = _ACT[activations[-1]](cache[-1][1])
    if loss == "mse":
        dA = 2 * (y_hat - y) / y.size
    else:
        dA = (-(y / y_hat) + (1 - y) / (1 - y_hat)) / y.shape[0]
    grads = [None] * L
    for l in range(L - 1, -1, -1):
        dA, dW, db = dense_backward_table(dA, cache[l], params[l][0], activations[l])
        grads[l] = (dW, db)
    return grads


def backward_handout_names(params, cache, y, activations, loss="mse"):
    """The handout's names: the error times the derivative is the layer's delta."""
    output = _ACT[activations[-1]](cache[-1][1])
    error = output - y
    if loss == "bce":
        delta = error / len(y)
    else:
        delta = 2 * error / np.prod(y.shape) * _DERIVATIVE_OF_Z[activations[-1]](cache[-1][1])
    grads = []
    for l in reversed(range(len(params))):
        A_prev, Z = cache[l]
        if l < len(params) - 1:
            delta = delta * _DERIVATIVE_OF_Z[activations[l]](Z)
        grads.insert(0, [A_prev.T.dot(delta), np.sum(delta, axis=0, keepdims=True)])
        delta = delta.dot(params[l][0].T)
    return grads


def _backward_mistake(*, denominator=lambda y: y.size, factor=2.0, sign=1.0, shift=False,
                      bce_twice=False, ignore_loss=False, reverse=False, divide_each=False):
    def implementation(params, cache, y, activations, loss="mse"):
        if ignore_loss:
            loss = "mse"
        y_hat = _ACT[activations[-1]](cache[-1][1])
        if loss == "mse":
            dA, last = sign * factor * (y_hat - y) / denominator(y), activations[-1]
        else:
            dA, last = sign * (y_hat - y) / denominator(y), "sigmoid" if bce_twice else "identity"
        names = [*activations[:-1], last]
        if shift:
            names = [*activations[1:], last]
        grads = []
        for l in reversed(range(len(params))):
            dA, dW, db = dense_backward_table(dA, cache[l], params[l][0], names[l])
            if divide_each:
                dW, db = dW / len(y), db / len(y)
            grads.append((dW, db))
        return grads if reverse else grads[::-1]
    return implementation


def backward_sums_instead_of_mean(params, cache, y, activations, loss="mse"):
    return _backward_mistake(denominator=lambda y: 1)(params, cache, y, activations, loss)


def backward_divides_by_rows(params, cache, y, activations, loss="mse"):
    return _backward_mistake(denominator=len)(params, cache, y, activations, loss)


def backward_forgets_the_2(params, cache, y, activations, loss="mse"):
    return _backward_mistake(factor=1.0)(params, cache, y, activations, loss)


def backward_handout_sign(params, cache, y, activations, loss="mse"):
    return _backward_mistake(sign=-1.0)(params, cache, y, activations, loss)


def backward_derivative_of_next_layer(params, cache, y, activations, loss="mse"):
    return _backward_mistake(shift=True)(params, cache, y, activations, loss)


def backward_bce_sigmoid_twice(params, cache, y, activations, loss="mse"):
    return _backward_mistake(bce_twice=True)(params, cache, y, activations, loss)


def backward_ignores_loss(params, cache, y, activations, loss="mse"):
    return _backward_mistake(ignore_loss=True)(params, cache, y, activations, loss)


def backward_last_layer_first(params, cache, y, activations, loss="mse"):
    return _backward_mistake(reverse=True)(params, cache, y, activations, loss)


def backward_divides_every_layer(params, cache, y, activations, loss="mse"):
    return _backward_mistake(divide_each=True)(params, cache, y, activations, loss)


def backward_pops_the_cache(params, cache, y, activations, loss="mse"):
    y_hat = _ACT[activations[-1]](cache[-1][1])
    dA = 2 * (y_hat - y) / y.size if loss == "mse" else (y_hat - y) / y.size
    names = list(activations[:-1]) + [activations[-1] if loss == "mse" else "identity"]
    grads = []
    for l in reversed(range(len(params))):
        dA, dW, db = dense_backward_table(dA, cache.pop(), params[l][0], names[l])
        grads.insert(0, (dW, db))
    return grads


def backward_dict(params, cache, y, activations, loss="mse"):
    grads = backward_index_loop(params, cache, y, activations, loss)
    return {f"dW{l}": dW for l, (dW, _) in enumerate(grads, start=1)}


# --------------------------------------------------------------------------------------------
# repaired_backward(X, y, W1, b1, W2, b2) -> (dW1, db1, dW2, db2): the notebook's broken_backward,
# repaired (its bugs: dW1 transposed, sigmoid_derivative fed Z1, db2 averaged)
# --------------------------------------------------------------------------------------------

def _sig(Z):
    return 1 / (1 + np.exp(-Z))


def repaired_backward_handout_style(X, y, W1, b1, W2, b2):
    """The handout's names and .dot, the derivative written with the output."""
    hidden_output = _sig(np.dot(X, W1) + b1)
    output = _sig(np.dot(hidden_output, W2) + b2)
    d_output = (output - y) / np.prod(y.shape)
    d_hidden = d_output.dot(W2.T) * hidden_output * (1 - hidden_output)
    return (X.T.dot(d_hidden), np.sum(d_hidden, axis=0, keepdims=True),
            hidden_output.T.dot(d_output), np.sum(d_output, axis=0, keepdims=True))


def repaired_backward_einsum_and_loops(X, y, W1, b1, W2, b2):
    """The bce gradient the long way, through dL/dy_hat, and einsum for the products."""
    Z1 = X @ W1 + b1
    A1 = _sig(Z1)
    y_hat = _sig(A1 @ W2 + b2)
    dy_hat = (-(y / y_hat) + (1 - y) / (1 - y_hat)) / y.size
    dZ2 = dy_hat * y_hat * (1 - y_hat)
    dZ1 = np.einsum("nk,hk->nh", dZ2, W2) * np.exp(-Z1) / (1 + np.exp(-Z1)) ** 2
    db1 = np.zeros((1, W1.shape[1]))
    for row in dZ1:
        db1 = db1 + row
    return (np.einsum("ni,nh->ih", X, dZ1), db1, np.einsum("nh,nk->hk", A1, dZ2),
            dZ2.sum(axis=0).reshape(1, 1))


def _repair_mistake(*, transposed=False, at_z=False, mean_db2=False, no_derivative=False,
                    output_derivative=False, no_mean=False, sign=1.0, flat_db1=False):
    def implementation(X, y, W1, b1, W2, b2):
        Z1 = X @ W1 + b1
        A1 = _sig(Z1)
        y_hat = _sig(A1 @ W2 + b2)
        dZ2 = sign * (y_hat - y) / (1 if no_mean else y.size)
        if output_derivative:
            dZ2 = dZ2 * y_hat * (1 - y_hat)
        dW2 = A1.T @ dZ2
        db2 = np.mean(dZ2, axis=0, keepdims=True) if mean_db2 else np.sum(dZ2, axis=0, keepdims=True)
        dA1 = dZ2 @ W2.T
        S = _sig(Z1) if at_z else A1
        dZ1 = dA1 if no_derivative else dA1 * S * (1 - S)
        dW1 = dZ1.T @ X if transposed else X.T @ dZ1
        db1 = np.sum(dZ1, axis=0) if flat_db1 else np.sum(dZ1, axis=0, keepdims=True)
        return dW1, db1, dW2, db2
    return implementation


def repaired_backward_unchanged(X, y, W1, b1, W2, b2):
    """The notebook's broken_backward, copied as it is."""
    Z1 = X @ W1 + b1
    A1 = _sig(Z1)
    Z2 = A1 @ W2 + b2
    y_hat = _sig(Z2)
    dZ2 = (y_hat - y) / y.size
    dW2 = A1.T @ dZ2
    db2 = np.mean(dZ2, axis=0, keepdims=True)
    dA1 = dZ2 @ W2.T
    dZ1 = dA1 * Z1 * (1 - Z1)
    dW1 = dZ1.T @ X
    db1 = np.sum(dZ1, axis=0, keepdims=True)
    return dW1, db1, dW2, db2


def repaired_backward_only_transpose_left(X, y, W1, b1, W2, b2):
    return _repair_mistake(transposed=True)(X, y, W1, b1, W2, b2)


def repaired_backward_only_derivative_of_z_left(X, y, W1, b1, W2, b2):
    """sigmoid_derivative(Z1): the output formula a * (1 - a) fed Z1."""
    Z1 = X @ W1 + b1
    A1 = _sig(Z1)
    y_hat = _sig(A1 @ W2 + b2)
    dZ2 = (y_hat - y) / y.size
    dZ1 = (dZ2 @ W2.T) * Z1 * (1 - Z1)
    return (X.T @ dZ1, dZ1.sum(axis=0, keepdims=True), A1.T @ dZ2,
            dZ2.sum(axis=0, keepdims=True))


def repaired_backward_only_mean_db2_left(X, y, W1, b1, W2, b2):
    return _repair_mistake(mean_db2=True)(X, y, W1, b1, W2, b2)


def repaired_backward_two_bugs_left(X, y, W1, b1, W2, b2):
    """The transpose fixed; Z1 and the mean still there."""
    Z1 = X @ W1 + b1
    A1 = _sig(Z1)
    y_hat = _sig(A1 @ W2 + b2)
    dZ2 = (y_hat - y) / y.size
    dZ1 = (dZ2 @ W2.T) * Z1 * (1 - Z1)
    return (X.T @ dZ1, dZ1.sum(axis=0, keepdims=True), A1.T @ dZ2,
            dZ2.mean(axis=0, keepdims=True))


def repaired_backward_no_hidden_derivative(X, y, W1, b1, W2, b2):
    return _repair_mistake(no_derivative=True)(X, y, W1, b1, W2, b2)


def repaired_backward_output_derivative_twice(X, y, W1, b1, W2, b2):
    return _repair_mistake(output_derivative=True)(X, y, W1, b1, W2, b2)


def repaired_backward_no_mean(X, y, W1, b1, W2, b2):
    return _repair_mistake(no_mean=True)(X, y, W1, b1, W2, b2)


def repaired_backward_sign(X, y, W1, b1, W2, b2):
    return _repair_mistake(sign=-1.0)(X, y, W1, b1, W2, b2)


def repaired_backward_flat_db1(X, y, W1, b1, W2, b2):
    return _repair_mistake(flat_db1=True)(X, y, W1, b1, W2, b2)


def repaired_backward_dA1_without_transpose(X, y, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    A1 = _sig(Z1)
    y_hat = _sig(A1 @ W2 + b2)
    dZ2 = (y_hat - y) / y.size
    dZ1 = (dZ2 @ W2) * A1 * (1 - A1)
    return (X.T @ dZ1, dZ1.sum(axis=0, keepdims=True), A1.T @ dZ2,
            dZ2.sum(axis=0, keepdims=True))


def repaired_backward_wrong_order(X, y, W1, b1, W2, b2):
    dW1, db1, dW2, db2 = repaired_backward_handout_style(X, y, W1, b1, W2, b2)
    return dW1, dW2, db1, db2


def repaired_backward_updates_W1_in_place(X, y, W1, b1, W2, b2):
    grads = repaired_backward_handout_style(X, y, W1, b1, W2, b2)
    W1 -= grads[0]
    return grads


def repaired_backward_no_return(X, y, W1, b1, W2, b2):
    grads = repaired_backward_handout_style(X, y, W1, b1, W2, b2)  # noqa: F841


# --------------------------------------------------------------------------------------------
# gradient_descent_step(params, grads, lr) -> new params
# --------------------------------------------------------------------------------------------

def gradient_descent_step_lists(params, grads, lr):
    new_params = []
    for i in range(len(params)):
        W, b = params[i]
        dW, db = grads[i]
        new_params.append([W - lr * dW, b - lr * db])
    return new_params


def gradient_descent_step_copies(params, grads, lr):
    new_params = []
    for (W, b), (dW, db) in zip(params, grads):
        W, b = W.copy(), b.copy()
        W -= lr * dW
        b -= lr * db
        new_params.append((W, b))
    return tuple(new_params)


def gradient_descent_step_ascent(params, grads, lr):
    return [(W + lr * dW, b + lr * db) for (W, b), (dW, db) in zip(params, grads)]


def gradient_descent_step_no_lr(params, grads, lr):
    return [(W - dW, b - db) for (W, b), (dW, db) in zip(params, grads)]


def gradient_descent_step_weights_only(params, grads, lr):
    return [(W - lr * dW, b) for (W, b), (dW, _) in zip(params, grads)]


def gradient_descent_step_divides(params, grads, lr):
    return [(W - dW / lr, b - db / lr) for (W, b), (dW, db) in zip(params, grads)]


def gradient_descent_step_returns_updates(params, grads, lr):
    return [(-lr * dW, -lr * db) for dW, db in grads]


def gradient_descent_step_in_place(params, grads, lr):
    for (W, b), (dW, db) in zip(params, grads):
        W -= lr * dW
        b -= lr * db
    return params


def gradient_descent_step_in_place_no_return(params, grads, lr):
    for (W, b), (dW, db) in zip(params, grads):
        W -= lr * dW
        b -= lr * db


def gradient_descent_step_last_layer_only(params, grads, lr):
    (W, b), (dW, db) = params[-1], grads[-1]
    return [(W - lr * dW, b - lr * db)]


# --------------------------------------------------------------------------------------------
# the tables
# --------------------------------------------------------------------------------------------

RIGHT = {
    "sigmoid_derivative": [sigmoid_derivative_expanded, sigmoid_derivative_ufuncs],
    "relu_derivative": [relu_derivative_where, relu_derivative_heaviside, relu_derivative_greater],
    "numerical_gradient": [numerical_gradient_steps, numerical_gradient_nditer,
                           numerical_gradient_flat_view],
    "dense_backward": [dense_backward_table, dense_backward_branches],
    "backward": [backward_index_loop, backward_handout_names],
    "repaired_backward": [repaired_backward_handout_style, repaired_backward_einsum_and_loops],
    "gradient_descent_step": [gradient_descent_step_lists, gradient_descent_step_copies],
}

IN_PLACE = r"changed its input `{}` in place"

WRONG = [
    ("sigmoid_derivative", sigmoid_derivative_of_z, r"You applied the sigmoid to a again"),
    ("sigmoid_derivative", sigmoid_derivative_exp_form, r"formula for z(.|\n)*simply a \* \(1 - a\)"),
    ("sigmoid_derivative", sigmoid_derivative_tanh_form, r"1 - a\*\*2 is the derivative of tanh"),
    ("sigmoid_derivative", sigmoid_derivative_sign_flipped, r"The sign is flipped"),
    ("sigmoid_derivative", sigmoid_derivative_no_brackets, r"multiplication comes before subtraction"),
    ("sigmoid_derivative", sigmoid_derivative_missing_factor, r"not 1 - a"),
    ("sigmoid_derivative", sigmoid_derivative_in_place, IN_PLACE.format("a")),
    ("sigmoid_derivative", sigmoid_derivative_float32, r"dtype float32; the course works in float64"),

    ("relu_derivative", relu_derivative_one_at_zero, r"At z = 0 your derivative is 1\."),
    ("relu_derivative", relu_derivative_booleans,
     r"The result is a boolean(.|\n)*\(z > 0\)\.astype\(float\)"),
    ("relu_derivative", relu_derivative_integers, r"holds integers(.|\n)*float64"),
    ("relu_derivative", relu_derivative_returns_relu, r"You returned relu\(z\) = max\(0, z\) itself"),
    ("relu_derivative", relu_derivative_sign, r"np\.sign\(z\) gives -1"),
    ("relu_derivative", relu_derivative_half_at_zero, r"At z = 0 your derivative is 0\.5"),
    ("relu_derivative", relu_derivative_python_float_breaks,
     r"a Python float(.|\n)*raised AttributeError: 'bool' object has no attribute 'astype'"),
    ("relu_derivative", relu_derivative_in_place, IN_PLACE.format("z")),

    ("numerical_gradient", numerical_gradient_forward, r"These are forward differences"),
    ("numerical_gradient", numerical_gradient_backward, r"These are backward differences"),
    ("numerical_gradient", numerical_gradient_divides_by_h, r"twice too large(.|\n)*divide"),
    ("numerical_gradient", numerical_gradient_fixed_h, r"h = 0\.01(.|\n)*ignored the argument h"),
    ("numerical_gradient", numerical_gradient_by_rows, r"x\[i\] is a whole row"),
    ("numerical_gradient", numerical_gradient_all_at_once, r"moved every entry of x at once"),
    ("numerical_gradient", numerical_gradient_never_restores,
     r"put back exactly(.|\n)*numerical_gradient changed x: after it returned, x\[0\] is"),
    ("numerical_gradient", numerical_gradient_restores_by_adding_back,
     r"did not put x back exactly(.|\n)*Save each entry"),
    ("numerical_gradient", numerical_gradient_flat_result,
     r"has shape \(3,\), but shape \(3, 4\) was expected"),
    ("numerical_gradient", numerical_gradient_list, r"is a Python list, not a NumPy array"),

    ("dense_backward", dense_backward_dW_transposed, r"dW looks transposed"),
    ("dense_backward", dense_backward_dW_product_swapped, r"dW = dZ @ A_prev is the wrong product"),
    ("dense_backward", dense_backward_dX_without_transpose, r"dX = dZ @ W multiplies by W"),
    ("dense_backward", dense_backward_forgot_derivative,
     r"'sigmoid, 4 samples(.|\n)*forgot the activation's derivative"),
    ("dense_backward", dense_backward_sigmoid_derivative_of_z,
     r"use sigmoid_derivative\(sigmoid\(Z\)\)"),
    ("dense_backward", dense_backward_relu_one_at_zero, r"some Z exactly 0(.|\n)*not Z >= 0"),
    ("dense_backward", dense_backward_dX_from_dA, r"dX should use dZ"),
    ("dense_backward", dense_backward_db_flat,
     r"gradient db \(the third item\) has shape \(3,\), but shape \(1, 3\)(.|\n)*keepdims=True"),
    ("dense_backward", dense_backward_db_wrong_axis, r"summed over the wrong axis"),
    ("dense_backward", dense_backward_db_not_summed,
     r"has shape \(3, 3\), but shape \(1, 3\)(.|\n)*must be summed over the samples"),
    ("dense_backward", dense_backward_db_mean, r"a sum over the samples, not a mean"),
    ("dense_backward", dense_backward_dW_averaged, r"should not be divided by the number of samples"),
    ("dense_backward", dense_backward_wrong_order, r"wrong order: return \(dX, dW, db\)"),
    ("dense_backward", dense_backward_scales_dA_in_place, IN_PLACE.format("dA")),
    ("dense_backward", dense_backward_no_return, r"returned None\. Did you forget the `return"),

    ("backward", backward_sums_instead_of_mean, r"n times too large"),
    ("backward", backward_divides_by_rows, r"all y\.size = n \* n_out entries"),
    ("backward", backward_forgets_the_2, r"half the right size"),
    ("backward", backward_handout_sign, r"wrong sign(.|\n)*gradient descent subtracts it"),
    ("backward", backward_derivative_of_next_layer, r"ITS OWN activation"),
    ("backward", backward_bce_sigmoid_twice, r"don't multiply by it again"),
    ("backward", backward_ignores_loss, r"loss='bce' seems to be ignored"),
    ("backward", backward_last_layer_first,
     r"the gradient dW of layer 1 \(entry \[0\]\[0\]\) has shape \(2, 1\), but shape \(2, 2\)(.|\n)*reverse order"),
    ("backward", backward_divides_every_layer, r"Divide by n only once"),
    ("backward", backward_pops_the_cache, IN_PLACE.format("cache")),
    ("backward", backward_dict, r"should be a list with one \(dW, db\) pair per layer"),

    ("repaired_backward", repaired_backward_unchanged,
     r"still broken_backward: none of its three bugs is fixed"),
    ("repaired_backward", repaired_backward_only_transpose_left,
     r"dW1 \(the first item\) has shape \(3, 2\), but shape \(2, 3\)(.|\n)*One bug is left\. dW1 is transposed"),
    ("repaired_backward", repaired_backward_only_derivative_of_z_left,
     r"One bug is left\. sigmoid_derivative takes the sigmoid's OUTPUT"),
    ("repaired_backward", repaired_backward_only_mean_db2_left,
     r"One bug is left\. db2 must be summed over the samples"),
    ("repaired_backward", repaired_backward_two_bugs_left,
     r"Two bugs are left(.|\n)*sigmoid_derivative\(A1\)(.|\n)*db2 must be summed"),
    ("repaired_backward", repaired_backward_no_hidden_derivative,
     r"missing the sigmoid's slope"),
    ("repaired_backward", repaired_backward_output_derivative_twice,
     r"don't multiply by y_hat \* \(1 - y_hat\) again"),
    ("repaired_backward", repaired_backward_no_mean, r"y\.size times too large"),
    ("repaired_backward", repaired_backward_sign, r"wrong sign"),
    ("repaired_backward", repaired_backward_flat_db1,
     r"db1 \(the second item\) has shape \(3,\), but shape \(1, 3\)"),
    ("repaired_backward", repaired_backward_dA1_without_transpose,
     r"raised ValueError(.|\n)*shapes do not fit a matrix product"),
    ("repaired_backward", repaired_backward_wrong_order, r"wrong order: return dW1, db1, dW2, db2"),
    ("repaired_backward", repaired_backward_updates_W1_in_place, IN_PLACE.format("W1")),
    ("repaired_backward", repaired_backward_no_return, r"returned None\. Did you forget"),

    ("gradient_descent_step", gradient_descent_step_ascent, r"goes uphill \(gradient ascent\)"),
    ("gradient_descent_step", gradient_descent_step_no_lr, r"forgot the learning rate"),
    ("gradient_descent_step", gradient_descent_step_weights_only, r"The biases did not move"),
    ("gradient_descent_step", gradient_descent_step_divides, r"don't divide by it"),
    ("gradient_descent_step", gradient_descent_step_returns_updates, r"returned the gradients scaled by lr"),
    ("gradient_descent_step", gradient_descent_step_in_place, IN_PLACE.format("params")),
    ("gradient_descent_step", gradient_descent_step_in_place_no_return,
     r"is None\. Did you forget the `return` statement\?"),
    ("gradient_descent_step", gradient_descent_step_last_layer_only,
     r"has 1 entries, but the network has 2 layers"),
]
