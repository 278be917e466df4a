"""Beyond one machine: a PostgreSQL gradebook (``--db-url``) and a Dask cluster (``--scheduler``).

The PostgreSQL server is real: ``initdb`` and ``pg_ctl`` of the installed PostgreSQL (CI installs
Debian's ``postgresql`` package), run as an unprivileged user (PostgreSQL refuses root), on a unix
socket in a temporary folder and a free port. The Dask cluster is a ``distributed.LocalCluster``
with two worker processes behind TLS, with the certificates of ``python -m autograder
certificates``; its grades must equal those of the default local thread pool. A plain ``tcp://``
scheduler is refused unless ``--insecure`` is given, and a certificate from another CA is refused
with a message, not a traceback.
"""
from __future__ import annotations

import contextlib
import glob
import io
import json
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from autograder import certificates
from autograder.__main__ import main

from .autograder_cohort import (ASSIGNMENT, POINTS, SOLUTION, fill, grade_here, make_course, scores,
                                write_submission)

pytestmark = pytest.mark.root  # the grading sandbox (conftest.py)

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

def run_cli(*args: str) -> tuple[int, str, str]:
    """``python -m autograder ARGS`` in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def tls_options(folder: Path) -> list[str]:
    """The grader's TLS options for the files of one ``certificates`` folder."""
    return ["--tls-ca-file", str(folder / certificates.CA),
            "--tls-cert", str(folder / certificates.CLIENT_CERT),
            "--tls-key", str(folder / certificates.CLIENT_KEY)]


@pytest.fixture(scope="module")
def cluster_certificates(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tls") / "cluster"
    code, out, err = run_cli("certificates", folder, "--hostname", "127.0.0.1")
    assert code == 0, out + err
    return folder


@pytest.fixture(scope="module")
def dask_scheduler(cluster_certificates):
    """A TLS-only LocalCluster: its scheduler and workers use scheduler.pem, as the printed
    `dask scheduler` and `dask worker` commands have them do."""
    from distributed import LocalCluster
    from distributed.security import Security

    server = {"cert": str(cluster_certificates / certificates.SCHEDULER_CERT),
              "key": str(cluster_certificates / certificates.SCHEDULER_KEY)}
    security = Security(tls_ca_file=str(cluster_certificates / certificates.CA),
                        tls_scheduler_cert=server["cert"], tls_scheduler_key=server["key"],
                        tls_worker_cert=server["cert"], tls_worker_key=server["key"],
                        tls_client_cert=server["cert"], tls_client_key=server["key"],
                        require_encryption=True)
    # dashboard_address ":0": its HTTP server (always started) on a free port, not on 8787
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, protocol="tls",
                           security=security, dashboard_address=":0", silence_logs=50)
    try:
        assert cluster.scheduler_address.startswith("tls://")
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def local_and_dask(dask_scheduler, cluster_certificates, tmp_path_factory):
    base = tmp_path_factory.mktemp("dask")
    runs = {}
    for name, extra in (("local", ["--workers", "2"]),
                        ("dask", ["--scheduler", dask_scheduler,
                                  *tls_options(cluster_certificates)])):
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
    assert "--insecure" not in err


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


# -- who may use the cluster -------------------------------------------------------------------

def course_of_one(base: Path) -> tuple[Path, Path]:
    """A course with one correct submission: something to grade (the scheduler is reached only
    when there is)."""
    course, submissions = base / "course", base / "submissions"
    write_submission(submissions, "correct", fill(make_course(course), SOLUTION))
    return course, submissions


@pytest.fixture(scope="module")
def one_student(tmp_path_factory):
    """A course the refused runs share: none of them grades or records anything."""
    return course_of_one(tmp_path_factory.mktemp("one"))


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "127.0.0.1:8786"])
def test_a_plain_scheduler_is_refused_without_insecure(one_student, address):
    course, submissions = one_student
    code, out, err = grade_here(course, submissions, "--scheduler", address)
    assert code == 2, out + err
    assert f"--scheduler {address} is not encrypted or authenticated" in err
    assert "run code as root" in err and "tls://" in err and "--insecure" in err
    assert "Traceback" not in err and not (course / ".autograder").exists()


def test_options_in_code_refuse_a_plain_scheduler_too(one_student):
    from autograder.grade import Options, UsageError, grade

    course, submissions = one_student
    with pytest.raises(UsageError, match="not encrypted or authenticated"):
        grade(Options(ASSIGNMENT, submissions, course=course, scheduler="tcp://127.0.0.1:8786",
                      report=False, preflight=False), io.StringIO(), io.StringIO())


def test_tls_options_need_their_files(one_student, cluster_certificates):
    course, submissions = one_student
    code, _, err = grade_here(course, submissions, "--scheduler", "tls://127.0.0.1:8786",
                              "--tls-ca-file", str(cluster_certificates / certificates.CA))
    assert code == 2 and "needs --tls-cert, --tls-key" in err
    code, _, err = grade_here(course, submissions, "--scheduler", "tls://127.0.0.1:8786",
                              *tls_options(cluster_certificates)[:4], "--tls-key",
                              str(cluster_certificates / "missing.pem"))
    assert code == 2 and "missing.pem: no such file" in err


def test_insecure_accepts_a_plain_scheduler_with_a_warning(tmp_path):
    from distributed import LocalCluster

    course, submissions = course_of_one(tmp_path)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp",
                      dashboard_address=":0", silence_logs=50) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        code, out, err = grade_here(course, submissions, "--scheduler", address, "--insecure",
                                    "--no-preflight")
    assert code == 0, out + err
    assert f"WARNING: --insecure: the Dask scheduler {address} is reached without encryption" in err
    assert "1 graded, 0 failed" in out
    assert scores(f"sqlite:///{course / 'gradebook.db'}", "correct")[1] == FULL


@pytest.mark.parametrize("stranger", ["ca", "client"])
def test_a_certificate_of_another_ca_is_refused_clearly(one_student, dask_scheduler,
                                                        cluster_certificates, tmp_path, stranger):
    """"ca": the grader trusts another CA than the cluster's; "client": its certificate is not
    one the cluster's CA signed. Either way: exit 2, what to check, no traceback, nothing graded."""
    course, submissions = one_student
    other = tmp_path / "other"
    certificates.make_certificates(other)
    ca, cert, key = tls_options(cluster_certificates)[1::2]
    if stranger == "ca":
        ca = str(other / certificates.CA)
    else:
        cert, key = str(other / certificates.CLIENT_CERT), str(other / certificates.CLIENT_KEY)
    options = ["--tls-ca-file", ca, "--tls-cert", cert, "--tls-key", key]
    code, out, err = grade_here(course, submissions, "--scheduler", dask_scheduler, *options)
    assert code == 2, out + err
    assert f"cannot reach the Dask scheduler {dask_scheduler}" in err
    assert "the TLS handshake failed: --tls-ca-file must be the CA" in err
    assert "Traceback" not in err
    assert not list((course / "autograded").rglob("*.ipynb"))


def test_certificates_are_signed_by_their_ca_and_keys_are_private(tmp_path):
    from cryptography import x509

    folder = tmp_path / "tls"
    code, out, err = run_cli("certificates", folder, "--hostname", "10.0.0.5",
                             "--hostname", "scheduler.example.org")
    assert code == 0, out + err
    modes = {p.name: p.stat().st_mode & 0o777 for p in folder.iterdir()}
    assert modes == {"ca.pem": 0o644, "scheduler.pem": 0o644, "scheduler-key.pem": 0o600,
                     "client.pem": 0o644, "client-key.pem": 0o600}
    ca = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
    for name in ("scheduler.pem", "client.pem"):
        x509.load_pem_x509_certificate((folder / name).read_bytes()).verify_directly_issued_by(ca)
    scheduler = x509.load_pem_x509_certificate((folder / "scheduler.pem").read_bytes())
    names = scheduler.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["10.0.0.5"]
    assert names.get_values_for_type(x509.DNSName) == ["scheduler.example.org"]
    ca_pem = str(folder / "ca.pem")
    assert (f"dask scheduler --port 8786 --tls-ca-file {ca_pem} --tls-cert "
            f"{folder / 'scheduler.pem'} --tls-key {folder / 'scheduler-key.pem'}") in out
    assert f"dask worker tls://SCHEDULER_HOST:8786 --tls-ca-file {ca_pem}" in out
    assert f"--tls-cert {folder / 'client.pem'} --tls-key {folder / 'client-key.pem'}" in out


def test_certificates_never_overwrite(tmp_path):
    folder = tmp_path / "tls"
    folder.mkdir()
    (folder / "client-key.pem").write_text("the instructor's own key")
    code, out, err = run_cli("certificates", folder)
    assert code == 2, out + err
    assert "refusing to overwrite" in err and "client-key.pem" in err and "Traceback" not in err
    assert [p.name for p in folder.iterdir()] == ["client-key.pem"]  # nothing else written either
    assert (folder / "client-key.pem").read_text() == "the instructor's own key"
