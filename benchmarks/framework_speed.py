"""Time per training step of the handout's network in NumPy, PyTorch, TensorFlow and JAX (CPU).

The step is the same everywhere: the network n_in -> n_hidden (ReLU) -> 1 (sigmoid), its forward
pass, the binary cross-entropy (written on the logits, the stable form), the backward pass and a
plain SGD update (lr 0.1), in float32, from the same initial weights on the same batch. Each
framework runs it in its eager mode and compiled:

- NumPy: lesson 05's way, the gradients written by hand (no graph at all);
- PyTorch eager (autograd records the graph as the step runs) and ``torch.compile`` of the whole
  step (``torch.func.grad`` inside, so forward, backward and update are one compiled graph);
- TensorFlow eager (``tf.GradientTape``) and ``tf.function`` (the step traced once into a graph);
- JAX without ``jit`` (each operation dispatched on its own) and with ``jax.jit``.

Two sizes (``SIZES``): the handout's network on a batch of 32, where each operation does so little
arithmetic that the time is the frameworks' fixed cost per operation (Python, dispatch, autograd
bookkeeping); and a wider network on a batch of 1024, where the matrix products dominate.

Before timing, the script checks that every implementation ends one step with NumPy's weights
(to float32 round-off). Each repetition runs every implementation for ``--steps`` steps
(alternating, so that all see the same machine load); the table gives the median time per step
over the repetitions, and the time of the first call (tracing and compiling). Every framework
gets the same number of threads (``--threads``, 1 by default): NumPy's BLAS via threadpoolctl,
``torch.set_num_threads``, TensorFlow's intra- and inter-op pools, XLA's CPU flags for JAX.

    .venv/bin/python benchmarks/framework_speed.py [--threads 1] [--repeats 7] [--no-compile]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LR, SEED = 0.1, 0
#: name -> (n_in, n_hidden, batch size, steps per repetition)
SIZES = {"small": (10, 64, 32, 200), "large": (256, 1024, 1024, 10)}
SIZE_TITLES = {"small": "10-64-1, batch 32 (the handout's)", "large": "256-1024-1, batch 1024"}

#: a step factory takes (params, X, y) as float32 NumPy arrays and returns (step, weights):
#: step() runs one training step in place; weights() gives the parameters back as NumPy arrays
StepFactory = Callable[[list, np.ndarray, np.ndarray], tuple[Callable[[], None], Callable[[], list]]]


def make_data(n_in: int, n_hidden: int, n: int, seed: int = SEED) -> tuple[list, np.ndarray, np.ndarray]:
    """The initial weights [W1 (n_in, n_hidden), b1 (n_hidden,), W2 (n_hidden, 1), b2 (1,)], a
    batch X (n, n_in) and labels y (n, 1), float32 (He initialisation, as lesson 05)."""
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, np.sqrt(2 / n_in), (n_in, n_hidden))
    W2 = rng.normal(0, np.sqrt(2 / n_hidden), (n_hidden, 1))
    params = [W1, np.zeros(n_hidden), W2, np.zeros(1)]
    X = rng.normal(size=(n, n_in))
    y = (X[:, :1] * X[:, 1:2] + 0.5 * X[:, 2:3] > 0).astype(float)
    return [p.astype(np.float32) for p in params], X.astype(np.float32), y.astype(np.float32)


# --------------------------------------------------------------------------------------------
# The step in each framework
# --------------------------------------------------------------------------------------------

def numpy_step(params: list, X: np.ndarray, y: np.ndarray):
    ps = [p.copy() for p in params]
    W1, b1, W2, b2 = ps
    n = len(X)

    def step() -> None:
        Z1 = X @ W1 + b1                      # forward
        A1 = np.maximum(Z1, 0)
        Z2 = A1 @ W2 + b2
        # loss = mean(log(1 + exp(-|z|)) + max(z, 0) - z * y), not needed for the update
        P = 0.5 * (1 + np.tanh(0.5 * Z2))     # sigmoid, without overflow
        dZ2 = (P - y) / n                     # backward, by hand (lesson 04)
        dW2 = A1.T @ dZ2
        db2 = dZ2.sum(axis=0)
        dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
        dW1 = X.T @ dZ1
        db1 = dZ1.sum(axis=0)
        for p, g in zip(ps, (dW1, db1, dW2, db2)):
            p -= LR * g                       # SGD, in place
    return step, lambda: [p.copy() for p in ps]


def torch_eager_step(params: list, X: np.ndarray, y: np.ndarray):
    import torch

    ps = [torch.tensor(p, requires_grad=True) for p in params]
    W1, b1, W2, b2 = ps
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def step() -> None:
        z = torch.relu(Xt @ W1 + b1) @ W2 + b2
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, yt)
        loss.backward()
        with torch.no_grad():
            for p in ps:
                p -= LR * p.grad
                p.grad = None
    return step, lambda: [p.detach().numpy().copy() for p in ps]


def torch_compiled_step(params: list, X: np.ndarray, y: np.ndarray):
    import torch

    def loss_fn(ps, X, y):
        W1, b1, W2, b2 = ps
        z = torch.relu(X @ W1 + b1) @ W2 + b2
        return torch.nn.functional.binary_cross_entropy_with_logits(z, y)

    @torch.compile
    def train_step(ps, X, y):
        grads = torch.func.grad(loss_fn)(ps, X, y)
        return [p - LR * g for p, g in zip(ps, grads)]

    state = [[torch.tensor(p) for p in params]]
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def step() -> None:
        state[0] = train_step(state[0], Xt, yt)
    return step, lambda: [p.numpy().copy() for p in state[0]]


def tf_eager_step(params: list, X: np.ndarray, y: np.ndarray, *, compiled: bool = False):
    from dlcourse.frameworks import import_tensorflow

    tf = import_tensorflow()
    vs = [tf.Variable(p) for p in params]
    W1, b1, W2, b2 = vs
    Xt, yt = tf.constant(X), tf.constant(y)

    def train_step() -> None:
        with tf.GradientTape() as tape:
            z = tf.nn.relu(Xt @ W1 + b1) @ W2 + b2
            loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=yt, logits=z))
        for v, g in zip(vs, tape.gradient(loss, vs)):
            v.assign_sub(LR * g)
    step = tf.function(train_step) if compiled else train_step
    return step, lambda: [v.numpy().copy() for v in vs]


def tf_function_step(params: list, X: np.ndarray, y: np.ndarray):
    return tf_eager_step(params, X, y, compiled=True)


def jax_step(params: list, X: np.ndarray, y: np.ndarray, *, jit: bool = True):
    import jax
    import jax.numpy as jnp

    def loss_fn(ps, X, y):
        W1, b1, W2, b2 = ps
        z = jax.nn.relu(X @ W1 + b1) @ W2 + b2
        return jnp.mean(jnp.maximum(z, 0) - z * y + jnp.log1p(jnp.exp(-jnp.abs(z))))

    def train_step(ps, X, y):
        grads = jax.grad(loss_fn)(ps, X, y)
        return [p - LR * g for p, g in zip(ps, grads)]

    fn = jax.jit(train_step) if jit else train_step
    state = [[jnp.asarray(p) for p in params]]
    Xj, yj = jnp.asarray(X), jnp.asarray(y)

    def step() -> None:
        state[0] = fn(state[0], Xj, yj)   # asynchronous: the timer waits for the last one
    return step, lambda: [np.asarray(jax.block_until_ready(p)).copy() for p in state[0]]


def jax_eager_step(params: list, X: np.ndarray, y: np.ndarray):
    return jax_step(params, X, y, jit=False)


#: the implementations, in the table's order: (name, factory, needs a C++ compiler and time)
IMPLEMENTATIONS: list[tuple[str, StepFactory, bool]] = [
    ("NumPy (by hand)", numpy_step, False),
    ("PyTorch eager", torch_eager_step, False),
    ("PyTorch torch.compile", torch_compiled_step, True),
    ("TensorFlow eager", tf_eager_step, False),
    ("TensorFlow tf.function", tf_function_step, False),
    ("JAX without jit", jax_eager_step, False),
    ("JAX jit", jax_step, False),
]


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------

def limit_threads(n: int) -> None:
    """Give every framework ``n`` threads; call before TensorFlow and JAX are imported."""
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen="
                               f"{'true' if n > 1 else 'false'} intra_op_parallelism_threads={n}")
    import torch

    torch.set_num_threads(n)
    from dlcourse.frameworks import import_tensorflow

    tf = import_tensorflow()
    tf.config.threading.set_intra_op_parallelism_threads(n)
    tf.config.threading.set_inter_op_parallelism_threads(n)


def time_steps(step: Callable[[], None], weights: Callable[[], list], steps: int) -> float:
    """Seconds per step over ``steps`` steps, waiting for the last one to finish."""
    start = time.perf_counter()
    for _ in range(steps):
        step()
    weights()          # reads the weights back: JAX's asynchronous steps are all done
    return (time.perf_counter() - start) / steps


def run(implementations: list, size: str, repeats: int) -> dict:
    """{name: (first-call seconds, [seconds per step per repetition], max weight difference)}."""
    n_in, n_hidden, n, steps = SIZES[size]
    params, X, y = make_data(n_in, n_hidden, n)
    reference = None
    made = {}
    for name, factory, _ in implementations:
        step, weights = factory(params, X, y)
        start = time.perf_counter()
        step()
        after_one = weights()
        first = time.perf_counter() - start
        if reference is None:
            reference = after_one
        gap = max(float(np.max(np.abs(a - b))) for a, b in zip(after_one, reference))
        step()                                   # a second warm-up call
        made[name] = (step, weights, first, gap)
    results = {name: (first, [], gap) for name, (_, _, first, gap) in made.items()}
    for _ in range(repeats):
        for name, (step, weights, _, _) in made.items():
            results[name][1].append(time_steps(step, weights, steps))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="threads per framework (1)")
    parser.add_argument("--repeats", type=int, default=7, help="repetitions (7)")
    parser.add_argument("--no-compile", action="store_true",
                        help="leave out torch.compile (it needs a C++ compiler and ~10-40 s)")
    parser.add_argument("--sizes", default="small,large", help="small,large (both)")
    parser.add_argument("--warm-cache", action="store_true",
                        help="let torch.compile reuse its on-disk cache (by default it compiles "
                             "from scratch in a fresh cache folder, as on a first run)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if not args.warm_cache:
        import atexit
        import shutil
        import tempfile

        cache = tempfile.mkdtemp(prefix="inductor-")
        atexit.register(shutil.rmtree, cache, ignore_errors=True)
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = cache
    limit_threads(args.threads)
    from threadpoolctl import threadpool_limits
    import jax
    import torch
    from dlcourse.frameworks import import_tensorflow

    tf = import_tensorflow()
    implementations = [i for i in IMPLEMENTATIONS if not (i[2] and args.no_compile)]
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    table: dict[str, dict[str, tuple]] = {}
    with threadpool_limits(limits=args.threads, user_api="blas"):
        for size in sizes:
            table[size] = run(implementations, size, args.repeats)

    print(f"one training step (forward, BCE, backward, SGD), float32, CPU, {args.threads} "
          f"thread(s) per framework; median of {args.repeats} repetitions")
    print("; ".join(f"{s}: {SIZE_TITLES[s]}, {SIZES[s][3]} steps per repetition" for s in sizes))
    print(f"numpy {np.__version__}, torch {torch.__version__}, tensorflow {tf.__version__}, "
          f"jax {jax.__version__}, Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs")
    gaps = max(gap for res in table.values() for _, _, gap in res.values())
    print(f"same weights as NumPy after one step: max difference {gaps:.1e}")
    print()
    head = " | ".join(f"{s}: {SIZE_TITLES[s]} (ms / step)" for s in sizes)
    ratio = " | ".join(f"{s}: / NumPy" for s in sizes)
    first = " / ".join(sizes)
    print(f"| implementation | {head} | {ratio} | first call, {first} (s) |")
    print("|---|" + "---:|" * (2 * len(sizes) + 1))
    for name, _, _ in implementations:
        medians = [statistics.median(table[s][name][1]) for s in sizes]
        base = [statistics.median(table[s]["NumPy (by hand)"][1]) for s in sizes]
        cells = " | ".join(f"{1e3 * m:.3f}" for m in medians)
        ratios = " | ".join(f"{m / b:.2f}" for m, b in zip(medians, base))
        firsts = " / ".join(f"{table[s][name][0]:.2f}" for s in sizes)
        print(f"| {name} | {cells} | {ratios} | {firsts} |")
    print()
    print(f"run time: {time.perf_counter() - started:.0f} s")
    return 0 if gaps < 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
