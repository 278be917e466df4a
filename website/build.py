"""Build the course website: ``python -m website.build [--out _build]`` (``make site``).

1. every lesson notebook of ``solutions/`` runs in a fresh kernel (``website.pages``; cached);
2. its student version (``lessons/``) takes those outputs outside the exercise cells, and a note
   on top with the lesson's "open in JupyterLab / Binder" links;
3. a landing page (``website/landing.md`` and a table of the lessons and their exercises);
4. Sphinx with MyST-NB and the book theme renders it all into ``<out>/html`` (search included);
5. the site is scanned for solutions, hidden tests and mark schemes (``website.leaks``), and its
   links and anchors are checked by LinkChecker; either failing fails the build.

Why not Jupyter Book 2: its HTML themes are downloaded from GitHub at build time, which this
course's machines and CI cannot reach; Sphinx, MyST-NB and the book theme (the engine of
Jupyter Book 1, the same MyST markdown) install from PyPI with nothing fetched later.

Binder links need the repository's public address: ``--repository https://github.com/OWNER/REPO``
(or ``DLCOURSE_SITE_REPOSITORY``); without it the site has JupyterLab links only.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import nbformat

from website import leaks, pages
from website.pages import ROOT, Lesson, PageError

CONF_DIR = Path(__file__).resolve().parent
LAB_URL = "http://localhost:8888/lab/tree/{path}"  # `make lab`: port 8888, rooted at lessons/
BINDER_URL = "https://mybinder.org/v2/gh/{owner}/{repo}/{branch}?urlpath=lab/tree/lessons/{path}"
_GITHUB = re.compile(r"^https://github\.com/([^/]+)/([^/]+?)(\.git)?/?$")


class BuildError(Exception):
    """The site was not built, or must not be published; the message says why."""


def lab_link(lesson: Lesson) -> str:
    return LAB_URL.format(path=quote(lesson.relpath))


def binder_link(lesson: Lesson, repository: str, branch: str) -> str:
    owner, repo = _GITHUB.match(repository).group(1, 2)
    return BINDER_URL.format(owner=owner, repo=repo, branch=quote(branch),
                             path=quote(lesson.relpath))


def _title(nb) -> str:
    for cell in nb.cells:
        match = re.search(r"^# (.+)$", cell.source, re.MULTILINE)
        if cell.cell_type == "markdown" and match:
            return match.group(1).strip()
    raise BuildError("a lesson notebook has no '# Title' line")


def exercises(nb) -> list[tuple[str, float]]:
    """``(exercise, points)`` for each graded cell of a notebook, in order."""
    found = []
    for cell in nb.cells:
        flags = pages.nbgrader_flags(cell)
        if flags.get("grade") and flags.get("points"):
            found.append((flags["grade_id"].removeprefix("test_"), float(flags["points"])))
    return found


def _launch_note(lesson: Lesson, repository: str | None, branch: str) -> str:
    where = f"[JupyterLab]({lab_link(lesson)}) (after `make lab`)"
    if repository:
        where += f" or on [Binder]({binder_link(lesson, repository, branch)})"
    return (":::{admonition} Work through this lesson\n:class: tip\n\n"
            f"Open `lessons/{lesson.relpath}` in {where}. This page shows the notebook as you "
            "get it, with the outputs of a reference run; the exercise cells and their tests are "
            "left empty for you to fill in and run.\n:::")


def _points(value: float) -> str:
    return f"{value:g}"


def lesson_table(rows: list[tuple[Lesson, object]], repository: str | None, branch: str) -> str:
    """The landing page's table: one row per lesson notebook, linked three ways."""
    lines = ["| lesson | graded exercises | points | open |", "|---|---|---|---|"]
    for lesson, nb in rows:
        graded = exercises(nb)
        names = ", ".join(f"`{name}`" for name, _ in graded) or "none"
        total = _points(sum(points for _, points in graded))
        opens = f"[JupyterLab]({lab_link(lesson)})"
        if repository:
            opens += f" · [Binder]({binder_link(lesson, repository, branch)})"
        page = f"lessons/{lesson.assignment}/{lesson.name}.ipynb"
        lines.append(f"| [{_title(nb)}]({page}) | {names} | {total} | {opens} |")
    return "\n".join(lines)


def write_sources(src: Path, cache: Path, repository: str | None, branch: str,
                  root: Path = ROOT, log=print) -> list[tuple[Lesson, object]]:
    """Write the landing page and every lesson page into ``src``; return the lessons and pages."""
    rows = []
    for lesson in pages.lessons(root):
        started = time.perf_counter()
        executed = pages.executed_solution(lesson, cache, root)
        page = pages.student_page(lesson, executed, root)
        page.cells.insert(1, nbformat.v4.new_markdown_cell(_launch_note(lesson, repository,
                                                                          branch)))
        target = src / "lessons" / lesson.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(page, target)
        rows.append((lesson, page))
        log(f"  {lesson.relpath:45} {time.perf_counter() - started:6.1f} s")
    toctree = "\n".join(f"lessons/{lesson.assignment}/{lesson.name}" for lesson, _ in rows)
    landing = (CONF_DIR / "landing.md").read_text().replace(
        "<!-- the lesson table -->", lesson_table(rows, repository, branch))
    landing += f"\n```{{toctree}}\n:hidden:\n:caption: Lessons\n\n{toctree}\n```\n"
    (src / "index.md").write_text(landing)
    return rows


def run_sphinx(src: Path, html: Path, repository: str | None, branch: str) -> None:
    env = dict(os.environ, DLCOURSE_SITE_REPOSITORY=repository or "",
               DLCOURSE_SITE_BRANCH=branch, PYTHONWARNINGS="ignore::DeprecationWarning")
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", "-E",
           "-c", str(CONF_DIR), str(src), str(html)]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BuildError(f"Sphinx failed:\n{result.stdout}{result.stderr}")


def find_leaks(html: Path, root: Path = ROOT) -> list[tuple[str, str]]:
    lessons = pages.lessons(root)
    hidden = leaks.secrets([nbformat.read(x.solution(root), as_version=4) for x in lessons],
                           [nbformat.read(x.student(root), as_version=4) for x in lessons])
    return leaks.scan(html, hidden)


#: internal links only (no network); a missing anchor is a warning, and a warning fails the check
LINKCHECKER_CONFIG = """\
[filtering]
checkextern=0
[output]
status=0
[AnchorCheck]
"""


def check_links(html: Path) -> str:
    """LinkChecker over every page reachable from the landing page (links and anchors);
    links that leave the site are not followed (no network). Returns its report."""
    with tempfile.TemporaryDirectory() as tmp:
        # run as root, LinkChecker drops to the user nobody, who must be able to read the site:
        # a copy in a folder that anyone may read (the build folder may be private)
        os.chmod(tmp, 0o755)
        shutil.copytree(html, Path(tmp) / "html")
        config = Path(tmp) / "linkcheckerrc"
        config.write_text(LINKCHECKER_CONFIG)
        cmd = [str(Path(sys.executable).with_name("linkchecker")), "--config", str(config),
               "--no-robots", "--threads", str(os.cpu_count() or 2),
               (Path(tmp) / "html" / "index.html").as_uri()]
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp, check=False)
    report = result.stdout + result.stderr
    if result.returncode != 0:
        raise BuildError(f"broken links in the site:\n{report}")
    return report


def build(out: Path, repository: str | None = None, branch: str = "HEAD",
          root: Path = ROOT, log=print) -> Path:
    """Build the site into ``out/html``; return that folder. Raises BuildError or PageError."""
    if repository and not _GITHUB.match(repository):
        raise BuildError(f"--repository must be https://github.com/OWNER/REPO, not {repository!r}")
    src, html = out / "site-src", out / "html"
    for folder in (src, html):
        shutil.rmtree(folder, ignore_errors=True)
    log("running the lessons (a reference run each; cached in _build/cache):")
    write_sources(src, out / "cache", repository, branch, root, log)
    log("rendering with Sphinx ...")
    run_sphinx(src, html, repository, branch)
    found = find_leaks(html, root)
    if found:
        listing = "\n".join(f"  {path}: {secret[:80]!r}" for path, secret in found[:20])
        raise BuildError(f"the site shows instructor-only text ({len(found)} places):\n{listing}")
    log("no solutions, hidden tests or mark schemes in the site")
    report = check_links(html)
    summary = [line for line in report.splitlines() if "links in" in line or "found" in line]
    log("links: " + (summary[-1].strip() if summary else "checked"))
    return html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m website.build", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "_build",
                        help="build folder (default: _build); the site goes to OUT/html")
    parser.add_argument("--repository", default=os.environ.get("DLCOURSE_SITE_REPOSITORY"),
                        help="the course's GitHub address, for Binder links")
    parser.add_argument("--branch", default=os.environ.get("DLCOURSE_SITE_BRANCH", "HEAD"))
    args = parser.parse_args(argv)
    try:
        html = build(args.out, args.repository, args.branch)
    except (BuildError, PageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"site written to {html}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
