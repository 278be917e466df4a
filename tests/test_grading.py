"""End to end: a temporary nbgrader course grades three students on every lesson.

- ``ada`` submits complete answers (the solutions' code in the released notebooks): full marks,
  once the instructor has given the free-text answers their points in the gradebook;
- ``blank`` submits the released notebooks untouched: zero;
- ``bugsy`` submits complete answers with planted bugs: exactly the points of the exercises the
  bugs break are lost, and nothing else.

Everything is nbgrader's own: ``generate_assignment``, ``autograde``, the gradebook, ``export``.
No warning or stderr text may cost a student points, so no test cell may write to stderr.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from .notebooks import LESSON_IDS, ROOT, SOLUTIONS, is_answer, is_free_text, is_test, nbgrader

STUDENTS = ["ada", "blank", "bugsy"]

#: lesson 08b's Value with its gradients assigned (=), not accumulated (+=): a Value used twice
#: keeps only its last contribution
VALUE_ASSIGNING_GRADS = """\
import math


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))
        def _backward():
            self.grad = out.grad             # overwrites: a Value used twice loses a contribution
            other.grad = out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))
        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, n):
        out = Value(self.data ** n, (self,))
        def _backward():
            self.grad += n * self.data ** (n - 1) * out.grad
        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Value(other) - self

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        out = Value(s, (self,))
        def _backward():
            self.grad += s * (1 - s) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,))
        def _backward():
            self.grad += (1 - t ** 2) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, visited = [], set()
        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()
"""

#: the bugs `bugsy` plants: lesson -> {answer cell: buggy source}. Each breaks only its own exercise.
BUGS = {
    "01-neuron": {
        "relu": (  # mutates its input in place
            "def relu(z):\n"
            "    z = np.asarray(z, dtype=float)\n"
            "    z[z < 0] = 0.0\n"
            "    return z\n"),
        "softmax": (  # normalises over the wrong axis
            "def softmax(z):\n"
            "    e = np.exp(z - np.max(z, axis=0, keepdims=True))\n"
            "    return e / e.sum(axis=0, keepdims=True)\n"),
    },
    "02-forward-propagation": {
        "count_params": (  # forgets the biases
            "def count_params(layer_sizes):\n"
            "    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))\n"),
        "q3_output_shape": "q3_output_shape = (1, 3)\n",
    },
    "03-loss-functions": {
        "mse": (  # sums the squared errors instead of averaging them
            "def mse(y_true, y_pred):\n"
            "    y_true = np.asarray(y_true, dtype=float)\n"
            "    y_pred = np.asarray(y_pred, dtype=float)\n"
            "    return np.sum((y_pred - y_true) ** 2)\n"),
        "softmax_cross_entropy": (  # naive: no max-subtraction, overflows at logits like 1000
            "def softmax_cross_entropy(logits, labels):\n"
            "    z = np.asarray(logits, dtype=float)\n"
            "    labels = np.asarray(labels).reshape(-1)\n"
            "    probs = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)\n"
            "    return -np.mean(np.log(probs[np.arange(len(labels)), labels]))\n"),
        "bce_with_logits": (  # the lesson's broken function: sigmoid, then the clipped loss
            "def bce_with_logits(y_true, logits):\n"
            "    return binary_cross_entropy(y_true, sigmoid(logits))\n"),
    },
    "04-backpropagation": {
        "numerical_gradient": (  # forward differences, and x is never put back
            "def numerical_gradient(f, x, h=1e-5):\n"
            "    grad = np.zeros(x.shape)\n"
            "    for idx in np.ndindex(x.shape):\n"
            "        base = f(x)\n"
            "        x[idx] += h\n"
            "        grad[idx] = (f(x) - base) / h\n"
            "    return grad\n"),
        "gradient_descent_step": (  # gradient ascent
            "def gradient_descent_step(params, grads, lr):\n"
            "    return [(W + lr * dW, b + lr * db) for (W, b), (dW, db) in zip(params, grads)]\n"),
        "repaired_backward": (  # two of broken_backward's three bugs fixed; db2 is still a mean
            "def repaired_backward(X, y, W1, b1, W2, b2):\n"
            "    A1 = sigmoid(X @ W1 + b1)\n"
            "    y_hat = sigmoid(A1 @ W2 + b2)\n"
            "    dZ2 = (y_hat - y) / y.size\n"
            "    dZ1 = (dZ2 @ W2.T) * sigmoid_derivative(A1)\n"
            "    return (X.T @ dZ1, np.sum(dZ1, axis=0, keepdims=True), A1.T @ dZ2,\n"
            "            np.mean(dZ2, axis=0, keepdims=True))\n"),
    },
    "05-xor-from-scratch": {
        "xor_step": (  # the handout's `+=` on the caller's arrays: right values, params changed
            "def xor_step(params, X, y, lr):\n"
            "    (wh, bh), (wo, bo) = params\n"
            "    h = sigmoid(X @ wh + bh)\n"
            "    out = sigmoid(h @ wo + bo)\n"
            "    error = y - out\n"
            "    d_out = error * sigmoid_derivative(out)\n"
            "    d_h = d_out @ wo.T * sigmoid_derivative(h)\n"
            "    wo += lr * h.T @ d_out\n"
            "    bo += lr * d_out.sum(axis=0, keepdims=True)\n"
            "    wh += lr * X.T @ d_h\n"
            "    bh += lr * d_h.sum(axis=0, keepdims=True)\n"
            "    return [(wh, bh), (wo, bo)], np.mean(error ** 2)\n"),
        "predict": (  # forgets the output layer's bias
            "def predict(params, X):\n"
            "    (wh, bh), (wo, bo) = params\n"
            "    hidden = 1 / (1 + np.exp(-(X @ wh + bh)))\n"
            "    return 1 / (1 + np.exp(-(hidden @ wo)))\n"),
        "softmax_cross_entropy_grad": (  # the gradient of the summed loss: not divided by n
            "def softmax_cross_entropy_grad(logits, labels):\n"
            "    Z = np.asarray(logits, dtype=float)\n"
            "    labels = np.asarray(labels).reshape(-1)\n"
            "    P = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
            "    P = P / P.sum(axis=1, keepdims=True)\n"
            "    P[np.arange(len(Z)), labels] -= 1.0\n"
            "    return P\n"),
        "perceptron_train": (  # updates on every sample, right or wrong
            "def perceptron_train(X, y, epochs=100, lr=0.1):\n"
            "    X = np.asarray(X, dtype=float)\n"
            "    y = np.asarray(y, dtype=float).reshape(-1)\n"
            "    w, b = np.zeros(X.shape[1]), 0.0\n"
            "    errors = []\n"
            "    for _ in range(epochs):\n"
            "        wrong = 0\n"
            "        for x_i, y_i in zip(X, y):\n"
            "            out = 1.0 if x_i @ w + b > 0 else 0.0\n"
            "            wrong += int(out != y_i)\n"
            "            w = w + lr * y_i * x_i\n"
            "            b = b + lr * y_i\n"
            "        errors.append(wrong)\n"
            "    return w, b, errors\n"),
    },
    "06-network-types": {  # two bugs in each of its three notebooks
        "rbf_features": (  # the distance, not its square
            "def rbf_features(X, centers, gamma):\n"
            "    diff = np.asarray(X, dtype=float)[:, None, :] - np.asarray(centers, dtype=float)[None]\n"
            "    return np.exp(-gamma * np.linalg.norm(diff, axis=-1))\n"),
        "conv2d": (  # a true convolution: the kernel flipped
            "def conv2d(x, kernel, stride=1, padding=0):\n"
            "    kernel = np.asarray(kernel, dtype=float)[:, :, ::-1, ::-1]\n"
            "    xp = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (padding, padding), (padding, padding)))\n"
            "    N, C_in, H, W = xp.shape\n"
            "    C_out, _, kH, kW = kernel.shape\n"
            "    H_out, W_out = (H - kH) // stride + 1, (W - kW) // stride + 1\n"
            "    out = np.zeros((N, C_out, H_out, W_out))\n"
            "    for i in range(H_out):\n"
            "        for j in range(W_out):\n"
            "            window = xp[:, :, i * stride:i * stride + kH, j * stride:j * stride + kW]\n"
            "            out[:, :, i, j] = np.tensordot(window, kernel, axes=([1, 2, 3], [1, 2, 3]))\n"
            "    return out\n"),
        "lstm_cell_forward": (  # the gate order of many tutorials, not PyTorch's i, f, g, o
            "def lstm_cell_forward(x_t, h_prev, c_prev, Wx, Wh, b):\n"
            "    z = x_t @ Wx + h_prev @ Wh + b\n"
            "    i, f, o, g = np.split(z, 4, axis=1)\n"
            "    c_t = sigmoid(f) * c_prev + sigmoid(i) * np.tanh(g)\n"
            "    return sigmoid(o) * np.tanh(c_t), c_t\n"),
        "gru_cell_forward": (  # the reset gate applied before the matrix product
            "def gru_cell_forward(x_t, h_prev, Wx, Wh, bx, bh):\n"
            "    H = h_prev.shape[1]\n"
            "    a_r, a_z, a_n = np.split(x_t @ Wx + bx, 3, axis=1)\n"
            "    u_r, u_z, _ = np.split(h_prev @ Wh + bh, 3, axis=1)\n"
            "    r, z = sigmoid(a_r + u_r), sigmoid(a_z + u_z)\n"
            "    n = np.tanh(a_n + (r * h_prev) @ Wh[:, 2 * H:] + bh[:, 2 * H:])\n"
            "    return (1 - z) * n + z * h_prev\n"),
        "vae_kl": (  # summed over the samples instead of averaged
            "def vae_kl(mu, logvar):\n"
            "    return -0.5 * np.sum(1 + logvar - mu ** 2 - np.exp(logvar))\n"),
        "discriminator_loss": (  # np.log of a sigmoid: -inf for confident logits
            "def discriminator_loss(d_real, d_fake):\n"
            "    p_real, p_fake = 1 / (1 + np.exp(-d_real)), 1 / (1 + np.exp(-d_fake))\n"
            "    return -np.mean(np.log(p_real)) - np.mean(np.log(1 - p_fake))\n"),
    },
    "07-applications": {  # two bugs in each of its three notebooks
        "precision_recall_f1": (  # precision and recall swapped
            "def precision_recall_f1(y_true, y_pred):\n"
            "    y_true = np.asarray(y_true).reshape(-1)\n"
            "    y_pred = np.asarray(y_pred).reshape(-1)\n"
            "    tp = np.sum((y_true == 1) & (y_pred == 1))\n"
            "    fp = np.sum((y_true == 0) & (y_pred == 1))\n"
            "    fn = np.sum((y_true == 1) & (y_pred == 0))\n"
            "    precision = float(tp / (tp + fn)) if tp + fn > 0 else 0.0\n"
            "    recall = float(tp / (tp + fp)) if tp + fp > 0 else 0.0\n"
            "    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0\n"
            "    return precision, recall, f1\n"),
        "confusion_matrix": (  # fancy-index += counts each (true, predicted) pair once
            "def confusion_matrix(y_true, y_pred, n_classes):\n"
            "    y_true = np.asarray(y_true).reshape(-1).astype(np.int64)\n"
            "    y_pred = np.asarray(y_pred).reshape(-1).astype(np.int64)\n"
            "    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)\n"
            "    matrix[y_true, y_pred] += 1\n"
            "    return matrix\n"),
        "bag_of_words": (  # split on spaces: 'bad,' keeps its comma
            "def bag_of_words(sentences, vocabulary):\n"
            "    counts = np.zeros((len(sentences), len(vocabulary)))\n"
            "    for i, sentence in enumerate(sentences):\n"
            "        words = sentence.lower().split()\n"
            "        for j, word in enumerate(vocabulary):\n"
            "            counts[i, j] = words.count(word)\n"
            "    return counts\n"),
        "attention_weights": (  # the softmax over the queries, not the keys
            "def attention_weights(query, keys):\n"
            "    scores = query @ keys.T / np.sqrt(keys.shape[1])\n"
            "    e = np.exp(scores - scores.max(axis=0, keepdims=True))\n"
            "    return e / e.sum(axis=0, keepdims=True)\n"),
        "balanced_class_weights": (  # n / count, not divided by the number of classes
            "def balanced_class_weights(y):\n"
            "    labels = np.ravel(y).astype(int)\n"
            "    counts = np.bincount(labels)\n"
            "    return len(labels) / counts.astype(float)\n"),
        "average_precision": (  # every sample its own threshold: ties split
            "def average_precision(y_true, scores):\n"
            "    y_true = np.ravel(y_true).astype(float)\n"
            "    order = np.argsort(-np.ravel(scores))\n"
            "    hits = y_true[order]\n"
            "    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)\n"
            "    return float(np.sum(precision * hits) / hits.sum())\n"),
    },
    "08-frameworks": {
        "copy_torch_to_keras": (  # the kernels are copied, the biases are not
            "import keras\n"
            "from torch import nn\n"
            "\n"
            "\n"
            "def copy_torch_to_keras(torch_model, keras_model):\n"
            "    linears = [m for m in torch_model.modules() if isinstance(m, nn.Linear)]\n"
            "    denses = [layer for layer in keras_model.layers if isinstance(layer, keras.layers.Dense)]\n"
            "    for linear, dense in zip(linears, denses):\n"
            "        dense.kernel.assign(linear.weight.detach().numpy().T)\n"
            "    return keras_model\n"),
        "framework_for": (  # the rows of the handout's table in order, not the rule's priority
            "def framework_for(needs):\n"
            "    table = [('prototype', 'keras'), ('custom_training', 'pytorch'),\n"
            "             ('research', 'pytorch'), ('deploy_mobile', 'tensorflow'),\n"
            "             ('beginner', 'keras'), ('modular_pipeline', 'pytorch'),\n"
            "             ('fast_math', 'jax')]\n"
            "    for need, framework in table:\n"
            "        if need in needs:\n"
            "            return framework\n"
            "    return 'pytorch'\n"),
        "Value": VALUE_ASSIGNING_GRADS,
    },
}

SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.M)


def nbgrader_cli(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def answers_from_solution(solution: nbformat.NotebookNode) -> dict[str, str]:
    """grade_id -> what a student who knows the answer writes in that cell."""
    answers = {}
    for cell in solution.cells:
        if is_answer(cell):
            answers[nbgrader(cell)["grade_id"]] = SOLUTION_MARKERS.sub("", cell.source)
        elif is_free_text(cell):
            answers[nbgrader(cell)["grade_id"]] = cell.source.split("**Mark scheme**")[0].strip()
    return answers


def fill_in(released: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    submission = nbformat.from_dict(released)
    for cell in submission.cells:
        grade_id = nbgrader(cell).get("grade_id")
        if grade_id in answers and nbgrader(cell).get("solution"):
            cell.source = answers[grade_id]
    return submission


def points(solution: nbformat.NotebookNode) -> dict[str, float]:
    """grade_id -> points, for the autograded test cells and the free-text cells."""
    return {nbgrader(c)["grade_id"]: float(nbgrader(c)["points"]) for c in solution.cells
            if is_test(c) or is_free_text(c)}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'dlcourse-e2e'\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.ClearSolutions.code_stub = {'python': '# YOUR CODE HERE\\nraise NotImplementedError()'}\n"
        "c.ClearSolutions.text_stub = 'YOUR ANSWER HERE'\n"
        "c.ExecutePreprocessor.timeout = 300\n")
    for lesson in LESSON_IDS:
        shutil.copytree(SOLUTIONS / lesson, course / "source" / lesson)
        nbgrader_cli(course, "generate_assignment", lesson, "--force")
    for student in STUDENTS:
        nbgrader_cli(course, "db", "student", "add", student, f"--first-name={student.title()}",
                     "--last-name=Student")

    for lesson in LESSON_IDS:
        for released_path in sorted((course / "release" / lesson).glob("*.ipynb")):
            solution = nbformat.read(SOLUTIONS / lesson / released_path.name, as_version=4)
            released = nbformat.read(released_path, as_version=4)
            answers = answers_from_solution(solution)
            submissions = {
                "ada": fill_in(released, answers),
                "blank": released,
                "bugsy": fill_in(released, {**answers, **BUGS[lesson]}),
            }
            for student, nb in submissions.items():
                folder = course / "submitted" / student / lesson
                folder.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, folder / released_path.name)
        nbgrader_cli(course, "autograde", lesson, "--force")
    return course


@pytest.fixture(scope="module")
def gradebook(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        yield gb


def test_bugs_target_real_exercises():
    for lesson, bugs in BUGS.items():
        solution_ids = set()
        for path in (SOLUTIONS / lesson).glob("*.ipynb"):
            solution_ids |= {nbgrader(c)["grade_id"] for c in nbformat.read(path, 4).cells
                             if is_answer(c)}
        assert set(bugs) <= solution_ids


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_complete_answers_get_every_automatic_point(course, gradebook, lesson):
    for path in (SOLUTIONS / lesson).glob("*.ipynb"):
        expected = points(nbformat.read(path, 4))
        for grade_id, maximum in expected.items():
            grade = gradebook.find_grade(grade_id, path.stem, lesson, "ada")
            if grade_id.startswith("test_"):
                assert grade.auto_score == maximum, f"ada lost points on {grade_id}"
            else:
                assert grade.auto_score is None and grade.needs_manual_grade, grade_id


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_untouched_notebook_scores_zero(course, gradebook, lesson):
    submission = gradebook.find_submission(lesson, "blank")
    assert submission.score == 0
    assert not submission.needs_manual_grade  # unchanged free-text answers get 0 automatically


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_planted_bugs_cost_exactly_their_exercises(course, gradebook, lesson):
    lost = {f"test_{name}" for name in BUGS[lesson]}
    automatic = lost_points = 0.0
    graded = set()
    for path in (SOLUTIONS / lesson).glob("*.ipynb"):
        expected = points(nbformat.read(path, 4))
        for grade_id, maximum in expected.items():
            if not grade_id.startswith("test_"):
                continue
            grade = gradebook.find_grade(grade_id, path.stem, lesson, "bugsy")
            assert grade.auto_score == (0 if grade_id in lost else maximum), grade_id
            graded.add(grade_id)
            automatic += maximum
            lost_points += maximum if grade_id in lost else 0.0
    assert lost <= graded, "a planted bug in an exercise the lesson does not grade"
    assert gradebook.find_submission(lesson, "bugsy").score == automatic - lost_points


def test_no_test_cell_writes_to_stderr(course):
    for path in (course / "autograded").glob("*/*/*.ipynb"):
        for cell in nbformat.read(path, 4).cells:
            if is_test(cell):
                streams = [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
                assert not streams, f"{path}: stderr in {nbgrader(cell)['grade_id']}: {streams}"


def test_failed_checks_explain_the_mistake_in_the_autograded_notebook(course):
    nb = nbformat.read(course / "autograded" / "bugsy" / "01-neuron" / "01-neuron.ipynb", 4)
    relu_test = next(c for c in nb.cells if nbgrader(c).get("grade_id") == "test_relu")
    errors = [o for o in relu_test.outputs if o.output_type == "error"]
    assert errors and errors[0].ename in ("AssertionError", "CheckFailure")
    assert "changed its input" in errors[0].evalue


def test_exported_grades_after_manual_grading(course, gradebook, tmp_path):
    # the instructor grades the free-text answers in the formgrader: full points to ada
    for lesson in LESSON_IDS:
        for path in (SOLUTIONS / lesson).glob("*.ipynb"):
            for grade_id, maximum in points(nbformat.read(path, 4)).items():
                if not grade_id.startswith("test_"):
                    grade = gradebook.find_grade(grade_id, path.stem, lesson, "ada")
                    grade.manual_score = maximum
                    grade.needs_manual_grade = False
    gradebook.db.commit()

    out = tmp_path / "grades.csv"
    nbgrader_cli(course, "export", f"--to={out}")
    rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert len(rows) == len(LESSON_IDS) * len(STUDENTS)
    for lesson in LESSON_IDS:
        expected = {}
        for path in (SOLUTIONS / lesson).glob("*.ipynb"):
            expected.update(points(nbformat.read(path, 4)))
        total = sum(expected.values())
        automatic = sum(p for g, p in expected.items() if g.startswith("test_"))
        lost = sum(expected[f"test_{name}"] for name in BUGS[lesson])
        assert float(rows[(lesson, "ada")]["score"]) == float(rows[(lesson, "ada")]["max_score"]) == total
        assert float(rows[(lesson, "blank")]["score"]) == 0
        assert float(rows[(lesson, "bugsy")]["score"]) == automatic - lost
