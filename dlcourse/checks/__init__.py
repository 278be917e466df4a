"""``check_NAME(fn, *, hidden=False)`` for every graded exercise of the course.

Each checker returns ``None`` (and prints how many checks passed) when ``fn`` is right, and
raises ``AssertionError`` with a message for the student otherwise. The cases behind each
checker live in the lesson's module (``checks/activations.py`` for lesson 01, ``checks/layers.py``
for lesson 02) as :class:`~dlcourse.checks.core.Exercise` objects; :data:`EXERCISES` maps every
exercise name to its object, for the grader and the test-suite.
"""
from __future__ import annotations

from . import layers as _layers
from . import activations as _activations
from .core import CheckFailure, Exercise

#: every graded exercise, by name
EXERCISES: dict[str, Exercise] = {ex.name: ex for ex in _activations.EXERCISES + _layers.EXERCISES}

# Lesson 01: the neuron
check_weighted_sum = _activations.WEIGHTED_SUM.checker()
check_sigmoid = _activations.SIGMOID.checker()
check_relu = _activations.RELU.checker()
check_tanh = _activations.TANH.checker()
check_softmax = _activations.SOFTMAX.checker()
check_neuron = _activations.NEURON.checker()

# Lesson 02: forward propagation
check_init_params = _layers.INIT_PARAMS.checker()
check_dense_forward = _layers.DENSE_FORWARD.checker()
check_forward = _layers.FORWARD.checker()
check_count_params = _layers.COUNT_PARAMS.checker()
check_q3_output_shape = _layers.Q3_OUTPUT_SHAPE.checker()
check_input_dim = _layers.INPUT_DIM.checker()

__all__ = ["EXERCISES", "CheckFailure", "Exercise"] + [n for n in dir() if n.startswith("check_")]
