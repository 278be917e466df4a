"""Lesson 03 exercises: mse, binary_cross_entropy, one_hot, categorical_cross_entropy,
softmax_cross_entropy, uniform_guess_loss (predict-then-run), bce_with_logits (find-the-bug).

Every loss is ONE number, the mean over the samples: a Python float, a NumPy float or a 0-d
array is accepted; an array of per-sample losses, or an array of shape (1,) holding the mean, gets
its own message. Logarithms are natural (``np.log``). The cross-entropies computed from
probabilities clip them (``eps = 1e-12``), so that probabilities of exactly 0 and 1 give large
finite losses; the cases at 0 and 1 allow a relative difference of 1e-5, because clipping
``p`` to ``1 - eps`` and clipping ``1 - p`` to ``eps`` differ in the sixth digit there.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..reference import losses as ref
from ..reference.activations import sigmoid, softmax
from .core import RTOL, ATOL, Case, Exercise, Mistake, compare_arrays, describe, redraw
from .core import seeded_data as _data
from ..data.logic import truth_table

#: the tolerance of the cases where probabilities are clipped (see the module's docstring)
CLIPPED_RTOL = 1e-5


def _labels(seed: int, n: int, k: int, *, column: bool = False) -> np.ndarray:
    """n integer labels in 0 .. k-1 (int64), every class present when n >= k; (n, 1) if column."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.resize(np.arange(k), n)) if n >= k else rng.integers(0, k, n)
    return labels.reshape(-1, 1) if column else labels


def _binary(seed: int, *shape: int) -> tuple[np.ndarray, np.ndarray]:
    """(y_true, y_prob): labels 0.0 / 1.0 and sigmoid probabilities, both of ``shape``."""
    rng = np.random.default_rng(seed)
    y = (rng.random(shape) < 0.5).astype(np.float64)
    y.flat[:2] = [0.0, 1.0]                       # both classes, always
    return y, np.asarray(sigmoid(rng.normal(0.0, 2.0, size=shape)))


def _classes(seed: int, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(y_onehot, probs) for n samples of k classes: softmax of random logits."""
    return ref.one_hot(_labels(seed, n, k), k), softmax(_data(seed + 1, n, k, scale=1.5))


def _loss_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """A loss is one number: per-sample losses and one-value arrays get their own message."""
    if np.ndim(expected) == 0 and isinstance(got, np.ndarray) and got.ndim > 0 \
            and got.dtype.kind in "fiu":
        if got.size == 1:
            return (f"The loss should be a single number, but it is an array of shape {got.shape} "
                    f"holding one value ({describe(got)}). np.mean(x) over everything gives a "
                    "number; np.mean(x, axis=0) on an (n, 1) array gives shape (1,). Take the "
                    "mean over all entries (or return float(...) of the one value).")
        return (f"The loss should be a single number, the mean over the samples, but the result "
                f"is an array of shape {got.shape} ({describe(got)}). Did you forget to take the "
                "mean, or take it over one axis only?")
    return compare_arrays(expected, got, rtol=rtol, atol=atol, what="the loss")


# --------------------------------------------------------------------------------------------
# mse(y_true, y_pred)
# --------------------------------------------------------------------------------------------

def _f(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


_, XOR_Y = truth_table("xor")
#: what the handout's XOR program prints after training
XOR_OUTPUT = np.array([[0.01], [0.98], [0.98], [0.02]])

MSE = Exercise(
    name="mse",
    params=("y_true", "y_pred"),
    reference=ref.mse,
    compare=_loss_compare,
    cases=[
        Case("the handout's trained XOR network: predictions [[0.01], [0.98], [0.98], [0.02]] "
             "for y = [[0], [1], [1], [0]] give MSE = 0.000325", (XOR_Y, XOR_OUTPUT),
             hint="The errors are 0.01, -0.02, -0.02 and 0.02; their squares are 0.0001, 0.0004, "
                  "0.0004 and 0.0004, and their mean is 0.000325."),
        Case("5 samples (5, 1) with errors of both signs and different sizes",
             (_data(11, 5, 1), _data(12, 5, 1, scale=2.0))),
        Case("two outputs per sample, shape (4, 2): the mean is over all 4 * 2 entries",
             (_data(13, 4, 2), _data(14, 4, 2)),
             hint="np.mean of the squared errors averages over every entry, n_samples * n_out "
                  "of them, like PyTorch's mse_loss."),
        Case("two numbers: mse(3.0, 2.5) = (2.5 - 3.0)**2 = 0.25", (3.0, 2.5)),
        Case("random values, shape (50, 1)",
             (redraw(_data, 50, 1, scale=3.0), redraw(_data, 50, 1)), hidden=True),
        Case("1-D arrays of 10 values", (redraw(_data, 10), redraw(_data, 10)), hidden=True),
        Case("a single sample of shape (1, 1)", (np.array([[2.0]]), np.array([[-1.5]])), hidden=True),
        Case("three outputs per sample, shape (6, 3)",
             (redraw(_data, 6, 3), redraw(_data, 6, 3, scale=0.5)), hidden=True),
        # one draw for both: y_pred is y_true (two equal arrays, not one array twice)
        Case("a perfect prediction has loss 0", redraw(lambda s: (_data(s, 3, 2), _data(s, 3, 2))),
             hidden=True),
        Case("Python ints: mse(2, 5) = 9", (2, 5), hidden=True),
    ],
    mistakes=[
        Mistake("You summed the squared errors instead of averaging them: MSE is the MEAN, "
                "np.mean((y_pred - y_true) ** 2), so it does not grow with the number of samples.",
                lambda y_true, y_pred: float(np.sum((_f(y_pred) - _f(y_true)) ** 2))),
        Mistake("That is the mean ABSOLUTE error (MAE), np.mean(np.abs(...)). MSE squares the "
                "errors: np.mean((y_pred - y_true) ** 2).",
                lambda y_true, y_pred: float(np.mean(np.abs(_f(y_pred) - _f(y_true))))),
        Mistake("You forgot to square the errors: without ** 2 positive and negative errors "
                "cancel out. MSE is np.mean((y_pred - y_true) ** 2).",
                lambda y_true, y_pred: float(np.mean(_f(y_pred) - _f(y_true)))),
        Mistake("You forgot to square the errors: without ** 2 positive and negative errors "
                "cancel out. MSE is np.mean((y_pred - y_true) ** 2).",
                lambda y_true, y_pred: float(np.mean(_f(y_true) - _f(y_pred)))),
        Mistake("You squared the mean error, (mean of the errors) ** 2. Square each error FIRST, "
                "then take the mean: np.mean((y_pred - y_true) ** 2).",
                lambda y_true, y_pred: float(np.mean(_f(y_pred) - _f(y_true)) ** 2)),
        Mistake("You took the square root: that is the RMSE (root mean squared error). MSE has "
                "no square root.",
                lambda y_true, y_pred: float(np.sqrt(np.mean((_f(y_pred) - _f(y_true)) ** 2)))),
        Mistake("Your loss is half the MSE. Some books put a 1/2 in front (it makes the "
                "derivative simpler); the MSE of this course and of PyTorch has no 1/2.",
                lambda y_true, y_pred: float(0.5 * np.mean((_f(y_pred) - _f(y_true)) ** 2))),
        Mistake("You divided the sum by the number of samples (rows), but with several outputs "
                "per sample there are n_samples * n_out squared errors: np.mean over all of them.",
                lambda y_true, y_pred: float(np.sum((_f(y_pred) - _f(y_true)) ** 2) / len(_f(y_true)))),
        Mistake("You took the mean over one axis only (axis=0), which leaves one number per "
                "column. Take the mean over all entries: np.mean((y_pred - y_true) ** 2).",
                lambda y_true, y_pred: np.mean((_f(y_pred) - _f(y_true)) ** 2, axis=0)),
    ],
)


# --------------------------------------------------------------------------------------------
# binary_cross_entropy(y_true, y_prob, eps=1e-12)
# --------------------------------------------------------------------------------------------

def _bce(y_true, y_prob, eps=1e-12, *, log=np.log, lo: float | None = None, hi: float | None = None,
         clip: bool = True, sign: float = -1.0, reduce=np.mean, second_term: bool = True):
    """Binary cross-entropy with one known mistake switched on (for the mistakes below).

    ``lo``/``hi`` replace the clipping bounds (``None``: ``eps`` and ``1 - eps``).
    """
    y, p = _f(y_true), _f(y_prob)
    if clip:
        p = np.clip(p, eps if lo is None else lo, (1.0 - eps) if hi is None else hi)
    terms = y * log(p) + ((1.0 - y) * log(1.0 - p) if second_term else 0.0)
    return float(sign * reduce(terms))


def _bce_no_clip(y_true, y_prob, eps=1e-12):
    return _bce(y_true, y_prob, clip=False)


def _bce_eps_too_big(y_true, y_prob, eps=1e-12):
    return _bce(y_true, y_prob, lo=1e-7, hi=1.0 - 1e-7)


def _bce_eps_too_small(y_true, y_prob, eps=1e-12):
    return _bce(y_true, y_prob, lo=1e-15, hi=1.0 - 1e-15)


def _bce_fixed_eps(y_true, y_prob, eps=1e-12):
    return _bce(y_true, y_prob, lo=1e-12, hi=1.0 - 1e-12)


BCE_CLIP_HINT = ("Clip the probabilities on both sides before taking logarithms, "
                 "p = np.clip(y_prob, eps, 1 - eps): np.log(0) is -inf (log(p) at p = 0, "
                 "log(1 - p) at p = 1), and 0 * -inf is nan.")

_EDGE_Y = np.array([[1.0], [0.0], [1.0], [0.0], [1.0]])
_EDGE_P = np.array([[1.0], [0.0], [0.0], [1.0], [0.8]])

BINARY_CROSS_ENTROPY = Exercise(
    name="binary_cross_entropy",
    params=("y_true", "y_prob", "eps"),
    reference=ref.binary_cross_entropy,
    compare=_loss_compare,
    cases=[
        Case("the handout's trained XOR network: predictions [[0.01], [0.98], [0.98], [0.02]] "
             "for y = [[0], [1], [1], [0]] give about 0.01766", (XOR_Y, XOR_OUTPUT),
             hint="-(log(1 - 0.01) + log(0.98) + log(0.98) + log(1 - 0.02)) / 4 = 0.01766: for a "
                  "label 1 the sample's loss is -log(p), for a label 0 it is -log(1 - p)."),
        Case("one sample as numbers: y = 1 and p = 0.9 give -log(0.9) = 0.1054", (1.0, 0.9)),
        Case("6 samples (6, 1) with labels 0 and 1", _binary(31, 6, 1)),
        Case("probabilities of exactly 0 and 1, right and wrong: clipped to [1e-12, 1 - 1e-12] "
             "the loss is large but finite (about 11.10), neither inf nor nan",
             (_EDGE_Y, _EDGE_P), rtol=CLIPPED_RTOL,
             hint="A wrong prediction with probability exactly 0 or 1 costs -log(1e-12) = 27.63 "
                  "once clipped; a right one costs almost 0."),
        Case("eps = 1e-3 given as an argument: use the eps you are given", (_EDGE_Y, _EDGE_P),
             {"eps": 1e-3}, rtol=CLIPPED_RTOL,
             hint="Clip with the eps argument, np.clip(y_prob, eps, 1 - eps), not a fixed number."),
        Case("random labels and probabilities, shape (50, 1)", redraw(_binary, 50, 1), hidden=True),
        Case("1-D arrays of 12 samples", redraw(_binary, 12), hidden=True),
        Case("a single sample of shape (1, 1), label 0", (np.array([[0.0]]), np.array([[0.3]])),
             hidden=True),
        Case("confident and wrong, p = 1e-9 for a label 1 and 1 - 1e-9 for a label 0 (a larger eps "
             "such as 1e-7 would change this loss)",
             (np.array([[1.0], [0.0], [1.0]]), np.array([[1e-9], [1.0 - 1e-9], [0.6]])), hidden=True),
        Case("p = 1e-11, just above eps = 1e-12: no clipping happens",
             (np.array([1.0, 0.0]), np.array([1e-11, 0.5])), hidden=True),
        Case("Python ints: y = 1 and p = 0 (clipped, finite)", (1, 0), rtol=CLIPPED_RTOL, hidden=True),
        Case("eps = 1e-6 and probabilities exactly 0 and 1 in a 1-D array",
             (np.array([0.0, 1.0, 1.0, 0.0]), np.array([0.0, 1.0, 0.0, 0.7])), {"eps": 1e-6},
             rtol=CLIPPED_RTOL, hidden=True),
    ],
    mistakes=[
        Mistake("Without clipping (or clipping one side only), a probability of exactly 0 or 1 "
                "gives an infinite or nan loss. " + BCE_CLIP_HINT, _bce_no_clip),
        Mistake("Your loss is negative: the logarithm of a probability is negative, so the "
                "cross-entropy has a minus sign in front, -mean(y log p + (1 - y) log(1 - p)).",
                lambda y_true, y_prob, eps=1e-12: _bce(y_true, y_prob, eps, sign=1.0)),
        Mistake("You summed over the samples instead of taking the mean: "
                "-np.mean(y * log(p) + (1 - y) * log(1 - p)).",
                lambda y_true, y_prob, eps=1e-12: _bce(y_true, y_prob, eps, reduce=np.sum)),
        Mistake("You used log10, the base-10 logarithm. Cross-entropy uses the natural "
                "logarithm, np.log (as PyTorch does).",
                lambda y_true, y_prob, eps=1e-12: _bce(y_true, y_prob, eps, log=np.log10)),
        Mistake("You used log2, the base-2 logarithm. Cross-entropy uses the natural logarithm, "
                "np.log (as PyTorch does).",
                lambda y_true, y_prob, eps=1e-12: _bce(y_true, y_prob, eps, log=np.log2)),
        Mistake("You clipped with a fixed eps of 1e-7 (Keras's default) instead of the eps you are "
                "given (1e-12 by default). A larger eps changes the loss of confident "
                "predictions: -log(1e-7) = 16.1, but -log(1e-12) = 27.6.", _bce_eps_too_big),
        Mistake("You clipped with a fixed eps of 1e-15 instead of the eps you are given: "
                "np.clip(y_prob, eps, 1 - eps).", _bce_eps_too_small),
        Mistake("Use the eps you are given (an argument of the function), not a fixed 1e-12: "
                "np.clip(y_prob, eps, 1 - eps).", _bce_fixed_eps),
        Mistake("The arguments look swapped: the labels come first, binary_cross_entropy(y_true, "
                "y_prob), and the logarithms are of the probabilities, log(p) and log(1 - p).",
                lambda y_true, y_prob, eps=1e-12: _bce(y_prob, y_true, eps)),
        Mistake("You kept only y * log(p): a sample with label 0 then costs nothing. Add its "
                "term: -mean(y log(p) + (1 - y) log(1 - p)).",
                lambda y_true, y_prob, eps=1e-12: _bce(y_true, y_prob, eps, second_term=False)),
        Mistake("That is the squared error, not the cross-entropy: -mean(y log(p) + "
                "(1 - y) log(1 - p)).",
                lambda y_true, y_prob, eps=1e-12: float(np.mean((_f(y_prob) - _f(y_true)) ** 2))),
    ],
)


# --------------------------------------------------------------------------------------------
# one_hot(labels, num_classes)
# --------------------------------------------------------------------------------------------

def _one_hot_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """float64 numbers, not booleans or integers, then the usual array comparison."""
    if isinstance(got, np.ndarray) and got.dtype.kind == "b":
        return (f"The result holds booleans ({describe(got)}). One-hot vectors are float64 "
                "numbers: start from np.zeros((n, num_classes)) and put 1.0 in each row.")
    if isinstance(got, np.ndarray) and got.dtype.kind in "iu":
        return (f"The result holds integers ({describe(got)}, dtype {got.dtype}); the course "
                "works in float64. Use np.zeros((n, num_classes)) (float64 by default) or "
                ".astype(float).")
    return compare_arrays(expected, got, rtol=rtol, atol=atol)


def _one_hot_eye(labels, num_classes):
    return np.eye(num_classes)[np.asarray(labels)]


def _one_hot_flat(labels):
    return np.asarray(labels).reshape(-1)


def _one_hot_all_rows(labels, num_classes):
    flat = _one_hot_flat(labels)
    out = np.zeros((len(flat), num_classes))
    out[:, flat] = 1.0
    return out


ONE_HOT = Exercise(
    name="one_hot",
    params=("labels", "num_classes"),
    reference=ref.one_hot,
    compare=_one_hot_compare,
    cases=[
        Case("labels [0, 2, 1, 2] with 3 classes give a (4, 3) array",
             (np.array([0, 2, 1, 2]), 3),
             hint="Row i is all 0.0 except a 1.0 in column labels[i]: [0, 2, 1, 2] gives rows "
                  "[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]. In code: out = np.zeros((n, "
                  "num_classes)), then out[np.arange(n), labels] = 1.0 sets one entry per row "
                  "(row i, column labels[i])."),
        Case("labels as a column of shape (5, 1), as y is stored in this course",
             (np.array([[3], [0], [1], [3], [2]]), 4),
             hint="Flatten the labels first, labels.reshape(-1): a (5, 1) column gives 5 rows."),
        Case("num_classes = 4 but class 3 never appears: labels [1, 0, 1], still 4 columns",
             (np.array([1, 0, 1]), 4),
             hint="The number of columns is num_classes, whatever labels happen to appear."),
        Case("the 10 digit classes, 30 labels", (redraw(_labels, 30, 10), 10), hidden=True),
        Case("one sample: label [[7]] of 10 classes", (np.array([[7]]), 10), hidden=True),
        Case("a column of 8 labels, 5 classes", (redraw(_labels, 8, 5, column=True), 5),
             hidden=True),
        Case("every label the same: [2, 2, 2, 2, 2, 2] of 3 classes", (np.full(6, 2), 3), hidden=True),
        Case("int32 labels", (redraw(lambda s: _labels(s, 7, 6).astype(np.int32)), 6), hidden=True),
    ],
    mistakes=[
        Mistake("Your array is transposed: one ROW per sample (n, num_classes), not one column "
                "per sample.", lambda labels, num_classes: ref.one_hot(labels, num_classes).T),
        Mistake("With labels of shape (n, 1), np.eye(num_classes)[labels] has shape "
                "(n, 1, num_classes). Flatten the labels first: labels.reshape(-1).",
                _one_hot_eye),
        Mistake("The number of columns must be num_classes, not labels.max() + 1: a class may be "
                "missing from the labels you are given.",
                lambda labels, num_classes: ref.one_hot(labels, int(np.max(labels)) + 1)),
        Mistake("The 1.0 is one column too far to the left (labels - 1): classes are numbered "
                "from 0, so label 0 puts its 1.0 in column 0.",
                lambda labels, num_classes: np.eye(num_classes)[_one_hot_flat(labels) - 1]),
        Mistake("The 1.0 is one column too far to the right (labels + 1): classes are numbered "
                "from 0, so label 0 puts its 1.0 in column 0.",
                lambda labels, num_classes: np.eye(num_classes)[(_one_hot_flat(labels) + 1)
                                                                % num_classes]),
        Mistake("out[:, labels] = 1.0 sets those columns in EVERY row. Each row gets one 1.0, "
                "at its own label: out[np.arange(n), labels] = 1.0.", _one_hot_all_rows),
    ],
)


# --------------------------------------------------------------------------------------------
# categorical_cross_entropy(y_onehot, probs)
# --------------------------------------------------------------------------------------------

def _cce(y_onehot, probs, *, log=np.log, eps: float | None = 1e-12, sign: float = -1.0,
         axis: int = -1, reduce: str = "mean"):
    """Categorical cross-entropy with one known mistake switched on (for the mistakes below)."""
    y, p = _f(y_onehot), _f(probs)
    if eps is not None:
        p = np.clip(p, eps, 1.0)
    if reduce == "all":
        return float(sign * np.mean(y * log(p)))
    per = np.sum(y * log(p), axis=axis)
    return float(sign * (np.sum(per) if reduce == "sum" else np.mean(per)))


CCE_CLIP_HINT = ("Clip the probabilities before the logarithm, p = np.clip(probs, 1e-12, 1.0): "
                 "np.log(0) is -inf, and even where y is 0, 0 * -inf is nan.")

_EDGE_ONEHOT = ref.one_hot(np.array([0, 1, 2]), 4)
_EDGE_PROBS = np.array([[0.0, 0.5, 0.5, 0.0], [0.2, 0.8, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])

CATEGORICAL_CROSS_ENTROPY = Exercise(
    name="categorical_cross_entropy",
    params=("y_onehot", "probs"),
    reference=ref.categorical_cross_entropy,
    compare=_loss_compare,
    cases=[
        Case("two samples of 3 classes, true classes 0 and 2 with p = 0.7 and 0.5: the loss is "
             "(-log(0.7) - log(0.5)) / 2 = 0.5249",
             (np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),
              np.array([[0.7, 0.2, 0.1], [0.1, 0.4, 0.5]])),
             hint="Only the true class counts: the first sample costs -(1 * log 0.7 + 0 * log 0.2 "
                  "+ 0 * log 0.1) = -log 0.7, the second -log 0.5; the loss is their mean."),
        Case("4 samples of 3 classes: sum over the classes, mean over the samples",
             _classes(51, 4, 3),
             hint="For each sample (row) sum y * log(p) over the classes (axis=1), then take the "
                  "mean over the samples and put a minus sign in front."),
        Case("probabilities of exactly 0, for the true class and for others: clipped to 1e-12 "
             "the loss is finite (about 9.28)", (_EDGE_ONEHOT, _EDGE_PROBS)),
        Case("10 classes, 20 samples", redraw(_classes, 20, 10), hidden=True),
        Case("a single sample of 5 classes", redraw(_classes, 1, 5), hidden=True),
        Case("confident and wrong: p = 1e-9 for the true class (a larger eps such as 1e-7 would "
             "change this loss)",
             (ref.one_hot(np.array([1, 0]), 3), np.array([[0.5, 1e-9, 0.5 - 1e-9], [0.6, 0.3, 0.1]])),
             hidden=True),
        Case("2 classes, 7 samples", redraw(_classes, 7, 2), hidden=True),
    ],
    mistakes=[
        Mistake("Without clipping, a probability of exactly 0 gives np.log(0) = -inf. "
                + CCE_CLIP_HINT, lambda y_onehot, probs: _cce(y_onehot, probs, eps=None)),
        Mistake("Your loss is negative: the logarithm of a probability is negative, so the "
                "cross-entropy has a minus sign in front, -mean(sum(y * log(p), axis=1)).",
                lambda y_onehot, probs: _cce(y_onehot, probs, sign=1.0)),
        Mistake("You summed over the samples instead of taking the mean: sum over the classes "
                "(axis=1), then np.mean over the samples.",
                lambda y_onehot, probs: _cce(y_onehot, probs, reduce="sum")),
        Mistake("You took the mean over all n * k entries, which divides by the number of classes "
                "too. Sum over the classes (axis=1) first, then take the mean over the samples.",
                lambda y_onehot, probs: _cce(y_onehot, probs, reduce="all")),
        Mistake("You summed over axis=0, the samples, then averaged over the classes. Each ROW is "
                "a sample: sum over the classes, axis=1, then take the mean over the samples.",
                lambda y_onehot, probs: _cce(y_onehot, probs, axis=0)),
        Mistake("You used log10, the base-10 logarithm. Cross-entropy uses the natural "
                "logarithm, np.log (as PyTorch does).",
                lambda y_onehot, probs: _cce(y_onehot, probs, log=np.log10)),
        Mistake("You used log2, the base-2 logarithm. Cross-entropy uses the natural logarithm, "
                "np.log (as PyTorch does).",
                lambda y_onehot, probs: _cce(y_onehot, probs, log=np.log2)),
        Mistake("You clipped with eps = 1e-7: that changes the loss of confident predictions "
                "(-log(1e-7) = 16.1, but -log(1e-12) = 27.6). Clip with 1e-12, as "
                "binary_cross_entropy does.", lambda y_onehot, probs: _cce(y_onehot, probs, eps=1e-7)),
        Mistake("The arguments look swapped: the one-hot targets come first, "
                "categorical_cross_entropy(y_onehot, probs), and the logarithm is of the "
                "probabilities.", lambda y_onehot, probs: _cce(probs, y_onehot)),
        Mistake("That is the binary cross-entropy formula, with a (1 - y) log(1 - p) term for "
                "every class. With k classes only the true class counts: "
                "-mean(sum(y * log(p), axis=1)).",
                lambda y_onehot, probs: float(-np.mean(np.sum(
                    _f(y_onehot) * np.log(np.clip(_f(probs), 1e-12, 1 - 1e-12))
                    + (1 - _f(y_onehot)) * np.log(np.clip(1 - _f(probs), 1e-12, 1)), axis=-1)))),
    ],
)


# --------------------------------------------------------------------------------------------
# softmax_cross_entropy(logits, labels)
# --------------------------------------------------------------------------------------------

def _rows(logits, labels) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    z = _f(logits)
    idx = np.asarray(labels).reshape(-1)
    return z, idx, np.arange(len(idx))


def _sce_naive(logits, labels):
    """log(exp(z) / sum(exp(z))) straight from the formula."""
    z, idx, rows = _rows(logits, labels)
    p = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
    return float(-np.mean(np.log(p[rows, idx])))


def _sce_lse_without_max(logits, labels):
    z, idx, rows = _rows(logits, labels)
    return float(np.mean(np.log(np.sum(np.exp(z), axis=1)) - z[rows, idx]))


def _sce_softmax_then_log(logits, labels):
    z, idx, rows = _rows(logits, labels)
    return float(-np.mean(np.log(softmax(z)[rows, idx])))


def _sce_softmax_then_clipped_log(logits, labels):
    z, idx, rows = _rows(logits, labels)
    return float(-np.mean(np.log(np.clip(softmax(z)[rows, idx], 1e-12, 1.0))))


def _sce_global_max(logits, labels):
    z, idx, rows = _rows(logits, labels)
    shifted = z - np.max(z)
    return float(np.mean(np.log(np.sum(np.exp(shifted), axis=1)) - shifted[rows, idx]))


def _sce_forgot_max_back(logits, labels):
    z, idx, rows = _rows(logits, labels)
    m = np.max(z, axis=1)
    return float(np.mean(np.log(np.sum(np.exp(z - m[:, None]), axis=1)) - z[rows, idx]))


def _sce_max_no_keepdims(logits, labels):
    z, idx, rows = _rows(logits, labels)
    shifted = z - np.max(z, axis=1)                # broadcasts along the wrong axis
    return float(np.mean(np.log(np.sum(np.exp(shifted), axis=1)) - shifted[rows, idx]))


def _sce_column_labels(logits, labels):
    """labels (n, 1) used as they are: z[rows, labels] broadcasts to (n, n)."""
    z = _f(logits)
    log_p = ref.log_softmax(z)
    return float(-np.mean(log_p[np.arange(len(z)), np.asarray(labels)]))


def _sce_variant(*, sign: float = -1.0, base: float = np.e, reduce: str = "mean"):
    def variant(logits, labels):
        z, idx, rows = _rows(logits, labels)
        log_p = ref.log_softmax(z) / np.log(base)     # log_base(p) = ln(p) / ln(base)
        if reduce == "all":
            return float(sign * np.mean(log_p * ref.one_hot(idx, z.shape[1])))
        picked = log_p[rows, idx]
        return float(sign * (np.sum(picked) if reduce == "sum" else np.mean(picked)))
    return variant


SCE_STABLE = ("loss = logsumexp(z) - z[label], with logsumexp(z) = m + log(sum(exp(z - m))) and m "
              "the maximum of each row (axis=1, keepdims=True): every exp is then of a number "
              "<= 0, and no log of 0 is ever taken.")

SCE_CODE = ("Per row: m = np.max(z, axis=1, keepdims=True) (shape (n, 1)), logsumexp = m[:, 0] + "
            "np.log(np.sum(np.exp(z - m), axis=1)) (shape (n,)); the true class's logit of each "
            "row is z[np.arange(n), labels] with the labels flattened; the loss is "
            "np.mean(logsumexp - z[np.arange(n), labels]).")

SOFTMAX_CROSS_ENTROPY = Exercise(
    name="softmax_cross_entropy",
    params=("logits", "labels"),
    reference=ref.softmax_cross_entropy,
    compare=_loss_compare,
    cases=[
        Case("one sample: logits [[2.0, 1.0, 0.1]] and label [0] give -log(softmax(z)[0]) = 0.417",
             (np.array([[2.0, 1.0, 0.1]]), np.array([0])), hint=SCE_CODE),
        Case("5 samples of 4 classes, labels of shape (5,)",
             (_data(61, 5, 4, scale=2.0), _labels(62, 5, 4)), hint=SCE_CODE),
        Case("labels as a column of shape (4, 1), as y is stored in this course",
             (_data(63, 4, 3, scale=2.0), _labels(64, 4, 3, column=True)),
             hint="Flatten the labels first, labels.reshape(-1): with a (4, 1) column, "
                  "z[np.arange(4), labels] picks a (4, 4) block instead of 4 values."),
        Case("large logits (+-1000), the right classes win: the loss is about 0.66, with no "
             "overflow",
             (np.array([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 999.0]]), np.array([0, 2])),
             hint=SCE_STABLE),
        Case("large logits, confidently wrong: the first sample's true class has logit -1000, "
             "2000 below the best one, so the loss is about 1000.66",
             (np.array([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 999.0]]), np.array([2, 2])),
             hint=SCE_STABLE),
        Case("random logits, 30 samples of 10 classes",
             (redraw(_data, 30, 10, scale=5.0), redraw(_labels, 30, 10)), hidden=True),
        Case("a single sample (1, 5) with its label as a (1, 1) column",
             (redraw(_data, 1, 5), redraw(_labels, 1, 5, column=True)), hidden=True),
        Case("rows of very different sizes, [-1000, -1001, -1002] and [1000, 999, 998]: subtract "
             "each ROW's maximum",
             (np.array([[-1000.0, -1001.0, -1002.0], [1000.0, 999.0, 998.0]]), np.array([1, 0])),
             hidden=True, hint=SCE_STABLE),
        # labels fixed: a 3-cycle, so that z[labels, rows] (rows and columns mixed up) differs
        # from z[rows, labels]; a permutation that is its own inverse would hide it
        Case("square logits (3 samples, 3 classes)",
             (redraw(_data, 3, 3, scale=3.0), np.array([2, 0, 1])), hidden=True),
        Case("equal logits [-1000, -1000, -1000]: the loss is log(3)",
             (np.full((1, 3), -1000.0), np.array([1])), hidden=True, hint=SCE_STABLE),
    ],
    mistakes=[
        Mistake("np.exp(1000) overflows to inf, and inf / inf is nan. Never compute exp of a large "
                "number: " + SCE_STABLE, _sce_naive),
        Mistake("softmax followed by np.log fails when a probability underflows to 0 (softmax of "
                "[1000, 0, -1000] gives exactly 0 for the last class, and -log(0) is inf). Work "
                "with the logits directly: " + SCE_STABLE, _sce_softmax_then_log),
        Mistake("softmax followed by a clipped log caps the loss at -log(1e-12) = 27.6, but a "
                "confidently wrong prediction can cost far more (2000 here). Work with the "
                "logits directly: " + SCE_STABLE, _sce_softmax_then_clipped_log),
        Mistake("log(sum(exp(z))) overflows for large logits (np.exp(1000) is inf): subtract the "
                "maximum first and add it back, " + SCE_STABLE, _sce_lse_without_max),
        Mistake("You subtracted the maximum of the whole array; subtract each ROW's maximum, "
                "np.max(z, axis=1, keepdims=True), or rows far below it underflow to 0.",
                _sce_global_max),
        Mistake("You subtracted the maximum m but did not add it back: logsumexp(z) = "
                "m + log(sum(exp(z - m))). Or subtract m from z[label] too: the loss is "
                "log(sum(exp(z - m))) - (z[label] - m).", _sce_forgot_max_back),
        Mistake("np.max(z, axis=1) has shape (n,) and z - max broadcasts it along the wrong axis: "
                "use np.max(z, axis=1, keepdims=True), shape (n, 1).", _sce_max_no_keepdims),
        Mistake("With labels of shape (n, 1), z[np.arange(n), labels] is an (n, n) block, not one "
                "value per sample. Flatten the labels first: labels.reshape(-1).",
                _sce_column_labels),
        Mistake("You took the logarithm of the logits themselves. Logits are raw scores (any real "
                "numbers), not probabilities: the loss is -log(softmax(z)[label]), computed "
                "stably as " + SCE_STABLE,
                lambda logits, labels: float(-np.mean(np.log(_f(logits)[_rows(logits, labels)[2],
                                                                   _rows(logits, labels)[1]])))),
        Mistake("Your loss is negative: the loss is -log(softmax(z)[label]) = "
                "logsumexp(z) - z[label], with a minus sign in front of the log-probability.",
                _sce_variant(sign=1.0)),
        Mistake("You summed over the samples instead of taking the mean.",
                _sce_variant(reduce="sum")),
        Mistake("You took the mean over all n * k entries of one_hot * log_softmax, which divides "
                "by the number of classes too: sum over the classes, then the mean over samples.",
                _sce_variant(reduce="all")),
        Mistake("You used log10, the base-10 logarithm. Cross-entropy uses the natural "
                "logarithm, np.log (as PyTorch does).", _sce_variant(base=10.0)),
        Mistake("You used log2, the base-2 logarithm. Cross-entropy uses the natural logarithm, "
                "np.log (as PyTorch does).", _sce_variant(base=2.0)),
    ],
)

# --------------------------------------------------------------------------------------------
# uniform_guess_loss: predict-then-run, the loss of equal logits over 10 classes
# --------------------------------------------------------------------------------------------

def _uniform_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    if got is None:  # a value, not a function: "did you forget `return`?" would mislead
        return "uniform_guess_loss is None. Replace None with your prediction: one number."
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)) \
            and not (isinstance(got, np.ndarray) and got.ndim == 0 and got.dtype.kind in "fiu"):
        return (f"uniform_guess_loss should be one number (like 1.234), but it is {describe(got)}.")
    value = float(got)
    if not np.isfinite(value) or abs(value - expected) > atol:
        return (f"uniform_guess_loss is {value:.4g}, but that is not the loss of 10 equal logits "
                f"(to {atol:g}).")
    return None


UNIFORM_GUESS_LOSS = Exercise(
    name="uniform_guess_loss",
    params=(),
    reference=ref.uniform_guess_loss,
    compare=_uniform_compare,
    is_value=True,
    cases=[Case("the softmax cross-entropy of logits that are all equal, over the 10 digit classes "
                "(3 decimals are enough)", atol=1e-3,
                hint="Equal logits give every class the same probability. The loss of a sample is "
                     "-log of the probability given to its true class (natural logarithm).")],
    mistakes=[
        Mistake("0.1 is the probability softmax gives each of the 10 classes; the loss is -log "
                "of that probability, with the natural logarithm: -np.log(0.1).", lambda: 0.1),
        Mistake("0.9 is the probability given to the other classes. The loss of a sample is -log "
                "of the probability of its TRUE class, 1/10.", lambda: 0.9),
        Mistake("Equal logits of 0 do not make the loss 0: softmax turns them into probabilities "
                "of 1/10 each, and the loss is -log of the true class's probability.", lambda: 0.0),
        Mistake("1.0 is log10(10): cross-entropy uses the natural logarithm, np.log.", lambda: 1.0),
        Mistake("3.32 is log2(10): cross-entropy uses the natural logarithm, np.log.",
                lambda: float(np.log2(10.0))),
        Mistake("0.693 = log 2 is the loss of a uniform guess between 2 classes; the digits have "
                "10.", lambda: float(np.log(2.0))),
        Mistake("A loss is never negative: it is MINUS the log of a probability.",
                lambda: float(-np.log(10.0))),
        Mistake("That is a sum over the 10 classes (or samples). Each sample costs -log of one "
                "probability, its true class's, and the loss is the mean over the samples.",
                lambda: float(10.0 * np.log(10.0))),
    ],
)


# --------------------------------------------------------------------------------------------
# bce_with_logits(y_true, logits): find-the-bug, binary cross-entropy from the logit
# --------------------------------------------------------------------------------------------

def _softplus(t: np.ndarray) -> np.ndarray:
    """log(1 + e^t), stably."""
    return np.maximum(t, 0.0) + np.log1p(np.exp(-np.abs(t)))


def _bwl(y_true, logits, *, reduce=np.mean, label_one=None, label_zero=None, sign: float = 1.0):
    """bce_with_logits with one known mistake switched on (for the mistakes below)."""
    y, z = _f(y_true), _f(logits)
    one = _softplus(-z) if label_one is None else label_one(z)
    zero = _softplus(z) if label_zero is None else label_zero(z)
    return float(sign * reduce(y * one + (1.0 - y) * zero))


def _bwl_clipped(y_true, logits):
    """The broken function of the lesson: sigmoid first, then the clipped binary cross-entropy."""
    return ref.binary_cross_entropy(y_true, sigmoid(_f(logits)))


def _bwl_unclipped(y_true, logits):
    """sigmoid first, then the textbook formula: log(0) for confident logits."""
    y, p = _f(y_true), 1.0 / (1.0 + np.exp(-_f(logits)))
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def _bwl_naive_softplus(y_true, logits):
    y, z = _f(y_true), _f(logits)
    return float(np.mean(y * np.log(1.0 + np.exp(-z)) + (1.0 - y) * np.log(1.0 + np.exp(z))))


BWL_STABLE = ("For a label 1 a sample costs -log(sigmoid(z)) = log(1 + e^-z), for a label 0 "
              "-log(1 - sigmoid(z)) = log(1 + e^z); together the loss is np.mean(np.maximum(z, 0) "
              "- y * z + np.log1p(np.exp(-np.abs(z)))), which never computes exp of a positive "
              "number and needs no clipping.")

_BROKEN_Y = np.array([[1.0], [0.0], [1.0]])
_BROKEN_Z = np.array([[-40.0], [40.0], [2.0]])


def _logit_data(seed: int, *shape: int, scale: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """(y_true, logits): labels 0.0 / 1.0 (both present) and normal logits, both of ``shape``."""
    rng = np.random.default_rng(seed)
    y = (rng.random(shape) < 0.5).astype(np.float64)
    y.flat[:2] = [0.0, 1.0]
    return y, rng.normal(0.0, scale, size=shape)


BCE_WITH_LOGITS = Exercise(
    name="bce_with_logits",
    params=("y_true", "logits"),
    reference=ref.bce_with_logits,
    compare=_loss_compare,
    cases=[
        Case("the broken function's example: labels [[1], [0], [1]] and logits [[-40], [40], [2]] "
             "cost about 40, 40 and 0.127, a mean of about 26.71 (the broken one says 18.46)",
             (_BROKEN_Y, _BROKEN_Z), hint=BWL_STABLE),
        Case("one sample as numbers: y = 1 and z = 0 (p = 0.5) give log 2 = 0.6931", (1.0, 0.0)),
        Case("6 samples (6, 1), ordinary logits: the same as binary_cross_entropy(y, sigmoid(z))",
             _logit_data(71, 6, 1), hint=BWL_STABLE),
        Case("logits of +-1000, two right and two wrong: (0 + 0 + 1000 + 1000) / 4 = 500, with no "
             "overflow",
             (np.array([[1.0], [0.0], [1.0], [0.0]]), np.array([[1000.0], [-1000.0], [-1000.0], [1000.0]])),
             hint=BWL_STABLE),
        Case("random labels and logits, shape (50, 1)", redraw(_logit_data, 50, 1), hidden=True),
        Case("1-D arrays of 12 samples, large logits (many saturated)",
             redraw(_logit_data, 12, scale=30.0), hidden=True),
        Case("three outputs per sample, shape (5, 3): the mean is over all 15 entries (y.size)",
             redraw(_logit_data, 5, 3), hidden=True,
             hint="The mean is over every entry, y.size = n_samples * n_out of them, as in "
                  "binary_cross_entropy: np.mean, not a sum divided by len(y)."),
        Case("Python ints: y = 0 and z = 3 give log(1 + e^3) = 3.049", (0, 3), hidden=True),
        Case("logits of exactly 0, labels 0 and 1: every sample costs log 2",
             (np.array([[0.0], [1.0], [1.0]]), np.zeros((3, 1))), hidden=True),
        Case("confidently wrong at +-800: labels [[0], [1]], logits [[800], [-800]] cost 800 each",
             (np.array([[0.0], [1.0]]), np.array([[800.0], [-800.0]])), hidden=True,
             hint=BWL_STABLE),
    ],
    mistakes=[
        Mistake("sigmoid first, then the clipped binary cross-entropy: a confidently wrong logit "
                "is capped at -log(1e-12) = 27.63, however wrong (and its slope is 0, so "
                "training cannot fix it). Work from z directly: " + BWL_STABLE, _bwl_clipped),
        Mistake("log(1 + np.exp(t)) overflows when t is large (np.exp(1000) is inf). It is the "
                "log-sum-exp of 0 and t: take the larger of the two out, log(1 + e^t) = "
                "max(t, 0) + log(1 + e^-|t|). " + BWL_STABLE, _bwl_naive_softplus),
        Mistake("sigmoid first, then np.log: sigmoid(40) is exactly 1.0 and sigmoid(-1000) "
                "exactly 0.0, and log(0) is -inf. Work from z directly: " + BWL_STABLE,
                _bwl_unclipped),
        Mistake("The two labels are swapped: a label 1 costs log(1 + e^-z), small when z is large "
                "and positive (the network says 1); a label 0 costs log(1 + e^z).",
                lambda y_true, logits: _bwl(y_true, logits, label_one=_softplus,
                                            label_zero=lambda z: _softplus(-z))),
        Mistake("You dropped the max(z, 0) part: log(1 + e^z) = max(z, 0) + log(1 + e^-|z|), "
                "and the loss is np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))).",
                lambda y_true, logits: float(np.mean(np.log1p(np.exp(-np.abs(_f(logits))))
                                                     - _f(y_true) * _f(logits)))),
        Mistake("You dropped the - y * z part, so every sample is scored as if its label were 0: "
                "the loss is np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))).",
                lambda y_true, logits: float(np.mean(_softplus(_f(logits))))),
        Mistake("Your loss is negative: each sample costs -log of a probability, a positive "
                "number (log(1 + e^-z) for a label 1).",
                lambda y_true, logits: _bwl(y_true, logits, sign=-1.0)),
        Mistake("You summed over the samples instead of taking the mean.",
                lambda y_true, logits: _bwl(y_true, logits, reduce=np.sum)),
        Mistake("You divided the sum by the number of rows, but with several outputs per sample "
                "the mean is over all y.size = n_samples * n_out entries: np.mean.",
                lambda y_true, logits: _bwl(y_true, logits,
                                            reduce=lambda t: np.sum(t) / len(np.atleast_1d(t)))),
    ],
)

EXERCISES = [MSE, BINARY_CROSS_ENTROPY, ONE_HOT, CATEGORICAL_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY,
             UNIFORM_GUESS_LOSS, BCE_WITH_LOGITS]
