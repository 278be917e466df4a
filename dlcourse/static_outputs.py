"""Notebook outputs that read the same with no kernel behind them: widgets made static.

A widget (a lesson's slider, ``tqdm.auto``'s bar in Jupyter) is an output of MIME type
``application/vnd.jupyter.widget-view+json``: a reference to a model that lives in the kernel.
Where no kernel runs any more (the grader's autograded notebooks and feedback pages, ``python -m
dlcourse check``) that reference points nowhere: JupyterLab shows an error in its place and
nbconvert's HTML loads the widget library from a CDN to draw nothing. The lessons' own bars are
off in such kernels already (``dlcourse.progress``: ``DLCOURSE_PROGRESS=off``); a student's own
``tqdm`` is not, nor is a widget left as the last line of a cell.

:func:`make_static` rewrites an executed notebook in place: every widget view becomes static,

- a tqdm bar (its ``text/plain`` is the bar as tqdm drew it when it appeared, ``0%|...``, which
  would be wrong by the end): nothing;
- any other widget: one line of ``text/plain`` naming it (``(interactive widget: VBox; ...)``),
  since ipywidgets' own ``text/plain`` is the whole tree of its children's reprs;

and the notebook's saved widget state (``metadata.widgets``, which nbclient stores) goes.
"""
from __future__ import annotations

import re

from nbformat.notebooknode import NotebookNode

__all__ = ["WIDGET_VIEW", "has_widget_view", "make_static", "static_outputs"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: tqdm's meter as its notebook bar's text/plain shows it: "  0%|          | 0/5 [00:00<?, ?it/s]"
_TQDM_METER = re.compile(r"^\s*(.*?:\s*)?\d+%\|.*\|\s*\S+/\S+\s*\[")
#: ipywidgets' repr starts with the widget's class name: VBox(children=(...))
_WIDGET_NAME = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\(")


def has_widget_view(output: dict) -> bool:
    return WIDGET_VIEW in (output.get("data") or {})


def _static(output: NotebookNode) -> NotebookNode | None:
    text = output["data"].get("text/plain", "")
    text = "".join(text) if isinstance(text, list) else str(text)
    if _TQDM_METER.match(text):
        return None
    match = _WIDGET_NAME.match(text)
    name = match.group(1) if match else "widget"
    output["data"] = {"text/plain": f"(interactive widget: {name}; it works in JupyterLab "
                                    "while the notebook's kernel runs)"}
    output.get("metadata", {}).pop(WIDGET_VIEW, None)
    return output


def static_outputs(outputs: list) -> list:
    """``outputs`` with every widget view made static (see the module's docstring)."""
    kept = []
    for output in outputs:
        if has_widget_view(output):
            output = _static(output)
        if output is not None:
            kept.append(output)
    return kept


def make_static(nb: NotebookNode) -> int:
    """Make every widget view of ``nb`` static, in place; return how many there were."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        count += sum(1 for output in outputs if has_widget_view(output))
        cell.outputs = static_outputs(outputs)
    nb.metadata.pop("widgets", None)
    return count
