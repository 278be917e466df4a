"""Generated time series of lesson 06b: a noisy sum of sines, and windows of it for forecasting.

Nothing is downloaded: the series is computed from a seed. ``sine_series`` gives the whole
series; ``make_windows`` cuts any series into (input window, what follows) pairs;
``forecasting_split`` does both and splits in time, the past for training and the future for
testing, as a forecaster is used.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Sequence

import numpy as np

#: the default series: two sines of periods 40 and 17 steps, amplitudes 1 and 0.5, noise 0.1
PERIODS = (40.0, 17.0)
AMPLITUDES = (1.0, 0.5)
NOISE = 0.1
SEED = 0


def sine_series(n_steps: int = 1000, *, periods: Sequence[float] = PERIODS,
                amplitudes: Sequence[float] = AMPLITUDES, noise: float = NOISE,
                seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """``(t, x)``: a sum of sines with Gaussian noise, sampled at the steps ``t = 0 .. n_steps-1``.

    ``x[t] = sum_k amplitudes[k] * sin(2 pi t / periods[k] + phase_k) + noise * N(0, 1)``, the
    phases drawn uniformly in [0, 2 pi) from ``seed`` (then the noise, from the same generator).
    t: (n_steps,) int64; x: (n_steps,) float64. The same arguments always give the same series.
    """
    if len(periods) != len(amplitudes):
        raise ValueError("give one amplitude per period")
    if n_steps < 1:
        raise ValueError("n_steps must be at least 1")
    rng = np.random.default_rng(seed)
    phases = rng.uniform(0.0, 2.0 * np.pi, size=len(periods))
    t = np.arange(n_steps)
    x = np.zeros(n_steps)
    for period, amplitude, phase in zip(periods, amplitudes, phases):
        x += amplitude * np.sin(2.0 * np.pi * t / period + phase)
    x += noise * rng.normal(size=n_steps)
    return t, x


def make_windows(series: np.ndarray, window: int, horizon: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Every ``(input window, next values)`` pair of a 1-D series, one pair per row.

    Row ``i`` of ``X`` is ``series[i : i + window]`` and row ``i`` of ``y`` the ``horizon`` values
    that follow it, ``series[i + window : i + window + horizon]``.
    series: (n,) -> X: (n - window - horizon + 1, window), y: (same, horizon), float64 copies.
    """
    series = np.asarray(series, dtype=np.float64)
    if series.ndim != 1:
        raise ValueError(f"series must be 1-D, not of shape {series.shape}")
    if window < 1 or horizon < 1:
        raise ValueError("window and horizon must be at least 1")
    if len(series) < window + horizon:
        raise ValueError(f"a series of {len(series)} steps is shorter than window + horizon = "
                         f"{window + horizon}")
    pairs = np.lib.stride_tricks.sliding_window_view(series, window + horizon)
    return pairs[:, :window].copy(), pairs[:, window:].copy()


def forecasting_split(n_steps: int = 1000, window: int = 24, horizon: int = 10,
                      train_steps: int = 800, **series_kwargs) -> SimpleNamespace:
    """The lesson's forecasting task: :func:`sine_series`, cut into windows, split in time.

    Training pairs lie entirely in the first ``train_steps`` steps (windows and targets); test
    pairs predict values from step ``train_steps`` on (their input windows may reach back into
    the training steps: a forecaster always sees the recent past). Returns a namespace with
    ``t``, ``x`` (the whole series), ``train_steps``, ``window``, ``horizon``,
    ``X_train`` (n_train, window), ``y_train`` (n_train, horizon), ``X_test``, ``y_test`` and
    ``t_test`` (n_test,): the step of each test pair's first target.
    """
    if not window + horizon <= train_steps <= n_steps - horizon:
        raise ValueError("train_steps must leave room for a training pair and a test pair")
    t, x = sine_series(n_steps, **series_kwargs)
    X, y = make_windows(x, window, horizon)
    first_target = np.arange(len(X)) + window          # the step of each pair's first target
    train = first_target + horizon <= train_steps
    test = first_target >= train_steps
    return SimpleNamespace(t=t, x=x, train_steps=train_steps, window=window, horizon=horizon,
                           X_train=X[train], y_train=y[train], X_test=X[test], y_test=y[test],
                           t_test=first_target[test])
