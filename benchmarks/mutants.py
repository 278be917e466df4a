"""An AST mutator for the course's reference implementations: one mutant per single change.

``mutants_of(source)`` parses the source of one function or class (``inspect.getsource``) and
returns a :class:`Mutant` for every single change of these families (``Mutant.operator``):

- ``binop``: ``+ -``, ``* /``, ``** -> *``, ``// -> /`` swapped (also in ``+=``, ``-=`` ...);
- ``augassign``: ``a += b`` becomes ``a = b`` (the accumulation is lost);
- ``drop``: a term dropped from a sum, difference, product or quotient (``a + b -> a``, ``-> b``);
- ``compare``: ``< <=``, ``> >=``, ``== !=``, ``in / not in``, ``is / is not``;
- ``boolop``: ``and / or``;
- ``constant``: ``0 -> 1``, ``1 -> 0``, an int ``n -> n + 1`` and ``n - 1``, a float scaled by 2,
  ``True / False``; ``keepdims``: a ``keepdims=`` flag flipped;
- ``axis``: an ``axis=`` keyword dropped (the reduction runs over the whole array, not per row);
- ``reduction``: ``sum / mean``, ``max / min``, ``argmax / argmin``, ``np.maximum / np.minimum``;
- ``slice``: a slice bound moved by one (``a:b -> a+1:b``, ``a:b-1``...; ``:`` gains one);
- ``index``: an index that is an expression (not a constant) moved by one (``x[i] -> x[i + 1]``);
- ``unary``: a unary minus (or ``not``) dropped;
- ``transpose``: ``.T`` or ``np.transpose(...)`` dropped;
- ``return``: two of the values of ``return a, b, ...`` swapped.

Input validation is left alone (``raise``, the test of an ``if`` that only raises, f-strings):
the checkers grade results on the inputs an exercise allows, not which bad inputs raise.

Each mutant has a stable id, ``target:line:operator:change`` (``target`` the function, or
``Class.method``; ``line`` counted from that ``def``; ``#2`` when the same change occurs twice on
one line), so that a list of equivalent mutants survives edits elsewhere in the module. Mutants
whose code equals the original's, or an earlier mutant's, are left out.
"""
from __future__ import annotations

import ast
import copy
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass

#: the operator families, in the order the report lists them
OPERATORS = ("binop", "augassign", "drop", "compare", "boolop", "constant", "keepdims", "axis",
             "reduction", "slice", "index", "unary", "transpose", "return")

_BINOP_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
                ast.Pow: ast.Mult, ast.FloorDiv: ast.Div}
_CMP_SWAPS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
              ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In,
              ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
           ast.FloorDiv: "//", ast.MatMult: "@", ast.Mod: "%", ast.Lt: "<", ast.LtE: "<=",
           ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.In: "in",
           ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.And: "and",
           ast.Or: "or", ast.USub: "-", ast.Not: "not"}
#: reductions and element-wise pairs swapped, as ``np.NAME(...)``, ``x.NAME(...)`` or builtins
_CALL_SWAPS = {"sum": "mean", "mean": "sum", "max": "min", "min": "max", "amax": "amin",
               "amin": "amax", "argmax": "argmin", "argmin": "argmax", "maximum": "minimum",
               "minimum": "maximum", "nanmax": "nanmin", "nanmin": "nanmax"}


@dataclass(frozen=True)
class Mutant:
    """One single change of a target's source."""

    id: str
    #: the function (or ``Class.method``) the change is in
    target: str
    #: the line of the change, counted from the target's ``def`` (0)
    line: int
    operator: str
    #: ``from→to``, short
    change: str
    #: the whole mutated source of the object (function or class) the mutant replaces
    source: str
    #: the mutated line, as code (for the report)
    code: str


def _short(node: ast.AST, limit: int = 40) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _plus(node: ast.expr, k: int) -> ast.expr:
    return ast.BinOp(left=copy.deepcopy(node), op=ast.Add() if k > 0 else ast.Sub(),
                     right=ast.Constant(abs(k)))


# Each rule yields (operator, change, replacement node) for one node; the replacement is built
# from copies, and takes the node's place in its parent.

def _binop(node: ast.AST) -> Iterator[tuple[str, str, ast.AST]]:
    if isinstance(node, ast.BinOp):
        op = type(node.op)
        if op in _BINOP_SWAPS:
            new = copy.deepcopy(node)
            new.op = _BINOP_SWAPS[op]()
            yield "binop", f"{_SYMBOL[op]}→{_SYMBOL[_BINOP_SWAPS[op]]}", new
        if op in (ast.Add, ast.Sub, ast.Mult, ast.Div):
            yield "drop", f"a{_SYMBOL[op]}b→a", copy.deepcopy(node.left)
        if op in (ast.Add, ast.Mult):
            yield "drop", f"a{_SYMBOL[op]}b→b", copy.deepcopy(node.right)
    elif isinstance(node, ast.AugAssign):
        op = type(node.op)
        if op in _BINOP_SWAPS:
            new = copy.deepcopy(node)
            new.op = _BINOP_SWAPS[op]()
            yield "binop", f"{_SYMBOL[op]}=→{_SYMBOL[_BINOP_SWAPS[op]]}=", new
        yield "augassign", f"{_SYMBOL.get(op, '?')}=→=", ast.Assign(
            targets=[copy.deepcopy(node.target)], value=copy.deepcopy(node.value))


def _compare(node: ast.AST) -> Iterator[tuple[str, str, ast.AST]]:
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in _CMP_SWAPS:
                new = copy.deepcopy(node)
                new.ops[i] = _CMP_SWAPS[type(op)]()
                yield "compare", f"{_SYMBOL[type(op)]}→{_SYMBOL[_CMP_SWAPS[type(op)]]}", new
    elif isinstance(node, ast.BoolOp):
        new = copy.deepcopy(node)
        new.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield "boolop", f"{_SYMBOL[type(node.op)]}→{_SYMBOL[type(new.op)]}", new


def _constant(node: ast.AST, parent: ast.AST | None) -> Iterator[tuple[str, str, ast.AST]]:
    if not isinstance(node, ast.Constant):
        return
    value = node.value
    if isinstance(value, bool):
        family = ("keepdims" if isinstance(parent, ast.keyword) and parent.arg == "keepdims"
                  else "constant")
        yield family, f"{value}→{not value}", ast.Constant(not value)
        return
    if isinstance(value, int):
        targets = {0: [1, -1], 1: [0, 2]}.get(value, [value + 1, value - 1])
    elif isinstance(value, float):
        targets = {0.0: [1.0], 1.0: [0.0, 2.0]}.get(value, [value * 2.0])
    else:
        return
    for new in targets:
        yield "constant", f"{value!r}→{new!r}", ast.Constant(new)


def _call(node: ast.AST) -> Iterator[tuple[str, str, ast.AST]]:
    if not isinstance(node, ast.Call):
        return
    for i, kw in enumerate(node.keywords):
        if kw.arg == "axis":
            new = copy.deepcopy(node)
            del new.keywords[i]
            yield "axis", f"axis={_short(kw.value)}→dropped", new
    func = node.func
    name = (func.attr if isinstance(func, ast.Attribute)
            else func.id if isinstance(func, ast.Name) else None)
    if name in _CALL_SWAPS:
        new = copy.deepcopy(node)
        if isinstance(new.func, ast.Attribute):
            new.func.attr = _CALL_SWAPS[name]
        else:
            new.func.id = _CALL_SWAPS[name]
        yield "reduction", f"{name}→{_CALL_SWAPS[name]}", new
    if name == "transpose" and len(node.args) == 1 and not node.keywords:
        yield "transpose", "transpose(a)→a", copy.deepcopy(node.args[0])


def _subscript(node: ast.AST) -> Iterator[tuple[str, str, ast.AST]]:
    if isinstance(node, ast.Slice):
        for bound in ("lower", "upper"):
            value = getattr(node, bound)
            if value is None:
                moves = [1] if bound == "lower" else [-1]
            else:
                moves = [1, -1]
            for k in moves:
                new = copy.deepcopy(node)
                if value is None:
                    setattr(new, bound, ast.Constant(k))
                    change = f"{bound} {'+' if k > 0 else ''}{k}"
                else:
                    setattr(new, bound, _plus(value, k))
                    change = f"{bound}{'+' if k > 0 else '-'}1"
                yield "slice", change, new
    elif isinstance(node, ast.Subscript):
        index = node.slice
        elements = index.elts if isinstance(index, ast.Tuple) else [index]
        for i, element in enumerate(elements):
            if isinstance(element, (ast.Slice, ast.Constant, ast.Starred)):
                continue
            if isinstance(element, ast.UnaryOp) and isinstance(element.operand, ast.Constant):
                continue
            for k in (1, -1):
                new = copy.deepcopy(node)
                if isinstance(index, ast.Tuple):
                    new.slice.elts[i] = _plus(element, k)
                else:
                    new.slice = _plus(element, k)
                yield "index", f"[{_short(element, 20)}]→[{_short(element, 20)}{k:+d}]", new


def _other(node: ast.AST) -> Iterator[tuple[str, str, ast.AST]]:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        yield "unary", f"{_SYMBOL[type(node.op)]}a→a", copy.deepcopy(node.operand)
    elif (isinstance(node, ast.Attribute) and node.attr == "T"
          and isinstance(node.ctx, ast.Load)):
        yield "transpose", "a.T→a", copy.deepcopy(node.value)
    elif (isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple)
          and len(node.value.elts) >= 2):
        n = len(node.value.elts)
        for i in range(n):
            for j in range(i + 1, n):
                new = copy.deepcopy(node)
                new.value.elts[i], new.value.elts[j] = new.value.elts[j], new.value.elts[i]
                yield "return", f"swap {i},{j}", new


def _rules(node: ast.AST, parent: ast.AST | None) -> Iterator[tuple[str, str, ast.AST]]:
    yield from _binop(node)
    yield from _compare(node)
    yield from _constant(node, parent)
    yield from _call(node)
    yield from _subscript(node)
    yield from _other(node)


def _walk(node: ast.AST, parent: ast.AST | None = None) -> Iterator[tuple[ast.AST, ast.AST | None]]:
    """Every node with its parent, in a fixed (depth-first, field) order."""
    yield node, parent
    for child in ast.iter_child_nodes(node):
        yield from _walk(child, node)


def _skipped(node: ast.AST, parent: ast.AST | None) -> bool:
    """A docstring: not code."""
    return (isinstance(parent, ast.Expr) and isinstance(node, ast.Constant)
            and isinstance(node.value, str))


def _validation_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes of input validation, never mutated: ``raise`` statements, the test of an
    ``if`` whose body only raises, and f-strings (text). A checker grades results on the inputs
    an exercise allows; which invalid inputs raise, and the wording, is not graded."""
    found: set[int] = set()
    for node in ast.walk(tree):
        roots: list[ast.AST] = []
        if isinstance(node, (ast.Raise, ast.JoinedStr)):
            roots.append(node)
        elif (isinstance(node, ast.If) and not node.orelse
              and all(isinstance(s, ast.Raise) for s in node.body)):
            roots.append(node.test)
        for root in roots:
            found.update(id(n) for n in ast.walk(root))
    return found


def _annotation_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside annotations (with ``from __future__ import annotations`` they
    are never evaluated: mutating them changes nothing)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        roots = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            roots.append(node.returns)
            args = node.args
            roots += [a.annotation for a in args.args + args.posonlyargs + args.kwonlyargs]
            roots += [a.annotation for a in (args.vararg, args.kwarg) if a is not None]
        elif isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
        for root in roots:
            if root is not None:
                found.update(id(n) for n in ast.walk(root))
    return found


def _replace(parent: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for field, value in ast.iter_fields(parent):
        if value is old:
            setattr(parent, field, new)
            return
        if isinstance(value, list):
            for i, item in enumerate(value):
                if item is old:
                    value[i] = new
                    return
    raise LookupError("node not found in its parent")


def _owner(stack: list[ast.AST], top: ast.AST) -> tuple[str, int]:
    """(target name, line of its def) of a node: the top function, or ``Class.method``."""
    if isinstance(top, ast.ClassDef):
        for node in stack:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return f"{top.name}.{node.name}", node.lineno
        return top.name, top.lineno
    return top.name, top.lineno


def mutants_of(source: str) -> list[Mutant]:
    """Every single-change mutant of the function or class defined by ``source``."""
    source = textwrap.dedent(source)
    tree = ast.parse(source)
    if len(tree.body) != 1 or not isinstance(tree.body[0], (ast.FunctionDef, ast.ClassDef)):
        raise ValueError("the source must define exactly one function or class")
    top = tree.body[0]
    original = ast.unparse(tree)
    skip = _annotation_nodes(tree) | _validation_nodes(tree)
    skip.update(id(d) for d in top.decorator_list)
    # the ancestors of each node, to find its method
    ancestors: dict[int, list[ast.AST]] = {}

    def visit(node: ast.AST, chain: list[ast.AST]) -> None:
        ancestors[id(node)] = chain
        for child in ast.iter_child_nodes(node):
            visit(child, chain + [node])
    visit(tree, [])

    nodes = list(_walk(tree))
    result: list[Mutant] = []
    seen = {original}
    counts: dict[tuple, int] = {}
    for index, (node, parent) in enumerate(nodes):
        if id(node) in skip or parent is None or _skipped(node, parent):
            continue
        if any(id(a) in skip for a in ancestors[id(node)]):
            continue
        for operator, change, replacement in _rules(node, parent):
            mutated = copy.deepcopy(tree)
            m_nodes = list(_walk(mutated))
            m_node, m_parent = m_nodes[index]
            _replace(m_parent, m_node, replacement)
            ast.fix_missing_locations(mutated)
            text = ast.unparse(mutated)
            if text in seen:
                continue
            seen.add(text)
            target, def_line = _owner(ancestors[id(node)][2:] + [node], top)
            line = getattr(node, "lineno", getattr(parent, "lineno", def_line)) - def_line
            key = (target, line, operator, change)
            counts[key] = counts.get(key, 0) + 1
            ident = f"{target}:{line}:{operator}:{change}"
            if counts[key] > 1:
                ident += f"#{counts[key]}"
            code_line = source.splitlines()[getattr(node, "lineno", def_line) - 1].strip()
            result.append(Mutant(ident, target, line, operator, change, text, code_line))
    return result


def compile_into(namespace: dict, source: str, filename: str) -> None:
    """Run the ``def``/``class`` of ``source`` in ``namespace`` (a copy of its module's), with the
    module's ``from __future__ import annotations`` (annotations stay unevaluated)."""
    import __future__

    code = compile(textwrap.dedent(source), filename, "exec",
                   flags=__future__.annotations.compiler_flag, dont_inherit=True)
    exec(code, namespace)  # noqa: S102 - the course's own reference code, mutated


