"""Generated card payments of lesson 07c: fraud detection, where about 1 % of the samples are fraud.

Nothing is downloaded: every payment is drawn from a seed. Each row is one payment described by
eight numbers (:data:`FEATURES`); its label is 1 for a fraud, 0 for a genuine payment. Frauds
differ from genuine payments in six of the features, each only a little and each with much
overlap (larger amounts, at night, far from home, in bursts, online, at riskier merchants), so
no single feature gives them away; the last two features are drawn the same way for both classes
(distractors). Exactly ``round(fraud_rate * n_samples)`` payments are frauds, at random rows.

    data = fraud_split()    # X_train (30000, 8), y_train (30000, 1): 300 frauds
                            # X_test (10000, 8), y_test (10000, 1): 100 frauds; all float64
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

#: the columns of X, in order
FEATURES = ("log_amount", "hour", "log_distance_km", "payments_24h", "online", "merchant_risk",
            "account_age_years", "customer_age")
#: the default data: 40 000 payments, 1 % of them frauds, a quarter kept for testing, seed 0
N_SAMPLES, FRAUD_RATE, TEST_FRACTION, SEED = 40_000, 0.01, 0.25, 0


def _draw(rng: np.random.Generator, n: int, fraud: bool) -> np.ndarray:
    """n payments of one class: (n, 8) float64, the columns of :data:`FEATURES`."""
    if fraud:
        log_amount = rng.normal(4.3, 1.1, n)                  # about 75 euros, widely spread
        night = rng.random(n) < 0.45                          # many frauds happen at night
        hour = np.where(night, rng.normal(3.0, 2.0, n), rng.normal(14.0, 4.5, n))
        far = rng.random(n) < 0.45
        log_distance = np.where(far, rng.normal(5.0, 1.0, n), rng.normal(2.0, 1.0, n))
        payments_24h = rng.poisson(4.0, n)
        online = rng.random(n) < 0.65
        merchant_risk = rng.beta(3.0, 6.0, n)
    else:
        log_amount = rng.normal(3.4, 1.0, n)                  # about 30 euros
        hour = rng.normal(14.0, 4.0, n)
        log_distance = rng.normal(2.0, 1.0, n)                # about 7 km from home
        payments_24h = rng.poisson(2.0, n)
        online = rng.random(n) < 0.35
        merchant_risk = rng.beta(2.0, 7.0, n)
    account_age = rng.gamma(2.0, 3.0, n)                      # the same for both classes
    customer_age = rng.uniform(18.0, 85.0, n)
    return np.column_stack([log_amount, np.mod(hour, 24.0), np.clip(log_distance, 0.0, None),
                            payments_24h, online, merchant_risk, account_age,
                            np.floor(customer_age)]).astype(np.float64)


def transactions(n_samples: int = N_SAMPLES, *, fraud_rate: float = FRAUD_RATE,
                 seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)``: X (n_samples, 8) float64, the columns of :data:`FEATURES`; y (n_samples, 1)
    float64, 1.0 for the ``round(fraud_rate * n_samples)`` frauds (at random rows) and 0.0 for
    the others. The same arguments always give the same payments."""
    if n_samples < 1:
        raise ValueError("n_samples must be at least 1")
    if not 0.0 <= fraud_rate <= 1.0:
        raise ValueError("fraud_rate is a fraction, between 0 and 1")
    rng = np.random.default_rng(seed)
    n_fraud = int(round(fraud_rate * n_samples))
    X = np.concatenate([_draw(rng, n_samples - n_fraud, False), _draw(rng, n_fraud, True)])
    y = np.r_[np.zeros(n_samples - n_fraud), np.ones(n_fraud)].reshape(-1, 1)
    order = rng.permutation(n_samples)
    return X[order], y[order]


def fraud_split(n_samples: int = N_SAMPLES, *, fraud_rate: float = FRAUD_RATE,
                test_fraction: float = TEST_FRACTION, seed: int = SEED) -> SimpleNamespace:
    """:func:`transactions` split in two, **stratified**: the training and the test part hold the
    same fraction of frauds (with the defaults, 300 of 30 000 and 100 of 10 000).

    Returns a namespace with ``X_train`` (n_train, 8), ``y_train`` (n_train, 1), ``X_test``,
    ``y_test`` (float64) and ``feature_names`` (:data:`FEATURES`).
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError("test_fraction must lie strictly between 0 and 1")
    X, y = transactions(n_samples, fraud_rate=fraud_rate, seed=seed)
    rng = np.random.default_rng([seed, 1])
    test = np.zeros(len(y), dtype=bool)
    for label in (0.0, 1.0):
        rows = np.flatnonzero(y[:, 0] == label)
        test[rng.permutation(rows)[:int(round(test_fraction * len(rows)))]] = True
    return SimpleNamespace(X_train=X[~test], y_train=y[~test], X_test=X[test], y_test=y[test],
                           feature_names=FEATURES)
