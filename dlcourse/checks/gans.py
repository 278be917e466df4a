"""Lesson 06c exercises: discriminator_loss, generator_loss.

Both losses take the discriminator's LOGITS (any real numbers; ``sigmoid(d)`` is its probability
that a sample is real) and return one number:

- ``discriminator_loss(d_real, d_fake)``
  ``= mean(-log sigmoid(d_real)) + mean(-log(1 - sigmoid(d_fake)))``, two means added (the real
  and the generated batch may differ in size), as PyTorch's
  ``BCEWithLogitsLoss()(d_real, ones) + BCEWithLogitsLoss()(d_fake, zeros)``;
- ``generator_loss(d_fake) = mean(-log sigmoid(d_fake))``, the non-saturating loss.

They must stay finite for any logit: ``-log sigmoid(d) = np.logaddexp(0, -d)`` and
``-log(1 - sigmoid(d)) = np.logaddexp(0, d)``. The cases with logits of +-800 are there for
this: ``np.log(sigmoid(-800))`` is ``log(0) = -inf`` (and ``np.exp(800)`` overflows on the way).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..reference import gans as ref
from .core import Case, Exercise, Mistake, one_number, redraw
from .core import seeded_data as _data


def _f(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


def _softplus(z):
    return np.logaddexp(0.0, z)


def _naive_sigmoid(d):
    return 1.0 / (1.0 + np.exp(-_f(d)))


def _logits(seed: int, n: int, m: int, *, scale: float = 2.0, column: bool = True):
    """(d_real, d_fake) of n and m samples: real ones mostly positive, fake ones mostly negative."""
    shape_r, shape_f = ((n, 1), (m, 1)) if column else ((n,), (m,))
    return (_data(seed, *shape_r, scale=scale) + 1.0, _data(seed + 1, *shape_f, scale=scale) - 0.5)


def _fake_logits(seed: int, m: int, *, scale: float = 2.0, column: bool = True):
    return (_data(seed, *((m, 1) if column else (m,)), scale=scale) - 0.5,)


def _extreme(seed: int, n: int, *, big: float = 1000.0):
    """n logits (n, 1): about half of them +-big, the rest ordinary; the first is +big and the
    last -big."""
    rng = np.random.default_rng(seed)
    ordinary = rng.normal(0.0, 2.0, (n, 1))
    signs = rng.choice([-1.0, 1.0], size=(n, 1))
    d = np.where(rng.random((n, 1)) < 0.5, big * signs, ordinary)
    d[0, 0], d[-1, 0] = big, -big
    return d


STABLE = ("Work with the logits: -log(sigmoid(d)) = np.logaddexp(0, -d) and "
          "-log(1 - sigmoid(d)) = np.logaddexp(0, d). np.logaddexp(0, x) = log(1 + e^x) never "
          "computes e^x of a large number, so it is finite for every logit.")
UNSTABLE_LOG = ("np.log(sigmoid(d)) is unstable: for d = -800, sigmoid(d) underflows to exactly 0 "
                "(and np.exp(800) overflows on the way), and log(0) = -inf; for d = +800 (and "
                "already for d = +40), 1 - sigmoid(d) is exactly 0 in float64. "
                "np.log1p(np.exp(-d)) is the same formula and overflows the same way. The true "
                "losses are finite (about 800). " + STABLE)
CLIPPED_LOG = ("Clipping the probabilities before the log keeps the loss finite but caps it at "
               "-log(eps) (27.6 for eps = 1e-12): a logit of -800 on a real sample should cost "
               "800, not 27.6. " + STABLE)
NAIVE_SOFTPLUS = ("np.log1p(np.exp(x)) is the right formula but overflows for large x "
                  "(np.exp(800) is inf): use np.logaddexp(0, x), which computes the same number "
                  "stably. " + STABLE)


# --------------------------------------------------------------------------------------------
# discriminator_loss(d_real, d_fake)
# --------------------------------------------------------------------------------------------

def _disc_variant(*, real=lambda d: _softplus(-d), fake=lambda d: _softplus(d),
                  combine: str = "sum", reduce=np.mean):
    """discriminator_loss with one known mistake switched on (for the mistakes below)."""
    def variant(d_real, d_fake):
        r, f = real(_f(d_real)), fake(_f(d_fake))
        if combine == "concat":
            return float(np.mean(np.concatenate([np.ravel(r), np.ravel(f)])))
        total = reduce(r) + reduce(f)
        return float(0.5 * total if combine == "half" else total)
    return variant


def _clipped_log(p, eps=1e-12):
    return np.log(np.clip(p, eps, 1.0 - eps))


def _disc_clipped(eps: float, *, clip_each_log: bool = False):
    """The naive losses made finite by clipping: the probability p = sigmoid(d) clipped to
    [eps, 1 - eps] (then log(p) and log(1 - p)), or each log's argument clipped."""
    def variant(d_real, d_fake):
        p_real, p_fake = _naive_sigmoid(d_real), _naive_sigmoid(d_fake)
        if clip_each_log:
            return float(-np.mean(_clipped_log(p_real, eps))
                         - np.mean(_clipped_log(1.0 - p_fake, eps)))
        p_real, p_fake = np.clip(p_real, eps, 1.0 - eps), np.clip(p_fake, eps, 1.0 - eps)
        return float(-np.mean(np.log(p_real)) - np.mean(np.log(1.0 - p_fake)))
    return variant


DISC_FORMULA = ("The discriminator's loss is mean(-log sigmoid(d_real)) + mean(-log(1 - "
                "sigmoid(d_fake))): real samples have label 1, generated ones label 0.")

DISCRIMINATOR_LOSS = Exercise(
    name="discriminator_loss",
    params=("d_real", "d_fake"),
    reference=ref.discriminator_loss,
    compare=one_number("the loss", "Each of the two terms is a mean over its samples (np.mean), "
                        "and the loss is their sum: one number."),
    cases=[
        Case("2 real samples with logits [[1], [2]] and 3 fake ones with [[-1], [0], [3]]: "
             "0.2201 + 1.3517 = 1.5718",
             (np.array([[1.0], [2.0]]), np.array([[-1.0], [0.0], [3.0]])),
             hint="The real term is (log(1 + e^-1) + log(1 + e^-2)) / 2 = 0.2201; the fake term "
                  "is (log(1 + e^-1) + log(1 + e^0) + log(1 + e^3)) / 3 = 1.3517. " + DISC_FORMULA),
        Case("4 real and 3 fake samples: the two means are taken separately", _logits(51, 4, 3),
             hint=DISC_FORMULA + " " + STABLE),
        Case("logits +-40: in float64 sigmoid(40) is exactly 1.0, so log(1 - sigmoid(40)) is "
             "log(0); the loss is about 33.44, finite",
             (np.array([[40.0], [-40.0], [1.0]]), np.array([[-40.0], [40.0]])),
             hint="The real term is (0 + 40 + 0.3133) / 3 = 13.44 and the fake term (0 + 40) / 2 "
                  "= 20. " + STABLE),
        Case("large logits +-800: confident and right costs 0, confident and wrong about 800, "
             "and the loss is about 666.68, finite",
             (np.array([[800.0], [-800.0], [3.0]]), np.array([[-800.0], [800.0]])),
             hint="The real term is (0 + 800 + 0.0486) / 3 = 266.68 and the fake term "
                  "(0 + 800) / 2 = 400. " + STABLE),
        Case("32 real and 16 fake samples", redraw(_logits, 32, 16), hidden=True,
             hint=DISC_FORMULA),
        Case("1-D arrays of 10 real and 6 fake logits", redraw(_logits, 10, 6, column=False),
             hidden=True, hint=DISC_FORMULA),
        Case("one real and one fake sample", redraw(_logits, 1, 1), hidden=True, hint=DISC_FORMULA),
        Case("logits 0 everywhere: each term is log 2 and the loss 2 log 2 = 1.386",
             (np.zeros((3, 1)), np.zeros((5, 1))), hidden=True, hint=DISC_FORMULA),
        Case("logits of +-1000 among ordinary ones",
             redraw(lambda s: (_extreme(s, 9), _extreme(s + 1, 5))),
             hidden=True, hint=STABLE),
    ],
    mistakes=[
        # log1p(exp) first: on the +-800 case it is inf like the naive log, but it passed the
        # +-40 case, where the naive log already fails
        Mistake(NAIVE_SOFTPLUS, _disc_variant(real=lambda d: np.log1p(np.exp(-d)),
                                              fake=lambda d: np.log1p(np.exp(d)))),
        Mistake(UNSTABLE_LOG, _disc_variant(real=lambda d: -np.log(_naive_sigmoid(d)),
                                            fake=lambda d: -np.log(1.0 - _naive_sigmoid(d)))),
        Mistake(CLIPPED_LOG, _disc_clipped(1e-12)),
        Mistake(CLIPPED_LOG, _disc_clipped(1e-7)),
        Mistake(CLIPPED_LOG, _disc_clipped(1e-12, clip_each_log=True)),
        Mistake("The labels are swapped: REAL samples have label 1 (their loss is -log sigmoid(d) "
                "= np.logaddexp(0, -d)) and FAKE ones label 0 (-log(1 - sigmoid(d)) = "
                "np.logaddexp(0, d)).",
                _disc_variant(real=_softplus, fake=lambda d: _softplus(-d))),
        Mistake("You took one mean over all the samples together (real and fake concatenated). "
                "With 4 real and 3 fake samples that weighs them 4 : 3; the loss is the SUM of two "
                "means, one per batch, as PyTorch's BCEWithLogitsLoss()(d_real, ones) + "
                "BCEWithLogitsLoss()(d_fake, zeros).", _disc_variant(combine="concat")),
        Mistake("Your loss is half of the expected one: the two means are added, with no 1/2 "
                "(as BCEWithLogitsLoss()(d_real, ones) + BCEWithLogitsLoss()(d_fake, zeros)).",
                _disc_variant(combine="half")),
        Mistake("You summed over the samples instead of taking the mean of each term.",
                _disc_variant(reduce=np.sum)),
        Mistake("Your loss is negative, but a cross-entropy is never negative: there is a minus "
                "sign in front of each log, -log sigmoid(d_real) and -log(1 - sigmoid(d_fake)).",
                _disc_variant(real=lambda d: -_softplus(-d), fake=lambda d: -_softplus(d))),
        Mistake("d_real and d_fake are LOGITS (any real numbers, negative ones too), not "
                "probabilities: np.log(d) makes no sense for them. The probability is sigmoid(d), "
                "and the loss is computed stably from the logits. " + STABLE,
                _disc_variant(real=lambda d: -np.log(d), fake=lambda d: -np.log(1.0 - d))),
        Mistake("You left out the fake samples' term: the discriminator must also say 0 for "
                "generated samples, + mean(-log(1 - sigmoid(d_fake))). " + DISC_FORMULA,
                _disc_variant(fake=lambda d: 0.0 * d)),
    ],
)


# --------------------------------------------------------------------------------------------
# generator_loss(d_fake)
# --------------------------------------------------------------------------------------------

NON_SATURATING = ("The generator's loss is the NON-SATURATING one, mean(-log sigmoid(d_fake)) = "
                  "np.mean(np.logaddexp(0, -d_fake)): the generator wants its samples labelled "
                  "REAL (1).")
SATURATING = ("That is the minimax (saturating) loss, mean(log(1 - sigmoid(d_fake))). Early in "
              "training the discriminator easily rejects the fakes (d_fake very negative), where "
              "log(1 - sigmoid(d)) is flat: its gradient vanishes and the generator learns "
              "nothing. The non-saturating loss -log sigmoid(d_fake) has a large gradient "
              "exactly there. " + NON_SATURATING)

GENERATOR_LOSS = Exercise(
    name="generator_loss",
    params=("d_fake",),
    reference=ref.generator_loss,
    compare=one_number("the loss", "The loss is the mean over the samples: np.mean(...)."),
    cases=[
        Case("3 fake samples with logits [[2], [-1], [0.5]]: the loss is 0.6381",
             (np.array([[2.0], [-1.0], [0.5]]),),
             hint="(log(1 + e^-2) + log(1 + e^1) + log(1 + e^-0.5)) / 3 = (0.1269 + 1.3133 + "
                  "0.4741) / 3 = 0.6381. " + NON_SATURATING),
        Case("5 fake samples", _fake_logits(61, 5), hint=NON_SATURATING),
        Case("large logits +-800: a fake that the discriminator rejects with logit -800 costs the "
             "generator 800; the loss is about 266.9, finite",
             (np.array([[800.0], [-800.0], [0.0]]),),
             hint="(0 + 800 + log 2) / 3 = 266.90. " + STABLE),
        Case("64 fake samples", redraw(_fake_logits, 64), hidden=True, hint=NON_SATURATING),
        Case("a 1-D array of 12 logits", redraw(_fake_logits, 12, column=False), hidden=True,
             hint=NON_SATURATING),
        Case("a single fake sample", redraw(_fake_logits, 1), hidden=True, hint=NON_SATURATING),
        Case("logits 0: the discriminator cannot tell, the loss is log 2 = 0.693",
             (np.zeros((4, 1)),), hidden=True, hint=NON_SATURATING),
        Case("logits of +-1000 among ordinary ones", redraw(lambda s: (_extreme(s, 11),)),
             hidden=True, hint=STABLE),
    ],
    mistakes=[
        Mistake(SATURATING, lambda d_fake: float(np.mean(-_softplus(_f(d_fake))))),
        Mistake(SATURATING, lambda d_fake: float(np.mean(np.log(1.0 - _naive_sigmoid(d_fake))))),
        Mistake("Your loss is negative, but a cross-entropy is never negative: "
                + NON_SATURATING, lambda d_fake: float(np.mean(-_softplus(-_f(d_fake))))),
        Mistake(UNSTABLE_LOG, lambda d_fake: float(np.mean(-np.log(_naive_sigmoid(d_fake))))),
        Mistake(CLIPPED_LOG, lambda d_fake: float(np.mean(-_clipped_log(_naive_sigmoid(d_fake))))),
        Mistake(NAIVE_SOFTPLUS, lambda d_fake: float(np.mean(np.log1p(np.exp(-_f(d_fake)))))),
        Mistake("You summed over the samples; the loss is the MEAN: " + NON_SATURATING,
                lambda d_fake: float(np.sum(_softplus(-_f(d_fake))))),
        Mistake("That is the discriminator's loss on the fakes, -log(1 - sigmoid(d_fake)) (label "
                "0). The generator wants the opposite, its samples labelled REAL: "
                + NON_SATURATING, lambda d_fake: float(np.mean(_softplus(_f(d_fake))))),
        Mistake("d_fake holds LOGITS (any real numbers), not probabilities: np.log(d_fake) makes "
                "no sense for them. " + NON_SATURATING + " " + STABLE,
                lambda d_fake: float(np.mean(-np.log(_f(d_fake))))),
    ],
)

EXERCISES = [DISCRIMINATOR_LOSS, GENERATOR_LOSS]
