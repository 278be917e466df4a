"""Lesson 06c references: the two losses of a GAN, from the discriminator's logits.

The discriminator outputs a logit ``d`` (any real number); its probability that the sample is
real is ``sigmoid(d)``. Both losses are binary cross-entropies written with
``-log(sigmoid(d)) = softplus(-d) = logaddexp(0, -d)`` and ``-log(1 - sigmoid(d)) = softplus(d)``,
which stay finite for any logit (``np.log(sigmoid(d))`` is -inf from d = -750 on).
"""
from __future__ import annotations

import numpy as np


def _softplus(z):
    return np.logaddexp(0.0, z)


def discriminator_loss(d_real, d_fake):
    """``mean(-log sigmoid(d_real)) + mean(-log(1 - sigmoid(d_fake)))``.

    d_real: (n, 1) logits on real samples (label 1); d_fake: (m, 1) logits on generated samples
    (label 0); n and m may differ. Equal to PyTorch's
    ``BCEWithLogitsLoss()(d_real, ones) + BCEWithLogitsLoss()(d_fake, zeros)``. Returns one number.
    """
    d_real = np.asarray(d_real, dtype=np.float64)
    d_fake = np.asarray(d_fake, dtype=np.float64)
    return float(np.mean(_softplus(-d_real)) + np.mean(_softplus(d_fake)))


def generator_loss(d_fake):
    """The non-saturating generator loss ``mean(-log sigmoid(d_fake))``: the generator wants its
    samples labelled real. d_fake: (m, 1) logits. Returns one number."""
    return float(np.mean(_softplus(-np.asarray(d_fake, dtype=np.float64))))
