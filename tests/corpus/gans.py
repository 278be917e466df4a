"""Lesson 06c corpus: discriminator_loss, generator_loss. PLACEHOLDER."""
from __future__ import annotations

import numpy as np

RIGHT: dict = {}
WRONG: list = []
