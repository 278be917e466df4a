"""The course's hub for tests only: ``jupyterhub_config.py`` with a test authenticator.

JupyterHub's ``DummyAuthenticator`` lets each allowed user in with one shared password
(``DLCOURSE_HUB_TEST_PASSWORD``), so a test logs its student accounts in without Unix passwords.
It listens on 127.0.0.1 only. Never use it for a real class: anyone with the password is anyone.
"""
import os
from pathlib import Path

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)
load_subconfig(str(Path(__file__).with_name("jupyterhub_config.py")))  # noqa: F821

if not os.environ.get("DLCOURSE_HUB_TEST_PASSWORD"):
    raise SystemExit("jupyterhub_config_ci.py is for tests: set DLCOURSE_HUB_TEST_PASSWORD")
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ["DLCOURSE_HUB_TEST_PASSWORD"]
