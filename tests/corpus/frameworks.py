"""Lesson 08a corpus: TorchNet, build_keras_model, jax_forward, copy_torch_to_keras, framework_for.

See ``corpus/__init__`` for the tables. The frameworks are imported inside the functions, so that
importing this module stays light. A ``TorchNet`` answer is a class; here each one is a function
of the same signature that builds an instance of a class defined on first use (``_torch``).
"""
from __future__ import annotations

import functools

import numpy as np


# --------------------------------------------------------------------------------------------
# TorchNet: classes built on first use
# --------------------------------------------------------------------------------------------

@functools.cache
def _torch() -> dict:
    """Every TorchNet of the corpus, by name (PyTorch imported here)."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    class Sequential(nn.Module):                     # right: one nn.Sequential
        def __init__(self, n_features=10, n_hidden=64):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(n_features, n_hidden), nn.ReLU(),
                                     nn.Linear(n_hidden, 1), nn.Sigmoid())

        def forward(self, X):
            return self.net(X)

    class OutputFirst(nn.Module):                    # right: the output layer registered first
        def __init__(self, n_features=10, n_hidden=64):
            super().__init__()
            self.out = nn.Linear(n_hidden, 1)
            self.fc = nn.Linear(n_features, n_hidden)

        def forward(self, X):
            return 1.0 / (1.0 + torch.exp(-self.out(F.relu(self.fc(X)))))

    class Modules(nn.Module):                        # right: activation modules as attributes
        def __init__(self, n_features=10, n_hidden=64):
            super().__init__()
            self.fc1, self.act = nn.Linear(n_features, n_hidden), nn.ReLU()
            self.fc2, self.prob = nn.Linear(n_hidden, 1), nn.Sigmoid()

        def forward(self, X):
            return self.prob(self.fc2(self.act(self.fc1(X))))

    def variant(hidden=torch.relu, out=torch.sigmoid, sizes=None, squeeze=False, extra=False,
                bias=True, returns="tensor", float32=False):
        class Wrong(nn.Module):
            def __init__(self, n_features=10, n_hidden=64):
                super().__init__()
                if sizes is not None:
                    n_features, n_hidden = sizes
                self.hidden = nn.Linear(n_features, n_hidden, bias=bias)
                self.extra = nn.Linear(n_hidden, n_hidden) if extra else None
                self.output = nn.Linear(n_hidden, 1)

            def forward(self, X):
                if float32:
                    X = X.float()
                h = hidden(self.hidden(X))
                if self.extra is not None:
                    h = torch.relu(self.extra(h))
                y = out(self.output(h))
                if squeeze:
                    y = y.squeeze(1)
                if returns == "none":
                    return None
                if returns == "list":
                    return y.tolist()
                return y
        return Wrong

    class NotAModule:                                # wrong: a plain class
        def __init__(self, n_features=10, n_hidden=64):
            self.W1 = torch.randn(n_features, n_hidden)

        def __call__(self, X):
            return torch.sigmoid(X @ self.W1).sum(1, keepdim=True)

    return {
        "sequential": Sequential, "output_first": OutputFirst, "modules": Modules,
        "no_relu": variant(hidden=lambda z: z),
        "logits": variant(out=lambda z: z),
        "relu_output": variant(out=torch.relu),
        "softmax": variant(out=nn.Softmax(dim=1)),
        "softmax_samples": variant(out=lambda z: torch.softmax(z, dim=0)),
        "sigmoid_hidden": variant(hidden=torch.sigmoid),
        "hard_coded": variant(sizes=(10, 64)),
        "three_layers": variant(extra=True),
        "squeezed": variant(squeeze=True),
        "no_bias": variant(bias=False),
        "returns_none": variant(returns="none"),
        "returns_list": variant(returns="list"),
        "float32_forward": variant(float32=True),
        "not_a_module": NotAModule,
    }


def _net(name: str):
    def make(n_features=10, n_hidden=64):
        return _torch()[name](n_features, n_hidden)
    make.__name__ = f"torch_net_{name}"
    return make


torch_net_sequential = _net("sequential")
torch_net_output_first = _net("output_first")
torch_net_modules = _net("modules")


# --------------------------------------------------------------------------------------------
# build_keras_model(n_features, n_hidden)
# --------------------------------------------------------------------------------------------

def _keras():
    from dlcourse.frameworks import import_keras

    return import_keras()


def build_keras_model_add(n_features=10, n_hidden=64):
    """model.add, activations as layers, an SGD optimizer object and a BinaryCrossentropy one."""
    keras = _keras()
    model = keras.Sequential()
    model.add(keras.Input(shape=(n_features,)))
    model.add(keras.layers.Dense(n_hidden))
    model.add(keras.layers.Activation("relu"))
    model.add(keras.layers.Dense(1))
    model.add(keras.layers.Activation("sigmoid"))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss=keras.losses.BinaryCrossentropy(), metrics=[keras.metrics.BinaryAccuracy()])
    return model


def build_keras_model_functional(n_features=10, n_hidden=64):
    """The functional API, the loss as a function, 'acc'."""
    keras = _keras()
    inputs = keras.Input(shape=(n_features,))
    hidden = keras.layers.Dense(n_hidden, activation=keras.activations.relu)(inputs)
    outputs = keras.layers.Dense(1, activation=keras.activations.sigmoid)(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="rmsprop", loss=keras.losses.binary_crossentropy, metrics=["acc"])
    return model


def build_keras_model_input_shape(n_features=10, n_hidden=64):
    """The handout-era style: input_shape= on the first layer (Keras warns; still right)."""
    keras = _keras()
    model = keras.Sequential([keras.layers.Dense(n_hidden, activation="relu",
                                                 input_shape=(n_features,)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy", "AUC"])
    return model


def _keras_variant(name, hidden="relu", out="sigmoid", sizes=None, loss="binary_crossentropy",
                   metrics=("accuracy",), compile=True, extra=False, returns=True):
    def build(n_features=10, n_hidden=64):
        keras = _keras()
        if sizes is not None:
            n_features, n_hidden = sizes
        layers = [keras.Input(shape=(n_features,)), keras.layers.Dense(n_hidden, activation=hidden)]
        if extra:
            layers.append(keras.layers.Dense(n_hidden, activation="relu"))
        layers.append(keras.layers.Dense(1, activation=out))
        model = keras.Sequential(layers)
        if compile:
            model.compile(optimizer="adam", loss=loss(keras) if callable(loss) else loss,
                          metrics=metrics(keras) if callable(metrics) else list(metrics))
        return model if returns else None
    build.__name__ = f"build_keras_model_{name}"
    return build


# --------------------------------------------------------------------------------------------
# jax_forward(params, X)
# --------------------------------------------------------------------------------------------

def jax_forward_relu_sigmoid(params, X):
    """jax.nn.relu and the sigmoid written out, jnp.dot."""
    import jax
    import jax.numpy as jnp

    (W1, b1), (W2, b2) = params
    h = jax.nn.relu(jnp.dot(X, W1) + b1)
    return 1.0 / (1.0 + jnp.exp(-(jnp.dot(h, W2) + b2)))


def jax_forward_loop(params, X):
    """A loop over the layers, jnp.where for the ReLU, tanh for the sigmoid."""
    import jax.numpy as jnp

    a = X
    for i, (W, b) in enumerate(params):
        z = jnp.matmul(a, W) + b
        a = jnp.where(z > 0, z, 0.0) if i < len(params) - 1 else 0.5 * (1 + jnp.tanh(z / 2))
    return a


def _jax_variant(name, hidden=None, out=None, squeeze=False, transposed=False, unpack=False,
                 returns="array"):
    def forward(params, X):
        import jax
        import jax.numpy as jnp

        if unpack:
            (W1, W2), (b1, b2) = params
        else:
            (W1, b1), (W2, b2) = params
        if transposed:
            W1, W2 = W1.T, W2.T
        h = (hidden or (lambda z: jnp.maximum(z, 0)))(X @ W1 + b1)
        y = (out or jax.nn.sigmoid)(h @ W2 + b2)
        if squeeze:
            y = y.ravel()
        return None if returns == "none" else y
    forward.__name__ = f"jax_forward_{name}"
    return forward


def jax_forward_numpy(params, X):
    """NumPy inside: fails under jax.jit."""
    (W1, b1), (W2, b2) = params
    h = np.maximum(X @ W1 + b1, 0)
    return 1 / (1 + np.exp(-(h @ W2 + b2)))


def jax_forward_python_if(params, X):
    """A Python `if` on array values: fails under jax.jit."""
    import jax
    import jax.numpy as jnp

    (W1, b1), (W2, b2) = params
    z = X @ W1 + b1
    if jnp.any(z < 0):
        z = jnp.maximum(z, 0)
    return jax.nn.sigmoid(z @ W2 + b2)


# --------------------------------------------------------------------------------------------
# copy_torch_to_keras(torch_model, keras_model)
# --------------------------------------------------------------------------------------------

def _linears(torch_model):
    from torch import nn

    return [m for m in torch_model.modules() if isinstance(m, nn.Linear)]


def copy_torch_to_keras_model_set_weights(torch_model, keras_model):
    """One model-level set_weights with the whole list, from state_dict."""
    arrays = []
    for key, value in torch_model.state_dict().items():
        value = value.cpu().numpy()
        arrays.append(value.T if key.endswith("weight") else value)
    keras_model.set_weights(arrays)
    return keras_model


def copy_torch_to_keras_assign(torch_model, keras_model):
    """kernel.assign / bias.assign, layer by layer; returns None (the model is changed in place)."""
    dense = [layer for layer in keras_model.layers if layer.weights]
    for linear, layer in zip(_linears(torch_model), dense):
        layer.kernel.assign(np.transpose(linear.weight.detach().numpy()))
        layer.bias.assign(linear.bias.detach().numpy())


def copy_torch_to_keras_parameters(torch_model, keras_model):
    """Pairs from .parameters() (weight, bias, weight, bias), kernels transposed with .t()."""
    params = list(torch_model.parameters())
    weights = [p.detach().t().numpy() if p.ndim == 2 else p.detach().numpy() for p in params]
    for i, layer in enumerate(layer for layer in keras_model.layers if layer.weights):
        layer.set_weights(weights[2 * i:2 * i + 2])
    return keras_model


def _copy_variant(name, transpose=True, biases=True, layers="both", bias_2d=False,
                  swap=False, detach=True, reshape=False, new_model=False, change_source=False):
    def copy(torch_model, keras_model):
        linears = _linears(torch_model)
        denses = [layer for layer in keras_model.layers if layer.weights]
        if swap:
            denses = denses[::-1]
        if new_model:  # copies into a clone of the model, then returns nothing
            keras_model = _keras().models.clone_model(keras_model)
            denses = [layer for layer in keras_model.layers if layer.weights]
        pairs = list(zip(linears, denses))
        if layers == "first":
            pairs = pairs[:1]
        for linear, dense in pairs:
            if change_source:
                linear.weight.data = linear.weight.data.T
                w = linear.weight.detach().numpy()
            else:
                w = linear.weight.detach().numpy() if detach else linear.weight.numpy()
                if reshape:
                    w = w.reshape(w.shape[1], w.shape[0])
                elif transpose:
                    w = w.T
            b = linear.bias.detach().numpy()
            if bias_2d:
                b = b.reshape(1, -1)
            dense.set_weights([w, b] if biases else [w, dense.get_weights()[1]])
        return None if new_model else keras_model
    copy.__name__ = f"copy_torch_to_keras_{name}"
    return copy


# --------------------------------------------------------------------------------------------
# framework_for(needs)
# --------------------------------------------------------------------------------------------

def framework_for_ifs(needs):
    """A chain of ifs, in the rule's order."""
    if "deploy_mobile" in needs:
        return "tensorflow"
    if "fast_math" in needs:
        return "jax"
    if "custom_training" in needs or "research" in needs or "modular_pipeline" in needs:
        return "pytorch"
    if "prototype" in needs or "beginner" in needs:
        return "keras"
    return "pytorch"


def framework_for_ranks(needs):
    """Each need has a rank; the best-ranked need decides."""
    rank = {"deploy_mobile": (0, "tensorflow"), "fast_math": (1, "jax"),
            "custom_training": (2, "pytorch"), "research": (2, "pytorch"),
            "modular_pipeline": (2, "pytorch"), "prototype": (3, "keras"),
            "beginner": (3, "keras")}
    known = sorted(rank[n] for n in needs if n in rank)
    return known[0][1] if known else "pytorch"


def framework_for_sets(needs):
    """Set intersections."""
    needs = set(needs)
    for group, name in [({"deploy_mobile"}, "tensorflow"), ({"fast_math"}, "jax"),
                        ({"custom_training", "research", "modular_pipeline"}, "pytorch"),
                        ({"prototype", "beginner"}, "keras")]:
        if needs & group:
            return name
    return "pytorch"


def framework_for_handout_order(needs):
    """The rows of the handout's table, top to bottom."""
    for need, name in [("prototype", "keras"), ("custom_training", "pytorch"),
                       ("research", "pytorch"), ("deploy_mobile", "tensorflow"),
                       ("beginner", "keras"), ("modular_pipeline", "pytorch"),
                       ("fast_math", "jax")]:
        if need in needs:
            return name
    return "pytorch"


def framework_for_first_listed(needs):
    table = {"deploy_mobile": "tensorflow", "fast_math": "jax", "custom_training": "pytorch",
             "research": "pytorch", "modular_pipeline": "pytorch", "prototype": "keras",
             "beginner": "keras"}
    for need in needs:
        return table[need]
    return "pytorch"


def framework_for_always_pytorch(needs):
    return "pytorch"


def framework_for_capitalized(needs):
    name = framework_for_ifs(needs)
    return {"pytorch": "PyTorch", "tensorflow": "TensorFlow", "keras": "Keras", "jax": "JAX"}[name]


def framework_for_handout_words(needs):
    if "deploy_mobile" in needs:
        return "tensorflow"
    if "fast_math" in needs:
        return "jax"
    if {"custom_training", "research", "modular_pipeline"} & set(needs):
        return "pytorch"
    if "prototype" in needs:
        return "TensorFlow / Keras"
    if "beginner" in needs:
        return "keras"
    return "pytorch"


def framework_for_prototype_tensorflow(needs):
    if "prototype" in needs and not {"custom_training", "research", "modular_pipeline",
                                     "fast_math", "deploy_mobile"} & set(needs):
        return "tensorflow"
    return framework_for_ifs(needs)


def framework_for_default_keras(needs):
    return framework_for_ifs(needs) if needs else "keras"


def framework_for_no_jax(needs):
    return framework_for_ifs([n for n in needs if n != "fast_math"])


def framework_for_flexibility_first(needs):
    if {"custom_training", "research", "modular_pipeline"} & set(needs):
        return "pytorch"
    return framework_for_ifs(needs)


def framework_for_no_default(needs):
    if needs:
        return framework_for_ifs(needs)


def framework_for_sorts_needs(needs):
    needs.sort()
    return framework_for_ifs(needs)


RIGHT = {
    "TorchNet": [torch_net_sequential, torch_net_output_first, torch_net_modules],
    "build_keras_model": [build_keras_model_add, build_keras_model_functional,
                          build_keras_model_input_shape],
    "jax_forward": [jax_forward_relu_sigmoid, jax_forward_loop],
    "copy_torch_to_keras": [copy_torch_to_keras_model_set_weights, copy_torch_to_keras_assign,
                            copy_torch_to_keras_parameters],
    "framework_for": [framework_for_ifs, framework_for_ranks, framework_for_sets],
}

WRONG = [
    ("TorchNet", _net("no_relu"), r"hidden layer has no activation"),
    ("TorchNet", _net("logits"), r"the logits, not probabilities"),
    ("TorchNet", _net("relu_output"), r"went through a ReLU, not the sigmoid"),
    ("TorchNet", _net("softmax"), r"a softmax over one output is always 1"),
    ("TorchNet", _net("softmax_samples"), r"sum to 1 over the samples"),
    ("TorchNet", _net("sigmoid_hidden"), r"hidden layer uses the sigmoid"),
    ("TorchNet", _net("hard_coded"), r"nn\.Linear\(10, 64\).*not from fixed numbers"),
    ("TorchNet", _net("three_layers"), r"has 3 nn\.Linear layers.*has 2"),
    ("TorchNet", _net("squeezed"), r"(?s)shape \(6,\).*must have shape \(n, 1\)"),
    ("TorchNet", _net("no_bias"), r"has no bias \(bias=False\)"),
    ("TorchNet", _net("returns_none"), r"is None\. Did you forget the `return`"),
    ("TorchNet", _net("returns_list"), r"is a Python list, not a NumPy array"),
    ("TorchNet", _net("not_a_module"), r"not an nn\.Module"),
    ("TorchNet", _net("float32_forward"), r"runs TorchNet in float64.*must not convert X"),

    ("build_keras_model", _keras_variant("softmax", out="softmax"),
     r"a softmax over one output is always 1"),
    ("build_keras_model", _keras_variant("no_sigmoid", out=None), r"the logits, not probabilities"),
    ("build_keras_model", _keras_variant("linear_hidden", hidden=None),
     r"hidden layer has no activation"),
    ("build_keras_model", _keras_variant("sigmoid_hidden", hidden="sigmoid"),
     r"hidden layer uses the sigmoid"),
    ("build_keras_model", _keras_variant("mse", loss="mse"), r"mean squared error.*binary_crossentropy"),
    ("build_keras_model", _keras_variant("categorical", loss="categorical_crossentropy"),
     r"categorical cross-entropy, the loss of a softmax"),
    ("build_keras_model", _keras_variant(
        "from_logits", loss=lambda keras: keras.losses.BinaryCrossentropy(from_logits=True)),
     r"from_logits=True, but its last layer applies the sigmoid"),
    ("build_keras_model", _keras_variant("not_compiled", compile=False), r"is not compiled"),
    ("build_keras_model", _keras_variant("no_metrics", metrics=()),
     r"not compiled with the accuracy metric"),
    ("build_keras_model", _keras_variant("exact_accuracy",
                                         metrics=lambda keras: [keras.metrics.Accuracy()]),
     r"keras\.metrics\.Accuracy\(\), which counts"),
    ("build_keras_model", _keras_variant("hard_coded", sizes=(10, 64)), r"not fixed numbers"),
    ("build_keras_model", _keras_variant("three_layers", extra=True), r"has 3 Dense layers"),
    ("build_keras_model", _keras_variant("no_return", returns=False), r"returned None"),

    ("jax_forward", jax_forward_numpy, r"must be written with jax\.numpy"),
    ("jax_forward", jax_forward_python_if, r"Python `if` on array values"),
    ("jax_forward", _jax_variant("logits", out=lambda z: z), r"the logits, not probabilities"),
    ("jax_forward", _jax_variant("relu_output", out=lambda z: z * (z > 0)),
     r"went through a ReLU, not the sigmoid"),
    ("jax_forward", _jax_variant("softmax", out=lambda z: __import__("jax").nn.softmax(z, axis=-1)),
     r"a softmax over one output is always 1"),
    ("jax_forward", _jax_variant("no_relu", hidden=lambda z: z), r"hidden layer has no activation"),
    ("jax_forward", _jax_variant("tanh_hidden", hidden=lambda z: __import__("jax").numpy.tanh(z)),
     r"hidden layer uses tanh"),
    ("jax_forward", _jax_variant("transposed", transposed=True),
     r"do not fit together.*no \.T"),
    ("jax_forward", _jax_variant("unpacked", unpack=True), r"params is \[\(W1, b1\), \(W2, b2\)\]"),
    ("jax_forward", _jax_variant("squeezed", squeeze=True), r"must have shape \(n, 1\)"),
    ("jax_forward", _jax_variant("returns_none", returns="none"), r"is None"),

    ("copy_torch_to_keras", _copy_variant("no_transpose", transpose=False),
     r"(?s)its shape transposed.*kernel is the TRANSPOSED weight"),
    ("copy_torch_to_keras", _copy_variant("swapped_layers", swap=True),
     r"(?s)copied into a Keras weight.*layer by layer, in order"),
    ("copy_torch_to_keras", _copy_variant("bias_2d", bias_2d=True),
     r"(?s)a different shape.*the bias as it is \(shape \(out,\)"),
    ("copy_torch_to_keras", _copy_variant("no_biases", biases=False), r"biases were not copied"),
    ("copy_torch_to_keras", _copy_variant("first_layer_only", layers="first"),
     r"Only the first layer was copied"),
    ("copy_torch_to_keras", _copy_variant("new_model", new_model=True), r"nothing was copied"),
    ("copy_torch_to_keras", lambda torch_model, keras_model: keras_model,
     r"nothing was copied"),
    ("copy_torch_to_keras", _copy_variant("reshape", reshape=True),
     r"linear\.weight\.detach\(\)\.numpy\(\)\.T"),
    ("copy_torch_to_keras", _copy_variant("no_detach", detach=False), r"detach"),
    ("copy_torch_to_keras", _copy_variant("changes_source", change_source=True),
     r"changed the PyTorch model's weights"),

    ("framework_for", framework_for_handout_order,
     r"(?s)returned 'keras', but the rule gives 'pytorch'.*include 'custom_training', so rule 3 "
     r"decides: 'pytorch', whatever else the list holds"),
    ("framework_for", framework_for_first_listed,
     r"(?s)returned 'pytorch', but the rule gives 'tensorflow'.*'deploy_mobile', so rule 1 decides"),
    ("framework_for", framework_for_always_pytorch,
     r"(?s)returned 'pytorch', but the rule gives 'tensorflow'.*rule 1 decides"),
    ("framework_for", framework_for_capitalized, r"lowercase, 'pytorch'"),
    ("framework_for", framework_for_handout_words, r"'TensorFlow / Keras', which is not one of"),
    ("framework_for", framework_for_prototype_tensorflow,
     r"'prototype' -> 'keras': the handout's table says \"TensorFlow / Keras\""),
    ("framework_for", framework_for_default_keras, r"No need is given, so the last rule decides"),
    ("framework_for", framework_for_no_jax, r"'fast_math', so rule 2 decides: 'jax'"),
    ("framework_for", framework_for_flexibility_first,
     r"(?s)returned 'pytorch'.*'deploy_mobile', so rule 1 decides"),
    ("framework_for", framework_for_no_default, r"returned None"),
    ("framework_for", framework_for_sorts_needs, r"changed its input `needs` in place"),
]
