"""Figures of lesson 08b: the computation graph of an expression, with its values and gradients.

matplotlib is imported inside each function, so ``import dlcourse.plots.graphs`` stays light.
The function draws on ``ax`` when one is given (and returns its Figure); otherwise it creates a
figure, closes it in pyplot and returns it, so a notebook shows it once.

The graph is the handout's: **nodes are operations** (add, multiply, sigmoid...) and the leaves
(inputs, weights, bias); **edges are the data flow**, drawn as arrows from each operand to the
operation that uses it. Under each node: its value (``data``, the forward pass) and, once
``backward()`` has run, its gradient (``grad``: d output / d this node, the backward pass).
"""
from __future__ import annotations

from typing import Any, Mapping

from ..probes.autodiff import build, normalize, parse, to_text

#: how each op is written in its node; a plain-number operand is written into the label
_SYMBOL = {"add": "+", "radd": "+", "sub": "−", "rsub": "−", "mul": "×", "rmul": "×",
           "neg": "neg", "sigmoid": "σ", "tanh": "tanh", "pow": "**"}
_LEAF_COLOR, _OP_COLOR, _OUT_COLOR, _GRAD_COLOR = "#c6dbef", "#fdd0a2", "#a1d99b", "#c0392b"


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _num(x: float) -> str:
    return format(float(x), "g")


def _op_label(e: tuple) -> str:
    """The text in an op's node: its symbol, with a plain-number operand written in."""
    op, operands = e[0], e[1:]
    symbol = _SYMBOL[op]
    if op == "pow":
        return f"**{_num(operands[1])}"
    if len(operands) == 2:
        left, right = operands
        if _is_number(left):
            return f"{_num(left)} {symbol}"
        if _is_number(right):
            return f"{symbol} {_num(right)}"
    return symbol


def graph_layout(expression: Any) -> tuple[dict, list[tuple[Any, Any, str]]]:
    """``({node: (x, y)}, [(from, to, label), ...])`` of the expression's graph.

    Nodes are leaf names and op sub-expressions (equal sub-expressions are one node); edges go
    from an operand to the op that uses it (plain numbers are written in the op's label, not
    drawn). x is an operation's depth from the leaves, a leaf's column the one before its first
    use; within a column the nodes are ordered to keep edges short (a few sweeps of the
    barycentre heuristic).
    """
    expression = normalize(expression)
    level: dict = {}
    edges: list[tuple[Any, Any, str]] = []
    order: list = []

    def visit(e: Any) -> int:
        if e in level:
            return level[e]
        if isinstance(e, str):
            level[e] = 0
            order.append(e)
            return 0
        operands = [x for x in e[1:] if not _is_number(x)]
        lv = 1 + max(visit(x) for x in operands)
        for i, x in enumerate(e[1:]):
            if not _is_number(x):
                # the second operand of a Value - Value is the one subtracted
                label = "−" if e[0] == "sub" and i == 1 else ""
                edges.append((x, e, label))      # x * x: two edges, one per use
        level[e] = lv
        order.append(e)
        return lv

    visit(expression)
    # a leaf goes in the column just before its first use (the bias next to its addition),
    # so that its arrow does not run across the operations in between
    for name in (n for n in order if isinstance(n, str)):
        users = [level[b] for a, b, _ in edges if a == name]
        level[name] = min(users) - 1 if users else 0
    columns: dict[int, list] = {}
    for node in order:
        columns.setdefault(level[node], []).append(node)
    # leaves in the order they first appear; then sweeps that sort each column by the mean
    # position of its neighbours in the previous (forward) or next (backward) column
    pos = {n: i for col in columns.values() for i, n in enumerate(col)}
    preds: dict = {n: [] for n in order}
    succs: dict = {n: [] for n in order}
    for a, b, _ in edges:
        preds[b].append(a)
        succs[a].append(b)
    n_levels = max(columns) + 1
    for sweep in range(4):
        rng = range(1, n_levels) if sweep % 2 == 0 else range(n_levels - 2, -1, -1)
        for lv in rng:
            col = columns[lv]
            key = {}
            for i, n in enumerate(col):
                nbrs = preds[n] if sweep % 2 == 0 else succs[n]
                key[n] = (sum(pos[m] for m in nbrs) / len(nbrs)) if nbrs else pos[n]
            col.sort(key=lambda n: (key[n], pos[n]))
            for i, n in enumerate(col):
                pos[n] = i
    height = max(len(col) for col in columns.values())
    coords = {}
    for lv, col in columns.items():
        offset = (height - len(col)) / 2
        for i, n in enumerate(col):
            coords[n] = (float(lv), -(offset + i))
    return coords, edges


def plot_computation_graph(expression: Any, leaves: Mapping[str, float], *, Value: Any = None,
                           backward: bool = True, labels: Mapping[str, str] | None = None,
                           title: str | None = None, ax: Any = None) -> Any:
    """Draw the computation graph of ``expression`` with its forward values and gradients.

    expression: Python code such as ``"(x1 * w1 + x2 * w2 + b).sigmoid()"`` (or the nested tuples
    of :mod:`dlcourse.probes.autodiff`); leaves: ``{name: value}``. The numbers come from
    building the expression with ``Value`` (a micrograd-style class: yours, after the exercise;
    the course's reference by default) and calling ``backward()`` on the output when
    ``backward`` is True (else only the values are shown). labels: names for sub-expressions,
    ``{"x1 * w1 + x2 * w2 + b": "z"}``, written beside their nodes. Returns the Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

    if Value is None:
        from ..reference.autodiff import Value
    expression = normalize(expression)
    out, made, nodes = build(Value, expression, leaves)
    if backward:
        out.backward()
    objects = {**made, **nodes}
    named = {normalize(parse(k) if not k.isidentifier() else k): v
             for k, v in (labels or {}).items()}

    coords, edges = graph_layout(expression)
    n_cols = int(max(x for x, _ in coords.values())) + 1
    n_rows = int(-min(y for _, y in coords.values())) + 1
    dx, dy = 2.6, 1.55
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.2 + 2.35 * n_cols, 0.9 + 1.35 * n_rows))
        plt.close(fig)
    fig = ax.figure
    xy = {n: (x * dx, y * dy) for n, (x, y) in coords.items()}
    r = 0.36

    seen: dict = {}
    for a, b, label in edges:
        (x0, y0), (x1, y1) = xy[a], xy[b]
        start = (x0 + (0.55 if isinstance(a, str) else r), y0)
        end = (x1 - r, y1)
        k = seen[(a, b)] = seen.get((a, b), -1) + 1        # the k-th use of a by b: bend it
        twice = sum(1 for e in edges if e[:2] == (a, b)) > 1
        long = abs(coords[b][0] - coords[a][0]) > 1    # skipping a column: go around it
        bend = (0.25 if k % 2 == 0 else -0.25) if twice else (-0.2 if long else 0.0)
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=13,
                                     color="0.35", lw=1.2, shrinkA=0, shrinkB=2, zorder=1,
                                     connectionstyle=f"arc3,rad={bend}"))
        if label:  # the subtracted operand of a - b, marked near the arrow's head
            tx, ty = start[0] + 0.85 * (end[0] - start[0]), start[1] + 0.85 * (end[1] - start[1])
            ax.text(tx, ty + 0.2, "(−)", fontsize=10, ha="center", va="center", color="0.2",
                    fontweight="bold")

    for node, (x, y) in xy.items():
        v = objects[node]
        is_out = node == expression
        if isinstance(node, str):
            ax.add_patch(FancyBboxPatch((x - 0.5, y - 0.26), 1.0, 0.52, boxstyle="round,pad=0.05",
                                        facecolor=_OUT_COLOR if is_out else _LEAF_COLOR,
                                        edgecolor="0.2", lw=1.2, zorder=2))
            ax.text(x, y, node, ha="center", va="center", fontsize=11, fontweight="bold", zorder=3)
        else:
            ax.add_patch(Circle((x, y), r, facecolor=_OUT_COLOR if is_out else _OP_COLOR,
                                edgecolor="0.2", lw=1.4 if is_out else 1.1, zorder=2))
            text = _op_label(node)
            ax.text(x, y, text, ha="center", va="center", zorder=3,
                    fontsize=13 if len(text) <= 2 else (10 if len(text) <= 4 else 8))
        name = named.get(node)
        if name:
            ax.text(x, y + 0.5, name, ha="center", va="bottom", fontsize=11, style="italic",
                    color="0.15")
        ax.text(x, y - 0.46, f"data {float(v.data):.4g}", ha="center", va="top", fontsize=9,
                zorder=3)
        if backward:
            ax.text(x, y - 0.74, f"grad {float(v.grad):.4g}", ha="center", va="top", fontsize=9,
                    color=_GRAD_COLOR, zorder=3)

    xs = [p[0] for p in xy.values()]
    ys = [p[1] for p in xy.values()]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.set_ylim(min(ys) - 1.1, max(ys) + 0.85)
    ax.set_aspect("equal")
    ax.axis("off")
    what = "forward values (data) and gradients (grad)" if backward else "forward values (data)"
    ax.set_title(title if title is not None else f"{to_text(expression)}: {what}", fontsize=11)
    return fig
