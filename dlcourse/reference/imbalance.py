"""Lesson 07c references: learning from imbalanced data (fraud is rare).

Labels are class integers 0..k-1 (binary: 0/1), arrays of shape (n,) or (n, 1).
"""
from __future__ import annotations

from typing import Any

import numpy as np


def balanced_class_weights(y: Any) -> np.ndarray:
    """(n_classes,) float64 weights ``n / (n_classes * count_c)`` for classes 0..max(y): each
    class then weighs as much in the loss as the others (scikit-learn's ``"balanced"``)."""
    labels = np.asarray(y).reshape(-1).astype(np.int64)
    counts = np.bincount(labels).astype(np.float64)
    return labels.size / (counts.size * counts)


def average_precision(y_true: Any, scores: Any) -> float:
    """The area under the precision-recall curve as scikit-learn's ``average_precision_score``
    computes it: the sum over thresholds (each distinct score, highest first) of
    (recall gained at that threshold) x (precision there)."""
    t = np.asarray(y_true).reshape(-1).astype(np.int64)
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    order = np.argsort(-s, kind="mergesort")
    s, t = s[order], t[order]
    last_of_tie = np.r_[np.nonzero(np.diff(s))[0], s.size - 1]  # the last index of each score
    tp = np.cumsum(t)[last_of_tie]
    predicted = last_of_tie + 1
    precision = tp / predicted
    recall = tp / t.sum()
    gained = np.diff(np.r_[0.0, recall])
    return float(np.sum(gained * precision))
