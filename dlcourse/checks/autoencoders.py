"""Lesson 06c exercises: add_noise, sparsity_penalty, reparameterize, vae_kl.

The pieces that turn a plain autoencoder into a denoising, a sparse or a variational one. All
are NumPy, float64, and leave their inputs alone:

- ``add_noise(X, noise_std, seed=0)``: Gaussian noise drawn with
  ``np.random.default_rng(seed).normal(0.0, noise_std, size=X.shape)``, added, then clipped to
  [0, 1]; the same seed gives the same noisy images, bit for bit.
- ``sparsity_penalty(activations, rho=0.05)``: ``sum_j KL(rho || rho_hat_j)`` with ``rho_hat`` the
  average activation of each hidden unit over the batch (``axis=0``); one number.
- ``reparameterize(mu, logvar, eps)``: ``mu + exp(0.5 * logvar) * eps``; ``eps`` is given.
- ``vae_kl(mu, logvar)``: ``-0.5 * sum(1 + logvar - mu**2 - exp(logvar))`` over the latent
  dimensions, averaged over the samples; one number.

The cases use n != k (samples and hidden units or latent dimensions) so that a mean over the
wrong axis gives another number, and values away from 0 so that no term hides.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..reference import autoencoders as ref
from .core import Case, Exercise, Mistake, one_number, redraw


def _f(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


# --------------------------------------------------------------------------------------------
# add_noise(X, noise_std, seed=0)
# --------------------------------------------------------------------------------------------

def _pixels(seed: int, n: int, d: int) -> np.ndarray:
    """Digit-like pixels in [0, 1]: many exactly 0 (background), some exactly 1 (ink), the rest
    grey, so that noise pushes some past either end and clipping matters."""
    rng = np.random.default_rng(seed)
    X = rng.random((n, d))
    u = rng.random((n, d))
    X[u < 0.35] = 0.0
    X[u > 0.85] = 1.0
    return X


def _noisy(seed: int, n: int, d: int) -> tuple[np.ndarray, float, int]:
    """(X, noise_std, seed) for a drawn case: the noise level and the noise's seed drawn too."""
    rng = np.random.default_rng(seed)
    return _pixels(seed + 1, n, d), float(rng.uniform(0.1, 0.6)), int(rng.integers(1, 10_000))


def _noise_variant(*, scale=lambda s: s, draw: str = "normal", lo: float | None = 0.0,
                   hi: float | None = 1.0, fixed_seed: int | None = None, transposed: bool = False,
                   per_feature: bool = False):
    """add_noise with one known mistake switched on (for the mistakes below)."""
    def variant(X, noise_std, seed=0):
        X = _f(X)
        rng_seed = seed if fixed_seed is None else fixed_seed
        shape = X.shape[::-1] if transposed else (X.shape[-1],) if per_feature else X.shape
        if draw == "legacy":
            noise = np.random.RandomState(rng_seed).normal(0.0, scale(noise_std), size=shape)
        elif draw == "uniform":
            noise = np.random.default_rng(rng_seed).uniform(-noise_std, noise_std, size=shape)
        elif draw == "loc":                               # rng.normal(noise_std, size=...)
            noise = np.random.default_rng(rng_seed).normal(noise_std, 1.0, size=shape)
        else:
            noise = np.random.default_rng(rng_seed).normal(0.0, scale(noise_std), size=shape)
        noisy = X + (noise.T if transposed else noise)
        return noisy if lo is None else np.clip(noisy, lo, hi)
    return variant


NOISE_RNG = ("Draw the noise exactly as asked: rng = np.random.default_rng(seed), then "
             "noise = rng.normal(0.0, noise_std, size=X.shape), then np.clip(X + noise, 0.0, 1.0).")

_X_SMALL = _pixels(3, 3, 5)      # 4 pixels pushed below 0 and 2 above 1 by the noise

ADD_NOISE = Exercise(
    name="add_noise",
    params=("X", "noise_std", "seed"),
    reference=ref.add_noise,
    cases=[
        Case("3 images of 5 pixels, noise_std = 0.1 and the default seed 0", (_X_SMALL, 0.1),
             hint=NOISE_RNG),
        Case("4 images of 6 pixels, noise_std = 0.5 and seed = 7: many pixels go past 0 or 1 and "
             "are clipped", (_pixels(2, 4, 6), 0.5, 7),
             hint="Use the seed you are given, np.random.default_rng(seed): the same seed must "
                  "give the same noisy images, another seed other ones. " + NOISE_RNG),
        Case("20 digit-like images of 64 pixels, a drawn noise level and seed",
             redraw(_noisy, 20, 64), hidden=True, hint=NOISE_RNG),
        Case("the seed given by keyword, 7 images of 9 pixels",
             (_pixels(3, 7, 9), 0.3), {"seed": 2024}, hidden=True, hint=NOISE_RNG),
        Case("a single image of 64 pixels (1, 64)", redraw(_noisy, 1, 64), hidden=True,
             hint=NOISE_RNG),
        Case("noise_std = 0: the result equals X (a new array)", (_pixels(4, 5, 3), 0.0, 3),
             hidden=True, hint="With noise_std = 0 the noise is 0 and the clipped X is X itself."),
        Case("strong noise, noise_std = 2.0: almost every pixel ends at 0 or 1",
             (_pixels(5, 6, 4), 2.0, 11), hidden=True, hint=NOISE_RNG),
    ],
    mistakes=[
        Mistake("You did not clip: noisy pixels below 0 or above 1 are not grey levels any more. "
                "Clip the sum to [0, 1]: np.clip(X + noise, 0.0, 1.0) (clip AFTER adding the "
                "noise).",
                _noise_variant(lo=None)),
        Mistake("Clip to [0, 1], the range of the pixels, not to [-1, 1]: "
                "np.clip(X + noise, 0.0, 1.0).", _noise_variant(lo=-1.0, hi=1.0)),
        Mistake("Your noise has standard deviation 1: scale it by noise_std, "
                "rng.normal(0.0, noise_std, size=X.shape) (or rng.standard_normal(X.shape) * "
                "noise_std).", _noise_variant(scale=lambda s: 1.0)),
        Mistake("Your noise's standard deviation is noise_std ** 2 (the variance). The second "
                "argument of rng.normal, `scale`, is the standard deviation: "
                "rng.normal(0.0, noise_std, size=X.shape).",
                _noise_variant(scale=lambda s: s ** 2)),
        Mistake("The noise must come from np.random.default_rng(seed), NumPy's Generator, not from "
                "the legacy np.random.seed / np.random.normal, which gives other numbers for the "
                "same seed: rng = np.random.default_rng(seed); rng.normal(0.0, noise_std, "
                "size=X.shape).", _noise_variant(draw="legacy")),
        Mistake("That is uniform noise; the exercise asks for Gaussian noise, "
                "rng.normal(0.0, noise_std, size=X.shape).", _noise_variant(draw="uniform")),
        Mistake("rng.normal(noise_std, size=...) makes noise_std the MEAN (loc) and leaves the "
                "standard deviation at 1. The arguments are rng.normal(loc, scale, size): "
                "rng.normal(0.0, noise_std, size=X.shape).", _noise_variant(draw="loc")),
        Mistake("You ignored the seed argument (the noise is always that of seed 0): "
                "use np.random.default_rng(seed).", _noise_variant(fixed_seed=0)),
        Mistake("The noise was drawn in another order (shape (d, n), then transposed): draw it "
                "with size=X.shape so that noise[i, j] is the draw for pixel j of image i.",
                _noise_variant(transposed=True)),
        Mistake("Every image got the same noise vector (size=X.shape[1], broadcast over the "
                "rows). Draw one value per pixel of every image: size=X.shape.",
                _noise_variant(per_feature=True)),
    ],
)


# --------------------------------------------------------------------------------------------
# sparsity_penalty(activations, rho=0.05)
# --------------------------------------------------------------------------------------------

def _activations(seed: int, n: int, k: int, *, centre: float = -2.0,
                 spread: float = 1.5) -> np.ndarray:
    """(n, k) sigmoid activations, mostly small, each unit with its own average."""
    rng = np.random.default_rng(seed)
    z = rng.normal(centre, spread, size=(n, k)) + rng.normal(0.0, 1.0, size=k)
    return 1.0 / (1.0 + np.exp(-z))


def _kl(rho, r, log=np.log):
    return rho * log(rho / r) + (1.0 - rho) * log((1.0 - rho) / (1.0 - r))


def _sparsity_variant(*, axis: int | None = 0, reduce=np.sum, reverse: bool = False,
                      second_term: bool = True, log=np.log, sign: float = 1.0,
                      per_sample: bool = False, fixed_rho: float | None = None):
    """sparsity_penalty with one known mistake switched on (for the mistakes below)."""
    def variant(activations, rho=0.05):
        a = _f(activations)
        rho = float(rho if fixed_rho is None else fixed_rho)
        r = a if per_sample else np.mean(a, axis=axis)
        if reverse:
            kl = r * log(r / rho) + (1.0 - r) * log((1.0 - r) / (1.0 - rho))
        elif second_term:
            kl = _kl(rho, r, log)
        else:
            kl = rho * log(rho / r)
        if per_sample:
            return float(sign * np.mean(np.sum(kl, axis=1)))
        return float(sign * reduce(kl))
    return variant


SPARSITY_FORMULA = ("rho_hat = np.mean(activations, axis=0) (each hidden unit's average over the "
                    "batch, shape (k,)), then the sum over the units of "
                    "rho * log(rho / rho_hat) + (1 - rho) * log((1 - rho) / (1 - rho_hat)).")

_ACTS = np.array([[0.10, 0.02, 0.60],
                  [0.05, 0.04, 0.20],
                  [0.15, 0.06, 0.40],
                  [0.10, 0.08, 0.80]])
#: two units whose averages over the batch are exactly 0.05
_ACTS_AT_RHO = np.array([[0.02, 0.09], [0.08, 0.01], [0.05, 0.05]])

SPARSITY_PENALTY = Exercise(
    name="sparsity_penalty",
    params=("activations", "rho"),
    reference=ref.sparsity_penalty,
    compare=one_number("the penalty", "Sum the KL of the hidden units into one number: "
                        "np.sum(...) over the k values of rho_hat."),
    cases=[
        Case("4 samples, 3 hidden units whose averages are 0.1, 0.05 and 0.5; rho = 0.05: "
             "0.0167 + 0 + 0.4946 = 0.5113", (_ACTS,),
             hint="The averages over the batch (axis=0) are rho_hat = [0.1, 0.05, 0.5]: the second "
                  "unit is exactly at rho and costs 0, the third, on half the time, costs most. "
                  + SPARSITY_FORMULA),
        Case("6 samples, 5 hidden units, rho = 0.2 given", (_activations(21, 6, 5), 0.2),
             hint="Use the rho you are given. " + SPARSITY_FORMULA),
        Case("20 samples, 7 hidden units, the default rho = 0.05",
             (redraw(_activations, 20, 7),), hidden=True, hint=SPARSITY_FORMULA),
        Case("3 samples, 10 hidden units, rho = 0.1 by keyword",
             (redraw(_activations, 3, 10),), {"rho": 0.1}, hidden=True, hint=SPARSITY_FORMULA),
        Case("a single sample (1, 4)", (redraw(_activations, 1, 4),), hidden=True,
             hint=SPARSITY_FORMULA),
        Case("every unit's average is exactly rho = 0.05: the penalty is 0", (_ACTS_AT_RHO,),
             hidden=True, hint="KL(rho || rho) = 0: a unit whose average activation is rho costs "
                               "nothing. " + SPARSITY_FORMULA),
        Case("units that are almost always on (averages near 0.99): a large penalty",
             (redraw(_activations, 8, 3, centre=5.0, spread=0.5),), hidden=True,
             hint=SPARSITY_FORMULA),
    ],
    mistakes=[
        Mistake("You averaged over axis=1, one value per SAMPLE. rho_hat is the average "
                "activation of each hidden UNIT over the batch: np.mean(activations, axis=0), "
                "shape (k,).", _sparsity_variant(axis=1)),
        Mistake("You averaged over everything, one rho_hat for the whole layer. Each hidden unit "
                "has its own average: rho_hat = np.mean(activations, axis=0), shape (k,), and "
                "each gets its own KL term.", _sparsity_variant(axis=None)),
        Mistake("Your KL is reversed: KL(rho_hat || rho). The sparse autoencoder's penalty is "
                "KL(rho || rho_hat) = rho * log(rho / rho_hat) + (1 - rho) * log((1 - rho) / "
                "(1 - rho_hat)): the target rho comes first.", _sparsity_variant(reverse=True)),
        Mistake("You took the mean over the hidden units; the penalty is their SUM, "
                "np.sum(kl): each unit pays for its own average.",
                _sparsity_variant(reduce=np.mean)),
        Mistake("You kept only rho * log(rho / rho_hat). The KL of two Bernoulli distributions "
                "has a second term for 'off': + (1 - rho) * log((1 - rho) / (1 - rho_hat)).",
                _sparsity_variant(second_term=False)),
        Mistake("Your penalty is negative; a KL divergence is never negative. Check the order in "
                "each log: rho * log(rho / rho_hat) + (1 - rho) * log((1 - rho) / (1 - rho_hat)).",
                _sparsity_variant(sign=-1.0)),
        Mistake("You used log2; the KL divergence of this course uses the natural logarithm, "
                "np.log.", _sparsity_variant(log=np.log2)),
        Mistake("You used log10; the KL divergence of this course uses the natural logarithm, "
                "np.log.", _sparsity_variant(log=np.log10)),
        Mistake("You computed the KL of each sample's activations and averaged those. Average the "
                "activations over the batch FIRST, rho_hat = np.mean(activations, axis=0), then "
                "take one KL per unit: the penalty asks each unit to be rarely on, not to be weak "
                "in every sample.", _sparsity_variant(per_sample=True)),
        Mistake("That is an L1 penalty (the mean of |activations|). This exercise asks for the KL "
                "penalty: " + SPARSITY_FORMULA,
                lambda activations, rho=0.05: float(np.mean(np.abs(_f(activations))))),
        Mistake("That is an L1 penalty (the sum of |activations|). This exercise asks for the KL "
                "penalty: " + SPARSITY_FORMULA,
                lambda activations, rho=0.05: float(np.sum(np.abs(_f(activations))))),
        Mistake("That is the sum of the average activations (an L1 penalty on rho_hat). This "
                "exercise asks for the KL penalty, which is 0 when rho_hat = rho: "
                + SPARSITY_FORMULA,
                lambda activations, rho=0.05: float(np.sum(np.mean(_f(activations), axis=0)))),
        Mistake("Use the rho you are given (an argument of the function), not a fixed 0.05.",
                _sparsity_variant(fixed_rho=0.05)),
    ],
)


# --------------------------------------------------------------------------------------------
# reparameterize(mu, logvar, eps)
# --------------------------------------------------------------------------------------------

def _latent(seed: int, n: int, k: int, *, logvar_centre: float = -1.0) -> tuple[np.ndarray, ...]:
    """(mu, logvar, eps) of shape (n, k): an encoder's means and log-variances, and the noise."""
    rng = np.random.default_rng(seed)
    return (rng.normal(0.0, 1.5, (n, k)), rng.normal(logvar_centre, 1.0, (n, k)),
            rng.normal(0.0, 1.0, (n, k)))


def _z(mu, logvar, eps, *, std=lambda lv: np.exp(0.5 * lv), sign: float = 1.0):
    return _f(mu) + sign * std(_f(logvar)) * _f(eps)


REPARAM = ("z = mu + np.exp(0.5 * logvar) * eps: logvar is log(sigma^2), so the standard deviation "
           "is sigma = exp(logvar / 2).")

_MU1, _LV1, _EPS1 = np.array([[1.0, -2.0]]), np.array([[0.0, np.log(4.0)]]), np.array([[0.5, -1.0]])

REPARAMETERIZE = Exercise(
    name="reparameterize",
    params=("mu", "logvar", "eps"),
    reference=ref.reparameterize,
    cases=[
        Case("one sample, two latent dimensions: mu = [[1, -2]], logvar = [[0, log 4]] (std 1 "
             "and 2), eps = [[0.5, -1]] give z = [[1.5, -4]]", (_MU1, _LV1, _EPS1),
             hint="1 + 1 * 0.5 = 1.5 and -2 + 2 * (-1) = -4. " + REPARAM
                  + " Use the eps you are given; do not draw new noise."),
        Case("4 samples, 3 latent dimensions", _latent(31, 4, 3),
             hint=REPARAM + " Use the eps you are given; do not draw new noise."),
        Case("16 samples, 2 latent dimensions", redraw(_latent, 16, 2), hidden=True, hint=REPARAM),
        Case("5 samples, 8 latent dimensions, large log-variances",
             redraw(_latent, 5, 8, logvar_centre=2.0), hidden=True, hint=REPARAM),
        Case("eps = 0: z is the mean mu",
             (np.array([[0.3, -1.2, 2.0]]), np.array([[1.0, -1.0, 0.5]]), np.zeros((1, 3))),
             hidden=True,
             hint="With eps = 0 there is no noise and z = mu."),
        Case("logvar = -20, a tiny standard deviation: z is mu plus very little",
             (np.array([[0.5, -0.5], [2.0, 1.0]]), np.full((2, 2), -20.0),
              np.array([[1.0, -2.0], [0.5, 3.0]])), hidden=True, hint=REPARAM),
    ],
    mistakes=[
        Mistake("You multiplied eps by exp(logvar), the VARIANCE sigma^2. The noise is scaled by "
                "the standard deviation sigma = exp(0.5 * logvar). " + REPARAM,
                lambda mu, logvar, eps: _z(mu, logvar, eps, std=np.exp)),
        Mistake("You used logvar itself as the standard deviation. logvar is log(sigma^2); "
                "sigma = np.exp(0.5 * logvar). " + REPARAM,
                lambda mu, logvar, eps: _z(mu, logvar, eps, std=lambda lv: lv)),
        Mistake("np.sqrt(logvar) is not the standard deviation (and is nan for a negative "
                "logvar): logvar is the LOG of the variance, so sigma = np.exp(0.5 * logvar). "
                + REPARAM, lambda mu, logvar, eps: _z(mu, logvar, eps, std=np.sqrt)),
        Mistake("exp(-0.5 * logvar) is 1 / sigma. The standard deviation is exp(+0.5 * logvar). "
                + REPARAM, lambda mu, logvar, eps: _z(mu, logvar, eps,
                                                      std=lambda lv: np.exp(-0.5 * lv))),
        Mistake("mu and sigma have swapped roles: the noise is scaled by sigma and shifted by mu, "
                "z = mu + sigma * eps, not mu * eps + sigma. " + REPARAM,
                lambda mu, logvar, eps: _f(mu) * _f(eps) + np.exp(0.5 * _f(logvar))),
        Mistake("You left out eps: z = mu + sigma is the same point every time. The noise eps "
                "(given) makes z a random draw from N(mu, sigma^2): " + REPARAM,
                lambda mu, logvar, eps: _f(mu) + np.exp(0.5 * _f(logvar))),
        Mistake("The sign of the noise: z = mu + sigma * eps, with a plus. (-eps is as good a "
                "random draw, but eps is given here and the checker expects mu + sigma * eps.)",
                lambda mu, logvar, eps: _z(mu, logvar, eps, sign=-1.0)),
        Mistake("That is mu + logvar * eps with the 0.5 misplaced: sigma = np.exp(0.5 * logvar), "
                "exp of half the log-variance, not 0.5 * exp(logvar).",
                lambda mu, logvar, eps: _z(mu, logvar, eps, std=lambda lv: 0.5 * np.exp(lv))),
    ],
)


# --------------------------------------------------------------------------------------------
# vae_kl(mu, logvar)
# --------------------------------------------------------------------------------------------

def _mu_logvar(seed: int, n: int, k: int, *, logvar_centre: float = -0.5,
               logvar_spread: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(0.3, 1.2, (n, k)), rng.normal(logvar_centre, logvar_spread, (n, k))


def _kl_terms(mu, logvar, *, one: float = 1.0, var=np.exp):
    mu, logvar = _f(mu), _f(logvar)
    return one + logvar - mu ** 2 - var(logvar)


def _kl_variant(*, factor: float = -0.5, reduce: str = "mean", one: float = 1.0, var=np.exp):
    """vae_kl with one known mistake switched on (for the mistakes below)."""
    def variant(mu, logvar):
        terms = factor * _kl_terms(mu, logvar, one=one, var=var)
        if reduce == "sum":
            return float(np.sum(terms))
        if reduce == "all":
            return float(np.mean(terms))
        if reduce == "swapped":                        # sum over samples, mean over dimensions
            return float(np.mean(np.sum(terms, axis=0)))
        return float(np.mean(np.sum(terms, axis=-1)))
    return variant


def _kl_logvar_as_sigma(mu, logvar):
    """sigma = logvar: -0.5 * sum(1 + log(sigma^2) - mu^2 - sigma^2)."""
    mu, sigma = _f(mu), _f(logvar)
    return float(np.mean(-0.5 * np.sum(1.0 + np.log(sigma ** 2) - mu ** 2 - sigma ** 2, axis=-1)))


VAE_KL_FORMULA = ("KL = -0.5 * np.sum(1 + logvar - mu**2 - np.exp(logvar), axis=1) for each "
                  "sample, then np.mean over the samples.")

VAE_KL = Exercise(
    name="vae_kl",
    params=("mu", "logvar"),
    reference=ref.vae_kl,
    compare=one_number("the KL divergence", "Sum over the latent dimensions (axis=1) for each "
                        "sample, then take the mean over the samples."),
    cases=[
        Case("the encoder outputs the prior itself, mu = 0 and logvar = 0 (2 samples, 3 "
             "dimensions): KL = 0", (np.zeros((2, 3)), np.zeros((2, 3))),
             hint="N(0, 1) against N(0, 1) is no divergence at all: 1 + 0 - 0 - exp(0) = 0 in "
                  "every dimension. " + VAE_KL_FORMULA),
        Case("4 samples, 3 latent dimensions", _mu_logvar(41, 4, 3), hint=VAE_KL_FORMULA),
        Case("one sample, mu = [[1, -2]] and logvar = [[0, 0]]: KL = (1 + 4) / 2 = 2.5",
             (np.array([[1.0, -2.0]]), np.zeros((1, 2))),
             hint="With sigma = 1, each dimension costs mu^2 / 2: 0.5 + 2.0 = 2.5. "
                  + VAE_KL_FORMULA),
        Case("one sample, mu = 0 and logvar = [[log 4, log 0.25]]: a standard deviation of 2 or "
             "of 0.5 costs too, KL = 0.807 + 0.318 = 1.125",
             (np.zeros((1, 2)), np.array([[np.log(4.0), np.log(0.25)]])),
             hint="Each dimension costs (sigma^2 - 1 - log sigma^2) / 2: (4 - 1 - 1.386) / 2 = "
                  "0.807 and (0.25 - 1 + 1.386) / 2 = 0.318. " + VAE_KL_FORMULA),
        Case("16 samples, 2 latent dimensions", redraw(_mu_logvar, 16, 2), hidden=True,
             hint=VAE_KL_FORMULA),
        Case("3 samples, 10 latent dimensions", redraw(_mu_logvar, 3, 10), hidden=True,
             hint=VAE_KL_FORMULA),
        Case("a single sample of 5 dimensions", redraw(_mu_logvar, 1, 5), hidden=True,
             hint=VAE_KL_FORMULA),
        Case("log-variances from -6 to 4, 6 samples of 4 dimensions",
             redraw(_mu_logvar, 6, 4, logvar_centre=-1.0, logvar_spread=2.5), hidden=True,
             hint=VAE_KL_FORMULA),
    ],
    mistakes=[
        Mistake("Your KL is negative, but a KL divergence is never negative (it is 0 only when "
                "the two distributions are the same). The formula has -0.5 in front: "
                + VAE_KL_FORMULA, _kl_variant(factor=0.5)),
        Mistake("You summed over the samples too; the KL of the batch is the MEAN over the "
                "samples of each sample's sum over the latent dimensions: " + VAE_KL_FORMULA,
                _kl_variant(reduce="sum")),
        Mistake("You took the mean over everything, which divides by the number of latent "
                "dimensions too. Sum over the latent dimensions (axis=1), then the mean over the "
                "samples: " + VAE_KL_FORMULA, _kl_variant(reduce="all")),
        Mistake("You summed over the samples (axis=0) and averaged over the latent dimensions: "
                "the other way round. " + VAE_KL_FORMULA, _kl_variant(reduce="swapped")),
        Mistake("You left out the 1 in 1 + logvar - mu^2 - exp(logvar): without it the KL of "
                "N(0, 1) against itself would be 0.5 per dimension instead of 0. "
                + VAE_KL_FORMULA, _kl_variant(one=0.0)),
        Mistake("You left out the 0.5: the KL is -0.5 * sum(...), half of what you computed. "
                + VAE_KL_FORMULA, _kl_variant(factor=-1.0)),
        Mistake("You used the standard deviation exp(0.5 * logvar) where the formula has the "
                "VARIANCE sigma^2 = exp(logvar). " + VAE_KL_FORMULA,
                _kl_variant(var=lambda lv: np.exp(0.5 * lv))),
        Mistake("You treated logvar as sigma (log(logvar^2), logvar^2). logvar is already "
                "log(sigma^2): the terms are 1 + logvar - mu^2 - exp(logvar). " + VAE_KL_FORMULA,
                _kl_logvar_as_sigma),
    ],
)

EXERCISES = [ADD_NOISE, SPARSITY_PENALTY, REPARAMETERIZE, VAE_KL]
