"""Reference implementations of every graded exercise, one module per lesson topic.

All functions work in float64, accept Python scalars where natural, and never modify their inputs.
"""
from .layers import count_params, dense_forward, forward, init_params
from .activations import ACTIVATIONS, neuron, relu, sigmoid, softmax, tanh, weighted_sum
from .losses import (binary_cross_entropy, categorical_cross_entropy, mse, one_hot,
                     softmax_cross_entropy)
from .backprop import (backward, dense_backward, gradient_descent_step,
                       numerical_gradient, relu_derivative, sigmoid_derivative)
from .training import (predict, predict_digits, perceptron_train, train_digits_mlp,
                       train_xor)
from .rbf import rbf_features
from .convolution import conv2d, max_pool2d
from .recurrent import gru_cell_forward, lstm_cell_forward, rnn_cell_forward
from .autoencoders import add_noise, reparameterize, sparsity_penalty, vae_kl
from .gans import discriminator_loss, generator_loss

__all__ = [
    "count_params", "dense_forward", "forward", "init_params",
    "neuron", "relu", "sigmoid", "softmax", "tanh", "weighted_sum",
    "binary_cross_entropy", "categorical_cross_entropy", "mse", "one_hot", "softmax_cross_entropy",
    "ACTIVATIONS", "backward", "dense_backward", "gradient_descent_step", "numerical_gradient",
    "relu_derivative", "sigmoid_derivative",
    "predict", "predict_digits", "perceptron_train", "train_digits_mlp", "train_xor",
    "rbf_features", "conv2d", "max_pool2d",
    "rnn_cell_forward", "lstm_cell_forward", "gru_cell_forward",
    "add_noise", "sparsity_penalty", "reparameterize", "vae_kl",
    "discriminator_loss", "generator_loss",
]
