"""Lesson 07a corpus: precision_recall_f1, confusion_matrix, threshold_for_recall.

See ``corpus/__init__`` for the tables. Binary labels are 0/1 (1 = positive), as (n,) arrays or
(n, 1) columns; class labels are integers 0..k-1.
"""
from __future__ import annotations

import math

import numpy as np


def _flat(a):
    return np.asarray(a).reshape(-1)


# --------------------------------------------------------------------------------------------
# precision_recall_f1(y_true, y_pred)
# --------------------------------------------------------------------------------------------

def precision_recall_f1_loops(y_true, y_pred):
    """Pure Python: one pass over the samples, counting."""
    tp = fp = fn = 0
    for t, p in zip(np.ravel(y_true).tolist(), np.ravel(y_pred).tolist()):
        if p == 1 and t == 1:
            tp += 1
        elif p == 1:
            fp += 1
        elif t == 1:
            fn += 1
    precision = tp / (tp + fp) if tp + fp > 0 else 0.0
    recall = tp / (tp + fn) if tp + fn > 0 else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return precision, recall, f1


def precision_recall_f1_bincount(y_true, y_pred):
    """The 2 x 2 table from np.bincount; F1 from the counts, 2 TP / (2 TP + FP + FN)."""
    t = _flat(y_true).astype(int)
    p = _flat(y_pred).astype(int)
    tn, fp, fn, tp = np.bincount(2 * t + p, minlength=4)
    precision = float(tp / (tp + fp)) if tp + fp else 0.0
    recall = float(tp / (tp + fn)) if tp + fn else 0.0
    f1 = float(2 * tp / (2 * tp + fp + fn)) if tp else 0.0
    return (precision, recall, f1)


def precision_recall_f1_masks(y_true, y_pred):
    """Boolean masks and np.count_nonzero; a list comes back (also accepted)."""
    actual = _flat(y_true) == 1
    predicted = _flat(y_pred) == 1
    tp = np.count_nonzero(actual & predicted)
    n_predicted, n_actual = np.count_nonzero(predicted), np.count_nonzero(actual)
    precision = tp / n_predicted if n_predicted else 0.0
    recall = tp / n_actual if n_actual else 0.0
    f1 = 0.0 if tp == 0 else 2 / (1 / precision + 1 / recall)
    return [precision, recall, f1]


def precision_recall_f1_swapped(y_true, y_pred):
    precision, recall, f1 = precision_recall_f1_loops(y_true, y_pred)
    return recall, precision, f1


def precision_recall_f1_arguments_swapped(y_true, y_pred):
    return precision_recall_f1_loops(y_pred, y_true)


def precision_recall_f1_class0(y_true, y_pred):
    return precision_recall_f1_loops(1 - _flat(y_true), 1 - _flat(y_pred))


def precision_recall_f1_average(y_true, y_pred):
    precision, recall, _ = precision_recall_f1_loops(y_true, y_pred)
    return precision, recall, (precision + recall) / 2


def precision_recall_f1_no_two(y_true, y_pred):
    precision, recall, _ = precision_recall_f1_loops(y_true, y_pred)
    return precision, recall, precision * recall / (precision + recall) if precision + recall else 0.0


def precision_recall_f1_accuracy(y_true, y_pred):
    t, p = _flat(y_true), _flat(y_pred)
    _, recall, _ = precision_recall_f1_loops(y_true, y_pred)
    precision = float(np.mean(t == p))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def precision_recall_f1_broadcast(y_true, y_pred):
    """No flattening: a (n, 1) column against a (n,) row makes an (n, n) table."""
    t, p = np.asarray(y_true), np.asarray(y_pred)
    tp = np.sum((t == 1) & (p == 1))
    fp = np.sum((t == 0) & (p == 1))
    fn = np.sum((t == 1) & (p == 0))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def precision_recall_f1_nan(y_true, y_pred):
    """NumPy division without a zero test: nan (and a RuntimeWarning) when nothing is predicted."""
    t, p = _flat(y_true), _flat(y_pred)
    tp = np.sum((t == 1) & (p == 1))
    fp = np.sum((t == 0) & (p == 1))
    fn = np.sum((t == 1) & (p == 0))
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    return precision, recall, 2 * precision * recall / (precision + recall)


def precision_recall_f1_python_zero_division(y_true, y_pred):
    """Python ints without a zero test: ZeroDivisionError when nothing is predicted."""
    t, p = _flat(y_true).tolist(), _flat(y_pred).tolist()
    tp = sum(1 for a, b in zip(t, p) if a == 1 and b == 1)
    fp = sum(1 for a, b in zip(t, p) if a == 0 and b == 1)
    fn = sum(1 for a, b in zip(t, p) if a == 1 and b == 0)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return precision, recall, 2 * precision * recall / (precision + recall)


def precision_recall_f1_floor_division(y_true, y_pred):
    t, p = _flat(y_true), _flat(y_pred)
    tp = int(np.sum((t == 1) & (p == 1)))
    fp = int(np.sum((t == 0) & (p == 1)))
    fn = int(np.sum((t == 1) & (p == 0)))
    precision = tp // (tp + fp) if tp + fp else 0
    recall = tp // (tp + fn) if tp + fn else 0
    f1 = 2 * precision * recall // (precision + recall) if precision + recall else 0
    return float(precision), float(recall), float(f1)


def precision_recall_f1_percent(y_true, y_pred):
    return tuple(100 * v for v in precision_recall_f1_loops(y_true, y_pred))


def precision_recall_f1_none(y_true, y_pred):
    precision, recall, f1 = precision_recall_f1_loops(y_true, y_pred)


def precision_recall_f1_array(y_true, y_pred):
    return np.array(precision_recall_f1_loops(y_true, y_pred))


def precision_recall_f1_two_values(y_true, y_pred):
    precision, recall, _ = precision_recall_f1_loops(y_true, y_pred)
    return precision, recall


def precision_recall_f1_float32(y_true, y_pred):
    return tuple(np.float32(v) for v in precision_recall_f1_loops(y_true, y_pred))


def precision_recall_f1_reshapes_in_place(y_true, y_pred):
    y_true.shape = (-1,)            # changes the caller's array
    return precision_recall_f1_loops(y_true, y_pred)


# --------------------------------------------------------------------------------------------
# confusion_matrix(y_true, y_pred, n_classes)
# --------------------------------------------------------------------------------------------

def confusion_matrix_loops(y_true, y_pred, n_classes):
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    for t, p in zip(np.ravel(y_true), np.ravel(y_pred)):
        matrix[int(t), int(p)] += 1
    return matrix


def confusion_matrix_bincount(y_true, y_pred, n_classes):
    t = _flat(y_true).astype(np.int64)
    p = _flat(y_pred).astype(np.int64)
    return np.bincount(n_classes * t + p, minlength=n_classes ** 2).reshape(n_classes, n_classes)


def confusion_matrix_one_hot(y_true, y_pred, n_classes):
    """One-hot rows of the true and the predicted classes; their product counts the pairs."""
    eye = np.eye(n_classes, dtype=np.int64)
    return eye[_flat(y_true).astype(int)].T @ eye[_flat(y_pred).astype(int)]


def confusion_matrix_transposed(y_true, y_pred, n_classes):
    return confusion_matrix_loops(y_pred, y_true, n_classes)


def confusion_matrix_fancy_index(y_true, y_pred, n_classes):
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    matrix[_flat(y_true).astype(int), _flat(y_pred).astype(int)] += 1
    return matrix


def confusion_matrix_sized_by_labels(y_true, y_pred, n_classes):
    k = int(max(np.max(y_true), np.max(y_pred))) + 1
    return confusion_matrix_loops(y_true, y_pred, k)


def confusion_matrix_normalised(y_true, y_pred, n_classes):
    matrix = confusion_matrix_loops(y_true, y_pred, n_classes)
    return matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)


def confusion_matrix_float(y_true, y_pred, n_classes):
    matrix = np.zeros((n_classes, n_classes))
    for t, p in zip(np.ravel(y_true), np.ravel(y_pred)):
        matrix[int(t), int(p)] += 1
    return matrix


def confusion_matrix_add_at_unflattened(y_true, y_pred, n_classes):
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y_true).astype(int), np.asarray(y_pred).astype(int)), 1)
    return matrix


def confusion_matrix_float_indices(y_true, y_pred, n_classes):
    """Indexing with the labels as they come: float labels raise IndexError."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (_flat(y_true), _flat(y_pred)), 1)
    return matrix


def confusion_matrix_none(y_true, y_pred, n_classes):
    matrix = confusion_matrix_loops(y_true, y_pred, n_classes)


def confusion_matrix_list(y_true, y_pred, n_classes):
    return confusion_matrix_loops(y_true, y_pred, n_classes).tolist()


def confusion_matrix_float32(y_true, y_pred, n_classes):
    return confusion_matrix_loops(y_true, y_pred, n_classes).astype(np.float32)


def confusion_matrix_reshapes_in_place(y_true, y_pred, n_classes):
    if isinstance(y_true, np.ndarray):
        y_true.shape = (-1,)
    return confusion_matrix_loops(y_true, y_pred, n_classes)


# --------------------------------------------------------------------------------------------
# threshold_for_recall(y_true, scores, target_recall)
# --------------------------------------------------------------------------------------------

def threshold_for_recall_scan(y_true, scores, target_recall):
    """Try every distinct score from the highest down; the first with enough recall wins."""
    t = _flat(y_true)
    s = _flat(scores).astype(float)
    n_positives = np.sum(t == 1)
    for threshold in sorted(set(s.tolist()), reverse=True):
        recall = np.sum((s >= threshold) & (t == 1)) / n_positives
        if recall >= target_recall:
            return float(threshold)
    return float(s.min())


def threshold_for_recall_cumsum(y_true, scores, target_recall):
    """All the cases sorted by score, highest first; the running recall reaches the target."""
    t = _flat(y_true).astype(float)
    s = _flat(scores).astype(float)
    order = np.argsort(-s, kind="stable")
    recall = np.cumsum(t[order]) / t.sum()
    first = int(np.argmax(recall >= target_recall))
    return float(s[order][first])


def threshold_for_recall_ceil(y_true, scores, target_recall):
    """The k-th highest positive score, k = ceil(target * n_positives), with math.ceil."""
    positives = sorted((float(v) for v, label in zip(_flat(scores), _flat(y_true)) if label == 1),
                       reverse=True)
    k = max(1, math.ceil(round(target_recall * len(positives), 9)))
    return positives[k - 1]


def _positives(y_true, scores):
    return np.sort(_flat(scores)[_flat(y_true) == 1])


def threshold_for_recall_ascending(y_true, scores, target_recall):
    positives = _positives(y_true, scores)                  # lowest first: direction reversed
    k = math.ceil(round(target_recall * len(positives), 9))
    return float(positives[k - 1])


def threshold_for_recall_lowest(y_true, scores, target_recall):
    t, s = _flat(y_true), _flat(scores)
    for threshold in np.sort(s):                            # from the lowest up
        if np.sum((s >= threshold) & (t == 1)) / np.sum(t == 1) >= target_recall:
            return float(threshold)


def threshold_for_recall_lowest_positive(y_true, scores, target_recall):
    positives = _positives(y_true, scores)                  # the positives' scores, lowest first
    n_positives = len(positives)
    for k, threshold in enumerate(positives):
        if (n_positives - k) / n_positives >= target_recall:
            return float(threshold)


def threshold_for_recall_quantile(y_true, scores, target_recall):
    return float(np.quantile(_flat(scores), 1 - target_recall))


def threshold_for_recall_positive_quantile(y_true, scores, target_recall):
    return float(np.percentile(_positives(y_true, scores), 100 * (1 - target_recall)))


def threshold_for_recall_floor(y_true, scores, target_recall):
    positives = _positives(y_true, scores)[::-1]
    k = int(target_recall * len(positives))
    return float(positives[max(k, 1) - 1])


def threshold_for_recall_round(y_true, scores, target_recall):
    positives = _positives(y_true, scores)[::-1]
    k = round(target_recall * len(positives))
    return float(positives[max(k, 1) - 1])


def threshold_for_recall_strict(y_true, scores, target_recall):
    t, s = _flat(y_true), _flat(scores)
    for threshold in np.sort(s)[::-1]:
        if np.sum((s >= threshold) & (t == 1)) / np.sum(t == 1) > target_recall:
            return float(threshold)
    return float(s.min())


def threshold_for_recall_off_by_one(y_true, scores, target_recall):
    positives = _positives(y_true, scores)[::-1]
    k = math.ceil(round(target_recall * len(positives), 9))
    return float(positives[min(k, len(positives) - 1)])


def threshold_for_recall_unsorted_labels(y_true, scores, target_recall):
    t = _flat(y_true).astype(float)
    s = np.sort(_flat(scores))[::-1]                        # the labels are not reordered
    recall = np.cumsum(t) / t.sum()
    return float(s[int(np.argmax(recall >= target_recall))])


def threshold_for_recall_strictly_above(y_true, scores, target_recall):
    t, s = _flat(y_true), _flat(scores)
    for threshold in np.unique(s)[::-1]:
        if np.sum((s > threshold) & (t == 1)) / np.sum(t == 1) >= target_recall:
            return float(threshold)
    return float(s.min())


def threshold_for_recall_array(y_true, scores, target_recall):
    positives = _positives(y_true, scores)[::-1]
    k = math.ceil(round(target_recall * len(positives), 9))
    return positives[k - 1:k]                               # a slice: an array of one value


def threshold_for_recall_none(y_true, scores, target_recall):
    threshold = threshold_for_recall_ceil(y_true, scores, target_recall)


def threshold_for_recall_float32(y_true, scores, target_recall):
    return np.float32(threshold_for_recall_ceil(y_true, scores, target_recall))


def threshold_for_recall_sorts_in_place(y_true, scores, target_recall):
    s = np.asarray(scores)
    if s.ndim == 1:
        order = np.argsort(-s)
        s[:] = s[order]                                     # sorts the caller's scores
        y = np.asarray(y_true)[order]
        return threshold_for_recall_cumsum(y, s, target_recall)
    return threshold_for_recall_cumsum(y_true, scores, target_recall)


RIGHT = {
    "precision_recall_f1": [precision_recall_f1_loops, precision_recall_f1_bincount,
                            precision_recall_f1_masks],
    "confusion_matrix": [confusion_matrix_loops, confusion_matrix_bincount,
                         confusion_matrix_one_hot],
    "threshold_for_recall": [threshold_for_recall_scan, threshold_for_recall_cumsum,
                             threshold_for_recall_ceil],
}

WRONG = [
    ("precision_recall_f1", precision_recall_f1_swapped, r"Precision and recall are swapped"),
    ("precision_recall_f1", precision_recall_f1_arguments_swapped,
     r"Precision and recall are swapped \(or y_true and y_pred are"),
    ("precision_recall_f1", precision_recall_f1_class0, r"metrics of class 0"),
    ("precision_recall_f1", precision_recall_f1_average, r"HARMONIC mean"),
    ("precision_recall_f1", precision_recall_f1_no_two, r"factor 2 is missing"),
    ("precision_recall_f1", precision_recall_f1_accuracy, r"precision is the accuracy"),
    ("precision_recall_f1", precision_recall_f1_broadcast, r"broadcasts to an \(n, n\) table"),
    ("precision_recall_f1", precision_recall_f1_nan,
     r"NumPy warned(.|\n)*0\.0 by convention \(scikit-learn's zero_division=0\), not nan"),
    ("precision_recall_f1", precision_recall_f1_python_zero_division,
     r"no positive prediction at all(.|\n)*ZeroDivisionError"),
    ("precision_recall_f1", precision_recall_f1_floor_division, r"integer \(floor\) division"),
    ("precision_recall_f1", precision_recall_f1_percent, r"not percentages"),
    ("precision_recall_f1", precision_recall_f1_none, r"returned None(.|\n)*return precision, recall, f1"),
    ("precision_recall_f1", precision_recall_f1_array, r"returned a NumPy array"),
    ("precision_recall_f1", precision_recall_f1_two_values, r"should return three numbers"),
    ("precision_recall_f1", precision_recall_f1_float32, r"dtype float32"),
    ("precision_recall_f1", precision_recall_f1_reshapes_in_place, r"changed its input `y_true`"),
    ("confusion_matrix", confusion_matrix_transposed, r"transposed: row i must be the TRUE class"),
    ("confusion_matrix", confusion_matrix_fancy_index, r"only ONCE(.|\n)*np\.add\.at"),
    ("confusion_matrix", confusion_matrix_sized_by_labels,
     r"shape \(3, 3\), but shape \(4, 4\)(.|\n)*must be n_classes x n_classes"),
    ("confusion_matrix", confusion_matrix_normalised, r"Return counts, not fractions"),
    ("confusion_matrix", confusion_matrix_float, r"integer array(.|\n)*stored as floats"),
    ("confusion_matrix", confusion_matrix_add_at_unflattened, r"Flatten the labels first"),
    ("confusion_matrix", confusion_matrix_float_indices,
     r"convert them to int indices(.|\n)*IndexError"),
    ("confusion_matrix", confusion_matrix_none, r"None\. Did you forget the `return`"),
    ("confusion_matrix", confusion_matrix_list, r"Python list, not a NumPy array"),
    ("confusion_matrix", confusion_matrix_float32, r"integer array \(dtype int64\)"),
    ("confusion_matrix", confusion_matrix_reshapes_in_place, r"changed its input `y_true`"),
    ("threshold_for_recall", threshold_for_recall_ascending, r"direction is reversed"),
    ("threshold_for_recall", threshold_for_recall_lowest, r"it is the LOWEST score of all"),
    ("threshold_for_recall", threshold_for_recall_lowest_positive, r"it is the LOWEST one"),
    ("threshold_for_recall", threshold_for_recall_quantile, r"Recall only counts the positive"),
    ("threshold_for_recall", threshold_for_recall_positive_quantile, r"np\.quantile interpolates"),
    ("threshold_for_recall", threshold_for_recall_floor, r"Round UP the number of positives"),
    ("threshold_for_recall", threshold_for_recall_round, r"(?i)round UP"),
    ("threshold_for_recall", threshold_for_recall_strict, r"AT LEAST target_recall"),
    ("threshold_for_recall", threshold_for_recall_off_by_one, r"Off by one"),
    ("threshold_for_recall", threshold_for_recall_unsorted_labels,
     r"labels were not sorted with them"),
    ("threshold_for_recall", threshold_for_recall_strictly_above, r"with > the\s+case"),
    ("threshold_for_recall", threshold_for_recall_array, r"should be a single number"),
    ("threshold_for_recall", threshold_for_recall_none, r"None\. Did you forget the `return`"),
    ("threshold_for_recall", threshold_for_recall_float32, r"dtype float32"),
    ("threshold_for_recall", threshold_for_recall_sorts_in_place, r"changed its input `scores`"),
]
