"""Lesson 06c corpus: add_noise, sparsity_penalty, reparameterize, vae_kl. PLACEHOLDER."""
from __future__ import annotations

import numpy as np

RIGHT: dict = {}
WRONG: list = []
