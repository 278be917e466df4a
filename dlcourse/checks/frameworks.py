"""Lesson 08a exercises: the handout's network in PyTorch, Keras and JAX, ported, and chosen.

The network is the handout's problem statement: ``n_features`` inputs -> ``n_hidden`` ReLU units
-> 1 sigmoid output. The first four answers are framework objects, so each exercise names a probe
(:mod:`dlcourse.probes.frameworks`) that builds the student's object, puts known weights in it
(the course's layout, ``params = [(W1, b1), (W2, b2)]``) and returns its outputs on ``X`` as
float64; the reference is the NumPy forward pass ``sigmoid(relu(X @ W1 + b1) @ W2 + b2)``.

- ``TorchNet``: the probe builds ``TorchNet(n_features, n_hidden)`` from the shape of W1, copies
  the weights into its two ``nn.Linear`` layers and runs it in float64 (tolerances of float64);
- ``build_keras_model``: the probe sets the weights of its two Dense layers and also reads the
  loss and metrics it is compiled with (binary cross-entropy, accuracy); float32 tolerances;
- ``jax_forward``: called under ``jax.jit`` in float32 (JAX's default), so NumPy calls inside it
  fail with a message that says to use ``jax.numpy``;
- ``copy_torch_to_keras``: the probe builds a PyTorch model with ``torch_params`` and a Keras
  model with other weights ``keras_params``, calls the answer, and returns the Keras model's
  outputs: they must be the PyTorch model's, to 1e-6. A missing transpose makes Keras raise a
  shape error, which the probe returns with the hint that names the transposed kernel.
- ``framework_for(needs)``: plain Python, the handout's "Which should you use?" table as a
  decision rule with a stated priority order (:data:`dlcourse.reference.frameworks.RULES`).

Every case has nonzero biases, hidden units that the ReLU switches off and outputs on both sides
of 0.5, and ``n_features != n_hidden`` (except one hidden case of the port), so each known mistake
gives other numbers, or a shape error.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..reference import frameworks as ref
from .core import RTOL, ATOL, Case, Exercise, Mistake, compare_arrays, describe, redraw

#: float32 frameworks (Keras, JAX): the tolerances of their cases
F32 = {"rtol": 1e-5, "atol": 1e-6}
#: the port: the issue asks for outputs equal to 1e-6
PORT = {"rtol": 1e-6, "atol": 1e-6}


def _f(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


# --------------------------------------------------------------------------------------------
# The cases' inputs
# --------------------------------------------------------------------------------------------

def _weights(rng: np.random.Generator, d: int, h: int, scale: float = 1.0) -> list[tuple]:
    """[(W1 (d, h), b1 (1, h)), (W2 (h, 1), b2 (1, 1))], uneven and seeded: He-like W1, biases
    that switch some hidden units off, W2 large enough that the outputs spread around 0.5."""
    W1 = rng.normal(0.0, scale * np.sqrt(2.0 / d), size=(d, h))
    b1 = rng.normal(0.0, 0.5, size=(1, h))
    W2 = rng.normal(0.0, scale * 2.0 / np.sqrt(h), size=(h, 1))
    b2 = rng.normal(0.0, 0.5, size=(1, 1))
    return [(W1, b1), (W2, b2)]


def _net_args(seed: int, n: int, d: int, h: int, *, scale: float = 1.0) -> tuple:
    """(params, X): the weights of a d -> h -> 1 network and n samples X (n, d)."""
    rng = np.random.default_rng(seed)
    params = _weights(rng, d, h, scale)
    X = rng.normal(0.0, 1.0, size=(n, d))
    return params, X


def _port_args(seed: int, n: int, d: int, h: int) -> tuple:
    """(torch_params, keras_params, X): the PyTorch model's weights, the Keras model's own
    (other) weights, and n samples X (n, d)."""
    rng = np.random.default_rng(seed)
    torch_params = _weights(rng, d, h)
    keras_params = _weights(rng, d, h)
    X = rng.normal(0.0, 1.0, size=(n, d))
    return torch_params, keras_params, X


def _net(n: int, d: int, h: int, **kwargs) -> Callable[[int], tuple]:
    return lambda seed: _net_args(seed, n, d, h, **kwargs)


def _port(n: int, d: int, h: int) -> Callable[[int], tuple]:
    return lambda seed: _port_args(seed, n, d, h)


# --------------------------------------------------------------------------------------------
# The network's known mistakes, as NumPy functions of (params, X)
# --------------------------------------------------------------------------------------------

def _net_variant(*, hidden=lambda z: np.maximum(z, 0.0), out=ref._sigmoid) -> Callable[..., Any]:
    """The forward pass with another hidden activation and/or output function."""
    def variant(params, X):
        W1, b1, W2, b2 = ref._layers(params)
        return out(hidden(_f(X) @ W1 + b1) @ W2 + b2)
    return variant


def _softmax_rows(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _softmax_samples(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _identity(z: np.ndarray) -> np.ndarray:
    return z


def _network_mistakes(where: str) -> list[Mistake]:
    """The mistakes of the network itself, with hints for one framework.

    where: "torch" (nn.Module), "keras" (Dense activations) or "jax" (jax.numpy)."""
    say = {
        "torch": {"relu": "torch.relu (or nn.ReLU())", "sigmoid": "torch.sigmoid (or nn.Sigmoid())",
                  "end": "return torch.sigmoid(self.output(torch.relu(self.hidden(X))))"},
        "keras": {"relu": "activation='relu' on the hidden Dense layer",
                  "sigmoid": "activation='sigmoid' on the output Dense layer",
                  "end": "Dense(n_hidden, activation='relu'), then Dense(1, activation='sigmoid')"},
        "jax": {"relu": "jnp.maximum(..., 0) (or jax.nn.relu)",
                "sigmoid": "jax.nn.sigmoid (or 1 / (1 + jnp.exp(-z)))",
                "end": "jax.nn.sigmoid(jnp.maximum(X @ W1 + b1, 0) @ W2 + b2)"},
    }[where]
    return [
        Mistake(f"All the outputs are 1: a softmax over one output is always 1 (it normalises over "
                f"the classes, and there is one). A single output for two classes uses the "
                f"sigmoid: {say['sigmoid']}.", _net_variant(out=_softmax_rows)),
        Mistake(f"The outputs sum to 1 over the samples: that is a softmax over the batch (dim=0), "
                f"which makes the samples compete. One output for two classes uses the sigmoid, "
                f"applied to each sample on its own: {say['sigmoid']}.",
                _net_variant(out=_softmax_samples)),
        Mistake(f"The outputs are the logits, not probabilities: the last layer needs the sigmoid, "
                f"{say['sigmoid']}. The network ends {say['end']}.", _net_variant(out=_identity)),
        Mistake(f"The output went through a ReLU, not the sigmoid: ReLU is the hidden layer's "
                f"activation; the output of a binary classifier is a probability, "
                f"{say['sigmoid']}.", _net_variant(out=_relu)),
        Mistake(f"A ReLU was applied to the output before the sigmoid, so no output is below 0.5: "
                f"the ReLU belongs to the hidden layer only ({say['end']}).",
                _net_variant(out=lambda z: ref._sigmoid(_relu(z)))),
        Mistake(f"The sigmoid was applied twice, so every output lies between 0.5 and 0.73: apply "
                f"it once, at the end ({say['end']}).",
                _net_variant(out=lambda z: ref._sigmoid(ref._sigmoid(z)))),
        Mistake(f"The hidden layer has no activation: without {say['relu']} the two layers collapse "
                f"into one linear map. The network ends {say['end']}.",
                _net_variant(hidden=_identity)),
        Mistake(f"The hidden layer uses the sigmoid: the handout's network has ReLU hidden units "
                f"({say['relu']}) and the sigmoid only at the output.",
                _net_variant(hidden=ref._sigmoid)),
        Mistake(f"The hidden layer uses tanh: the handout's network has ReLU hidden units "
                f"({say['relu']}).", _net_variant(hidden=np.tanh)),
        Mistake("The output must have shape (n, 1), one column for the one output unit, like the "
                "labels y (n, 1): do not squeeze or flatten it.",
                lambda params, X: ref.mlp_forward(params, X).reshape(-1)),
    ]


# --------------------------------------------------------------------------------------------
# TorchNet: nn.Module, forward(X) -> (n, 1)
# --------------------------------------------------------------------------------------------

_TORCH_HINT = ("The checker builds TorchNet(n_features, n_hidden), copies the case's weights into "
               "its two nn.Linear layers and compares model(X) with the NumPy forward pass "
               "sigmoid(relu(X @ W1 + b1) @ W2 + b2). Check forward: "
               "torch.sigmoid(self.output(torch.relu(self.hidden(X)))).")

TORCH_NET = Exercise(
    name="TorchNet",
    params=("params", "X"),
    reference=ref.torch_net_outputs,
    probe="dlcourse.probes.frameworks:torch_net_outputs",
    cases=[
        Case("TorchNet(10, 64), the handout's sizes, with known weights copied in: model(X) on "
             "6 samples", _net_args(801, 6, 10, 64), hint=_TORCH_HINT),
        Case("TorchNet(4, 3), other sizes (the layers must use n_features and n_hidden): model(X) "
             "on 5 samples", _net_args(1802, 5, 4, 3), hint=_TORCH_HINT),
        Case("TorchNet(10, 64) on 8 random samples, random weights", redraw(_net(8, 10, 64)),
             hidden=True),
        Case("TorchNet(7, 5) on 6 random samples", redraw(_net(6, 7, 5)), hidden=True),
        Case("TorchNet(3, 16) on one sample", redraw(_net(1, 3, 16)), hidden=True),
        Case("TorchNet(6, 12) with large weights: outputs close to 0 and 1",
             redraw(_net(7, 6, 12, scale=4.0)), hidden=True),
        Case("TorchNet(5, 2), two hidden units", redraw(_net(9, 5, 2)), hidden=True),
        Case("TorchNet() with no arguments: the defaults are the handout's sizes, "
             "n_features=10, n_hidden=64", redraw(_net(4, 10, 64)), {"defaults": True},
             hidden=True),
    ],
    mistakes=_network_mistakes("torch"),
)


# --------------------------------------------------------------------------------------------
# build_keras_model(n_features, n_hidden) -> a compiled keras.Sequential
# --------------------------------------------------------------------------------------------

_KERAS_COMPILE = ("model.compile(optimizer='adam', loss='binary_crossentropy', "
                  "metrics=['accuracy'])")
_LOSS_HINTS = {
    "not compiled": ("build_keras_model returned a model that is not compiled: call "
                     f"{_KERAS_COMPILE} before `return model` (.fit needs a loss and an optimizer)."),
    "mean_squared_error": ("The model is compiled with the mean squared error. A binary "
                           "classifier with a sigmoid output is trained with the binary "
                           "cross-entropy (lesson 03): loss='binary_crossentropy'."),
    "mean_absolute_error": ("The model is compiled with the mean absolute error. A binary "
                            "classifier with a sigmoid output is trained with the binary "
                            "cross-entropy: loss='binary_crossentropy'."),
    "categorical_crossentropy": ("The model is compiled with the categorical cross-entropy, the "
                                 "loss of a softmax over several classes with one-hot labels. One "
                                 "sigmoid output with labels 0 and 1 uses "
                                 "loss='binary_crossentropy'."),
    "sparse_categorical_crossentropy": ("The model is compiled with the sparse categorical "
                                        "cross-entropy, the loss of a softmax over several "
                                        "classes with integer labels. One sigmoid output with "
                                        "labels 0 and 1 uses loss='binary_crossentropy'."),
    "binary_crossentropy(from_logits=True)": (
        "The model is compiled with from_logits=True, but its last layer applies the sigmoid "
        "already: its outputs are probabilities, not logits, and the loss would apply a second "
        "sigmoid. Use loss='binary_crossentropy' (from_logits=False, the default)."),
}


def _keras_compare(expected: Any, got: Any, *, rtol: float = RTOL,
                   atol: float = ATOL) -> str | None:
    """The outputs first; then the loss and the metrics, when ``expected`` names them (the
    known mistakes give outputs only, so that their hint shows whatever the model is compiled
    with)."""
    if not isinstance(got, dict) or "outputs" not in got:
        return f"The checker could not read the model: the probe returned {describe(got)}."
    problem = compare_arrays(expected["outputs"], got["outputs"], rtol=rtol, atol=atol,
                             what="the model's outputs on X (with the case's weights set)")
    if problem or "loss" not in expected:
        return problem
    loss = got.get("loss")
    if loss != expected["loss"]:
        return _LOSS_HINTS.get(loss, f"The model is compiled with the loss {loss!r}; a binary "
                                     f"classifier with a sigmoid output is trained with the binary "
                                     f"cross-entropy: loss='binary_crossentropy'.")
    metrics = got.get("metrics") or []
    for metric in expected.get("metrics", []):
        if metric not in metrics:
            if "exact_accuracy" in metrics:
                return ("The model is compiled with keras.metrics.Accuracy(), which counts the "
                        "outputs exactly equal to the labels: a probability such as 0.83 never "
                        "equals 1. Use metrics=['accuracy'] (Keras then picks the binary accuracy, "
                        "threshold 0.5) or keras.metrics.BinaryAccuracy().")
            return (f"The model is not compiled with the accuracy metric (it has {metrics}): "
                    f"add metrics=['accuracy'] to model.compile, so that .fit and .evaluate "
                    f"report it.")
    return None


def _outputs_only(fn: Callable[..., Any]) -> Callable[..., dict]:
    """A network mistake as the Keras probe returns it: the outputs alone."""
    return lambda params, X: {"outputs": fn(params, X)}


_KERAS_HINT = ("The checker builds build_keras_model(n_features, n_hidden), sets the case's weights "
               "in its two Dense layers (a Keras kernel is (in, out), like the course's W) and "
               "compares the model's outputs with the NumPy forward pass; then it checks the "
               f"compile step: {_KERAS_COMPILE}.")

BUILD_KERAS_MODEL = Exercise(
    name="build_keras_model",
    params=("params", "X"),
    reference=ref.keras_model_outputs,
    probe="dlcourse.probes.frameworks:keras_model_outputs",
    compare=_keras_compare,
    cases=[
        Case("build_keras_model(10, 64), the handout's sizes, with known weights set: outputs on "
             "6 samples, then its compile settings", _net_args(811, 6, 10, 64), hint=_KERAS_HINT,
             **F32),
        Case("build_keras_model(4, 3), other sizes (use n_features and n_hidden): outputs on "
             "5 samples", _net_args(5812, 5, 4, 3), hint=_KERAS_HINT, **F32),
        Case("build_keras_model(7, 5) on 6 random samples", redraw(_net(6, 7, 5)), hidden=True,
             **F32),
        Case("build_keras_model(3, 16) on one sample", redraw(_net(1, 3, 16)), hidden=True, **F32),
        Case("build_keras_model(6, 12) with large weights: outputs close to 0 and 1",
             redraw(_net(7, 6, 12, scale=4.0)), hidden=True, **F32),
        Case("build_keras_model() with no arguments: the defaults are the handout's sizes, "
             "n_features=10, n_hidden=64", redraw(_net(4, 10, 64)), {"defaults": True},
             hidden=True, **F32),
    ],
    mistakes=[Mistake(m.hint, _outputs_only(m.fn)) for m in _network_mistakes("keras")],
)


# --------------------------------------------------------------------------------------------
# jax_forward(params, X) -> (n, 1), with jax.numpy
# --------------------------------------------------------------------------------------------

_JAX_HINT = ("The checker runs jax.jit(jax_forward)(params, X) with float32 JAX arrays and compares "
             "with the NumPy forward pass: (W1, b1), (W2, b2) = params; "
             "jax.nn.sigmoid(jnp.maximum(X @ W1 + b1, 0) @ W2 + b2).")

JAX_FORWARD = Exercise(
    name="jax_forward",
    params=("params", "X"),
    reference=ref.jax_forward_outputs,
    probe="dlcourse.probes.frameworks:jax_forward_outputs",
    cases=[
        Case("params of a 10 -> 64 -> 1 network (the handout's sizes), 6 samples",
             _net_args(7821, 6, 10, 64), hint=_JAX_HINT, **F32),
        Case("params of a 4 -> 3 -> 1 network, 5 samples", _net_args(3822, 5, 4, 3),
             hint=_JAX_HINT, **F32),
        Case("a 10 -> 64 -> 1 network on 8 random samples", redraw(_net(8, 10, 64)), hidden=True,
             **F32),
        Case("a 7 -> 5 -> 1 network on 6 random samples", redraw(_net(6, 7, 5)), hidden=True,
             **F32),
        Case("a 3 -> 16 -> 1 network on one sample", redraw(_net(1, 3, 16)), hidden=True, **F32),
        Case("large weights: outputs close to 0 and 1", redraw(_net(7, 6, 12, scale=4.0)),
             hidden=True, **F32),
    ],
    mistakes=_network_mistakes("jax"),
)


# --------------------------------------------------------------------------------------------
# copy_torch_to_keras(torch_model, keras_model) -> the Keras model, with the PyTorch weights
# --------------------------------------------------------------------------------------------

def _port_variant(*, first: str = "torch", second: str = "torch", biases: bool = True,
                  w1_transposed: bool = False) -> Callable[..., np.ndarray]:
    """The Keras model's outputs when only some weights were copied: each layer's weights come
    from "torch" (copied) or "keras" (left as they were); ``biases=False`` leaves the Keras
    biases; ``w1_transposed`` copies the first weight without the transpose (square W1 only)."""
    def variant(torch_params, keras_params, X):
        tW1, tb1, tW2, tb2 = ref._layers(torch_params)
        kW1, kb1, kW2, kb2 = ref._layers(keras_params)
        W1, b1 = (tW1, tb1) if first == "torch" else (kW1, kb1)
        W2, b2 = (tW2, tb2) if second == "torch" else (kW2, kb2)
        if not biases:
            b1, b2 = (kb1 if first == "torch" else b1), (kb2 if second == "torch" else b2)
        if w1_transposed:
            if W1.shape[0] != W1.shape[1]:
                raise ValueError("only a square kernel can be copied untransposed")
            W1 = W1.T
        return ref.mlp_forward([(W1, b1), (W2, b2)], X)
    return variant


_PORT_HINT = ("The checker builds a PyTorch model (Linear, ReLU, Linear, Sigmoid) with known weights "
              "and a Keras model of the same shape with other weights, calls "
              "copy_torch_to_keras(torch_model, keras_model), and compares the Keras model's "
              "outputs with the PyTorch model's. For each pair of layers: "
              "dense.set_weights([linear.weight.detach().numpy().T, linear.bias.detach().numpy()]).")

COPY_TORCH_TO_KERAS = Exercise(
    name="copy_torch_to_keras",
    params=("torch_params", "keras_params", "X"),
    reference=ref.copy_torch_to_keras_outputs,
    probe="dlcourse.probes.frameworks:copy_torch_to_keras_outputs",
    cases=[
        Case("a 10 -> 64 -> 1 PyTorch model (the handout's sizes) copied into a Keras model; the "
             "Keras outputs on 6 samples", _port_args(1831, 6, 10, 64), hint=_PORT_HINT, **PORT),
        Case("a 4 -> 3 -> 1 model copied; the Keras outputs on 5 samples",
             _port_args(832, 5, 4, 3), hint=_PORT_HINT, **PORT),
        Case("a 10 -> 64 -> 1 model, 8 random samples", redraw(_port(8, 10, 64)), hidden=True,
             **PORT),
        Case("a 6 -> 6 -> 1 model: the first kernel is square, so a missing transpose raises no "
             "error there", redraw(_port(5, 6, 6)), hidden=True, **PORT),
        Case("a 7 -> 5 -> 1 model, 6 random samples", redraw(_port(6, 7, 5)), hidden=True,
             **PORT),
    ],
    mistakes=[
        Mistake("The Keras model still has its own weights: nothing was copied into it (or a new "
                "model was returned). Copy into the keras_model you are given: for each pair of "
                "layers, dense.set_weights([linear.weight.detach().numpy().T, "
                "linear.bias.detach().numpy()]).", _port_variant(first="keras", second="keras")),
        Mistake("The biases were not copied: the Keras layers kept their own. set_weights takes "
                "[kernel, bias]: copy linear.bias.detach().numpy() too.",
                _port_variant(biases=False)),
        Mistake("Only the first layer was copied: the Keras output layer kept its own weights. "
                "Copy both pairs of layers (the hidden nn.Linear into the first Dense, the output "
                "nn.Linear into the second).", _port_variant(second="keras")),
        Mistake("Only the second layer was copied: the Keras hidden layer kept its own weights. "
                "Copy both pairs of layers.", _port_variant(first="keras")),
        Mistake("The first kernel is the PyTorch weight NOT transposed (it fits only because it is "
                "square here). PyTorch stores nn.Linear's weight as (out, in), Keras's kernel is "
                "(in, out): the kernel is the transposed weight, weight.detach().numpy().T.",
                _port_variant(w1_transposed=True)),
    ],
)


# --------------------------------------------------------------------------------------------
# framework_for(needs) -> "pytorch" | "tensorflow" | "keras" | "jax"
# --------------------------------------------------------------------------------------------

_RULE_TEXT = ("The rule, first match wins: 1. 'deploy_mobile' -> 'tensorflow'; 2. 'fast_math' -> "
              "'jax'; 3. 'custom_training', 'research' or 'modular_pipeline' -> 'pytorch'; "
              "4. 'prototype' or 'beginner' -> 'keras'; 5. no need -> 'pytorch'.")


def _name_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """framework_for returns one of four lowercase names."""
    if isinstance(got, str) and got == expected:
        return None
    if got is None:
        return "framework_for returned None. Did you forget a `return` (for every branch)?"
    if not isinstance(got, str):
        return (f"framework_for should return a string, one of {list(ref.FRAMEWORKS)}, but it "
                f"returned {describe(got)} ({type(got).__name__}).")
    if got.strip().lower() == expected:
        return (f"framework_for returned {got!r}: return the name exactly as the exercise writes "
                f"it, lowercase, {expected!r}.")
    if got not in ref.FRAMEWORKS:
        return (f"framework_for returned {got!r}, which is not one of {list(ref.FRAMEWORKS)} "
                f"(expected {expected!r}).")
    return f"framework_for returned {got!r}, but the rule gives {expected!r}."


def _why(needs: Sequence[str]) -> str:
    """The hint of a case: which rule decides for these needs, and why."""
    for number, (triggers, framework) in enumerate(ref.RULES, start=1):
        found = [need for need in needs if need in triggers]
        if found:
            rest = (", whatever else the list holds, in whatever order" if len(needs) > 1
                    else "")
            return (f"The needs include {found[0]!r}, so rule {number} decides: "
                    f"{framework!r}{rest}. {_RULE_TEXT}")
    return f"No need is given, so the last rule decides: {ref.DEFAULT!r}. {_RULE_TEXT}"


def _choose(name: str, needs: list[str], *, hidden: bool = False) -> Case:
    return Case(name, (needs,), hidden=hidden, hint=_why(needs))


def _needs(seed: int, k: int) -> tuple:
    """(needs,): k different needs in a random order."""
    rng = np.random.default_rng(seed)
    names = list(ref.NEEDS)
    return ([names[i] for i in rng.permutation(len(names))[:k]],)


def _prototype_is_tensorflow(needs: Sequence[str]) -> str:
    """framework_for reading the handout's "TensorFlow / Keras" row as TensorFlow."""
    answer = ref.framework_for(needs)
    if answer == "keras" and "prototype" in needs:
        return "tensorflow"
    return answer


FRAMEWORK_FOR = Exercise(
    name="framework_for",
    params=("needs",),
    reference=ref.framework_for,
    compare=_name_compare,
    cases=[
        _choose("Q1: a research student who needs flexibility", ["research"]),
        _choose("Q2: a mobile app", ["deploy_mobile"]),
        _choose("Q3: a beginner learning deep learning", ["beginner"]),
        _choose("a custom training loop, prototyped fast: rule 3 comes before rule 4",
                ["custom_training", "prototype"]),
        _choose("a research team that must also ship to phones: rule 1 comes first",
                ["research", "deploy_mobile"]),
        _choose("no particular need: the last rule", []),
        _choose("fast NumPy-style math, compiled", ["fast_math"], hidden=True),
        _choose("fast math for a research paper: rule 2 before rule 3", ["research", "fast_math"],
                hidden=True),
        _choose("a modular ML pipeline", ["modular_pipeline"], hidden=True),
        _choose("prototype fast with simple syntax", ["prototype"], hidden=True),
        _choose("a beginner's app for phones", ["beginner", "deploy_mobile"], hidden=True),
        _choose("a phone app with fast math", ["deploy_mobile", "fast_math"], hidden=True),
        _choose("a beginner who writes a custom loss", ["beginner", "prototype", "custom_training"],
                hidden=True),
        Case("three needs drawn at random", redraw(_needs, 3), hidden=True, hint=_RULE_TEXT),
        Case("two needs drawn at random", redraw(_needs, 2), hidden=True, hint=_RULE_TEXT),
    ],
    mistakes=[
        Mistake("'prototype' -> 'keras': the handout's table says \"TensorFlow / Keras\" for "
                "prototyping fast, and Keras is the part you write (on TensorFlow, JAX or "
                "PyTorch). " + _RULE_TEXT, _prototype_is_tensorflow),
    ],
)

EXERCISES = [TORCH_NET, BUILD_KERAS_MODEL, JAX_FORWARD, COPY_TORCH_TO_KERAS, FRAMEWORK_FOR]
