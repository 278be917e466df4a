"""JupyterHub for the course: one Unix account per student, nbgrader's exchange, the formgrader.

    sudo make hub-install      # once, on a fresh Debian machine (deploy/jupyterhub/install.sh)
    sudo make hub              # .venv/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

- **Who logs in**: the accounts of this machine, with their Unix passwords (JupyterHub's
  ``PAMAuthenticator``); only those on the roster (``DLCOURSE_HUB_ROSTER``, a file of user names,
  one a line) and the instructors (``DLCOURSE_HUB_INSTRUCTORS``, names separated by commas).
  ``deploy/jupyterhub/accounts.py ROSTER`` creates the student accounts (and first passwords).
- **Where each server runs**: ``LocalProcessSpawner`` starts ``jupyterhub-singleuser`` from the
  course's ``.venv`` as the student's own Unix user, in their home folder, JupyterLab first. So a
  student's files, and what they submit, belong to them: nbgrader's exchange relies on that.
- **nbgrader**: every server reads ``deploy/jupyterhub/jupyter/nbgrader_config.py`` (the course id
  and the exchange, ``DLCOURSE_EXCHANGE``, default ``/srv/nbgrader/exchange``). Students get the
  Assignments tab (fetch, submit, fetch feedback) and Validate, not the formgrader nor the Create
  Assignment panel (``deploy/jupyterhub/jupyter-student/``); an instructor's server
  opens the course folder (``DLCOURSE_COURSE_DIR``, a clone of this repository that they
  own) and its formgrader works on that course with the course's own ``nbgrader_config.py``
  (``deploy/jupyterhub/jupyter-instructor/``).
- **State**: the hub's database, cookie secret and pid files in ``DLCOURSE_HUB_STATE`` (default
  ``/srv/jupyterhub``); the proxy is configurable-http-proxy from ``deploy/jupyterhub/node_modules``
  (``npm ci`` there, which ``make hub-install`` runs).

``jupyterhub_config_ci.py`` loads this file and swaps in a test-only authenticator for CI.
"""
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent  # the hub runs from the course's .venv: so do the servers
COURSE_ID = "dlcourse"
STATE = Path(os.environ.get("DLCOURSE_HUB_STATE", "/srv/jupyterhub"))
EXCHANGE = os.environ.get("DLCOURSE_EXCHANGE", "/srv/nbgrader/exchange")
COURSE_DIR = os.environ.get("DLCOURSE_COURSE_DIR", "")


def _names(text: str, sep: str | None = None) -> set[str]:
    return {name.strip() for name in text.split(sep) if name.strip()}


ROSTER = os.environ.get("DLCOURSE_HUB_ROSTER", "")
STUDENTS = _names(Path(ROSTER).read_text()) if ROSTER else set()
INSTRUCTORS = _names(os.environ.get("DLCOURSE_HUB_INSTRUCTORS", ""), ",")

# --- the hub and its proxy ---------------------------------------------------------------------
c.JupyterHub.ip = os.environ.get("DLCOURSE_HUB_IP", "")
c.JupyterHub.port = int(os.environ.get("DLCOURSE_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("DLCOURSE_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('DLCOURSE_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every student's server

# --- who logs in -------------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = STUDENTS | INSTRUCTORS
c.Authenticator.admin_users = INSTRUCTORS
# nbgrader's convention for a course on a hub: its instructors and its students as groups
c.JupyterHub.load_groups = {f"formgrade-{COURSE_ID}": {"users": sorted(INSTRUCTORS)},
                            f"nbgrader-{COURSE_ID}": {"users": sorted(STUDENTS)}}

# --- each user's server ------------------------------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 60
c.Spawner.environment = {
    # nbgrader reads its configuration from here: the course id and the exchange
    "JUPYTER_CONFIG_PATH": str(HERE / "jupyter"),
    "DLCOURSE_EXCHANGE": EXCHANGE,
    # TensorFlow's start-up lines never reach a student's cells (dlcourse.frameworks)
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_ENABLE_ONEDNN_OPTS": "0",
}
#: a student's servers read these first: nbgrader's formgrader, course list and Create Assignment
#: panel off (server and JupyterLab sides), the Assignments tab and Validate on
STUDENT_CONFIG = HERE / "jupyter-student"


#: an instructor's servers read these first: nbgrader pointed at the course and its configuration
INSTRUCTOR_CONFIG = HERE / "jupyter-instructor"


def pre_spawn_hook(spawner):
    """An instructor's server opens the course folder, with nbgrader's formgrader on the course;
    a student's has no formgrader."""
    if spawner.user.name in INSTRUCTORS:
        if COURSE_DIR:
            spawner.notebook_dir = COURSE_DIR
            spawner.environment = {
                **spawner.environment, "DLCOURSE_COURSE_DIR": COURSE_DIR,
                "JUPYTER_CONFIG_PATH": os.pathsep.join([str(INSTRUCTOR_CONFIG), str(HERE / "jupyter")])}
    else:
        spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH":
                               os.pathsep.join([str(STUDENT_CONFIG), str(HERE / "jupyter")])}


c.Spawner.pre_spawn_hook = pre_spawn_hook
