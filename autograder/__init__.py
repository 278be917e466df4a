"""The instructor's side of the course, on top of nbgrader.

- ``autograder.lessons``: regenerate the student notebooks in ``lessons/`` from ``solutions/``.
"""
