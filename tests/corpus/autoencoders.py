"""Lesson 06c corpus: add_noise, sparsity_penalty, reparameterize, vae_kl.

See ``corpus/__init__`` for the tables. add_noise draws its noise with
``np.random.default_rng(seed).normal(0.0, noise_std, size=X.shape)`` and clips to [0, 1];
sparsity_penalty is ``sum_j KL(rho || rho_hat_j)`` with ``rho_hat`` the mean over the batch;
reparameterize is ``mu + exp(0.5 * logvar) * eps``; vae_kl sums over the latent dimensions and
averages over the samples.
"""
from __future__ import annotations

import math

import numpy as np

# --------------------------------------------------------------------------------------------
# add_noise(X, noise_std, seed=0)
# --------------------------------------------------------------------------------------------

def add_noise_standard_normal(X, noise_std, seed=0):
    """standard_normal scaled: the same draws as normal(0, noise_std)."""
    rng = np.random.default_rng(seed)
    noisy = np.asarray(X, dtype=float) + rng.standard_normal(np.shape(X)) * noise_std
    return np.minimum(np.maximum(noisy, 0.0), 1.0)


def add_noise_row_by_row(X, noise_std, seed=0):
    """One row of noise at a time from the same generator: the same stream of draws."""
    X = np.asarray(X, dtype=float)
    rng = np.random.default_rng(seed)
    out = np.empty_like(X)
    for i in range(X.shape[0]):
        out[i] = X[i] + rng.normal(0.0, noise_std, size=X.shape[1])
    out[out < 0.0] = 0.0
    out[out > 1.0] = 1.0
    return out


def add_noise_copy_then_add(X, noise_std, seed=0):
    noisy = np.array(X, dtype=np.float64, copy=True)
    noisy += np.random.default_rng(seed).normal(scale=noise_std, size=noisy.shape)
    return noisy.clip(0, 1)


def add_noise_no_clip(X, noise_std, seed=0):
    return X + np.random.default_rng(seed).normal(0.0, noise_std, size=X.shape)


def add_noise_clip_minus_one(X, noise_std, seed=0):
    return np.clip(X + np.random.default_rng(seed).normal(0.0, noise_std, size=X.shape), -1, 1)


def add_noise_unscaled(X, noise_std, seed=0):
    return np.clip(X + np.random.default_rng(seed).standard_normal(X.shape), 0, 1)


def add_noise_variance(X, noise_std, seed=0):
    return np.clip(X + np.random.default_rng(seed).normal(0.0, noise_std ** 2, size=X.shape), 0, 1)


def add_noise_legacy(X, noise_std, seed=0):
    np.random.seed(seed)
    return np.clip(X + np.random.normal(0.0, noise_std, X.shape), 0, 1)


def add_noise_uniform(X, noise_std, seed=0):
    rng = np.random.default_rng(seed)
    return np.clip(X + rng.uniform(-noise_std, noise_std, size=X.shape), 0, 1)


def add_noise_std_as_mean(X, noise_std, seed=0):
    return np.clip(X + np.random.default_rng(seed).normal(noise_std, size=X.shape), 0, 1)


def add_noise_ignores_seed(X, noise_std, seed=0):
    return np.clip(X + np.random.default_rng(0).normal(0.0, noise_std, size=X.shape), 0, 1)


def add_noise_unseeded(X, noise_std, seed=0):
    return np.clip(X + np.random.default_rng().normal(0.0, noise_std, size=X.shape), 0, 1)


def add_noise_transposed(X, noise_std, seed=0):
    n, d = X.shape
    return np.clip(X + np.random.default_rng(seed).normal(0.0, noise_std, size=(d, n)).T, 0, 1)


def add_noise_one_vector(X, noise_std, seed=0):
    return np.clip(X + np.random.default_rng(seed).normal(0.0, noise_std, size=X.shape[1]), 0, 1)


def add_noise_in_place(X, noise_std, seed=0):
    X += np.random.default_rng(seed).normal(0.0, noise_std, size=X.shape)
    np.clip(X, 0.0, 1.0, out=X)
    return X


def add_noise_float32(X, noise_std, seed=0):
    noisy = X + np.random.default_rng(seed).normal(0.0, noise_std, size=X.shape)
    return np.clip(noisy, 0, 1).astype(np.float32)


def add_noise_list(X, noise_std, seed=0):
    return np.clip(X + np.random.default_rng(seed).normal(0.0, noise_std, size=X.shape), 0, 1).tolist()


def add_noise_no_return(X, noise_std, seed=0):
    noisy = np.clip(X + np.random.default_rng(seed).normal(0.0, noise_std, size=X.shape), 0, 1)


# --------------------------------------------------------------------------------------------
# sparsity_penalty(activations, rho=0.05)
# --------------------------------------------------------------------------------------------

def sparsity_penalty_loop(activations, rho=0.05):
    """Pure Python over the hidden units, with math.log."""
    a = np.asarray(activations, dtype=float)
    total = 0.0
    for j in range(a.shape[1]):
        r = sum(a[:, j].tolist()) / a.shape[0]
        total += rho * math.log(rho / r) + (1 - rho) * math.log((1 - rho) / (1 - r))
    return total


def sparsity_penalty_entropies(activations, rho=0.05):
    """KL = cross-entropy - entropy, written with xlogy-style terms."""
    rho_hat = np.asarray(activations).mean(axis=0)
    cross = -(rho * np.log(rho_hat) + (1 - rho) * np.log1p(-rho_hat))
    entropy = -(rho * np.log(rho) + (1 - rho) * np.log1p(-rho))
    return float(np.sum(cross - entropy))


def sparsity_penalty_dot(activations, rho=0.05):
    rho_hat = np.sum(activations, axis=0) / len(activations)
    ones = np.ones_like(rho_hat)
    return rho * (np.log(rho) * ones - np.log(rho_hat)) @ ones \
        + (1 - rho) * (np.log(1 - rho) * ones - np.log(1 - rho_hat)) @ ones


def _kl(rho, r):
    return rho * np.log(rho / r) + (1 - rho) * np.log((1 - rho) / (1 - r))


def sparsity_penalty_axis1(activations, rho=0.05):
    return np.sum(_kl(rho, activations.mean(axis=1)))


def sparsity_penalty_mean_all(activations, rho=0.05):
    return np.sum(_kl(rho, np.mean(activations)))


def sparsity_penalty_reversed(activations, rho=0.05):
    r = activations.mean(axis=0)
    return np.sum(r * np.log(r / rho) + (1 - r) * np.log((1 - r) / (1 - rho)))


def sparsity_penalty_mean_units(activations, rho=0.05):
    return np.mean(_kl(rho, activations.mean(axis=0)))


def sparsity_penalty_one_term(activations, rho=0.05):
    return np.sum(rho * np.log(rho / activations.mean(axis=0)))


def sparsity_penalty_l1(activations, rho=0.05):
    return np.mean(np.abs(activations))


def sparsity_penalty_l1_sum(activations, rho=0.05):
    return np.abs(activations).sum()


def sparsity_penalty_log2(activations, rho=0.05):
    r = activations.mean(axis=0)
    return np.sum(rho * np.log2(rho / r) + (1 - rho) * np.log2((1 - rho) / (1 - r)))


def sparsity_penalty_log10(activations, rho=0.05):
    r = activations.mean(axis=0)
    return np.sum(rho * np.log10(rho / r) + (1 - rho) * np.log10((1 - rho) / (1 - r)))


def sparsity_penalty_per_sample(activations, rho=0.05):
    return np.mean(np.sum(_kl(rho, activations), axis=1))


def sparsity_penalty_negative(activations, rho=0.05):
    r = activations.mean(axis=0)
    return np.sum(rho * np.log(r / rho) + (1 - rho) * np.log((1 - r) / (1 - rho)))


def sparsity_penalty_fixed_rho(activations, rho=0.05):
    return np.sum(_kl(0.05, activations.mean(axis=0)))


def sparsity_penalty_per_unit(activations, rho=0.05):
    return _kl(rho, activations.mean(axis=0))


def sparsity_penalty_float32(activations, rho=0.05):
    return np.float32(np.sum(_kl(rho, activations.mean(axis=0))))


# --------------------------------------------------------------------------------------------
# reparameterize(mu, logvar, eps)
# --------------------------------------------------------------------------------------------

def reparameterize_sqrt_exp(mu, logvar, eps):
    return mu + np.sqrt(np.exp(logvar)) * eps


def reparameterize_power(mu, logvar, eps):
    std = np.exp(logvar) ** 0.5
    return np.add(mu, np.multiply(std, eps))


def reparameterize_loop(mu, logvar, eps):
    mu, logvar, eps = (np.asarray(a, dtype=float) for a in (mu, logvar, eps))
    z = np.empty_like(mu)
    for i in range(mu.shape[0]):
        for j in range(mu.shape[1]):
            z[i, j] = mu[i, j] + math.exp(logvar[i, j] / 2) * eps[i, j]
    return z


def reparameterize_variance(mu, logvar, eps):
    return mu + np.exp(logvar) * eps


def reparameterize_logvar_as_std(mu, logvar, eps):
    return mu + logvar * eps


def reparameterize_sqrt_logvar(mu, logvar, eps):
    return mu + np.sqrt(logvar) * eps


def reparameterize_minus_half(mu, logvar, eps):
    return mu + np.exp(-0.5 * logvar) * eps


def reparameterize_roles_swapped(mu, logvar, eps):
    return mu * eps + np.exp(0.5 * logvar)


def reparameterize_no_eps(mu, logvar, eps):
    return mu + np.exp(0.5 * logvar)


def reparameterize_minus(mu, logvar, eps):
    return mu - np.exp(0.5 * logvar) * eps


def reparameterize_own_eps(mu, logvar, eps):
    return mu + np.exp(0.5 * logvar) * np.random.default_rng(0).standard_normal(np.shape(mu))


def reparameterize_half_outside(mu, logvar, eps):
    return mu + 0.5 * np.exp(logvar) * eps


def reparameterize_in_place(mu, logvar, eps):
    mu += np.exp(0.5 * logvar) * eps
    return mu


def reparameterize_float32(mu, logvar, eps):
    return (mu + np.exp(0.5 * logvar) * eps).astype(np.float32)


def reparameterize_list(mu, logvar, eps):
    return (mu + np.exp(0.5 * logvar) * eps).tolist()


# --------------------------------------------------------------------------------------------
# vae_kl(mu, logvar)
# --------------------------------------------------------------------------------------------

def vae_kl_sigma(mu, logvar):
    """From sigma: KL = sum(sigma^2 + mu^2 - 1 - log sigma^2) / 2 per sample."""
    sigma = np.exp(np.asarray(logvar) / 2)
    per_sample = 0.5 * (sigma ** 2 + np.asarray(mu) ** 2 - 1 - 2 * np.log(sigma)).sum(axis=1)
    return per_sample.mean()


def vae_kl_loop(mu, logvar):
    n, k = np.shape(mu)
    total = 0.0
    for i in range(n):
        for j in range(k):
            m, lv = float(mu[i][j]), float(logvar[i][j])
            total += -0.5 * (1 + lv - m * m - math.exp(lv))
    return total / n


def vae_kl_einsum(mu, logvar):
    terms = 1 + logvar - mu ** 2 - np.exp(logvar)
    return -0.5 * np.einsum("ij->", terms) / terms.shape[0]


def _kl_terms(mu, logvar):
    return 1 + logvar - mu ** 2 - np.exp(logvar)


def vae_kl_positive(mu, logvar):
    return np.mean(0.5 * np.sum(_kl_terms(mu, logvar), axis=1))


def vae_kl_sum_samples(mu, logvar):
    return -0.5 * np.sum(_kl_terms(mu, logvar))


def vae_kl_mean_all(mu, logvar):
    return -0.5 * np.mean(_kl_terms(mu, logvar))


def vae_kl_swapped_axes(mu, logvar):
    return np.mean(-0.5 * np.sum(_kl_terms(mu, logvar), axis=0))


def vae_kl_no_one(mu, logvar):
    return np.mean(-0.5 * np.sum(logvar - mu ** 2 - np.exp(logvar), axis=1))


def vae_kl_no_half(mu, logvar):
    return np.mean(-np.sum(_kl_terms(mu, logvar), axis=1))


def vae_kl_std(mu, logvar):
    return np.mean(-0.5 * np.sum(1 + logvar - mu ** 2 - np.exp(0.5 * logvar), axis=1))


def vae_kl_logvar_is_sigma(mu, logvar):
    sigma = logvar
    return np.mean(-0.5 * np.sum(1 + np.log(sigma ** 2) - mu ** 2 - sigma ** 2, axis=1))


def vae_kl_per_sample(mu, logvar):
    return -0.5 * np.sum(_kl_terms(mu, logvar), axis=1)


def vae_kl_no_return(mu, logvar):
    kl = np.mean(-0.5 * np.sum(_kl_terms(mu, logvar), axis=1))


RIGHT = {
    "add_noise": [add_noise_standard_normal, add_noise_row_by_row, add_noise_copy_then_add],
    "sparsity_penalty": [sparsity_penalty_loop, sparsity_penalty_entropies, sparsity_penalty_dot],
    "reparameterize": [reparameterize_sqrt_exp, reparameterize_power, reparameterize_loop],
    "vae_kl": [vae_kl_sigma, vae_kl_loop, vae_kl_einsum],
}

IN_PLACE = r"changed its input `{}` in place"
NATURAL_LOG = r"uses the natural logarithm, np\.log"

WRONG = [
    ("add_noise", add_noise_no_clip, r"You did not clip"),
    ("add_noise", add_noise_clip_minus_one, r"Clip to \[0, 1\], the range of the pixels"),
    ("add_noise", add_noise_unscaled, r"Your noise has standard deviation 1: scale it by noise_std"),
    ("add_noise", add_noise_variance, r"noise_std \*\* 2 \(the variance\)"),
    ("add_noise", add_noise_legacy, r"not from the legacy np\.random\.seed"),
    ("add_noise", add_noise_uniform, r"That is uniform noise"),
    ("add_noise", add_noise_std_as_mean, r"makes noise_std the MEAN"),
    ("add_noise", add_noise_ignores_seed, r"'4 images of 6 pixels(.|\n)*You ignored the seed"),
    ("add_noise", add_noise_unseeded, r"Draw the noise exactly as asked: rng = np\.random\.default_rng\(seed\)"),
    ("add_noise", add_noise_transposed, r"drawn in another order"),
    ("add_noise", add_noise_one_vector, r"Every image got the same noise vector"),
    ("add_noise", add_noise_in_place, IN_PLACE.format("X")),
    ("add_noise", add_noise_float32, r"dtype float32; the course works in float64"),
    ("add_noise", add_noise_list, r"is a Python list, not a NumPy array"),
    ("add_noise", add_noise_no_return, r"is None\. Did you forget the `return` statement"),

    ("sparsity_penalty", sparsity_penalty_axis1, r"You averaged over axis=1, one value per SAMPLE"),
    ("sparsity_penalty", sparsity_penalty_mean_all, r"You averaged over everything"),
    ("sparsity_penalty", sparsity_penalty_reversed, r"Your KL is reversed"),
    ("sparsity_penalty", sparsity_penalty_mean_units, r"mean over the hidden units; the penalty is their SUM"),
    ("sparsity_penalty", sparsity_penalty_one_term, r"You kept only rho \* log\(rho / rho_hat\)"),
    ("sparsity_penalty", sparsity_penalty_l1, r"That is an L1 penalty \(the mean"),
    ("sparsity_penalty", sparsity_penalty_l1_sum, r"That is an L1 penalty \(the sum"),
    ("sparsity_penalty", sparsity_penalty_log2, r"You used log2(.|\n)*" + NATURAL_LOG),
    ("sparsity_penalty", sparsity_penalty_log10, r"You used log10"),
    ("sparsity_penalty", sparsity_penalty_per_sample, r"Average the activations over the batch FIRST"),
    ("sparsity_penalty", sparsity_penalty_negative, r"Your penalty is negative"),
    ("sparsity_penalty", sparsity_penalty_fixed_rho, r"'6 samples, 5 hidden units, rho = 0\.2(.|\n)*not a fixed 0\.05"),
    ("sparsity_penalty", sparsity_penalty_per_unit,
     r"should be a single number, but the result is an array of shape \(3,\)(.|\n)*Sum the KL"),
    ("sparsity_penalty", sparsity_penalty_float32, r"dtype float32"),

    ("reparameterize", reparameterize_variance, r"exp\(logvar\), the VARIANCE"),
    ("reparameterize", reparameterize_logvar_as_std, r"You used logvar itself as the standard deviation"),
    ("reparameterize", reparameterize_sqrt_logvar, r"np\.sqrt\(logvar\) is not the standard deviation"),
    ("reparameterize", reparameterize_minus_half, r"exp\(-0\.5 \* logvar\) is 1 / sigma"),
    ("reparameterize", reparameterize_roles_swapped, r"mu and sigma have swapped roles"),
    ("reparameterize", reparameterize_no_eps, r"You left out eps"),
    ("reparameterize", reparameterize_minus, r"The sign of the noise"),
    ("reparameterize", reparameterize_own_eps, r"Use the eps you are given; do not draw new noise"),
    ("reparameterize", reparameterize_half_outside, r"the 0\.5 misplaced"),
    ("reparameterize", reparameterize_in_place, IN_PLACE.format("mu")),
    ("reparameterize", reparameterize_float32, r"dtype float32"),
    ("reparameterize", reparameterize_list, r"is a Python list, not a NumPy array"),

    ("vae_kl", vae_kl_positive, r"Your KL is negative, but a KL divergence is never negative"),
    ("vae_kl", vae_kl_sum_samples, r"You summed over the samples too"),
    ("vae_kl", vae_kl_mean_all, r"You took the mean over everything"),
    ("vae_kl", vae_kl_swapped_axes, r"the other way round"),
    ("vae_kl", vae_kl_no_one, r"'the encoder outputs the prior itself(.|\n)*You left out the 1"),
    ("vae_kl", vae_kl_no_half, r"You left out the 0\.5"),
    ("vae_kl", vae_kl_std, r"You used the standard deviation exp\(0\.5 \* logvar\)"),
    ("vae_kl", vae_kl_logvar_is_sigma, r"NumPy warned(.|\n)*You treated logvar as sigma"),
    ("vae_kl", vae_kl_per_sample,
     r"'the encoder outputs the prior(.|\n)*should be a single number, but the result is an array "
     r"of shape \(2,\)(.|\n)*Sum over the latent dimensions"),
    ("vae_kl", vae_kl_no_return, r"is None\. Did you forget the `return` statement"),
]
