"""Probes (``dlcourse.probes``): how a checker drives an answer that is a framework object.

The checker calls ``probe(answer, *args)`` where it would call ``answer(*args)``: locally in the
notebook's kernel, remotely in the grader's verifier (``autograder.answer_runner``). Only
functions of ``dlcourse.probes`` can be named.
"""
from __future__ import annotations

import pytest

from dlcourse import probes
from dlcourse.checks import EXERCISES
from dlcourse.checks.core import Outcome, RemoteCallable, call_student


@pytest.mark.parametrize("spec", [
    "os:system",                         # not a probe module
    "dlcourse.reference.activations:sigmoid",
    "dlcourse.probes",                   # no function named
    "dlcourse.probes.nowhere:f",         # no such module
    "dlcourse.probes.frameworks:__import__('os')",
])
def test_only_functions_of_the_probes_package_can_be_named(spec):
    with pytest.raises((ValueError, ImportError)):
        probes.resolve(spec)


def test_without_a_probe_the_answer_is_called_itself():
    answer = lambda x: x + 1  # noqa: E731
    assert probes.bind(None, answer) is answer


def test_every_probe_an_exercise_names_exists():
    named = {ex.probe for ex in EXERCISES.values() if ex.probe is not None}
    for spec in named:
        assert callable(probes.resolve(spec)), spec


def test_a_probe_is_called_with_the_answer_first_and_its_errors_are_the_students(monkeypatch):
    import types
    import sys

    module = types.ModuleType("dlcourse.probes.testing_only")

    def doubled(answer, x):
        if not isinstance(answer, type):
            raise ValueError("the answer should be a class")
        return answer(x).value * 2
    module.doubled = doubled
    monkeypatch.setitem(sys.modules, module.__name__, module)

    class Answer:
        def __init__(self, x):
            self.value = x
    outcome = call_student(Answer, (21,), {}, probe="dlcourse.probes.testing_only:doubled")
    assert outcome.error is None and outcome.value == 42
    outcome = call_student(lambda x: x, (21,), {}, probe="dlcourse.probes.testing_only:doubled")
    assert isinstance(outcome.error, ValueError) and "should be a class" in str(outcome.error)


def test_a_remote_answer_gets_the_probe_to_run_where_it_lives():
    seen = {}

    class Remote(RemoteCallable):
        def remote_call(self, args, kwargs, forbidden, probe=None):
            seen.update(args=args, probe=probe)
            return Outcome(value=1.0)
    outcome = call_student(Remote(), (1, 2), {}, probe="dlcourse.probes.frameworks:anything")
    assert outcome.value == 1.0
    assert seen == {"args": (1, 2), "probe": "dlcourse.probes.frameworks:anything"}
