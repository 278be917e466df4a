"""Lesson 06c exercises: discriminator_loss, generator_loss. PLACEHOLDER: to be written (reference, cases, mistakes)."""
from __future__ import annotations

from .core import Exercise

DISCRIMINATOR_LOSS = Exercise(name='discriminator_loss', params=('d_real', 'd_fake'), reference=None, cases=[])
GENERATOR_LOSS = Exercise(name='generator_loss', params=('d_fake',), reference=None, cases=[])

EXERCISES = [DISCRIMINATOR_LOSS, GENERATOR_LOSS]
