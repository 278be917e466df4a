"""Lesson 07c's references proven against scikit-learn, its quiz table checked, its data and
figures tested.

- ``balanced_class_weights`` equals ``compute_class_weight("balanced", ...)`` and gives every class
  the same total weight; ``average_precision`` equals ``average_precision_score`` on random
  inputs, ties, hard predictions, log-odds and edge cases, and only the order of the scores
  matters;
- ``architecture_for``'s table: every task has an answer in ARCHITECTURES, every rule and every
  answer is used, and the handout's examples get the handout's networks;
- the generated fraud data is seeded, 1 % fraud, split stratified, and learnable but not trivially;
- the figures run headless, and importing the lesson's modules loads no framework.
"""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from dlcourse.reference import applications as apps
from dlcourse.reference import imbalance as ref

sklearn_metrics = pytest.importorskip("sklearn.metrics")
from sklearn.utils.class_weight import compute_class_weight  # noqa: E402


# --------------------------------------------------------------------------------------------
# balanced_class_weights
# --------------------------------------------------------------------------------------------

def _labels(seed: int, n: int, k: int) -> np.ndarray:
    """n labels of k classes, every class present, uneven counts."""
    rng = np.random.default_rng(seed)
    counts = 1 + rng.multinomial(n - k, rng.dirichlet(np.full(k, 0.5)))
    return rng.permutation(np.repeat(np.arange(k), counts))


@pytest.mark.parametrize("seed, n, k", [(0, 10, 2), (1, 200, 2), (2, 57, 3), (3, 1000, 5),
                                        (4, 7, 7), (5, 10_000, 2), (6, 31, 4)])
def test_balanced_class_weights_equal_scikit_learns(seed, n, k):
    y = _labels(seed, n, k)
    expected = compute_class_weight("balanced", classes=np.arange(k), y=y)
    for form in (y, y.reshape(-1, 1).astype(np.float64), list(y)):
        got = ref.balanced_class_weights(form)
        assert got.shape == (k,) and got.dtype == np.float64
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_balanced_weights_give_every_class_the_same_total():
    y = _labels(9, 500, 4)
    w = ref.balanced_class_weights(y)
    per_sample = w[y]
    assert per_sample.sum() == pytest.approx(len(y))                   # mean weight 1
    totals = np.bincount(y, weights=per_sample)
    np.testing.assert_allclose(totals, len(y) / 4)
    np.testing.assert_allclose(ref.balanced_class_weights(np.zeros(5, dtype=int)), [1.0])
    # the notebook's example: 1 % fraud
    np.testing.assert_allclose(ref.balanced_class_weights(np.r_[np.zeros(198), np.ones(2)]),
                               [200 / 396, 50.0])


# --------------------------------------------------------------------------------------------
# average_precision
# --------------------------------------------------------------------------------------------

def _scored(seed: int, n: int, rate: float, *, decimals: int | None = None):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < rate).astype(np.int64)
    y[rng.integers(n)] = 1
    scores = rng.normal(1.2 * y, 1.0)
    if decimals is not None:
        scores = np.round(scores, decimals)                            # many ties
    return y, scores


@pytest.mark.parametrize("seed, n, rate, decimals", [
    (0, 10, 0.3, None), (1, 100, 0.1, None), (2, 2000, 0.01, None), (3, 60, 0.5, 0),
    (4, 500, 0.05, 1), (5, 40, 0.3, 0), (6, 5, 0.5, None), (7, 300, 0.9, 1)])
def test_average_precision_equals_scikit_learns(seed, n, rate, decimals):
    y, s = _scored(seed, n, rate, decimals=decimals)
    expected = sklearn_metrics.average_precision_score(y, s)
    got = ref.average_precision(y, s)
    assert isinstance(got, float)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)
    # the course's shapes and types: columns of floats, lists
    assert ref.average_precision(y.reshape(-1, 1).astype(float), s.reshape(-1, 1)) == \
        pytest.approx(expected, rel=1e-12)
    assert ref.average_precision(list(y), list(s)) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("y, s", [
    ([1, 0, 1, 0], [0.9, 0.8, 0.4, 0.1]),                                  # the notebook's 0.8333
    ([1, 0, 1, 0, 1, 0, 0], [0.9, 0.6, 0.6, 0.6, 0.3, 0.2, 0.3]),          # ties
    ([1, 0, 1, 1, 0, 0, 0, 1, 0, 0], [1, 0, 0, 1, 1, 0, 0, 1, 0, 0]),      # hard predictions
    ([0, 1, 0, 1, 0], [0.9, 0.2, 0.7, 0.1, 0.8]),                          # the worst ranking
    ([1, 1, 1, 1], [0.3, 0.9, 0.1, 0.5]),                                  # all positive
    ([0, 0, 1, 0, 0], [0.5, 0.5, 0.5, 0.5, 0.5]),                          # one threshold
    ([0, 1], [-3.0, 2.5]),
])
def test_average_precision_edge_cases_equal_scikit_learns(y, s):
    assert ref.average_precision(y, s) == pytest.approx(
        sklearn_metrics.average_precision_score(y, s), rel=1e-12)


def test_only_the_order_of_the_scores_matters():
    y, s = _scored(11, 300, 0.1, decimals=1)
    ap = ref.average_precision(y, s)
    for transformed in (1 / (1 + np.exp(-s)), 3 * s + 7, np.exp(s)):
        assert ref.average_precision(y, transformed) == pytest.approx(ap, rel=1e-12)
    # a perfect ranking gives 1, and random scores give about the share of positives
    assert ref.average_precision(y, y + 0.1 * np.arange(len(y)) / len(y)) == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    y_rare = (rng.random(20_000) < 0.01).astype(int)
    assert ref.average_precision(y_rare, rng.random(20_000)) == pytest.approx(0.01, abs=0.005)


# --------------------------------------------------------------------------------------------
# architecture_for's table
# --------------------------------------------------------------------------------------------

def test_every_task_has_an_answer_and_every_rule_is_used():
    kinds = {kind for _, kind in apps.TASKS.values()}
    assert kinds == set(apps.RULES), "a task without a rule, or a rule no task uses"
    answers = {apps.architecture_for(task) for task in apps.TASKS}
    assert answers <= set(apps.ARCHITECTURES)
    assert answers == {net for net, _ in apps.RULES.values()} == set(apps.ARCHITECTURES)
    for task, (what, kind) in apps.TASKS.items():
        assert isinstance(what, str) and what and apps.architecture_for(task) == apps.RULES[kind][0]
    for net, reason in apps.RULES.values():
        assert reason and isinstance(reason, str)


def test_the_handouts_tasks_and_examples_get_the_handouts_networks():
    assert apps.architecture_for("mri_tumour_detection") == "CNN"      # "Deep learning (CNNs)"
    assert apps.architecture_for("lane_detection") == "CNN"            # Tesla Autopilot: CNNs
    assert apps.architecture_for("english_to_french") == "Transformer"  # "Transformers are better"
    assert apps.architecture_for("stock_prediction") == "RNN"          # 06: RNN, time series


def test_the_quiz_checker_asks_every_task():
    from dlcourse.checks.applications import ARCHITECTURE_FOR

    asked = {case.args[0] for case in ARCHITECTURE_FOR.cases if not case.drawn}
    assert asked == set(apps.TASKS)


# --------------------------------------------------------------------------------------------
# The generated fraud data
# --------------------------------------------------------------------------------------------

def test_the_payments_are_seeded_and_one_percent_fraud():
    from dlcourse.data.fraud import FEATURES, transactions

    X, y = transactions(5000)
    assert X.shape == (5000, len(FEATURES)) and y.shape == (5000, 1)
    assert X.dtype == y.dtype == np.float64
    assert set(np.unique(y)) == {0.0, 1.0} and y.sum() == 50
    np.testing.assert_array_equal(X, transactions(5000)[0])
    assert not np.array_equal(X, transactions(5000, seed=1)[0])
    assert transactions(1000, fraud_rate=0.05)[1].sum() == 50
    assert np.isfinite(X).all()
    hour = X[:, FEATURES.index("hour")]
    assert hour.min() >= 0 and hour.max() < 24
    assert set(np.unique(X[:, FEATURES.index("online")])) == {0.0, 1.0}
    with pytest.raises(ValueError):
        transactions(0)
    with pytest.raises(ValueError):
        transactions(100, fraud_rate=1.5)


def test_the_split_is_stratified_and_disjoint():
    from dlcourse.data.fraud import fraud_split, transactions

    d = fraud_split()
    assert d.X_train.shape == (30_000, 8) and d.X_test.shape == (10_000, 8)
    assert d.y_train.sum() == 300 and d.y_test.sum() == 100
    X, _ = transactions()
    rows = {row.tobytes() for row in X}
    train = {row.tobytes() for row in d.X_train}
    test = {row.tobytes() for row in d.X_test}
    assert not train & test and train | test == rows
    again = fraud_split()
    np.testing.assert_array_equal(d.X_test, again.X_test)
    with pytest.raises(ValueError):
        fraud_split(test_fraction=1.0)


def test_fraud_is_learnable_but_not_trivially():
    """Six features tell frauds apart a little each; the last two are the same for both classes."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from dlcourse.data.fraud import FEATURES, fraud_split

    d = fraud_split()
    scaler = StandardScaler().fit(d.X_train)
    model = LogisticRegression(max_iter=1000).fit(scaler.transform(d.X_train), d.y_train.ravel())
    ap = ref.average_precision(d.y_test, model.decision_function(scaler.transform(d.X_test)))
    assert 0.2 < ap < 0.8, ap                                  # far above 0.01, far from 1
    fraud = d.y_train[:, 0] == 1
    for name in FEATURES[:6]:
        column = d.X_train[:, FEATURES.index(name)]
        assert ref.average_precision(fraud, column) > 0.012 or \
            ref.average_precision(fraud, np.abs(column - 12)) > 0.012, name
    for name in FEATURES[6:]:
        column = d.X_train[:, FEATURES.index(name)]
        difference = abs(column[fraud].mean() - column[~fraud].mean()) / column.std()
        assert difference < 0.2, name
    # the best single feature is far from enough: the features together do much better
    single = max(ref.average_precision(d.y_test, d.X_test[:, k]) for k in range(6))
    assert single < ap - 0.1, (single, ap)


# --------------------------------------------------------------------------------------------
# The figures, and light imports
# --------------------------------------------------------------------------------------------

def test_the_figures_run_headless():
    import matplotlib

    matplotlib.use("Agg")
    from dlcourse.data.fraud import FEATURES, fraud_split
    from dlcourse.plots.imbalance import plot_fraud_scatter, plot_metric_bars, plot_pr_curves
    from dlcourse.plots.metrics import precision_recall_points

    d = fraud_split(4000)
    assert plot_fraud_scatter(d.X_train, d.y_train, names=FEATURES).axes
    rows = {"always genuine": {"accuracy": 0.99, "recall": 0.0},
            "model": {"accuracy": 0.95, "recall": 0.6}}
    assert plot_metric_bars(rows).axes
    y, s = _scored(3, 200, 0.1)
    fig = plot_pr_curves(y, {"a": s, "b": -s}, operating_points={"a": (0.5, 0.4)})
    assert fig.axes and "AP" in fig.axes[0].get_legend().get_texts()[0].get_text()
    _, precision, recall = precision_recall_points(y, s)
    assert np.sum(np.diff(np.r_[0.0, recall]) * precision) == pytest.approx(
        ref.average_precision(y, s))
    assert recall[-1] == 1.0 and np.all(np.diff(recall) >= 0)


def test_importing_the_lesson_loads_no_framework():
    code = ("import sys; import dlcourse.checks.imbalance, dlcourse.checks.applications, "
            "dlcourse.data.fraud, dlcourse.plots.imbalance; "
            "heavy = [m for m in ('torch', 'matplotlib', 'sklearn', 'tensorflow') if m in sys.modules]; "
            "print(heavy); sys.exit(1 if heavy else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
