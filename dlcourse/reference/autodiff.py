"""Lesson 08b reference: ``Value``, a tiny dynamic autodiff engine in the manner of micrograd.

Pure Python (no NumPy, no framework). Every operation returns a new ``Value`` that remembers the
Values it was computed from (the edges of the computation graph) and a closure ``_backward``
that applies the chain rule locally: it adds ``local derivative * out.grad`` to each input's
``.grad``. ``backward()`` sorts the graph topologically, sets the output's grad to 1 and runs the
closures from the output back to the leaves, so that each node has received every contribution
(from every path) before it passes its own gradient on. Gradients are **accumulated** (``+=``):
a Value used twice gets both contributions.

:func:`value_and_grads` is the exercise's reference: the checker's probe
(:func:`dlcourse.probes.autodiff.value_probe`) run with this class.
"""
from __future__ import annotations

import math
from typing import Any, Callable


def _sigmoid(x: float) -> float:
    # exp of a non-positive number only: never overflows
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


class Value:
    """A number that remembers how it was computed, to differentiate through it.

    ``Value(data)``: ``.data`` (float), ``.grad`` (float, 0.0 until ``backward()`` is called on
    a result that depends on it). Operators ``+ - * **`` (a number exponent) and unary ``-``,
    with Python numbers on either side; methods ``sigmoid()`` and ``tanh()``.
    """

    def __init__(self, data: float, _children: tuple = (), _op: str = ""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._op = _op
        self._backward: Callable[[], None] = lambda: None

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    @staticmethod
    def _lift(other: Any) -> "Value":
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other: Any) -> "Value":
        other = self._lift(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other: Any) -> "Value":
        other = self._lift(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, n: float) -> "Value":
        if not isinstance(n, (int, float)):
            raise TypeError("only a number exponent is supported: v ** 2, v ** -1, v ** 0.5")
        out = Value(self.data ** n, (self,), f"**{n:g}")

        def _backward() -> None:
            self.grad += n * self.data ** (n - 1) * out.grad
        out._backward = _backward
        return out

    def __neg__(self) -> "Value":
        return self * -1

    def __sub__(self, other: Any) -> "Value":
        return self + (-self._lift(other))

    def __radd__(self, other: Any) -> "Value":   # other + self, other a number
        return self + other

    def __rmul__(self, other: Any) -> "Value":   # other * self
        return self * other

    def __rsub__(self, other: Any) -> "Value":   # other - self
        return self._lift(other) - self

    def sigmoid(self) -> "Value":
        s = _sigmoid(self.data)
        out = Value(s, (self,), "sigmoid")

        def _backward() -> None:
            self.grad += s * (1.0 - s) * out.grad
        out._backward = _backward
        return out

    def tanh(self) -> "Value":
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward() -> None:
            self.grad += (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def backward(self) -> None:
        """Fill ``.grad`` of every Value this one depends on: d self / d that Value."""
        # topological order without recursion (a deep graph must not hit Python's limit):
        # a node is appended once all the nodes it was computed from are in the list
        topo: list[Value] = []
        visited: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                topo.append(node)
                continue
            if id(node) in visited:
                continue
            visited.add(id(node))
            stack.append((node, True))
            for child in node._prev:
                if id(child) not in visited:
                    stack.append((child, False))
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()


def value_and_grads(expression: Any, leaves: Any) -> dict:
    """The exercise's reference: ``expression`` built with :class:`Value`, differentiated.

    Same signature and result as the probe without its first argument:
    ``{"value", "output_grad", "names", "grads"}`` (see :mod:`dlcourse.probes.autodiff`).
    """
    from ..probes.autodiff import value_probe

    return value_probe(Value, expression, leaves)
