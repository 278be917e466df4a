"""Probe of lesson 08b's exercise ``Value``: a student's tiny autodiff class, driven on an expression.

The checker cannot call a class and compare "what it returns": the answer is the behaviour of its
operators and of ``backward()``. So each case is an **expression** written as plain data, and
:func:`value_probe` builds it with the student's ``Value`` exactly as Python code would (``a * b``
calls ``a.__mul__(b)``, ``2 * a`` calls ``a.__rmul__(2)``), calls ``backward()`` on the result
and returns plain numbers: the output's value and every leaf's gradient.

An expression is Python code in a string, ``"(x1 * w1 + x2 * w2 + b).sigmoid()"`` (the
checker's cases use this form, which reads well in its messages), or the same as nested tuples:
a leaf's name (a ``str``), a number, or a tuple ``(op, operand, ...)``:

======================  ============================  =======================================
``("add", x, y)``       ``x + y``                     also ``sub`` (``x - y``), ``mul``
``("radd", 2.0, x)``    ``2.0 + x``: a number on the  also ``rsub`` (``2.0 - x``), ``rmul``
                        left (``__radd__``)
``("neg", x)``          ``-x``
``("pow", x, 3)``       ``x ** 3``                    the exponent is a number
``("sigmoid", x)``      ``x.sigmoid()``               also ``tanh``
======================  ============================  =======================================

Equal sub-expressions are built once and then reused, as a Python variable used twice would be:
in ``("mul", h, h)`` with ``h = ("tanh", "a")`` one tanh node feeds both sides of the product.
That is how a case makes a **diamond** (a node with two paths to the output), where a
``backward()`` without a topological order goes wrong.

``leaves`` gives each leaf's value: a dict ``{name: value}``, or two lists ``(names, values)``.
The gradients come back in that order. This module imports no framework and nothing of
``dlcourse.checks`` or ``dlcourse.reference`` (the grader's verifier withholds those): the
checker runs the same :func:`value_probe` with its reference class and its known mistakes.
"""
from __future__ import annotations

import ast
import math
from numbers import Real
from typing import Any

import numpy as np

#: each op's number of operands
ARITY = {"add": 2, "sub": 2, "mul": 2, "radd": 2, "rsub": 2, "rmul": 2, "pow": 2,
         "neg": 1, "sigmoid": 1, "tanh": 1}
#: the Python operator of each binary op
SYMBOL = {"add": "+", "sub": "-", "mul": "*", "radd": "+", "rsub": "-", "rmul": "*", "pow": "**"}
#: the method Python looks for on the Value; for a number on the left, the reflected one
DUNDER = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "pow": "__pow__",
          "radd": "__radd__", "rsub": "__rsub__", "rmul": "__rmul__", "neg": "__neg__",
          "sigmoid": "sigmoid", "tanh": "tanh"}
#: what each dunder computes, for the messages
MEANING = {"__add__": "v + other", "__sub__": "v - other", "__mul__": "v * other",
           "__pow__": "v ** number", "__radd__": "number + v", "__rsub__": "number - v",
           "__rmul__": "number * v", "__neg__": "-v"}
#: how to write the missing ones, for the messages
HOW = {"__radd__": "def __radd__(self, other): return self + other",
       "__rmul__": "def __rmul__(self, other): return self * other",
       "__rsub__": "def __rsub__(self, other): return Value(other) - self  (other - self, "
                   "not self - other)",
       "__neg__": "def __neg__(self): return self * -1",
       "__sub__": "def __sub__(self, other): return self + (-other)"}

_PRECEDENCE = {"add": 1, "sub": 1, "radd": 1, "rsub": 1, "mul": 2, "rmul": 2, "neg": 3,
               "pow": 4, "sigmoid": 5, "tanh": 5}
_ATOM = 6


class ExpressionError(ValueError):
    """The case itself is malformed (a bug in the checker's cases, never the student's)."""


def _is_number(x: Any) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool)


_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Pow: "pow"}


def parse(text: str) -> Any:
    """Python code such as ``"(x1 * w1 + b).sigmoid() + 2 * a ** 3"`` as an expression of tuples.

    Only what a case uses is accepted: names (the leaves), numbers, ``+ - * **``, unary ``-``
    and the methods ``.sigmoid()`` and ``.tanh()``; a number on the left of ``+ - *`` gives the
    reflected op (``2 * a`` is ``("rmul", 2, "a")``). Nothing is evaluated.
    """
    def convert(node: ast.AST) -> Any:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Constant) and _is_number(node.value):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            operand = convert(node.operand)
            return -operand if _is_number(operand) else ("neg", operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            op, left, right = _BINARY[type(node.op)], convert(node.left), convert(node.right)
            if _is_number(left) and op != "pow":
                op = "r" + op
            return (op, left, right)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("sigmoid", "tanh") and not node.args and not node.keywords):
            return (node.func.attr, convert(node.func.value))
        raise ExpressionError(f"not an expression of this exercise: {ast.unparse(node)!r}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"not Python code: {text!r} ({exc.msg})") from None
    return convert(tree.body)


def normalize(expression: Any) -> Any:
    """The expression as nested tuples (hashable), checked for well-formedness: Python code
    (:func:`parse`) and lists are converted; a name alone is a leaf."""
    if isinstance(expression, str):
        return expression if expression.isidentifier() else normalize(parse(expression))
    if _is_number(expression):
        return expression
    if isinstance(expression, (tuple, list)) and expression and expression[0] in ARITY:
        op, operands = expression[0], tuple(normalize(e) for e in expression[1:])
        if len(operands) != ARITY[op]:
            raise ExpressionError(f"{op} takes {ARITY[op]} operand(s): {expression!r}")
        values = [not _is_number(e) for e in operands]
        if op in ("radd", "rsub", "rmul") and values != [False, True]:
            raise ExpressionError(f"{op} wants a number on the left and an expression on the "
                                  f"right: {expression!r}")
        if op == "pow" and values != [True, False]:
            raise ExpressionError(f"pow wants an expression and a number: {expression!r}")
        if ARITY[op] == 1 and not values[0]:
            raise ExpressionError(f"{op} of a plain number: {expression!r}")
        if ARITY[op] == 2 and not any(values):
            raise ExpressionError(f"{op} of two plain numbers: {expression!r}")
        return (op,) + operands
    raise ExpressionError(f"not an expression: {expression!r}")


def leaf_names(expression: Any) -> list[str]:
    """The leaves' names, in the order they first appear."""
    names: list[str] = []

    def visit(e: Any) -> None:
        if isinstance(e, str):
            if e not in names:
                names.append(e)
        elif isinstance(e, tuple):
            for operand in e[1:]:
                visit(operand)
    visit(normalize(expression))
    return names


def depth(expression: Any) -> int:
    """How deeply the expression nests (a leaf or a number: 0)."""
    if isinstance(expression, (tuple, list)):
        return 1 + max(depth(e) for e in expression[1:])
    return 0


def count_nodes(expression: Any) -> int:
    """How many operation nodes the expression builds (equal sub-expressions counted once)."""
    seen: set = set()

    def visit(e: Any) -> None:
        if isinstance(e, tuple) and e not in seen:
            seen.add(e)
            for operand in e[1:]:
                visit(operand)
    visit(normalize(expression))
    return len(seen)


def _number_text(x: Real) -> str:
    return format(float(x), "g") if float(x) != int(x) or abs(x) >= 1e6 else str(int(x))


def to_text(expression: Any) -> str:
    """The expression as Python code: ``("add", ("mul", "a", "b"), 1.0)`` -> ``'a * b + 1'``."""
    def text(e: Any) -> tuple[str, int]:
        if isinstance(e, str):
            return e, _ATOM
        if _is_number(e):
            return _number_text(e), (_ATOM if e >= 0 else 3)
        op, operands = e[0], e[1:]
        prec = _PRECEDENCE[op]
        if op in ("sigmoid", "tanh"):
            inner, p = text(operands[0])
            return (f"({inner})" if p < prec else inner) + f".{op}()", prec
        if op == "neg":
            inner, p = text(operands[0])
            return "-" + (f"({inner})" if p < prec else inner), prec
        (left, lp), (right, rp) = text(operands[0]), text(operands[1])
        if op == "pow":  # right-associative, binds tighter than unary minus
            left = f"({left})" if lp <= prec else left
            return f"{left} ** {right}", prec
        left = f"({left})" if lp < prec else left
        right = f"({right})" if rp <= prec else right
        return f"{left} {SYMBOL[op]} {right}", prec
    return text(normalize(expression))[0]


def _leaves(leaves: Any) -> list[tuple[str, float]]:
    if isinstance(leaves, dict):
        pairs = list(leaves.items())
    elif isinstance(leaves, (tuple, list)) and len(leaves) == 2:
        pairs = list(zip(leaves[0], leaves[1]))
    else:
        raise ExpressionError(f"leaves must be a dict or (names, values): {leaves!r}")
    return [(str(name), float(value)) for name, value in pairs]


def _short(x: float) -> str:
    return format(x, ".6g")


class _StudentError(Exception):
    """Marks an exception of the student's code, re-raised with what the probe was doing."""


def _rethrow(exc: BaseException, doing: str, hint: str = "") -> None:
    """Raise ``exc`` again, of the same type when possible, with what was being done and a hint:
    "computing `a + 2` (a Value plus a plain number) raised AttributeError: ..."."""
    if isinstance(exc, (NotImplementedError, SystemExit, KeyboardInterrupt, RecursionError)):
        raise exc
    message = f"{doing}: {exc}" + (f"\n  {hint}" if hint else "")
    try:
        new = type(exc)(message)
    except Exception:
        new = RuntimeError(f"{doing}: {type(exc).__name__}: {exc}" + (f"\n  {hint}" if hint else ""))
    raise new.with_traceback(exc.__traceback__) from None


def _number(obj: Any, what: str, how: str) -> float:
    """``obj`` as a float, or a clear error naming ``what`` it is."""
    if isinstance(obj, (np.ndarray, np.generic)) and np.ndim(obj) == 0:
        obj = obj.item()
    if obj is None or isinstance(obj, bool) or not _is_number(obj):
        raise TypeError(f"{what} is {obj!r} ({type(obj).__name__}), not a number. {how}")
    return float(obj)


def build(Value: Any, expression: Any, leaves: Any) -> tuple[Any, dict[str, Any], dict]:
    """Build ``expression`` with the class ``Value``: returns (output, {name: leaf Value},
    {sub-expression: its Value}). Raises a clear error when the class misbehaves."""
    if not isinstance(Value, type):
        raise TypeError(f"Value should be a class (`class Value:`), but it is "
                        f"{type(Value).__name__}.")
    expression = normalize(expression)
    pairs = _leaves(leaves)
    missing = [n for n in leaf_names(expression) if n not in dict(pairs)]
    if missing:
        raise ExpressionError(f"no value for the leaves {missing} of {to_text(expression)}")

    made: dict[str, Any] = {}
    for name, x in pairs:
        try:
            v = Value(x)
        except Exception as exc:
            _rethrow(exc, f"Value({_short(x)}) failed",
                     "Value(data) must work with a single number: give any other parameter a "
                     "default value, e.g. def __init__(self, data, _children=(), _op='').")
        if not hasattr(v, "data") or not hasattr(v, "grad"):
            lacking = " and ".join(a for a in ("data", "grad") if not hasattr(v, a))
            raise AttributeError(f"Value({_short(x)}) has no attribute {lacking}: __init__ must "
                                 "set self.data = data and self.grad = 0.0.")
        data = _number(v.data, f"Value({_short(x)}).data", "It should hold the number given.")
        if data != x:
            raise ValueError(f"Value({_short(x)}).data is {_short(data)}: it should be the number "
                             f"given, {_short(x)} (self.data = data).")
        grad = _number(v.grad, f"Value({_short(x)}).grad", "It should start at 0.0.")
        if grad != 0.0:
            raise ValueError(f"Value({_short(x)}).grad is {_short(grad)} right after it is "
                             "created: it must start at 0.0 (self.grad = 0.0); backward() sets "
                             "the output's grad to 1.")
        made[name] = v

    nodes: dict = {}

    def evaluate(e: Any) -> Any:
        if isinstance(e, str):
            return made[e]
        if _is_number(e):
            return e
        if e in nodes:
            return nodes[e]
        op, operands = e[0], [evaluate(x) for x in e[1:]]
        nodes[e] = _apply(Value, op, operands, e)
        return nodes[e]

    return evaluate(expression), made, nodes


def _describe_operand(x: Any) -> str:
    return "a plain number" if _is_number(x) else "a Value"


def _apply(Value: type, op: str, operands: list, expression: tuple) -> Any:
    code = to_text(expression)
    dunder = DUNDER[op]
    if op in ("sigmoid", "tanh"):
        what = f"computing `{code}`"
    elif op == "neg":
        what = f"computing `{code}` (minus a Value)"
    else:
        what = (f"computing `{code}` ({_describe_operand(operands[0])} {SYMBOL[op]} "
                f"{_describe_operand(operands[1])})")
    # the method Python will look for on the Value: the reflected one for a number on the left
    needed = dunder
    if op in ("add", "sub", "mul") and _is_number(operands[0]):
        needed = "__r" + dunder[2:]
    if op in ("sigmoid", "tanh") and not callable(getattr(operands[0], op, None)):
        raise AttributeError(f"{what}: Value has no method {op}(): define `def {op}(self):` in "
                             "the class, returning a new Value.")
    try:
        if op in ("add", "radd"):
            result = operands[0] + operands[1]
        elif op in ("sub", "rsub"):
            result = operands[0] - operands[1]
        elif op in ("mul", "rmul"):
            result = operands[0] * operands[1]
        elif op == "pow":
            result = operands[0] ** operands[1]
        elif op == "neg":
            result = -operands[0]
        else:
            result = getattr(operands[0], op)()
    except Exception as exc:
        if isinstance(exc, TypeError) and not callable(getattr(Value, needed, None)):
            if needed.startswith("__r"):
                forward = "__" + needed[3:]
                ask = (f"for `number {SYMBOL[op]} Value` Python first asks the number "
                       f"({type(operands[0]).__name__}.{forward}), which does not know your "
                       f"class, then the Value on the right for {needed}")
            else:
                ask = f"Python looks for {needed} on the Value"
            raise TypeError(
                f"{what} needs Value.{needed} ({MEANING.get(needed, needed)}), which your class "
                f"does not define: {ask}.\n  Add it: "
                f"{HOW.get(needed, f'def {needed}(self, other): ...')}") from None
        _rethrow(exc, f"{what} failed",
                 "" if not any(_is_number(o) for o in operands) or op in ("pow",) else
                 "An operator must accept a plain number too: wrap it first, e.g. other = other "
                 "if isinstance(other, Value) else Value(other).")
    if not isinstance(result, Value):
        shown = "None" if result is None else f"a {type(result).__name__} ({result!r:.40})"
        forgot = " (did you forget `return out`?)" if result is None else ""
        raise TypeError(f"{what} returned {shown}, not a Value: {dunder} must return a new "
                        f"Value holding the result{forgot}.")
    return result


def value_probe(Value: Any, expression: Any, leaves: Any) -> dict:
    """Build ``expression`` with the student's ``Value``, call ``backward()`` on the result.

    Returns plain data: ``{"value": out.data, "output_grad": out.grad (after backward),
    "names": the leaves' names, "grads": their .grad as a float64 array, in the order of
    leaves}``. Raises a beginner-readable error when the class misbehaves (an operator missing,
    a method returning None, a grad that is not a number).
    """
    out, made, _ = build(Value, expression, leaves)
    if not hasattr(out, "backward"):
        raise AttributeError("Value has no method backward(): define `def backward(self):`, "
                             "which fills .grad of every Value the result depends on.")
    try:
        out.backward()
    except Exception as exc:
        _rethrow(exc, f"calling backward() on `{to_text(expression)}` failed")
    value = _number(getattr(out, "data", None), f"the output's .data ({to_text(expression)})",
                    "It should be the result of the computation.")
    output_grad = _number(getattr(out, "grad", None), "the output's .grad after backward()",
                          "backward() should set it to 1.0.")
    names = tuple(made)
    grads = np.array([_number(getattr(v, "grad", None), f"{name}.grad after backward()",
                              "Every .grad should be a number (start at 0.0 and add to it).")
                      for name, v in made.items()], dtype=np.float64)
    return {"value": value, "output_grad": output_grad, "names": names, "grads": grads}


def sigmoid(x: float) -> float:
    """The logistic sigmoid of a float, without overflow (for the float evaluation below)."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def forward_values(expression: Any, leaves: Any) -> dict:
    """Every node's value with plain floats: ``{sub-expression or leaf name: value}`` (no class
    needed; the checker uses it to keep random expressions within a safe range)."""
    expression = normalize(expression)
    values: dict = dict(_leaves(leaves))

    def evaluate(e: Any) -> float:
        if _is_number(e):
            return float(e)
        if e in values:
            return values[e]
        op, xs = e[0], [evaluate(x) for x in e[1:]]
        if op in ("add", "radd"):
            v = xs[0] + xs[1]
        elif op in ("sub", "rsub"):
            v = xs[0] - xs[1]
        elif op in ("mul", "rmul"):
            v = xs[0] * xs[1]
        elif op == "pow":
            v = xs[0] ** xs[1]
        elif op == "neg":
            v = -xs[0]
        elif op == "sigmoid":
            v = sigmoid(xs[0])
        else:
            v = math.tanh(xs[0])
        values[e] = v
        return v
    evaluate(expression)
    return values
