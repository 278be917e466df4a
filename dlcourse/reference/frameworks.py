"""Lesson 08a references: one network, three frameworks (PyTorch, Keras, JAX), and which to use.

The network is the handout's problem statement: ``n_features`` inputs -> ``n_hidden`` ReLU units
-> 1 sigmoid output. Its weights are passed in the course's layout (lessons 02 and 05), a list of
``(W, b)`` per layer::

    params = [(W1, b1), (W2, b2)]     # W1 (n_features, n_hidden), b1 (1, n_hidden),
                                       # W2 (n_hidden, 1), b2 (1, 1)

Two kinds of things live here:

- the NumPy references the checkers compare with (:func:`mlp_forward` and the functions of the
  probes' signatures, :func:`torch_net_outputs`, :func:`keras_model_outputs`,
  :func:`copy_torch_to_keras_outputs`), and :func:`framework_for`, plain Python;
- the model answers to the framework exercises, for the test-suite: :func:`build_keras_model`,
  :func:`jax_forward` and :func:`copy_torch_to_keras` import their framework when called, and
  ``TorchNet`` (an ``nn.Module`` subclass) is built on first use by the module's
  ``__getattr__``, so that importing this module imports no framework.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

#: what a right Keras answer is compiled with, as the probe names it
KERAS_LOSS = "binary_crossentropy"
KERAS_METRICS = ("accuracy",)

#: the names :func:`framework_for` returns
FRAMEWORKS = ("pytorch", "tensorflow", "keras", "jax")
#: every need :func:`framework_for` knows, and what it means (the notebook's table)
NEEDS = {
    "deploy_mobile": "the model must run on a phone, in a web page or on an edge device",
    "fast_math": "NumPy-style code compiled (jit) and differentiated as functions, fast on "
                 "GPUs and TPUs",
    "custom_training": "customize the training loop, layers or loss",
    "research": "research papers, academic work, experimenting with new models",
    "modular_pipeline": "build explainable or modular ML pipelines",
    "prototype": "prototype fast with simple syntax",
    "beginner": "learn the basics of deep learning quickly",
}
#: the decision rule, in priority order: the first rule with a need in the list decides
RULES = (
    (("deploy_mobile",), "tensorflow"),
    (("fast_math",), "jax"),
    (("custom_training", "research", "modular_pipeline"), "pytorch"),
    (("prototype", "beginner"), "keras"),
)
#: the answer when no need is given
DEFAULT = "pytorch"


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)) without overflow (the same function written with tanh)."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _layers(params: Sequence[Sequence[Any]]) -> tuple[np.ndarray, ...]:
    (W1, b1), (W2, b2) = params
    return tuple(np.asarray(a, dtype=np.float64) for a in (W1, b1, W2, b2))


def mlp_forward(params: Sequence[Sequence[Any]], X: Any) -> np.ndarray:
    """The handout's network in NumPy: ``sigmoid(relu(X @ W1 + b1) @ W2 + b2)``.

    params: [(W1 (d, h), b1 (1, h)), (W2 (h, 1), b2 (1, 1))]; X: (n, d) -> (n, 1) float64.
    """
    W1, b1, W2, b2 = _layers(params)
    X = np.asarray(X, dtype=np.float64)
    return _sigmoid(np.maximum(X @ W1 + b1, 0.0) @ W2 + b2)


# --------------------------------------------------------------------------------------------
# The references of the probed exercises (the probes' signatures, less the answer)
# --------------------------------------------------------------------------------------------

def torch_net_outputs(params: Sequence[Sequence[Any]], X: Any,
                      defaults: bool = False) -> np.ndarray:
    """What ``TorchNet(d, h)`` with ``params`` copied in outputs on ``X``: (n, 1) float64
    (``defaults``: built as ``TorchNet()``, the same network when params are 10 -> 64 -> 1)."""
    return mlp_forward(params, X)


def keras_model_outputs(params: Sequence[Sequence[Any]], X: Any, defaults: bool = False) -> dict:
    """What the probe reads from ``build_keras_model(d, h)`` with ``params`` set: its outputs on
    ``X`` (n, 1), the loss it is compiled with and its metrics (see the probe)."""
    return {"outputs": mlp_forward(params, X), "loss": KERAS_LOSS, "metrics": list(KERAS_METRICS)}


def jax_forward_outputs(params: Sequence[Sequence[Any]], X: Any) -> np.ndarray:
    """What ``jax_forward(params, X)`` returns, as float64: (n, 1)."""
    return mlp_forward(params, X)


def copy_torch_to_keras_outputs(torch_params: Sequence[Sequence[Any]],
                                keras_params: Sequence[Sequence[Any]], X: Any) -> np.ndarray:
    """The Keras model's outputs on ``X`` once the PyTorch model's weights (``torch_params``)
    are copied over its own (``keras_params``): those of the PyTorch model, (n, 1)."""
    return mlp_forward(torch_params, X)


# --------------------------------------------------------------------------------------------
# framework_for(needs) -> "pytorch" | "tensorflow" | "keras" | "jax"
# --------------------------------------------------------------------------------------------

def framework_for(needs: Sequence[str]) -> str:
    """The framework for a list of needs (names of :data:`NEEDS`), by the first rule of
    :data:`RULES` that one of the needs triggers; :data:`DEFAULT` when there is none.

    1. ``"deploy_mobile"`` -> ``"tensorflow"`` (TensorFlow Lite / LiteRT, TF.js: where the model
       must run is a hard constraint);
    2. ``"fast_math"`` -> ``"jax"``;
    3. ``"custom_training"``, ``"research"``, ``"modular_pipeline"`` -> ``"pytorch"``;
    4. ``"prototype"``, ``"beginner"`` -> ``"keras"``;
    5. no need at all -> ``"pytorch"``.
    """
    for triggers, framework in RULES:
        if any(need in needs for need in triggers):
            return framework
    return DEFAULT


# --------------------------------------------------------------------------------------------
# Model answers to the framework exercises (frameworks imported when used)
# --------------------------------------------------------------------------------------------

def _make_torch_net():
    import torch
    from torch import nn

    class TorchNet(nn.Module):
        """The handout's network: Linear(n_features, n_hidden) -> ReLU -> Linear(n_hidden, 1)
        -> Sigmoid. forward: X (n, n_features) -> (n, 1) probabilities."""

        def __init__(self, n_features: int = 10, n_hidden: int = 64):
            super().__init__()
            self.hidden = nn.Linear(n_features, n_hidden)
            self.output = nn.Linear(n_hidden, 1)

        def forward(self, X):
            return torch.sigmoid(self.output(torch.relu(self.hidden(X))))

    TorchNet.__module__ = __name__
    return TorchNet


_LAZY = {"TorchNet": _make_torch_net}


def __getattr__(name: str) -> Any:
    """``TorchNet`` is built, and PyTorch imported, the first time it is asked for."""
    if name in _LAZY:
        value = globals()[name] = _LAZY[name]()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build_keras_model(n_features: int = 10, n_hidden: int = 64):
    """The handout's network in Keras 3: Input -> Dense(n_hidden, relu) -> Dense(1, sigmoid),
    compiled for binary classification (binary cross-entropy, Adam, accuracy)."""
    from dlcourse.frameworks import import_keras

    keras = import_keras()
    model = keras.Sequential([
        keras.Input(shape=(n_features,)),
        keras.layers.Dense(n_hidden, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def jax_forward(params, X):
    """The handout's network with jax.numpy: params [(W1, b1), (W2, b2)] in the course's layout,
    X (n, d) -> (n, 1) probabilities. Traceable by jax.jit and jax.grad."""
    import jax
    import jax.numpy as jnp

    (W1, b1), (W2, b2) = params
    return jax.nn.sigmoid(jnp.maximum(X @ W1 + b1, 0.0) @ W2 + b2)


def copy_torch_to_keras(torch_model, keras_model):
    """Copy the weights of a PyTorch model (Linear/ReLU/Linear/Sigmoid) into a Keras model of the
    same architecture, layer by layer: the Keras kernel is the PyTorch weight transposed (PyTorch
    stores (out, in), Keras (in, out)); the biases are the same. Returns the Keras model."""
    from torch import nn

    from dlcourse.frameworks import import_keras

    keras = import_keras()
    linears = [m for m in torch_model.modules() if isinstance(m, nn.Linear)]
    denses = [layer for layer in keras_model.layers if isinstance(layer, keras.layers.Dense)]
    for linear, dense in zip(linears, denses, strict=True):
        dense.set_weights([linear.weight.detach().cpu().numpy().T,
                           linear.bias.detach().cpu().numpy()])
    return keras_model
