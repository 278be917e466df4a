"""Lesson 06a exercise: rbf_features. PLACEHOLDER: to be written (reference, cases, mistakes)."""
from __future__ import annotations

from .core import Exercise

RBF_FEATURES = Exercise(name='rbf_features', params=('X', 'centers', 'gamma'), reference=None, cases=[])

EXERCISES = [RBF_FEATURES]
