"""Lesson 06b exercises: rnn_cell_forward, lstm_cell_forward, gru_cell_forward. PLACEHOLDER: to be written (reference, cases, mistakes)."""
from __future__ import annotations

from .core import Exercise

RNN_CELL_FORWARD = Exercise(name='rnn_cell_forward', params=('x_t', 'h_prev', 'Wx', 'Wh', 'b'), reference=None, cases=[])
LSTM_CELL_FORWARD = Exercise(name='lstm_cell_forward', params=('x_t', 'h_prev', 'c_prev', 'Wx', 'Wh', 'b'), reference=None, cases=[])
GRU_CELL_FORWARD = Exercise(name='gru_cell_forward', params=('x_t', 'h_prev', 'Wx', 'Wh', 'bx', 'bh'), reference=None, cases=[])

EXERCISES = [RNN_CELL_FORWARD, LSTM_CELL_FORWARD, GRU_CELL_FORWARD]
