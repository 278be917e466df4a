"""Figures of lesson 06c: autoencoders (reconstructions, hidden activations, a VAE's latent space)
and a GAN learning a 2-D distribution.

Every function takes NumPy arrays (the notebook moves tensors to the CPU first) and imports
matplotlib inside itself, so ``import dlcourse.plots.generative`` stays light. Each one draws on
``ax`` when one is given and returns the Figure; otherwise it makes a figure, closes it in pyplot
and returns it, so that a notebook shows it once.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .figures import new_axes

#: the 10 digits' colours in the latent-space figures
DIGIT_CMAP = "tab10"


def _images(images: ArrayLike) -> np.ndarray:
    """(n, 64) or (n, 8, 8) -> (n, side, side) float64."""
    images = np.asarray(images, dtype=np.float64)
    n = len(images)
    side = int(round(np.sqrt(images[0].size))) if n else 8
    return images.reshape(n, side, side)


def show_image_rows(rows: Mapping[str, ArrayLike], *, title: str | None = None,
                    errors: bool = False) -> Any:
    """Digit images side by side, one row per entry of ``rows`` (label -> (n, 64) images).

    All rows hold the same number of images, the i-th of each row being the same digit (an
    original, its reconstruction...). With ``errors``, each image after the first row is titled
    with its mean squared difference from the image in the first row. Returns the Figure.
    """
    import matplotlib.pyplot as plt

    labels = list(rows)
    stacks = [_images(rows[label]) for label in labels]
    n = min(len(s) for s in stacks)
    fig, axes = plt.subplots(len(stacks), n, figsize=(0.95 * n + 1.2, 1.15 * len(stacks) + 0.4),
                             squeeze=False)
    plt.close(fig)
    for r, (label, stack) in enumerate(zip(labels, stacks)):
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(stack[c], cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if errors and r > 0:
                ax.set_title(f"{np.mean((stack[c] - stacks[0][c]) ** 2):.3f}", fontsize=7)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_hidden_activations(activations: Mapping[str, ArrayLike], *,
                            rho: float | None = None) -> Any:
    """How often hidden units fire, for several models (label -> (n, k) sigmoid activations).

    Left: the histogram of every activation; right: each unit's average activation over the
    samples, units sorted from least to most active, with ``rho`` (the sparsity target) as a
    dashed line. Returns the Figure.
    """
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12.0, 3.8))
    plt.close(fig)
    bins = np.linspace(0.0, 1.0, 41)
    for label, acts in activations.items():
        acts = np.asarray(acts, dtype=np.float64)
        left.hist(acts.ravel(), bins=bins, alpha=0.55, density=True,
                  label=f"{label} (mean {acts.mean():.2f})")
        means = np.sort(acts.mean(axis=0))
        right.plot(np.arange(1, len(means) + 1), means, marker="o", ms=3, lw=1.5, label=label)
    left.set_xlabel("activation of a hidden unit on one image")
    left.set_ylabel("density")
    left.set_title("all hidden activations")
    left.legend()
    if rho is not None:
        right.axhline(rho, color="black", ls="--", lw=1, label=f"rho = {rho:g}")
    right.set_xlabel("hidden unit (sorted by its average)")
    right.set_ylabel("average activation over the images")
    right.set_ylim(0.0, 1.0)
    right.set_title("each unit's average activation (rho_hat)")
    right.legend()
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_latent_space(Z: ArrayLike, y: ArrayLike, *, ax: Any = None,
                      title: str = "the latent space: test digits at their mean mu") -> Any:
    """Points of a 2-D latent space, coloured by digit. Z: (n, 2); y: (n,) ints 0-9.
    Returns the Figure."""
    Z = np.asarray(Z, dtype=np.float64)
    y = np.asarray(y).reshape(-1)
    fig, ax = new_axes(ax, (6.2, 5.2))
    points = ax.scatter(Z[:, 0], Z[:, 1], c=y, cmap=DIGIT_CMAP, vmin=-0.5, vmax=9.5, s=14,
                        alpha=0.85, edgecolors="none")
    for digit in np.unique(y):
        centre = np.median(Z[y == digit], axis=0)
        ax.text(centre[0], centre[1], str(digit), fontsize=14, weight="bold", ha="center",
                va="center", bbox=dict(boxstyle="circle,pad=0.2", fc="white", alpha=0.8))
    fig.colorbar(points, ax=ax, ticks=range(10), label="digit")
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return fig


def latent_grid(n: int = 12, limit: float = 2.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A square grid of latent points to decode: ``(Z, z1, z2)``.

    z1, z2: (n,) values from -limit to limit; Z: (n * n, 2), row by row from the TOP of the
    picture (largest z2) to the bottom, each row from left (smallest z1) to right, which is the
    order :func:`plot_latent_grid` expects.
    """
    z1 = np.linspace(-limit, limit, n)
    z2 = np.linspace(limit, -limit, n)
    g1, g2 = np.meshgrid(z1, z2)
    return np.column_stack([g1.ravel(), g2.ravel()]), z1, z2


def plot_latent_grid(images: ArrayLike, z1: ArrayLike, z2: ArrayLike, *, ax: Any = None,
                     title: str = "decoded grid of latent points") -> Any:
    """Decoded images of a latent grid in one mosaic. images: (len(z2) * len(z1), 64) in the
    order of :func:`latent_grid`; z1, z2: the grid's values, shown on the axes. Returns the
    Figure."""
    z1, z2 = np.asarray(z1, dtype=np.float64), np.asarray(z2, dtype=np.float64)
    tiles = _images(images)
    side, gap = tiles.shape[1], 1
    rows, cols = len(z2), len(z1)
    step = side + gap
    # white gaps (0 in the gray_r colour map) between the tiles, so that each digit stands alone
    mosaic = np.zeros((rows * step - gap, cols * step - gap))
    for r in range(rows):
        for c in range(cols):
            mosaic[r * step:r * step + side, c * step:c * step + side] = tiles[r * cols + c]
    fig, ax = new_axes(ax, (5.6, 5.6))
    ax.imshow(mosaic, cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest")
    ticks = [0, cols // 2, cols - 1]
    ax.set_xticks([step * i + side / 2 - 0.5 for i in ticks], [f"{z1[i]:.1f}" for i in ticks])
    ticks = [0, rows // 2, rows - 1]
    ax.set_yticks([step * i + side / 2 - 0.5 for i in ticks], [f"{z2[i]:.1f}" for i in ticks])
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.set_title(title)
    return fig


def plot_gan_snapshots(real: ArrayLike, snapshots: Sequence[tuple[int, ArrayLike]], *,
                       centers: ArrayLike | None = None, limit: float = 3.0) -> Any:
    """What a GAN's generator makes at several points of its training, against the real data.

    real: (n, 2) real samples (grey); snapshots: ``(step, samples)`` pairs, samples (m, 2), one
    panel each (orange); centers: (k, 2) the real distribution's centres, marked with crosses.
    Returns the Figure.
    """
    import matplotlib.pyplot as plt

    real = np.asarray(real, dtype=np.float64)
    fig, axes = plt.subplots(1, len(snapshots), figsize=(3.3 * len(snapshots), 3.5), squeeze=False)
    plt.close(fig)
    for ax, (step, samples) in zip(axes[0], snapshots):
        samples = np.asarray(samples, dtype=np.float64)
        ax.scatter(real[:, 0], real[:, 1], s=4, c="0.6", alpha=0.5, label="real")
        ax.scatter(samples[:, 0], samples[:, 1], s=4, c="tab:orange", alpha=0.6, label="generated")
        if centers is not None:
            c = np.asarray(centers, dtype=np.float64)
            ax.scatter(c[:, 0], c[:, 1], marker="x", c="black", s=30, lw=1.2)
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
        ax.set_aspect("equal")
        ax.set_title(f"after {step} steps")
        ax.grid(alpha=0.3)
    axes[0, 0].legend(loc="lower left", fontsize=8, markerscale=3)
    fig.tight_layout()
    return fig


def plot_gan_losses(d_losses: ArrayLike, g_losses: ArrayLike, *, ax: Any = None,
                    smooth: int = 25) -> Any:
    """The discriminator's and the generator's loss at each step (a moving average over
    ``smooth`` steps on top of the raw values), with the values of a discriminator that cannot
    tell real from fake: 2 log 2 for it, log 2 for the generator. Returns the Figure."""
    fig, ax = new_axes(ax, (8.0, 3.6))
    for values, label, color in ((d_losses, "discriminator", "tab:blue"),
                                 (g_losses, "generator", "tab:orange")):
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        steps = np.arange(1, len(values) + 1)
        ax.plot(steps, values, color=color, alpha=0.25, lw=0.8)
        if smooth > 1 and len(values) >= smooth:
            kernel = np.ones(smooth) / smooth
            ax.plot(steps[smooth - 1:], np.convolve(values, kernel, mode="valid"), color=color,
                    lw=2, label=f"{label} loss")
        else:
            ax.plot(steps, values, color=color, lw=2, label=f"{label} loss")
    ax.axhline(2 * np.log(2), color="tab:blue", ls=":", lw=1.2, label="2 log 2 = 1.386")
    ax.axhline(np.log(2), color="tab:orange", ls=":", lw=1.2, label="log 2 = 0.693")
    ax.set_xlabel("training step")
    ax.set_ylabel("loss")
    ax.set_title("the two players' losses")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    return fig


def plot_generator_losses(limit: float = 8.0) -> Any:
    """The generator's two possible losses as functions of the discriminator's logit on a fake,
    and their slopes: the minimax ``log(1 - sigmoid(d))`` (saturating) and the non-saturating
    ``-log sigmoid(d)``. Early in training the fakes are easy to reject (d very negative): there
    the first is flat and the second is steep. Returns the Figure."""
    import matplotlib.pyplot as plt

    d = np.linspace(-limit, limit, 401)
    curves = {
        "non-saturating: -log sigmoid(d)": (np.logaddexp(0.0, -d), -1.0 / (1.0 + np.exp(d))),
        "minimax (saturating): log(1 - sigmoid(d))": (-np.logaddexp(0.0, d),
                                                     -1.0 / (1.0 + np.exp(-d))),
    }
    fig, (left, right) = plt.subplots(1, 2, figsize=(12.0, 3.6))
    plt.close(fig)
    for (label, (loss, slope)), color in zip(curves.items(), ("tab:orange", "tab:purple")):
        left.plot(d, loss, lw=2, color=color, label=label)
        right.plot(d, slope, lw=2, color=color, label=label)
    for ax in (left, right):
        ax.axvspan(-limit, -2.0, color="tab:red", alpha=0.08)
        ax.axvline(0.0, color="black", lw=0.6)
        ax.set_xlabel("d_fake, the discriminator's logit on a fake")
        ax.grid(alpha=0.3)
    left.text(-limit + 0.3, -0.75 * limit, "fakes easily rejected\n(early training)",
              fontsize=8, color="tab:red")
    left.set_ylabel("generator's loss")
    left.set_title("the two generator losses")
    left.legend(fontsize=8)
    right.set_ylabel("slope d(loss)/d(d_fake)")
    right.set_title("their slopes: the push the generator gets")
    right.legend(fontsize=8)
    fig.tight_layout()
    return fig
