"""What a grading kernel can see: a student walks ``/`` from inside the sandbox, and every path it
finds must be on the allowlist of ``autograder.isolation``.

The course is set up the way the README's workflows leave it, with everything a student must not
reach lying around: the course folder is a git repository (``.git``), with nbgrader's
``source/``, ``release/``, ``submitted/``, ``autograded/`` and ``feedback/`` folders, an LMS
download (``downloaded/tiny/archive/``), the sqlite gradebook, other students' submissions; the
grader's environment holds credentials (``DATABASE_URL``, ``MYSQL_PWD``); ``/root`` and ``/home``
hold other users' files. The repository that the Python environment is installed from (this
one, with ``solutions/`` and ``.git``) must be invisible too, except the two packages.

The verifier's runner gets the same sandbox with the course package replaced by the verifier's
view; a second walk checks it from there.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import execute, isolation, reference_view
from autograder.limits import Limits
from autograder.replay import executed_folder

from .autograder_cohort import ASSIGNMENT, ROOT, SOLUTION, fill, make_course, run_grader, \
    write_submission
from .test_autograder_cohort import visible_base

pytestmark = pytest.mark.root  # the grading sandbox (conftest.py)

SECRETS = {"DATABASE_URL": "postgresql://grader:hunter2@db/course", "MYSQL_PWD": "hunter2",
           "AWS_SECRET_ACCESS_KEY": "hunter2-aws", "TF_VAR_db_password": "hunter2-tf"}

#: a student's cell: print every path it can see (not descending into the folders it is told
#: are allowed whole), its environment, and what its working folder and HOME hold
WALKER = '''
import json, os
def walk(allowed_whole):
    seen = []
    for root, dirs, files in os.walk("/", followlinks=False):
        if root == "/proc" or root.startswith("/proc/"):
            dirs[:] = []
            continue
        seen.append(root)
        keep = []
        for name in dirs:
            path = os.path.join(root, name)
            if path in allowed_whole or os.path.islink(path):
                seen.append(path)
            else:
                keep.append(name)
        dirs[:] = keep
        seen.extend(os.path.join(root, name) for name in files)
    return seen
print("WALK", json.dumps({"seen": walk(set(ALLOWED_WHOLE)), "env": dict(os.environ),
                          "cwd": os.getcwd(), "work": sorted(os.listdir(".")),
                          "home": sorted(os.listdir(os.environ["HOME"])),
                          "uid": os.getuid()}))
'''


def allowed_whole() -> list[str]:
    """Folders a kernel may see whole (not walked: they hold tens of thousands of files)."""
    return sorted({*isolation.SYSTEM_FOLDERS, *isolation.python_paths(),
                   *isolation.package_paths(), "/dev", "/etc/fonts", "/etc/ld.so.conf.d"})


def is_allowed(path: str, whole: list[str]) -> bool:
    """On the allowlist: inside an allowed folder, a parent folder of one, /sandbox's content,
    the system's top-level links, /tmp (a link into /sandbox), the allowed /etc files, the
    sockets' folder."""
    if path in ("/", "/tmp") or path in isolation.SYSTEM_LINKS or path in isolation.ETC_ALLOWED:
        return True
    roots = [*whole, isolation.SANDBOX, str(execute._scratch_base())]
    return any(path == r or path.startswith(r + "/") or r.startswith(path + "/") for r in roots)


def walk_output(nb: nbformat.NotebookNode) -> dict:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("text", "").startswith("WALK "):
                return json.loads(out["text"][5:])
    raise AssertionError("the walker printed nothing: "
                         + json.dumps([c.get("outputs") for c in nb.cells])[:2000])


@pytest.fixture(scope="module")
def walked():
    base = visible_base()
    planted = [Path("/root/autograder-test-secret.txt"), Path("/home/autograder-test-user")]
    try:
        course, submissions = base / "course", base / "course" / "submitted"
        released = make_course(course)
        for folder in ("feedback/alice/tiny", "downloaded/tiny/archive"):
            (course / folder).mkdir(parents=True)
        (course / "downloaded/tiny/archive/bob_tiny.ipynb").write_text("{}")
        (course / "feedback/alice/tiny/tiny.html").write_text("<p>feedback</p>")
        subprocess.run(["git", "init", "-q", str(course)], check=True)
        subprocess.run(["git", "-C", str(course), "add", "-A"], check=True)
        subprocess.run(["git", "-C", str(course), "-c", "user.name=t", "-c", "user.email=t@t",
                        "commit", "-qm", "course"], check=True)
        planted[0].write_text("root's secret\n")
        (planted[1] / ".ssh").mkdir(parents=True, exist_ok=True)
        (planted[1] / ".ssh" / "id_rsa").write_text("a key\n")
        walker = WALKER.replace("ALLOWED_WHOLE", repr(allowed_whole()))
        write_submission(submissions, "walker", fill(released, {
            **SOLUTION, "square": walker + SOLUTION["square"]}))
        write_submission(submissions, "bob", fill(released, SOLUTION))
        run = run_grader(course, submissions, "--workers", "1", env_extra=SECRETS)
        assert run.returncode == 0, run.stdout + run.stderr
        executed = Path(executed_folder(course / ".autograder", ASSIGNMENT, "walker"))
        yield {"course": course, "walk": walk_output(nbformat.read(
            executed / f"{ASSIGNMENT}.ipynb", as_version=4))}
    finally:
        planted[0].unlink(missing_ok=True)
        shutil.rmtree(planted[1], ignore_errors=True)
        shutil.rmtree(base, ignore_errors=True)


def test_a_kernel_sees_only_the_allowlist(walked):
    whole = allowed_whole()
    outside = [p for p in walked["walk"]["seen"] if not is_allowed(p, whole)]
    assert outside == []


def test_a_kernel_sees_no_course_folder_repository_or_other_home(walked):
    seen = walked["walk"]["seen"]
    course = str(walked["course"])
    forbidden = [course, f"{course}/.git", f"{course}/source", f"{course}/release",
                 f"{course}/submitted", f"{course}/autograded", f"{course}/feedback",
                 f"{course}/downloaded", f"{course}/gradebook.db", f"{ROOT}/.git",
                 f"{ROOT}/solutions", f"{ROOT}/tests", "/root/autograder-test-secret.txt",
                 "/home/autograder-test-user", "/home", "/srv", "/var", "/opt", "/run", "/mnt"]
    assert [p for p in seen if any(p == f or p.startswith(f + "/") for f in forbidden)] == []
    # the walk did reach the allowed parts (the check above is not empty-handed)
    assert isolation.WORK in seen and f"{isolation.package_paths()[0]}" in seen


def test_a_kernel_gets_an_allowlisted_environment_and_fresh_folders(walked):
    walk = walked["walk"]
    for name, value in SECRETS.items():
        assert name not in walk["env"]
        assert all(value not in v for v in walk["env"].values())
    assert walk["env"]["HOME"] == isolation.HOME and walk["home"] == []
    assert walk["env"]["IPYTHONDIR"] == isolation.IPYTHONDIR
    assert walk["cwd"] == isolation.WORK and walk["work"] == ["data.txt"]
    assert walk["uid"] >= execute.SLOT_UID_BASE


def test_the_verifiers_runner_sees_only_the_allowlist_and_the_view(tmp_path):
    limits = Limits(cell_timeout=30, memory_limit=1 << 30)
    view = reference_view.build_view(tmp_path / "view", ["sigmoid"])
    package = reference_view.package_dir()
    with execute.grading_slot() as slot:
        sandbox = execute.Sandbox(slot, limits, isolated=True)
        try:
            sandbox.stage({"data.txt": b"42\n"})
            command = sandbox.command("verify", replaced=[(view, package)])
            code = WALKER.replace("ALLOWED_WHOLE", repr(allowed_whole())) + (
                "import dlcourse.checks.activations as c\n"
                "print('VIEW', open(c.__file__).read()[:200])\n")
            run = subprocess.run(command + [sys.executable, "-I", "-c", code],
                                 capture_output=True, text=True, timeout=120)
        finally:
            sandbox.close()
    assert run.returncode == 0, run.stderr
    walk = json.loads(run.stdout.split("WALK ", 1)[1].split("\nVIEW", 1)[0])
    assert [p for p in walk["seen"] if not is_allowed(p, allowed_whole())] == []
    assert walk["work"] == ["data.txt"] and walk["home"] == []
    # the course package in there is the view: the checkers are stand-ins without the answers
    assert "withheld" in run.stdout.split("VIEW", 1)[1]
    assert os.path.exists(package / "checks" / "activations.py")
