"""Lesson 05's checkers give the same verdict however long a call takes (issue 12).

A machine under load (a grading run with a whole cohort, a shared laptop) makes every call slower;
a too-slow function is the grader's timeout business, never the checker's. These tests run the
training checkers with a clock that says every call took an hour and expect the verdicts of a
normal clock, for a right and a wrong answer.
"""
from __future__ import annotations

import itertools
import pathlib
import re
import time

import numpy as np
import pytest

from dlcourse.checks import (
    check_perceptron_train,
    check_train_digits_mlp,
    check_train_xor,
)
from dlcourse.reference import training as ref

from .corpus import training as corpus

CHECKS = pathlib.Path(__file__).resolve().parent.parent / "dlcourse" / "checks"
CLOCKS = ("perf_counter", "monotonic", "time", "process_time", "perf_counter_ns", "monotonic_ns",
          "time_ns")


@pytest.fixture
def slow_clock(monkeypatch):
    """Every clock of the ``time`` module jumps one hour at each reading."""
    hours = itertools.count(start=1_000_000.0, step=3600.0)

    def reading() -> float:
        return next(hours)

    for name in CLOCKS:
        scale = 10 ** 9 if name.endswith("_ns") else 1
        monkeypatch.setattr(time, name, (lambda s=scale: int(reading() * s)) if scale > 1
                            else reading)
    return hours


def _verdict(check, fn, hidden):
    try:
        check(fn, hidden=hidden)
    except AssertionError as exc:
        return "fail: " + str(exc).splitlines()[0]
    return "pass"


def _slow_digits(X_train, y_train, num_hiddens=64, num_epochs=30, lr=0.2, batch_size=32, seed=0):
    """A right answer that also reads the clock, as a student's timing code would."""
    start = time.perf_counter()
    result = ref.train_digits_mlp(X_train, y_train, num_hiddens, num_epochs, lr, batch_size, seed)
    assert time.perf_counter() - start >= 3600.0    # the fixture's clock is in use
    return result


CASES = [
    ("train_digits_mlp right", check_train_digits_mlp, ref.train_digits_mlp, True),
    ("train_digits_mlp labels not shuffled", check_train_digits_mlp,
     corpus.train_digits_mlp_labels_not_shuffled, False),
    ("train_xor right", check_train_xor, ref.train_xor, True),
    ("perceptron_train right", check_perceptron_train, ref.perceptron_train, True),
]


@pytest.mark.parametrize("hidden", [False, True], ids=["public", "hidden"])
@pytest.mark.parametrize("what, check, fn, right", CASES, ids=[c[0] for c in CASES])
def test_the_verdict_does_not_depend_on_the_clock(what, check, fn, right, hidden, request):
    normal = _verdict(check, fn, hidden)
    assert (normal == "pass") == right, normal
    request.getfixturevalue("slow_clock")
    assert _verdict(check, fn, hidden) == normal


@pytest.mark.parametrize("hidden", [False, True], ids=["public", "hidden"])
def test_a_right_answer_that_reads_the_slow_clock_still_passes(slow_clock, hidden):
    assert _verdict(check_train_digits_mlp, _slow_digits, hidden) == "pass"
    assert next(slow_clock) > 1_000_000.0 + 3600.0    # the clock was read (and jumped)


def test_no_checker_reads_a_clock():
    readers = re.compile(r"\b(perf_counter|monotonic|process_time|time\.time|timeit|datetime)\b")
    found = [f"{path.name}:{i}: {line.strip()}"
             for path in sorted(CHECKS.glob("*.py"))
             for i, line in enumerate(path.read_text().splitlines(), start=1)
             if readers.search(line)]
    assert not found, found


def test_the_fixture_clock_jumps_an_hour(slow_clock):
    assert np.isclose(time.perf_counter() - time.perf_counter(), -3600.0)
    assert time.monotonic_ns() > 0
