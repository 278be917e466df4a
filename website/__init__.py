"""The course website: the student notebooks with a reference run's outputs, built by Sphinx.

``python -m website.build`` (``make site``) writes it to ``_build/html``; see ``website/build.py``.
"""
