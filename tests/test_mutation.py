"""The mutation tester of the checkers (``benchmarks/mutants.py``, ``benchmarks/mutation.py``).

The mutator makes the mutants it promises, with ids that do not move when code elsewhere
changes; and on a few cheap exercises every mutant of the reference is killed by the checker or
listed as equivalent, so that a checker weakened by an edit fails here (``make mutation`` runs
every exercise).
"""
from __future__ import annotations

import dataclasses
import textwrap

import pytest

from benchmarks import mutation
from benchmarks.mutants import mutants_of
from dlcourse.checks import EXERCISES

SMALL = textwrap.dedent('''
    def f(x, w, b=0):
        """A docstring is not mutated."""
        z = x @ w.T + b
        s = np.sum(z ** 2, axis=1, keepdims=True) / len(z)
        if s.max() >= 1 and b == 0:
            z = -z
        total = 0.0
        for i in range(1, 3):
            total += np.maximum(z[i], 0.0)
        return z[:-1], total
''')


def _ids(source: str) -> list[str]:
    return [m.id for m in mutants_of(source)]


def test_the_mutator_makes_one_mutant_per_single_change_of_each_family():
    ids = set(_ids(SMALL))
    expected = {
        "f:0:constant:0→1",                      # a default argument
        "f:2:binop:+→-", "f:2:drop:a+b→a", "f:2:drop:a+b→b", "f:2:transpose:a.T→a",
        "f:3:binop:**→*", "f:3:binop:/→*", "f:3:drop:a/b→a", "f:3:axis:axis=1→dropped",
        "f:3:keepdims:True→False", "f:3:reduction:sum→mean", "f:3:constant:1→2",
        "f:4:compare:>=→>", "f:4:compare:==→!=", "f:4:boolop:and→or", "f:4:reduction:max→min",
        "f:5:unary:-a→a",
        "f:6:constant:0.0→1.0",
        "f:7:constant:1→0", "f:7:constant:3→4", "f:7:constant:3→2",
        "f:8:binop:+=→-=", "f:8:augassign:+=→=", "f:8:reduction:maximum→minimum",
        "f:8:index:[i]→[i+1]", "f:8:index:[i]→[i-1]",
        "f:9:slice:upper+1", "f:9:slice:lower +1", "f:9:return:swap 0,1",
    }
    assert expected <= ids, sorted(expected - ids)
    assert len(ids) == len(_ids(SMALL)), "ids are unique"
    assert not any("docstring" in m.code for m in mutants_of(SMALL))


def test_each_mutant_is_one_change_that_compiles():
    original = mutants_of(SMALL)
    for m in original:
        compile(m.source, "<mutant>", "exec")
    sources = [m.source for m in original]
    assert len(set(sources)) == len(sources)


def test_input_validation_is_not_mutated():
    source = textwrap.dedent('''
        def g(x, k):
            if k < 1:
                raise ValueError(f"k must be at least 1, got {k - 1 + 1}")
            return x * k
    ''')
    assert _ids(source) == ["g:3:binop:*→/", "g:3:drop:a*b→a", "g:3:drop:a*b→b"]


def test_ids_do_not_move_when_code_elsewhere_changes():
    moved = "\n\n\n# a comment and blank lines above the function\n" + SMALL
    assert _ids(moved) == _ids(SMALL)
    method = textwrap.dedent('''
        class C:
            """A class."""

            def m(self, x):
                return x + 1
    ''')
    assert _ids(method) == ["C.m:1:binop:+→-", "C.m:1:drop:a+b→a", "C.m:1:drop:a+b→b",
                            "C.m:1:constant:1→0", "C.m:1:constant:1→2"]


#: cheap exercises whose every mutant must be killed or listed as equivalent
CHEAP = ["relu", "mse", "one_hot", "rbf_features"]


def test_every_mutant_of_cheap_exercises_is_killed_or_equivalent():
    results, baseline, problems = mutation.run(CHEAP, jobs=2, progress=False)
    assert not problems
    assert set(baseline) == set(CHEAP)
    survivors = [(r.exercise, r.mutant.id, r.detail) for r in results
                 if r.outcome not in ("killed", "timeout", "equivalent")]
    assert survivors == []
    rows = {row["exercise"]: row for row in mutation.table(results, CHEAP)}
    assert all(rows[name]["mutants"] >= 5 and rows[name]["rate"] == 1.0 for name in CHEAP)


def test_a_weakened_checker_lets_mutants_survive(monkeypatch):
    # softmax without the case of two rows on very different scales: subtracting the maximum of
    # the whole array instead of each row's (axis dropped) is no longer caught
    softmax = EXERCISES["softmax"]
    weak = dataclasses.replace(softmax, cases=[c for c in softmax.cases
                                               if "different scales" not in c.name])
    assert len(weak.cases) == len(softmax.cases) - 1
    monkeypatch.setitem(EXERCISES, "softmax", weak)
    # in this process, where the weakened checker is (the pool's workers come from a fork
    # server that never saw the monkeypatch)
    softmax_plan = mutation.plan("softmax")
    survivors = [m.operator for obj, m in softmax_plan.mutants
                 if mutation.run_one("softmax", softmax_plan.module, softmax_plan.objects, obj,
                                     m.source, 0)[0] == "survived"
                 and ("softmax", m.id) not in mutation.EQUIVALENT]
    assert survivors == ["axis"]


def test_a_checker_that_leaks_an_error_is_reported(monkeypatch):
    broken = dataclasses.replace(EXERCISES["relu"])
    monkeypatch.setattr(broken, "check", _raising_check)
    monkeypatch.setitem(EXERCISES, "relu", broken)
    outcome, detail, _ = mutation.run_one("relu", "dlcourse.reference.activations", ["relu"],
                                          None, None, 0)
    assert outcome == "checker-bug" and "RuntimeError" in detail


def _raising_check(fn, *, hidden=False, seed=None):
    raise RuntimeError("a bug in the checker")


@pytest.mark.parametrize("name", ["q3_output_shape", "input_dim"])
def test_value_answers_are_out_of_scope(name):
    assert mutation.out_of_scope(name)
