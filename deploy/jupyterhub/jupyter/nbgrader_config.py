"""nbgrader's configuration for every server of the course's hub (``JUPYTER_CONFIG_PATH``).

The course id and the exchange: the folder, shared by every account of the machine, where
released assignments, submissions and feedback travel (``DLCOURSE_EXCHANGE``; made by
``deploy/jupyterhub/install.sh`` with the permissions nbgrader expects, ``ugo+rwx``).
"""
import os

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "dlcourse"
c.Exchange.root = os.environ.get("DLCOURSE_EXCHANGE", "/srv/nbgrader/exchange")
