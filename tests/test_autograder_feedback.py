"""Students' HTML feedback (``autograder.feedback``): nbgrader's, minus the hidden tests.

The course (``tests/autograded_course.py``) is autograded once; feedback is generated once for
every student, then each test reads the HTML. What must hold:

- every student gets a feedback page with their score, overall and per test cell;
- a failed check's message (case, what went wrong, hint) is shown, also for a hidden check;
- neither the hidden-test code (``hidden=True``, the markers) nor a traceback (which quotes the
  failing source lines and the checker's code) reaches the page;
- one student's broken or missing submission is reported and the others still get feedback;
- :class:`HideHiddenTests` changes test cells only: answer cells keep their tracebacks;
- the page reads right offline: the Markdown's math is MathML (no ``$...$`` left for MathJax,
  no script, no URL to a CDN), a table with math in its header is a styled table, and every
  math expression of the lessons converts.
"""
from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbgrader.api import Gradebook

from autograder import feedback, offline_html

from .autograded_course import (ASSIGNMENT, MAX_SCORE, NOTEBOOK, POINTS, SCORES, STUDENTS,
                                autograded_course)

ROOT = Path(__file__).resolve().parent.parent

#: what a traceback looks like in the page, and the code it would quote
TRACEBACK_SIGNS = ["Traceback (most recent call last)", "Cell In[", "checks/core.py",
                   "first_failure", "---&gt;", "---->"]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return autograded_course(tmp_path_factory)


@pytest.fixture(scope="module")
def generated(course):
    return feedback.generate(course, ASSIGNMENT)


def page(generated, student: str) -> str:
    return (generated[student] / f"{NOTEBOOK}.html").read_text()


def text_of(page_html: str) -> str:
    """The page as a student reads it: tags dropped, entities decoded."""
    body = page_html[page_html.index("<body"):]
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def test_every_student_gets_a_feedback_page(course, generated):
    assert set(generated) == set(STUDENTS)
    for student in STUDENTS:
        assert generated[student] == course / "feedback" / student / ASSIGNMENT
        assert (generated[student] / f"{NOTEBOOK}.html").is_file()


@pytest.mark.parametrize("student", STUDENTS)
def test_feedback_shows_the_scores(generated, student):
    text = text_of(page(generated, student))
    assert f"{NOTEBOOK} (Score: {SCORES[student]} / {MAX_SCORE})" in text
    # one score per test cell, as many as the notebook has
    assert len(re.findall(r"Test cell \(Score: [\d.]+ / [\d.]+\)", text)) == len(POINTS)


@pytest.mark.parametrize("student", STUDENTS)
def test_feedback_hides_the_hidden_tests_and_tracebacks(generated, student):
    raw = page(generated, student)
    text = text_of(raw)
    for secret in ["hidden=True", "hidden=", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"]:
        assert secret not in raw and secret not in text, f"{student}: {secret!r} in feedback"
    for sign in TRACEBACK_SIGNS:
        assert sign not in raw and sign not in text, f"{student}: {sign!r} in feedback"
    # the visible calls stay: the student sees what was run
    for name in ("weighted_sum", "relu", "sigmoid"):
        assert f"check_{name}({name})" in text


def test_failed_hidden_check_keeps_its_message(generated):
    text = text_of(page(generated, "squeezy"))
    # squeezy's weighted_sum passes every visible case and fails a hidden one
    assert ("CheckFailure: weighted_sum failed the case 'a single sample as a (1, d) batch' "
            "(a hidden case).") in text
    assert "the result should be a NumPy array" in text
    assert "Hint: You summed every product in the whole batch into one number." in text


def test_failed_visible_check_keeps_its_message(generated):
    text = text_of(page(generated, "bugsy"))
    assert "relu changed its input `z` in place." in text
    assert "NumPy warned while running sigmoid: RuntimeWarning: overflow encountered in exp" in text
    assert "CheckFailure: weighted_sum failed" not in text  # bugsy's weighted_sum is right


def test_blank_submission_is_told_what_to_do(generated):
    text = text_of(page(generated, "blank"))
    assert text.count("has not been written yet: it still raises NotImplementedError.") == 3


def test_passing_checks_show_their_output_only(generated):
    text = text_of(page(generated, "ada"))
    assert "CheckFailure" not in text
    assert "All 4 checks of relu passed." in text and "All 6 checks of relu passed." in text


def test_one_broken_submission_does_not_stop_the_others(course, tmp_path):
    broken = tmp_path / "course"
    shutil.copytree(course, broken)
    # squeezy's autograded notebook is not a notebook; ghost is on the roster, never submitted
    corrupt = broken / "autograded" / "squeezy" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    corrupt.chmod(0o644)
    corrupt.write_text("{ this is not json")
    with Gradebook(f"sqlite:///{broken / 'gradebook.db'}") as gb:
        gb.add_student("ghost")

    result = feedback.generate(broken, ASSIGNMENT)

    assert set(result) == set(STUDENTS) | {"ghost"}
    assert isinstance(result["squeezy"], str) and "JSON" in result["squeezy"]
    assert isinstance(result["ghost"], str) and "no autograded notebooks" in result["ghost"]
    assert not (broken / "feedback" / "squeezy" / ASSIGNMENT / f"{NOTEBOOK}.html").exists()
    for student in ("ada", "blank", "bugsy"):
        assert (result[student] / f"{NOTEBOOK}.html").is_file()


def test_students_and_db_url_can_be_given(course, tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(course, copy)
    shutil.rmtree(copy / "feedback", ignore_errors=True)
    moved = tmp_path / "elsewhere.db"
    (copy / "gradebook.db").rename(moved)

    result = feedback.generate(copy, ASSIGNMENT, students=["bugsy"], db_url=f"sqlite:///{moved}")

    assert list(result) == ["bugsy"]
    text = text_of((result["bugsy"] / f"{NOTEBOOK}.html").read_text())
    assert f"(Score: {SCORES['bugsy']} / {MAX_SCORE})" in text
    assert not (copy / "feedback" / "ada").exists()


# -- the preprocessor alone, on a notebook made by hand ------------------------------------------

def _error(ename: str, evalue: str, traceback: list[str]):
    return new_output("error", ename=ename, evalue=evalue, traceback=traceback)


def _graded_notebook():
    answer = new_code_cell(
        "def f(x):\n    raise ValueError('mine')",
        metadata={"nbgrader": {"solution": True, "grade": False, "grade_id": "f",
                               "locked": False, "schema_version": 3, "task": False}},
        outputs=[_error("ValueError", "mine", ["Traceback (most recent call last)", "line 2"])])
    test = new_code_cell(
        "check_f(f)\n### BEGIN HIDDEN TESTS\ncheck_f(f, hidden=True)\n### END HIDDEN TESTS\n"
        "print('done')",
        metadata={"nbgrader": {"solution": False, "grade": True, "grade_id": "test_f", "points": 1,
                               "locked": True, "schema_version": 3, "task": False, "score": 0}},
        outputs=[new_output("stream", name="stdout", text="All 3 checks of f passed.\n"),
                 _error("CheckFailure", "f failed the case 'big'.\nHint: look.",
                        ["\x1b[31m------", "----> 3 check_f(f, hidden=True)",
                         "\x1b[31mCheckFailure\x1b[39m: f failed the case 'big'.\nHint: look."])])
    plain = new_code_cell("x = 1\n### BEGIN HIDDEN TESTS\nnot graded\n### END HIDDEN TESTS",
                          outputs=[_error("NameError", "x", ["Traceback", "quoted"])])
    return new_notebook(cells=[answer, test, plain])


def test_preprocessor_changes_test_cells_only():
    nb = _graded_notebook()
    before = nbformat.from_dict(nb)
    out, _ = feedback.HideHiddenTests().preprocess(nb, {})
    answer, test, plain = out.cells

    assert test.source == "check_f(f)\nprint('done')"
    assert test.outputs[0] == before.cells[1].outputs[0]  # stdout untouched
    error = test.outputs[1]
    assert error.traceback == ["CheckFailure: f failed the case 'big'.\nHint: look."]
    assert (error.ename, error.evalue) == ("CheckFailure", "f failed the case 'big'.\nHint: look.")
    assert test.metadata == before.cells[1].metadata  # the score is still there

    assert answer == before.cells[0]  # the student's own traceback stays
    assert plain == before.cells[2]   # not a graded cell: not ours to change


def test_preprocessor_follows_nbgrader_delimiters_config():
    from traitlets.config import Config
    config = Config()
    config.ClearHiddenTests.begin_test_delimeter = "SECRET START"
    config.ClearHiddenTests.end_test_delimeter = "SECRET STOP"
    nb = _graded_notebook()
    nb.cells[1].source = "check_f(f)\n# SECRET START\ncheck_f(f, hidden=True)\n# SECRET STOP"
    out, _ = feedback.HideHiddenTests(config=config).preprocess(nb, {})
    assert out.cells[1].source == "check_f(f)"


def test_hide_hidden_tests_runs_right_after_get_grades():
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades
    from traitlets.config import Config
    assert feedback.feedback_preprocessors(Config()) == [
        GetGrades, feedback.HideHiddenTests, CSSHTMLHeaderPreprocessor]


# -- offline: math as MathML, tables styled, nothing from a CDN ----------------------------------

@pytest.mark.parametrize("student", STUDENTS)
def test_feedback_needs_no_network(generated, student):
    raw = page(generated, student)
    assert "<script" not in raw  # no MathJax, no widget manager, no require.js
    assert re.findall(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", raw) == []
    assert re.findall(r"@import", raw) == []
    assert "cdnjs" not in raw and "MathJax.Hub" not in raw


def test_feedback_math_is_mathml(generated):
    raw = page(generated, "ada")
    body = raw[raw.index("<body"):]
    # MATH has one display formula and inline $n$, $y_i$, $\\hat y_i$, $y$, $\\hat y$
    assert len(re.findall(r'<math [^>]*display="block"', body)) == 1
    assert len(re.findall(r'<math [^>]*display="inline"', body)) == 5
    assert '<mtext>MSE</mtext>' in body and "<mfrac>" in body and "<munderover>" in body
    text = text_of(raw)
    for latex in ("$$", "\\text{MSE}", "\\frac", "$y$", "\\hat"):
        assert latex not in text, f"{latex!r} left as LaTeX"
    # the styles that draw display math and the table's borders come with the page
    assert 'math[display="block"]' in raw and ".rendered_html th" in raw


def test_feedback_table_with_math_headers_is_a_table(generated):
    body = page(generated, "bugsy")
    table = body[body.index("<table"):body.index("</table>")]
    headers = re.findall(r"<th>(.*?)</th>", table, re.S)
    assert len(headers) == 3 and headers[0] == "sample"
    assert all(h.startswith("<math") for h in headers[1:])  # $y$ and $\\hat y$, one cell each
    assert "<mi>y</mi>" in headers[1] and "<mover" in headers[2]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    assert [re.findall(r"<td>(.*?)</td>", r) for r in rows[1:]] == [
        ["0 XOR 0", "0", "0.01"], ["0 XOR 1", "1", "0.98"]]
    assert "| sample |" not in text_of(body)  # no Markdown table left as text


def test_latex_the_converter_cannot_read_stays_readable():
    assert offline_html.latex_to_html("x^{") == '<code class="latex">x^{</code>'
    assert offline_html.latex_to_html("a < b^{", display=True) == (
        '<pre class="latex">a &lt; b^{</pre>')
    assert offline_html.latex_to_html("x^2").startswith("<math ")


def test_every_lesson_formula_converts():
    """Each math expression in the lessons' Markdown becomes MathML: no LaTeX source left (a
    fallback, or a command the converter passed through as text)."""
    from nbconvert.filters.markdown_mistune import MarkdownWithMath

    converted, left = 0, []
    for path in sorted(ROOT.glob("solutions/*/*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type != "markdown":
                continue
            out = MarkdownWithMath(renderer=offline_html.MathMLRenderer(escape=False)).render(
                cell.source)
            formulas = re.findall(r"<math.*?</math>", out, re.S)
            converted += len(formulas)
            if 'class="latex"' in out or any("\\" in f for f in formulas):
                left.append(f"{path.name} cell {index}")
    assert left == []
    assert converted > 100  # the lessons are full of math: the search did find it
