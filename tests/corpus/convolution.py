"""Lesson 06a corpus: conv2d, max_pool2d. PLACEHOLDER."""
from __future__ import annotations

import numpy as np

RIGHT: dict = {}
WRONG: list = []
