"""Lesson 08b corpus: Value classes written as students write them, right and wrong.

Right ones are written differently from the reference (which sorts the graph without recursion,
with closures): a micrograd-style class with a recursive sort and its own subtraction; one that
stores each edge's local derivative at the forward pass and runs Kahn's algorithm; one that
orders the backward pass by creation time (a "tape"). Wrong ones are a student-style class with
one method rewritten the way a student gets it wrong. Each class builds its results with
``type(self)(...)`` so that a wrong subclass stays itself through every operation.
"""
from __future__ import annotations

import itertools
import math

import numpy as np


# --------------------------------------------------------------------------------------------
# Right answers
# --------------------------------------------------------------------------------------------

class MicrogradValue:
    """micrograd's way: closures, a recursive topological sort, subtraction as its own node,
    the activations from math.exp."""

    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def _wrap(self, other):
        return other if isinstance(other, MicrogradValue) else type(self)(other)

    def __add__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __sub__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data - other.data, (self, other), "-")

        def _backward():
            self.grad += out.grad
            other.grad -= out.grad
        out._backward = _backward
        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only int/float powers"
        out = type(self)(self.data ** other, (self,), f"**{other}")

        def _backward():
            self.grad += other * self.data ** (other - 1) * out.grad
        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return self._wrap(other) - self

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        out = type(self)(s, (self,), "sigmoid")

        def _backward():
            self.grad += s * (1 - s) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        e = math.exp(2 * self.data)
        t = (e - 1) / (e + 1)
        out = type(self)(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t ** 2) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo = []
        visited = set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1
        for v in reversed(topo):
            v._backward()


class EdgeValue:
    """Each node keeps its parents with the local derivative of the edge, computed during the
    forward pass; backward() counts each node's consumers and releases a node (Kahn's
    algorithm) only when all of them have passed their gradient to it. NumPy for the maths."""

    def __init__(self, data, parents=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = list(parents)          # [(Value, d self / d that Value), ...]

    @classmethod
    def lift(cls, x):
        return x if isinstance(x, EdgeValue) else cls(x)

    def __add__(self, other):
        other = self.lift(other)
        return type(self)(self.data + other.data, [(self, 1.0), (other, 1.0)])

    __radd__ = __add__

    def __mul__(self, other):
        other = self.lift(other)
        return type(self)(self.data * other.data, [(self, other.data), (other, self.data)])

    __rmul__ = __mul__

    def __neg__(self):
        return type(self)(-self.data, [(self, -1.0)])

    def __sub__(self, other):
        return self + (-self.lift(other))

    def __rsub__(self, other):
        return (-self) + other

    def __pow__(self, n):
        return type(self)(self.data ** n, [(self, n * self.data ** (n - 1))])

    def sigmoid(self):
        s = float(0.5 * (1 + np.tanh(self.data / 2)))
        return type(self)(s, [(self, s * (1 - s))])

    def tanh(self):
        t = float(np.tanh(self.data))
        return type(self)(t, [(self, 1 - t * t)])

    def backward(self):
        consumers = {}
        stack, seen = [self], {id(self)}
        while stack:
            node = stack.pop()
            for parent, _ in node.parents:
                consumers[id(parent)] = consumers.get(id(parent), 0) + 1
                if id(parent) not in seen:
                    seen.add(id(parent))
                    stack.append(parent)
        self.grad = 1.0
        ready = [self]
        while ready:
            node = ready.pop()
            for parent, local in node.parents:
                parent.grad += local * node.grad
                consumers[id(parent)] -= 1
                if consumers[id(parent)] == 0:
                    ready.append(parent)


class TapeValue:
    """A node is always created after the nodes it is computed from, so the creation order is a
    topological order: backward() sorts the reachable nodes by creation number, newest first."""

    _counter = itertools.count()

    def __init__(self, data, inputs=(), local_grads=()):
        self.data = data
        self.grad = 0.0
        self.inputs, self.local_grads = inputs, local_grads
        self.number = next(TapeValue._counter)

    def _v(self, x):
        return x if isinstance(x, TapeValue) else type(self)(x)

    def __add__(self, other):
        other = self._v(other)
        return type(self)(self.data + other.data, (self, other), (1, 1))

    def __radd__(self, other):
        return self._v(other) + self

    def __mul__(self, other):
        other = self._v(other)
        return type(self)(self.data * other.data, (self, other), (other.data, self.data))

    def __rmul__(self, other):
        return self._v(other) * self

    def __sub__(self, other):
        other = self._v(other)
        return type(self)(self.data - other.data, (self, other), (1, -1))

    def __rsub__(self, other):
        return self._v(other) - self

    def __neg__(self):
        return type(self)(-self.data, (self,), (-1,))

    def __pow__(self, k):
        return type(self)(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def sigmoid(self):
        if self.data >= 0:
            s = 1 / (1 + math.exp(-self.data))
        else:
            s = math.exp(self.data) / (1 + math.exp(self.data))
        return type(self)(s, (self,), (s * (1 - s),))

    def tanh(self):
        t = math.tanh(self.data)
        return type(self)(t, (self,), (1 - t ** 2,))

    def backward(self):
        nodes, todo = {}, [self]
        while todo:
            node = todo.pop()
            if id(node) not in nodes:
                nodes[id(node)] = node
                todo.extend(node.inputs)
        self.grad = 1.0
        for node in sorted(nodes.values(), key=lambda n: n.number, reverse=True):
            for x, local in zip(node.inputs, node.local_grads):
                x.grad += local * node.grad


RIGHT = {"Value": [MicrogradValue, EdgeValue, TapeValue]}


# --------------------------------------------------------------------------------------------
# Wrong answers: MicrogradValue with one method written the wrong way
# --------------------------------------------------------------------------------------------

class AssignedGrads(MicrogradValue):
    """self.grad = ... in the _backward closures: a Value used twice keeps one contribution."""

    def __add__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad = out.grad
            other.grad = out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad
        out._backward = _backward
        return out


class RecursiveBackward(MicrogradValue):
    """No topological sort: each node runs its _backward, then its children's, recursively."""

    def backward(self):
        self.grad = 1.0
        self._go()

    def _go(self):
        self._backward()
        for child in self._prev:
            child._go()


class ForwardOrder(MicrogradValue):
    """The topological order, not reversed: leaves first."""

    def backward(self):
        topo, visited = [], set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1.0
        for v in topo:
            v._backward()


class NoOutputGrad(MicrogradValue):
    """Forgot self.grad = 1 at the start of backward()."""

    def backward(self):
        topo, visited = [], set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        for v in reversed(topo):
            v._backward()


class NoVisitedSet(MicrogradValue):
    """The topological list built without a visited set: a node reached twice is listed twice
    (its _backward runs twice)."""

    def backward(self):
        topo = []

        def build_topo(v):
            for child in v._prev:
                build_topo(child)
            topo.append(v)
        build_topo(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


class SigmoidGradS(MicrogradValue):
    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        out = type(self)(s, (self,), "sigmoid")

        def _backward():
            self.grad += s * out.grad                 # the derivative is s * (1 - s)
        out._backward = _backward
        return out


class SigmoidGradOfInput(MicrogradValue):
    def sigmoid(self):
        x = self.data
        s = 1 / (1 + math.exp(-x))
        out = type(self)(s, (self,), "sigmoid")

        def _backward():
            self.grad += x * (1 - x) * out.grad       # x is the input, not the output
        out._backward = _backward
        return out


class TanhGradOneMinusT(MicrogradValue):
    def tanh(self):
        t = math.tanh(self.data)
        out = type(self)(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t) * out.grad
        out._backward = _backward
        return out


class TanhGradOfInput(MicrogradValue):
    def tanh(self):
        x = self.data
        out = type(self)(math.tanh(x), (self,), "tanh")

        def _backward():
            self.grad += (1 - x ** 2) * out.grad
        out._backward = _backward
        return out


class PowGradNXn(MicrogradValue):
    def __pow__(self, n):
        out = type(self)(self.data ** n, (self,), f"**{n}")

        def _backward():
            self.grad += n * self.data ** n * out.grad
        out._backward = _backward
        return out


class PowGradNoN(MicrogradValue):
    def __pow__(self, n):
        out = type(self)(self.data ** n, (self,), f"**{n}")

        def _backward():
            self.grad += self.data ** (n - 1) * out.grad
        out._backward = _backward
        return out


class RsubSwapped(MicrogradValue):
    def __rsub__(self, other):
        return self - other                          # 3 - b computed as b - 3


class SubGradSign(MicrogradValue):
    def __sub__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data - other.data, (self, other), "-")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad                    # should be -out.grad
        out._backward = _backward
        return out


class NoChainRule(MicrogradValue):
    """The local derivatives without * out.grad."""

    def __add__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0
            other.grad += 1.0
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data
            other.grad += self.data
        out._backward = _backward
        return out

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        out = type(self)(s, (self,), "sigmoid")

        def _backward():
            self.grad += s * (1 - s)
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = type(self)(t, (self,), "tanh")

        def _backward():
            self.grad += 1 - t ** 2
        out._backward = _backward
        return out


class MulGradsSwapped(MicrogradValue):
    def __mul__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += self.data * out.grad
            other.grad += other.data * out.grad
        out._backward = _backward
        return out


def _without(name, *methods):
    """MicrogradValue as a class that never defined ``methods`` (set to None, Python's way of
    saying a special method does not exist)."""
    return type(name, (MicrogradValue,), {m: None for m in methods})


NoRmul = _without("NoRmul", "__rmul__")
NoRadd = _without("NoRadd", "__radd__")
NoRsub = _without("NoRsub", "__rsub__")
NoSigmoid = _without("NoSigmoid", "sigmoid")
NoNeg = _without("NoNeg", "__neg__")


class NumbersNotWrapped(MicrogradValue):
    def __add__(self, other):
        out = type(self)(self.data + other.data, (self, other), "+")   # other may be a number

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out


class AddReturnsNone(MicrogradValue):
    def __add__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward                     # forgot `return out`


class NotWritten:
    def __init__(self, data):
        raise NotImplementedError()


class GradStartsAtNone(MicrogradValue):
    def __init__(self, data, _children=(), _op=""):
        super().__init__(data, _children, _op)
        self.grad = None


class GradStartsAtOne(MicrogradValue):
    def __init__(self, data, _children=(), _op=""):
        super().__init__(data, _children, _op)
        self.grad = 1.0


class NeedsChildren(MicrogradValue):
    def __init__(self, data, _children, _op=""):      # no default: Value(2.0) fails
        super().__init__(data, _children, _op)

    def _wrap(self, other):
        return other if isinstance(other, MicrogradValue) else type(self)(other, ())


WRONG = [
    ("Value", AssignedGrads, r"overwritten\. Accumulate in every _backward: self\.grad \+="),
    ("Value", RecursiveBackward, r"topological order(.|\n)*visited set"),
    ("Value", ForwardOrder, r"ran in topological order \(leaves first\).*reversed\(topo\)"),
    ("Value", NoOutputGrad, r"own \.grad is 0: it should be 1\.0(.|\n)*self\.grad = 1\.0"),
    ("Value", NoVisitedSet, r"topological order(.|\n)*visited set"),
    ("Value", SigmoidGradS, r"s \* \(1 - s\).*you used s alone"),
    ("Value", SigmoidGradOfInput, r"used the input x: x \* \(1 - x\)"),
    ("Value", TanhGradOneMinusT, r"1 - t\*\*2 \(t = tanh\(x\), its output\), not 1 - t\."),
    ("Value", TanhGradOfInput, r"used the input x: 1 - x\*\*2"),
    ("Value", PowGradNXn, r"n \* x \*\* \(n - 1\); you wrote n \* x \*\* n"),
    ("Value", PowGradNoN, r"the factor n is missing"),
    ("Value", RsubSwapped, r"__rsub__ computes self - other(.|\n)*Value\(other\) - self"),
    ("Value", SubGradSign, r"the gradient of b is -out\.grad"),
    ("Value", NoChainRule, r"The chain rule is missing"),
    ("Value", MulGradsSwapped, r"the two gradients are swapped"),
    ("Value", NoRmul, r"needs Value\.__rmul__ \(number \* v\), which your class does not define"),
    ("Value", NoRadd, r"needs Value\.__radd__ \(number \+ v\), which your class does not define"),
    ("Value", NoRsub, r"needs Value\.__rsub__ \(number - v\)(.|\n)*not self - other"),
    ("Value", NoNeg, r"needs Value\.__neg__"),
    ("Value", NoSigmoid, r"no method sigmoid\(\)"),
    ("Value", NumbersNotWrapped, r"a Value \+ a plain number\) failed: 'int' object has no attribute 'data'(.|\n)*"
                                 r"wrap it first"),
    ("Value", AddReturnsNone, r"returned None, not a Value: __add__ must return a new Value "
                              r"holding the result \(did you forget `return out`\?\)"),
    ("Value", NotWritten, r"Value has not been written yet"),
    ("Value", GradStartsAtNone, r"Value\(2\)\.grad is None \(NoneType\), not a number"),
    ("Value", GradStartsAtOne, r"grad is 1 right after it is created: it must start at 0\.0"),
    ("Value", NeedsChildren, r"Value\(2\) failed: (.|\n)*give any other parameter a default value"),
]
