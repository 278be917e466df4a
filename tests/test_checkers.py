"""Every checker, proven on the corpus in ``tests/corpus/<topic>.py``.

Each checker accepts the reference and the corpus's differently written right implementations,
and rejects every known mistake there with the helpful part of its message. Warnings are errors
here, so a warning that escaped a checker would fail the test.
"""
from __future__ import annotations

import pytest

from dlcourse.checks import EXERCISES, CheckFailure
from dlcourse.checks import activations, backprop, layers, losses
from dlcourse.checks import training
from dlcourse.checks import autoencoders, convolution, gans, rbf, recurrent
from dlcourse.checks import autodiff, frameworks
from dlcourse.checks import applications, imbalance, language, metrics

from .corpus import activations as activations_corpus
from .corpus import layers as layers_corpus
from .corpus import losses as losses_corpus
from .corpus import backprop as backprop_corpus
from .corpus import training as training_corpus
from .corpus import rbf as rbf_corpus
from .corpus import convolution as convolution_corpus
from .corpus import recurrent as recurrent_corpus
from .corpus import autoencoders as autoencoders_corpus
from .corpus import gans as gans_corpus
from .corpus import frameworks as frameworks_corpus
from .corpus import autodiff as autodiff_corpus
from .corpus import metrics as metrics_corpus
from .corpus import language as language_corpus
from .corpus import imbalance as imbalance_corpus
from .corpus import applications as applications_corpus
from .corpus import checker, reference_answer, right_params, wrong_params

pytestmark = pytest.mark.filterwarnings("error")

#: each lesson's checkers module and its corpus
LESSONS = [(activations, activations_corpus), (layers, layers_corpus),
           (losses, losses_corpus),
           (backprop, backprop_corpus),
           (training, training_corpus),
           (rbf, rbf_corpus), (convolution, convolution_corpus), (recurrent, recurrent_corpus),
           (autoencoders, autoencoders_corpus), (gans, gans_corpus),
           (metrics, metrics_corpus), (language, language_corpus), (imbalance, imbalance_corpus),
           (applications, applications_corpus),
           (frameworks, frameworks_corpus), (autodiff, autodiff_corpus)]
NAMES = [exercise.name for lesson, _ in LESSONS for exercise in lesson.EXERCISES]
RIGHT = {name: impls for _, corpus in LESSONS for name, impls in corpus.RIGHT.items()}
WRONG = [entry for _, corpus in LESSONS for entry in corpus.WRONG]


def _passes(name, answer, capsys) -> None:
    checker(name)(answer, hidden=True)
    n_cases = len(EXERCISES[name].selected(hidden=True))
    expected = (f"All {n_cases} checks of {name} passed.\n" if n_cases > 1
                else f"The check of {name} passed.\n")
    assert capsys.readouterr() == (expected, "")


def test_every_exercise_is_proven_here():
    assert sorted(NAMES) == sorted(EXERCISES)


@pytest.mark.parametrize("name", NAMES)
def test_the_reference_passes_every_case(name, capsys):
    _passes(name, reference_answer(name), capsys)


@pytest.mark.parametrize("name, answer", right_params(RIGHT))
def test_a_right_implementation_written_differently_passes(name, answer, capsys):
    _passes(name, answer, capsys)


@pytest.mark.parametrize("name, answer, message", wrong_params(WRONG))
def test_a_known_mistake_is_rejected_with_its_helpful_message(name, answer, message, capsys):
    with pytest.raises(CheckFailure, match=message) as failure:
        checker(name)(answer, hidden=True)
    assert str(failure.value).startswith(f"{name} failed the case '")
    assert "Traceback" not in str(failure.value)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("name", NAMES)
def test_the_corpus_holds_two_right_answers_and_six_mistakes(name):
    right = RIGHT.get(name, [])
    assert len(right) >= 2
    assert all(answer is not reference_answer(name) for answer in right)
    assert sum(1 for exercise, _, _ in WRONG if exercise == name) >= 6


#: grading seeds other than the notebook's (0): the hidden inputs drawn from them must be fair too
SEEDS = [1, 2]
#: the exercises whose hidden inputs depend on the seed (the others run the same cases anyway)
DRAWING = {name for name, ex in EXERCISES.items() if any(getattr(c, "drawn", False) for c in ex.cases)}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name, answer",
                         [pytest.param(name, reference_answer(name), id=f"{name}-reference")
                          for name in NAMES if name in DRAWING]
                         + [p for p in right_params(RIGHT) if p.values[0] in DRAWING])
def test_a_right_answer_passes_the_hidden_cases_of_any_grading_seed(name, answer, seed):
    EXERCISES[name].check(answer, hidden=True, seed=seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name, answer, message",
                         [p for p in wrong_params(WRONG) if p.values[0] in DRAWING])
def test_a_known_mistake_is_rejected_for_any_grading_seed(name, answer, message, seed):
    with pytest.raises(CheckFailure, match=message) as failure:
        EXERCISES[name].check(answer, hidden=True, seed=seed)
    assert str(failure.value).startswith(f"{name} failed the case '")
