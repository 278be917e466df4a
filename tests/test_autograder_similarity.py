"""Near-identical answers (``autograder.similarity``).

What must hold:

- :func:`normalise` makes renamed variables, other whitespace and comments identical, and keeps
  what the code does (``np.sum`` is not ``np.mean``); :func:`strip_template` removes what the
  released cell already holds (signature, docstring, ``raise NotImplementedError()``);
- a copy with renamed variables is at least 90% similar; two honest implementations of the same
  function are not; answers under 25 tokens take no part;
- on the tiny autograded course (``tests/autograded_course.py``) plus a few more students, the
  pairs found are exactly the copied ones, the reference pasted, and never two unanswered cells;
- 300 answers to one exercise are compared in well under a second (measured: 0.4 s on one core of
  the 2-core development machine, 0.37 s of it tokenizing; the 44,850 comparisons themselves take
  under 0.1 s).
"""
from __future__ import annotations

import random
import re
import shutil
import time

import nbformat
import pytest

from autograder.similarity import (REFERENCE, SimilarPair, jaccard, kgrams, near_identical,
                                   normalise, reference_answer, similar_answers, source_template,
                                   strip_template)

from .autograded_course import ASSIGNMENT, NOTEBOOK, autograded_course, submission

# --------------------------------------------------------------------------------------------
# Answers, written by hand
# --------------------------------------------------------------------------------------------

#: the released cell of an exercise with a docstring, as nbgrader's ClearSolutions leaves it
TEMPLATE = '''def weighted_sum(x, w, b):
    """The weighted sum of the inputs ``x`` with weights ``w``, plus the bias ``b``.

    Works on one sample (shape ``(d,)``) and on a batch (shape ``(n, d)``).
    """
    # YOUR CODE HERE
    raise NotImplementedError()'''

LOOP = '''def weighted_sum(x, w, b):
    """The weighted sum of the inputs ``x`` with weights ``w``, plus the bias ``b``.

    Works on one sample (shape ``(d,)``) and on a batch (shape ``(n, d)``).
    """
    total = 0.0
    for i in range(len(w)):
        total = total + x[i] * w[i]
    return total + b
'''
#: LOOP, copied: other names, other layout, comments, the docstring edited
LOOP_COPIED = '''def weighted_sum(x, w, b):
    """Weighted sum (my own docstring)."""
    # add up the products one by one
    acc   = 0.0

    for k in range( len(w) ):   # each weight
        acc = acc + x[k]*w[k]
    return acc + b
'''
VECTORISED = '''def weighted_sum(x, w, b):
    """The weighted sum of the inputs ``x`` with weights ``w``, plus the bias ``b``.

    Works on one sample (shape ``(d,)``) and on a batch (shape ``(n, d)``).
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    return np.sum(x * w, axis=-1) + b
'''

#: sigmoid's released cell in the course; its reference: ``autograded_course.SOLUTIONS["sigmoid"]``
SIGMOID_TEMPLATE = "def sigmoid(z):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
#: sigmoid answers
ELEMENTWISE = '''def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    for index, value in np.ndenumerate(z):
        if value >= 0:
            out[index] = 1.0 / (1.0 + np.exp(-value))
        else:
            t = np.exp(value)
            out[index] = t / (1.0 + t)
    return out
'''
ELEMENTWISE_COPIED = '''def sigmoid(z):
  # one element at a time, stable for both signs
  arr = np.asarray(z, dtype = float)
  result = np.empty_like( arr )

  for i, v in np.ndenumerate(arr):
      if v >= 0:   # the usual formula
          result[i] = 1.0/(1.0 + np.exp(-v))
      else:
          ev = np.exp(v)
          result[i] = ev/(1.0 + ev)
  return result
'''
MASKED = '''def sigmoid(z):
    z = np.asarray(z, dtype=float)
    result = np.zeros_like(z)
    positive = z >= 0
    result[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    result[~positive] = exp_z / (1.0 + exp_z)
    return result
'''
#: the reference solution pasted, with a comment and a blank line
PASTED = '''def sigmoid(z):
    # found this in the course's solutions
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))

    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
'''


def similarity_of(first: str, second: str, template: str = TEMPLATE) -> float:
    return jaccard(kgrams(normalise(strip_template(first, template))),
                   kgrams(normalise(strip_template(second, template))))


# --------------------------------------------------------------------------------------------
# The helpers
# --------------------------------------------------------------------------------------------

def test_normalise_replaces_names_and_keeps_what_the_code_does():
    assert normalise("y = np.sum(x, axis=0)") == [
        "<name>", "=", "<name>", ".", "sum", "(", "<name>", ",", "<name>", "=", "0", ")",
        "<newline>"]
    assert normalise("y = np.sum(x)") != normalise("y = np.mean(x)")
    assert normalise("for i in range(len(x)):\n    s = 'a'") == [
        "for", "<name>", "in", "range", "(", "len", "(", "<name>", ")", ")", ":", "<newline>",
        "<indent>", "<name>", "=", "<str>", "<newline>", "<dedent>"]
    assert normalise("return x + 1") != normalise("return x + 2")  # numbers are kept


def test_normalise_ignores_renaming_layout_and_comments():
    plain = "total = 0.0\nfor i in range(len(w)):\n    total = total + x[i] * w[i]\n"
    other = ("# my loop\nacc   = 0.0\n\nfor k in range(   # each weight\n"
             "        len(w) ):\n  acc = acc + x[k]*w[k]\n")
    assert normalise(plain) == normalise(other)
    assert normalise("    return z\n") == normalise("return   z")  # indented or not


def test_normalise_falls_back_to_words_when_the_cell_does_not_tokenize():
    assert normalise("def f(:\n  x") == ["def", "f(:", "x"]       # an unclosed bracket
    assert normalise("!pip install numpy") == ["!pip", "install", "numpy"]  # an IPython command


def test_strip_template_drops_the_docstring_and_the_lines_of_the_released_cell():
    assert strip_template(LOOP, TEMPLATE).split() == [
        "total", "=", "0.0", "for", "i", "in", "range(len(w)):",
        "total", "=", "total", "+", "x[i]", "*", "w[i]", "return", "total", "+", "b"]
    # an edited docstring is a docstring all the same; the `def` line is the template's
    stripped = strip_template(LOOP_COPIED, TEMPLATE)
    assert "my own docstring" not in stripped and "def weighted_sum" not in stripped
    assert normalise(stripped) == normalise(strip_template(LOOP, TEMPLATE))
    # the released cell left as it is leaves nothing
    assert strip_template(TEMPLATE, TEMPLATE).strip() == ""


def test_reference_and_template_from_the_source_cell():
    source = ("def relu(z):\n    ### BEGIN SOLUTION\n    return np.maximum(z, 0)\n"
              "    ### END SOLUTION\n")
    assert reference_answer(source) == "def relu(z):\n    return np.maximum(z, 0)\n"
    assert source_template(source) == (
        "def relu(z):\n# YOUR CODE HERE\nraise NotImplementedError()\n")
    assert strip_template("def relu(z):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
                          source_template(source)).strip() == ""


def test_kgrams_and_jaccard():
    assert kgrams(list("abcdef"), 5) == {tuple("abcde"), tuple("bcdef")}
    assert kgrams(list("abc"), 5) == {tuple("abc")} and kgrams([], 5) == set()
    assert jaccard({1, 2}, {2, 3}) == pytest.approx(1 / 3)
    assert jaccard({1}, {1}) == 1.0 and jaccard(set(), set()) == 0.0


# --------------------------------------------------------------------------------------------
# Small examples
# --------------------------------------------------------------------------------------------

def test_a_copy_with_renamed_variables_is_near_identical():
    assert len(normalise(strip_template(LOOP, TEMPLATE))) >= 25
    assert similarity_of(LOOP, LOOP_COPIED) >= 0.9
    answers = {"ada": strip_template(LOOP, TEMPLATE), "bob": strip_template(LOOP_COPIED, TEMPLATE)}
    assert near_identical(answers) == [("ada", "bob", 1.0)]
    # a statement inserted changes every 5-gram across it: in a 37-token answer, enough to fall
    # below 90%; a lower threshold lets the pair in
    answers["bob"] = answers["bob"].replace("    return acc + b",
                                            "    acc = acc * 1.0\n    return acc + b")
    assert near_identical(answers) == []
    [(first, second, similarity)] = near_identical(answers, threshold=0.6)
    assert (first, second) == ("ada", "bob") and 0.6 <= similarity < 0.9


def test_two_honest_implementations_are_not():
    for answer in (LOOP, VECTORISED):
        assert len(normalise(strip_template(answer, TEMPLATE))) >= 25
    assert similarity_of(LOOP, VECTORISED) < 0.9
    assert near_identical({"loop": strip_template(LOOP, TEMPLATE),
                           "numpy": strip_template(VECTORISED, TEMPLATE)}) == []
    assert similarity_of(ELEMENTWISE, MASKED, SIGMOID_TEMPLATE) < 0.9


def test_short_answers_take_no_part():
    short = {"ada": "return np.maximum(z, 0)", "bob": "return np.maximum(v, 0)"}
    assert len(normalise(short["ada"])) < 25
    assert near_identical(short) == []
    assert near_identical(short, min_tokens=1) == [("ada", "bob", 1.0)]  # identical, only short


def test_pairs_name_the_reference_second_and_come_most_similar_first():
    answers = {REFERENCE: ELEMENTWISE, "zoe": ELEMENTWISE_COPIED, "abe": ELEMENTWISE,
               "kim": ELEMENTWISE.replace("    return out", "    return out.copy()")}
    answers = {name: strip_template(text, SIGMOID_TEMPLATE) for name, text in answers.items()}
    pairs = near_identical(answers)
    assert [(first, second) for first, second, _ in pairs] == [
        ("abe", "zoe"), ("abe", REFERENCE), ("zoe", REFERENCE),
        ("abe", "kim"), ("kim", "zoe"), ("kim", REFERENCE)]
    assert [s for _, _, s in pairs[:3]] == [1.0, 1.0, 1.0]
    assert all(0.9 <= s < 1.0 for _, _, s in pairs[3:])


# --------------------------------------------------------------------------------------------
# A course
# --------------------------------------------------------------------------------------------

#: students added to the tiny course, each with their sigmoid (other answer cells untouched)
EXTRA = {"carol": {"sigmoid": ELEMENTWISE}, "dave": {"sigmoid": ELEMENTWISE_COPIED},
         "erin": {"sigmoid": PASTED}, "frank": {"sigmoid": MASKED}, "blank2": {}}

#: counted by hand from tests/autograded_course.py and EXTRA. Answers of 25 tokens or more:
#: weighted_sum (exactly 25) of ada and bugsy, the reference's; relu: the in-place relu of bugsy
#: and squeezy (25); sigmoid: ada's, squeezy's and erin's (the reference's), carol's, dave's,
#: frank's. bugsy's sigmoid (24 tokens), every reference relu (19) and the unanswered cells of
#: blank, blank2 and the extra students (nothing once the template is gone) take no part.
#: All at 100%, so in the order of the first student, the reference after the students.
EXPECTED = [
    ("relu", "bugsy", "squeezy"),
    ("sigmoid", "ada", "erin"), ("sigmoid", "ada", "squeezy"), ("sigmoid", "ada", REFERENCE),
    ("sigmoid", "carol", "dave"), ("sigmoid", "erin", "squeezy"), ("sigmoid", "erin", REFERENCE),
    ("sigmoid", "squeezy", REFERENCE),
    ("weighted_sum", "ada", "bugsy"), ("weighted_sum", "ada", REFERENCE),
    ("weighted_sum", "bugsy", REFERENCE),
]


def add_autograded(course, student: str, answers: dict[str, str]) -> None:
    """Write ``student``'s autograded notebook: the released one with ``answers`` filled in,
    as nbgrader's autograde leaves answer cells (what the similarity reads)."""
    released = nbformat.read(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    folder = course / "autograded" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(submission(released, answers), folder / f"{NOTEBOOK}.ipynb")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the tiny autograded course with the students of EXTRA added."""
    copy = tmp_path_factory.mktemp("similar") / "course"
    shutil.copytree(autograded_course(tmp_path_factory), copy)
    for student, answers in EXTRA.items():
        add_autograded(copy, student, answers)
    return copy


def test_similar_answers_finds_the_copies_and_the_pasted_reference(course):
    pairs = similar_answers(course, ASSIGNMENT)
    assert all(isinstance(p, SimilarPair) and p.notebook == NOTEBOOK for p in pairs)
    assert [(p.exercise, p.first, p.second) for p in pairs] == EXPECTED
    assert all(p.similarity == 1.0 for p in pairs)  # every one a copy up to names and layout


def test_unanswered_cells_never_pair_up(course):
    released = nbformat.read(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    stub = next(cell.source for cell in released.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == "sigmoid")
    assert "raise NotImplementedError()" in stub and normalise(stub)  # the same, not empty
    # every answer of at least one token takes part: short answers pair up now ...
    pairs = similar_answers(course, ASSIGNMENT, min_tokens=1)
    assert ("relu", "ada", REFERENCE) in [(p.exercise, p.first, p.second) for p in pairs]
    # ... but the cells left as released are nothing once the template is gone
    unanswered = {(student, exercise) for student in ("blank", "blank2")
                  for exercise in ("weighted_sum", "relu", "sigmoid")}
    unanswered |= {(student, exercise) for student in EXTRA
                   for exercise in ("weighted_sum", "relu")}
    for pair in pairs:
        assert (pair.first, pair.exercise) not in unanswered, pair
        assert (pair.second, pair.exercise) not in unanswered, pair


def test_without_a_release_folder_the_source_gives_the_template(course, tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(course, copy)
    shutil.rmtree(copy / "release")
    assert [(p.exercise, p.first, p.second) for p in similar_answers(copy, ASSIGNMENT)] == \
        EXPECTED
    for pair in similar_answers(copy, ASSIGNMENT, min_tokens=1):  # the stub is template too
        assert {"blank", "blank2"}.isdisjoint({pair.first, pair.second}), pair


def test_a_threshold_below_one_lets_a_near_copy_in(course, tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(course, copy)
    edited = ELEMENTWISE.replace("    return out", "    return out.copy()")
    add_autograded(copy, "gina", {"sigmoid": edited})
    found = {(p.first, p.second): p.similarity for p in similar_answers(copy, ASSIGNMENT)
             if "gina" in (p.first, p.second)}
    assert set(found) == {("carol", "gina"), ("dave", "gina")}
    assert all(0.9 <= s < 1.0 for s in found.values())
    assert not any("gina" in (p.first, p.second)
                   for p in similar_answers(copy, ASSIGNMENT, threshold=0.99))


# --------------------------------------------------------------------------------------------
# Cost
# --------------------------------------------------------------------------------------------

_STATEMENTS = [
    "{a} = np.asarray({b}, dtype=float)", "{a} = {b} * {n} + {c}",
    "for i in range({n}):\n    {a} += {b}[i] * {n}",
    "if {a} > {n}:\n    {b} = np.exp(-{a})\nelse:\n    {b} = {a} / {n}",
    "{a} = np.sum({b} ** 2, axis={k})", "{a} = np.where({b} >= {n}, {c}, 0.0)",
    "{a} = [{b} * {n} for i in {c}]", "{a} = np.mean({b}, axis={k}, keepdims=True)",
    "{a} = max({b}, {c}) - min({b}, {n})",
]
_NAMES = ["x", "y", "z", "w", "b", "out", "total", "acc", "tmp", "grad"]


def _synthetic(rng: random.Random) -> str:
    lines = [rng.choice(_STATEMENTS).format(a=rng.choice(_NAMES), b=rng.choice(_NAMES),
                                            c=rng.choice(_NAMES), n=rng.randint(0, 9),
                                            k=rng.randint(0, 1))
             for _ in range(rng.randint(5, 9))]
    return "\n".join(lines + ["return " + rng.choice(_NAMES)])


def test_three_hundred_answers_are_compared_quickly():
    """300 synthetic answers of about 115 tokens, two copies planted: every pair (44,850) is
    compared. Measured 0.38-0.43 s on the development machine (2 cores, shared); the bound
    below is loose on purpose, for slow CI machines."""
    rng = random.Random(0)
    answers = {f"s{i:03d}": _synthetic(rng) for i in range(300)}
    answers["s001"] = re.sub(r"\bx\b", "renamed", answers["s000"])
    answers["s299"] = "# copied\n" + answers["s150"].replace("\n", "\n\n")
    started = time.perf_counter()
    pairs = near_identical(answers)
    elapsed = time.perf_counter() - started
    assert [(a, b) for a, b, _ in pairs] == [("s000", "s001"), ("s150", "s299")]
    assert elapsed < 10.0, f"{elapsed:.2f} s"
