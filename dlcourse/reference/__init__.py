"""Reference implementations of every graded exercise, one module per lesson topic.

All functions work in float64, accept Python scalars where natural, and never modify their inputs.
"""
from .layers import count_params, dense_forward, forward, init_params
from .activations import neuron, relu, sigmoid, softmax, tanh, weighted_sum
from .backprop import (ACTIVATIONS, backward, dense_backward, gradient_descent_step,
                       numerical_gradient, relu_derivative, sigmoid_derivative)
from .training import (predict, predict_digits, perceptron_train, train_digits_mlp,
                       train_xor)

__all__ = [
    "count_params", "dense_forward", "forward", "init_params",
    "neuron", "relu", "sigmoid", "softmax", "tanh", "weighted_sum",
    "ACTIVATIONS", "backward", "dense_backward", "gradient_descent_step", "numerical_gradient",
    "relu_derivative", "sigmoid_derivative",
    "predict", "predict_digits", "perceptron_train", "train_digits_mlp", "train_xor",
]
