"""Lesson 06a corpus: rbf_features. PLACEHOLDER."""
from __future__ import annotations

import numpy as np

RIGHT: dict = {}
WRONG: list = []
