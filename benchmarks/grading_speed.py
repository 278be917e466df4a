"""Grading a class: `python -m autograder grade` against plain sequential `nbgrader autograde`.

    .venv/bin/python benchmarks/grading_speed.py                 # 20 students x lessons 01-02
    .venv/bin/python benchmarks/grading_speed.py --students 40 --lessons 01-neuron

Builds a temporary nbgrader course from `solutions/` (generate_assignment), and a cohort whose
submissions are the released notebooks filled in: most with the solutions' answers, every fifth
left blank, every seventh with a planted bug. Then, side by side in one run, on copies of the
same course:

1. ``nbgrader autograde LESSON``: nbgrader's own command, one notebook after the other;
2. bare nbclient: the notebooks nbgrader executed (its autograded output, cleared), run one after
   the other with nbclient and nothing else: the floor any grader pays;
3. ``python -m autograder grade LESSON ... --workers 1``: the overhead of the tool (sandbox,
   staging, verification of every answer outside the kernel, nbgrader's recording) over 2;
4. ``python -m autograder grade LESSON ... --workers W`` (default: the number of CPUs): the
   speed-up over 1.

The grades of 1 and 4 are compared cell by cell before the table is printed, and the share of
each submission's time that the verification outside the kernel took is read from the grader's
state files. Wall-clock seconds; nothing else should run on the machine meanwhile.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.M)
#: answer cell -> a wrong answer, for the students who make a mistake
BUGS = {
    "relu": "def relu(z):\n    z = np.asarray(z, dtype=float)\n    z[z < 0] = 0.0\n    return z\n",
    "count_params": ("def count_params(layer_sizes):\n"
                     "    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))\n"),
}


def env() -> dict[str, str]:
    """This Python's bin/ first on PATH: nbgrader runs alembic from PATH."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def run(cmd: list[str], cwd: Path) -> float:
    """Run a command, fail loudly, return its wall-clock seconds."""
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return time.perf_counter() - start


def nbgrader(course: Path, *args: str) -> float:
    return run([sys.executable, "-m", "nbgrader", *args], course)


def group_of(student: int) -> str:
    """Student number ``student``'s group: every fifth 'blank', every seventh 'bug', or 'right'."""
    if student % 5 == 4:
        return "blank"
    if student % 7 == 6:
        return "bug"
    return "right"


def answer_of(cell, student: int) -> str | None:
    """What student number ``student`` writes in an answer cell (None: leaves it as released)."""
    meta = cell.metadata.get("nbgrader", {})
    if not (meta.get("solution") and cell.cell_type == "code"):
        return None
    group = group_of(student)
    if group == "blank":
        return None
    if group == "bug" and meta["grade_id"] in BUGS:
        return BUGS[meta["grade_id"]]
    return SOLUTION_MARKERS.sub("", cell.source)


def fill_answers(nb, answers: dict, number: int) -> None:
    """Write student ``number``'s answers (``answer_of``) into ``nb``'s answer cells, in place."""
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers and cell.cell_type == "code":
            answer = answer_of(answers[grade_id], number)
            if answer is not None:
                cell.source = answer


def build_course(course: Path, lessons: list[str], students: int) -> Path:
    """A course with the lessons generated and ``students`` submissions of each in submitted/."""
    course.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'dlcourse-benchmark'\n"
        "c.Execute.timeout = 120\n")
    submissions = course / "submitted"
    for lesson in lessons:
        shutil.copytree(ROOT / "solutions" / lesson, course / "source" / lesson)
        nbgrader(course, "generate_assignment", lesson, "--force")
        for path in sorted((ROOT / "solutions" / lesson).glob("*.ipynb")):
            solution = nbformat.read(path, as_version=4)
            released = nbformat.read(course / "release" / lesson / path.name, as_version=4)
            answers = {c.metadata["nbgrader"]["grade_id"]: c for c in solution.cells
                       if c.metadata.get("nbgrader", {}).get("solution")}
            for number in range(students):
                nb = nbformat.from_dict(released)
                fill_answers(nb, answers, number)
                folder = submissions / f"s{number:03d}" / lesson
                folder.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, folder / path.name)


def bare_nbclient(autograded: Path, lessons: list[str]) -> tuple[float, int]:
    """Execute what nbgrader executed, outputs cleared, one notebook after another."""
    count, start = 0, time.perf_counter()
    for lesson in lessons:
        for path in sorted(autograded.glob(f"*/{lesson}/*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
            # the kernel arguments nbgrader's Execute passes (IPython history in memory)
            NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3",
                           extra_arguments=["--HistoryManager.hist_file=:memory:"],
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            count += 1
    return time.perf_counter() - start, count


def grades(course: Path, lessons: list[str]) -> dict[tuple[str, str, str], float]:
    """(lesson, student, grade cell) -> automatic score."""
    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for lesson in lessons:
            for submission in gb.assignment_submissions(lesson):
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        found[(lesson, submission.student.id, grade.name)] = grade.auto_score
    return found


def verification_share(course: Path, lessons: list[str]) -> tuple[float, float, float]:
    """From the grader's state files: the mean seconds of verification per notebook, and its
    mean and largest share of a submission's time (staging, kernel, verification, recording)."""
    per, shares = [], []
    for lesson in lessons:
        state = json.loads((course / ".autograder" / lesson / "state.json").read_text())
        for entry in state["students"].values():
            verify = sum(nb.get("verify_seconds", 0.0) for nb in entry["notebooks"].values())
            per.append(verify)
            shares.append(verify / entry["seconds"] if entry["seconds"] else 0.0)
    return sum(per) / len(per), sum(shares) / len(shares), max(shares)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20, help="students per lesson (default 20)")
    parser.add_argument("--lessons", nargs="+", default=["01-neuron", "02-forward-propagation"])
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dlcourse-bench-"))
    try:
        template = work / "template" / "course"
        build_course(template, args.lessons, args.students)
        courses = {name: work / name for name in ("nbgrader", "tool1", f"tool{args.workers}")}
        for course in courses.values():
            shutil.copytree(template, course)
        submissions = args.students * len(args.lessons)
        # a lesson may have several notebooks (06, 08): a submission is all of them
        n = args.students * sum(len(list((ROOT / "solutions" / lesson).glob("*.ipynb")))
                                for lesson in args.lessons)
        print(f"{submissions} submissions, {n} notebooks ({args.students} students x "
              f"{', '.join(args.lessons)}), {os.cpu_count()} CPUs, "
              f"Python {sys.version.split()[0]}", flush=True)

        seconds = {}
        seconds["nbgrader autograde (sequential)"] = sum(
            nbgrader(courses["nbgrader"], "autograde", lesson, "--create", "--force")
            for lesson in args.lessons)
        print("nbgrader done", flush=True)
        bare, count = bare_nbclient(courses["nbgrader"] / "autograded", args.lessons)
        assert count == n, (count, n)
        seconds["bare nbclient (sequential)"] = bare
        print("nbclient done", flush=True)
        for workers in (1, args.workers):
            key = f"python -m autograder grade --workers {workers}"
            seconds[key] = sum(
                run([sys.executable, "-m", "autograder", "grade", lesson,
                     str(courses[f"tool{workers}"] / "submitted"),
                     "--course", str(courses[f"tool{workers}"]), "--workers", str(workers),
                     "--no-report"], ROOT)
                for lesson in args.lessons)
            print(f"{key} done", flush=True)

        reference = grades(courses["nbgrader"], args.lessons)
        for workers in (1, args.workers):
            assert grades(courses[f"tool{workers}"], args.lessons) == reference, workers
        print(f"grades identical to nbgrader's for all {len(reference)} graded cells\n")

        print("| run | seconds | per submission | per notebook |")
        print("|---|---|---|---|")
        for key, value in seconds.items():
            print(f"| {key} | {value:.1f} | {value / submissions:.2f} | {value / n:.2f} |")
        one = seconds["python -m autograder grade --workers 1"]
        many = seconds[f"python -m autograder grade --workers {args.workers}"]
        base = seconds["nbgrader autograde (sequential)"]
        print(f"\nspeed-up over sequential nbgrader autograde: {base / many:.2f}x "
              f"({args.workers} workers; aim: at least 1.8x)")
        print(f"overhead per notebook over bare nbclient (1 worker): "
              f"{(one - bare) / n:.2f} s = {100 * (one - bare) / bare:.1f} % (aim: under 15 %)")
        for workers in (1, args.workers):
            mean, share, largest = verification_share(courses[f"tool{workers}"], args.lessons)
            print(f"verification outside the kernel ({workers} worker{'s' * (workers > 1)}): "
                  f"{mean:.2f} s per notebook, {100 * share:.1f} % of a submission's time on "
                  f"average, {100 * largest:.1f} % at most (aim: at most 20 %)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
