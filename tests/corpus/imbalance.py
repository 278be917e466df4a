"""Lesson 07c corpus: balanced_class_weights, average_precision.

See ``corpus/__init__`` for the tables. The right answers are written differently from the
reference (loops, np.unique, a dictionary of counts; sklearn-style precision-recall points, a
loop over the distinct scores, the mean precision at each positive with ties grouped); the wrong
ones are the mistakes students make with class weights (frequencies, 1 / count, the number of
classes) and with the PR-AUC (the threshold direction, ties, a trapezoid, the ROC AUC...).
"""
from __future__ import annotations

from collections import Counter

import numpy as np


# --------------------------------------------------------------------------------------------
# balanced_class_weights(y)
# --------------------------------------------------------------------------------------------

def balanced_class_weights_unique(y):
    """np.unique with counts (every class from 0 to max(y) is present in the cases)."""
    labels = np.ravel(y).astype(int)
    classes, counts = np.unique(labels, return_counts=True)
    weights = np.zeros(labels.max() + 1)
    weights[classes] = len(labels) / (len(classes) * counts)
    return weights


def balanced_class_weights_loop(y):
    """A loop over the classes, counting with a comparison."""
    labels = np.asarray(y).reshape(-1)
    k = int(labels.max()) + 1
    weights = np.empty(k)
    for c in range(k):
        weights[c] = len(labels) / (k * np.sum(labels == c))
    return weights


def balanced_class_weights_counter(y):
    """collections.Counter, then the mean weight of a sample scaled to 1."""
    labels = [int(v) for v in np.ravel(y)]
    counts = Counter(labels)
    k = max(labels) + 1
    inverse = np.array([1.0 / counts[c] for c in range(k)])
    return inverse * len(labels) / k


def balanced_class_weights_frequencies(y):
    labels = np.ravel(y).astype(int)
    return np.bincount(labels) / len(labels)


def balanced_class_weights_one_over_count(y):
    return 1.0 / np.bincount(np.ravel(y).astype(int))


def balanced_class_weights_no_n_classes(y):
    labels = np.ravel(y).astype(int)
    return len(labels) / np.bincount(labels)


def balanced_class_weights_max_label(y):
    labels = np.ravel(y).astype(int)
    counts = np.bincount(labels)
    k = labels.max()
    if k == 1:                                   # binary: looks right to its author
        return len(labels) / (2 * counts)
    return len(labels) / (k * counts)


def balanced_class_weights_majority(y):
    counts = np.bincount(np.ravel(y).astype(int))
    return counts.max() / counts


def balanced_class_weights_normalised(y):
    inverse = 1.0 / np.bincount(np.ravel(y).astype(int))
    return inverse / inverse.sum()


def balanced_class_weights_no_flatten(y):
    """np.bincount of the column (n, 1) as it comes."""
    y = np.asarray(y)
    counts = np.bincount(y if y.dtype.kind == "i" else y.astype(int))
    return len(y) / (len(counts) * counts)


def balanced_class_weights_pos_weight(y):
    """The single number BCEWithLogitsLoss's pos_weight takes: negatives / positives."""
    labels = np.ravel(y)
    return float(np.sum(labels == 0) / np.sum(labels == 1))


def balanced_class_weights_list(y):
    labels = np.ravel(y).astype(int)
    counts = np.bincount(labels)
    return [len(labels) / (len(counts) * c) for c in counts]


def balanced_class_weights_float32(y):
    labels = np.ravel(y).astype(int)
    counts = np.bincount(labels)
    return (len(labels) / (len(counts) * counts)).astype(np.float32)


def balanced_class_weights_no_return(y):
    labels = np.ravel(y).astype(int)
    counts = np.bincount(labels)
    weights = len(labels) / (len(counts) * counts)  # noqa: F841


def balanced_class_weights_sorts(y):
    """Sorts the labels in place to count the runs."""
    y.sort(axis=0)
    labels = np.ravel(y).astype(int)
    counts = np.bincount(labels)
    return len(labels) / (len(counts) * counts)


# --------------------------------------------------------------------------------------------
# average_precision(y_true, scores)
# --------------------------------------------------------------------------------------------

def average_precision_distinct_thresholds(y_true, scores):
    """A loop over the distinct scores, highest first, predicting score >= threshold."""
    y = np.ravel(y_true).astype(float)
    s = np.ravel(scores).astype(float)
    total = y.sum()
    ap, previous_recall = 0.0, 0.0
    for threshold in np.unique(s)[::-1]:
        predicted = s >= threshold
        tp = np.sum(y[predicted])
        recall = tp / total
        ap += (recall - previous_recall) * tp / predicted.sum()
        previous_recall = recall
    return ap


def average_precision_sklearn_style(y_true, scores):
    """scikit-learn's way: precision-recall points from the lowest threshold up, then
    -sum(diff(recall) * precision[:-1])."""
    y = np.asarray(y_true, dtype=float).ravel()
    s = np.asarray(scores, dtype=float).ravel()
    order = np.argsort(s)[::-1]
    s, y = s[order], y[order]
    distinct = np.where(np.diff(s))[0]
    idx = np.r_[distinct, y.size - 1]
    tps = np.cumsum(y)[idx]
    fps = 1 + idx - tps
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    precision = np.r_[precision[::-1], 1.0]
    recall = np.r_[recall[::-1], 0.0]
    return float(-np.sum(np.diff(recall) * precision[:-1]))


def average_precision_per_positive(y_true, scores):
    """The mean over the positives of the precision at the threshold of each one's score,
    every sample with that score predicted (ties grouped)."""
    y = np.ravel(y_true).astype(int)
    s = np.ravel(scores).astype(float)
    precisions = []
    for i in np.flatnonzero(y == 1):
        predicted = s >= s[i]
        precisions.append(y[predicted].sum() / predicted.sum())
    return float(np.mean(precisions))


def _points(y_true, scores, *, ascending=False, ties=True):
    y = np.ravel(y_true).astype(float)
    s = np.ravel(scores).astype(float)
    order = np.argsort(s if ascending else -s, kind="stable")
    s, y = s[order], y[order]
    ends = np.r_[np.flatnonzero(np.diff(s)), s.size - 1] if ties else np.arange(s.size)
    tp = np.cumsum(y)[ends]
    return tp / (ends + 1), tp / y.sum()


def average_precision_ascending(y_true, scores):
    precision, recall = _points(y_true, scores, ascending=True)
    return float(np.sum(np.diff(np.r_[0, recall]) * precision))


def average_precision_no_ties(y_true, scores):
    """Every sample its own threshold, in the order np.argsort gives."""
    y = np.ravel(y_true).astype(float)
    order = np.argsort(-np.ravel(scores).astype(float))
    y = y[order]
    tp = np.cumsum(y)
    precision = tp / np.arange(1, y.size + 1)
    return float(np.sum(precision * y) / y.sum())


def average_precision_trapezoid(y_true, scores):
    precision, recall = _points(y_true, scores)
    return float(np.trapezoid(np.r_[1.0, precision], np.r_[0.0, recall]))


def average_precision_interpolated(y_true, scores):
    precision, recall = _points(y_true, scores)
    best = np.array([precision[i:].max() for i in range(precision.size)])
    return float(np.sum(np.diff(np.r_[0, recall]) * best))


def average_precision_mean_precision(y_true, scores):
    precision, _ = _points(y_true, scores)
    return float(precision.mean())


def average_precision_swapped(y_true, scores):
    precision, recall = _points(y_true, scores)
    return float(np.sum(np.diff(np.r_[0, precision]) * recall))


def average_precision_roc_auc(y_true, scores):
    y = np.ravel(y_true).astype(int)
    s = np.ravel(scores).astype(float)
    pos, neg = s[y == 1], s[y == 0]
    return float(np.mean((pos[:, None] > neg) + 0.5 * (pos[:, None] == neg)))


def average_precision_curve(y_true, scores):
    """Returns the precisions instead of their weighted sum."""
    precision, _ = _points(y_true, scores)
    return precision


def average_precision_no_flatten(y_true, scores):
    """Ties right, but np.argsort of a column (n, 1) sorts each row on its own."""
    y = np.asarray(y_true, dtype=float)
    s = np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="stable")
    s, y = s[order].ravel(), y[order].ravel()
    ends = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]
    tp = np.cumsum(y)[ends]
    return float(np.sum(np.diff(np.r_[0, tp / y.sum()]) * tp / (ends + 1)))


def average_precision_negates_in_place(y_true, scores):
    scores *= -1                                  # sort highest first
    order = np.argsort(scores, kind="stable")
    s, y = scores[order], np.ravel(y_true)[order].astype(float)
    ends = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]
    tp = np.cumsum(y)[ends]
    return float(np.sum(np.diff(np.r_[0, tp / y.sum()]) * tp / (ends + 1)))


def average_precision_float32(y_true, scores):
    return np.float32(average_precision_distinct_thresholds(y_true, scores))


RIGHT = {
    "balanced_class_weights": [balanced_class_weights_unique, balanced_class_weights_loop,
                               balanced_class_weights_counter],
    "average_precision": [average_precision_distinct_thresholds, average_precision_sklearn_style,
                          average_precision_per_positive],
}

WRONG = [
    ("balanced_class_weights", balanced_class_weights_frequencies,
     r"class frequencies, count / n"),
    ("balanced_class_weights", balanced_class_weights_one_over_count,
     r"1 / count has the right idea.*multiply by n / n_classes"),
    ("balanced_class_weights", balanced_class_weights_no_n_classes,
     r"n / count: divide by the number of classes too"),
    ("balanced_class_weights", balanced_class_weights_max_label,
     r"(?s)3 classes, counts.*The number of classes is max\(y\) \+ 1, not max\(y\)"),
    ("balanced_class_weights", balanced_class_weights_majority,
     r"max\(count\) / count \(the common class gets weight 1\)"),
    ("balanced_class_weights", balanced_class_weights_normalised,
     r"Do not normalise the weights to sum to 1"),
    ("balanced_class_weights", balanced_class_weights_no_flatten,
     r"(?s)case 'binary labels as the course stores them.*raised"),
    ("balanced_class_weights", balanced_class_weights_pos_weight,
     r"should be a NumPy array, but it is 3.0 \(float\)"),
    ("balanced_class_weights", balanced_class_weights_list, r"is a Python list, not a NumPy array"),
    ("balanced_class_weights", balanced_class_weights_float32, r"float32; the course works in float64"),
    ("balanced_class_weights", balanced_class_weights_no_return, r"is None. Did you forget the `return`"),
    ("balanced_class_weights", balanced_class_weights_sorts, r"changed its input `y` in place"),
    ("average_precision", average_precision_ascending,
     r"The thresholds go the wrong way: sort by score from the highest down"),
    ("average_precision", average_precision_no_ties,
     r"(?s)case 'ties: 3 samples share the score 0.6.*Equal scores must be one threshold"),
    ("average_precision", average_precision_trapezoid, r"That is the trapezoid area under the curve"),
    ("average_precision", average_precision_interpolated, r"You used the interpolated precision"),
    ("average_precision", average_precision_mean_precision,
     r"That is the plain mean of the precisions: weight each one by the recall gained"),
    ("average_precision", average_precision_swapped, r"Precision and recall are swapped"),
    ("average_precision", average_precision_roc_auc, r"That is the ROC AUC"),
    ("average_precision", average_precision_curve,
     r"should be a single number, but the result is an array of shape \(\d+,\).*Add up the "
     r"products"),
    ("average_precision", average_precision_no_flatten,
     r"(?s)case 'the course's shapes.*Flatten both \(np.ravel or reshape\(-1\)\)"),
    ("average_precision", average_precision_negates_in_place, r"changed its input `scores` in place"),
    ("average_precision", average_precision_float32, r"float32; the course works in float64"),
]
