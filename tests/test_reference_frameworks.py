"""Lesson 08a's references proven against the frameworks themselves.

- the NumPy forward pass equals PyTorch (float64), Keras and JAX (float32) with the same weights;
- the model answers (``TorchNet``, ``build_keras_model``, ``jax_forward``, ``copy_torch_to_keras``)
  do what the exercises ask, and JAX's gradient of the loss equals PyTorch's autograd;
- a ported model equals its source; the ONNX and LiteRT exports equal their source models;
- the probes read the frameworks right (loss and metric names, errors for wrong structures);
- ``framework_for`` is the handout's table and questions; the generated data is as documented;
- importing the reference, the checkers, the probes and the plots loads no framework.
"""
from __future__ import annotations

import contextlib
import subprocess
import sys
import warnings

import numpy as np
import pytest

from dlcourse.checks import frameworks as checks
from dlcourse.data.tabular import binary_split, binary_task, score
from dlcourse.probes import frameworks as probes
from dlcourse.reference import frameworks as ref

torch = pytest.importorskip("torch")
from dlcourse.frameworks import import_keras  # noqa: E402

keras = import_keras()
jax = pytest.importorskip("jax")
jnp = jax.numpy

SHAPES = [(6, 10, 64), (5, 4, 3), (1, 3, 16), (9, 7, 2)]


def _args(seed, n, d, h, scale=1.0):
    return checks._net_args(seed, n, d, h, scale=scale)


def _torch_model(params, dtype=torch.float64):
    (W1, b1), (W2, b2) = params
    model = torch.nn.Sequential(torch.nn.Linear(*W1.shape), torch.nn.ReLU(),
                                torch.nn.Linear(*W2.shape), torch.nn.Sigmoid()).to(dtype)
    with torch.no_grad():
        for layer, W, b in ((model[0], W1, b1), (model[2], W2, b2)):
            layer.weight.copy_(torch.tensor(W.T, dtype=dtype))
            layer.bias.copy_(torch.tensor(b.ravel(), dtype=dtype))
    return model


# --------------------------------------------------------------------------------------------
# The NumPy reference against the frameworks
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, d, h", SHAPES)
@pytest.mark.parametrize("scale", [1.0, 4.0])
def test_numpy_forward_equals_a_torch_sequential_in_float64(n, d, h, scale):
    params, X = _args(100 + n + d + h, n, d, h, scale)
    with torch.no_grad():
        expected = _torch_model(params)(torch.from_numpy(X)).numpy()
    got = ref.mlp_forward(params, X)
    assert got.shape == (n, 1) and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("n, d, h", SHAPES)
def test_the_lazy_torch_net_with_copied_weights_equals_numpy(n, d, h):
    params, X = _args(200 + n, n, d, h)
    net = ref.TorchNet(d, h).double()
    with torch.no_grad():
        for layer, (W, b) in zip((net.hidden, net.output), params):
            layer.weight.copy_(torch.from_numpy(W.T.copy()))
            layer.bias.copy_(torch.from_numpy(b.ravel().copy()))
        got = net(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(got, ref.mlp_forward(params, X), rtol=1e-12, atol=1e-14)
    assert sum(p.numel() for p in net.parameters()) == d * h + h + h + 1
    np.testing.assert_allclose(probes.torch_net_outputs(ref.TorchNet, params, X),
                               ref.mlp_forward(params, X), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("n, d, h", SHAPES)
def test_the_keras_model_with_the_same_weights_equals_numpy(n, d, h):
    params, X = _args(300 + n, n, d, h)
    model = ref.build_keras_model(d, h)
    for layer, (W, b) in zip(model.layers, params):
        layer.set_weights([W, b.ravel()])            # the Keras kernel is the course's W
    got = keras.ops.convert_to_numpy(model(X.astype(np.float32)))
    np.testing.assert_allclose(got, ref.mlp_forward(params, X), rtol=1e-5, atol=1e-6)
    assert model.count_params() == d * h + h + h + 1
    result = probes.keras_model_outputs(ref.build_keras_model, params, X)
    assert result["loss"] == "binary_crossentropy" and result["metrics"] == ["accuracy"]


@pytest.mark.parametrize("n, d, h", SHAPES)
def test_jax_forward_equals_numpy_under_jit(n, d, h):
    params, X = _args(400 + n, n, d, h)
    jparams = jax.tree.map(lambda a: jnp.asarray(a, dtype=jnp.float32), params)
    got = np.asarray(jax.jit(ref.jax_forward)(jparams, jnp.asarray(X, dtype=jnp.float32)))
    np.testing.assert_allclose(got, ref.mlp_forward(params, X), rtol=1e-5, atol=1e-6)


def test_jax_grad_of_the_loss_equals_torch_autograd():
    params, X = _args(7, 12, 5, 8)
    y = (np.arange(12) % 3 == 0).astype(np.float64).reshape(-1, 1)

    def bce(p):
        p = jnp.clip(ref.jax_forward(p, jnp.asarray(X, jnp.float32)), 1e-7, 1 - 1e-7)
        return -jnp.mean(y * jnp.log(p) + (1 - y) * jnp.log(1 - p))

    grads = jax.grad(bce)(jax.tree.map(lambda a: jnp.asarray(a, jnp.float32), params))
    model = _torch_model(params)
    loss = torch.nn.functional.binary_cross_entropy(model(torch.from_numpy(X)),
                                                    torch.from_numpy(y))
    loss.backward()
    for (gW, gb), layer in zip(grads, (model[0], model[2])):
        np.testing.assert_allclose(np.asarray(gW), layer.weight.grad.numpy().T, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(np.asarray(gb).ravel(), layer.bias.grad.numpy(), rtol=1e-4,
                                   atol=1e-6)


# --------------------------------------------------------------------------------------------
# Porting and exporting
# --------------------------------------------------------------------------------------------

def _trained_torch_net(seed=0, steps=30):
    """A float32 TorchNet(10, 64) after a few steps of gradient descent on the lesson's data."""
    data = binary_split(100, 10, seed=seed)
    torch.manual_seed(seed)
    net = ref.TorchNet()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.5)
    X, y = torch.tensor(data.X_train, dtype=torch.float32), torch.tensor(data.y_train,
                                                                         dtype=torch.float32)
    for _ in range(steps):
        optimizer.zero_grad()
        torch.nn.functional.binary_cross_entropy(net(X), y).backward()
        optimizer.step()
    return net.eval(), data.X_test.astype(np.float32)


def test_a_ported_model_equals_its_source():
    net, X = _trained_torch_net()
    keras_model = ref.build_keras_model()
    assert ref.copy_torch_to_keras(net, keras_model) is keras_model
    with torch.no_grad():
        expected = net(torch.from_numpy(X)).numpy()
    got = keras.ops.convert_to_numpy(keras_model(X))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(keras_model.layers[0].get_weights()[0],
                                  net.hidden.weight.detach().numpy().T)


def test_the_port_probe_returns_the_torch_outputs_and_names_the_transposed_kernel():
    torch_params, keras_params, X = checks._port_args(5, 6, 4, 3)
    got = probes.copy_torch_to_keras_outputs(ref.copy_torch_to_keras, torch_params, keras_params, X)
    np.testing.assert_allclose(got, ref.mlp_forward(torch_params, X), rtol=1e-6, atol=1e-6)

    def untransposed(torch_model, keras_model):
        linears = [m for m in torch_model.modules() if isinstance(m, torch.nn.Linear)]
        for linear, dense in zip(linears, keras_model.layers):
            dense.set_weights([linear.weight.detach().numpy(), linear.bias.detach().numpy()])

    with pytest.raises(ValueError, match=r"(?s)\(3, 4\).*\(4, 3\) \(its shape transposed\)"
                                         r".*TRANSPOSED weight"):
        probes.copy_torch_to_keras_outputs(untransposed, torch_params, keras_params, X)


def test_the_onnx_export_equals_the_torch_model():
    onnxruntime = pytest.importorskip("onnxruntime")
    net, X = _trained_torch_net(seed=1)
    buffer = __import__("io").BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        torch.onnx.export(net, (torch.from_numpy(X[:1]),), buffer, dynamo=False,
                          input_names=["X"], output_names=["p"], dynamic_axes={"X": {0: "n"}})
    session = onnxruntime.InferenceSession(buffer.getvalue(), providers=["CPUExecutionProvider"])
    with torch.no_grad():
        expected = net(torch.from_numpy(X)).numpy()
    for rows in (slice(0, 1), slice(None)):
        got = session.run(None, {"X": X[rows]})[0]
        np.testing.assert_allclose(got, expected[rows], rtol=0, atol=1e-6)


def test_the_litert_export_equals_the_keras_model(tmp_path):
    interpreter_module = pytest.importorskip("ai_edge_litert.interpreter")
    net, X = _trained_torch_net(seed=2)
    model = ref.copy_torch_to_keras(net, ref.build_keras_model())
    path = tmp_path / "model.tflite"
    with contextlib.redirect_stdout(__import__("io").StringIO()):
        model.export(str(path), format="litert", verbose=False)
    interpreter = interpreter_module.Interpreter(
        model_path=str(path),
        experimental_op_resolver_type=interpreter_module.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    interpreter.resize_tensor_input(inp["index"], X.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(inp["index"], X)
    interpreter.invoke()
    got = interpreter.get_tensor(out["index"])
    np.testing.assert_allclose(got, keras.ops.convert_to_numpy(model(X)), rtol=0, atol=1e-6)


# --------------------------------------------------------------------------------------------
# The probes read the frameworks right
# --------------------------------------------------------------------------------------------

def _compiled(**compile_kwargs):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", **compile_kwargs)
    return model


@pytest.mark.parametrize("loss, name", [
    ("binary_crossentropy", "binary_crossentropy"),
    ("bce", "binary_crossentropy"),
    (lambda: keras.losses.BinaryCrossentropy(), "binary_crossentropy"),
    (lambda: keras.losses.binary_crossentropy, "binary_crossentropy"),
    (lambda: keras.losses.BinaryCrossentropy(from_logits=True),
     "binary_crossentropy(from_logits=True)"),
    ("mse", "mean_squared_error"),
    (lambda: keras.losses.MeanSquaredError(), "mean_squared_error"),
    ("categorical_crossentropy", "categorical_crossentropy"),
])
def test_the_keras_probe_names_the_loss(loss, name):
    model = _compiled(loss=loss() if callable(loss) else loss)
    assert probes.keras_loss_name(model) == name


def test_the_keras_probe_sees_a_model_that_is_not_compiled():
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    assert probes.keras_loss_name(model) == "not compiled"
    assert probes.keras_metric_names(model) == []


@pytest.mark.parametrize("metrics, names", [
    (["accuracy"], ["accuracy"]), (["acc"], ["accuracy"]), (["binary_accuracy"], ["accuracy"]),
    (lambda: [keras.metrics.BinaryAccuracy()], ["accuracy"]),
    (lambda: [keras.metrics.Accuracy()], ["exact_accuracy"]),
    (["accuracy", "AUC"], ["accuracy", "AUC"]), ([], []),
])
def test_the_keras_probe_names_the_metrics(metrics, names):
    model = _compiled(loss="binary_crossentropy",
                      metrics=metrics() if callable(metrics) else metrics)
    assert probes.keras_metric_names(model) == names


def test_the_torch_probe_rejects_a_network_of_fixed_sizes():
    params, X = _args(3, 4, 5, 3)

    class Fixed(torch.nn.Module):
        def __init__(self, n_features=10, n_hidden=64):
            super().__init__()
            self.a, self.b = torch.nn.Linear(10, 64), torch.nn.Linear(64, 1)

        def forward(self, X):
            return torch.sigmoid(self.b(torch.relu(self.a(X))))

    with pytest.raises(ValueError, match=r"nn\.Linear\(10, 64\).*not from fixed numbers"):
        probes.torch_net_outputs(Fixed, params, X)


def test_the_jax_probe_says_to_use_jax_numpy():
    params, X = _args(4, 3, 4, 2)

    def with_numpy(params, X):
        (W1, b1), (W2, b2) = params
        return 1 / (1 + np.exp(-(np.maximum(X @ W1 + b1, 0) @ W2 + b2)))

    with pytest.raises(TypeError, match=r"must be written with jax\.numpy"):
        probes.jax_forward_outputs(with_numpy, params, X)


# --------------------------------------------------------------------------------------------
# framework_for: the handout's table and questions
# --------------------------------------------------------------------------------------------

def test_framework_for_answers_the_handouts_questions():
    assert ref.framework_for(["research"]) == "pytorch"            # Q1
    assert ref.framework_for(["deploy_mobile"]) == "tensorflow"    # Q2
    assert ref.framework_for(["beginner"]) == "keras"              # Q3


@pytest.mark.parametrize("need, handout", [
    ("prototype", "TensorFlow / Keras"), ("custom_training", "PyTorch"), ("research", "PyTorch"),
    ("deploy_mobile", "TensorFlow"), ("beginner", "Keras"), ("modular_pipeline", "PyTorch"),
])
def test_each_row_of_the_handouts_table_alone_gives_its_answer(need, handout):
    assert ref.framework_for([need]) in handout.lower().replace(" ", "").split("/")


def test_the_rule_covers_every_need_once_and_ignores_the_order():
    triggers = [need for needs, _ in ref.RULES for need in needs]
    assert sorted(triggers) == sorted(ref.NEEDS)
    rng = np.random.default_rng(0)
    names = list(ref.NEEDS)
    for _ in range(50):
        needs = [names[i] for i in rng.permutation(len(names))[:rng.integers(0, 5)]]
        assert ref.framework_for(needs) == ref.framework_for(needs[::-1]) in ref.FRAMEWORKS
    assert ref.framework_for([]) == ref.DEFAULT


# --------------------------------------------------------------------------------------------
# The generated data, and light imports
# --------------------------------------------------------------------------------------------

def test_the_binary_task_is_seeded_balanced_and_not_linear():
    X, y = binary_task(1000)
    X2, y2 = binary_task(1000)
    assert X.shape == (1000, 10) and y.shape == (1000, 1) and X.dtype == y.dtype == np.float64
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(binary_task(50, seed=1)[0], binary_task(50, seed=2)[0])
    assert set(np.unique(y)) == {0.0, 1.0} and 0.4 < y.mean() < 0.6
    # the labels follow the score's sign, up to the noise
    assert np.mean((score(X) > 0) == (y.ravel() > 0.5)) > 0.85
    # a linear classifier (least squares on the features) cannot get far
    A = np.hstack([X, np.ones((len(X), 1))])
    w = np.linalg.lstsq(A, y, rcond=None)[0]
    assert np.mean((A @ w > 0.5) == (y > 0.5)) < 0.8
    split = binary_split()
    assert split.X_train.shape == (800, 10) and split.X_test.shape == (200, 10)
    assert np.array_equal(np.vstack([split.X_train, split.X_test]), X)
    with pytest.raises(ValueError):
        binary_task(10, n_features=4)


def test_importing_the_lesson_08a_modules_loads_no_framework():
    code = ("import sys\n"
            "import dlcourse.reference.frameworks, dlcourse.checks.frameworks\n"
            "import dlcourse.probes.frameworks, dlcourse.plots.frameworks, dlcourse.data.tabular\n"
            "heavy = [m for m in ('torch', 'tensorflow', 'keras', 'jax', 'matplotlib', 'onnx')"
            " if m in sys.modules]\n"
            "print(','.join(heavy))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_the_plots_draw_the_curves_and_the_table():
    import matplotlib

    matplotlib.use("Agg")
    from dlcourse.plots.frameworks import plot_deployment, plot_loss_curves

    a = np.linspace(0.8, 0.2, 50)
    fig = plot_loss_curves({"PyTorch": a, "Keras": a + 1e-7, "JAX": a}, reference="PyTorch")
    assert len(fig.axes) == 2 and fig.axes[1].get_yscale() == "log"
    assert len(plot_loss_curves({"PyTorch": a, "JAX": a}, reference="PyTorch").axes) == 2
    assert len(plot_loss_curves({"PyTorch": a}).axes) == 1
    with pytest.raises(ValueError):
        plot_loss_curves({"PyTorch": a}, reference="Keras")
    fig = plot_deployment([{"runtime": "ONNX Runtime", "size_kb": 3.5, "latency_us": 12.0},
                           {"runtime": "PyTorch", "size_kb": None, "latency_us": 40.0}])
    assert len(fig.axes) == 2
