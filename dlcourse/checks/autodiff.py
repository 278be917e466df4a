"""Lesson 08b exercise: ``Value``, a tiny dynamic autodiff class (micrograd's idea).

The answer is a class, so each case is an expression written as plain data (see
:mod:`dlcourse.probes.autodiff`): the probe builds it with the student's ``Value`` through Python's
own operators, calls ``backward()`` on the result, and returns the output's value, the output's
own grad and every leaf's grad. The reference is the same probe run with
:class:`dlcourse.reference.autodiff.Value`; each known mistake is a buggy ``Value`` class run
through the same probe, so that its numbers on a case are exactly what a student who made that
mistake would get.

What the cases isolate:

- the handout's neuron, ``(x1*w1 + x2*w2 + b).sigmoid()``, and micrograd's tanh neuron: every
  local derivative and the chain rule, no node used twice;
- ``x * x + x``: a leaf used three times, so gradients must be **accumulated** (``+=``);
- ``h = (a*b).tanh()`` used three times: an intermediate node with several paths to the output
  (a diamond), where only a **topological order** gives every node all its contributions before
  it passes its gradient on;
- numbers on either side (``2 * a``, ``3 - b``, ``0.5 + a``, ``a + 1``): ``__radd__``,
  ``__rsub__``, ``__rmul__``, and operators that wrap plain numbers;
- subtraction, negation and powers, with a negative exponent;
- hidden: random expressions drawn from the grading seed (:func:`random_case`), a deep chain,
  saturated activations, fractional exponents, and the output being a leaf itself.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..probes.autodiff import depth, forward_values, to_text, value_probe
from ..reference import autodiff as ref
from .core import RTOL, ATOL, Case, Exercise, Mistake, describe, redraw

#: the probe the checker drives the student's class with
PROBE = "dlcourse.probes.autodiff:value_probe"
#: how deeply a random expression may nest (its text stays readable, Python's parser happy)
MAX_DEPTH = 48


# --------------------------------------------------------------------------------------------
# Comparing two results of the probe
# --------------------------------------------------------------------------------------------

def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    return bool(np.isclose(a, b, rtol=rtol, atol=atol)) and math.isfinite(b) == math.isfinite(a)


def compare_results(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """``None`` when the probe's results agree; else what differs, in the order a student should
    look: the forward value, the output's own grad, then each leaf's gradient."""
    keys = {"value", "output_grad", "names", "grads"}
    if not isinstance(got, dict) or not keys <= set(got):
        return (f"The probe's result is {describe(got)}, not the expected "
                "{value, output_grad, names, grads}.")
    tolerance = (f"(values must agree to a relative tolerance of {rtol:g} or an absolute one "
                 f"of {atol:g})")
    exp_v, got_v = float(expected["value"]), float(got["value"])
    if not _close(exp_v, got_v, rtol, atol):
        return (f"The output's value is wrong: out.data should be {exp_v:.10g}, but it is "
                f"{got_v:.10g}.\n  This is the forward pass, before any gradient: check what "
                f"each operator puts in the new Value's data.\n  {tolerance}")
    got_og = float(got["output_grad"])
    if not _close(float(expected["output_grad"]), got_og, rtol, atol):
        return (f"The value is right, but after out.backward() the output's own .grad is "
                f"{got_og:.10g}: it should be 1.0 (d out / d out = 1), the seed of the "
                f"backward pass.")
    names, exp_g = list(expected["names"]), np.asarray(expected["grads"], dtype=np.float64)
    got_g = np.asarray(got["grads"], dtype=np.float64)
    if list(got["names"]) != names or got_g.shape != exp_g.shape:
        return f"The probe returned gradients for {list(got['names'])}, expected {names}."
    ok = np.isclose(got_g, exp_g, rtol=rtol, atol=atol) & (np.isfinite(got_g) == np.isfinite(exp_g))
    if ok.all():
        return None
    rows = [(n, e, g, good) for n, e, g, good in zip(names, exp_g, got_g, ok)]
    if len(rows) > 8:
        rows = [r for r in rows if not r[3]][:8]
    width = max(len(n) for n, *_ in rows) + 2
    table = "\n".join(f"    {n + '.grad':{width + 5}s} {e:15.10g} {g:15.10g}"
                      f"{'' if good else '   <- wrong'}" for n, e, g, good in rows)
    return (f"The value is right ({exp_v:.10g}), but gradients after out.backward() are wrong "
            f"({int((~ok).sum())} of {len(names)}):\n"
            f"    {'':{width + 5}s} {'expected':>15s} {'got':>15s}\n{table}\n  {tolerance}")


# --------------------------------------------------------------------------------------------
# Known mistakes: Value classes with one bug each
# --------------------------------------------------------------------------------------------

def _variant(*, accumulate: bool = True, order: str = "topo", seed_grad: bool = True,
             chain: bool = True, mul_swapped: bool = False, sigmoid_grad: str = "s(1-s)",
             tanh_grad: str = "1-t**2", pow_grad: str = "n*x**(n-1)", rsub_swapped: bool = False,
             sub_sign: bool = True) -> type:
    """A micrograd-style Value class with one known mistake switched on.

    order: "topo" (right: reversed topological order), "forward" (topological order not
    reversed), "recursive" (no topological order: each node pushes its gradient to its children
    and recurses into them at once), "unvisited" (a topological list built without a visited set:
    a node reached twice runs its backward twice).
    """
    def give(node: Any, amount: float) -> None:
        if accumulate:
            node.grad += amount
        else:
            node.grad = amount

    class Value:
        def __init__(self, data, _children=(), _op=""):
            self.data = float(data)
            self.grad = 0.0
            self._prev = tuple(_children)
            self._backward = lambda: None

        @staticmethod
        def _lift(other):
            return other if isinstance(other, Value) else Value(other)

        def _unary(self, data, local):
            out = Value(data, (self,))

            def _backward():
                give(self, local * (out.grad if chain else 1.0))
            out._backward = _backward
            return out

        def __add__(self, other):
            other = self._lift(other)
            out = Value(self.data + other.data, (self, other))

            def _backward():
                g = out.grad if chain else 1.0
                give(self, g)
                give(other, g)
            out._backward = _backward
            return out

        def __mul__(self, other):
            other = self._lift(other)
            out = Value(self.data * other.data, (self, other))

            def _backward():
                g = out.grad if chain else 1.0
                if mul_swapped:
                    give(self, self.data * g)
                    give(other, other.data * g)
                else:
                    give(self, other.data * g)
                    give(other, self.data * g)
            out._backward = _backward
            return out

        def __sub__(self, other):
            other = self._lift(other)
            out = Value(self.data - other.data, (self, other))

            def _backward():
                g = out.grad if chain else 1.0
                give(self, g)
                give(other, -g if sub_sign else g)
            out._backward = _backward
            return out

        def __pow__(self, n):
            x = self.data
            local = {"n*x**(n-1)": lambda: n * x ** (n - 1), "n*x**n": lambda: n * x ** n,
                     "x**(n-1)": lambda: x ** (n - 1)}[pow_grad]()
            return self._unary(x ** n, local)

        def __neg__(self):
            return self * -1

        def __radd__(self, other):
            return self + other

        def __rmul__(self, other):
            return self * other

        def __rsub__(self, other):
            return self - other if rsub_swapped else self._lift(other) - self

        def sigmoid(self):
            z = self.data
            s = ref._sigmoid(z)
            local = {"s(1-s)": s * (1 - s), "s": s, "z(1-z)": z * (1 - z)}[sigmoid_grad]
            return self._unary(s, local)

        def tanh(self):
            z = self.data
            t = math.tanh(z)
            local = {"1-t**2": 1 - t ** 2, "1-t": 1 - t, "1-z**2": 1 - z ** 2}[tanh_grad]
            return self._unary(t, local)

        def backward(self):
            if seed_grad:
                self.grad = 1.0
            if order == "recursive":
                def propagate(node):
                    node._backward()
                    for child in node._prev:
                        propagate(child)
                propagate(self)
                return
            topo, visited = [], set()

            def build(node):
                if order != "unvisited":
                    if node in visited:
                        return
                    visited.add(node)
                for child in node._prev:
                    build(child)
                topo.append(node)
            build(self)
            for node in (topo if order == "forward" else reversed(topo)):
                node._backward()

    return Value


def _mistake(**bugs: Any) -> Callable[[Any, Any], dict]:
    """The probe's result with the buggy class ``_variant(**bugs)``: a Mistake's fn."""
    cls = _variant(**bugs)

    def fn(expression: Any, leaves: Any) -> dict:
        return value_probe(cls, expression, leaves)
    fn.__name__ = "value_with_" + "_".join(f"{k}_{v}" for k, v in bugs.items())
    return fn


# --------------------------------------------------------------------------------------------
# The cases' expressions
# --------------------------------------------------------------------------------------------

#: the handout's neuron: z = x1*w1 + x2*w2 + b = 0.75, a = sigmoid(z)
HANDOUT_NEURON = "(x1 * w1 + x2 * w2 + b).sigmoid()"
HANDOUT_LEAVES = {"x1": 2.0, "w1": -0.5, "x2": 1.25, "w2": 0.6, "b": 1.0}
#: micrograd's tanh neuron (x2 = 0.5 here, so that w2 gets a gradient): z = 0.8814, tanh(z) = 1/sqrt(2)
TANH_NEURON = "(x1 * w1 + x2 * w2 + b).tanh()"
TANH_LEAVES = {"x1": 2.0, "w1": -3.0, "x2": 0.5, "w2": 1.0, "b": 6.3813735870195432}
#: x used three times
REUSED_LEAF = "x * x + x"
#: h = (a*b).tanh(), one node with three paths to the output (equal sub-expressions are one node)
DIAMOND = "(a * b).tanh() * (a * b).tanh() + (a * b).tanh()"
#: numbers on both sides of the operators
NUMBERS = "(2 * a + 1) * (3 - b) + (0.5 + a)"
#: subtraction, negation, powers
POWERS = "-(a - b) ** 2 + a ** 3 - b ** -1"


def _signed(rng: np.random.Generator, low: float, high: float) -> float:
    """A value of random sign whose size is between low and high, rounded to 4 decimals."""
    return round(float(rng.choice([-1.0, 1.0]) * rng.uniform(low, high)), 4)


def _leaf_values(rng: np.random.Generator, names: str, low: float = 0.4,
                 high: float = 1.6) -> dict[str, float]:
    return {name: _signed(rng, low, high) for name in names}


#: the ops a random expression is drawn from, and how often
_OPS = ["add", "sub", "mul", "neg", "pow", "sigmoid", "tanh", "radd", "rsub", "rmul"]
_OP_WEIGHTS = np.array([18, 12, 20, 5, 10, 10, 12, 4, 5, 4], dtype=float)
_NUMBERS = [0.5, 1.5, 2.0, 3.0, -1.0, -2.5]


def _safe(expression: Any, leaves: dict) -> bool:
    """Do the expression's values and gradients stay moderate (no overflow for a student's
    1 / (1 + exp(-z)), no cancellation that float64 rounding would make unfair)?"""
    values = forward_values(expression, leaves)
    if any(not math.isfinite(v) or abs(v) > 12.0 for v in values.values()):
        return False
    result = ref.value_and_grads(expression, leaves)
    grads = result["grads"]
    return bool(np.all(np.isfinite(grads)) and np.all(np.abs(grads) < 1e4))


def random_case(seed: int, n_leaves: int = 3, n_ops: int = 8) -> tuple[Any, dict]:
    """``(expression, leaves)``: a random expression of about ``n_ops`` operations on
    ``n_leaves`` leaves named a, b, c..., drawn from ``seed``.

    Each operation takes its operands from the leaves and the nodes made so far (the later ones
    more often, so the expression grows deep), so nodes are reused: the graph is a DAG with
    diamonds, not a tree. Numbers appear on either side; exponents are 2, 3, -1 (on a value away
    from 0) or 0.5 (on a positive value). Every intermediate value stays within [-12, 12].
    The nodes nothing used yet (every leaf among them) are summed into the output.
    """
    rng = np.random.default_rng(seed)
    names = "abcde"[:n_leaves]
    for _ in range(100):
        leaves = _leaf_values(rng, names)
        pool: list[Any] = list(names)
        used: set = set()
        for _ in range(n_ops):
            for _ in range(20):
                op = str(rng.choice(_OPS, p=_OP_WEIGHTS / _OP_WEIGHTS.sum()))
                weights = np.arange(1, len(pool) + 1, dtype=float) ** 1.5
                pick = lambda: pool[int(rng.choice(len(pool), p=weights / weights.sum()))]  # noqa: E731
                x = pick()
                number = float(rng.choice(_NUMBERS))
                if op in ("neg", "sigmoid", "tanh"):
                    node = (op, x)
                elif op == "pow":
                    value = forward_values(x, leaves)[x]
                    choices = [2, 3] + ([-1] if abs(value) > 0.5 else []) + \
                        ([0.5] if value > 0.2 else [])
                    node = (op, x, choices[int(rng.integers(len(choices)))])
                elif op in ("radd", "rsub", "rmul"):
                    node = (op, number, x)
                elif rng.random() < 0.2:
                    node = (op, x, number)
                else:
                    node = (op, x, pick())
                if depth(node) <= MAX_DEPTH - 2 and _safe(node, leaves):
                    break
            else:
                continue
            used.update(e for e in node[1:] if isinstance(e, (str, tuple)))
            pool.append(node)
        expression = pool[-1]
        for item in pool[:-1]:
            if item not in used and depth(expression) < MAX_DEPTH:
                expression = ("add", expression, item)
        if _safe(expression, leaves):
            return to_text(expression), leaves
    raise RuntimeError(f"no safe random expression for seed {seed}")  # pragma: no cover


def chain_case(seed: int, steps: int = 40) -> tuple[Any, dict]:
    """A deep chain: ``x = x0``, then ``steps`` times ``x = (w * x + c).tanh()`` (an RNN's
    recurrence with one unit): 3 operations per step, w and c used at every step."""
    rng = np.random.default_rng(seed)
    leaves = {"w": _signed(rng, 0.7, 1.3), "c": _signed(rng, 0.1, 0.6),
              "x0": _signed(rng, 0.5, 1.5)}
    x = "x0"
    for _ in range(steps):
        x = f"(w * {x} + c).tanh()"
    return x, leaves


def _drawn(expression: Any, names: str, low: float = 0.4, high: float = 1.6,
           positive: str = "") -> Callable[[int], tuple]:
    """``seed -> (expression, leaves drawn from seed)``; the leaves named in ``positive`` > 0."""
    def make(seed: int) -> tuple:
        rng = np.random.default_rng(seed)
        leaves = _leaf_values(rng, names, low, high)
        for name in positive:
            leaves[name] = abs(leaves[name])
        return expression, leaves
    return make


def _case(name: str, expression: Any, leaves: Any = None, *, hidden: bool = False,
          hint: str | None = None) -> Case:
    """A case of ``(expression, leaves)``; or of a :class:`Draw` that makes both (leaves None)."""
    args = expression if leaves is None else (expression, leaves)
    return Case(name, args, hidden=hidden, hint=hint)


# --------------------------------------------------------------------------------------------
# The exercise
# --------------------------------------------------------------------------------------------

_ORDER_HINT = ("backward() must run the nodes' _backward from the output back to the leaves in "
               "REVERSED topological order: build the list topo (each node after all the nodes it "
               "was computed from, with a visited set), set self.grad = 1.0, then "
               "`for node in reversed(topo): node._backward()`.")

VALUE = Exercise(
    name="Value",
    params=("expression", "leaves"),
    reference=ref.value_and_grads,
    probe=PROBE,
    compare=compare_results,
    cases=[
        _case("the handout's neuron a = sigmoid(x1*w1 + x2*w2 + b), with z = 0.75, a = 0.6792",
              HANDOUT_NEURON, HANDOUT_LEAVES,
              hint="a = 0.679179; da/dz = a * (1 - a) = 0.217895, and the chain rule gives "
                   "x1.grad = w1 * 0.217895 = -0.108947, w1.grad = x1 * 0.217895 = 0.435790, "
                   "x2.grad = 0.130737, w2.grad = 0.272369, b.grad = 0.217895."),
        _case("micrograd's tanh neuron o = tanh(x1*w1 + x2*w2 + b), with x1 = 2, w1 = -3, "
              "x2 = 0.5, w2 = 1, b = 6.38137: z = 0.8814, o = 0.7071",
              TANH_NEURON, TANH_LEAVES,
              hint="o = tanh(0.8814) = 0.707107; do/dz = 1 - o**2 = 0.5, so x1.grad = -1.5, "
                   "w1.grad = 1.0, x2.grad = 0.5, w2.grad = 0.25, b.grad = 0.5."),
        _case("a leaf used three times: x * x + x at x = 3 is 12, and x.grad = 2x + 1 = 7",
              REUSED_LEAF, {"x": 3.0},
              hint="x.grad gets one contribution per use: 3 from each side of x * x, and 1 from "
                   "+ x: 7 in all. Each _backward must ADD to .grad (+=), never overwrite it."),
        _case("a node used three times (a diamond): h = (a * b).tanh(), out = h * h + h",
              DIAMOND, {"a": 0.6, "b": -1.5},
              hint="h is used three times: it must receive all three contributions (2h from "
                   "h * h, 1 from + h) before it passes its gradient on to a * b, and pass it on "
                   "once. Running the _backward functions in reversed topological order, each "
                   "node listed once (with a visited set), guarantees both."),
        _case("numbers on either side: 2 * a needs __rmul__, 3 - b __rsub__, 0.5 + a __radd__",
              NUMBERS, {"a": 1.5, "b": -0.5},
              hint="out = 4 * 3.5 + 2 = 16; a.grad = 2 * (3 - b) + 1 = 8, b.grad = "
                   "-(2 * a + 1) = -4."),
        _case("subtraction, negation and powers (b ** -1 is 1 / b)",
              POWERS, {"a": 1.2, "b": -0.8},
              hint="d(x ** n)/dx = n * x ** (n - 1); d(-x)/dx = -1; d(a - b)/db = -1. Here "
                   "a.grad = -2(a - b) + 3a**2 = 0.32 and b.grad = 2(a - b) + b**-2 = 5.5625."),
        # hidden cases
        _case("a random expression of 3 leaves and about 8 operations (drawn at grading)",
              redraw(random_case, 3, 8), hidden=True),
        _case("a random expression of 4 leaves and about 16 operations (drawn at grading)",
              redraw(random_case, 4, 16), hidden=True),
        _case("a random expression of 2 leaves and about 24 operations: nodes reused many times",
              redraw(random_case, 2, 24), hidden=True),
        _case("u = a * b used by three operations: out = u.tanh() * u.sigmoid() + u ** 2",
              redraw(_drawn("(a * b).tanh() * (a * b).sigmoid() + (a * b) ** 2", "ab")),
              hidden=True),
        _case("a deep chain: 40 steps of x = (w * x + c).tanh() from x0, 120 operations deep",
              redraw(chain_case, 40), hidden=True),
        _case("numbers on the left everywhere: out = (2 - a) * (3 + b) - 0.5 * (1 - a * b)",
              redraw(_drawn("(2 - a) * (3 + b) - 0.5 * (1 - a * b)", "ab")), hidden=True),
        _case("fractional and negative exponents: out = (a ** 0.5 + b ** -2) * c ** 3, a > 0",
              redraw(_drawn("(a ** 0.5 + b ** -2) * c ** 3", "abc", positive="a")), hidden=True),
        _case("saturated activations: out = (6 * a).sigmoid() + (-4 * b).tanh(), |a|, |b| near 2 "
              "(tiny gradients)",
              redraw(_drawn("(6 * a).sigmoid() + (-4 * b).tanh()", "ab", 1.6, 2.2)), hidden=True),
        _case("the output is a leaf itself: out = a, so a.grad = 1",
              redraw(_drawn("a", "a")), hidden=True),
    ],
    mistakes=[
        Mistake("backward() never set the output's grad to 1, so every gradient stayed 0: start "
                "backward() with self.grad = 1.0 (d out / d out = 1), then run the _backward "
                "functions.", _mistake(seed_grad=False)),
        Mistake("Only the output's inputs got gradients: the _backward functions ran in "
                "topological order (leaves first), when each node's gradient is still 0. "
                + _ORDER_HINT, _mistake(order="forward")),
        Mistake("A Value used twice got only one of its contributions: its .grad was "
                "overwritten. Accumulate in every _backward: self.grad += ... (never "
                "self.grad = ...); x * x must give x.grad = 2 * x.", _mistake(accumulate=False)),
        Mistake("A node used twice passed its gradient on before it had received all of it: "
                "calling the children's backward right after a node's own (recursively) sends "
                "partial gradients down, once per path. " + _ORDER_HINT,
                _mistake(order="recursive")),
        Mistake("A node used twice ran its _backward twice: the topological sort must add each "
                "node once (keep a visited set, and return when the node is already in it). "
                + _ORDER_HINT, _mistake(order="unvisited")),
        Mistake("The chain rule is missing: each _backward must multiply its local derivative "
                "by out.grad, e.g. self.grad += other.data * out.grad in __mul__ (not just "
                "+= other.data).", _mistake(chain=False)),
        Mistake("In __mul__ the two gradients are swapped: d(a * b)/da = b, so "
                "self.grad += other.data * out.grad and other.grad += self.data * out.grad.",
                _mistake(mul_swapped=True)),
        Mistake("The sigmoid's derivative is s * (1 - s), with s = sigmoid(x) its output; you "
                "used s alone.", _mistake(sigmoid_grad="s")),
        Mistake("The sigmoid's derivative is s * (1 - s) with s its OUTPUT, sigmoid(x); you "
                "used the input x: x * (1 - x).", _mistake(sigmoid_grad="z(1-z)")),
        Mistake("The derivative of tanh is 1 - t**2 (t = tanh(x), its output), not 1 - t.",
                _mistake(tanh_grad="1-t")),
        Mistake("The derivative of tanh is 1 - t**2 with t its OUTPUT, tanh(x); you used the "
                "input x: 1 - x**2.", _mistake(tanh_grad="1-z**2")),
        Mistake("The power rule: d(x ** n)/dx = n * x ** (n - 1); you wrote n * x ** n.",
                _mistake(pow_grad="n*x**n")),
        Mistake("The power rule: d(x ** n)/dx = n * x ** (n - 1); the factor n is missing.",
                _mistake(pow_grad="x**(n-1)")),
        Mistake("__rsub__ computes self - other, but `3 - b` calls b.__rsub__(3), which must "
                "return 3 - b: Value(other) - self (other - self).", _mistake(rsub_swapped=True)),
        Mistake("In a - b, the gradient of b is -out.grad: d(a - b)/db = -1 (other.grad -= "
                "out.grad), or write __sub__ as self + (-other).", _mistake(sub_sign=False)),
    ],
)

EXERCISES = [VALUE]

