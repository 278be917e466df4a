"""Lesson 07a exercises: precision_recall_f1, confusion_matrix, threshold_for_recall.

The metrics of a classifier whose mistakes do not cost the same (a missed tumour against a false
alarm). Binary labels are 0/1 with 1 the positive class, given as ``(n,)`` arrays or as columns
``(n, 1)`` (the course stores binary labels so, as floats 0.0/1.0); class labels are integers
``0..k-1``.

The cases are built so that each known mistake gives other numbers: true positives, false
positives and false negatives all differ (swapping precision and recall shows), the true negatives
differ from the true positives (computing the metrics of class 0 shows), the same (true,
predicted) pair occurs several times (``matrix[t, p] += 1`` counts it once), a class never occurs
(sizing the matrix from the labels shows), and ``target_recall * n_positives`` is a whole number in
one case and not in others (floor, round and ``>`` against ``>=`` show). Drawn targets keep
``target_recall * n_positives`` away from whole numbers, so that a right answer never depends on
rounding in the last bit.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..reference import metrics as ref
from .core import RTOL, ATOL, Case, Exercise, Mistake, compare_arrays, describe, one_number, redraw


def _flat(a: Any) -> np.ndarray:
    return np.asarray(a).reshape(-1)


def _binary_labels(rng: np.random.Generator, n: int, positive_rate: float) -> np.ndarray:
    """n labels 0/1 with about ``positive_rate`` ones, at least two of each."""
    while True:
        y = (rng.random(n) < positive_rate).astype(np.int64)
        if 2 <= y.sum() <= n - 2:
            return y


# --------------------------------------------------------------------------------------------
# precision_recall_f1(y_true, y_pred) -> (precision, recall, f1)
# --------------------------------------------------------------------------------------------

_PRF = ("the precision (the first item)", "the recall (the second item)",
        "the F1 score (the third item)")


def _prf_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """precision_recall_f1 returns three numbers, (precision, recall, f1), in this order."""
    if got is None:
        return ("precision_recall_f1 returned None. Did you forget the line "
                "`return precision, recall, f1`?")
    if isinstance(got, np.ndarray):
        return ("precision_recall_f1 returned a NumPy array "
                f"({describe(got)}); return the three numbers as a tuple: "
                "`return precision, recall, f1`.")
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return ("precision_recall_f1 should return three numbers, (precision, recall, f1), but it "
                f"returned {describe(got)}.")
    for what, exp, value in zip(_PRF, expected, got):
        problem = compare_arrays(exp, value, rtol=rtol, atol=atol, what=what)
        if problem:
            return problem
    return None


def _counts(y_true: Any, y_pred: Any, positive: int = 1, flatten: bool = True
            ) -> tuple[Any, Any, Any, Any]:
    t, p = (_flat(y_true), _flat(y_pred)) if flatten else (np.asarray(y_true), np.asarray(y_pred))
    tp = np.sum((t == positive) & (p == positive))
    fp = np.sum((t != positive) & (p == positive))
    fn = np.sum((t == positive) & (p != positive))
    tn = np.sum((t != positive) & (p != positive))
    return float(tp), float(fp), float(fn), float(tn)


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def _prf_variant(*, positive: int = 1, flatten: bool = True, f1: str = "harmonic",
                 precision_is_accuracy: bool = False, scale: float = 1.0, floor: bool = False,
                 nan: bool = False):
    """The reference with one known mistake switched on."""
    def variant(y_true, y_pred):
        tp, fp, fn, tn = _counts(y_true, y_pred, positive, flatten)

        def div(a, b):
            if floor:
                return float(a // b) if b else 0.0
            if nan and not b:
                return float("nan")
            return _ratio(a, b)
        precision = div(tp + tn, tp + fp + fn + tn) if precision_is_accuracy else div(tp, tp + fp)
        recall = div(tp, tp + fn)
        if f1 == "harmonic":
            f = div(2 * precision * recall, precision + recall)
        elif f1 == "mean":
            f = (precision + recall) / 2
        else:  # "no_two": p r / (p + r)
            f = div(precision * recall, precision + recall)
        return precision * scale, recall * scale, f * scale
    return variant


def _swapped(y_true, y_pred):
    precision, recall, f1 = ref.precision_recall_f1(y_true, y_pred)
    return recall, precision, f1


def _prf_args(seed: int, n: int, positive_rate: float, flip: float, *,
              column: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(y_true, y_pred): labels and the predictions of a classifier that is wrong on about
    ``flip`` of them; y_true as a float column (n, 1) when ``column``, as the course stores it."""
    rng = np.random.default_rng(seed)
    while True:
        y_true = _binary_labels(rng, n, positive_rate)
        y_pred = np.where(rng.random(n) < flip, 1 - y_true, y_true)
        tp, fp, fn, tn = _counts(y_true, y_pred)
        if tp and fp and fn and fp != fn and tp != tn:
            break
    if column:
        return y_true.astype(np.float64).reshape(-1, 1), y_pred
    return y_true, y_pred


def _perfect(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    y = _binary_labels(np.random.default_rng(seed), n, 0.4)
    return y, y.copy()


PRECISION_RECALL_F1 = Exercise(
    name="precision_recall_f1",
    params=("y_true", "y_pred"),
    reference=ref.precision_recall_f1,
    compare=_prf_compare,
    cases=[
        Case("10 samples, TP = 3, FP = 1, FN = 2, TN = 4: precision 3/4 = 0.75, recall 3/5 = 0.6, "
             "F1 = 2/3",
             (np.array([1, 0, 1, 1, 0, 1, 0, 1, 0, 0]), np.array([1, 0, 1, 0, 1, 1, 0, 0, 0, 0])),
             hint="Count TP (y_true 1, y_pred 1), FP (y_true 0, y_pred 1) and FN (y_true 1, "
                  "y_pred 0); precision = TP / (TP + FP) = 3/4, recall = TP / (TP + FN) = 3/5, "
                  "F1 = 2 * precision * recall / (precision + recall) = 2/3."),
        Case("labels as a float column (12, 1), the course's convention, predictions (12,)",
             _prf_args(701, 12, 0.4, 0.3, column=True),
             hint="Flatten both arrays first (np.asarray(y).reshape(-1)): comparing a (12, 1) "
                  "column with a (12,) row broadcasts to a (12, 12) table."),
        Case("no positive prediction at all (TP + FP = 0): precision is 0.0 by convention, like "
             "scikit-learn's zero_division=0, and so are recall and F1",
             (np.array([0, 1, 0, 1, 1, 0, 0]), np.array([0, 0, 0, 0, 0, 0, 0])),
             hint="When a denominator is 0 (no positive prediction, or no positive case), "
                  "return 0.0 for that metric instead of dividing: test the denominator first."),
        Case("a classifier wrong on about 1 in 5 of 60 samples", redraw(_prf_args, 60, 0.35, 0.2),
             hidden=True),
        Case("a rare positive class (about 8 % of 200 samples), labels as a float column (n, 1)",
             redraw(_prf_args, 200, 0.08, 0.1, column=True), hidden=True),
        Case("every prediction right: (1.0, 1.0, 1.0)", redraw(_perfect, 15), hidden=True),
        Case("no positive case in y_true (TP + FN = 0): recall is 0.0 by convention, and so are "
             "precision (TP = 0) and F1",
             (np.array([0, 0, 0, 0, 0, 0]), np.array([0, 1, 0, 0, 1, 0])), hidden=True),
        Case("plain Python lists", ([1, 1, 0, 1, 0, 0, 1, 0], [1, 0, 0, 1, 1, 1, 1, 0]),
             hidden=True),
        Case("boolean predictions (scores > 0.5) against int labels",
             (np.array([1, 0, 0, 1, 1, 0, 1, 0, 0]),
              np.array([0.9, 0.6, 0.1, 0.4, 0.8, 0.7, 0.55, 0.2, 0.3]) > 0.5), hidden=True),
        Case("TP = FP = FN = 2: precision, recall and F1 are all 0.5",
             (np.array([1, 1, 0, 0, 1, 1, 0, 0, 0]), np.array([1, 1, 1, 1, 0, 0, 0, 0, 0])),
             hidden=True),
    ],
    mistakes=[
        Mistake("Precision and recall are swapped (or y_true and y_pred are: swapping them swaps "
                "FP and FN). Precision = TP / (TP + FP), the share of the PREDICTED positives "
                "that are right; recall = TP / (TP + FN), the share of the ACTUAL positives that "
                "are found. Return (precision, recall, f1) in this order.", _swapped),
        Mistake("You computed the metrics of class 0: the positive class is 1 (a malignant "
                "tumour). TP counts y_true == 1 and y_pred == 1.", _prf_variant(positive=0)),
        Mistake("F1 is the HARMONIC mean of precision and recall, 2 * p * r / (p + r), not "
                "their average (p + r) / 2: it is low when either one is low.",
                _prf_variant(f1="mean")),
        Mistake("The factor 2 is missing: F1 = 2 * precision * recall / (precision + recall).",
                _prf_variant(f1="no_two")),
        Mistake("Your precision is the accuracy, (TP + TN) / n. Precision only looks at the "
                "cases predicted positive: TP / (TP + FP).",
                _prf_variant(precision_is_accuracy=True)),
        Mistake("A (n, 1) column compared with a (n,) row broadcasts to an (n, n) table, so "
                "every count is wrong. Flatten both first: np.asarray(y_true).reshape(-1).",
                _prf_variant(flatten=False)),
        Mistake("When a denominator is 0 (no positive prediction: TP + FP = 0, or no positive "
                "case: TP + FN = 0) the metric is 0.0 by convention (scikit-learn's "
                "zero_division=0), not nan: test the denominator before dividing.",
                _prf_variant(nan=True)),
        Mistake("// is integer (floor) division: 3 // 4 is 0. Use / for the ratios.",
                _prf_variant(floor=True)),
        Mistake("Return fractions between 0 and 1, not percentages: 0.75, not 75.",
                _prf_variant(scale=100.0)),
    ],
)


# --------------------------------------------------------------------------------------------
# confusion_matrix(y_true, y_pred, n_classes) -> (n_classes, n_classes) int64
# --------------------------------------------------------------------------------------------

def _matrix_compare(expected: Any, got: Any, *, rtol: float = RTOL,
                    atol: float = ATOL) -> str | None:
    """A matrix of counts: an integer array of the expected shape and values."""
    if isinstance(got, np.ndarray) and np.asarray(expected).dtype.kind in "iu":
        if got.dtype.kind == "f" and got.shape == np.shape(expected):
            return (f"The matrix has dtype {got.dtype}, but it holds counts: it should be an "
                    "integer array (dtype int64), for example "
                    "np.zeros((n_classes, n_classes), dtype=np.int64)."
                    + ("" if np.allclose(got, expected) else
                       f"\n  expected: {describe(expected)}\n  got:      {describe(got)}"))
        if got.dtype.kind in "iu" and got.shape == np.shape(expected) \
                and not np.array_equal(got, expected):
            return ("The matrix has the wrong counts.\n"
                    f"  expected: {describe(expected)}\n  got:      {describe(got)}\n"
                    "  (row i = the samples whose true class is i, column j = those predicted "
                    "as j)")
    return compare_arrays(expected, got, rtol=rtol, atol=atol, what="the matrix")


def _cm_variant(*, transpose: bool = False, fancy: bool = False, size: str = "n_classes",
                flatten: bool = True, normalize: bool = False, dtype: Any = np.int64):
    """The reference with one known mistake switched on."""
    def variant(y_true, y_pred, n_classes):
        t, p = (_flat(y_true), _flat(y_pred)) if flatten else (np.asarray(y_true),
                                                                np.asarray(y_pred))
        t, p = t.astype(np.int64), p.astype(np.int64)
        k = n_classes if size == "n_classes" else int(max(t.max(), p.max())) + 1
        matrix = np.zeros((k, k), dtype=dtype)
        if fancy:
            matrix[t, p] += 1
        else:
            np.add.at(matrix, (t, p), 1)
        if transpose:
            matrix = matrix.T.copy()
        if normalize:
            matrix = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
        return matrix
    return variant


def _classifier_labels(seed: int, n: int, k: int, error_rate: float) -> tuple:
    """(y_true, y_pred, k): n labels of k classes, and the predictions of a classifier that is
    wrong on about ``error_rate`` of them (at least two mistakes, and some pair repeated)."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, k, size=n)
    while True:
        wrong = rng.random(n) < error_rate
        y_pred = np.where(wrong, (y_true + rng.integers(1, k, size=n)) % k, y_true)
        if wrong.sum() >= 2:
            return y_true, y_pred, k


def _binary_columns(seed: int, n: int) -> tuple:
    """(y_true, y_pred, 2): binary labels as a float column (n, 1), as the course stores them,
    and predictions (n,) of 0.0 and 1.0."""
    y_true, y_pred = _prf_args(seed, n, 0.4, 0.25)
    return y_true.astype(np.float64).reshape(-1, 1), y_pred.astype(np.float64), 2


CONFUSION_MATRIX = Exercise(
    name="confusion_matrix",
    params=("y_true", "y_pred", "n_classes"),
    reference=ref.confusion_matrix,
    compare=_matrix_compare,
    cases=[
        Case("3 classes, 8 samples, some (true, predicted) pairs twice: expected "
             "[[2, 0, 0], [0, 0, 2], [1, 1, 2]]",
             (np.array([0, 1, 2, 2, 1, 0, 2, 2]), np.array([0, 2, 2, 1, 2, 0, 2, 0]), 3),
             hint="matrix[i, j] counts the samples with y_true == i and y_pred == j: (0, 0) "
                  "occurs twice, (1, 2) twice, (2, 2) twice, (2, 1) and (2, 0) once."),
        Case("10 digits, 40 samples of a classifier wrong on about 1 in 4",
             _classifier_labels(702, 40, 10, 0.25)),
        Case("n_classes = 4, but class 3 never occurs: the matrix is still 4 x 4, with a row and "
             "a column of zeros",
             (np.array([0, 2, 1, 1, 0, 2, 2]), np.array([0, 2, 2, 1, 1, 2, 0]), 4),
             hint="The size comes from n_classes, not from the labels that happen to occur."),
        Case("binary labels as a float column (n, 1) of 0.0 and 1.0, as the course stores them, "
             "predictions (n,) of 0.0 and 1.0, n_classes = 2: flatten them and convert them to "
             "int indices",
             _binary_columns(703, 14),
             hint="Flatten the labels and make them integers before using them as indices: "
                  "np.asarray(y_true).reshape(-1).astype(np.int64)."),
        Case("10 digits, 300 samples of a good classifier", redraw(_classifier_labels, 300, 10,
                                                                   0.05), hidden=True),
        Case("5 classes, 30 samples of a poor classifier", redraw(_classifier_labels, 30, 5, 0.6),
             hidden=True),
        Case("the model predicts class 4, which is never a true label (n_classes = 5)",
             (np.array([0, 1, 2, 3, 3, 1, 0]), np.array([0, 4, 2, 3, 4, 1, 1]), 5), hidden=True),
        Case("plain Python lists", ([2, 0, 1, 1, 2, 2], [2, 1, 1, 1, 0, 2], 3), hidden=True),
        Case("a single sample: one count of 1", (np.array([1]), np.array([0]), 2), hidden=True),
        Case("binary float labels (n, 1) and predictions (n,), drawn", redraw(_binary_columns, 40), hidden=True),
    ],
    mistakes=[
        Mistake("The matrix is transposed: row i must be the TRUE class and column j the "
                "PREDICTED one (matrix[y_true[s], y_pred[s]] += 1), scikit-learn's convention. "
                "Check the order of your indices and of the arguments.",
                _cm_variant(transpose=True)),
        Mistake("matrix[y_true, y_pred] += 1 with arrays of indices counts each (true, predicted) "
                "pair only ONCE, even when it occurs several times (NumPy does the += once per "
                "distinct position). Loop over the samples, or use np.add.at(matrix, (y_true, "
                "y_pred), 1).", _cm_variant(fancy=True)),
        Mistake("The size of the matrix must be n_classes x n_classes, whatever labels happen to "
                "occur: a class may never occur in a small sample.",
                _cm_variant(size="labels")),
        Mistake("Return counts, not fractions: do not divide the rows by their totals.",
                _cm_variant(normalize=True)),
        Mistake("The counts are right but stored as floats: np.zeros((n_classes, n_classes)) "
                "makes float64. Use np.zeros((n_classes, n_classes), dtype=np.int64).",
                _cm_variant(dtype=np.float64)),
        Mistake("A (n, 1) column and a (n,) row (or two columns) used together as indices "
                "broadcast to every pair of samples. Flatten the labels first: "
                "np.asarray(y_true).reshape(-1).", _cm_variant(flatten=False)),
    ],
)


# --------------------------------------------------------------------------------------------
# threshold_for_recall(y_true, scores, target_recall) -> float
# --------------------------------------------------------------------------------------------

def _positives_desc(y_true: Any, scores: Any) -> np.ndarray:
    t = _flat(y_true).astype(np.int64)
    s = _flat(scores).astype(np.float64)
    return np.sort(s[t == 1])[::-1]


def _needed(target: float, n_pos: int, how: str = "ceil") -> int:
    exact = target * n_pos
    if how == "floor":
        return int(np.floor(exact + 1e-9))
    if how == "round":
        return int(round(exact))
    if how == "strict":  # recall > target: one more when exact is a whole number
        return int(np.floor(exact + 1e-9)) + 1
    return int(np.ceil(exact - 1e-9))


def _thr_variant(*, how: str = "ceil", ascending: bool = False, offset: int = 0):
    """The reference with one known mistake switched on."""
    def variant(y_true, scores, target_recall):
        positives = _positives_desc(y_true, scores)
        if ascending:
            positives = positives[::-1]
        k = max(_needed(target_recall, positives.size, how), 1) - 1 + offset
        return float(positives[k])
    return variant


def _lowest_positive(y_true, scores, target_recall):
    """Thresholds tried from the lowest up: the first that works is the lowest positive score."""
    return float(_positives_desc(y_true, scores)[-1])


def _lowest_score(y_true, scores, target_recall):
    """Thresholds tried from the lowest score of all up: the first always works."""
    return float(_flat(scores).astype(np.float64).min())


def _quantile_all(y_true, scores, target_recall):
    return float(np.quantile(_flat(scores).astype(float), 1.0 - target_recall))


def _quantile_positives(y_true, scores, target_recall):
    return float(np.quantile(_positives_desc(y_true, scores), 1.0 - target_recall))


def _unsorted_labels(y_true, scores, target_recall):
    """The scores sorted from highest to lowest, but the labels left in their old order."""
    t = _flat(y_true).astype(np.float64)
    s = np.sort(_flat(scores).astype(np.float64))[::-1]
    recall = np.cumsum(t) / t.sum()
    return float(s[int(np.argmax(recall >= target_recall - 1e-12))])


def _strictly_above(y_true, scores, target_recall):
    """Predicting ``scores > t``: the highest score t that still works is the next one below."""
    t = _flat(y_true).astype(np.int64)
    s = _flat(scores).astype(np.float64)
    for threshold in np.unique(s)[::-1]:
        found = np.sum((s > threshold) & (t == 1)) / np.sum(t == 1)
        if found >= target_recall - 1e-12:
            return float(threshold)
    return float(s.min())


def _threshold_args(seed: int, n: int, positive_rate: float, target: float, *,
                    column: bool = False, decimals: int | None = None) -> tuple:
    """(y_true, scores, target): a classifier's scores, the positives' higher on the whole, with
    ``target * n_positives`` at least 0.1 away from a whole number; ``decimals`` rounds the
    scores (ties); ``column`` gives float columns (n, 1)."""
    rng = np.random.default_rng(seed)
    while True:
        y = _binary_labels(rng, n, positive_rate)
        exact = target * y.sum()
        if 0.1 <= exact - np.floor(exact) <= 0.9:
            break
    logits = rng.normal(0.0, 1.0, size=n) + 2.0 * y
    scores = 1.0 / (1.0 + np.exp(-logits))
    if decimals is not None:
        scores = np.round(scores, decimals)
    if column:
        return y.astype(np.float64).reshape(-1, 1), scores.reshape(-1, 1), target
    return y, scores, target


THRESHOLD_FOR_RECALL = Exercise(
    name="threshold_for_recall",
    params=("y_true", "scores", "target_recall"),
    reference=ref.threshold_for_recall,
    compare=one_number("the threshold", "Return one threshold, a single number: one of the "
                                        "positive cases' scores."),
    cases=[
        Case("10 positives, target_recall = 0.65: 0.65 * 10 = 6.5, so 7 of them must score >= t: "
             "t is the 7th highest positive score, 0.58",
             (np.array([1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0]),
              np.array([0.71, 0.61, 0.96, 0.39, 0.87, 0.58, 0.84, 0.33, 0.25, 0.90, 0.52, 0.66,
                        0.47, 0.69, 0.79, 0.12]), 0.65),
             hint="The positives' scores from highest to lowest are 0.96, 0.9, 0.84, 0.79, 0.71, "
                  "0.66, 0.58, 0.47, 0.39, 0.25. Predicting scores >= 0.58 finds 7 of the 10, a "
                  "recall of 0.7 (at least 0.65); any higher threshold finds at most 6, a recall "
                  "of 0.6."),
        Case("7 positives, target_recall = 0.9: 0.9 * 7 = 6.3, so all 7 are needed (6 would be a "
             "recall of 0.857): t is the lowest positive score, 0.4",
             (np.array([0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1]),
              np.array([0.3, 0.8, 0.4, 0.45, 0.9, 0.65, 0.1, 0.75, 0.5, 0.7, 0.85]), 0.9),
             hint="Round UP: the number of positives to find is the smallest whole number k "
                  "with k / n_positives >= target_recall, here 7."),
        Case("8 positives, target_recall = 0.75, reached exactly by 6 of them (6 / 8 = 0.75): "
             "t is the 6th highest positive score, 0.59",
             (np.array([0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1]),
              np.array([0.63, 0.74, 0.93, 0.45, 0.59, 0.28, 0.85, 0.67, 0.88, 0.15, 0.42, 0.5,
                        0.81]), 0.75),
             hint="The positives' scores from highest to lowest are 0.93, 0.88, 0.81, 0.74, 0.67, "
                  "0.59, 0.42, 0.28; predicting scores >= 0.59 finds 6 of the 8, a recall of "
                  "exactly 0.75: that is enough, the recall must be at least the target."),
        Case("9 positives of 20, target_recall = 0.5: 0.5 * 9 = 4.5, so 5 are needed",
             _threshold_args(704, 20, 0.45, 0.5), hidden=True),
        Case("the notebook's target, recall >= 0.98, on 300 samples with a rare positive class",
             redraw(_threshold_args, 300, 0.15, 0.98), hidden=True),
        Case("scores rounded to 1 decimal (many ties), target_recall = 0.75",
             redraw(_threshold_args, 60, 0.4, 0.75, decimals=1), hidden=True),
        Case("labels and scores as columns (n, 1), target_recall = 0.9",
             redraw(_threshold_args, 50, 0.3, 0.9, column=True), hidden=True),
        Case("target_recall = 1.0: every positive must be found, t is the lowest positive score",
             (np.array([1, 0, 0, 1, 1, 0, 1]), np.array([0.7, 0.2, 0.65, 0.3, 0.9, 0.4, 0.8]),
              1.0), hidden=True),
        Case("labels (n, 1) as floats and scores (n,), target_recall = 0.6",
             (np.array([[1.0], [0.0], [1.0], [1.0], [0.0], [0.0], [1.0], [1.0]]),
              np.array([0.62, 0.48, 0.91, 0.33, 0.57, 0.12, 0.74, 0.86]), 0.6), hidden=True),
        Case("plain Python lists, target_recall = 0.7",
             ([0, 1, 1, 0, 1, 0, 1], [0.2, 0.6, 0.9, 0.7, 0.3, 0.1, 0.8], 0.7), hidden=True),
        Case("25 positives, target_recall = 0.56: 14 of them are a recall of exactly 0.56, "
             "although 0.56 * 25 is 14.000000000000002 in floating point (np.ceil gives 15 "
             "without a guard)",
             (np.array([1] * 10 + [0] + [1] * 5 + [0, 0] + [1] * 10 + [0] * 5),
              np.linspace(0.97, 0.03, 33), 0.56),
             hidden=True, hint="Subtract a tiny amount before rounding up, "
                               "np.ceil(target_recall * n_positives - 1e-9), or compare recalls "
                               "(found / n_positives >= target_recall) instead."),
        Case("6 positives, target_recall = 0.1: one positive is enough, so t is the HIGHEST "
             "positive score",
             (np.array([0, 1, 1, 0, 1, 1, 1, 0, 1]),
              np.array([0.97, 0.88, 0.61, 0.5, 0.74, 0.3, 0.42, 0.2, 0.69]), 0.1), hidden=True),
    ],
    mistakes=[
        Mistake("The threshold's direction is reversed: a case is predicted positive when its "
                "score is >= t, so a LOWER threshold finds MORE positives. Sort the positives' "
                "scores from highest to lowest and go down until enough of them are found.",
                _thr_variant(ascending=True)),
        Mistake("The scores were sorted but the labels were not sorted with them, so the wrong "
                "labels are counted. Sort both in the same order: order = np.argsort(-scores), "
                "then y_true[order] and scores[order].", _unsorted_labels),
        Mistake("This threshold finds every positive, but it is the LOWEST one that reaches the "
                "target, and the lower the threshold the more false alarms. Return the HIGHEST "
                "threshold whose recall is still >= target_recall.", _lowest_positive),
        Mistake("This threshold finds every positive, but it is the LOWEST score of all, which "
                "flags every case. Return the HIGHEST threshold whose recall is still >= "
                "target_recall: try the thresholds from the highest score down.", _lowest_score),
        Mistake("Recall only counts the positive cases (y_true == 1): choose among the scores of "
                "the positives, not a quantile of all the scores.", _quantile_all),
        Mistake("np.quantile interpolates between scores. Return one of the positives' scores "
                "itself: the k-th highest, with k the number of positives you must find.",
                _quantile_positives),
        Mistake("Round UP the number of positives to find: k is the smallest whole number with "
                "k / n_positives >= target_recall (np.ceil(target_recall * n_positives)); "
                "rounding down leaves the recall below the target.", _thr_variant(how="floor")),
        Mistake("Do not round to the nearest whole number: round UP (np.ceil), or the recall may "
                "fall below the target.", _thr_variant(how="round")),
        Mistake("Predict positive when the score is >= t (at least the threshold): with > the "
                "case whose score equals t is missed, and the threshold you return is one score "
                "too low.", _strictly_above),
        Mistake("The recall must be AT LEAST target_recall (>=), not strictly above it: when "
                "target_recall * n_positives is a whole number, exactly that many positives are "
                "enough.", _thr_variant(how="strict")),
        Mistake("Off by one: with the positives' scores sorted from highest to lowest, the k-th "
                "highest is at index k - 1 (yours finds one positive more than needed).",
                _thr_variant(offset=1)),
    ],
)

EXERCISES = [PRECISION_RECALL_F1, CONFUSION_MATRIX, THRESHOLD_FOR_RECALL]
