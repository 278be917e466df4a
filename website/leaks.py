"""What the website must never show: solutions, hidden tests and mark schemes.

``secrets(solutions, students)`` lists the lines that only the instructor's notebooks have: the lines
of every ``### BEGIN SOLUTION`` / ``### BEGIN HIDDEN TESTS`` / ``=== BEGIN MARK SCHEME ===``
region and of every free-text model answer, less those that a student version has too (a
``return z`` that the scaffold also shows is no secret), plus nbgrader's markers themselves.
``scan(folder, secrets)`` reads every page and file of the built site as a reader would see it
(HTML without its tags, notebooks' strings, other text as it is) and returns where one appears
as a line of its own.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

from nbformat.notebooknode import NotebookNode

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "BEGIN MARK SCHEME", "END MARK SCHEME")
_REGION = re.compile(r"(BEGIN (SOLUTION|HIDDEN TESTS|MARK SCHEME))(.*?)(END \2)", re.DOTALL)
#: shorter lines ("pass", "z = x") say nothing about an answer and occur in any text
MIN_LENGTH = 12
TEXT_SUFFIXES = {".html", ".ipynb", ".json", ".js", ".txt", ".md", ".css", ".svg", ".py"}


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if len(line.strip()) >= MIN_LENGTH}


def _hidden_text(cell) -> str:
    """The text of ``cell`` that nbgrader removes from the student version."""
    flags = cell.get("metadata", {}).get("nbgrader", {})
    regions = [m.group(3) for m in _REGION.finditer(cell.source)]
    if not regions and flags.get("solution") and cell.cell_type == "markdown":
        return cell.source  # a free-text answer cell: the whole cell is the model answer
    return "\n".join(regions)


def secrets(solutions: list[NotebookNode], students: list[NotebookNode]) -> set[str]:
    """Lines that only the instructor's notebooks have, and nbgrader's markers.

    A line that any student version shows (the scaffold of one lesson may be the answer of an
    earlier one) is public, so it is no secret anywhere on the site.
    """
    shown = {line for nb in students for cell in nb.cells for line in _lines(cell.source)}
    hidden = {line for nb in solutions for cell in nb.cells for line in _lines(_hidden_text(cell))}
    return (hidden - shown) | set(MARKERS)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):  # a notebook's multi-line source or output
            return ["".join(value)]
        return [s for v in value for s in _strings(v)]
    return []


def readable_text(path: Path) -> str:
    """``path`` as a reader of the site sees it."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        return html.unescape(re.sub(r"<[^>]+>", "", raw))
    if path.suffix in (".ipynb", ".json"):
        try:
            return "\n".join(_strings(json.loads(raw)))
        except ValueError:
            return raw
    return raw


def scan(folder: Path, hidden: set[str]) -> list[tuple[str, str]]:
    """``(file, secret)`` for each secret that a text file under ``folder`` shows as a line of
    its own (a short answer line is often a part of a longer line that is public: ``return
    params`` of ``return params, losses``); nbgrader's markers count anywhere in a line."""
    markers = hidden & set(MARKERS)
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            continue
        text = readable_text(path)
        lines = {line.strip() for line in text.splitlines()}
        shown = (hidden - markers) & lines | {m for m in markers if m in text}
        found += [(str(path.relative_to(folder)), s) for s in sorted(shown)]
    return found
