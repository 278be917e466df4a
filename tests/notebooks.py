"""Reading the course's notebooks: which cells are answers, tests and free-text questions."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
LESSONS = ROOT / "lessons"
#: the lessons of the curriculum built so far, in order
LESSON_IDS = ["01-neuron", "02-forward-propagation", "03-loss-functions", "04-backpropagation",
              "05-xor-from-scratch", "06-network-types",
              "07-applications", "08-frameworks"]

REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)


def notebooks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*/*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def lesson_notebooks(lesson: str, folder: Path = SOLUTIONS) -> list[Path]:
    """The notebooks of one assignment, in order (lesson 06 has three, the others one)."""
    return sorted((folder / lesson).glob("*.ipynb"))


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def is_answer(cell) -> bool:
    meta = nbgrader(cell)
    return cell.cell_type == "code" and meta.get("solution") and not meta.get("grade")


def is_test(cell) -> bool:
    meta = nbgrader(cell)
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def is_free_text(cell) -> bool:
    meta = nbgrader(cell)
    return cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution")


def secret_texts(nb) -> list[str]:
    """Every text of a solution notebook that students must never see, line by line."""
    secrets = []
    for cell in nb.cells:
        if is_free_text(cell):
            secrets.extend(cell.source.splitlines())
        else:
            for _, body in REGION.findall(cell.source):
                secrets.extend(body.splitlines())
    # lines that also appear outside the secret regions (blank lines, `return x`) prove nothing
    return [s.strip() for s in secrets if len(s.strip()) >= 12]
