"""Lesson 06c corpus: discriminator_loss, generator_loss.

See ``corpus/__init__`` for the tables. Both losses take logits; the discriminator's is the sum
of two means (real samples labelled 1, fake ones 0), the generator's the non-saturating
``mean(-log sigmoid(d_fake))``; both must stay finite for logits of +-800.
"""
from __future__ import annotations

import math

import numpy as np

# --------------------------------------------------------------------------------------------
# Right: three stable ways to write -log sigmoid(d)
# --------------------------------------------------------------------------------------------

def _bce_with_logits(d, label):
    """PyTorch's and TensorFlow's formula: max(d, 0) - d * label + log(1 + exp(-|d|))."""
    d = np.asarray(d, dtype=float)
    return np.maximum(d, 0) - d * label + np.log1p(np.exp(-np.abs(d)))


def _minus_log_sigmoid_where(d):
    """-log sigmoid(d), piecewise: for d >= 0 it is log1p(exp(-d)), else -d + log1p(exp(d))."""
    d = np.asarray(d, dtype=float)
    small = np.log1p(np.exp(-np.abs(d)))
    return np.where(d >= 0, small, -d + small)


def _softplus_math(x):
    x = float(x)
    return x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x))


def discriminator_loss_bce_formula(d_real, d_fake):
    return _bce_with_logits(d_real, 1.0).mean() + _bce_with_logits(d_fake, 0.0).mean()


def discriminator_loss_where(d_real, d_fake):
    # -log(1 - sigmoid(d)) = -log sigmoid(-d)
    return (np.mean(_minus_log_sigmoid_where(d_real))
            + np.mean(_minus_log_sigmoid_where(-np.asarray(d_fake))))


def discriminator_loss_math_loop(d_real, d_fake):
    real = [_softplus_math(-v) for v in np.ravel(d_real)]
    fake = [_softplus_math(v) for v in np.ravel(d_fake)]
    return sum(real) / len(real) + sum(fake) / len(fake)


def generator_loss_bce_formula(d_fake):
    return float(np.mean(_bce_with_logits(d_fake, 1.0)))


def generator_loss_where(d_fake):
    return np.mean(_minus_log_sigmoid_where(d_fake))


def generator_loss_math_loop(d_fake):
    values = [_softplus_math(-v) for v in np.ravel(d_fake)]
    return sum(values) / len(values)


# --------------------------------------------------------------------------------------------
# Wrong: discriminator_loss
# --------------------------------------------------------------------------------------------

def sigmoid(d):
    return 1 / (1 + np.exp(-d))


def discriminator_loss_naive(d_real, d_fake):
    return -np.mean(np.log(sigmoid(d_real))) - np.mean(np.log(1 - sigmoid(d_fake)))


def discriminator_loss_clipped(d_real, d_fake):
    p_real = np.clip(sigmoid(d_real), 1e-12, 1 - 1e-12)
    p_fake = np.clip(sigmoid(d_fake), 1e-12, 1 - 1e-12)
    return -np.mean(np.log(p_real)) - np.mean(np.log(1 - p_fake))


def discriminator_loss_log1p_exp(d_real, d_fake):
    return np.mean(np.log1p(np.exp(-d_real))) + np.mean(np.log1p(np.exp(d_fake)))


def discriminator_loss_swapped(d_real, d_fake):
    return np.mean(np.logaddexp(0, d_real)) + np.mean(np.logaddexp(0, -d_fake))


def discriminator_loss_concatenated(d_real, d_fake):
    losses = np.concatenate([np.logaddexp(0, -d_real), np.logaddexp(0, d_fake)])
    return np.mean(losses)


def discriminator_loss_logits_as_probabilities(d_real, d_fake):
    return -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake))


def discriminator_loss_no_minus(d_real, d_fake):
    return -np.mean(np.logaddexp(0, -d_real)) - np.mean(np.logaddexp(0, d_fake))


def discriminator_loss_half(d_real, d_fake):
    return 0.5 * (np.mean(np.logaddexp(0, -d_real)) + np.mean(np.logaddexp(0, d_fake)))


def discriminator_loss_sum(d_real, d_fake):
    return np.sum(np.logaddexp(0, -d_real)) + np.sum(np.logaddexp(0, d_fake))


def discriminator_loss_real_only(d_real, d_fake):
    return np.mean(np.logaddexp(0, -d_real))


def discriminator_loss_per_sample(d_real, d_fake):
    return np.logaddexp(0, -d_real) + np.mean(np.logaddexp(0, d_fake))


def discriminator_loss_shifts_in_place(d_real, d_fake):
    d_real *= -1
    return np.mean(np.logaddexp(0, d_real)) + np.mean(np.logaddexp(0, d_fake))


def discriminator_loss_float32(d_real, d_fake):
    return np.float32(np.mean(np.logaddexp(0, -d_real)) + np.mean(np.logaddexp(0, d_fake)))


# --------------------------------------------------------------------------------------------
# Wrong: generator_loss
# --------------------------------------------------------------------------------------------

def generator_loss_saturating(d_fake):
    return np.mean(np.log(1 - sigmoid(d_fake)))


def generator_loss_saturating_stable(d_fake):
    return -np.mean(np.logaddexp(0, d_fake))


def generator_loss_negative(d_fake):
    return np.mean(np.log(sigmoid(d_fake)))


def generator_loss_naive(d_fake):
    return -np.mean(np.log(sigmoid(d_fake)))


def generator_loss_clipped(d_fake):
    return -np.mean(np.log(np.clip(sigmoid(d_fake), 1e-12, 1.0)))


def generator_loss_log1p_exp(d_fake):
    return np.mean(np.log1p(np.exp(-d_fake)))


def generator_loss_sum(d_fake):
    return np.sum(np.logaddexp(0, -d_fake))


def generator_loss_discriminator_term(d_fake):
    return np.mean(np.logaddexp(0, d_fake))


def generator_loss_logits_as_probabilities(d_fake):
    return -np.mean(np.log(d_fake))


def generator_loss_per_sample(d_fake):
    return np.logaddexp(0, -d_fake)


def generator_loss_negates_in_place(d_fake):
    np.negative(d_fake, out=d_fake)
    return np.mean(np.logaddexp(0, d_fake))


def generator_loss_no_return(d_fake):
    loss = np.mean(np.logaddexp(0, -d_fake))


RIGHT = {
    "discriminator_loss": [discriminator_loss_bce_formula, discriminator_loss_where,
                           discriminator_loss_math_loop],
    "generator_loss": [generator_loss_bce_formula, generator_loss_where, generator_loss_math_loop],
}

IN_PLACE = r"changed its input `{}` in place"
LARGE_D = r"'large logits \+-800(.|\n)*"
LARGE_G = r"'large logits \+-800(.|\n)*"

WRONG = [
    ("discriminator_loss", discriminator_loss_naive,
     r"'logits \+-40(.|\n)*NumPy warned(.|\n)*np\.log\(sigmoid\(d\)\) is unstable(.|\n)*np\.logaddexp\(0, -d\)"),
    ("discriminator_loss", discriminator_loss_clipped, r"'logits \+-40(.|\n)*caps it at -log\(eps\)"),
    ("discriminator_loss", discriminator_loss_log1p_exp,
     LARGE_D + r"overflow(.|\n)*np\.log1p\(np\.exp\(x\)\) is the right formula but overflows"),
    ("discriminator_loss", discriminator_loss_swapped, r"The labels are swapped"),
    ("discriminator_loss", discriminator_loss_concatenated, r"You took one mean over all the samples together"),
    ("discriminator_loss", discriminator_loss_logits_as_probabilities,
     r"are LOGITS \(any real numbers, negative ones too\), not probabilities"),
    ("discriminator_loss", discriminator_loss_no_minus, r"Your loss is negative"),
    ("discriminator_loss", discriminator_loss_half, r"Your loss is half of the expected one"),
    ("discriminator_loss", discriminator_loss_sum, r"You summed over the samples instead"),
    ("discriminator_loss", discriminator_loss_real_only, r"You left out the fake samples' term"),
    ("discriminator_loss", discriminator_loss_per_sample,
     r"should be a single number, but the result is an array of shape \(2, 1\)"),
    ("discriminator_loss", discriminator_loss_shifts_in_place, IN_PLACE.format("d_real")),
    ("discriminator_loss", discriminator_loss_float32, r"dtype float32"),

    ("generator_loss", generator_loss_saturating, r"That is the minimax \(saturating\) loss"),
    ("generator_loss", generator_loss_saturating_stable,
     r"That is the minimax \(saturating\) loss(.|\n)*gradient vanishes"),
    ("generator_loss", generator_loss_negative, r"Your loss is negative"),
    ("generator_loss", generator_loss_naive,
     LARGE_G + r"NumPy warned(.|\n)*np\.log\(sigmoid\(d\)\) is unstable"),
    ("generator_loss", generator_loss_clipped, LARGE_G + r"caps it at -log\(eps\)"),
    ("generator_loss", generator_loss_log1p_exp,
     LARGE_G + r"overflow(.|\n)*np\.log1p\(np\.exp\(-d\)\) is the same formula and overflows"),
    ("generator_loss", generator_loss_sum, r"You summed over the samples; the loss is the MEAN"),
    ("generator_loss", generator_loss_discriminator_term, r"That is the discriminator's loss on the fakes"),
    ("generator_loss", generator_loss_logits_as_probabilities, r"d_fake holds LOGITS"),
    ("generator_loss", generator_loss_per_sample,
     r"should be a single number, but the result is an array of shape \(3, 1\)"),
    ("generator_loss", generator_loss_negates_in_place, IN_PLACE.format("d_fake")),
    ("generator_loss", generator_loss_no_return, r"is None\. Did you forget the `return` statement"),
]
