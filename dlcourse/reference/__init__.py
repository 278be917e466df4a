"""Reference implementations of every graded exercise, one module per lesson topic.

All functions work in float64, accept Python scalars where natural, and never modify their inputs.
"""
from .layers import count_params, dense_forward, forward, init_params
from .activations import neuron, relu, sigmoid, softmax, tanh, weighted_sum

__all__ = [
    "count_params", "dense_forward", "forward", "init_params",
    "neuron", "relu", "sigmoid", "softmax", "tanh", "weighted_sum",
]
