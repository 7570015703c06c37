"""Losses against torch: functional and module forms, every reduction, values and gradients of every float input,
legacy size_average/reduce, warnings, errors, numerical stability, double backward, and CTC."""
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.nn  # noqa: F401 - binds ember.nn
from oracle import check, check_error

rng = np.random.default_rng(0)
REDUCTIONS = ["none", "mean", "sum"]


def randn(*shape, dtype=np.float32):
    return np.asarray(rng.standard_normal(shape), dtype)


def probs(*shape):
    """Values strictly inside (0, 1), away from the ends where log is steep."""
    return np.asarray(rng.uniform(0.05, 0.95, shape), np.float32)


def positive(*shape):
    return np.asarray(rng.uniform(0.5, 2, shape), np.float32)


def signs(*shape):
    return np.asarray(rng.choice([-1.0, 1.0], shape), np.float32)


def classes(n, *shape):
    return rng.integers(0, n, shape)


def const(lib, array):
    """A tensor that takes no gradient (weights, and targets torch doesn't differentiate)."""
    return lib.tensor(array)


WEIGHT5 = np.array([0.5, 2.0, 1.0, 3.0, 0.25], np.float32)
WEIGHT34 = positive(3, 4)


def F(lib):
    return lib.nn.functional


# (id, fn(lib, reduction, *inputs), inputs): every float input's gradient is compared with torch's
CASES = [
    ("cross_entropy", lambda L, r, x, t: F(L).cross_entropy(x, t, reduction=r), (randn(6, 5), classes(5, 6))),
    ("cross_entropy_weight_ignore", lambda L, r, x, t: F(L).cross_entropy(
        x, t, weight=const(L, WEIGHT5), ignore_index=2, reduction=r), (randn(8, 5), classes(5, 8))),
    ("cross_entropy_label_smoothing", lambda L, r, x, t: F(L).cross_entropy(
        x, t, weight=const(L, WEIGHT5), ignore_index=1, label_smoothing=0.3, reduction=r),
     (randn(8, 5), classes(5, 8))),
    ("cross_entropy_spatial", lambda L, r, x, t: F(L).cross_entropy(x, t, reduction=r),
     (randn(2, 5, 3, 4), classes(5, 2, 3, 4))),
    ("cross_entropy_unbatched", lambda L, r, x, t: F(L).cross_entropy(x, t, label_smoothing=0.1, reduction=r),
     (randn(5), np.array(3))),
    ("cross_entropy_probabilities", lambda L, r, x, t: F(L).cross_entropy(x, t, reduction=r),
     (randn(6, 5), probs(6, 5))),
    ("cross_entropy_probabilities_weight_smoothing", lambda L, r, x, t: F(L).cross_entropy(
        x, t, weight=const(L, WEIGHT5), label_smoothing=0.2, reduction=r), (randn(2, 5, 3), probs(2, 5, 3))),
    ("cross_entropy_probabilities_unbatched", lambda L, r, x, t: F(L).cross_entropy(x, t, reduction=r),
     (randn(5), probs(5))),
    ("cross_entropy_spatial_smoothing_ignore", lambda L, r, x, t: F(L).cross_entropy(
        x, t, ignore_index=3, label_smoothing=0.25, reduction=r), (randn(3, 5, 4), classes(5, 3, 4))),
    ("cross_entropy_byte_target", lambda L, r, x, t: F(L).cross_entropy(x, t, reduction=r),
     (randn(6, 5), classes(5, 6).astype(np.uint8))),
    ("nll_loss", lambda L, r, x, t: F(L).nll_loss(x, t, reduction=r), (randn(6, 5), classes(5, 6))),
    ("nll_loss_unbatched", lambda L, r, x, t: F(L).nll_loss(x, t, weight=const(L, WEIGHT5), reduction=r),
     (randn(5), np.array(4))),
    ("nll_loss_weight_ignore", lambda L, r, x, t: F(L).nll_loss(
        x, t, weight=const(L, WEIGHT5), ignore_index=0, reduction=r), (randn(2, 5, 4), classes(5, 2, 4))),
    ("binary_cross_entropy", lambda L, r, x, t: F(L).binary_cross_entropy(x, t, reduction=r),
     (probs(4, 3), probs(4, 3))),
    ("binary_cross_entropy_weight", lambda L, r, x, t: F(L).binary_cross_entropy(
        x, t, weight=const(L, WEIGHT5[:3]), reduction=r), (probs(4, 3), probs(4, 3))),
    ("bce_with_logits", lambda L, r, x, t: F(L).binary_cross_entropy_with_logits(x, t, reduction=r),
     (randn(4, 5), probs(4, 5))),
    ("bce_with_logits_weight_pos_weight", lambda L, r, x, t: F(L).binary_cross_entropy_with_logits(
        x, t, weight=const(L, WEIGHT5), pos_weight=const(L, WEIGHT5[::-1].copy()), reduction=r),
     (randn(4, 5) * 3, probs(4, 5))),
    ("l1_loss", lambda L, r, x, t: F(L).l1_loss(x, t, reduction=r), (randn(3, 4), randn(3, 4))),
    ("l1_loss_weight", lambda L, r, x, t: F(L).l1_loss(x, t, reduction=r, weight=const(L, WEIGHT34)),
     (randn(3, 4), randn(3, 4))),
    ("mse_loss", lambda L, r, x, t: F(L).mse_loss(x, t, reduction=r), (randn(3, 4), randn(3, 4))),
    ("mse_loss_weight", lambda L, r, x, t: F(L).mse_loss(x, t, reduction=r, weight=const(L, WEIGHT34)),
     (randn(3, 4), randn(3, 4))),
    ("smooth_l1_loss", lambda L, r, x, t: F(L).smooth_l1_loss(x, t, reduction=r), (randn(3, 4), randn(3, 4))),
    ("smooth_l1_loss_beta", lambda L, r, x, t: F(L).smooth_l1_loss(x, t, reduction=r, beta=0.4),
     (randn(3, 4), randn(3, 4))),
    ("smooth_l1_loss_beta0", lambda L, r, x, t: F(L).smooth_l1_loss(x, t, reduction=r, beta=0.0),
     (randn(3, 4), randn(3, 4))),
    ("huber_loss", lambda L, r, x, t: F(L).huber_loss(x, t, reduction=r), (randn(3, 4), randn(3, 4))),
    ("huber_loss_delta_weight", lambda L, r, x, t: F(L).huber_loss(
        x, t, reduction=r, delta=0.3, weight=const(L, WEIGHT34)), (randn(3, 4), randn(3, 4))),
    ("poisson_nll_loss", lambda L, r, x, t: F(L).poisson_nll_loss(x, t, reduction=r), (randn(3, 4), positive(3, 4))),
    ("poisson_nll_loss_full", lambda L, r, x, t: F(L).poisson_nll_loss(x, t * 2, full=True, reduction=r),
     (randn(3, 4), positive(3, 4))),
    ("poisson_nll_loss_not_log", lambda L, r, x, t: F(L).poisson_nll_loss(
        x, t, log_input=False, eps=1e-3, reduction=r), (positive(3, 4), positive(3, 4))),
    ("gaussian_nll_loss", lambda L, r, x, t, v: F(L).gaussian_nll_loss(x, t, v, reduction=r),
     (randn(4, 3), randn(4, 3), positive(4, 3))),
    ("gaussian_nll_loss_full_homoscedastic", lambda L, r, x, t, v: F(L).gaussian_nll_loss(
        x, t, v, full=True, eps=0.6, reduction=r), (randn(4, 3), randn(4, 3), positive(4))),
    ("gaussian_nll_loss_float_var", lambda L, r, x, t: F(L).gaussian_nll_loss(x, t, 0.7, reduction=r),
     (randn(4, 3), randn(4, 3))),
    ("kl_div", lambda L, r, x, t: F(L).kl_div(x, t, reduction=r), (randn(3, 4), probs(3, 4))),
    ("kl_div_log_target", lambda L, r, x, t: F(L).kl_div(x, t, reduction=r, log_target=True),
     (randn(3, 4), randn(3, 4))),
    ("margin_ranking_loss", lambda L, r, a, b, t: F(L).margin_ranking_loss(a, b, t, margin=0.3, reduction=r),
     (randn(6), randn(6), signs(6))),
    ("soft_margin_loss", lambda L, r, x, t: F(L).soft_margin_loss(x, t.detach(), reduction=r),
     (randn(3, 4), signs(3, 4))),
    ("hinge_embedding_loss", lambda L, r, x, t: F(L).hinge_embedding_loss(x, t, margin=0.5, reduction=r),
     (randn(3, 4), signs(3, 4))),
    ("cosine_embedding_loss", lambda L, r, a, b, t: F(L).cosine_embedding_loss(a, b, t, margin=0.2, reduction=r),
     (randn(5, 4), randn(5, 4), np.array([1, -1, 1, -1, -1]))),
    ("cosine_embedding_loss_unbatched", lambda L, r, a, b, t: F(L).cosine_embedding_loss(a, b, t, reduction=r),
     (randn(4), randn(4), np.array(-1))),
    ("multilabel_soft_margin_loss", lambda L, r, x, t: F(L).multilabel_soft_margin_loss(
        x, t, weight=const(L, WEIGHT5), reduction=r), (randn(3, 5), probs(3, 5))),
    ("multi_margin_loss", lambda L, r, x, t: F(L).multi_margin_loss(x, t, reduction=r), (randn(6, 5), classes(5, 6))),
    ("multi_margin_loss_p2_weight", lambda L, r, x, t: F(L).multi_margin_loss(
        x, t, p=2, margin=0.6, weight=const(L, WEIGHT5), reduction=r), (randn(6, 5), classes(5, 6))),
    ("multi_margin_loss_unbatched", lambda L, r, x, t: F(L).multi_margin_loss(x, t, reduction=r),
     (randn(5), np.array(2))),
    ("multilabel_margin_loss", lambda L, r, x, t: F(L).multilabel_margin_loss(x, t, reduction=r),
     (randn(4, 5), np.array([[3, 0, -1, 1, 1], [1, 2, 3, 4, 0], [0, 0, -1, 2, 2], [-1, 0, 0, 0, 0]]))),
    ("multilabel_margin_loss_unbatched", lambda L, r, x, t: F(L).multilabel_margin_loss(x, t, reduction=r),
     (randn(5), np.array([4, 1, -1, 0, 0]))),
    ("triplet_margin_loss", lambda L, r, a, p, n: F(L).triplet_margin_loss(a, p, n, reduction=r),
     (randn(5, 4), randn(5, 4), randn(5, 4))),
    ("triplet_margin_loss_p1_swap", lambda L, r, a, p, n: F(L).triplet_margin_loss(
        a, p, n, margin=2.0, p=1, eps=1e-3, swap=True, reduction=r), (randn(5, 4), randn(5, 4), randn(5, 4))),
    ("triplet_margin_with_distance_loss", lambda L, r, a, p, n: F(L).triplet_margin_with_distance_loss(
        a, p, n, reduction=r), (randn(5, 4), randn(5, 4), randn(5, 4))),
    ("triplet_margin_with_custom_distance_swap", lambda L, r, a, p, n: F(L).triplet_margin_with_distance_loss(
        a, p, n, distance_function=lambda u, v: ((u - v) ** 2).sum(-1), margin=3.0, swap=True, reduction=r),
     (randn(5, 4), randn(5, 4), randn(5, 4))),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,fn,inputs", CASES, ids=[c[0] for c in CASES])
def test_functional_matches_torch(name, fn, inputs, reduction):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kl_div's 'mean' warning is tested on its own
        check(lambda lib, *tensors: fn(lib, reduction, *tensors), *inputs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_float64_stays_float64(reduction):
    x, t = randn(4, 5, dtype=np.float64), classes(5, 4)
    e, _ = check(lambda lib, a, b: F(lib).cross_entropy(a, b, reduction=reduction), x, t)
    assert e.dtype == ember.float64
    e, _ = check(lambda lib, a, b: F(lib).mse_loss(a, b, reduction=reduction), x, randn(4, 5, dtype=np.float64))
    assert e.dtype == ember.float64


def test_kl_div_batchmean_divides_by_batch_only():
    check(lambda lib, x, t: F(lib).kl_div(x, t, reduction="batchmean"), randn(3, 4), probs(3, 4))
    check(lambda lib, x, t: F(lib).kl_div(x, t, reduction="batchmean", log_target=True), randn(3, 4), randn(3, 4))


def test_kl_div_mean_warns_like_torch():
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        F(ember).kl_div(ember.tensor(randn(3, 4)), ember.tensor(probs(3, 4)))


# ---- legacy size_average / reduce ----
LEGACY = [(None, False), (False, None), (False, True), (True, False), (True, None), (None, True)]


@pytest.mark.parametrize("size_average,reduce", LEGACY)
@pytest.mark.parametrize("loss", ["mse_loss", "l1_loss", "nll_loss", "kl_div", "soft_margin_loss",
                                  "binary_cross_entropy_with_logits", "multilabel_soft_margin_loss"])
def test_legacy_size_average_and_reduce(loss, size_average, reduce):
    target = classes(5, 4) if loss == "nll_loss" else signs(4, 5) if loss == "soft_margin_loss" else probs(4, 5)

    def run(lib, x, t):
        with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
            return getattr(F(lib), loss)(x, t.detach(), size_average=size_average, reduce=reduce)
    check(run, randn(4, 5), target)


@pytest.mark.parametrize("size_average,reduce", LEGACY)
def test_legacy_arguments_set_module_reduction(size_average, reduce):
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        expected = torch.nn.MSELoss(size_average, reduce).reduction
    with pytest.warns(UserWarning, match=f"please use reduction='{expected}' instead"):
        assert ember.nn.MSELoss(size_average, reduce).reduction == expected
    with pytest.warns(UserWarning, match=f"please use reduction='{expected}' instead"):
        assert ember.nn.CrossEntropyLoss(None, size_average, -100, reduce).reduction == expected


# ---- warnings and errors ----
@pytest.mark.parametrize("loss", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_size_mismatch_warns_and_broadcasts(loss):
    def run(lib, x, t):
        with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[4, 1\]\)\) that is different to "
                                             r"the input size \(torch.Size\(\[4, 3\]\)\)"):
            return getattr(F(lib), loss)(x, t)
    check(run, randn(4, 3), randn(4, 1))


def test_same_size_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F(ember).mse_loss(ember.tensor(randn(4, 3)), ember.tensor(randn(4, 3)))


def test_mse_with_integer_target_promotes():
    check(lambda lib, x, t: F(lib).mse_loss(x, t), randn(5), np.arange(5))


BAD_INPUTS = [
    ("cross_entropy", lambda L, x, t: F(L).cross_entropy(x, t), randn(4, 5), np.array([0, 1, 2, 7]), "7"),
    ("cross_entropy", lambda L, x, t: F(L).cross_entropy(x, t), randn(4, 5), np.array([0, 1, 2, -3]), "-3"),
    ("nll_loss", lambda L, x, t: F(L).nll_loss(x, t), randn(4, 5), np.array([0, 1, 5, 1]), "5"),
    ("cross_entropy", lambda L, x, t: F(L).cross_entropy(x, t), randn(4, 5), np.array([0, 1, 2]), "batch_size (3)"),
    ("nll_loss", lambda L, x, t: F(L).nll_loss(x, t), randn(4, 5), np.zeros((4, 2), np.int64), "0D or 1D target"),
    ("cross_entropy", lambda L, x, t: F(L).cross_entropy(x, t), randn(4, 5, 3), np.zeros((4, 2), np.int64),
     "[4, 2]"),
    ("cross_entropy", lambda L, x, t: F(L).cross_entropy(x, t), randn(4, 5), np.zeros(4, np.int32), "Int"),
    ("nll_loss", lambda L, x, t: F(L).nll_loss(x, t), randn(4, 5), np.zeros(4, np.float32), "Float"),
    ("nll_loss", lambda L, x, t: F(L).nll_loss(x, t), np.array(1.0, np.float32), np.array(0), "dimensions"),
    ("cross_entropy", lambda L, x, t: F(L).cross_entropy(x, t, weight=L.ones(3)), randn(4, 5), classes(5, 4),
     "shape: [3]"),
    ("cross_entropy", lambda L, x, t: F(L).cross_entropy(x, t, label_smoothing=1.5), randn(4, 5), classes(5, 4),
     "1.5"),
    ("reduction", lambda L, x, t: F(L).cross_entropy(x, t, reduction="avg"), randn(4, 5), classes(5, 4), "avg"),
    ("binary_cross_entropy", lambda L, x, t: F(L).binary_cross_entropy(x, t), np.array([1.5, 0.5], np.float32),
     probs(2), "between 0 and 1"),
    ("binary_cross_entropy", lambda L, x, t: F(L).binary_cross_entropy(x, t), probs(3), probs(4), "[4]"),
    ("binary_cross_entropy_with_logits", lambda L, x, t: F(L).binary_cross_entropy_with_logits(x, t), randn(3),
     probs(4), "[4]"),
    ("multi_margin_loss", lambda L, x, t: F(L).multi_margin_loss(x, t), randn(4, 5), np.array([0, 1, 2, 9]),
     "out of range"),
    ("multi_margin_loss", lambda L, x, t: F(L).multi_margin_loss(x, t, p=3), randn(4, 5), classes(5, 4), "p=3"),
    ("multilabel_margin_loss", lambda L, x, t: F(L).multilabel_margin_loss(x, t), randn(2, 5),
     np.array([[0, 9, -1, 0, 0]] * 2), "out of range"),
    ("multilabel_margin_loss", lambda L, x, t: F(L).multilabel_margin_loss(x, t), randn(2, 5),
     np.array([[0, 1, -1, 0]] * 2), "[2, 4]"),
    ("margin_ranking_loss", lambda L, x, t: F(L).margin_ranking_loss(x, x, t), randn(4, 5), signs(4), "[4]"),
    ("cosine_embedding_loss", lambda L, x, t: F(L).cosine_embedding_loss(x, x, t), randn(4, 5), np.ones((4, 1)),
     "multi-target"),
    ("triplet_margin_loss", lambda L, x, t: F(L).triplet_margin_loss(x, x, t), randn(4, 5), randn(4), "1D"),
    ("margin", lambda L, x, t: F(L).triplet_margin_loss(x, x, t, margin=0), randn(4, 5), randn(4, 5), "got 0"),
    ("gaussian_nll_loss", lambda L, x, t: F(L).gaussian_nll_loss(x, x, t), randn(4, 5), positive(3), "[3]"),
    ("gaussian_nll_loss", lambda L, x, t: F(L).gaussian_nll_loss(x, x, t), randn(4, 5), -positive(4, 5),
     "negative"),
    ("smooth_l1_loss", lambda L, x, t: F(L).smooth_l1_loss(x, t, beta=-1.0), randn(3), randn(3), "-1.0"),
    ("reduction", lambda L, x, t: F(L).kl_div(x, t, reduction="avg"), randn(3), randn(3), "batchmean"),
]


@pytest.mark.parametrize("name,fn,x,t,detail", BAD_INPUTS, ids=[f"{c[0]}-{i}" for i, c in enumerate(BAD_INPUTS)])
def test_bad_inputs_raise_torch_exception_naming_the_problem(name, fn, x, t, detail):
    message = check_error(fn, x, t)
    assert name in message and detail in message, message


# ---- numerical stability ----
def test_bce_with_logits_is_stable_for_large_logits():
    x = np.array([-120.0, -100.0, -30.0, 0.0, 30.0, 100.0, 120.0], np.float32)
    t = np.array([1.0, 0.0, 1.0, 0.5, 0.0, 1.0, 0.0], np.float32)
    e, _ = check(lambda lib, a, b: F(lib).binary_cross_entropy_with_logits(a, b, reduction="none"), x, t)
    assert np.isfinite(e.detach().numpy()).all()
    check(lambda lib, a, b: F(lib).binary_cross_entropy_with_logits(
        a, b, pos_weight=const(lib, np.full(7, 2.5, np.float32))), x, t)


def test_binary_cross_entropy_clamps_log_at_minus_100():
    x = np.array([0.0, 1.0, 0.0, 1.0, 1e-30], np.float32)
    t = np.array([1.0, 0.0, 0.0, 1.0, 1.0], np.float32)
    e, _ = check(lambda lib, a, b: F(lib).binary_cross_entropy(a, b, reduction="none"), x, t)
    assert e.detach().numpy()[:2].tolist() == [100.0, 100.0]


def test_cross_entropy_is_stable_for_large_logits():
    x = randn(4, 6) * 1000
    e, _ = check(lambda lib, a, b: F(lib).cross_entropy(a, b, reduction="none"), x, classes(6, 4))
    assert np.isfinite(e.detach().numpy()).all()


def test_nll_loss_of_log_zero_probabilities_is_finite_where_unpicked():
    x = np.log(np.array([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0]], np.float32))
    e, _ = check(lambda lib, a, b: F(lib).nll_loss(a, b, reduction="sum"), x, np.array([1, 0]))
    assert np.isfinite(e.item())


def test_nll_loss_mean_of_only_ignored_targets_is_nan():
    e, _ = check(lambda lib, a, b: F(lib).nll_loss(a, b), randn(2, 3), np.array([-100, -100]), grad=False)
    assert np.isnan(e.item())


# ---- graph: node names and double backward ----
@pytest.mark.parametrize("fn,target", [
    (lambda L, x, t: F(L).cross_entropy(x, t), classes(5, 4)),
    (lambda L, x, t: F(L).cross_entropy(x, t, label_smoothing=0.1), classes(5, 4)),
    (lambda L, x, t: F(L).nll_loss(x, t, reduction="none"), classes(5, 4)),
    (lambda L, x, t: F(L).mse_loss(x, t), randn(4, 5)),
    (lambda L, x, t: F(L).l1_loss(x, t), randn(4, 5)),
    (lambda L, x, t: F(L).binary_cross_entropy_with_logits(x, t), probs(4, 5)),
    (lambda L, x, t: F(L).smooth_l1_loss(x, t, reduction="none"), randn(4, 5)),
    (lambda L, x, t: F(L).huber_loss(x, t, reduction="sum"), randn(4, 5)),
    (lambda L, x, t: F(L).soft_margin_loss(x, t), signs(4, 5)),
])
def test_grad_fn_name_matches_torch(fn, target):
    """A printed loss shows its grad_fn, so the result node's name is torch's."""
    x = randn(4, 5)
    expected = fn(torch, torch.from_numpy(x).requires_grad_(), torch.from_numpy(target)).grad_fn.name()
    assert fn(ember, ember.from_numpy(x).requires_grad_(), ember.from_numpy(target)).grad_fn.name() == expected


@pytest.mark.parametrize("fn", [
    lambda L, x, t: F(L).cross_entropy(x, t, weight=const(L, WEIGHT5), label_smoothing=0.2),
    lambda L, x, t: F(L).nll_loss(x.log_softmax(1), t, reduction="sum"),
    lambda L, x, t: F(L).mse_loss(x, x.detach() * 0.5),
    lambda L, x, t: F(L).binary_cross_entropy_with_logits(x, x.detach().sigmoid(), pos_weight=const(L, WEIGHT5)),
    lambda L, x, t: F(L).binary_cross_entropy(x.sigmoid(), x.detach().cos() ** 2, reduction="sum"),
    lambda L, x, t: F(L).huber_loss(x, x.detach() * 0.5, delta=0.5),
    lambda L, x, t: F(L).soft_margin_loss(x, const(L, np.sign(np.arange(20.0, dtype=np.float32).reshape(4, 5) - 9.5))),
])
def test_double_backward_matches_torch(fn):
    def grad_of_grad_norm(lib, x, t):
        (g,) = lib.autograd.grad(fn(lib, x, t), x, create_graph=True)
        return (g * g).sum()
    check(grad_of_grad_norm, randn(4, 5), classes(5, 4))


# ---- modules ----
MODULES = [
    ("CrossEntropyLoss", lambda L, r: L.nn.CrossEntropyLoss(weight=const(L, WEIGHT5), label_smoothing=0.1,
                                                            reduction=r), (randn(6, 5), classes(5, 6))),
    ("NLLLoss", lambda L, r: L.nn.NLLLoss(ignore_index=1, reduction=r), (randn(6, 5), classes(5, 6))),
    ("BCELoss", lambda L, r: L.nn.BCELoss(reduction=r), (probs(4, 5), probs(4, 5))),
    ("BCEWithLogitsLoss", lambda L, r: L.nn.BCEWithLogitsLoss(pos_weight=const(L, WEIGHT5), reduction=r),
     (randn(4, 5), probs(4, 5))),
    ("L1Loss", lambda L, r: L.nn.L1Loss(reduction=r), (randn(4, 5), randn(4, 5))),
    ("MSELoss", lambda L, r: L.nn.MSELoss(reduction=r), (randn(4, 5), randn(4, 5))),
    ("SmoothL1Loss", lambda L, r: L.nn.SmoothL1Loss(beta=0.5, reduction=r), (randn(4, 5), randn(4, 5))),
    ("HuberLoss", lambda L, r: L.nn.HuberLoss(delta=0.5, reduction=r), (randn(4, 5), randn(4, 5))),
    ("PoissonNLLLoss", lambda L, r: L.nn.PoissonNLLLoss(full=True, reduction=r), (randn(4, 5), positive(4, 5) * 3)),
    ("GaussianNLLLoss", lambda L, r: L.nn.GaussianNLLLoss(full=True, reduction=r),
     (randn(4, 5), randn(4, 5), positive(4, 5))),
    ("KLDivLoss", lambda L, r: L.nn.KLDivLoss(log_target=True, reduction=r), (randn(4, 5), randn(4, 5))),
    ("MarginRankingLoss", lambda L, r: L.nn.MarginRankingLoss(margin=0.5, reduction=r),
     (randn(6), randn(6), signs(6))),
    ("MultiLabelMarginLoss", lambda L, r: L.nn.MultiLabelMarginLoss(reduction=r),
     (randn(2, 4), np.array([[3, 1, -1, 0]] * 2))),
    ("HingeEmbeddingLoss", lambda L, r: L.nn.HingeEmbeddingLoss(reduction=r), (randn(4, 5), signs(4, 5))),
    ("CosineEmbeddingLoss", lambda L, r: L.nn.CosineEmbeddingLoss(margin=0.1, reduction=r),
     (randn(3, 4), randn(3, 4), np.array([1, -1, 1]))),
    ("MultiLabelSoftMarginLoss", lambda L, r: L.nn.MultiLabelSoftMarginLoss(weight=const(L, WEIGHT5), reduction=r),
     (randn(4, 5), probs(4, 5))),
    ("MultiMarginLoss", lambda L, r: L.nn.MultiMarginLoss(p=2, weight=const(L, WEIGHT5), reduction=r),
     (randn(6, 5), classes(5, 6))),
    ("TripletMarginLoss", lambda L, r: L.nn.TripletMarginLoss(swap=True, reduction=r),
     (randn(5, 4), randn(5, 4), randn(5, 4))),
    ("TripletMarginWithDistanceLoss", lambda L, r: L.nn.TripletMarginWithDistanceLoss(
        distance_function=lambda u, v: (u - v).abs().sum(-1), margin=2.0, reduction=r),
     (randn(5, 4), randn(5, 4), randn(5, 4))),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,make,inputs", MODULES, ids=[m[0] for m in MODULES])
def test_module_matches_torch(name, make, inputs, reduction):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # KLDivLoss's 'mean' warning
        check(lambda lib, *tensors: make(lib, reduction)(*tensors), *inputs)


def test_kl_div_module_batchmean_matches_torch():
    check(lambda lib, x, t: lib.nn.KLDivLoss(reduction="batchmean")(x, t), randn(4, 5), probs(4, 5))


def test_soft_margin_module_matches_torch():
    x, t = randn(4, 5), signs(4, 5)
    check(lambda lib, a: lib.nn.SoftMarginLoss(reduction="sum")(a, const(lib, t)), x)


def test_nll_loss_2d_is_deprecated_like_torch():
    with pytest.warns(FutureWarning, match="`NLLLoss2d` has been deprecated"):
        loss = ember.nn.NLLLoss2d(ignore_index=0)
    assert repr(loss) == "NLLLoss2d()" and loss.ignore_index == 0


@pytest.mark.parametrize("name", [n for n in ember.nn.modules.loss.__all__ if n != "NLLLoss2d"])
def test_module_repr_and_defaults_match_torch(name):
    kwargs = {"CTCLoss": {}, "TripletMarginWithDistanceLoss": {"distance_function": None}}.get(name, {})
    ours, theirs = getattr(ember.nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    if name != "TripletMarginWithDistanceLoss":  # torch holds its default distance as a PairwiseDistance module
        assert repr(ours) == repr(theirs)
    for attr in ("reduction", "margin", "p", "eps", "swap", "beta", "delta", "ignore_index", "label_smoothing",
                 "log_input", "full", "log_target", "blank", "zero_infinity"):
        assert getattr(ours, attr, None) == getattr(theirs, attr, None), attr


@pytest.mark.parametrize("name,kwargs", [("CrossEntropyLoss", {"weight"}), ("NLLLoss", {"weight"}),
                                         ("BCELoss", {"weight"}), ("MultiMarginLoss", {"weight"}),
                                         ("MultiLabelSoftMarginLoss", {"weight"}),
                                         ("BCEWithLogitsLoss", {"weight", "pos_weight"})])
def test_weights_are_buffers_like_torch(name, kwargs):
    ours = getattr(ember.nn, name)(**{k: ember.ones(5) for k in kwargs})
    theirs = getattr(torch.nn, name)(**{k: torch.ones(5) for k in kwargs})
    assert list(ours.state_dict()) == list(theirs.state_dict()) == sorted(kwargs, key=["weight", "pos_weight"].index)
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert not list(ours.parameters())


def test_module_constructor_errors_match_torch():
    for make in (lambda L: L.nn.MultiMarginLoss(p=3), lambda L: L.nn.TripletMarginLoss(margin=-1.0),
                 lambda L: L.nn.TripletMarginWithDistanceLoss(margin=0.0), lambda L: L.nn.HuberLoss(delta="1"),
                 lambda L: L.nn.MultiMarginLoss(weight=L.ones(2, 2))):
        message = check_error(lambda lib: make(lib))
        assert "Loss" in message or "delta" in message, message


# ---- CTC ----
def log_softmax(x):
    return (x - np.log(np.exp(x).sum(-1, keepdims=True))).astype(np.float32)


def ctc_batch(steps=15, batch=5, num_classes=7, longest=6, blank=0):
    """Random log-probabilities with varied input and target lengths, a repeated label and an empty target."""
    log_probs = log_softmax(randn(steps, batch, num_classes))
    input_lengths = np.array([steps, steps - 3, 9, steps, 11][:batch])
    target_lengths = np.array([longest, 3, 0, 4, longest - 1][:batch])
    labels = np.array([c for c in range(num_classes) if c != blank])
    targets = rng.choice(labels, (batch, longest))
    targets[0, 1:3] = targets[0, 0]
    return log_probs, targets, input_lengths, target_lengths


def concatenated(targets, target_lengths):
    return np.concatenate([row[:n] for row, n in zip(targets, target_lengths)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("layout", ["padded", "concatenated"])
@pytest.mark.parametrize("blank", [0, 3])
def test_ctc_loss_matches_torch(reduction, layout, blank):
    log_probs, targets, input_lengths, target_lengths = ctc_batch(blank=blank)
    if layout == "concatenated":
        targets = concatenated(targets, target_lengths)
    check(lambda lib, lp, t, il, tl: F(lib).ctc_loss(lp, t, il, tl, blank=blank, reduction=reduction),
          log_probs, targets, input_lengths, target_lengths)


@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_loss_impossible_alignment(zero_infinity):
    log_probs, targets, input_lengths, target_lengths = ctc_batch()
    input_lengths[0] = 4  # too short for six labels with two repeats
    e, _ = check(lambda lib, lp, t, il, tl: F(lib).ctc_loss(lp, t, il, tl, reduction="none",
                                                              zero_infinity=zero_infinity),
                 log_probs, targets, input_lengths, target_lengths, grad=zero_infinity)
    assert e[0].item() == (0.0 if zero_infinity else float("inf"))


def test_ctc_loss_lengths_as_sequences_and_unbatched():
    log_probs, targets, input_lengths, target_lengths = ctc_batch()
    check(lambda lib, lp, t: F(lib).ctc_loss(lp, t, input_lengths.tolist(), target_lengths.tolist()),
          log_probs, targets)
    check(lambda lib, lp, t, il, tl: F(lib).ctc_loss(lp, t, il, tl, reduction="sum"),
          log_probs[:12, 0], targets[0, :4], np.array(12), np.array(4))


def test_ctc_module_matches_torch():
    log_probs, targets, input_lengths, target_lengths = ctc_batch()
    check(lambda lib, lp, t, il, tl: lib.nn.CTCLoss(blank=0, zero_infinity=True)(lp, t, il, tl),
          log_probs, targets, input_lengths, target_lengths)


def test_ctc_loss_gradient_through_log_softmax_matches_torch():
    _, targets, input_lengths, target_lengths = ctc_batch()
    check(lambda lib, x, t, il, tl: F(lib).ctc_loss(x.log_softmax(2), t, il, tl),
          randn(15, 5, 7), targets, input_lengths, target_lengths)


def test_ctc_loss_rejects_input_lengths_past_the_input():
    log_probs, targets, input_lengths, target_lengths = ctc_batch()
    input_lengths[1] = 16
    message = check_error(lambda lib, lp, t, il, tl: F(lib).ctc_loss(lp, t, il, tl),
                          log_probs, targets, input_lengths, target_lengths)
    assert "ctc_loss" in message and "16" in message


def test_ctc_loss_all_targets_empty():
    log_probs, _, input_lengths, _ = ctc_batch()
    empty = np.zeros(5, np.int64)
    check(lambda lib, lp, t, il, tl: F(lib).ctc_loss(lp, t, il, tl, reduction="sum"),
          log_probs, np.zeros(0, np.int64), input_lengths, empty)


def test_ctc_loss_keeps_float64():
    log_probs, targets, input_lengths, target_lengths = ctc_batch()
    e, _ = check(lambda lib, lp, t, il, tl: F(lib).ctc_loss(lp, t, il, tl, reduction="none"),
                 log_probs.astype(np.float64), targets, input_lengths, target_lengths)
    assert e.dtype == ember.float64
