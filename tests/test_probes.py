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


def test_the_jax_probe_asks_for_full_float32_matrix_products():
    """On a GPU, JAX's default precision runs float32 matrix products in TF32: on an H200 the
    reference jax_forward was 1.2e-5 off (checker tolerance exceeded), 5e-8 with this setting."""
    import jax

    from dlcourse.probes.frameworks import jax_forward_outputs
    from dlcourse.reference.frameworks import jax_forward

    seen = []

    def spy(params, X):
        seen.append(jax.config.jax_default_matmul_precision)  # read while jit traces it
        return jax_forward(params, X)

    params = [([[1.0, -1.0]], [[0.0, 0.5]]), ([[1.0], [2.0]], [[0.1]])]
    out = jax_forward_outputs(spy, params, [[0.5], [-2.0]])
    assert out.shape == (2, 1) and seen == ["float32"]
