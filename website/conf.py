"""Sphinx configuration of the course website (``make site``; ``website/build.py`` runs Sphinx).

The pages are notebooks that ``website.pages`` has already executed, so MyST-NB only renders them.
``website.build`` passes what depends on where the course is published through the environment.
"""
import os

project = "dlcourse"
author = "the dlcourse team"
copyright = "the dlcourse team"

extensions = ["myst_nb"]
# the lessons' markdown is JupyterLab's: $...$ and $$...$$ math, plus MyST's ::: admonitions
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
nb_execution_mode = "off"  # website.pages ran every notebook already
nb_merge_streams = True
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_title = "dlcourse: deep learning from one neuron to the frameworks"
html_show_sphinx = False
html_last_updated_fmt = None

_repository = os.environ.get("DLCOURSE_SITE_REPOSITORY", "")
_branch = os.environ.get("DLCOURSE_SITE_BRANCH", "HEAD")
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
}
if _repository:
    html_theme_options.update({
        "repository_url": _repository,
        "repository_branch": _branch,
        "path_to_docs": "",
        "use_repository_button": True,
        "launch_buttons": {"binderhub_url": "https://mybinder.org",
                           "notebook_interface": "jupyterlab"},
    })
