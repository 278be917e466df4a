"""Lesson 06c exercises: add_noise, sparsity_penalty, reparameterize, vae_kl. PLACEHOLDER: to be written (reference, cases, mistakes)."""
from __future__ import annotations

from .core import Exercise

ADD_NOISE = Exercise(name='add_noise', params=('X', 'noise_std', 'seed'), reference=None, cases=[])
SPARSITY_PENALTY = Exercise(name='sparsity_penalty', params=('activations', 'rho'), reference=None, cases=[])
REPARAMETERIZE = Exercise(name='reparameterize', params=('mu', 'logvar', 'eps'), reference=None, cases=[])
VAE_KL = Exercise(name='vae_kl', params=('mu', 'logvar'), reference=None, cases=[])

EXERCISES = [ADD_NOISE, SPARSITY_PENALTY, REPARAMETERIZE, VAE_KL]
