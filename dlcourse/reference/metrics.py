"""Lesson 07a references: the metrics of a classifier whose mistakes do not cost the same.

Binary labels are 0/1 (1 = the positive class: a malignant tumour, a fraud), given as arrays of
shape (n,) or (n, 1); class labels of several classes are integers 0..k-1, shape (n,).
"""
from __future__ import annotations

from typing import Any

import numpy as np


def _binary(y: Any) -> np.ndarray:
    return np.asarray(y).reshape(-1).astype(np.int64)


def precision_recall_f1(y_true: Any, y_pred: Any) -> tuple[float, float, float]:
    """(precision, recall, F1) of predictions ``y_pred`` against ``y_true`` (0/1, (n,) or (n, 1)).

    precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = their harmonic mean; each is 0.0
    when its denominator is 0 (no positive prediction, no positive case), as scikit-learn's
    ``zero_division=0``.
    """
    t, p = _binary(y_true), _binary(y_pred)
    tp = float(np.sum((t == 1) & (p == 1)))
    fp = float(np.sum((t == 0) & (p == 1)))
    fn = float(np.sum((t == 1) & (p == 0)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def confusion_matrix(y_true: Any, y_pred: Any, n_classes: int) -> np.ndarray:
    """Counts of (true class, predicted class): (n_classes, n_classes) int64, row i = the cases
    whose true class is i, column j = those predicted j (scikit-learn's convention)."""
    t, p = _binary(y_true), _binary(y_pred)
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (t, p), 1)
    return matrix


def threshold_for_recall(y_true: Any, scores: Any, target_recall: float) -> float:
    """The highest threshold ``t`` (one of the ``scores``) at which predicting ``scores >= t``
    finds at least ``target_recall`` of the positive cases: the most precise way to miss at most
    ``1 - target_recall`` of them. ``y_true`` 0/1 and ``scores`` of shape (n,) or (n, 1)."""
    t = _binary(y_true)
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    positives = np.sort(s[t == 1])[::-1]  # the positives' scores, highest first
    needed = int(np.ceil(target_recall * positives.size - 1e-9))
    return float(positives[max(needed, 1) - 1])
