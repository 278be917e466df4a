"""Lesson 07c exercises: balanced_class_weights, average_precision (learning when fraud is rare).

- ``balanced_class_weights(y)``: scikit-learn's ``"balanced"`` weights ``n / (n_classes * count)``
  for the classes 0 .. max(y). The cases have uneven counts, three or four classes where the
  number of classes matters (so that ``n / count`` and ``n / (max(y) * count)`` give other numbers
  than the right formula), and labels as the course stores binary ones, a column (n, 1) of floats.
- ``average_precision(y_true, scores)``: the area under the precision-recall curve as
  scikit-learn's ``average_precision_score`` computes it, a sum of rectangles (recall gained x
  precision) over the thresholds, highest score first, equal scores making one threshold. The
  cases have ties between a positive and a negative (where ranking sample by sample gives
  another number), uneven rankings (where a trapezoid, an interpolated envelope or the ROC AUC
  give other numbers) and scores that are not probabilities.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..reference import imbalance as ref
from .core import Case, Exercise, Mistake, one_number, redraw


def _labels(y: Any) -> np.ndarray:
    return np.asarray(y).reshape(-1).astype(np.int64)


def _scores(s: Any) -> np.ndarray:
    return np.asarray(s, dtype=np.float64).reshape(-1)


# --------------------------------------------------------------------------------------------
# balanced_class_weights(y) -> (n_classes,)
# --------------------------------------------------------------------------------------------

_FORMULA = ("weight_c = n / (n_classes * count_c), with n the number of labels, n_classes = "
            "max(y) + 1 and count_c = np.bincount(y)[c] (scikit-learn's class_weight=\"balanced\")")


def _uneven_classes(seed: int, n_classes: int, n: int) -> tuple:
    """(y,): n int labels of n_classes classes, every class present, counts uneven, shuffled."""
    rng = np.random.default_rng(seed)
    shares = rng.dirichlet(np.full(n_classes, 0.7))
    counts = 1 + rng.multinomial(n - n_classes, shares)
    y = np.repeat(np.arange(n_classes), counts)
    return (rng.permutation(y),)


def _rare_positives(seed: int, n: int, rate: float) -> tuple:
    """(y,): a column (n, 1) of 0.0 and 1.0 with about ``rate`` ones (at least one)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < rate).astype(np.float64)
    y[rng.integers(n)] = 1.0
    return (y.reshape(-1, 1),)


def _frequencies(y):
    counts = np.bincount(_labels(y)).astype(np.float64)
    return counts / counts.sum()


def _one_over_count(y):
    return 1.0 / np.bincount(_labels(y)).astype(np.float64)


def _n_over_count(y):
    labels = _labels(y)
    return labels.size / np.bincount(labels).astype(np.float64)


def _max_label_as_n_classes(y):
    labels = _labels(y)
    counts = np.bincount(labels).astype(np.float64)
    return labels.size / (labels.max() * counts)


def _majority_over_count(y):
    counts = np.bincount(_labels(y)).astype(np.float64)
    return counts.max() / counts


def _normalised(y):
    inverse = 1.0 / np.bincount(_labels(y)).astype(np.float64)
    return inverse / inverse.sum()


def _square_root(y):
    return np.sqrt(ref.balanced_class_weights(y))


BALANCED_CLASS_WEIGHTS = Exercise(
    name="balanced_class_weights",
    params=("y",),
    reference=ref.balanced_class_weights,
    cases=[
        Case("3 labels 0 and 1 label 1: [4 / (2 * 3), 4 / (2 * 1)] = [0.6667, 2.0]",
             (np.array([0, 1, 0, 0]),),
             hint="n = 4 labels, n_classes = 2, counts [3, 1]: weights 4 / (2 * [3, 1]). "
                  + _FORMULA + "."),
        Case("binary labels as the course stores them, a column (10, 1) of 0.0 and 1.0 with "
             "3 ones: [10 / 14, 10 / 6] = [0.7143, 1.6667]",
             (np.array([0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]).reshape(-1, 1),),
             hint="Flatten y (np.ravel or reshape(-1)) and turn it into integers (.astype(int)) "
                  "before counting: np.bincount needs a 1-D array of ints. " + _FORMULA + "."),
        Case("3 classes, counts [2, 1, 4]: 7 / (3 * [2, 1, 4]) = [1.1667, 2.3333, 0.5833]",
             (np.array([0, 2, 1, 2, 2, 0, 2]),),
             hint="There are three classes here (0, 1, 2): n_classes = max(y) + 1 = 3. "
                  + _FORMULA + "."),
        Case("1 % fraud: 198 labels 0 and 2 labels 1: [200 / 396, 200 / 4] = [0.5051, 50.0]",
             (np.r_[np.zeros(120, dtype=np.int64), 1, np.zeros(78, dtype=np.int64), 1],),
             hint="The rare class gets the large weight: 200 / (2 * 2) = 50, so its 2 samples "
                  "weigh 100 in total, as much as the 198 others (198 * 0.5051 = 100). "
                  + _FORMULA + "."),
        Case("4 classes drawn at random, 60 labels, uneven counts", redraw(_uneven_classes, 4, 60),
             hidden=True, hint=_FORMULA + "."),
        Case("a column (400, 1) of 0.0 and 1.0 drawn at random, about 2 % ones",
             redraw(_rare_positives, 400, 0.02), hidden=True, hint=_FORMULA + "."),
        Case("10 000 labels drawn at random, about 1 % ones", redraw(_rare_positives, 10_000, 0.01),
             hidden=True, hint=_FORMULA + "."),
        Case("one class only: [1.0]", (np.zeros(5, dtype=np.int64),), hidden=True,
             hint="With a single class, n_classes = 1 and count = n: the weight is n / n = 1. "
                  + _FORMULA + "."),
        Case("a Python list of ints, 3 classes: [1, 0, 2, 1, 1, 0, 1]", ([1, 0, 2, 1, 1, 0, 1],),
             hidden=True, hint="Turn y into a NumPy array first (np.asarray). " + _FORMULA + "."),
    ],
    mistakes=[
        Mistake("These are the class frequencies, count / n: the common class gets the large "
                "number. A weight must be the other way round, larger for the rarer class: "
                + _FORMULA + ".", _frequencies),
        Mistake("1 / count has the right idea (rarer, heavier) but not the right scale: multiply "
                "by n / n_classes, so that the weights of all the samples add up to n (an "
                "average weight of 1 per sample, the loss keeps its size). " + _FORMULA + ".",
                _one_over_count),
        Mistake("n / count: divide by the number of classes too, so that each class weighs "
                "n / n_classes in total (and n_classes = max(y) + 1, since the labels start at "
                "0). " + _FORMULA + ".", _n_over_count),
        Mistake("The number of classes is max(y) + 1, not max(y): the labels start at 0. "
                + _FORMULA + ".", _max_label_as_n_classes),
        Mistake("max(count) / count (the common class gets weight 1) is a variant some tutorials "
                "use; this exercise asks for scikit-learn's \"balanced\" weights: " + _FORMULA
                + ".", _majority_over_count),
        Mistake("Do not normalise the weights to sum to 1: " + _FORMULA + ".", _normalised),
        Mistake("Those are the square roots of the right weights: " + _FORMULA + ".",
                _square_root),
    ],
)


# --------------------------------------------------------------------------------------------
# average_precision(y_true, scores) -> float
# --------------------------------------------------------------------------------------------

_AP = ("Sort by score, highest first; at each threshold (each distinct score: equal scores are "
       "one threshold) compute precision = TP / predicted positives and recall = TP / all "
       "positives; AP = sum over the thresholds of (recall - previous recall) * precision, "
       "as scikit-learn's average_precision_score.")


def _rare_scored(seed: int, n: int, rate: float, separation: float) -> tuple:
    """(y_true (n,), scores (n,)): about ``rate`` positives (at least 2), scores higher for the
    positives by ``separation`` standard deviations on average, as probabilities in (0, 1)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < rate).astype(np.int64)
    y[rng.choice(n, 2, replace=False)] = 1
    logits = rng.normal(0.0, 1.0, n) + separation * y - 3.0
    return y, 1.0 / (1.0 + np.exp(-logits))


def _tied_scores(seed: int, n: int) -> tuple:
    """(y_true (n, 1) floats, scores (n, 1)): scores rounded to one decimal, so many ties between
    positives and negatives; about 30 % positives (at least one)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.float64)
    y[rng.integers(n)] = 1.0
    scores = np.clip(np.round(rng.normal(0.4 + 0.25 * y, 0.2), 1), 0.0, 1.0)
    return y.reshape(-1, 1), scores.reshape(-1, 1)


def _log_odds_case(seed: int, n: int) -> tuple:
    """(y_true (n,), scores (n,)): a fifth positives; the scores are log-odds, negative and
    positive numbers, not probabilities."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.r_[np.ones(max(2, n // 5), dtype=np.int64),
                              np.zeros(n - max(2, n // 5), dtype=np.int64)])
    return y, rng.normal(1.5 * y - 1.0, 2.0)


def _steps(y_true, scores, *, ascending=False, ties=True):
    """precision and recall at each threshold, sorted as asked; ``ties=False`` makes every
    sample its own threshold."""
    t, s = _labels(y_true), _scores(scores)
    order = np.argsort(s if ascending else -s, kind="mergesort")
    s, t = s[order], t[order]
    ends = np.r_[np.nonzero(np.diff(s))[0], s.size - 1] if ties else np.arange(s.size)
    tp = np.cumsum(t)[ends]
    return tp / (ends + 1), tp / t.sum()


def _ascending(y_true, scores):
    precision, recall = _steps(y_true, scores, ascending=True)
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def _sample_by_sample(y_true, scores):
    precision, recall = _steps(y_true, scores, ties=False)
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def _trapezoid(y_true, scores):
    precision, recall = _steps(y_true, scores)
    r, p = np.r_[0.0, recall], np.r_[1.0, precision]
    return float(np.sum(np.diff(r) * (p[1:] + p[:-1]) / 2.0))


def _interpolated(y_true, scores):
    precision, recall = _steps(y_true, scores)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * envelope))


def _mean_precision(y_true, scores):
    precision, _ = _steps(y_true, scores)
    return float(np.mean(precision))


def _swapped(y_true, scores):
    precision, recall = _steps(y_true, scores)
    return float(np.sum(np.diff(np.r_[0.0, precision]) * recall))


def _roc_auc(y_true, scores):
    t, s = _labels(y_true), _scores(scores)
    pos, neg = s[t == 1], s[t == 0]
    if not pos.size or not neg.size:
        return float("nan")
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (pos.size * neg.size))


def _precision_at_the_end(y_true, scores):
    precision, _ = _steps(y_true, scores)
    return float(precision[-1])


AVERAGE_PRECISION = Exercise(
    name="average_precision",
    params=("y_true", "scores"),
    reference=ref.average_precision,
    compare=one_number("the average precision", "Add up the products (recall gained) * "
                       "(precision) of the thresholds into one number: np.sum(...)."),
    cases=[
        Case("4 samples ranked positive, negative, positive, negative: "
             "(1/2) * (1/1) + (1/2) * (2/3) = 0.8333",
             (np.array([1, 0, 1, 0]), np.array([0.9, 0.8, 0.4, 0.1])),
             hint="Highest score first: the first positive is found with precision 1/1 (recall "
                  "0 -> 1/2), the second with precision 2/3 (recall 1/2 -> 1). " + _AP),
        Case("a perfect ranking (every positive above every negative): 1.0",
             (np.array([0, 1, 0, 0, 1, 0]), np.array([0.2, 0.95, 0.1, 0.4, 0.7, 0.3])),
             hint="Every positive is found before any negative, so precision is 1 while recall "
                  "goes from 0 to 1: AP = 1. " + _AP),
        Case("ties: 3 samples share the score 0.6, a positive and 2 negatives: 0.6667",
             (np.array([1, 0, 1, 0, 1, 0, 0]), np.array([0.9, 0.6, 0.6, 0.6, 0.3, 0.2, 0.3])),
             hint="Equal scores are ONE threshold: lowering the threshold to 0.6 predicts all "
                  "three at once, so the recall gained there (1/3) counts with the precision "
                  "after all three, 2/4, not sample by sample. " + _AP),
        Case("the course's shapes: y_true a column (10, 1) of 0.0 and 1.0, scores (10, 1)",
             (np.array([0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]).reshape(-1, 1),
              np.array([0.05, 0.3, 0.62, 0.8, 0.1, 0.45, 0.7, 0.2, 0.15, 0.55]).reshape(-1, 1)),
             hint="Flatten both (np.ravel or reshape(-1)) before sorting: np.argsort of a "
                  "column sorts each row on its own. " + _AP),
        Case("1 % positives drawn at random: 2 000 samples", redraw(_rare_scored, 2000, 0.01, 2.5),
             hidden=True, hint=_AP),
        Case("many ties: scores rounded to one decimal, 80 samples (columns)",
             redraw(_tied_scores, 80), hidden=True, hint=_AP),
        Case("scores that are log-odds (negative and positive), not probabilities",
             redraw(_log_odds_case, 50), hidden=True,
             hint="Only the order of the scores matters, not their range. " + _AP),
        Case("hard predictions as scores (0 and 1): two thresholds",
             (np.array([1, 0, 1, 1, 0, 0, 0, 1, 0, 0]), np.array([1, 0, 0, 1, 1, 0, 0, 1, 0, 0])),
             hidden=True, hint="Scores 1 are one threshold (precision 3/4, recall 3/4), scores 0 "
                               "the other (precision 4/10, recall 1). " + _AP),
        Case("the worst ranking: every positive below every negative",
             (np.array([0, 1, 0, 1, 0]), np.array([0.9, 0.2, 0.7, 0.1, 0.8])), hidden=True,
             hint=_AP),
        Case("every sample positive: 1.0", (np.ones(4, dtype=np.int64), np.array([0.3, 0.9, 0.1, 0.5])),
             hidden=True, hint="Every prediction is right, precision is always 1: AP = 1. " + _AP),
        Case("Python lists", ([0, 1, 1, 0, 0, 1, 0], [0.4, 0.35, 0.8, 0.1, 0.7, 0.6, 0.2]),
             hidden=True, hint="Turn both into NumPy arrays first (np.asarray). " + _AP),
    ],
    mistakes=[
        Mistake("The thresholds go the wrong way: sort by score from the highest down (a higher "
                "score means \"more likely positive\"), e.g. np.argsort(-scores). " + _AP,
                _ascending),
        Mistake("Equal scores must be one threshold: a threshold predicts every sample with that "
                "score at once, so take the precision after the whole group of ties, not sample "
                "by sample. " + _AP, _sample_by_sample),
        Mistake("That is the trapezoid area under the curve (np.trapz, sklearn.metrics.auc): "
                "average precision is a sum of rectangles, (recall gained) * (precision at that "
                "threshold), which does not interpolate between points. " + _AP, _trapezoid),
        Mistake("You used the interpolated precision (the best precision at this recall or "
                "beyond, as in the PASCAL VOC metric); scikit-learn's average precision uses the "
                "precision at each threshold itself. " + _AP, _interpolated),
        Mistake("That is the plain mean of the precisions: weight each one by the recall gained "
                "at its threshold. " + _AP, _mean_precision),
        Mistake("Precision and recall are swapped: sum (recall gained) * precision, the recall "
                "on the x-axis of the curve. " + _AP, _swapped),
        Mistake("That is the ROC AUC (the chance that a positive scores above a negative), the "
                "area under the curve of true-positive rate against false-positive rate. With few "
                "positives it looks good even when precision is poor; the exercise asks for the "
                "area under the precision-recall curve. " + _AP, _roc_auc),
        Mistake("That is the precision at the lowest threshold (predict everything positive), "
                "the fraction of positives: sum the precisions over all thresholds, each times the "
                "recall gained there. " + _AP, _precision_at_the_end),
    ],
)

EXERCISES = [BALANCED_CLASS_WEIGHTS, AVERAGE_PRECISION]
