"""The lesson 06c references (autoencoders and GANs) agree with PyTorch (float64), stay finite
where the textbook formulas do not, and leave their inputs alone; the ring of Gaussians and the
figures of the lesson work.

PyTorch is an independent implementation here: ``torch.distributions`` (the Bernoulli and Normal
KL divergences, affine transforms of a standard normal) and ``BCEWithLogitsLoss``. Values must
agree to 1e-10 (relative); warnings are errors, so a reference that overflows or takes log(0)
fails.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from torch.distributions import Bernoulli, Normal, kl_divergence
from torch.distributions.transforms import AffineTransform

from dlcourse.data.mixtures import make_ring, mode_coverage, ring_centers
from dlcourse.plots.generative import latent_grid
from dlcourse.reference import (add_noise, discriminator_loss, generator_loss, reparameterize,
                                sparsity_penalty, vae_kl)

pytestmark = pytest.mark.filterwarnings("error")

TOL = dict(rel=1e-10, abs=1e-12)
SEEDS = [0, 1, 2]


def _t(a) -> torch.Tensor:
    return torch.tensor(np.asarray(a), dtype=torch.float64)


def _data(seed: int, *shape: int, scale: float = 1.0, loc: float = 0.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(loc, scale, size=shape)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --------------------------------------------------------------------------------------------
# add_noise
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape, noise_std", [((5, 3), 0.1), ((20, 64), 0.3), ((1, 7), 1.5)])
def test_add_noise_is_the_generators_normal_draws_clipped(seed, shape, noise_std):
    X = np.random.default_rng(seed + 100).random(shape)
    X[X < 0.3] = 0.0
    noise = torch.tensor(np.random.default_rng(seed).standard_normal(shape)) * noise_std
    expected = torch.clamp(_t(X) + noise, 0.0, 1.0).numpy()
    got = add_noise(X, noise_std, seed=seed)
    assert got.dtype == np.float64 and got.shape == shape
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)
    assert got.min() >= 0.0 and got.max() <= 1.0
    np.testing.assert_array_equal(add_noise(X, noise_std, seed=seed), got)   # reproducible
    assert not np.array_equal(add_noise(X, noise_std, seed=seed + 1), got)


def test_add_noise_has_the_asked_standard_deviation_where_nothing_is_clipped():
    X = np.full((400, 250), 0.5)
    noise = add_noise(X, 0.05) - X                      # 10 standard deviations from 0 and 1
    assert abs(noise.mean()) < 1e-3 and noise.std() == pytest.approx(0.05, rel=1e-2)
    np.testing.assert_array_equal(add_noise(X, 0.0), X)


# --------------------------------------------------------------------------------------------
# sparsity_penalty
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, k, rho", [(4, 3, 0.05), (20, 7, 0.1), (1, 5, 0.05), (50, 64, 0.3)])
def test_sparsity_penalty_is_the_bernoulli_kl_of_torch(seed, n, k, rho):
    activations = _sigmoid(_data(seed, n, k, scale=1.5, loc=-2.0))
    rho_hat = _t(activations.mean(axis=0))
    expected = kl_divergence(Bernoulli(probs=torch.full_like(rho_hat, rho)),
                             Bernoulli(probs=rho_hat)).sum().item()
    got = sparsity_penalty(activations, rho)
    assert isinstance(got, float) and got > 0
    assert got == pytest.approx(expected, **TOL)


def test_sparsity_penalty_is_zero_on_target_and_averages_before_the_kl():
    assert sparsity_penalty(np.array([[0.02, 0.09], [0.08, 0.01]])) == pytest.approx(0.0, abs=1e-15)
    A = np.array([[0.10, 0.02, 0.60], [0.05, 0.04, 0.20], [0.15, 0.06, 0.40], [0.10, 0.08, 0.80]])
    assert sparsity_penalty(A) == pytest.approx(0.5113384383928374, rel=1e-12)
    # the penalty looks at each unit's average only: fully on in 1 image of 20 and (almost) off
    # in the others averages 0.05, on target, and costs (almost) nothing
    on_off = np.full((20, 1), 1e-12)
    on_off[0] = 1.0 - 1e-12
    assert sparsity_penalty(on_off) == pytest.approx(0.0, abs=1e-9)


# --------------------------------------------------------------------------------------------
# reparameterize and vae_kl
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, k", [(4, 3), (16, 2), (1, 8)])
def test_reparameterize_is_the_affine_map_of_a_standard_normal(seed, n, k):
    mu, logvar, eps = _data(seed, n, k, scale=1.5), _data(seed + 1, n, k, loc=-1.0), _data(seed + 2, n, k)
    std = torch.exp(0.5 * _t(logvar))
    expected = AffineTransform(loc=_t(mu), scale=std)(_t(eps)).numpy()
    np.testing.assert_allclose(reparameterize(mu, logvar, eps), expected, rtol=1e-12, atol=1e-12)


def test_reparameterize_draws_from_the_encoders_normal_and_lets_gradients_through():
    eps = np.random.default_rng(0).standard_normal((200_000, 2))
    z = reparameterize(np.array([[1.0, -2.0]]), np.array([[0.0, np.log(4.0)]]), eps)
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0], atol=0.02)
    np.testing.assert_allclose(z.std(axis=0), [1.0, 2.0], rtol=0.01)
    # through autograd: dz/dmu = 1 and dz/dlogvar = 0.5 * sigma * eps
    mu, logvar = _t([[0.3, -1.0]]).requires_grad_(), _t([[0.5, -2.0]]).requires_grad_()
    e = _t([[1.5, -0.7]])
    (mu + torch.exp(0.5 * logvar) * e).sum().backward()
    np.testing.assert_allclose(mu.grad.numpy(), [[1.0, 1.0]])
    np.testing.assert_allclose(logvar.grad.numpy(), 0.5 * np.exp(0.5 * np.array([[0.5, -2.0]]))
                               * np.array([[1.5, -0.7]]), rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, k, logvar_scale", [(4, 3, 1.0), (16, 2, 0.5), (1, 5, 2.5), (3, 10, 1.0)])
def test_vae_kl_is_the_closed_form_and_torchs_normal_kl(seed, n, k, logvar_scale):
    mu, logvar = _data(seed, n, k, scale=1.2, loc=0.3), _data(seed + 1, n, k, scale=logvar_scale)
    sigma = np.exp(0.5 * logvar)
    closed_form = np.mean(np.sum(0.5 * (mu ** 2 + sigma ** 2 - 1.0 - np.log(sigma ** 2)), axis=1))
    torch_kl = kl_divergence(Normal(_t(mu), _t(sigma)), Normal(0.0, 1.0)).sum(dim=-1).mean().item()
    got = vae_kl(mu, logvar)
    assert isinstance(got, float) and got >= 0
    assert got == pytest.approx(closed_form, **TOL)
    assert got == pytest.approx(torch_kl, **TOL)


def test_vae_kl_is_a_monte_carlo_expectation_and_zero_for_the_prior():
    mu, logvar = np.array([[0.8, -0.4]]), np.array([[-1.0, 0.6]])
    torch.manual_seed(0)
    q = Normal(_t(mu), torch.exp(0.5 * _t(logvar)))
    z = q.sample((400_000,))
    estimate = (q.log_prob(z) - Normal(0.0, 1.0).log_prob(z)).sum(-1).mean().item()
    assert vae_kl(mu, logvar) == pytest.approx(estimate, rel=1e-2)
    assert vae_kl(np.zeros((3, 4)), np.zeros((3, 4))) == 0.0
    assert vae_kl(np.array([[1.0, -2.0]]), np.zeros((1, 2))) == pytest.approx(2.5, rel=1e-15)


# --------------------------------------------------------------------------------------------
# discriminator_loss and generator_loss
# --------------------------------------------------------------------------------------------

def _bce_with_logits(d, label: float) -> float:
    d = _t(d)
    return torch.nn.BCEWithLogitsLoss()(d, torch.full_like(d, label)).item()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n, m, scale", [(4, 3, 2.0), (32, 16, 1.0), (1, 1, 3.0), (10, 25, 8.0)])
def test_the_gan_losses_are_torch_bce_with_logits(seed, n, m, scale):
    d_real, d_fake = _data(seed, n, 1, scale=scale, loc=1.0), _data(seed + 1, m, 1, scale=scale)
    got = discriminator_loss(d_real, d_fake)
    assert isinstance(got, float)
    assert got == pytest.approx(_bce_with_logits(d_real, 1.0) + _bce_with_logits(d_fake, 0.0), **TOL)
    assert generator_loss(d_fake) == pytest.approx(_bce_with_logits(d_fake, 1.0), **TOL)
    # 1-D logits give the same numbers
    assert discriminator_loss(d_real.ravel(), d_fake.ravel()) == got


def test_the_discriminator_loss_is_two_means_not_one_over_both_batches():
    d_real, d_fake = _data(0, 4, 1, loc=1.0), _data(1, 3, 1)
    softplus = lambda x: np.logaddexp(0.0, x)  # noqa: E731
    concatenated = np.mean(np.concatenate([softplus(-d_real), softplus(d_fake)]))
    assert abs(discriminator_loss(d_real, d_fake) - concatenated) > 0.1


@pytest.mark.parametrize("big", [40.0, 800.0, 1e4])
def test_the_gan_losses_are_finite_where_log_of_sigmoid_is_not(big):
    d_real = np.array([[big], [-big], [3.0]])
    d_fake = np.array([[-big], [big]])
    with np.errstate(all="ignore"):
        naive = -np.mean(np.log(_sigmoid(d_real))) - np.mean(np.log(1.0 - _sigmoid(d_fake)))
    assert not np.isfinite(naive)
    got = discriminator_loss(d_real, d_fake)
    expected = (big + np.logaddexp(0.0, -3.0)) / 3 + big / 2
    assert got == pytest.approx(expected, rel=1e-12)
    assert got == pytest.approx(_bce_with_logits(d_real, 1.0) + _bce_with_logits(d_fake, 0.0), **TOL)
    assert generator_loss(d_real) == pytest.approx((big + np.logaddexp(0.0, -3.0)) / 3, rel=1e-12)


def test_the_non_saturating_generator_loss_pushes_where_the_minimax_one_does_not():
    d = _t([[-10.0], [-5.0]]).requires_grad_()
    torch.nn.BCEWithLogitsLoss()(d, torch.ones_like(d)).backward()       # generator_loss
    non_saturating = d.grad.numpy().ravel() * 2
    d.grad = None
    torch.log(1.0 - torch.sigmoid(d)).mean().backward()                  # the minimax loss
    minimax = d.grad.numpy().ravel() * 2
    assert np.all(non_saturating < -0.99) and np.all(np.abs(minimax) < 0.01)


def test_the_references_leave_their_inputs_alone():
    X = np.random.default_rng(0).random((3, 4))
    A = _sigmoid(_data(1, 5, 3))
    mu, logvar, eps = _data(2, 2, 3), _data(3, 2, 3), _data(4, 2, 3)
    d_real, d_fake = np.array([[800.0], [1.0]]), np.array([[-800.0]])
    calls = [(add_noise, (X, 0.3, 1)), (sparsity_penalty, (A, 0.1)),
             (reparameterize, (mu, logvar, eps)), (vae_kl, (mu, logvar)),
             (discriminator_loss, (d_real, d_fake)), (generator_loss, (d_fake,))]
    for fn, args in calls:
        before = copy.deepcopy(args)
        fn(*args)
        for a, b in zip(args, before):
            np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------------------------
# The ring of Gaussians
# --------------------------------------------------------------------------------------------

def test_the_ring_is_seeded_round_and_covered_by_its_own_samples():
    X, modes = make_ring(4000, seed=3, return_modes=True)
    assert X.shape == (4000, 2) and X.dtype == np.float64 and modes.dtype == np.int64
    np.testing.assert_array_equal(make_ring(4000, seed=3), X)
    assert not np.array_equal(make_ring(4000, seed=4), X)
    centers = ring_centers()
    np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 2.0)
    np.testing.assert_allclose(centers[0], [2.0, 0.0])
    np.testing.assert_allclose((X - centers[modes]).std(), 0.05, rtol=0.05)
    near, per_mode = mode_coverage(X)
    assert near > 0.999 and per_mode.sum() == round(near * 4000)
    np.testing.assert_array_equal(per_mode, np.bincount(modes, minlength=8))


def test_mode_coverage_sees_a_collapsed_generator():
    collapsed = np.tile(ring_centers()[:2], (50, 1))          # two modes only
    near, per_mode = mode_coverage(collapsed)
    assert near == 1.0 and list(per_mode) == [50, 50, 0, 0, 0, 0, 0, 0]
    near, per_mode = mode_coverage(np.zeros((10, 2)))           # all at the origin
    assert near == 0.0 and per_mode.sum() == 0
    with pytest.raises(ValueError):
        make_ring(10, std=-1.0)


# --------------------------------------------------------------------------------------------
# The figures of the lesson
# --------------------------------------------------------------------------------------------

def test_the_latent_grid_runs_from_top_left_row_by_row():
    Z, z1, z2 = latent_grid(n=3, limit=1.0)
    assert Z.shape == (9, 2)
    np.testing.assert_allclose(Z[0], [-1.0, 1.0])      # top left: smallest z1, largest z2
    np.testing.assert_allclose(Z[2], [1.0, 1.0])       # end of the first row
    np.testing.assert_allclose(Z[-1], [1.0, -1.0])     # bottom right
    np.testing.assert_allclose(z1, [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(z2, [1.0, 0.0, -1.0])


def test_the_figures_run_headless():
    import matplotlib

    matplotlib.use("Agg")
    from dlcourse.plots.generative import (plot_gan_losses, plot_gan_snapshots,
                                           plot_generator_losses, plot_hidden_activations,
                                           plot_latent_grid, plot_latent_space, show_image_rows)

    rng = np.random.default_rng(0)
    images = rng.random((10, 64))
    fig = show_image_rows({"original": images, "noisy": add_noise(images, 0.3)}, errors=True,
                          title="t")
    assert len(fig.axes) == 20
    acts = {"a": _sigmoid(rng.normal(size=(30, 16))), "b": _sigmoid(rng.normal(-3, 1, (30, 16)))}
    assert len(plot_hidden_activations(acts, rho=0.05).axes) == 2
    assert plot_latent_space(rng.normal(size=(50, 2)), rng.integers(0, 10, 50)).axes
    Z, z1, z2 = latent_grid(n=5)
    assert plot_latent_grid(rng.random((len(Z), 64)), z1, z2).axes
    ring = make_ring(200)
    assert len(plot_gan_snapshots(ring, [(0, ring * 0.1), (10, ring)],
                                  centers=ring_centers()).axes) == 2
    assert plot_gan_losses(rng.random(100) + 1.0, rng.random(100)).axes
    assert plot_gan_losses([1.3, 1.2], [0.7, 0.8]).axes          # shorter than the smoothing
    assert len(plot_generator_losses().axes) == 2
