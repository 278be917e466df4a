"""Truth tables of the logic gates of lesson 05: XOR, AND, OR and NAND.

Each table has the four inputs of two bits as ``X`` (4, 2) float64, in the handout's order
(0,0), (0,1), (1,0), (1,1), and the gate's output as ``y`` (4, 1) float64, one row per sample,
like the handout's XOR arrays.
"""
from __future__ import annotations

import numpy as np

#: the outputs of each gate for the inputs (0,0), (0,1), (1,0), (1,1)
GATES: dict[str, tuple[int, int, int, int]] = {
    "xor": (0, 1, 1, 0),
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
}


def truth_table(gate: str) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` of a gate named in :data:`GATES` (any case): X (4, 2), y (4, 1), float64.

    Each call returns new arrays, so changing them changes no other table.
    """
    key = gate.lower()
    if key not in GATES:
        raise ValueError(f"unknown gate {gate!r}; choose one of {', '.join(GATES)}")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y = np.array(GATES[key], dtype=np.float64).reshape(-1, 1)
    return X, y
