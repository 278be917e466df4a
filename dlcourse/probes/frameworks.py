"""Probes of lesson 08a: drive the student's PyTorch, Keras and JAX answers, return plain data.

Every probe takes the student's answer and the case's plain inputs, in the course's layout::

    params = [(W1, b1), (W2, b2)]   # W1 (n_features, n_hidden), b1 (1, n_hidden),
                                     # W2 (n_hidden, 1), b2 (1, 1), float64
    X: (n, n_features) float64

and returns what the framework computed as float64 NumPy arrays (the Keras probe: a dict). When
the student's object has the wrong structure (three layers, sizes fixed at 10 and 64, no bias),
the probe raises an exception whose message says so in a beginner's words; the checker reports
it. Frameworks are imported inside the functions (TensorFlow quietly, through
:mod:`dlcourse.frameworks`).

The frameworks lay the weights out differently, and that is the lesson of ``copy_torch_to_keras``:

- the course and Keras: ``X @ W + b`` with ``W`` (in, out): a Dense layer's ``kernel``;
- PyTorch: ``X @ weight.T + bias`` with ``nn.Linear.weight`` (out, in): the course's ``W.T``.
"""
from __future__ import annotations

import re
import warnings
from typing import Any, Sequence

import numpy as np

#: the hint added to a shape error raised while copying weights into Keras
KERNEL_HINT = (
    "PyTorch's nn.Linear stores its weight as (out, in) and computes X @ weight.T + bias; a Keras "
    "Dense layer stores its kernel as (in, out) and computes X @ kernel + bias. So the kernel is "
    "the TRANSPOSED weight: copy linear.weight.detach().numpy().T into the kernel, and the bias as "
    "it is (shape (out,) in both). Copy layer by layer, in order: the first nn.Linear into the "
    "first Dense, the second into the second.")


def _f64(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


def _params(params: Sequence[Sequence[Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                        np.ndarray]:
    (W1, b1), (W2, b2) = params
    return _f64(W1), _f64(b1), _f64(W2), _f64(b2)


def _sizes(params: Sequence[Sequence[Any]]) -> tuple[int, int]:
    """(n_features, n_hidden) from the shape of W1."""
    n_features, n_hidden = np.shape(params[0][0])
    return int(n_features), int(n_hidden)


# --------------------------------------------------------------------------------------------
# PyTorch
# --------------------------------------------------------------------------------------------

def _torch_pair(model: Any, n_features: int, n_hidden: int, who: str):
    """The hidden and output ``nn.Linear`` layers of ``model``, found by their shapes; a clear
    error when there are not exactly two with the right sizes and biases."""
    from torch import nn

    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    layout = ("nn.Linear(n_features, n_hidden), then ReLU, then nn.Linear(n_hidden, 1), then "
              "the sigmoid")
    if len(linears) != 2:
        listed = ", ".join(f"nn.Linear({m.in_features}, {m.out_features})" for m in linears)
        raise ValueError(f"{who}({n_features}, {n_hidden}) has {len(linears)} nn.Linear layers"
                         f"{': ' + listed if linears else ''}; the network of this "
                         f"exercise has 2: {layout}.")
    wanted = {(n_hidden, n_features): "hidden", (1, n_hidden): "output"}
    found = {tuple(m.weight.shape): m for m in linears}
    if set(found) != set(wanted):
        got = " and ".join(f"nn.Linear({m.in_features}, {m.out_features})" for m in linears)
        raise ValueError(
            f"{who}(n_features={n_features}, n_hidden={n_hidden}) has the layers {got}; expected "
            f"nn.Linear({n_features}, {n_hidden}) and nn.Linear({n_hidden}, 1). Build the layers "
            f"from the arguments n_features and n_hidden, not from fixed numbers (10 and 64 are "
            f"only the defaults).")
    hidden, output = found[(n_hidden, n_features)], found[(1, n_hidden)]
    for layer, name in ((hidden, "hidden"), (output, "output")):
        if layer.bias is None:
            raise ValueError(f"The {name} nn.Linear of {who} has no bias (bias=False): each layer "
                             f"of this network computes X @ W + b; keep nn.Linear's default "
                             f"bias=True.")
    return hidden, output


def _to_numpy(value: Any) -> Any:
    """A tensor or array as float64 NumPy; anything else unchanged (the checker describes it)."""
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach().cpu().to(torch.float64).numpy()
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        return value.astype(np.float64)
    return value


def torch_net_outputs(TorchNet: Any, params: Sequence[Sequence[Any]], X: Any,
                      defaults: bool = False) -> Any:
    """Build ``TorchNet(n_features, n_hidden)`` (sizes from the shape of W1), copy ``params``
    into its two ``nn.Linear`` layers (weight = W.T, bias = b), and return ``model(X)`` computed
    in float64 in evaluation mode: (n, 1) float64. With ``defaults=True`` the model is built as
    ``TorchNet()``, which must have the handout's sizes (params are then 10 -> 64 -> 1).

    ``X`` reaches the model as ``torch.from_numpy(X)``, which shares its memory: a forward pass
    that changes its input in place shows as a changed input."""
    import torch
    from torch import nn

    W1, b1, W2, b2 = _params(params)
    n_features, n_hidden = _sizes(params)
    model = TorchNet() if defaults else TorchNet(n_features, n_hidden)
    if not isinstance(model, nn.Module):
        raise TypeError(f"TorchNet({n_features}, {n_hidden}) made a {type(model).__name__}, not "
                        f"an nn.Module: define `class TorchNet(nn.Module):` with __init__ and "
                        f"forward.")
    try:
        hidden, output = _torch_pair(model, n_features, n_hidden, "TorchNet")
    except ValueError:
        if not defaults:
            raise
        raise ValueError(f"TorchNet() with no arguments should be the handout's network, "
                         f"nn.Linear({n_features}, {n_hidden}) then nn.Linear({n_hidden}, 1): "
                         f"give __init__ the defaults n_features={n_features}, "
                         f"n_hidden={n_hidden}.") from None
    model = model.double()
    with torch.no_grad():
        for layer, W, b in ((hidden, W1, b1), (output, W2, b2)):
            layer.weight.copy_(torch.from_numpy(W.T.copy()))
            layer.bias.copy_(torch.from_numpy(b.reshape(-1).copy()))
    model.eval()
    with torch.no_grad():
        try:
            out = model(torch.from_numpy(X) if isinstance(X, np.ndarray) else X)
        except RuntimeError as exc:
            if "dtype" not in str(exc) and "Double" not in str(exc) and "Float" not in str(exc):
                raise
            raise RuntimeError(
                f"{str(exc).splitlines()[0][:200]}\n  The checker runs TorchNet in float64 (the "
                f"model's .double() and a float64 X) to compare to the last digits: forward must "
                f"not convert X (no X.float(), no torch.tensor(X, dtype=torch.float32)); convert "
                f"the data before calling the model.") from None
    return _to_numpy(out)


def course_torch_model(params: Sequence[Sequence[Any]]):
    """A float32 ``nn.Sequential(Linear, ReLU, Linear, Sigmoid)`` with ``params`` copied in (as
    a trained ``TorchNet`` is), in evaluation mode."""
    import torch
    from torch import nn

    W1, b1, W2, b2 = _params(params)
    n_features, n_hidden = _sizes(params)
    model = nn.Sequential(nn.Linear(n_features, n_hidden), nn.ReLU(), nn.Linear(n_hidden, 1),
                          nn.Sigmoid())
    with torch.no_grad():
        for layer, W, b in ((model[0], W1, b1), (model[2], W2, b2)):
            layer.weight.copy_(torch.tensor(W.T, dtype=torch.float32))
            layer.bias.copy_(torch.tensor(b.reshape(-1), dtype=torch.float32))
    return model.eval()


# --------------------------------------------------------------------------------------------
# Keras
# --------------------------------------------------------------------------------------------

#: the canonical names of the losses (keys: the name lowercased, letters only)
_LOSS_NAMES = {
    "binarycrossentropy": "binary_crossentropy", "bce": "binary_crossentropy",
    "categoricalcrossentropy": "categorical_crossentropy",
    "sparsecategoricalcrossentropy": "sparse_categorical_crossentropy",
    "meansquarederror": "mean_squared_error", "mse": "mean_squared_error",
    "meanabsoluteerror": "mean_absolute_error", "mae": "mean_absolute_error",
    "binaryfocalcrossentropy": "binary_focal_crossentropy", "hinge": "hinge",
}
#: the metrics that count as "accuracy" for a sigmoid output (Keras resolves "accuracy" and
#: "acc" to the binary accuracy when the loss is binary)
_ACCURACY = {"accuracy", "acc", "binaryaccuracy"}


def _canonical_loss(name: str) -> str:
    return _LOSS_NAMES.get(re.sub(r"[^a-z]", "", name.lower()), name)


def keras_loss_name(model: Any) -> str:
    """The loss ``model`` is compiled with: ``"binary_crossentropy"``, ``"mean_squared_error"``,
    ... with ``"(from_logits=True)"`` appended when so; ``"not compiled"`` when it is not."""
    keras = _keras()
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        return "not compiled"
    loss = getattr(model, "loss", None)
    from_logits = False
    if loss is None:
        return "none"
    if isinstance(loss, str):
        name = loss
        try:
            name = getattr(keras.losses.get(loss), "__name__", loss)
        except Exception:
            pass
    elif isinstance(loss, keras.losses.Loss):
        fn = getattr(loss, "fn", None)
        name = getattr(fn, "__name__", None) or type(loss).__name__
        try:
            config = loss.get_config()
        except Exception:
            config = {}
        from_logits = bool(config.get("from_logits", False))
        if fn is None and type(loss).__module__.startswith("keras"):
            name = type(loss).__name__
    elif callable(loss):
        name = getattr(loss, "__name__", type(loss).__name__)
    else:
        return type(loss).__name__
    name = _canonical_loss(str(name))
    return f"{name}(from_logits=True)" if from_logits else name


def keras_metric_names(model: Any) -> list[str]:
    """The metrics ``model`` is compiled with, by canonical name: ``"accuracy"`` for "accuracy",
    "acc", "binary_accuracy" and ``BinaryAccuracy()``; ``"exact_accuracy"`` for
    ``keras.metrics.Accuracy()`` (exact equality of outputs and labels)."""
    try:
        config = model.get_compile_config() or {}
    except Exception:
        return []
    metrics = config.get("metrics") or []
    if isinstance(metrics, dict):
        metrics = [m for value in metrics.values()
                   for m in (value if isinstance(value, (list, tuple)) else [value])]
    if not isinstance(metrics, (list, tuple)):
        metrics = [metrics]
    names = []
    for metric in metrics:
        if isinstance(metric, dict):
            cls = str(metric.get("class_name", ""))
            inner = metric.get("config")
            if cls == "function" and isinstance(inner, str):
                name = inner
            elif cls == "Accuracy":
                names.append("exact_accuracy")
                continue
            else:
                name = cls
        else:
            name = str(metric)
        key = re.sub(r"[^a-z]", "", name.lower())
        names.append("accuracy" if key in _ACCURACY else name)
    return names


def _keras():
    from dlcourse.frameworks import import_keras

    return import_keras()


def _keras_pair(model: Any, n_features: int, n_hidden: int, who: str):
    """The hidden and output Dense layers of a Keras model, found by their kernels' shapes."""
    keras = _keras()
    denses = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    layout = "Dense(n_hidden, activation='relu'), then Dense(1, activation='sigmoid')"
    if len(denses) != 2:
        raise ValueError(f"{who} has {len(denses)} Dense layers; the network of this exercise "
                         f"has 2: {layout}.")
    shapes = [tuple(int(s) for s in layer.kernel.shape) for layer in denses]
    wanted = [(n_features, n_hidden), (n_hidden, 1)]
    if sorted(shapes) != sorted(wanted):
        got = " and ".join(f"a kernel of shape {s}" for s in shapes)
        raise ValueError(
            f"{who} (n_features={n_features}, n_hidden={n_hidden}) has Dense layers with {got}; "
            f"expected {wanted[0]} and {wanted[1]}: keras.Input(shape=(n_features,)), "
            f"Dense(n_hidden), Dense(1). Use the arguments n_features and n_hidden, not fixed "
            f"numbers (10 and 64 are only the defaults).")
    by_shape = dict(zip(shapes, denses))
    hidden, output = by_shape[wanted[0]], by_shape[wanted[1]]
    for layer, name in ((hidden, "hidden"), (output, "output")):
        if not layer.use_bias:
            raise ValueError(f"The {name} Dense layer of {who} has no bias (use_bias=False): each "
                             f"layer computes X @ W + b; keep Dense's default use_bias=True.")
    return hidden, output


def _keras_outputs(model: Any, X: np.ndarray) -> np.ndarray:
    keras = _keras()
    out = model(np.asarray(X, dtype=np.float32), training=False)
    return np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float64)


def keras_model_outputs(build_keras_model: Any, params: Sequence[Sequence[Any]], X: Any,
                        defaults: bool = False) -> dict:
    """Build ``build_keras_model(n_features, n_hidden)`` (sizes from the shape of W1; with
    ``defaults=True``, ``build_keras_model()``, which must have the handout's sizes), set
    ``params`` as its two Dense layers' weights (kernel = W, bias = b), and return::

        {"outputs": model(X) as (n, 1) float64, "loss": keras_loss_name(model),
         "metrics": keras_metric_names(model)}

    A model without an input size (no ``keras.Input``) is built on the first rows of ``X``.
    Keras's warning about ``input_shape=`` in a layer is not held against the answer."""
    keras = _keras()
    W1, b1, W2, b2 = _params(params)
    n_features, n_hidden = _sizes(params)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Do not pass an `input_shape`",
                                category=UserWarning)
        model = build_keras_model() if defaults else build_keras_model(n_features, n_hidden)
    if model is None:
        raise TypeError(f"build_keras_model({n_features}, {n_hidden}) returned None: end it with "
                        f"`return model`.")
    if not isinstance(model, keras.Model):
        raise TypeError(f"build_keras_model({n_features}, {n_hidden}) returned a "
                        f"{type(model).__name__}, not a Keras model: build it with "
                        f"keras.Sequential([...]) and return it.")
    if not model.built:
        model(np.asarray(X, dtype=np.float32)[:1])
    try:
        hidden, output = _keras_pair(model, n_features, n_hidden,
                                     f"build_keras_model({n_features}, {n_hidden})")
    except ValueError:
        if not defaults:
            raise
        raise ValueError(f"build_keras_model() with no arguments should be the handout's "
                         f"network, {n_features} inputs -> Dense({n_hidden}) -> Dense(1): give "
                         f"it the defaults n_features={n_features}, n_hidden={n_hidden}.") from None
    hidden.set_weights([W1.astype(np.float32), b1.reshape(-1).astype(np.float32)])
    output.set_weights([W2.astype(np.float32), b2.reshape(-1).astype(np.float32)])
    return {"outputs": _keras_outputs(model, X), "loss": keras_loss_name(model),
            "metrics": keras_metric_names(model)}


def course_keras_model(params: Sequence[Sequence[Any]]):
    """A Keras ``Sequential`` (Input, Dense relu, Dense sigmoid) with ``params`` as its weights."""
    keras = _keras()
    W1, b1, W2, b2 = _params(params)
    n_features, n_hidden = _sizes(params)
    model = keras.Sequential([keras.Input(shape=(n_features,)),
                              keras.layers.Dense(n_hidden, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.layers[0].set_weights([W1.astype(np.float32), b1.reshape(-1).astype(np.float32)])
    model.layers[1].set_weights([W2.astype(np.float32), b2.reshape(-1).astype(np.float32)])
    return model


# --------------------------------------------------------------------------------------------
# JAX
# --------------------------------------------------------------------------------------------

_TRACER = ("jax_forward must be written with jax.numpy (jnp.maximum, jnp.exp, jax.nn.sigmoid, @), "
           "not NumPy: the checker runs it under jax.jit, as the training step does, and jax.jit "
           "(like jax.grad) calls it with abstract arrays that NumPy cannot turn into numbers. "
           "Python `if` on array values fails there too.")


def jax_forward_outputs(jax_forward: Any, params: Sequence[Sequence[Any]], X: Any) -> Any:
    """``jax.jit(jax_forward)(params, X)`` with ``params`` and ``X`` as float32 JAX arrays
    (JAX's default) and float32 matrix products (not TF32, on a GPU), returned as float64 NumPy:
    (n, 1)."""
    import jax
    import jax.numpy as jnp

    jparams = [(jnp.asarray(W, dtype=jnp.float32), jnp.asarray(b, dtype=jnp.float32))
               for W, b in params]
    jX = jnp.asarray(X, dtype=jnp.float32)
    try:
        # full float32 matrix products on every device: on a GPU, JAX's default lets them run
        # in TF32 (10-bit mantissa), errors of 1e-3 that would fail a correct answer
        with jax.default_matmul_precision("float32"):
            out = jax.jit(jax_forward)(jparams, jX)
    except (jax.errors.TracerArrayConversionError, jax.errors.ConcretizationTypeError,
            jax.errors.TracerBoolConversionError, jax.errors.TracerIntegerConversionError) as exc:
        first = str(exc).strip().splitlines()[0][:200]
        raise TypeError(f"{type(exc).__name__}: {first}\n  {_TRACER}") from None
    except TypeError as exc:
        text = str(exc)
        if "dot_general" in text or "matmul" in text or "incompatible shapes" in text.lower():
            raise TypeError(
                f"{text.splitlines()[0][:300]}\n  The shapes do not fit together. In the "
                f"course's layout a layer computes X @ W + b with W of shape (n_in, n_out): "
                f"X (n, n_features) @ W1 (n_features, n_hidden), then @ W2 (n_hidden, 1); no .T, "
                f"and params is [(W1, b1), (W2, b2)].") from None
        raise
    if isinstance(out, jax.Array):
        return np.asarray(out, dtype=np.float64)
    return out


# --------------------------------------------------------------------------------------------
# Porting weights: PyTorch -> Keras
# --------------------------------------------------------------------------------------------

_SHAPE_PATTERNS = (
    re.compile(r"weight shape \(([\d, ]*)\) is not compatible with provided weight shape "
               r"\(([\d, ]*)\)"),
    re.compile(r"variable\.shape=\(([\d, ]*)\), Received: value\.shape=\(([\d, ]*)\)"),
)


def _shape(text: str) -> tuple[int, ...]:
    return tuple(int(s) for s in text.replace(" ", "").split(",") if s)


def _shape_error(exc: Exception) -> ValueError | None:
    """A short ValueError, with :data:`KERNEL_HINT`, for a weight-shape error of Keras; None when
    ``exc`` is something else."""
    text = str(exc)
    for pattern in _SHAPE_PATTERNS:
        match = pattern.search(text)
        if match:
            want, got = _shape(match.group(1)), _shape(match.group(2))
            what = ("its shape transposed" if len(want) == 2 and got == want[::-1] else
                    "a different shape")
            return ValueError(f"an array of shape {got} was copied into a Keras weight of shape "
                              f"{want} ({what}).\n  {KERNEL_HINT}")
    if "set_weights" in text or ("shape" in text.lower() and "weight" in text.lower()):
        return ValueError(f"{text.strip().splitlines()[0][:300]}\n  {KERNEL_HINT}")
    return None


def copy_torch_to_keras_outputs(copy_torch_to_keras: Any, torch_params: Sequence[Sequence[Any]],
                                keras_params: Sequence[Sequence[Any]], X: Any) -> Any:
    """Build a PyTorch model with ``torch_params`` (:func:`course_torch_model`) and a Keras model
    of the same architecture with other weights, ``keras_params`` (:func:`course_keras_model`);
    call ``copy_torch_to_keras(torch_model, keras_model)``; return the Keras model's outputs on
    ``X`` (the model it returned, or the one it was given when it returned None): (n, 1) float64.

    A Keras shape error raised by the answer comes back shorter, with :data:`KERNEL_HINT`."""
    import torch

    keras = _keras()
    torch_model = course_torch_model(torch_params)
    keras_model = course_keras_model(keras_params)
    before = [p.detach().clone() for p in torch_model.parameters()]
    try:
        returned = copy_torch_to_keras(torch_model, keras_model)
    except ValueError as exc:
        short = _shape_error(exc)
        if short is None:
            raise
        raise short from None
    after = list(torch_model.parameters())
    if len(after) != len(before) or any(a.shape != b.shape or not torch.equal(a.detach(), b)
                                        for a, b in zip(after, before)):
        raise ValueError("copy_torch_to_keras changed the PyTorch model's weights: copy them into "
                         "the Keras model, leave the source as it is (.detach().numpy().T makes "
                         "a transposed view for Keras, it does not change the PyTorch weight).")
    model = returned if isinstance(returned, keras.Model) else keras_model
    return _keras_outputs(model, X)
