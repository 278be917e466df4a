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
from . import losses as _losses
from . import backprop as _backprop
from . import training as _training
from . import rbf as _rbf
from . import convolution as _convolution
from . import recurrent as _recurrent
from . import autoencoders as _autoencoders
from . import gans as _gans
from . import frameworks as _frameworks
from . import autodiff as _autodiff
from . import metrics as _metrics
from . import language as _language
from . import imbalance as _imbalance
from . import applications as _applications
from .core import CheckFailure, Exercise

_TOPIC_MODULES = (_activations, _layers, _losses, _backprop, _training, _rbf, _convolution,
                  _recurrent, _autoencoders, _gans, _metrics, _language, _imbalance,
                  _applications, _frameworks, _autodiff)

#: every graded exercise, by name
EXERCISES: dict[str, Exercise] = {ex.name: ex for module in _TOPIC_MODULES
                                   for ex in module.EXERCISES}
#: each exercise's topic: its checks live in ``dlcourse.checks.<topic>``, its reference in
#: ``dlcourse.reference.<topic>`` (the grader's verifier withholds that module)
TOPICS: dict[str, str] = {ex.name: module.__name__.rsplit(".", 1)[1] for module in _TOPIC_MODULES
                          for ex in module.EXERCISES}

# Lesson 01: the neuron
check_weighted_sum = _activations.WEIGHTED_SUM.checker()
check_sigmoid = _activations.SIGMOID.checker()
check_relu = _activations.RELU.checker()
check_tanh = _activations.TANH.checker()
check_softmax = _activations.SOFTMAX.checker()
check_neuron = _activations.NEURON.checker()
check_weather_output_change = _activations.WEATHER_OUTPUT_CHANGE.checker()

# Lesson 02: forward propagation
check_init_params = _layers.INIT_PARAMS.checker()
check_dense_forward = _layers.DENSE_FORWARD.checker()
check_forward = _layers.FORWARD.checker()
check_count_params = _layers.COUNT_PARAMS.checker()
check_q3_output_shape = _layers.Q3_OUTPUT_SHAPE.checker()
check_input_dim = _layers.INPUT_DIM.checker()
check_predicted_shapes = _layers.PREDICTED_SHAPES.checker()
check_relu_moment_factor = _layers.RELU_MOMENT_FACTOR.checker()

# Lesson 03: loss functions
check_mse = _losses.MSE.checker()
check_binary_cross_entropy = _losses.BINARY_CROSS_ENTROPY.checker()
check_one_hot = _losses.ONE_HOT.checker()
check_categorical_cross_entropy = _losses.CATEGORICAL_CROSS_ENTROPY.checker()
check_softmax_cross_entropy = _losses.SOFTMAX_CROSS_ENTROPY.checker()
check_uniform_guess_loss = _losses.UNIFORM_GUESS_LOSS.checker()
check_bce_with_logits = _losses.BCE_WITH_LOGITS.checker()

# Lesson 04: backpropagation
check_sigmoid_derivative = _backprop.SIGMOID_DERIVATIVE.checker()
check_relu_derivative = _backprop.RELU_DERIVATIVE.checker()
check_numerical_gradient = _backprop.NUMERICAL_GRADIENT.checker()
check_dense_backward = _backprop.DENSE_BACKWARD.checker()
check_backward = _backprop.BACKWARD.checker()
check_repaired_backward = _backprop.REPAIRED_BACKWARD.checker()
check_gradient_descent_step = _backprop.GRADIENT_DESCENT_STEP.checker()

# Lesson 05: a network from scratch
check_train_xor = _training.TRAIN_XOR.checker()
check_xor_step = _training.XOR_STEP.checker()
check_predict = _training.PREDICT.checker()
check_perceptron_train = _training.PERCEPTRON_TRAIN.checker()
check_train_digits_mlp = _training.TRAIN_DIGITS_MLP.checker()
check_softmax_cross_entropy_grad = _training.SOFTMAX_CROSS_ENTROPY_GRAD.checker()

# Lesson 06: the network zoo (06a feed-forward, RBF and CNN; 06b recurrent; 06c autoencoders, GAN)
check_rbf_features = _rbf.RBF_FEATURES.checker()
check_conv2d = _convolution.CONV2D.checker()
check_max_pool2d = _convolution.MAX_POOL2D.checker()
check_rnn_cell_forward = _recurrent.RNN_CELL_FORWARD.checker()
check_lstm_cell_forward = _recurrent.LSTM_CELL_FORWARD.checker()
check_gru_cell_forward = _recurrent.GRU_CELL_FORWARD.checker()
check_add_noise = _autoencoders.ADD_NOISE.checker()
check_sparsity_penalty = _autoencoders.SPARSITY_PENALTY.checker()
check_reparameterize = _autoencoders.REPARAMETERIZE.checker()
check_vae_kl = _autoencoders.VAE_KL.checker()
check_discriminator_loss = _gans.DISCRIMINATOR_LOSS.checker()
check_generator_loss = _gans.GENERATOR_LOSS.checker()

# Lesson 08: the frameworks (08a PyTorch, Keras, JAX, export; 08b computation graphs)
check_TorchNet = _frameworks.TORCH_NET.checker()
check_build_keras_model = _frameworks.BUILD_KERAS_MODEL.checker()
check_jax_forward = _frameworks.JAX_FORWARD.checker()
check_copy_torch_to_keras = _frameworks.COPY_TORCH_TO_KERAS.checker()
check_framework_for = _frameworks.FRAMEWORK_FOR.checker()
check_Value = _autodiff.VALUE.checker()

# Lesson 07: deep learning at work (07a healthcare and vision; 07b language; 07c finance,
# time series and the examples)
check_precision_recall_f1 = _metrics.PRECISION_RECALL_F1.checker()
check_confusion_matrix = _metrics.CONFUSION_MATRIX.checker()
check_threshold_for_recall = _metrics.THRESHOLD_FOR_RECALL.checker()
check_bag_of_words = _language.BAG_OF_WORDS.checker()
check_attention_weights = _language.ATTENTION_WEIGHTS.checker()
check_balanced_class_weights = _imbalance.BALANCED_CLASS_WEIGHTS.checker()
check_average_precision = _imbalance.AVERAGE_PRECISION.checker()
check_architecture_for = _applications.ARCHITECTURE_FOR.checker()

__all__ = ["EXERCISES", "TOPICS", "CheckFailure", "Exercise"] + [n for n in dir() if n.startswith("check_")]
