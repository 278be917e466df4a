"""nbgrader's configuration for an instructor's server on the course's hub (read before ``jupyter/``).

The server runs from the instructor's home; the course is ``DLCOURSE_COURSE_DIR`` (the hub sets
it for instructors only). nbgrader's formgrader reads its configuration from here, not from the
course folder, so this file points nbgrader at the course and loads the course's own
``nbgrader_config.py`` (source and release folders, the late penalty, the exchange).
"""
import os

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

COURSE_DIR = os.environ.get("DLCOURSE_COURSE_DIR", "")
if COURSE_DIR:
    c.CourseDirectory.root = COURSE_DIR
    load_subconfig(os.path.join(COURSE_DIR, "nbgrader_config.py"))  # noqa: F821
