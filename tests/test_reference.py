"""The reference implementations of lessons 01 and 02 agree with PyTorch (float64) and the handout.

PyTorch is an independent implementation of every formula here; it is imported by this test
module only (``dlcourse`` itself must not import it, see the last test). Data is seeded, uneven
float64; values must agree to 1e-12.
"""
from __future__ import annotations

import copy
import subprocess
import sys

import numpy as np
import pytest
import torch

from dlcourse.reference import (count_params, dense_forward, forward, init_params, neuron, relu,
                                sigmoid, softmax, tanh, weighted_sum)

pytestmark = pytest.mark.filterwarnings("error")  # the references never warn, not even at +-1000

TOL = dict(rtol=1e-12, atol=1e-12)
SEEDS = [0, 1, 2]


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.asarray(a, dtype=np.float64))


def _close(got, expected: torch.Tensor) -> None:
    assert np.asarray(got).dtype == np.float64
    np.testing.assert_allclose(got, expected.numpy(), **TOL)


def _data(seed: int, *shape: int, scale: float = 3.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, scale, size=shape)


# --------------------------------------------------------------------------------------------
# Lesson 01 against PyTorch
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ours, theirs", [(sigmoid, torch.sigmoid), (relu, torch.relu),
                                          (tanh, torch.tanh)], ids=["sigmoid", "relu", "tanh"])
def test_activations_agree_with_torch(ours, theirs, seed):
    z = _data(seed, 7, 5, scale=10.0)
    _close(ours(z), theirs(_t(z)))


@pytest.mark.parametrize("ours, theirs", [(sigmoid, torch.sigmoid), (tanh, torch.tanh)],
                         ids=["sigmoid", "tanh"])
def test_saturating_activations_agree_with_torch_far_out(ours, theirs):
    z = np.array([-1e300, -1000.0, -745.0, -50.0, -1e-9, 0.0, 3e-7, 50.0, 745.0, 1000.0, 1e300])
    _close(ours(z), theirs(_t(z)))


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_agrees_with_torch_over_the_last_axis(seed):
    for z in (_data(seed, 6), _data(seed, 4, 6), _data(seed, 2, 3, 6), _data(seed, 4, 6) + 1000.0):
        _close(softmax(z), torch.softmax(_t(z), dim=-1))


@pytest.mark.parametrize("seed", SEEDS)
def test_weighted_sum_and_neuron_agree_with_torch(seed):
    x, w, b = _data(seed, 5, 4), _data(seed + 10, 4), -0.7
    z = torch.matmul(_t(x), _t(w)) + b
    _close(weighted_sum(x, w, b), z)
    _close(neuron(x, w, b), torch.sigmoid(z))
    _close(neuron(x, w, b, activation=tanh), torch.tanh(z))
    _close(weighted_sum(x[0], w, b), z[0])


# --------------------------------------------------------------------------------------------
# Lesson 01: the handout's numbers and the conventions
# --------------------------------------------------------------------------------------------

HANDOUT = ([1.0, 2.0, 3.0], [0.5, -1.0, 0.8], 0.2)


def test_the_handout_example_gives_1_1_and_0_75():
    z = weighted_sum(*HANDOUT)
    assert isinstance(z, float)
    assert z == pytest.approx(1.1, abs=1e-12)
    output = neuron(*HANDOUT)
    assert round(output, 4) == 0.7503
    assert output == pytest.approx(0.75, abs=5e-4)


def test_sigmoid_and_tanh_reach_their_limits_exactly_without_warnings():
    z = np.array([-1000.0, 1000.0])
    assert sigmoid(z).tolist() == [0.0, 1.0]
    assert tanh(z).tolist() == [-1.0, 1.0]
    assert sigmoid(-1000.0) == 0.0 and sigmoid(1000.0) == 1.0


def test_softmax_rows_sum_to_one_even_for_large_logits():
    z = np.vstack([_data(5, 3, 8, scale=50.0), [[1000.0] * 4 + [-1000.0] * 4]])
    p = softmax(z)
    assert np.all(np.isfinite(p)) and np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-15)


def test_scalars_in_give_python_floats_out():
    for fn in (sigmoid, relu, tanh):
        assert isinstance(fn(0.5), float)
    assert relu(-2) == 0.0 and tanh(0.0) == 0.0 and sigmoid(0) == 0.5


# --------------------------------------------------------------------------------------------
# Lesson 02 against PyTorch
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ours, theirs", [(sigmoid, torch.sigmoid), (relu, torch.relu),
                                          (tanh, torch.tanh)], ids=["sigmoid", "relu", "tanh"])
def test_dense_forward_agrees_with_torch_linear(ours, theirs, seed):
    X, W, b = _data(seed, 6, 3), _data(seed + 1, 3, 4), _data(seed + 2, 1, 4)
    # torch's Linear stores (n_out, n_in) and computes X @ W.T + b: the course's W, transposed
    expected = theirs(torch.nn.functional.linear(_t(X), _t(W).T, _t(b).reshape(-1)))
    _close(dense_forward(X, W, b, ours), expected)


@pytest.mark.parametrize("seed", SEEDS)
def test_forward_agrees_with_a_torch_sequential_with_copied_weights(seed):
    sizes = [5, 8, 6, 2]
    params = [(W, _data(seed + i, *b.shape)) for i, (W, b) in enumerate(init_params(sizes, seed=seed))]
    layers = []
    for (W, b), act in zip(params, (torch.nn.Tanh(), torch.nn.ReLU(), torch.nn.Sigmoid())):
        linear = torch.nn.Linear(W.shape[0], W.shape[1], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(_t(W).T)
            linear.bias.copy_(_t(b).reshape(-1))
        layers += [linear, act]
    X = _data(seed + 9, 7, 5)
    output, cache = forward(X, params, [tanh, relu, sigmoid])
    with torch.no_grad():
        _close(output, torch.nn.Sequential(*layers)(_t(X)))
        A = _t(X)
        for i, (A_prev, Z) in enumerate(cache):
            _close(A_prev, A)
            _close(Z, layers[2 * i](A))
            A = layers[2 * i + 1](layers[2 * i](A))


@pytest.mark.parametrize("sizes", [[2, 2, 1], [10, 64, 1], [64, 32, 16, 10], [3, 1]])
def test_count_params_agrees_with_torch(sizes):
    model = torch.nn.Sequential(*[torch.nn.Linear(n_in, n_out)
                                  for n_in, n_out in zip(sizes[:-1], sizes[1:])])
    assert count_params(sizes) == sum(p.numel() for p in model.parameters())


# --------------------------------------------------------------------------------------------
# Lesson 02: the handout's numbers and the conventions
# --------------------------------------------------------------------------------------------

def test_the_handout_numbers_of_lesson_02():
    assert count_params([10, 64, 1]) == 769
    assert isinstance(count_params([10, 64, 1]), int)
    assert count_params([2, 2, 1]) == 9
    X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    W = np.array([[0.1], [0.2]])
    assert dense_forward(X, W, np.zeros((1, 1)), lambda Z: Z).shape == (3, 1)  # Q3


def test_init_params_shapes_dtype_and_scale():
    params = init_params([64, 400, 10], seed=3)
    assert [(W.shape, b.shape) for W, b in params] == [((64, 400), (1, 400)), ((400, 10), (1, 10))]
    for (W, b), n_in in zip(params, (64, 400)):
        assert W.dtype == b.dtype == np.float64
        assert not b.any()
        assert np.std(W) == pytest.approx(1 / np.sqrt(n_in), rel=0.05)


def test_init_params_is_deterministic_per_seed():
    def values(**kwargs):
        return [a for pair in init_params([4, 5, 3], **kwargs) for a in pair]

    for a, b in zip(values(seed=7), values(seed=7)):
        assert np.array_equal(a, b)
    for a, b in zip(values(), values(seed=0)):
        assert np.array_equal(a, b)
    assert not np.array_equal(values(seed=7)[0], values(seed=8)[0])


# --------------------------------------------------------------------------------------------
# Every reference leaves its inputs alone
# --------------------------------------------------------------------------------------------

_X, _w = _data(20, 4, 3), _data(21, 3)
_params = init_params([3, 4, 2], seed=1)
CALLS = {
    "weighted_sum": (weighted_sum, (_X, _w, 0.5)),
    "sigmoid": (sigmoid, (_X,)),
    "relu": (relu, (_X,)),
    "tanh": (tanh, (_X,)),
    "softmax": (softmax, (_X,)),
    "neuron": (neuron, (_X, _w, 0.5)),
    "dense_forward": (dense_forward, (_X, *_params[0], relu)),
    "forward": (forward, (_X, _params, [relu, sigmoid])),
    "count_params": (count_params, ([3, 4, 2],)),
    "init_params": (init_params, ([3, 4, 2],)),
}


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and np.array_equal(a, b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    return a == b


@pytest.mark.parametrize("name", CALLS)
def test_references_do_not_modify_their_inputs(name):
    fn, args = CALLS[name]
    before = copy.deepcopy(args)
    fn(*args)
    assert _same(args, before)


# --------------------------------------------------------------------------------------------
# Importing dlcourse stays light
# --------------------------------------------------------------------------------------------

def test_importing_dlcourse_loads_no_heavy_framework():
    code = ("import sys, dlcourse, dlcourse.checks, dlcourse.reference\n"
            "heavy = [m for m in ('torch', 'tensorflow', 'matplotlib', 'ipywidgets', 'jax') "
            "if m in sys.modules]\n"
            "print(','.join(heavy))\n"
            "assert 'numpy' in sys.modules\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
