"""Lesson 02 corpus: init_params, dense_forward, forward, count_params, q3_output_shape, input_dim,
predicted_shapes, relu_moment_factor.

See ``corpus/__init__`` for the tables. Shapes follow the course: X (n, n_in) @ W (n_in, n_out)
+ b (1, n_out).
"""
from __future__ import annotations

import numpy as np

# --------------------------------------------------------------------------------------------
# init_params(layer_sizes, seed=0) -> [(W, b), ...]
# --------------------------------------------------------------------------------------------

def init_params_he(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        W = rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)
        params.append((W, np.zeros((1, n_out))))
    return params


def init_params_xavier_uniform(layer_sizes, seed=0):
    rng = np.random.RandomState(seed)
    params = []
    for i in range(len(layer_sizes) - 1):
        n_in, n_out = layer_sizes[i], layer_sizes[i + 1]
        limit = np.sqrt(6.0 / (n_in + n_out))
        params.append([rng.uniform(-limit, limit, size=(n_in, n_out)), np.zeros((1, n_out))])
    return tuple(params)


def init_params_transposed_weights(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(n_out, n_in)), np.zeros((1, n_out)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def init_params_flat_bias(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(n_in, n_out)), np.zeros(n_out))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def init_params_zero_weights(layer_sizes, seed=0):
    return [(np.zeros((n_in, n_out)), np.zeros((1, n_out)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def init_params_ignores_seed(layer_sizes, seed=0):
    rng = np.random.default_rng(0)
    return [(rng.normal(size=(n_in, n_out)), np.zeros((1, n_out)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def init_params_global_random_state(layer_sizes, seed=0):
    return [(np.random.randn(n_in, n_out) * 0.1, np.zeros((1, n_out)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def init_params_huge_weights(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.uniform(0.0, 100.0, size=(n_in, n_out)), np.zeros((1, n_out)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def init_params_float32(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(n_in, n_out)).astype(np.float32), np.zeros((1, n_out)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def init_params_one_pair_short(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(n_in, n_out)), np.zeros((1, n_out)))
            for n_in, n_out in zip(layer_sizes[:-2], layer_sizes[1:-1])]


def init_params_dict_of_arrays(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_sizes)):
        params[f"W{l}"] = rng.normal(size=(layer_sizes[l - 1], layer_sizes[l]))
        params[f"b{l}"] = np.zeros((1, layer_sizes[l]))
    return params


def init_params_no_return(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    params = [(rng.normal(size=(n_in, n_out)), np.zeros((1, n_out)))  # noqa: F841
              for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def init_params_random_state_parameter(layer_sizes, random_state=0):
    rng = np.random.default_rng(random_state)
    return [(rng.normal(size=(n_in, n_out)), np.zeros((1, n_out)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def init_params_default_seed_none(layer_sizes, seed=None):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(n_in, n_out)), np.zeros((1, n_out)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


# --------------------------------------------------------------------------------------------
# dense_forward(X, W, b, activation): (n, n_in) -> (n, n_out)
# --------------------------------------------------------------------------------------------

def dense_forward_dot(X, W, b, activation):
    return activation(np.dot(X, W) + b)


def dense_forward_einsum(X, W, b, activation):
    Z = np.einsum("ni,io->no", X, W) + np.reshape(b, (1, -1))
    return activation(Z)


def dense_forward_forgot_bias(X, W, b, activation):
    return activation(X @ W)


def dense_forward_no_activation(X, W, b, activation):
    return X @ W + b


def dense_forward_activation_before_bias(X, W, b, activation):
    return activation(X @ W) + b


def dense_forward_activation_on_input(X, W, b, activation):
    return activation(X) @ W + b


def dense_forward_transposed_weights(X, W, b, activation):
    return activation(X @ W.T + b)


def dense_forward_transposed_square(X, W, b, activation):
    """Transposes W only when it is square, where the shapes cannot give the mistake away."""
    return activation(X @ (W.T if W.shape[0] == W.shape[1] else W) + b)


def dense_forward_elementwise_product(X, W, b, activation):
    return activation(X * W + b)


def dense_forward_tolist(X, W, b, activation):
    return activation(X @ W + b).tolist()


def dense_forward_float32(X, W, b, activation):
    return activation(X @ W + b).astype(np.float32)


# --------------------------------------------------------------------------------------------
# forward(X, params, activations) -> (output, cache), cache = [(A_prev, Z), ...]
# --------------------------------------------------------------------------------------------

def forward_recursive(X, params, activations):
    if not params:
        return X, []
    (W, b), *rest = params
    Z = X @ W + b
    output, cache = forward_recursive(activations[0](Z), rest, activations[1:])
    return output, [(X, Z)] + cache


def forward_indexed_loop(X, params, activations):
    A = np.asarray(X, dtype=float)
    cache = []
    for i in range(len(params)):
        W, b = params[i]
        Z = np.dot(A, W) + b
        cache.append([A, Z])
        A = activations[i](Z)
    return [A, cache]


def forward_no_last_activation(X, params, activations):
    A, cache = X, []
    for i, ((W, b), act) in enumerate(zip(params, activations)):
        Z = A @ W + b
        cache.append((A, Z))
        A = act(Z) if i < len(params) - 1 else Z
    return A, cache


def forward_caches_activation(X, params, activations):
    A, cache = X, []
    for (W, b), act in zip(params, activations):
        A_prev, A = A, act(A @ W + b)
        cache.append((A_prev, A))
    return A, cache


def forward_first_activation_only(X, params, activations):
    A, cache = X, []
    for W, b in params:
        Z = A @ W + b
        cache.append((A, Z))
        A = activations[0](Z)
    return A, cache


def forward_returns_output_only(X, params, activations):
    A = X
    for (W, b), act in zip(params, activations):
        A = act(A @ W + b)
    return A


def forward_caches_x_every_layer(X, params, activations):
    A, cache = X, []
    for (W, b), act in zip(params, activations):
        Z = A @ W + b
        cache.append((X, Z))
        A = act(Z)
    return A, cache


def forward_cache_pairs_swapped(X, params, activations):
    A, cache = X, []
    for (W, b), act in zip(params, activations):
        Z = A @ W + b
        cache.append((Z, A))
        A = act(Z)
    return A, cache


def forward_consumes_params(X, params, activations):
    A, cache, i = X, [], 0
    while params:
        W, b = params.pop(0)
        Z = A @ W + b
        cache.append((A, Z))
        A = activations[i](Z)
        i += 1
    return A, cache


# --------------------------------------------------------------------------------------------
# count_params(layer_sizes) -> int
# --------------------------------------------------------------------------------------------

def count_params_loop(layer_sizes):
    total = 0
    for i in range(1, len(layer_sizes)):
        total += layer_sizes[i - 1] * layer_sizes[i]  # weights
        total += layer_sizes[i]                       # biases
    return total


def count_params_numpy(layer_sizes):
    sizes = np.asarray(layer_sizes)
    return (sizes[:-1] * sizes[1:] + sizes[1:]).sum()  # an np.int64


def count_params_forgot_biases(layer_sizes):
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def count_params_counts_neurons(layer_sizes):
    return sum(layer_sizes)


def count_params_bias_per_input(layer_sizes):
    return sum(a * b + a for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def count_params_one_bias_per_layer(layer_sizes):
    return sum(a * b + 1 for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def count_params_returns_float(layer_sizes):
    return float(np.sum([a * b + b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]))


def count_params_no_return(layer_sizes):
    total = sum(a * b + b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))  # noqa: F841


def count_params_reuses_sizes_list(layer_sizes):
    for i in range(len(layer_sizes) - 1):
        layer_sizes[i] = layer_sizes[i] * layer_sizes[i + 1] + layer_sizes[i + 1]
    return sum(layer_sizes[:-1])


def count_params_pops_sizes(layer_sizes):
    total, n_in = 0, layer_sizes.pop(0)
    for n_out in layer_sizes:
        total += n_in * n_out + n_out
        n_in = n_out
    return total


# --------------------------------------------------------------------------------------------
# predicted_shapes: the right list with one entry changed
# --------------------------------------------------------------------------------------------

SHAPES = [(5, 4), (5, 4), None, (3, 4), (1, 4), (4,)]


def SHAPES_WITH(index, value):  # noqa: N802 (reads like a constant in the table)
    shapes = list(SHAPES)
    shapes[index] = value
    return shapes


# --------------------------------------------------------------------------------------------
# the tables (for the value exercises the "implementations" are values)
# --------------------------------------------------------------------------------------------

RIGHT = {
    "init_params": [init_params_he, init_params_xavier_uniform],
    "dense_forward": [dense_forward_dot, dense_forward_einsum],
    "forward": [forward_recursive, forward_indexed_loop],
    "count_params": [count_params_loop, count_params_numpy],
    "q3_output_shape": [[3, 1], np.dot(np.ones((3, 2)), np.ones((2, 1))).shape,
                        (np.int64(3), np.int64(1))],
    "input_dim": [np.int64(64), np.int32(64), np.uint16(64)],
    "predicted_shapes": [[[5, 4], [5, 4], None, [3, 4], [1, 4], [4]],
                         ((np.int64(5), 4), (5, 4), None, (3, 4), (1, 4), (4,))],
    "relu_moment_factor": [1 / 2, np.float64(0.5), 0.499],
}

MATRIX_PRODUCT = r"raised ValueError(.|\n)*shapes do not fit a matrix product"

WRONG = [
    ("init_params", init_params_transposed_weights, r"W of layer 2 has shape \(1, 2\), but "
                                                    r"\(2 inputs -> 1 outputs\) needs shape \(2, 1\)\. "
                                                    r"It looks transposed"),
    ("init_params", init_params_flat_bias, r"b of layer 1 has shape \(2,\)(.|\n)*shape \(1, n_out\)"),
    ("init_params", init_params_zero_weights, r"All the weights of layer 1 are equal \(0\)"),
    ("init_params", init_params_ignores_seed, r"the `seed` argument is ignored"),
    ("init_params", init_params_global_random_state, r"Two calls with seed=7 gave different values"),
    ("init_params", init_params_huge_weights, r"larger than 10"),
    ("init_params", init_params_float32, r"W of layer 1 has dtype float32; float64 was expected"),
    ("init_params", init_params_one_pair_short, r"returned 1 pairs, but 3 layer sizes make 2 layers"),
    ("init_params", init_params_dict_of_arrays, r"should return a list of \(W, b\) pairs, but returned"),
    ("init_params", init_params_no_return, r"returned None\. Did you forget the `return` statement\?"),
    ("init_params", init_params_random_state_parameter,
     r"unexpected keyword argument 'seed'(.|\n)*takes exactly the parameters"),
    ("init_params", init_params_default_seed_none, r"should be equal: the default seed is 0"),

    ("dense_forward", dense_forward_forgot_bias,
     r"every row must equal the bias(.|\n)*forgot the bias"),
    ("dense_forward", dense_forward_no_activation, r"did not apply the activation"),
    ("dense_forward", dense_forward_activation_before_bias, r"applied the activation before adding b"),
    ("dense_forward", dense_forward_activation_on_input, r"activation on the input"),
    ("dense_forward", dense_forward_transposed_weights, MATRIX_PRODUCT),
    ("dense_forward", dense_forward_transposed_square, r"used W transposed \(X @ W\.T\)"),
    ("dense_forward", dense_forward_elementwise_product,
     r"could not be broadcast(.|\n)*meant a matrix product \(@ or np\.dot\)"),
    ("dense_forward", dense_forward_tolist, r"is a Python list, not a NumPy array"),
    ("dense_forward", dense_forward_float32, r"dtype float32; the course works in float64"),

    ("forward", forward_no_last_activation, r"last layer's activation was not applied"),
    ("forward", forward_caches_activation, r"holds the activation A = activation\(Z\)"),
    ("forward", forward_first_activation_only, r"Every layer used the first activation"),
    ("forward", forward_returns_output_only, r"forward should return a pair \(output, cache\)"),
    ("forward", forward_caches_x_every_layer,
     r"cache\[1\]\[0\] \(A_prev, the input of layer 2\) has shape \(5, 3\), but shape \(5, 4\)"),
    ("forward", forward_cache_pairs_swapped,
     r"cache\[0\]\[0\] \(A_prev, the input of layer 1\) has shape \(3, 4\), but shape \(3, 3\)"),
    ("forward", forward_consumes_params, r"changed its input `params` in place"),

    ("count_params", count_params_forgot_biases, r"but not the biases"),
    ("count_params", count_params_counts_neurons, r"counted neurons, not parameters"),
    ("count_params", count_params_bias_per_input, r"one bias per input neuron"),
    ("count_params", count_params_one_bias_per_layer, r"is wrong\.\n  expected: 9\n  got:      8"),
    ("count_params", count_params_returns_float, r"should be a whole number \(an int\), but it is 9\.0"),
    ("count_params", count_params_no_return, r"is None\. Did you forget the `return` statement\?"),
    ("count_params", count_params_reuses_sizes_list, r"changed its input `layer_sizes` in place"),
    ("count_params", count_params_pops_sizes, r"changed its input `layer_sizes` in place"),

    ("q3_output_shape", (1, 3), r"rows and columns swapped"),
    ("q3_output_shape", (3,), r"keeps the column dimension of W"),
    ("q3_output_shape", (3, 2), r"\(3, 2\) is the shape of X"),
    ("q3_output_shape", "3x1", r"a tuple of ints, like \(2, 5\), but it is '3x1'"),
    ("q3_output_shape", None, r"a tuple of ints, like \(2, 5\), but it is None"),
    ("q3_output_shape", (3.0, 1.0), r"a tuple of ints"),

    ("input_dim", 1797, r"1797 is the number of samples"),
    ("input_dim", 8, r"8 x 8 pixels"),
    ("input_dim", 10, r"10 is the number of classes"),
    ("input_dim", 64.0, r"should be a whole number \(an int\), but it is 64\.0"),
    ("input_dim", "64", r"should be a whole number \(an int\), but it is '64'"),
    ("input_dim", None, r"input_dim is None\. Replace None with your answer"),

    ("predicted_shapes", SHAPES_WITH(0, (4, 5)), r"Entry 0 \(`X @ W`\): you predicted \(4, 5\)(.|\n)*swapped"),
    ("predicted_shapes", SHAPES_WITH(0, (3, 4)), r"\(3, 4\) is the shape of W"),
    ("predicted_shapes", SHAPES_WITH(1, (6, 4)), r"adding b never changes the shape"),
    ("predicted_shapes", SHAPES_WITH(2, (3, 3)), r"Entry 2 \(`W @ X`\): you predicted \(3, 3\), but this "
                                                 r"expression does not give a result"),
    ("predicted_shapes", SHAPES_WITH(2, "error"), r"is the string 'error'(.|\n)*None \(without quotes\)"),
    ("predicted_shapes", SHAPES_WITH(3, (5, 4)), r"X\.T is X transposed"),
    ("predicted_shapes", SHAPES_WITH(4, (4,)), r"keepdims=True keeps the summed axis"),
    ("predicted_shapes", SHAPES_WITH(4, (5, 1)), r"axis=0 sums over the rows"),
    ("predicted_shapes", SHAPES_WITH(5, (1, 4)), r"X\[0\] is one row of X as a 1-D array"),
    ("predicted_shapes", SHAPES_WITH(5, None), r"you predicted an error \(None\), but NumPy computes"),
    ("predicted_shapes", SHAPES_WITH(5, 4), r"should be a shape, a tuple of ints"),
    ("predicted_shapes", SHAPES_WITH(3, (2, 2)), r"you predicted \(2, 2\)(.|\n)*apply the rule \(n, k\) @ \(k, m\)"),
    ("predicted_shapes", [(5, 4), (5, 4)], r"has 2 entries, but there are 6 expressions"),
    ("predicted_shapes", None, r"predicted_shapes is None\. Replace None with a list"),
    ("predicted_shapes", "(5, 4), (5, 4)", r"should be a list of 6 predictions"),

    ("relu_moment_factor", 1, r"1 is the factor of the linear step"),
    ("relu_moment_factor", 0.71, r"factor of the root mean square"),
    ("relu_moment_factor", 2.0, r"He's initialisation"),
    ("relu_moment_factor", 0.25, r"does not halve them"),
    ("relu_moment_factor", 0.34, r"variance of relu\(Z\)"),
    ("relu_moment_factor", 0, r"does not set every entry to 0"),
    ("relu_moment_factor", 0.6, r"Split the mean of relu\(Z\)\*\*2"),
    ("relu_moment_factor", "1/2", r"should be a number, like 0\.3, but it is '1/2'"),
    ("relu_moment_factor", None, r"relu_moment_factor is None"),
]
