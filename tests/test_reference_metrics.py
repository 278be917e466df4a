"""The lesson 07a references agree with scikit-learn's metrics, on random inputs, ties and edge cases.

scikit-learn is the independent implementation: ``precision_recall_fscore_support(...,
average="binary", zero_division=0)`` for precision, recall and F1, ``confusion_matrix(...,
labels=range(k))`` for the matrix, and ``precision_recall_curve`` for the threshold (the highest of
its thresholds whose recall reaches the target). Values must agree to 1e-12; warnings are errors;
the references must leave their inputs alone and return the documented types. The plotting helper
that computes a precision-recall curve's points is checked against scikit-learn too.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix as sk_confusion_matrix
from sklearn.metrics import precision_recall_curve, precision_recall_fscore_support

from dlcourse.reference.metrics import confusion_matrix, precision_recall_f1, threshold_for_recall

pytestmark = pytest.mark.filterwarnings("error")

SEEDS = [0, 1, 2, 3, 4]
TOL = dict(rel=1e-12, abs=1e-12)


def _binary(seed: int, n: int, rate: float) -> np.ndarray:
    return (np.random.default_rng(seed).random(n) < rate).astype(np.int64)


def _sk_prf(y_true, y_pred) -> tuple[float, float, float]:
    p, r, f, _ = precision_recall_fscore_support(np.ravel(y_true), np.ravel(y_pred),
                                                 average="binary", zero_division=0)
    return float(p), float(r), float(f)


def _sk_threshold(y_true, scores, target: float) -> float:
    precision, recall, thresholds = precision_recall_curve(np.ravel(y_true), np.ravel(scores))
    # recall[i] is the recall of predicting scores >= thresholds[i] (the last recall has none)
    reaching = thresholds[recall[:-1] >= target - 1e-12]
    return float(reaching.max())


# --------------------------------------------------------------------------------------------
# precision_recall_f1
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, rate, flip", [(10, 0.5, 0.3), (57, 0.2, 0.15), (400, 0.03, 0.05),
                                           (200, 0.7, 0.4)], ids=str)
def test_precision_recall_f1_agrees_with_sklearn(seed, n, rate, flip):
    y_true = _binary(seed, n, rate)
    wrong = np.random.default_rng(seed + 100).random(n) < flip
    y_pred = np.where(wrong, 1 - y_true, y_true)
    got = precision_recall_f1(y_true, y_pred)
    assert isinstance(got, tuple) and len(got) == 3
    assert all(type(v) is float for v in got)
    assert got == pytest.approx(_sk_prf(y_true, y_pred), **TOL)


@pytest.mark.parametrize("y_true, y_pred", [
    ([0, 1, 0, 1, 1], [0, 0, 0, 0, 0]),             # no positive prediction: precision 0
    ([0, 0, 0, 0], [0, 1, 1, 0]),                   # no positive case: recall 0
    ([0, 0, 0], [0, 0, 0]),                         # neither
    ([1, 1, 1], [1, 1, 1]),                         # perfect
    ([1, 0, 1, 0], [0, 1, 0, 1]),                   # all wrong: TP = 0 but TP + FP > 0
    ([1], [1]),
], ids=["no-positive-prediction", "no-positive-case", "all-negative", "perfect", "all-wrong",
        "one-sample"])
def test_precision_recall_f1_edge_cases_agree_with_zero_division_0(y_true, y_pred):
    assert precision_recall_f1(np.array(y_true), np.array(y_pred)) == \
        pytest.approx(_sk_prf(y_true, y_pred), **TOL)


def test_precision_recall_f1_accepts_columns_lists_floats_and_booleans():
    y_true = _binary(7, 30, 0.4)
    y_pred = np.where(np.random.default_rng(8).random(30) < 0.3, 1 - y_true, y_true)
    expected = _sk_prf(y_true, y_pred)
    for t, p in [(y_true.reshape(-1, 1).astype(float), y_pred),
                 (y_true.tolist(), y_pred.tolist()),
                 (y_true.astype(bool), y_pred.astype(float).reshape(-1, 1))]:
        assert precision_recall_f1(t, p) == pytest.approx(expected, **TOL)


# --------------------------------------------------------------------------------------------
# confusion_matrix
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, k", [(8, 3), (100, 10), (30, 5), (50, 2), (1, 4)], ids=str)
def test_confusion_matrix_agrees_with_sklearn(seed, n, k):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, k, size=n)
    y_pred = np.where(rng.random(n) < 0.3, rng.integers(0, k, size=n), y_true)
    got = confusion_matrix(y_true, y_pred, k)
    assert got.dtype == np.int64 and got.shape == (k, k)
    np.testing.assert_array_equal(got, sk_confusion_matrix(y_true, y_pred, labels=list(range(k))))
    assert got.sum() == n


def test_confusion_matrix_keeps_absent_classes_and_counts_repeated_pairs():
    y_true, y_pred = np.array([0, 1, 2, 2, 1, 0, 2, 2]), np.array([0, 2, 2, 1, 2, 0, 2, 0])
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, 5),
                                  sk_confusion_matrix(y_true, y_pred, labels=list(range(5))))
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, 3),
                                  [[2, 0, 0], [0, 0, 2], [1, 1, 2]])


def test_confusion_matrix_accepts_float_columns_as_the_course_stores_binary_labels():
    y_true = _binary(3, 25, 0.4)
    y_pred = np.where(np.random.default_rng(4).random(25) < 0.3, 1 - y_true, y_true)
    np.testing.assert_array_equal(
        confusion_matrix(y_true.reshape(-1, 1).astype(float), y_pred.astype(float), 2),
        sk_confusion_matrix(y_true, y_pred, labels=[0, 1]))


# --------------------------------------------------------------------------------------------
# threshold_for_recall
# --------------------------------------------------------------------------------------------

def _scores(seed: int, y: np.ndarray, decimals: int | None = None) -> np.ndarray:
    logits = np.random.default_rng(seed + 50).normal(size=y.size) + 1.5 * y
    scores = 1.0 / (1.0 + np.exp(-logits))
    return scores if decimals is None else np.round(scores, decimals)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("target", [0.5, 0.8, 0.9, 0.95, 0.98, 1.0])
@pytest.mark.parametrize("decimals", [None, 1], ids=["distinct", "ties"])
def test_threshold_for_recall_agrees_with_sklearn_precision_recall_curve(seed, target, decimals):
    y = _binary(seed, 150, 0.3)
    scores = _scores(seed, y, decimals)
    t = threshold_for_recall(y, scores, target)
    assert type(t) is float
    assert t == pytest.approx(_sk_threshold(y, scores, target), **TOL)
    # what it promises: the recall at scores >= t reaches the target, and no higher score does
    recall = lambda thr: np.sum((scores >= thr) & (y == 1)) / y.sum()
    assert recall(t) >= target - 1e-12
    assert all(recall(s) < target - 1e-12 for s in np.unique(scores) if s > t)


@pytest.mark.parametrize("target", [0.25, 0.5, 0.75, 1.0])
def test_threshold_for_recall_whole_number_targets(target):
    # target * n_positives a whole number: exactly that many positives are enough
    y = np.array([1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1])       # 8 positives
    scores = np.array([0.74, 0.63, 0.93, 0.59, 0.45, 0.28, 0.85, 0.67, 0.88, 0.15, 0.42, 0.5,
                       0.81])
    assert threshold_for_recall(y, scores, target) == pytest.approx(
        _sk_threshold(y, scores, target), **TOL)


def test_threshold_for_recall_edges():
    y = np.array([0, 1, 0, 0, 1])
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.1])
    assert threshold_for_recall(y, scores, 1.0) == 0.1             # every positive: the lowest
    assert threshold_for_recall(y, scores, 0.5) == 0.8
    assert threshold_for_recall(y, scores, 0.0) == 0.8             # nothing asked: the highest
    assert threshold_for_recall(np.array([1]), np.array([0.3]), 0.98) == 0.3
    # columns, and a positive tied with a negative
    assert threshold_for_recall(y.reshape(-1, 1), np.array([[0.8], [0.8], [0.2], [0.4], [0.1]]),
                                0.5) == 0.8


def test_the_references_leave_their_inputs_alone():
    y = _binary(11, 40, 0.4).reshape(-1, 1).astype(float)
    p = _binary(12, 40, 0.4)
    s = _scores(11, y.ravel())
    before = copy.deepcopy((y, p, s))
    precision_recall_f1(y, p)
    confusion_matrix(y, p, 2)
    threshold_for_recall(y, s, 0.9)
    for a, b in zip(before, (y, p, s)):
        np.testing.assert_array_equal(a, b)
        assert a.shape == b.shape and a.dtype == b.dtype


# --------------------------------------------------------------------------------------------
# the notebook's helper: a precision-recall curve's points
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("decimals", [None, 1], ids=["distinct", "ties"])
def test_precision_recall_points_agree_with_sklearn(seed, decimals):
    from dlcourse.plots.metrics import precision_recall_points

    y = _binary(seed, 120, 0.35)
    scores = _scores(seed, y, decimals)
    thresholds, precision, recall = precision_recall_points(y, scores)
    sk_p, sk_r, sk_t = precision_recall_curve(y, scores)
    # scikit-learn lists the thresholds from the lowest up and may stop where recall reaches 1
    ours = {float(t): (float(p), float(r)) for t, p, r in zip(thresholds, precision, recall)}
    for t, p, r in zip(sk_t, sk_p[:-1], sk_r[:-1]):
        assert ours[float(t)] == pytest.approx((p, r), **TOL)
    assert np.all(np.diff(thresholds) < 0) and np.all(np.diff(recall) >= 0)


# --------------------------------------------------------------------------------------------
# The figures, and light imports
# --------------------------------------------------------------------------------------------

def test_the_figures_run_headless():
    import matplotlib

    matplotlib.use("Agg")
    from dlcourse.plots.metrics import (plot_confusion_counts, plot_precision_recall,
                                        precision_recall_points, show_mistakes)

    y = _binary(5, 80, 0.4)
    curves = {}
    for name, scores in [("a", _scores(5, y)), ("b", _scores(6, y, 1))]:
        _, precision, recall = precision_recall_points(y, scores)
        curves[name] = (recall, precision)
    marks = {"a": {"threshold 0.5": (0.8, 0.9), "chosen": (0.95, 0.7)}, "b": {"chosen": (1.0, 0.5)}}
    fig = plot_precision_recall(curves, marks=marks, positive_rate=float(y.mean()))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[:2] == ["a", "b"] and labels.count("chosen") == 1     # one legend entry a mark
    matrix = confusion_matrix(y, 1 - y, 2)
    assert plot_confusion_counts(matrix, labels=["benign", "malignant"]).axes
    images = np.random.default_rng(0).random((6, 64))
    labels_true, labels_pred = np.array([1, 2, 3, 4, 5, 6]), np.array([1, 7, 3, 4, 0, 6])
    fig = show_mistakes(images, labels_true, labels_pred, confidence=np.full(6, 0.6))
    assert sum(ax.images != [] for ax in fig.axes) == 2                   # the two mistakes
    assert show_mistakes(images, labels_true, labels_true).axes           # none: a message


def test_importing_the_lesson_loads_no_framework():
    import subprocess
    import sys

    code = ("import sys; import dlcourse.checks.metrics, dlcourse.reference.metrics, "
            "dlcourse.plots.metrics; "
            "heavy = [m for m in ('torch', 'matplotlib', 'sklearn', 'tensorflow') if m in sys.modules]; "
            "print(heavy); sys.exit(1 if heavy else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
