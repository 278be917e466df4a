"""Widgets and progress bars degrade to static output where no kernel is left to draw them.

- ``dlcourse.static_outputs.make_static`` on outputs made by hand: a tqdm bar goes, any other
  widget becomes one line of text, every other output is left alone, the saved widget state goes;
- a small notebook with a student's own ``tqdm.auto`` loop, a slider and a graded test cell that
  shows both, run by the grader (``autograder.execute.execute_notebook``, in its sandbox, with
  the grader's kernel environment): no widget JSON in any cell's outputs, graded cells included,
  and the rest of the outputs as they were.
"""
from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from dlcourse.static_outputs import WIDGET_VIEW, make_static, static_outputs

TQDM_BAR = "  0%|          | 0/5 [00:00<?, ?it/s]"
TQDM_BAR_DESC = "training:   0%|          | 0/20 [00:00<?, ?epoch/s]"
VBOX = "VBox(children=(HTML(value='<b>One neuron</b>'), FloatSlider(value=1.0)))"


def _widget(text: str, model: str = "abc123") -> dict:
    return new_output("display_data", data={
        WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": model},
        "text/plain": text})


def test_tqdm_bars_go_and_other_widgets_become_one_line():
    plain = new_output("stream", name="stdout", text="epoch 1: loss 0.5\n")
    figure = new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})
    kept = static_outputs([_widget(TQDM_BAR), plain, _widget(VBOX), _widget(TQDM_BAR_DESC),
                           figure])
    assert kept[0] == plain and kept[2] == figure and len(kept) == 3
    assert kept[1]["data"] == {"text/plain": "(interactive widget: VBox; it works in JupyterLab "
                                             "while the notebook's kernel runs)"}


def test_make_static_leaves_no_widget_json():
    graded = new_code_cell("check(f)", outputs=[_widget(TQDM_BAR), _widget("IntSlider(value=3)"),
                                                new_output("stream", name="stdout", text="ok\n")])
    graded.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "test_f",
                                   "points": 1}
    untouched = new_code_cell("x = 1", outputs=[new_output("execute_result",
                                                           data={"text/plain": "1"})])
    nb = new_notebook(cells=[graded, untouched])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    before = nbformat.from_dict(untouched)

    assert make_static(nb) == 2
    assert WIDGET_VIEW not in json.dumps(nb) and "widgets" not in nb.metadata
    assert [o.get("data", {}).get("text/plain", o.get("text")) for o in nb.cells[0].outputs] == [
        "(interactive widget: IntSlider; it works in JupyterLab while the notebook's kernel runs)",
        "ok\n"]
    assert nb.cells[1] == before
    assert make_static(nb) == 0  # nothing left to do


# -- the grader's own run ----------------------------------------------------------------------

STUDENT_LOOP = ("from tqdm.auto import tqdm\n"
                "from tqdm.notebook import tqdm_notebook\n"
                "bar = tqdm(range(5))\n"
                "total = sum(i for i in bar)\n"
                "print('notebook bar:', isinstance(bar, tqdm_notebook), total)")
SLIDER = "import ipywidgets as widgets\nwidgets.IntSlider(value=3)"
GRADED = ("from dlcourse.progress import progress\n"
          "from IPython.display import display\n"
          "for _ in tqdm(range(3), desc='checking'):\n"
          "    pass\n"
          "display(widgets.FloatSlider(value=0.5))\n"
          "assert list(progress(range(3), desc='lesson bar')) == [0, 1, 2]\n"
          "print('graded cell done')")


@pytest.mark.root  # the grading sandbox (conftest.py)
def test_the_grader_leaves_no_widget_json_in_graded_cells():
    from autograder.execute import execute_notebook
    from autograder.limits import Limits

    graded = new_code_cell(GRADED)
    graded.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                   "grade_id": "test_widgets", "points": 1, "schema_version": 3}
    nb = new_notebook(cells=[new_code_cell(STUDENT_LOOP), new_code_cell(SLIDER), graded])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3",
                              "language": "python"}

    result = execute_notebook(nbformat.writes(nb), {}, Limits(cell_timeout=60,
                                                              memory_limit=2 << 30))

    assert result["status"] == "graded", result["reason"]
    assert WIDGET_VIEW not in result["notebook"]
    executed = nbformat.reads(result["notebook"], as_version=4)
    assert "widgets" not in executed.metadata
    loop, slider, test = (cell.outputs for cell in executed.cells)
    # the student's bar was a notebook widget in that kernel; it left only what was printed
    assert [o.get("text") for o in loop] == ["notebook bar: True 10\n"]
    assert [o["data"]["text/plain"] for o in slider] == [
        "(interactive widget: IntSlider; it works in JupyterLab while the notebook's kernel runs)"]
    texts = [o.get("text") or o.get("data", {}).get("text/plain") for o in test]
    assert texts == ["(interactive widget: FloatSlider; it works in JupyterLab while the "
                     "notebook's kernel runs)", "graded cell done\n"]
    assert not any(o.get("output_type") == "error" for o in test)
