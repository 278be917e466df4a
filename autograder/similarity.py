"""Near-identical answers: pairs of students (or a student and the reference solution) whose
answer cells are the same code up to names, comments and layout.

Neither nbgrader nor otter-grader compares answers. This module does, for the instructor to look
at: it changes no score and accuses nobody (two short, idiomatic answers can coincide honestly;
that is why short answers are left out).

For each answer cell of the assignment (a code cell whose nbgrader metadata has ``"solution":
true``, keyed by its notebook and ``grade_id``):

1. the texts compared: each student's cell in ``<course>/autograded/<student>/<assignment>/``,
   and the instructor's cell in ``<course>/source/<assignment>/`` without its ``### BEGIN
   SOLUTION`` / ``### END SOLUTION`` lines (the reference solution);
2. the template goes first (:func:`strip_template`): the released cell (``<course>/release/...``:
   signature, docstring, ``raise NotImplementedError()``) is everyone's, so every line that also
   appears in it is dropped, and so are docstrings. Without a release folder the template is the
   source cell with its solution region replaced by nbgrader's code stub, as a release would be;
3. :func:`normalise`: Python's ``tokenize``, comments and blank lines dropped, indentation and
   line ends as markers (so layout does not count), every name that is neither a keyword, a
   builtin nor an attribute (``np.sum`` keeps ``sum``) replaced by one placeholder, string
   literals by another; numbers and operators kept. A cell that does not tokenize is split on
   whitespace instead;
4. similarity: the Jaccard index of the two answers' sets of 5-token sequences (:func:`kgrams`,
   :func:`jaccard`). Only answers of at least ``min_tokens`` (25) tokens take part; pairs at or
   above ``threshold`` (0.9) are listed.

Every pair is compared (O(n^2) per exercise, on sets of k-grams numbered once): 300 answers of
about 115 tokens took 0.4 s, most of it tokenizing (see
``tests/test_autograder_similarity.py``).

    from autograder.similarity import similar_answers
    similar_answers("course", "01-neuron")   # [SimilarPair("sigmoid", "01-neuron", "ada", ...)]
"""
from __future__ import annotations

import ast
import builtins
import io
import keyword
import re
import textwrap
import tokenize
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import nbformat
from nbgrader.coursedir import CourseDirectory

from .course import load_config

__all__ = ["K", "MIN_TOKENS", "REFERENCE", "THRESHOLD", "SimilarPair", "answer_cells", "jaccard",
           "kgrams", "near_identical", "normalise", "reference_answer", "similar_answers",
           "source_template", "strip_template"]

#: the name that stands for the instructor's solution in a pair
REFERENCE = "(reference solution)"
#: tokens per k-gram
K = 5
#: pairs at or above this similarity are listed
THRESHOLD = 0.9
#: answers with fewer normalised tokens are left out: short answers coincide honestly
MIN_TOKENS = 25

#: nbgrader's defaults: solution delimiters (``ClearSolutions.begin/end_solution_delimeter``)
#: and what a released Python cell holds instead of the solution (``ClearSolutions.code_stub``)
BEGIN_SOLUTION = "BEGIN SOLUTION"
END_SOLUTION = "END SOLUTION"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"

NAME, STRING = "<name>", "<str>"
_MARKERS = {tokenize.NEWLINE: "<newline>", tokenize.INDENT: "<indent>",
            tokenize.DEDENT: "<dedent>"}
_DROPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER,
            tokenize.TYPE_COMMENT}
_KEPT_NAMES = frozenset(keyword.kwlist) | frozenset(dir(builtins))


@dataclass(frozen=True)
class SimilarPair:
    """Two near-identical answers to one exercise; ``second`` may be :data:`REFERENCE`."""

    exercise: str  # the answer cell's grade_id
    notebook: str
    first: str
    second: str
    similarity: float  # 0..1


# --------------------------------------------------------------------------------------------
# Texts: the reference, the template, the part of an answer that is the student's
# --------------------------------------------------------------------------------------------

def reference_answer(source: str, begin: str = BEGIN_SOLUTION, end: str = END_SOLUTION) -> str:
    """The instructor's cell without its solution delimiter lines (nbgrader's test: the
    delimiter appears in the line)."""
    return "\n".join(line for line in source.split("\n") if begin not in line and end not in line)


def source_template(source: str, begin: str = BEGIN_SOLUTION, end: str = END_SOLUTION,
                    stub: str = CODE_STUB) -> str:
    """The instructor's cell outside its solution region, the region replaced by ``stub``: what
    nbgrader's release would hold, for a course without a release folder."""
    kept, inside = [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
            kept += stub.split("\n")
        elif end in line:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


_STANDALONE_STRING = re.compile(r'^[ \t]*[rRbBuU]{0,2}("""|\'\'\')[\s\S]*?\1[ \t]*$', re.MULTILINE)


def _drop_docstrings(source: str) -> str:
    """``source`` without the docstrings of its module, functions and classes.

    Found with ``ast`` (exact); a cell that does not parse loses its triple-quoted strings that
    stand alone on their lines instead.
    """
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return _STANDALONE_STRING.sub("", source)
    drop = set()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        first = node.body[0] if node.body else None
        if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
                and getattr(node, "lineno", 0) != first.lineno):  # not `def f(): "doc"`
            drop.update(range(first.lineno, first.end_lineno + 1))
    lines = source.split("\n")
    return "\n".join(line for i, line in enumerate(lines, 1) if i not in drop)


def strip_template(answer: str, template: str) -> str:
    """The part of ``answer`` that is not the released ``template``: docstrings dropped, then
    every line whose stripped text is a line of the template (signature, ``# YOUR CODE HERE``,
    ``raise NotImplementedError()``, the docstring's lines)."""
    common = {line.strip() for line in template.split("\n") if line.strip()}
    return "\n".join(line for line in _drop_docstrings(answer).split("\n")
                     if line.strip() not in common)


# --------------------------------------------------------------------------------------------
# Tokens and similarity
# --------------------------------------------------------------------------------------------

def normalise(source: str) -> list[str]:
    """The tokens of ``source`` with names, strings, comments and layout normalised away.

    Keywords, builtins (``float``, ``range``) and attributes (``np.sum`` vs ``np.mean``) stay:
    they are what the code does. Other names become ``<name>``, strings ``<str>``; line ends and
    indentation become markers, whatever the whitespace. A cell that does not tokenize (a syntax
    error, an IPython ``!command``) is split on whitespace.
    """
    text = textwrap.dedent(source)
    try:
        raw = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return text.split()
    if any(tok.type == tokenize.ERRORTOKEN for tok in raw):
        return text.split()
    tokens: list[str] = []
    previous = None
    for tok in raw:
        if tok.type in _DROPPED:
            continue
        if tok.type in _MARKERS:
            tokens.append(_MARKERS[tok.type])
        elif tok.type == tokenize.NAME:
            kept = tok.string in _KEPT_NAMES or previous == "."
            tokens.append(tok.string if kept else NAME)
        elif tok.type == tokenize.STRING:
            tokens.append(STRING)
        else:  # numbers, operators
            tokens.append(tok.string)
        previous = tok.string
    return tokens


def kgrams(tokens: list[str], k: int = K) -> set[tuple[str, ...]]:
    """The set of ``k`` consecutive tokens of ``tokens`` (the whole sequence when shorter)."""
    if len(tokens) < k:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i:i + k]) for i in range(len(tokens) - k + 1)}


def jaccard(a: set, b: set) -> float:
    """``|a & b| / |a | b|``; 0 when both are empty (nothing to compare)."""
    common = len(a & b)
    union = len(a) + len(b) - common  # without building the union
    return common / union if union else 0.0


def near_identical(answers: dict[str, str], threshold: float = THRESHOLD,
                   min_tokens: int = MIN_TOKENS, k: int = K) -> list[tuple[str, str, float]]:
    """The pairs of ``answers`` (name -> text, template already stripped) at least ``threshold``
    similar, as ``(first, second, similarity)``: most similar first, then by name; names in
    order within a pair, :data:`REFERENCE` always second and after the students. Answers under
    ``min_tokens`` tokens (line ends and indentation count) take no part.
    """
    ids: dict[tuple[str, ...], int] = {}  # each distinct k-gram as a small int: hashed once
    grams = {}
    for name, text in answers.items():
        tokens = normalise(text)
        if len(tokens) >= max(min_tokens, 1):
            grams[name] = {ids.setdefault(gram, len(ids)) for gram in kgrams(tokens, k)}
    order = sorted(grams, key=lambda name: (name == REFERENCE, name))
    pairs = []
    for first, second in combinations(order, 2):
        a, b = grams[first], grams[second]
        if min(len(a), len(b)) < threshold * max(len(a), len(b)):
            continue  # the Jaccard index cannot reach the threshold: skip the set operations
        similarity = jaccard(a, b)
        if similarity >= threshold:
            pairs.append((first, second, similarity))
    pairs.sort(key=lambda p: (-p[2], p[0], p[1] == REFERENCE, p[1]))
    return pairs


# --------------------------------------------------------------------------------------------
# The course
# --------------------------------------------------------------------------------------------

def answer_cells(nb: nbformat.NotebookNode) -> dict[str, str]:
    """``grade_id -> source`` of the notebook's answer cells (code, ``"solution": true``)."""
    cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id"):
            cells[meta["grade_id"]] = cell.source
    return cells


def _notebooks(folder: str | Path) -> dict[str, dict[str, str]]:
    """``notebook -> answer cells`` of the notebooks in ``folder`` (none when it is missing);
    an unreadable notebook is left out."""
    found = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        try:
            found[path.stem] = answer_cells(nbformat.read(path, as_version=4))
        except Exception:  # a corrupt file must not stop the comparison; the report notes it
            continue
    return found


def _clear_solutions(config) -> tuple[str, str, str]:
    """The course's solution delimiters and Python code stub (nbgrader's defaults unless set)."""
    clear = config.get("ClearSolutions", {})
    return (clear.get("begin_solution_delimeter", BEGIN_SOLUTION),
            clear.get("end_solution_delimeter", END_SOLUTION),
            clear.get("code_stub", {}).get("python", CODE_STUB))


def similar_answers(course_dir: str | Path, assignment: str, threshold: float = THRESHOLD,
                    min_tokens: int = MIN_TOKENS) -> list[SimilarPair]:
    """Every near-identical pair of answers of ``assignment``, students' and reference, sorted
    by exercise, then most similar first."""
    from .report import autograded_notebooks

    config = load_config(Path(course_dir))
    coursedir = CourseDirectory(config=config)
    begin, end, stub = _clear_solutions(config)
    source = _notebooks(coursedir.format_path(coursedir.source_directory, ".", assignment))
    release = _notebooks(coursedir.format_path(coursedir.release_directory, ".", assignment))

    by_exercise: dict[tuple[str, str], dict[str, str]] = {}
    for student, path in autograded_notebooks(coursedir, assignment):
        try:
            cells = answer_cells(nbformat.read(path, as_version=4))
        except Exception:
            continue
        for grade_id, text in cells.items():
            by_exercise.setdefault((path.stem, grade_id), {})[student] = text

    pairs = []
    for (notebook, grade_id), answers in by_exercise.items():
        instructor = source.get(notebook, {}).get(grade_id)
        template = release.get(notebook, {}).get(grade_id)
        if template is None:
            template = source_template(instructor, begin, end, stub) if instructor else stub
        texts = {student: strip_template(text, template) for student, text in answers.items()}
        if instructor is not None:
            texts[REFERENCE] = strip_template(reference_answer(instructor, begin, end), template)
        pairs += [SimilarPair(grade_id, notebook, first, second, similarity)
                  for first, second, similarity in near_identical(texts, threshold, min_tokens)]
    pairs.sort(key=lambda p: (p.exercise, p.notebook, -p.similarity, p.first,
                              p.second == REFERENCE, p.second))
    return pairs
