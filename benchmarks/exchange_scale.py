"""A class-scale term through nbgrader's exchange: release, fetch and submit, collect, grade.

    .venv/bin/python benchmarks/exchange_scale.py --students 10               # a couple of minutes
    .venv/bin/python benchmarks/exchange_scale.py --students 200 --workers 2 --lesson 01-neuron \\
        --markdown /tmp/exchange_scale.md

In a temporary folder:

1. a course: the repository's ``nbgrader_config.py`` (plus ``Exchange.root`` and the course id),
   ``solutions/LESSON`` and ``lessons/LESSON`` copied in; ``nbgrader generate_assignment`` records
   the assignment in the gradebook (its student version goes to a side folder, so the released
   notebooks are the repository's ``lessons/``);
2. ``nbgrader release_assignment LESSON`` into the exchange;
3. N students ``student001``..., each in a folder of its own, fetch the assignment and submit it
   with nbgrader's own ``ExchangeFetchAssignment`` and ``ExchangeSubmit``, in this process: the
   filled notebook is written over the fetched one in between (most right, every fifth left blank,
   every seventh with a planted bug, as in ``grading_speed.py``);
4. ``nbgrader collect LESSON``, checked: N folders in ``submitted/``;
5. ``python -m autograder grade LESSON submitted --scheduler ... --insecure`` on a Dask
   ``LocalCluster`` started here (W worker processes, one thread each, plain TCP on 127.0.0.1);
6. a table (phase, wall seconds, seconds per submission), the machine, and the grade distribution
   read from the gradebook, with a check of each group's score (right: every auto-graded point,
   blank: none, bug: some lost).

Wall-clock seconds; nothing else should run on the machine meanwhile. The temporary folder is
removed at the end unless ``--keep``.
"""
from __future__ import annotations

import argparse
import collections
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grading_speed
import nbformat
from grading_speed import BUGS, ROOT, env, fill_answers, nbgrader, run
from nbgrader.api import Gradebook
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeError
from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit
from traitlets.config import Config

COURSE_ID = "dlcourse"


def build_course(course: Path, exchange: Path, lesson: str) -> None:
    """The course folder: the repository's config, the lesson's solutions and student notebooks."""
    course.mkdir(parents=True)
    exchange.mkdir(mode=0o777)
    os.chmod(exchange, 0o777)  # nbgrader wants an exchange everyone can write to
    config = (ROOT / "nbgrader_config.py").read_text()
    (course / "nbgrader_config.py").write_text(
        f"{config}\n# exchange_scale.py\nc.Exchange.root = {str(exchange)!r}\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n")
    shutil.copytree(ROOT / "solutions" / lesson, course / "solutions" / lesson)
    shutil.copytree(ROOT / "lessons" / lesson, course / "lessons" / lesson)


def record_assignment(course: Path, lesson: str) -> float:
    """Record the lesson's notebooks and cells in the gradebook (what autograde needs); the
    student version generate_assignment writes goes aside, lessons/ stays the repository's."""
    return nbgrader(course, "generate_assignment", lesson, "--force",
                    f"--CourseDirectory.release_directory={course / 'generated'}")


def student_name(number: int) -> str:
    return f"student{number + 1:03d}"


def group_of(number: int, bug_ids: set[str]) -> str:
    """'right', 'blank' or 'bug' (``grading_speed.group_of``); a 'bug' student of a lesson
    without a planted bug (``bug_ids`` empty) writes the right answers."""
    group = grading_speed.group_of(number)
    return "right" if group == "bug" and not bug_ids else group


def solution_answers(lesson: str) -> dict[str, dict]:
    """Notebook file name -> {grade id: the solution's answer cell}."""
    found = {}
    for path in sorted((ROOT / "solutions" / lesson).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        found[path.name] = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
                            if c.metadata.get("nbgrader", {}).get("solution")}
    return found


def fill(path: Path, answers: dict, number: int) -> None:
    """Write student ``number``'s answers over the fetched notebook at ``path``."""
    nb = nbformat.read(path, as_version=4)
    fill_answers(nb, answers, number)
    nbformat.write(nb, path)


def student_config(course: Path, lesson: str, name: str, folder: Path) -> Config:
    """A student's nbgrader settings: the course's exchange and id, their own folder and cache.
    ``student_id`` names the submission: nbgrader's ``get_username`` reads ``JUPYTERHUB_USER``
    only when the OS user is ``jovyan`` (on a JupyterHub), and this process is one OS user."""
    cfg = Config()
    cfg.Exchange.root = str(course.parent / "exchange")
    cfg.Exchange.cache = str(folder / ".nbgrader_cache")
    cfg.Exchange.assignment_dir = str(folder)
    cfg.CourseDirectory.course_id = COURSE_ID
    cfg.CourseDirectory.assignment_id = lesson
    cfg.CourseDirectory.student_id = name
    return cfg


def transfer(cls: type, cfg: Config, name: str) -> None:
    """One nbgrader exchange transfer (fetch or submit) as ``nbgrader fetch_assignment`` or
    ``nbgrader submit`` would run it, without the command's start-up; exit on its error."""
    exchange = cls(coursedir=CourseDirectory(config=cfg), authenticator=Authenticator(config=cfg),
                   config=cfg)
    try:
        exchange.start()
    except ExchangeError as exc:
        sys.exit(f"{name}: {cls.__name__} failed: {exc}")


def fetch_and_submit(course: Path, lesson: str, number: int, home: Path,
                     answers: dict[str, dict]) -> None:
    """One student: fetch into their folder, write their answers, submit through the exchange."""
    name = student_name(number)
    folder = home / name
    folder.mkdir(parents=True)
    os.environ["JUPYTERHUB_USER"] = name  # what a hub sets; see student_config
    cfg = student_config(course, lesson, name, folder)
    transfer(ExchangeFetchAssignment, cfg, name)
    for notebook, cells in answers.items():
        fill(folder / lesson / notebook, cells, number)
    transfer(ExchangeSubmit, cfg, name)


def submit_cohort(course: Path, lesson: str, students: int, home: Path) -> float:
    """Every student fetches and submits; the wall-clock seconds of the lot."""
    answers = solution_answers(lesson)
    start = time.perf_counter()
    for number in range(students):
        fetch_and_submit(course, lesson, number, home, answers)
    return time.perf_counter() - start


def collect(course: Path, lesson: str, students: int) -> float:
    """``nbgrader collect``, and the check that every student's folder arrived."""
    seconds = nbgrader(course, "collect", lesson)
    arrived = sorted(p.parent.name for p in (course / "submitted").glob(f"*/{lesson}"))
    expected = [student_name(n) for n in range(students)]
    if arrived != expected:
        sys.exit(f"nbgrader collect: {len(arrived)} submissions in submitted/, expected "
                 f"{students}; missing: {sorted(set(expected) - set(arrived))[:10]}")
    return seconds


def grade_on_dask(course: Path, lesson: str, workers: int, report: bool) -> tuple[float, str]:
    """Start a local Dask cluster and grade the collected submissions on it."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster:
        cmd = [sys.executable, "-m", "autograder", "grade", lesson, str(course / "submitted"),
               "--course", str(course), "--scheduler", cluster.scheduler_address, "--insecure"]
        if not report:
            cmd.append("--no-report")
        return run(cmd, ROOT), cluster.scheduler_address


def scores(course: Path, lesson: str) -> dict[str, tuple[float, float]]:
    """Student -> (auto-graded score, auto-graded maximum), from the gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gb:
        return {s.student.id: (s.code_score, s.max_code_score)
                for s in gb.assignment_submissions(lesson)}


def check_groups(found: dict[str, tuple[float, float]], students: int,
                 bug_ids: set[str]) -> list[str]:
    """Each group's scores as they should be; the list of students that are not."""
    wrong = []
    for number in range(students):
        name, group = student_name(number), group_of(number, bug_ids)
        score, maximum = found.get(name, (None, None))
        ok = {"right": score == maximum, "blank": score == 0,
              "bug": score is not None and 0 < score < maximum}[group]
        if not ok:
            wrong.append(f"{name} ({group}): {score} of {maximum}")
    return wrong


def machine() -> str:
    nproc = subprocess.run(["nproc"], check=False, capture_output=True, text=True).stdout.strip()
    return (f"{os.cpu_count()} CPUs (nproc: {nproc}), {platform.machine()}, "
            f"Python {sys.version.split()[0]}")


def table(seconds: dict[str, float], students: int) -> list[str]:
    lines = ["| phase | wall seconds | seconds per submission |", "|---|---:|---:|"]
    for phase, value in seconds.items():
        lines.append(f"| {phase} | {value:.1f} | {value / students:.3f} |")
    return lines


def distribution(found: dict[str, tuple[float, float]]) -> list[str]:
    counts = collections.Counter(score for score, _ in found.values())
    maximum = max((m for _, m in found.values()), default=0)
    lines = [f"| auto-graded score (of {maximum:g}) | students |", "|---:|---:|"]
    lines += [f"| {score:g} | {count} |" for score, count in sorted(counts.items())]
    return lines


def summary(seconds: dict[str, float], total: float, found: dict[str, tuple[float, float]],
            wrong: list[str], students: int, bug_ids: set[str], title: str) -> list[str]:
    """The lines printed (and written with --markdown)."""
    groups = collections.Counter(group_of(i, bug_ids) for i in range(students))
    verdict = ("every group scored as it should" if not wrong and len(found) == students
               else f"{len(found)} graded; WRONG: {'; '.join(wrong[:10])}")
    return [title, "", *table(seconds, students), "",
            (f"end to end: {total:.1f} s ({total / students:.3f} s per submission; "
             f"course set-up and the Dask cluster's start and stop included)"), "",
            *distribution(found), "", f"groups: {dict(groups)}; {verdict}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10, help="students (default 10)")
    parser.add_argument("--workers", type=int, default=2,
                        help="Dask worker processes, one thread each (default 2)")
    parser.add_argument("--lesson", default="01-neuron", help="the assignment (default 01-neuron)")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    parser.add_argument("--no-report", action="store_true",
                        help="pass --no-report to the grader (no cohort report, no feedback)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if not (ROOT / "lessons" / args.lesson).is_dir():
        parser.error(f"no lesson {args.lesson!r} in {ROOT / 'lessons'}")
    os.environ["PATH"] = env()["PATH"]  # nbgrader runs alembic from PATH, in this process too

    work = Path(tempfile.mkdtemp(prefix="dlcourse-exchange-"))
    course, n = work / "course", args.students
    bug_ids = {gid for cells in solution_answers(args.lesson).values() for gid in cells} & set(BUGS)
    where = machine()  # before the Dask nannies set OMP_NUM_THREADS=1, which nproc obeys
    try:
        start = time.perf_counter()
        build_course(course, work / "exchange", args.lesson)
        seconds = {"course set-up (generate_assignment: the gradebook)":
                   record_assignment(course, args.lesson)}
        seconds["nbgrader release_assignment"] = nbgrader(course, "release_assignment", args.lesson)
        seconds["fetch + submit (nbgrader exchange classes, in-process)"] = submit_cohort(
            course, args.lesson, n, work / "home")
        print(f"{n} submissions in the exchange", flush=True)
        seconds["nbgrader collect"] = collect(course, args.lesson, n)
        key = f"python -m autograder grade (Dask, {args.workers} workers)"
        seconds[key], address = grade_on_dask(course, args.lesson, args.workers,
                                              not args.no_report)
        total = time.perf_counter() - start
        found = scores(course, args.lesson)
        wrong = check_groups(found, n, bug_ids)
        lines = summary(seconds, total, found, wrong, n, bug_ids,
                        f"{n} students x {args.lesson}; {where}; "
                        f"Dask LocalCluster ({args.workers} worker processes) at {address}")
        print("\n".join(lines))
        if args.markdown:
            args.markdown.write_text("\n".join(lines) + "\n")
        if wrong or len(found) != n:
            sys.exit(1)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
