"""Time per epoch: lesson 05's from-scratch NumPy MLP against the same network in PyTorch (CPU).

Both train the 64 -> 64 (ReLU) -> 10 (softmax cross-entropy) network of lesson 05 on the fixed
digits split (1437 training images), with mini-batch SGD, batch 32, lr 0.2, in float64
(``--num-hiddens`` and ``--batch-size`` change the size, for both). They
start from the same weights and visit the same batches in the same order, so they do exactly the
same arithmetic; the script checks that they end with the same weights before it reports times.

- NumPy: ``dlcourse.reference.training.train_digits_mlp``, the lesson's reference.
- PyTorch: ``nn.Linear`` layers, ``nn.CrossEntropyLoss``, autograd and ``torch.optim.SGD``.

Each repetition trains both (alternating, so that both see the same machine load) for
``--epochs`` epochs; the table gives the median over the repetitions of the time per epoch.
NumPy's BLAS and PyTorch use the same number of threads (``--threads``, 1 by default: with
32 x 64 matrices more threads only add overhead).

    .venv/bin/python benchmarks/mlp_numpy_vs_torch.py [--threads 1] [--epochs 30] [--repeats 7]
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dlcourse.data.digits import load_digits_split  # noqa: E402
from dlcourse.reference.training import he_init, train_digits_mlp  # noqa: E402

LR, SEED = 0.2, 0


def train_torch(X: np.ndarray, y: np.ndarray, num_epochs: int, num_hiddens: int,
                batch_size: int) -> list[np.ndarray]:
    """The same training in PyTorch: same initial weights (He, from the same generator), same
    batches; returns [W1, b1, W2, b2] in the course's layout (W as (n_in, n_out))."""
    import torch

    rng = np.random.default_rng(SEED)
    (W1, b1), (W2, b2) = he_init([X.shape[1], num_hiddens, 10], rng)
    model = torch.nn.Sequential(torch.nn.Linear(X.shape[1], num_hiddens), torch.nn.ReLU(),
                                torch.nn.Linear(num_hiddens, 10)).double()
    with torch.no_grad():
        for layer, W, b in ((model[0], W1, b1), (model[2], W2, b2)):
            layer.weight.copy_(torch.from_numpy(W.T))
            layer.bias.copy_(torch.from_numpy(b[0]))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(num_epochs):
        order = torch.from_numpy(rng.permutation(len(X)))
        for batch in order.split(batch_size):
            loss = loss_fn(model(X_t[batch]), y_t[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return [model[0].weight.detach().numpy().T, model[0].bias.detach().numpy()[None, :],
            model[2].weight.detach().numpy().T, model[2].bias.detach().numpy()[None, :]]


def train_numpy(X: np.ndarray, y: np.ndarray, num_epochs: int, num_hiddens: int,
                batch_size: int) -> list[np.ndarray]:
    (W1, b1), (W2, b2) = train_digits_mlp(X, y, num_hiddens=num_hiddens, num_epochs=num_epochs,
                                          lr=LR, batch_size=batch_size, seed=SEED)[0]
    return [W1, b1, W2, b2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS and PyTorch threads (1)")
    parser.add_argument("--epochs", type=int, default=30, help="epochs per repetition (30)")
    parser.add_argument("--repeats", type=int, default=7, help="repetitions (7)")
    parser.add_argument("--batch-size", type=int, default=32, help="batch size (32, the lesson's)")
    parser.add_argument("--num-hiddens", type=int, default=64,
                        help="hidden neurons (64, the lesson's)")
    args = parser.parse_args(argv)

    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(args.threads)
    X, _, y, _ = load_digits_split()
    with threadpool_limits(limits=args.threads, user_api="blas"):
        # once untimed: warm-up, and proof that both do the same computation
        size = dict(num_hiddens=args.num_hiddens, batch_size=args.batch_size)
        ours, theirs = train_numpy(X, y, 2, **size), train_torch(X, y, 2, **size)
        gap = max(float(np.max(np.abs(a - b))) for a, b in zip(ours, theirs))
        if gap > 1e-9:
            print(f"NumPy and PyTorch disagree by {gap:.2e} after 2 epochs", file=sys.stderr)
            return 1
        times: dict[str, list[float]] = {"NumPy (reference)": [], "PyTorch": []}
        for _ in range(args.repeats):
            for name, train in (("NumPy (reference)", train_numpy), ("PyTorch", train_torch)):
                start = time.perf_counter()
                train(X, y, args.epochs, **size)
                times[name].append((time.perf_counter() - start) / args.epochs)

    steps = -(-len(X) // args.batch_size)
    print(f"lesson 05 MLP 64-{args.num_hiddens}-10, float64, batch {args.batch_size} ({steps} steps per "
          f"epoch), {args.epochs} epochs x {args.repeats} repetitions")
    print(f"threads: {args.threads} (torch.set_num_threads and NumPy's BLAS); "
          f"numpy {np.__version__}, torch {torch.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}")
    print("same weights after 2 epochs: max difference {:.1e}".format(gap))
    print()
    print(f"| {'implementation':18s} | ms per epoch (median) | min   | max   |")
    print(f"|{'-' * 20}|{'-' * 23}|-------|-------|")
    medians = {}
    for name, values in times.items():
        medians[name] = statistics.median(values)
        print(f"| {name:18s} | {1e3 * medians[name]:21.2f} | {1e3 * min(values):5.2f} | "
              f"{1e3 * max(values):5.2f} |")
    ratio = medians["NumPy (reference)"] / medians["PyTorch"]
    print()
    print(f"NumPy / PyTorch time ratio: {ratio:.2f} "
          f"({'NumPy faster' if ratio < 1 else 'NumPy slower'}; the target is at most 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
