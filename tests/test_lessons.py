"""`solutions/` is the one source of every lesson; `lessons/` is generated from it and hides the answers."""
from __future__ import annotations

import json
import re

import pytest

from autograder.lessons import assignments, generate
from dlcourse.checks import EXERCISES

from .notebooks import (LESSON_IDS, LESSONS, ROOT, SOLUTIONS, is_answer, is_free_text, is_test,
                        lesson_notebooks, nbgrader, notebooks, read, secret_texts)


def test_every_curriculum_lesson_has_a_solution_and_a_student_version():
    assert assignments() == LESSON_IDS
    for lesson in LESSON_IDS:
        solutions = [p.name for p in lesson_notebooks(lesson)]
        assert solutions and all(name.startswith(lesson[:2]) for name in solutions), solutions
        assert [p.name for p in lesson_notebooks(lesson, LESSONS)] == solutions


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    return generate(into=tmp_path_factory.mktemp("release"))


def _relative_files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and ".ipynb_checkpoints" not in p.parts)


def test_lessons_are_exactly_what_nbgrader_generates_from_solutions(regenerated):
    assert _relative_files(regenerated) == _relative_files(LESSONS), \
        "lessons/ and solutions/ hold different files: run `make lessons`"
    for generated in regenerated.rglob("*.ipynb"):
        checked_in = LESSONS / generated.relative_to(regenerated)
        assert json.loads(generated.read_text()) == json.loads(checked_in.read_text()), \
            f"{checked_in} differs from what solutions/ generates: run `make lessons`"


@pytest.mark.parametrize("solution", notebooks(SOLUTIONS), ids=lambda p: p.stem)
def test_no_solution_hidden_test_or_mark_scheme_reaches_students(solution):
    secrets = secret_texts(read(solution))
    assert secrets, "a solution notebook without solutions?"
    student_text = (LESSONS / solution.relative_to(SOLUTIONS)).read_text()
    student = "\n".join(c.source for c in read(LESSONS / solution.relative_to(SOLUTIONS)).cells)
    leaked = [s for s in secrets if s in student]
    assert not leaked, f"solution text in the student version: {leaked[:5]}"
    for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "BEGIN MARK SCHEME", "Mark scheme",
                   "hidden=True"):
        assert marker not in student_text


@pytest.mark.parametrize("path", notebooks(SOLUTIONS) + notebooks(LESSONS),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_notebooks_are_stored_without_outputs(path):
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]


def _graded_cells():
    for path in notebooks(SOLUTIONS):
        nb = read(path)
        for i, cell in enumerate(nb.cells):
            if is_answer(cell):
                yield path, nb, i, cell


def test_every_exercise_has_one_answer_cell_with_its_checker_right_after():
    seen = {}
    for path, nb, i, cell in _graded_cells():
        name = nbgrader(cell)["grade_id"]
        assert name in EXERCISES, f"{path.name}: answer cell {name!r} has no checker"
        assert name not in seen, f"{name} is answered twice ({seen[name]} and {path.name})"
        seen[name] = path.name
        test = nb.cells[i + 1]
        assert is_test(test) and nbgrader(test)["grade_id"] == f"test_{name}"
        assert nbgrader(test)["points"] > 0
        public, _, hidden = test.source.partition("### BEGIN HIDDEN TESTS")
        assert f"from dlcourse.checks import check_{name}" in public
        assert re.search(rf"^check_{name}\({name}\)$", public, re.M)
        assert re.search(rf"^check_{name}\({name}, hidden=True\)$", hidden, re.M)
    assert sorted(seen) == sorted(EXERCISES), "exercises with a checker but no notebook cell"


@pytest.mark.parametrize("solution", notebooks(SOLUTIONS), ids=lambda p: p.stem)
def test_free_text_questions_carry_a_mark_scheme(solution):
    questions = [c for c in read(solution).cells if is_free_text(c)]
    assert questions, "each lesson asks at least one free-text question"
    for cell in questions:
        assert "**Mark scheme**" in cell.source
        assert nbgrader(cell)["points"] > 0


@pytest.mark.parametrize("solution", notebooks(SOLUTIONS), ids=lambda p: p.stem)
def test_a_lesson_opens_with_its_goals_and_ends_with_a_recap(solution):
    cells = read(solution).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    assert "learn" in cells[0].source.lower()
    closing = "\n".join(c.source for c in cells[-3:] if c.cell_type == "markdown")
    assert "recap" in closing.lower()


def _gpu_cells():
    return [(f"{path.parent.parent.name}/{path.name}#{i}", cell)
            for path in notebooks(SOLUTIONS) + notebooks(LESSONS)
            for i, cell in enumerate(read(path).cells) if "gpu" in cell.metadata.get("tags", [])]


def test_cells_tagged_gpu_are_exactly_the_cells_that_ask_for_a_gpu():
    tagged = _gpu_cells()
    assert tagged, "no cell is tagged `gpu`"
    for path in notebooks(SOLUTIONS) + notebooks(LESSONS):
        for cell in read(path).cells:
            asks = cell.cell_type == "code" and "skip_without_gpu(" in cell.source
            assert asks == ("gpu" in cell.metadata.get("tags", [])), (path.name, cell.source[:80])


@pytest.mark.parametrize("no_gpu_because", ["DLCOURSE_DEVICE=cpu", "torch sees no CUDA device"])
@pytest.mark.parametrize("where,cell", _gpu_cells(), ids=[name for name, _ in _gpu_cells()])
def test_cells_tagged_gpu_skip_themselves_without_a_gpu(where, cell, no_gpu_because, monkeypatch,
                                                        capsys):
    # every gpu cell is executed (IPython's transforms, then exec) on a machine without a GPU
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    from dlcourse.device import skip_without_gpu

    assert cell.cell_type == "code" and not nbgrader(cell).get("grade"), where
    code = TransformerManager().transform_cell(cell.source)
    body = ast.parse(code).body
    # one `if not skip_without_gpu("..."):` block and nothing outside it
    assert len(body) == 1 and isinstance(body[0], ast.If) and not body[0].orelse, where
    first = next(line for line in cell.source.splitlines()
                 if line.strip() and not line.lstrip().startswith("#"))
    what = re.match(r'if not skip_without_gpu\("([^"]+)"\):$', first)
    assert what, (where, first)
    if no_gpu_because == "DLCOURSE_DEVICE=cpu":
        monkeypatch.setenv("DLCOURSE_DEVICE", "cpu")
    else:
        import torch

        monkeypatch.delenv("DLCOURSE_DEVICE", raising=False)
        monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    # only skip_without_gpu is defined: the block would fail at once on the notebook's names
    namespace = {"skip_without_gpu": skip_without_gpu}
    exec(compile(code, where, "exec"), namespace)
    out = capsys.readouterr()
    assert out.out == f"No GPU here: skipping {what.group(1)} (this cell is tagged `gpu`).\n"
    assert out.err == ""
    assert sorted(namespace) == ["__builtins__", "skip_without_gpu"], "the cell defined names"


def test_setup_cells_hold_no_framework_or_plotting():
    # the grader runs the cells tagged `setup` again to verify answers: they must stay light
    for path in notebooks(SOLUTIONS):
        for cell in read(path).cells:
            if "setup" in cell.metadata.get("tags", []):
                for heavy in ("import torch", "import tensorflow", "matplotlib", "plt."):
                    assert heavy not in cell.source, (path.name, heavy)
