"""A term on a real JupyterHub: release, fetch, submit, collect, grade, feedback, grades.

The course's hub (``deploy/jupyterhub``, with its test-only authenticator) runs on free ports with
three student accounts made for the test (real Unix users, ``deploy/jupyterhub/accounts.py``);
each student's server is their own process under their own uid, as on a class's hub. Everything
a student does goes through the hub: log in (a token requested with the password through the
REST API), start the server, then nbgrader's Assignments endpoints and the Contents API of that
server (what JupyterLab's Assignments tab and its Save do). The instructor works in the course
folder, an account of their own that owns it: nbgrader's commands as that account, the
formgrader in their own server (it starts in the course folder), ``python -m autograder grade``
as root (its sandbox needs root).

The term, in order (one test a step; each needs the ones before it):

1. the instructor releases lesson 01, with a due date a day away; their formgrader lists it;
2. ada, bob and cy log in and start their servers; each fetches the lesson;
3. ada submits the solution; bob submits the notebook untouched; then the due date passes;
   bob submits again with a wrong ``relu`` (late); cy submits nothing;
4. nobody reads another student's submission, the instructor's source, or the exchange's lists;
5. the instructor collects (bob's last submission), grades, and releases the feedback;
6. each student fetches their own feedback, and only theirs;
7. the exported grades, cell by cell, against the points in the solution notebook.

Needs root (the hub starts servers as other users, and the grader's sandbox) and npm's
configurable-http-proxy (``make test`` installs it); CI runs it like every test.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
import requests

from .lab_server import free_port
from .notebooks import is_test, nbgrader
from .test_grading import answers_from_solution, fill_in

ROOT = Path(__file__).resolve().parent.parent
HUB_DIR = ROOT / "deploy" / "jupyterhub"
sys.path.insert(0, str(HUB_DIR))
import accounts

LESSON = "01-neuron"
COURSE = "dlcourse"
BIN = Path(sys.executable).parent
WRONG_RELU = "def relu(z):\n    return np.abs(np.asarray(z, dtype=float))\n"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the hub starts servers as other "
                                "users, and the grader's sandbox needs root")


def _run(cmd: list[str], cwd: Path, env_extra: dict | None = None,
         **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **(env_extra or {})}
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False,
                            **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))}:\n{result.stdout}\n{result.stderr}"
    return result


def _as_user(user: str, code: str) -> dict:
    """Run Python ``code`` as the Unix ``user``; it prints one JSON value, returned here."""
    result = subprocess.run([sys.executable, "-c", code], user=user, group=user, cwd="/",
                            env={"PATH": "/usr/bin:/bin", "HOME": "/"}, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class Term:
    """The hub, the course and the accounts of one test run; the steps share it."""

    def __init__(self, base: Path):
        self.base = base
        tag = secrets.token_hex(2)
        self.students = {name: f"dlh{tag}-{name}" for name in ("ada", "bob", "cy")}
        self.instructor = f"dlh{tag}-prof"
        self.accounts = {**self.students, "prof": self.instructor}
        self.password = secrets.token_urlsafe(16)
        self.exchange = base / "exchange"
        self.course = base / "course"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tokens: dict[str, str] = {}
        self.submitted: dict[str, list[str]] = {}
        self.hub: subprocess.Popen | None = None
        self.due: dt.datetime | None = None

    # --- the instructor's side ---------------------------------------------------------------
    def nbgrader(self, *args: str) -> subprocess.CompletedProcess:
        """An nbgrader command of the instructor's, as their own account, in the course."""
        home = accounts.pwd.getpwnam(self.instructor).pw_dir
        return _run([str(BIN / "nbgrader"), *args], cwd=self.course, user=self.instructor,
                    group=self.instructor, env_extra={"HOME": home})

    def make_course(self) -> None:
        """The instructor's course folder, theirs alone: the source and (later) the gradebook."""
        self.course.mkdir(mode=0o700)
        shutil.copy(ROOT / "nbgrader_config.py", self.course)
        with (self.course / "nbgrader_config.py").open("a") as config:
            config.write(f"\nc.Exchange.root = {str(self.exchange)!r}\n")
        shutil.copytree(ROOT / "solutions" / LESSON, self.course / "solutions" / LESSON)
        _run(["chown", "-R", f"{self.instructor}:{self.instructor}", str(self.course)], cwd=ROOT)
        self.exchange.mkdir()
        self.exchange.chmod(0o777)

    # --- the hub -----------------------------------------------------------------------------
    def start_hub(self) -> None:
        state = self.base / "hub"
        state.mkdir(mode=0o700)
        roster = self.base / "roster.txt"
        roster.write_text("\n".join(self.students.values()) + "\n")
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
               "DLCOURSE_HUB_STATE": str(state), "DLCOURSE_HUB_ROSTER": str(roster),
               "DLCOURSE_HUB_PORT": str(self.port), "DLCOURSE_HUB_API_PORT": str(free_port()),
               "DLCOURSE_PROXY_API_PORT": str(free_port()),
               "DLCOURSE_EXCHANGE": str(self.exchange),
               "DLCOURSE_HUB_INSTRUCTORS": self.instructor,
               "DLCOURSE_COURSE_DIR": str(self.course),
               "DLCOURSE_HUB_TEST_PASSWORD": self.password}
        self.log = (self.base / "hub.log").open("w")
        self.hub = subprocess.Popen([str(BIN / "jupyterhub"), "-f",
                                     str(HUB_DIR / "jupyterhub_config_ci.py")],
                                    cwd=state, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.hub.poll() is None, f"the hub stopped:\n{self.hub_log()}"
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"the hub did not answer in 90 s:\n{self.hub_log()}")

    def hub_log(self) -> str:
        return (self.base / "hub.log").read_text()[-6000:]

    def stop_hub(self) -> None:
        if self.hub is not None and self.hub.poll() is None:
            self.hub.send_signal(signal.SIGTERM)  # the hub stops every server (cleanup_servers)
            try:
                self.hub.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.hub.pid, signal.SIGKILL)
        if self.hub is not None:
            self.log.close()

    # --- a student's side, through the hub ---------------------------------------------------
    def login(self, who: str) -> None:
        user = self.accounts[who]
        reply = requests.post(f"{self.url}/hub/api/users/{user}/tokens", timeout=30,
                              json={"auth": {"username": user, "password": self.password},
                                    "note": "test login"})
        assert reply.status_code in (200, 201), reply.text
        self.tokens[who] = reply.json()["token"]

    def api(self, who: str, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {self.tokens[who]}"}
        return requests.request(method, f"{self.url}{path}", headers=headers, timeout=120,
                                **kwargs)

    def start_server(self, who: str) -> None:
        user = self.accounts[who]
        reply = self.api(who, "POST", f"/hub/api/users/{user}/server")
        assert reply.status_code in (201, 202), f"{reply.text}\n{self.hub_log()}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            model = self.api(who, "GET", f"/hub/api/users/{user}").json()
            if model.get("servers", {}).get("", {}).get("ready"):
                return
            time.sleep(0.5)
        raise AssertionError(f"{user}'s server did not start:\n{self.hub_log()}")

    def assignments(self, who: str, action: str) -> dict:
        user = self.students[who]
        reply = self.api(who, "POST", f"/user/{user}/assignments/{action}",
                         data={"course_id": COURSE, "assignment_id": LESSON})
        assert reply.status_code == 200, reply.text
        return reply.json()

    def save(self, who: str, notebook: dict) -> None:
        user = self.students[who]
        reply = self.api(who, "PUT", f"/user/{user}/api/contents/{LESSON}/{LESSON}.ipynb",
                         json={"type": "notebook", "format": "json", "content": notebook})
        assert reply.status_code in (200, 201), reply.text

    def fetched(self, who: str) -> dict:
        user = self.students[who]
        reply = self.api(who, "GET", f"/user/{user}/api/contents/{LESSON}/{LESSON}.ipynb")
        assert reply.status_code == 200, reply.text
        return reply.json()["content"]

    def home(self, who: str) -> Path:
        return self.base / "home" / self.students[who]


def _open_the_way(paths: list[Path]) -> list[tuple[Path, int]]:
    """Let every user pass through (not list) the folders above ``paths``; the changes made.

    The students' servers run the course's Python. Where it lies under a private folder (pyenv's
    interpreters in ``/root``, as on CI's machines) they could not start it; on a hub, Python is
    installed where every account can run it (Debian's ``python3``, ``install.sh``).
    """
    changed = []
    for path in paths:
        for folder in Path(os.path.realpath(path)).parents:
            mode = folder.stat().st_mode
            if not mode & 0o001:
                folder.chmod(mode | 0o001)
                changed.append((folder, mode))
    return changed


@pytest.fixture(scope="module")
def term():
    base = Path(tempfile.mkdtemp(prefix="dlcourse-hub-"))
    base.chmod(0o755)  # the students' homes are below it
    (base / "home").mkdir(mode=0o755)
    t = Term(base)
    opened = _open_the_way([Path(sys.executable), ROOT])
    try:
        for user in t.accounts.values():
            accounts.create(user, base / "home")
        t.make_course()
        t.start_hub()
        yield t
    finally:
        t.stop_hub()
        for user in t.accounts.values():
            accounts.remove(user)
        for folder, mode in opened:
            folder.chmod(mode)
        shutil.rmtree(base, ignore_errors=True)


def test_1_the_instructor_releases_lesson_01_with_a_due_date(term):
    term.due = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    term.nbgrader("db", "assignment", "add", LESSON, f"--duedate={term.due:%Y-%m-%d %H:%M:%S} UTC")
    for user in term.students.values():
        term.nbgrader("db", "student", "add", user)
    term.nbgrader("generate_assignment", LESSON)  # the student version, and the gradebook's cells
    term.nbgrader("release_assignment", LESSON)
    outbound = term.exchange / COURSE / "outbound" / LESSON / f"{LESSON}.ipynb"
    assert outbound.read_bytes() == (ROOT / "lessons" / LESSON / f"{LESSON}.ipynb").read_bytes()
    # the formgrader runs in the instructor's own server, which starts in the course folder
    term.login("prof")
    term.start_server("prof")
    listed = term.api("prof", "GET", f"/user/{term.instructor}/formgrader/api/assignments")
    assert listed.status_code == 200, term.hub_log()
    [assignment] = json.loads(listed.text)  # an error page here is HTML: "course not found"
    assert assignment["name"] == LESSON and assignment["status"] == "released"


def test_2_students_log_in_start_their_servers_and_fetch(term):
    for who in term.students:
        term.login(who)
        term.start_server(who)
        listed = term.assignments(who, "fetch")
        assert listed["success"], listed
        fetched = [a for a in listed["value"] if a["assignment_id"] == LESSON]
        assert [a["status"] for a in fetched] == ["fetched"]
        notebook = term.home(who) / LESSON / f"{LESSON}.ipynb"
        assert notebook.stat().st_uid == accounts.pwd.getpwnam(term.students[who]).pw_uid
        released = nbformat.read(ROOT / "lessons" / LESSON / f"{LESSON}.ipynb", as_version=4)
        assert [c["source"] for c in term.fetched(who)["cells"]] == [
            c.source for c in released.cells]
    # a token opens its own student's server only
    other = term.api("ada", "GET", f"/user/{term.students['bob']}/api/contents")
    assert other.status_code in (302, 403, 404)
    # a student's server has no formgrader, and JupyterLab shows no formgrader or Create
    # Assignment panel (deploy/jupyterhub/jupyter-student)
    ada = term.students["ada"]
    assert term.api("ada", "GET", f"/user/{ada}/formgrader/api/assignments").status_code == 404
    lab = term.api("ada", "GET", f"/user/{ada}/lab")
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">'
                                  r"(.*?)</script>", lab.text, re.DOTALL).group(1))
    disabled = config["disabledExtensions"]
    assert "@jupyter/nbgrader:formgrader" in disabled
    assert "@jupyter/nbgrader:create-assignment" in disabled
    assert "@jupyter/nbgrader:assignment-list" not in disabled


def _submit(term, who: str) -> None:
    reply = term.assignments(who, "submit")
    assert reply["success"], reply
    inbound = term.exchange / COURSE / "inbound"
    term.submitted[who] = sorted(p.name for p in inbound.iterdir()
                                 if p.name.startswith(term.students[who] + "+"))


def test_3_submissions_on_time_twice_and_late(term):
    solution = nbformat.read(ROOT / "solutions" / LESSON / f"{LESSON}.ipynb", as_version=4)
    released = nbformat.read(ROOT / "lessons" / LESSON / f"{LESSON}.ipynb", as_version=4)
    answers = answers_from_solution(solution)
    term.save("ada", fill_in(released, answers))
    _submit(term, "ada")
    _submit(term, "bob")  # the notebook as fetched: nothing answered
    # the due date passes (whole seconds in the gradebook: none of the above is in its second)
    time.sleep(1.5)
    term.due = dt.datetime.now(dt.UTC)
    term.nbgrader("db", "assignment", "add", LESSON, f"--duedate={term.due:%Y-%m-%d %H:%M:%S} UTC")
    time.sleep(1.5)
    term.save("bob", fill_in(released, {**answers, "relu": WRONG_RELU}))
    _submit(term, "bob")
    assert len(term.submitted["ada"]) == 1 and len(term.submitted["bob"]) == 2
    assert term.students["cy"] not in " ".join(p.name for p in
                                                 (term.exchange / COURSE / "inbound").iterdir())


def test_4_no_student_reads_another_students_work_or_the_instructors_source(term):
    """nbgrader's exchange model: students may write into ``inbound`` but not list it, and each
    submission's folder ends in 72 random bits (``ExchangeSubmit.add_random_string``), so its
    files, which the instructor's account must be able to read, cannot be found by another
    student. Ada knows bob's name, the assignment and the second of his submission, and tries."""
    inbound = term.exchange / COURSE / "inbound"
    bob_folder = term.submitted["bob"][-1]
    user, assignment, timestamp, random_part = bob_folder.split("+")
    assert len(random_part) == 12  # base64 of 9 random bytes
    guessed = inbound / f"{user}+{assignment}+{timestamp}" / f"{LESSON}.ipynb"
    targets = {"inbound": str(inbound), "bob": str(guessed),
               "source": str(term.course / "solutions" / LESSON / f"{LESSON}.ipynb"),
               "gradebook": str(term.course / "gradebook.db"), "exchange": str(term.exchange)}
    tried = _as_user(term.students["ada"], f"""
import json, os
t = {targets!r}
out = {{}}
for name, op in [("list inbound", lambda: os.listdir(t["inbound"])),
                 ("read bob", lambda: open(t["bob"]).read()),
                 ("read source", lambda: open(t["source"]).read()),
                 ("read gradebook", lambda: open(t["gradebook"], "rb").read())]:
    try:
        op()
        out[name] = "allowed"
    except (PermissionError, FileNotFoundError):
        out[name] = "refused"
seen = []
for folder, dirs, files in os.walk(t["exchange"]):
    for f in files:
        try:
            seen.append(open(os.path.join(folder, f), errors="replace").read())
        except PermissionError:
            pass
out["readable files"] = len(seen)
out["solution markers"] = sum(("BEGIN SOLUTION" in s) or ("BEGIN HIDDEN TESTS" in s) for s in seen)
print(json.dumps(out))
""")
    assert tried == {"list inbound": "refused", "read bob": "refused", "read source": "refused",
                     "read gradebook": "refused", "readable files": tried["readable files"],
                     "solution markers": 0}
    assert tried["readable files"] >= 1  # the released notebook, readable by every student


def test_5_the_instructor_collects_grades_and_releases_feedback(term):
    term.nbgrader("collect", LESSON)
    submitted = term.course / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == sorted(
        term.students[w] for w in ("ada", "bob"))
    bob_last = term.submitted["bob"][-1].split("+")[2]
    assert (submitted / term.students["bob"] / LESSON / "timestamp.txt").read_text().strip() \
        == bob_last
    grading = _run([sys.executable, "-m", "autograder", "grade", LESSON, "submitted",
                    "--course", str(term.course), "--workers", "2", "--isolation", "namespaces"],
                   cwd=term.course, timeout=1200)
    assert "Isolation: namespaces" in grading.stdout
    assert "2 graded, 0 failed" in grading.stdout, grading.stdout
    term.nbgrader("release_feedback", LESSON)


def test_6_each_student_fetches_their_own_feedback_only(term):
    pages = {}
    for who in ("ada", "bob"):
        listed = term.assignments(who, "fetch_feedback")
        assert listed["success"], listed
        found = sorted((term.home(who) / LESSON / "feedback").rglob("*.html"))
        assert len(found) == 1, found
        pages[who] = found[0].read_text()
        owner = found[0].stat().st_uid
        assert owner == accounts.pwd.getpwnam(term.students[who]).pw_uid
        # the page the grader wrote for this student, and for nobody else
        written = term.course / "feedback" / term.students[who] / LESSON / f"{LESSON}.html"
        assert pages[who] == written.read_text()
    assert pages["ada"] != pages["bob"]
    text = {who: html.unescape(re.sub(r"<[^>]+>", "", page)) for who, page in pages.items()}
    assert "np.abs(np.asarray(z, dtype=float))" in text["bob"]  # his wrong relu
    assert "np.abs(np.asarray(z, dtype=float))" not in text["ada"]
    listed = term.assignments("cy", "fetch_feedback")  # cy submitted nothing: nothing comes
    assert not (term.home("cy") / LESSON / "feedback").exists(), listed


def _points() -> tuple[float, float, float]:
    """(autograded points, all points, relu's points) from the solution notebook's metadata."""
    nb = nbformat.read(ROOT / "solutions" / LESSON / f"{LESSON}.ipynb", as_version=4)
    graded = [c for c in nb.cells if nbgrader(c).get("grade")]
    auto = sum(nbgrader(c)["points"] for c in graded if is_test(c))
    relu = next(nbgrader(c)["points"] for c in graded if nbgrader(c)["grade_id"] == "test_relu")
    return auto, sum(nbgrader(c)["points"] for c in graded), relu


def test_7_the_exported_grades_cell_by_cell(term):
    term.nbgrader("export", "--to", str(term.course / "grades.csv"))
    rows = {r["student_id"]: r for r in csv.DictReader((term.course / "grades.csv").open())}
    auto, total, relu = _points()
    bob_raw = auto - relu
    expected = {
        term.students["ada"]: (auto, 0.0, auto),
        # late by seconds: one day begun, 10 % of the score (autograder.late_penalty)
        term.students["bob"]: (bob_raw, round(bob_raw * 0.10, 2), bob_raw - round(bob_raw * 0.10, 2)),
        term.students["cy"]: (0.0, 0.0, 0.0),
    }
    assert set(rows) == set(expected)
    for student, (raw, penalty, score) in expected.items():
        row = rows[student]
        assert row["assignment"] == LESSON
        assert float(row["max_score"]) == total
        assert float(row["raw_score"]) == pytest.approx(raw), student
        assert float(row["late_submission_penalty"]) == pytest.approx(penalty), student
        assert float(row["score"]) == pytest.approx(score), student
    assert rows[term.students["cy"]]["timestamp"] in ("", "None")
    bob_time = dt.datetime.fromisoformat(rows[term.students["bob"]]["timestamp"])
    assert bob_time.replace(tzinfo=dt.UTC) > term.due
