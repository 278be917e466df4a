"""Find the submissions of one assignment, check them, and stage the valid ones for nbgrader.

Two layouts are read, and may be mixed in one folder:

- nbgrader's ``submitted/`` layout: ``SUBMISSIONS/<student>/<assignment>/<notebook>.ipynb``, with
  an optional ``timestamp.txt`` and any other files the student handed in;
- the flat files of an LMS download: ``SUBMISSIONS/<student>_<notebook>.ipynb``. The student id and
  the notebook's file name are read from each file name with a regular expression, by nbgrader's
  own ``FileNameCollectorPlugin`` (the one ``nbgrader zip_collect`` uses); an optional
  ``(?P<timestamp>...)`` group becomes the submission time.

A notebook is *corrupt* when nbformat cannot read or validate it, and *misnamed* when its name is
not one of the assignment's notebooks. Neither is staged: nbgrader then gives the notebook it was
meant to be zero, as it does for a notebook that is missing. The original files are only read.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

DEFAULT_FILENAME_REGEX = r"(?P<student_id>[^_]+)_(?P<file_id>.+)"
#: student ids become folder names: keep them plain
_STUDENT_ID = re.compile(r"^[A-Za-z0-9@+][A-Za-z0-9._@+\-]*$")


@dataclass
class Submission:
    """What one student handed in for the assignment, as found on disk."""

    student: str
    #: notebook name (no .ipynb) -> the file, for the notebooks nbformat reads and validates
    notebooks: dict[str, Path] = field(default_factory=dict)
    #: notebook name -> (status, reason) for each expected notebook that cannot be graded
    problems: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: other files handed in: path relative to the assignment folder -> the file
    extras: dict[str, Path] = field(default_factory=dict)
    #: the submission time as nbgrader reads it from timestamp.txt, if known
    timestamp: str | None = None
    #: every file of the submission, for the fingerprint
    files: list[Path] = field(default_factory=list)

    def fingerprint(self, context: str) -> str:
        """sha256 of the student's files (names and bytes) and ``context`` (the source notebooks
        and the limits): a changed submission, source or limit means grading again."""
        digest = hashlib.sha256(context.encode())
        for path in sorted(self.files):
            digest.update(path.name.encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        if self.timestamp:
            digest.update(b"timestamp\0" + self.timestamp.encode())
        return digest.hexdigest()


@dataclass
class Discovery:
    submissions: dict[str, Submission]
    #: files that belong to no student: (file, why)
    skipped: list[tuple[Path, str]]


def _ignored(name: str, ignore: list[str]) -> bool:
    return any(fnmatch(name, pattern) for pattern in ignore)


def _check_notebook(path: Path) -> str | None:
    """None when nbformat reads and validates the notebook, else why not, in one line."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises many kinds (JSON, schema, unicode, reader errors)
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"{path.name} is not a valid notebook ({type(exc).__name__}: {message[:200]})"
    return None


def _add_notebook(sub: Submission, name: str, path: Path, expected: list[str],
                  strays: dict[str, list[str]]) -> None:
    stem = name[:-len(".ipynb")]
    if stem not in expected:
        strays.setdefault(sub.student, []).append(name)
        return
    problem = _check_notebook(path)
    if problem:
        sub.problems[stem] = ("corrupt", problem + "; graded as missing")
    else:
        sub.notebooks[stem] = path


def discover(folder: Path, assignment: str, expected: list[str],
             filename_regex: str = DEFAULT_FILENAME_REGEX,
             ignore: list[str] | None = None) -> Discovery:
    """Find every student's files in ``folder`` (either layout) and check the notebooks.

    ``expected`` are the assignment's notebook names (from the gradebook)."""
    from nbgrader.plugins.zipcollect import FileNameCollectorPlugin

    ignore = list(ignore or [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"])
    folder = Path(folder)
    subs: dict[str, Submission] = {}
    skipped: list[tuple[Path, str]] = []
    strays: dict[str, list[str]] = {}
    collector = FileNameCollectorPlugin(named_regexp=filename_regex)

    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or _ignored(entry.name, ignore):
            continue
        if entry.is_dir():
            adir = entry / assignment
            if not adir.is_dir():
                continue  # this student handed in other assignments only
            if not _STUDENT_ID.match(entry.name):
                skipped.append((entry, "not a usable student id"))
                continue
            sub = subs.setdefault(entry.name, Submission(entry.name))
            for root, dirs, names in os.walk(adir):
                dirs[:] = sorted(d for d in dirs if not _ignored(d, ignore))
                for name in sorted(names):
                    if _ignored(name, ignore):
                        continue
                    path = Path(root) / name
                    if path.is_symlink() or not path.is_file():
                        skipped.append((path, "not a regular file"))
                        continue
                    sub.files.append(path)
                    rel = os.path.relpath(path, adir)
                    if rel == "timestamp.txt":
                        sub.timestamp = path.read_text(errors="replace").strip() or None
                    elif name.endswith(".ipynb") and Path(root) == adir:
                        _add_notebook(sub, name, path, expected, strays)
                    else:
                        sub.extras[rel] = path
        elif entry.is_file() and not entry.is_symlink():
            found = collector.collect(entry.name)
            if not found:
                if entry.suffix == ".ipynb":
                    skipped.append((entry, f"file name not matched by {filename_regex!r}"))
                continue
            student = found["student_id"]
            if not _STUDENT_ID.match(student or ""):
                skipped.append((entry, f"{student!r} is not a usable student id"))
                continue
            file_id = os.path.basename(found["file_id"])
            if not file_id.endswith(".ipynb"):
                file_id += ".ipynb"
            sub = subs.setdefault(student, Submission(student))
            sub.files.append(entry)
            if found.get("timestamp"):
                sub.timestamp = found["timestamp"]
            _add_notebook(sub, file_id, entry, expected, strays)

    for student, sub in subs.items():
        names = strays.get(student, [])
        for stem in expected:
            if stem in sub.notebooks or stem in sub.problems:
                continue
            if names:
                listed = ", ".join(repr(n) for n in names)
                sub.problems[stem] = (
                    "misnamed", f"no notebook named '{stem}.ipynb'; found {listed} instead "
                                f"(a notebook must keep its name); graded as missing")
            else:
                sub.problems[stem] = ("missing", f"'{stem}.ipynb' was not submitted")
    return Discovery(subs, skipped)


def stage(sub: Submission, staging: Path, assignment: str) -> Path:
    """Copy the student's valid notebooks, other files and timestamp into the grader's own
    ``submitted`` tree (``staging/<student>/<assignment>/``) and return that folder."""
    dest = Path(staging) / sub.student / assignment
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for rel, path in sub.extras.items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    for stem, path in sub.notebooks.items():
        shutil.copyfile(path, dest / f"{stem}.ipynb")
    if sub.timestamp:
        (dest / "timestamp.txt").write_text(sub.timestamp + "\n")
    return dest
