"""The lesson 08b reference ``Value`` agrees with torch.autograd (float64, to 1e-10) on many random
expressions and on every case of the checker; the probe reads expressions the same in both forms
(Python code and nested tuples); each known mistake really differs from the reference; the cases
travel to the grader's verifier intact; the computation-graph figure works.

PyTorch is the independent implementation here: each expression is evaluated by a separate
walker on float64 tensors that require grad, and ``backward()`` gives the leaves' gradients.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlcourse.checks import autodiff as checks
from dlcourse.probes.autodiff import (ExpressionError, count_nodes, depth, forward_values,
                                      leaf_names, normalize, parse, to_text, value_probe)
from dlcourse.reference.autodiff import Value, value_and_grads

pytestmark = pytest.mark.filterwarnings("error")

TOL = 1e-10


def torch_value_and_grads(expression, leaves) -> tuple[float, np.ndarray]:
    """The expression evaluated with PyTorch: (value, the leaves' gradients in their order)."""
    e = normalize(expression)
    xs = {name: torch.tensor(float(v), dtype=torch.float64, requires_grad=True)
          for name, v in leaves.items()}
    memo: dict = {}

    def ev(node):
        if isinstance(node, str):
            return xs[node]
        if isinstance(node, (int, float)):
            return float(node)
        if node not in memo:
            op, args = node[0], [ev(a) for a in node[1:]]
            if op in ("add", "radd"):
                memo[node] = args[0] + args[1]
            elif op in ("sub", "rsub"):
                memo[node] = args[0] - args[1]
            elif op in ("mul", "rmul"):
                memo[node] = args[0] * args[1]
            elif op == "pow":
                memo[node] = torch.pow(args[0], args[1])
            elif op == "neg":
                memo[node] = -args[0]
            elif op == "sigmoid":
                memo[node] = torch.sigmoid(args[0])
            else:
                memo[node] = torch.tanh(args[0])
        return memo[node]

    out = ev(e)
    out.backward()
    grads = [0.0 if xs[n].grad is None else xs[n].grad.item() for n in leaves]
    return out.item(), np.array(grads)


def _assert_close(ours: dict, value: float, grads: np.ndarray) -> None:
    assert abs(ours["value"] - value) <= TOL * max(1.0, abs(value))
    assert ours["output_grad"] == 1.0
    np.testing.assert_allclose(ours["grads"], grads, rtol=TOL, atol=TOL)


# --------------------------------------------------------------------------------------------
# The reference against torch.autograd
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n_leaves, n_ops", [(1, 6), (2, 12), (3, 8), (4, 20), (5, 30)])
@pytest.mark.parametrize("seed", range(40))
def test_the_reference_equals_torch_autograd_on_random_expressions(seed, n_leaves, n_ops):
    expression, leaves = checks.random_case(1000 * n_leaves + seed, n_leaves, n_ops)
    _assert_close(value_and_grads(expression, leaves), *torch_value_and_grads(expression, leaves))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_the_reference_equals_torch_autograd_on_every_case_of_the_checker(seed):
    for case in checks.VALUE.selected(hidden=True, seed=seed):
        expression, leaves = case.args
        _assert_close(value_and_grads(expression, leaves), *torch_value_and_grads(expression, leaves))


@pytest.mark.parametrize("text, leaves", [
    ("a ** 0.5 * b ** -2 - (3 - a) ** 3", {"a": 1.7, "b": -0.6}),
    ("(-a).sigmoid() + (-2 * a).tanh() * a", {"a": 0.3}),
    ("(40 * a).sigmoid() + (-30 * b).tanh()", {"a": 1.0, "b": 1.0}),   # saturated, no overflow
    ("(-800 * a).sigmoid()", {"a": 1.0}),
    ("a - a + b * 0", {"a": 2.0, "b": 5.0}),                          # gradients 0 and 0
])
def test_edge_expressions_agree_with_torch(text, leaves):
    _assert_close(value_and_grads(text, leaves), *torch_value_and_grads(text, leaves))


def test_the_reference_handles_a_graph_deeper_than_pythons_recursion_limit():
    w, x = Value(0.9), Value(0.5)
    y = x
    for _ in range(3000):                      # 6000 nodes in a chain
        y = (w * y).tanh()
    y.backward()
    wt = torch.tensor(0.9, dtype=torch.float64, requires_grad=True)
    xt = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    yt = xt
    for _ in range(3000):
        yt = torch.tanh(wt * yt)
    yt.backward()
    assert abs(y.data - yt.item()) < TOL
    assert abs(w.grad - wt.grad.item()) < TOL and abs(x.grad - xt.grad.item()) < TOL


def test_a_second_backward_adds_to_the_leaves_gradients():
    # on a graph of leaves only, a second backward() adds the same gradients again (as PyTorch
    # does with retain_graph=True); the output's own grad is set to 1 again
    a = Value(3.0)
    out = a * a
    out.backward()
    out.backward()
    assert a.grad == 12.0 and out.grad == 1.0


def test_numbers_on_either_side_and_new_values():
    a = Value(2.0)
    for got, want in [(2 * a, 4.0), (a * 2, 4.0), (1 + a, 3.0), (a + 1, 3.0), (1 - a, -1.0),
                      (a - 1, 1.0), (-a, -2.0), (a ** 3, 8.0)]:
        assert isinstance(got, Value) and got.data == want and got.grad == 0.0
    assert a.grad == 0.0 and repr(a) == "Value(data=2, grad=0)"


# --------------------------------------------------------------------------------------------
# The probe: both forms of an expression, clear errors
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(30))
def test_code_and_tuples_are_the_same_expression(seed):
    text, leaves = checks.random_case(seed, 3, 12)
    tuples = parse(text)
    assert to_text(tuples) == text and normalize(text) == tuples
    assert parse(to_text(tuples)) == tuples
    a, b = value_probe(Value, text, leaves), value_probe(Value, tuples, leaves)
    assert a["value"] == b["value"] and np.array_equal(a["grads"], b["grads"])
    values = forward_values(text, leaves)
    assert math.isclose(values[tuples], a["value"], rel_tol=1e-12, abs_tol=1e-12)


def test_the_brief_example_in_tuples():
    e = ("add", ("mul", "a", "b"), ("sigmoid", "c"))
    assert to_text(e) == "a * b + c.sigmoid()"
    assert leaf_names(e) == ["a", "b", "c"] and count_nodes(e) == 3 and depth(e) == 2
    got = value_probe(Value, e, (["a", "b", "c"], [2.0, -1.0, 0.0]))
    assert got["value"] == -1.5 and list(got["grads"]) == [-1.0, 2.0, 0.25]
    assert to_text(("rsub", 2.0, ("neg", ("pow", "a", 2)))) == "2 - -a ** 2"
    assert to_text(("pow", ("neg", "a"), 2)) == "(-a) ** 2"
    assert to_text(("sub", "a", ("sub", "b", 1.5))) == "a - (b - 1.5)"


def test_equal_sub_expressions_are_one_node():
    # h = (a * b).tanh() written three times is one node: 4 operation nodes, not 8
    expression = checks.DIAMOND
    assert count_nodes(expression) == 4     # a * b, tanh, h * h, + h


@pytest.mark.parametrize("bad", ["a / b", "a.exp()", "f(a)", "a +", "2 ** a", ("pow", "a", "b"),
                                 ("radd", "a", 2.0), ("add", 1.0, 2.0), ("frobnicate", "a")])
def test_malformed_expressions_are_the_checkers_bug_and_say_so(bad):
    with pytest.raises(ExpressionError):
        value_probe(Value, bad, {"a": 1.0, "b": 2.0})


def test_a_missing_leaf_value_is_reported():
    with pytest.raises(ExpressionError, match=r"no value for the leaves \['b'\]"):
        value_probe(Value, "a * b", {"a": 1.0})


def test_the_probe_wants_a_class():
    with pytest.raises(TypeError, match="should be a class"):
        value_probe(lambda data: data, "a", {"a": 1.0})


# --------------------------------------------------------------------------------------------
# The checker's cases and mistakes
# --------------------------------------------------------------------------------------------

def test_the_buggy_class_without_bugs_is_the_reference():
    right = checks._mistake()
    for case in checks.VALUE.selected(hidden=True, seed=0):
        assert checks.compare_results(value_and_grads(*case.args), right(*case.args)) is None


@pytest.mark.parametrize("mistake", checks.VALUE.mistakes, ids=lambda m: m.fn.__name__)
def test_every_known_mistake_fails_a_visible_case(mistake):
    visible = [c for c in checks.VALUE.cases if not c.hidden]
    wrong = [c.name for c in visible
             if checks.compare_results(value_and_grads(*c.args), mistake.fn(*c.args)) is not None]
    assert wrong, "a mistake no visible case shows"


@pytest.mark.parametrize("seed", [0, 1, 2, 5, 17])
def test_random_cases_stay_in_range_and_use_every_leaf(seed):
    for n_leaves, n_ops in [(3, 8), (4, 16), (2, 24)]:
        text, leaves = checks.random_case(seed, n_leaves, n_ops)
        assert sorted(leaf_names(text)) == sorted(leaves)
        assert depth(text) <= checks.MAX_DEPTH
        assert all(abs(v) <= 12 for v in forward_values(text, leaves).values())
        assert count_nodes(text) >= n_ops // 2


def test_random_cases_depend_on_the_seed():
    assert checks.random_case(1, 3, 8) != checks.random_case(2, 3, 8)
    assert checks.random_case(1, 3, 8) == checks.random_case(1, 3, 8)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_case_travels_to_the_verifier_intact(seed):
    from autograder import plaindata

    for case in checks.VALUE.selected(hidden=True, seed=seed):
        sent = plaindata.decode(plaindata.encode(tuple(case.args)))
        assert sent == tuple(case.args)
        result = value_and_grads(*case.args)
        back = plaindata.decode(plaindata.encode(result))
        assert checks.compare_results(result, back) is None


def test_the_messages_name_the_wrong_leaf():
    expected = value_and_grads(checks.HANDOUT_NEURON, checks.HANDOUT_LEAVES)
    got = dict(expected, grads=expected["grads"] * np.array([1, 1, 1, 2, 1]))
    message = checks.compare_results(expected, got)
    assert "w2.grad" in message and message.count("<- wrong") == 1
    assert "out.data should be" in checks.compare_results(expected, dict(expected, value=0.5))
    assert "should be 1.0" in checks.compare_results(expected, dict(expected, output_grad=0.0))


# --------------------------------------------------------------------------------------------
# The figure
# --------------------------------------------------------------------------------------------

def test_the_graph_figure_draws_every_node_with_its_numbers():
    import matplotlib

    matplotlib.use("Agg")
    from dlcourse.plots.graphs import graph_layout, plot_computation_graph

    fig = plot_computation_graph(checks.HANDOUT_NEURON, checks.HANDOUT_LEAVES,
                                 labels={"x1 * w1 + x2 * w2 + b": "z"})
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "z" in texts and "σ" in texts and "grad 1" in texts and "data 0.6792" in texts
    assert sum(t.startswith("grad ") for t in texts) == 5 + 5     # 5 leaves, 5 operations
    coords, edges = graph_layout(checks.DIAMOND)
    assert len(coords) == 6 and len(edges) == 7        # h * h: two edges from the one tanh node
    fig = plot_computation_graph("x * x + x", {"x": 3.0}, backward=False)
    assert not any(t.get_text().startswith("grad") for t in fig.axes[0].texts)
