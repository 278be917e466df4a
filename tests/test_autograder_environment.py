"""What a grading kernel (and the verifier's runner) inherits from the grader's environment:
an allowlist, so that a credential nobody listed stays out, and one thread per maths library."""
from __future__ import annotations

from autograder.sandbox import THREAD_ENV, kernel_environment

GRADER = {
    "PATH": "/venv/bin:/usr/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
    "PYTHONPATH": "/course", "DLCOURSE_PROGRESS": "off", "TF_CPP_MIN_LOG_LEVEL": "2",
    # what must never reach student code
    "DATABASE_URL": "postgresql://grader:pw@db/gradebook", "MYSQL_PWD": "pw",
    "PGPASSWORD": "pw", "AWS_SECRET_ACCESS_KEY": "k", "GITHUB_TOKEN": "t", "SSH_AUTH_SOCK": "/s",
    "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": "/k", "JPY_API_TOKEN": "t",
    "HOME": "/root", "USER": "root", "SUDO_USER": "admin", "MAIL": "/var/mail/root",
    "LD_PRELOAD": "/evil.so", "TF_VAR_db_password": "pw", "PYTHONSTARTUP": "/root/.pythonrc", "IPYTHONDIR": "/root/.ipython",
}


def test_only_allowlisted_variables_reach_the_kernel():
    env = kernel_environment("/home/student", GRADER)
    for name in ("DATABASE_URL", "MYSQL_PWD", "PGPASSWORD", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN",
                 "SSH_AUTH_SOCK", "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY", "JPY_API_TOKEN",
                 "SUDO_USER", "MAIL", "LD_PRELOAD", "TF_VAR_db_password", "PYTHONSTARTUP", "IPYTHONDIR"):
        assert name not in env, name
    for name in ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "DLCOURSE_PROGRESS",
                 "TF_CPP_MIN_LOG_LEVEL"):
        assert env[name] == GRADER[name], name


def test_the_kernel_gets_its_own_home_and_identity():
    env = kernel_environment("/home/student", GRADER)
    assert env["HOME"] == "/home/student" and env["USER"] == env["LOGNAME"] == "student"
    assert env["TMPDIR"] == "/tmp" and env["PYTHONNOUSERSITE"] == "1"
    assert env["NBGRADER_EXECUTION"] == "autograde"


def test_one_thread_per_maths_library_unless_the_grader_says_otherwise():
    env = kernel_environment("/h", GRADER)
    assert {name: env[name] for name in THREAD_ENV} == {
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    env = kernel_environment("/h", {**GRADER, "OMP_NUM_THREADS": "4"})
    assert env["OMP_NUM_THREADS"] == "4" and env["MKL_NUM_THREADS"] == "1"


def test_an_error_output_is_bounded_like_any_other_output():
    from autograder.execute import SandboxedExecute

    executor = SandboxedExecute(output_limit=1 << 20)
    huge = {"msg_type": "error", "parent_header": {"msg_id": "m"}, "metadata": {},
            "header": {"msg_id": "e", "msg_type": "error"}, "content": {
        "ename": "E" * 40_000_000, "evalue": "v" * 40_000_000,
        "traceback": ["line " + "t" * 9_000] * 500}}
    outs: list = []
    executor._output_bytes, executor._truncated = {}, set()
    executor.clear_before_next_output = False
    executor.output(outs, huge, None, 0)
    assert len(outs) == 1 and outs[0].output_type == "error"
    size = len(outs[0].ename) + len(outs[0].evalue) + sum(len(t) for t in outs[0].traceback)
    assert size <= (1 << 20) + 100
    assert outs[0].ename == "E" * 200 and outs[0].traceback[-1].startswith("... (traceback cut")


def test_slot_uids_stay_clear_of_users_and_systemd_services():
    from autograder.execute import MAX_SLOTS, SLOT_UID_BASE
    from autograder.limits import DEFAULT_MEMORY_LIMIT

    slots = range(SLOT_UID_BASE, SLOT_UID_BASE + MAX_SLOTS)
    assert slots.start > 60000                      # regular users: UID_MAX 60000 (login.defs)
    assert slots.stop <= 61184                      # systemd DynamicUser: 61184-65519
    # the README states the memory limit's default as the code has it
    from pathlib import Path
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert f"`--memory-limit` (default {DEFAULT_MEMORY_LIMIT >> 30}G)" in readme
