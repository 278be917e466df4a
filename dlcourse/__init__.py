"""dlcourse: the helper package of the deep learning course.

Light on purpose: importing it loads NumPy only. PyTorch, TensorFlow, matplotlib and ipywidgets
are imported inside the functions that need them.

- ``dlcourse.reference``: the reference implementations, one module per lesson topic.
- ``dlcourse.checks``: ``check_NAME(fn, *, hidden=False)`` for every graded exercise.
- ``dlcourse.plots`` and ``dlcourse.widgets``: the figures and interactive widgets of the lessons.
"""

__version__ = "0.1.0"
