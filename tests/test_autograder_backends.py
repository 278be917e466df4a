"""Beyond one machine: a PostgreSQL gradebook (``--db-url``) and a Dask cluster (``--scheduler``).

The PostgreSQL server is real: ``initdb`` and ``pg_ctl`` of the installed PostgreSQL (CI installs
Debian's ``postgresql`` package), run as an unprivileged user (PostgreSQL refuses root), on a unix
socket in a temporary folder and a free port. The Dask cluster is a ``distributed.LocalCluster``
with two worker processes; its grades must equal those of the default local thread pool.
"""
from __future__ import annotations

import glob
import json
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from .autograder_cohort import (ASSIGNMENT, POINTS, SOLUTION, fill, grade_here, make_course, scores,
                                write_submission)

FULL = sum(POINTS.values())


def cohort(released) -> dict:
    return {"correct": fill(released, SOLUTION),
            "partly": fill(released, {**SOLUTION, "square": "def square(x):\n    return x + x\n"}),
            "segv": fill(released, {**SOLUTION, "add": "import ctypes\nctypes.string_at(0)\n"}),
            "blank": released}


EXPECTED = {"correct": FULL, "partly": FULL - POINTS["test_square"], "segv": POINTS["test_square"],
            "blank": 0.0}


def state(course) -> dict:
    return json.loads((course / ".autograder" / ASSIGNMENT / "state.json").read_text())["students"]


# -- PostgreSQL --------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_user() -> str:
    """PostgreSQL will not run as root: its own system user, created when missing."""
    for name in ("postgres", "autograder-pg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    "autograder-pg"], check=True)
    return "autograder-pg"


@pytest.fixture(scope="module")
def postgres():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert found, ("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
                   "`apt-get install postgresql` (.ci/run does it)")
    bindir = Path(found[-1]).parent
    user = _pg_user()
    folder = Path(tempfile.mkdtemp(prefix="autograder-pg-"))
    data, sock = folder / "data", folder / "run"
    sock.mkdir()
    shutil.chown(folder, user)
    shutil.chown(sock, user)
    port = _free_port()

    def as_pg(*cmd):
        result = subprocess.run([str(c) for c in cmd], user=user, cwd=folder, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, f"{cmd[0]} failed:\n{result.stdout}\n{result.stderr}"

    as_pg(bindir / "initdb", "-D", data, "-A", "trust", "-U", "grader", "--no-sync")
    as_pg(bindir / "pg_ctl", "-D", data, "-l", folder / "server.log", "-w", "-o",
          f"-k {sock} -p {port} -c listen_addresses=''", "start")
    try:
        as_pg(bindir / "createdb", "-h", sock, "-p", port, "-U", "grader", "gradebook")
        yield f"postgresql+psycopg2://grader@/gradebook?host={sock}&port={port}"
    finally:
        subprocess.run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       user=user, cwd=folder, capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def graded_in_postgres(postgres, tmp_path_factory):
    base = tmp_path_factory.mktemp("postgres")
    course, submissions = base / "course", base / "submissions"
    released = make_course(course, db_url=postgres)
    for student, nb in cohort(released).items():
        write_submission(submissions, student, nb)
    result = grade_here(course, submissions, "--db-url", postgres, "--workers", "2")
    return course, postgres, result


def test_grades_go_to_the_postgresql_gradebook(graded_in_postgres):
    course, url, (code, out, err) = graded_in_postgres
    assert code == 0, out + err
    assert "4 graded, 0 failed" in out
    for student, total in EXPECTED.items():
        assert scores(url, student)[1] == total, student
    assert not (course / "gradebook.db").exists()  # nothing went to a local sqlite file


def test_postgresql_runs_keep_the_reasons(graded_in_postgres):
    course, _, _ = graded_in_postgres
    segv = state(course)["segv"]["notebooks"][ASSIGNMENT]
    assert segv["status"] == "crashed" and "SIGSEGV" in segv["reason"]


def test_a_rerun_against_postgresql_grades_nothing_new(graded_in_postgres):
    course, url, _ = graded_in_postgres
    code, out, err = grade_here(course, course.parent / "submissions", "--db-url", url)
    assert code == 0, out + err
    assert "0 graded, 0 failed, 4 already graded" in out


# -- Dask --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dask_scheduler():
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=50)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def local_and_dask(dask_scheduler, tmp_path_factory):
    base = tmp_path_factory.mktemp("dask")
    runs = {}
    for name, extra in (("local", ["--workers", "2"]), ("dask", ["--scheduler", dask_scheduler])):
        course, submissions = base / name / "course", base / name / "submissions"
        released = make_course(course)
        for student, nb in cohort(released).items():
            write_submission(submissions, student, nb)
        runs[name] = (course, grade_here(course, submissions, *extra))
    return runs


def test_dask_runs_and_says_so(local_and_dask, dask_scheduler):
    course, (code, out, err) = local_and_dask["dask"]
    assert code == 0, out + err
    assert f"running on Dask scheduler {dask_scheduler}" in out
    assert "4 graded, 0 failed" in out and "with 2 workers" in out


def test_dask_grades_equal_the_local_grades(local_and_dask):
    local_course, _ = local_and_dask["local"]
    dask_course, _ = local_and_dask["dask"]
    for student, total in EXPECTED.items():
        local = scores(f"sqlite:///{local_course / 'gradebook.db'}", student)
        dask = scores(f"sqlite:///{dask_course / 'gradebook.db'}", student)
        assert dask == local and local[1] == total, student
    statuses = {name: {s: e["notebooks"][ASSIGNMENT]["status"] for s, e in state(c).items()}
                for name, (c, _) in local_and_dask.items()}
    assert statuses["dask"] == statuses["local"]
