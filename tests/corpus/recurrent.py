"""Lesson 06b corpus: rnn_cell_forward, lstm_cell_forward, gru_cell_forward. PLACEHOLDER."""
from __future__ import annotations

import numpy as np

RIGHT: dict = {}
WRONG: list = []
