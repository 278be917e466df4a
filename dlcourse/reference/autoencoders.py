"""Lesson 06c references: the pieces that make an autoencoder denoising, sparse or variational."""
from __future__ import annotations

import numpy as np


def add_noise(X, noise_std, seed=0):
    """Corrupt images for a denoising autoencoder: Gaussian noise, then clip to [0, 1].

    X: (n, d) pixels in [0, 1]; noise_std: the noise's standard deviation; the noise is
    ``np.random.default_rng(seed).normal(0.0, noise_std, size=X.shape)``.
    Returns a new (n, d) float64 array in [0, 1]; X is unchanged.
    """
    X = np.asarray(X, dtype=np.float64)
    noise = np.random.default_rng(seed).normal(0.0, noise_std, size=X.shape)
    return np.clip(X + noise, 0.0, 1.0)


def sparsity_penalty(activations, rho=0.05):
    """The sparse autoencoder's penalty: ``sum_j KL(rho || rho_hat_j)``.

    activations: (n, k) hidden activations in (0, 1) (sigmoid); ``rho_hat = activations.mean(axis=0)``,
    the average activation of each hidden unit over the batch, shape (k,);
    ``KL(rho || r) = rho * log(rho / r) + (1 - rho) * log((1 - rho) / (1 - r))``.
    Returns one number (0 when every unit's average is exactly rho).
    """
    rho_hat = np.mean(np.asarray(activations, dtype=np.float64), axis=0)
    rho = float(rho)
    kl = rho * np.log(rho / rho_hat) + (1.0 - rho) * np.log((1.0 - rho) / (1.0 - rho_hat))
    return float(np.sum(kl))


def reparameterize(mu, logvar, eps):
    """The reparameterization trick: ``z = mu + exp(0.5 * logvar) * eps``.

    mu, logvar, eps: (n, k) (logvar is log sigma^2, so the standard deviation is
    exp(0.5 * logvar)); eps ~ N(0, 1) is given, so the result is a plain function of mu and logvar.
    Returns z: (n, k).
    """
    mu, logvar, eps = (np.asarray(a, dtype=np.float64) for a in (mu, logvar, eps))
    return mu + np.exp(0.5 * logvar) * eps


def vae_kl(mu, logvar):
    """KL(N(mu, sigma^2) || N(0, 1)) of a VAE's encoder, summed over the latent dimensions and
    averaged over the samples: ``mean_i(-0.5 * sum_j(1 + logvar - mu^2 - exp(logvar)))``.

    mu, logvar: (n, k). Returns one number, >= 0.
    """
    mu, logvar = np.asarray(mu, dtype=np.float64), np.asarray(logvar, dtype=np.float64)
    per_sample = -0.5 * np.sum(1.0 + logvar - mu ** 2 - np.exp(logvar), axis=-1)
    return float(np.mean(per_sample))
