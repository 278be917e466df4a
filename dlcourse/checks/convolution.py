"""Lesson 06a exercises: conv2d, max_pool2d. PLACEHOLDER: to be written (reference, cases, mistakes)."""
from __future__ import annotations

from .core import Exercise

CONV2D = Exercise(name='conv2d', params=('x', 'kernel', 'stride', 'padding'), reference=None, cases=[])
MAX_POOL2D = Exercise(name='max_pool2d', params=('x', 'size'), reference=None, cases=[])

EXERCISES = [CONV2D, MAX_POOL2D]
