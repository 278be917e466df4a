"""The course website (``make site``, ``website/``): built once here as CI builds it, then read.

The build runs every lesson, renders the student notebooks with Sphinx, refuses a site that shows
instructor-only text and checks every link inside it; the tests read what came out (the landing
page's table and links, each lesson page, the search) and prove that the two refusals really
refuse: a page made from a solution notebook, a broken link and a broken anchor.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from website import build as site
from website import leaks, pages

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY = "https://github.com/example-org/dlcourse"
LESSONS = pages.lessons()
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    """``python -m website.build`` into a fresh folder (no cache): (the build folder, its log)."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run([sys.executable, "-m", "website.build", "--out", str(out),
                             "--repository", REPOSITORY], cwd=ROOT, capture_output=True,
                            text=True, timeout=1800, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result.stdout + result.stderr


def _text(path: Path) -> str:
    return leaks.readable_text(path)


def _rows(index_html: str) -> list[str]:
    body = index_html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.split("</tr>")[:-1]


def _graded(lesson: pages.Lesson) -> list[str]:
    """The exercises of a lesson, read from its solution notebook's nbgrader metadata."""
    nb = nbformat.read(lesson.solution(), as_version=4)
    return [pages.nbgrader_flags(c)["grade_id"].removeprefix("test_") for c in nb.cells
            if pages.nbgrader_flags(c).get("grade") and pages.nbgrader_flags(c).get("points")]


def test_the_build_finds_no_leak_and_no_broken_link(built):
    out, log = built
    assert "no solutions, hidden tests or mark schemes in the site" in log
    checked = re.search(r"(\d+) links in \d+ URLs checked\. 0 warnings found\. 0 errors found", log)
    assert checked and int(checked.group(1)) > 100, log
    assert (out / "html" / "index.html").exists()


def test_the_landing_page_has_a_row_per_lesson_with_its_exercises_and_links(built):
    out, _ = built
    rows = _rows((out / "html" / "index.html").read_text())
    assert len(rows) == len(LESSONS) == 14
    for lesson, row in zip(LESSONS, rows):
        hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', row)]
        assert f"lessons/{lesson.assignment}/{lesson.name}.html" in hrefs
        assert f"http://localhost:8888/lab/tree/{lesson.relpath}" in hrefs
        assert (f"https://mybinder.org/v2/gh/example-org/dlcourse/HEAD"
                f"?urlpath=lab/tree/lessons/{lesson.relpath}") in hrefs
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        names = re.findall(r"<span class=\"pre\">([^<]+)</span>", cells[1])
        assert names == _graded(lesson)


def test_each_lesson_page_is_the_student_notebook_with_the_reference_figures(built):
    out, _ = built
    for lesson in LESSONS:
        page = nbformat.read(out / "site-src" / "lessons" / lesson.relpath, as_version=4)
        student = nbformat.read(lesson.student(), as_version=4)
        note = page.cells.pop(1)
        assert "Work through this lesson" in note.source
        assert [c.source for c in page.cells] == [c.source for c in student.cells]
        code = [c for c in page.cells if c.cell_type == "code"]
        exercise_outputs = [c.outputs for c in code if pages.is_exercise_cell(c)]
        assert exercise_outputs and not any(exercise_outputs), lesson.relpath
        figures = sum(1 for c in code for o in c.outputs if "image/png" in o.get("data", {}))
        assert figures >= 3, lesson.relpath
        rendered = (out / "html" / "lessons" / lesson.relpath).with_suffix(".html").read_text()
        assert len(re.findall(r'<img[^>]+src="[^"]+\.png"', rendered)) == figures
        assert "raise NotImplementedError" in _text(out / "html" / "lessons" /
                                                    Path(lesson.relpath).with_suffix(".html"))


def test_the_lesson_pages_have_binder_launch_buttons(built):
    out, _ = built
    page = (out / "html" / "lessons" / "01-neuron" / "01-neuron.html").read_text()
    assert ("https://mybinder.org/v2/gh/example-org/dlcourse/HEAD"
            "?urlpath=lab/tree/lessons/01-neuron/01-neuron.ipynb") in html.unescape(page)


@pytest.mark.browser
def test_search_finds_a_lesson_in_chromium(built, tmp_path):
    from playwright.sync_api import sync_playwright

    out, _ = built
    assert "backpropag" in (out / "html" / "searchindex.js").read_text()
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            tab = browser.new_page()
            tab.goto((out / "html" / "search.html").as_uri() + "?q=backpropagation")
            results = tab.locator("#search-results ul.search li a")
            results.first.wait_for(timeout=30_000)
            targets = [results.nth(i).get_attribute("href") for i in range(results.count())]
            tab.screenshot(path=str(tmp_path / "search.png"))
        finally:
            browser.close()
    assert any("04-backpropagation/04-backpropagation.html" in t for t in targets), targets


def _solution_site(tmp_path: Path) -> Path:
    """A one-page site made, wrongly, from lesson 01's solution notebook."""
    src, out = tmp_path / "src", tmp_path / "html"
    (src / "lessons").mkdir(parents=True)
    shutil.copy(LESSONS[0].solution(), src / "lessons" / "01-neuron.ipynb")
    (src / "index.md").write_text("# A site\n\n```{toctree}\nlessons/01-neuron\n```\n")
    site.run_sphinx(src, out, None, "HEAD")
    return out


def test_the_leak_scan_finds_solutions_hidden_tests_and_markers_in_a_solution_page(tmp_path):
    found = site.find_leaks(_solution_site(tmp_path))
    secrets = {secret for _, secret in found}
    assert "BEGIN SOLUTION" in secrets and "BEGIN HIDDEN TESTS" in secrets
    solution = nbformat.read(LESSONS[0].solution(), as_version=4)
    answer = next(c for c in solution.cells if pages.nbgrader_flags(c).get("grade_id") == "relu")
    answer_lines = {line.strip() for line in answer.source.split("### BEGIN SOLUTION")[1]
                    .split("### END SOLUTION")[0].splitlines() if line.strip()}
    assert answer_lines & secrets, "relu's solution was not found on the page"
    assert any(path == "lessons/01-neuron.html" for path, _ in found)


def test_a_public_line_is_no_secret():
    """A solution line that a student notebook also shows (a scaffold) may appear on the site."""
    solution = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def f(x):\n    ### BEGIN SOLUTION\n    total = x.sum(axis=0)\n    return total / 2\n"
        "    ### END SOLUTION", metadata={"nbgrader": {"solution": True, "grade_id": "f"}})])
    student = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "A hint: `return total / 2` ends it.\n\n    return total / 2")])
    assert leaks.secrets([solution], [student]) == {"total = x.sum(axis=0)"} | set(leaks.MARKERS)


def test_the_link_check_finds_a_broken_link_and_a_broken_anchor(built, tmp_path):
    out, _ = built
    copy = tmp_path / "html"
    shutil.copytree(out / "html", copy)
    index = copy / "index.html"
    index.write_text(index.read_text().replace(
        "</main>", '<a href="lessons/no-such-lesson.html">gone</a>'
                   '<a href="lessons/01-neuron/01-neuron.html#no-such-section">lost</a></main>', 1))
    with pytest.raises(site.BuildError) as broken:
        site.check_links(copy)
    assert "no-such-lesson.html" in str(broken.value)
    assert "no-such-section" in str(broken.value)


def test_a_stale_student_notebook_stops_the_build(tmp_path):
    for folder in ("solutions", "lessons"):
        shutil.copytree(ROOT / folder / LESSONS[0].assignment,
                        tmp_path / folder / LESSONS[0].assignment)
    lesson = pages.lessons(tmp_path)[0]
    stale = nbformat.read(lesson.student(tmp_path), as_version=4)
    cell = next(c for c in stale.cells if c.cell_type == "code" and not pages.is_exercise_cell(c))
    cell.source += "\nprint('an edit made in lessons/ only')"
    nbformat.write(stale, lesson.student(tmp_path))
    executed = nbformat.read(lesson.solution(tmp_path), as_version=4)
    with pytest.raises(pages.PageError, match="run `make lessons`"):
        pages.student_page(lesson, executed, tmp_path)


def test_a_repository_that_is_not_on_github_is_refused_before_any_work(tmp_path, capsys):
    assert site.main(["--out", str(tmp_path), "--repository", "gitlab.com/someone/x"]) == 1
    assert "must be https://github.com/OWNER/REPO" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
