"""nn.init against torch: gains and fans exactly; deterministic fills exactly; random fills (whose streams differ
from torch's) by bounds and distribution statistics on large tensors, against torch's formulas and samples."""
import math

import numpy as np
import pytest
import torch

import ember
import ember.nn  # noqa: F401 - ember.nn is not imported by ember itself (yet)
from oracle import assert_same, check_error

E_INIT, T_INIT = ember.nn.init, torch.nn.init
SHAPES = [(300, 500), (64, 32, 3, 3), (128, 16, 9), (16, 8, 3, 3, 3)]  # linear, conv2d, conv1d, conv3d weights


def both(make):
    """``make(lib)`` for ember and for torch."""
    return make(ember), make(torch)


def stats(t):
    a = t.detach().numpy().astype(np.float64)
    return a.mean(), a.std(), a.min(), a.max()


# ---- gains and fans: exactly torch's numbers ----
@pytest.mark.parametrize("nonlinearity", ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                                          "conv_transpose2d", "conv_transpose3d", "sigmoid", "tanh", "relu",
                                          "leaky_relu", "selu"])
def test_calculate_gain(nonlinearity):
    e, t = E_INIT.calculate_gain(nonlinearity), T_INIT.calculate_gain(nonlinearity)
    assert e == t and type(e) is type(t)


@pytest.mark.parametrize("param", [None, 0.2, 1, 0, 3.5])
def test_calculate_gain_leaky_relu_slope(param):
    assert E_INIT.calculate_gain("leaky_relu", param) == T_INIT.calculate_gain("leaky_relu", param)


@pytest.mark.parametrize("nonlinearity, param, words", [("leaky_relu", True, "negative_slope True"),
                                                        ("leaky_relu", "0.1", "not a valid number"),
                                                        ("softmax", None, "Unsupported nonlinearity softmax")])
def test_calculate_gain_errors(nonlinearity, param, words):
    assert words in check_error(lambda lib: lib.nn.init.calculate_gain(nonlinearity, param))


@pytest.mark.parametrize("shape", [(3, 5), (4, 3, 2), (6, 3, 5, 5), (2, 3, 2, 2, 2), (7, 0), (0, 4, 3)])
def test_fan_in_and_fan_out(shape):
    e, t = both(lambda lib: lib.nn.init._calculate_fan_in_and_fan_out(lib.empty(shape)))
    assert e == t


@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "FAN_OUT"])
def test_correct_fan(mode):
    e, t = both(lambda lib: lib.nn.init._calculate_correct_fan(lib.empty(6, 3, 5), mode))
    assert e == t


@pytest.mark.parametrize("shape", [(5,), ()])
@pytest.mark.parametrize("fn", ["xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"])
def test_fan_needs_two_dims(shape, fn):
    assert "fewer than 2 dimensions" in check_error(lambda lib: getattr(lib.nn.init, fn)(lib.empty(shape)))


def test_bad_fan_mode():
    assert "Mode fan_avg not supported" in check_error(
        lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(3, 4), mode="fan_avg"))


# ---- deterministic fills: exactly torch's tensors ----
@pytest.mark.parametrize("fill", [lambda init, w: init.constant_(w, 0.3), lambda init, w: init.ones_(w),
                                  lambda init, w: init.zeros_(w)])
@pytest.mark.parametrize("shape", [(3, 5), (2, 3, 4), (7,)])
def test_constant_fills(fill, shape):
    e, t = both(lambda lib: fill(lib.nn.init, lib.empty(shape)))
    assert_same(e, t)


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4)])
def test_eye(shape):
    e, t = both(lambda lib: lib.nn.init.eye_(lib.empty(shape)))
    assert_same(e, t)


@pytest.mark.parametrize("shape, groups", [((4, 2, 3), 1), ((3, 16, 5, 5), 1), ((6, 4, 3, 3), 3),
                                           ((8, 2, 3, 3, 3), 2), ((4, 8, 2, 4), 1), ((6, 2, 3, 3), 2)])
def test_dirac(shape, groups):
    e, t = both(lambda lib: lib.nn.init.dirac_(lib.randn(shape), groups))
    assert_same(e, t)


@pytest.mark.parametrize("call, words", [
    (lambda lib: lib.nn.init.eye_(lib.empty(2, 3, 4)), "Only tensors with 2 dimensions"),
    (lambda lib: lib.nn.init.dirac_(lib.empty(3, 4)), "Only tensors with 3, 4, or 5 dimensions"),
    (lambda lib: lib.nn.init.dirac_(lib.empty(5, 2, 3), 2), "dim 0 must be divisible by groups"),
    (lambda lib: lib.nn.init.orthogonal_(lib.empty(5)), "2 or more dimensions"),
    (lambda lib: lib.nn.init.sparse_(lib.empty(2, 3, 4), 0.5), "Only tensors with 2 dimensions")])
def test_shape_errors(call, words):
    assert words in check_error(call)


# ---- every init: in place, unrecorded, returns its tensor, keeps its dtype ----
INITS = {
    "uniform_": lambda init, w: init.uniform_(w, -0.5, 2.0),
    "normal_": lambda init, w: init.normal_(w, 1.0, 0.5),
    "trunc_normal_": lambda init, w: init.trunc_normal_(w),
    "constant_": lambda init, w: init.constant_(w, 2.0),
    "ones_": lambda init, w: init.ones_(w),
    "zeros_": lambda init, w: init.zeros_(w),
    "eye_": lambda init, w: init.eye_(w),
    "xavier_uniform_": lambda init, w: init.xavier_uniform_(w),
    "xavier_normal_": lambda init, w: init.xavier_normal_(w),
    "kaiming_uniform_": lambda init, w: init.kaiming_uniform_(w),
    "kaiming_normal_": lambda init, w: init.kaiming_normal_(w),
    "orthogonal_": lambda init, w: init.orthogonal_(w),
    "sparse_": lambda init, w: init.sparse_(w, 0.5),
}


@pytest.mark.parametrize("name", list(INITS))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_in_place_unrecorded_on_a_leaf(name, dtype):
    for lib in (ember, torch):
        w = lib.empty(6, 4, dtype=getattr(lib, dtype), requires_grad=True)
        before = w._version if lib is torch else None
        out = INITS[name](lib.nn.init, w)
        assert out is w and w.grad_fn is None and w.requires_grad and str(w.dtype).endswith(dtype)
        assert before is None or w._version > before
        assert np.isfinite(w.detach().numpy()).all()


def test_deprecated_names_warn_and_work():
    for lib in (ember, torch):
        with pytest.warns(FutureWarning, match=r"nn.init.constant` is now deprecated in favor of `nn.init.constant_"):
            w = lib.nn.init.constant(lib.empty(2, 2), 3.0)
        assert float(w.sum()) == 12.0
    assert all(hasattr(E_INIT, name) for name in T_INIT.__all__)


# ---- random fills: bounds and statistics, against torch's formulas and torch's own samples ----
def test_uniform_and_normal_statistics():
    mean, std, low, high = stats(E_INIT.uniform_(ember.empty(400, 500), -1.0, 3.0))
    assert -1.0 <= low and high < 3.0 and abs(mean - 1.0) < 0.015 and abs(std - 4 / math.sqrt(12)) < 0.01
    mean, std, _, _ = stats(E_INIT.normal_(ember.empty(400, 500), 2.0, 0.5))
    assert abs(mean - 2.0) < 0.01 and abs(std - 0.5) < 0.005


def _truncated_normal_moments(mean, std, a, b):
    """The mean and std of N(mean, std) restricted to [a, b]."""
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda x: (1 + math.erf(x / math.sqrt(2))) / 2  # noqa: E731
    z = cdf(beta) - cdf(alpha)
    m = (pdf(alpha) - pdf(beta)) / z
    var = 1 + (alpha * pdf(alpha) - beta * pdf(beta)) / z - m * m
    return mean + std * m, std * math.sqrt(var)


@pytest.mark.parametrize("mean, std, a, b", [(0.0, 1.0, -2.0, 2.0), (0.5, 2.0, -1.0, 3.0), (0.0, 1.0, 2.0, 3.0),
                                             (1.0, 0.1, 0.95, 1.0), (0.0, 0.02, -0.04, 0.04)])
def test_trunc_normal(mean, std, a, b):
    w = E_INIT.trunc_normal_(ember.empty(400, 500), mean, std, a, b)
    got_mean, got_std, low, high = stats(w)
    want_mean, want_std = _truncated_normal_moments(mean, std, a, b)
    assert a <= low and high <= b
    assert abs(got_mean - want_mean) < 0.01 * (b - a) and abs(got_std - want_std) < 0.01 * want_std + 1e-4


def test_trunc_normal_far_mean_warns():
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match="mean is more than 2 std"):
            w = lib.nn.init.trunc_normal_(lib.empty(100), mean=10.0, std=1.0, a=-1.0, b=1.0)
        assert float(w.min()) >= -1.0 and float(w.max()) <= 1.0


def _check_random_init(fill, shape, std, bound=None):
    """ember's and torch's draws both have mean 0 and standard deviation ``std`` (within five standard errors)
    and stay within ``bound``, reaching close to it."""
    n = math.prod(shape)
    for lib in (ember, torch):
        mean, got_std, low, high = stats(fill(lib, shape))
        assert abs(mean) < 5 * std / math.sqrt(n) and abs(got_std - std) < 3.5 * std / math.sqrt(n), (lib, got_std)
        if bound is not None:  # the bound rounded to float32 may lie just outside the exact one
            assert -bound * (1 + 1e-6) <= low and high <= bound * (1 + 1e-6)
            assert high > 0.95 * bound and low < -0.95 * bound


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("gain", [1.0, 0.5, math.sqrt(2)])
def test_xavier(shape, gain):
    fan_in, fan_out = T_INIT._calculate_fan_in_and_fan_out(torch.empty(shape))
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    _check_random_init(lambda lib, s: lib.nn.init.xavier_uniform_(lib.empty(s), gain), shape, std, math.sqrt(3) * std)
    _check_random_init(lambda lib, s: lib.nn.init.xavier_normal_(lib.empty(s), gain), shape, std)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("a, mode, nonlinearity", [(0, "fan_in", "leaky_relu"), (math.sqrt(5), "fan_in", "leaky_relu"),
                                                   (0, "fan_out", "relu"), (0.2, "fan_out", "leaky_relu"),
                                                   (0, "fan_in", "tanh"), (0, "fan_in", "linear")])
def test_kaiming(shape, a, mode, nonlinearity):
    fan = T_INIT._calculate_correct_fan(torch.empty(shape), mode)
    std = T_INIT.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    _check_random_init(lambda lib, s: lib.nn.init.kaiming_uniform_(lib.empty(s), a, mode, nonlinearity), shape, std,
                       math.sqrt(3) * std)
    _check_random_init(lambda lib, s: lib.nn.init.kaiming_normal_(lib.empty(s), a, mode, nonlinearity), shape, std)


@pytest.mark.parametrize("fn", ["kaiming_uniform_", "kaiming_normal_"])
def test_kaiming_empty_tensor_is_a_no_op(fn):
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
            w = lib.empty(0, 3)
            assert getattr(lib.nn.init, fn)(w) is w


@pytest.mark.parametrize("shape", [(20, 20), (10, 30), (30, 10), (6, 4, 3, 3)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal(shape, gain):
    w = E_INIT.orthogonal_(ember.empty(shape), gain).numpy().reshape(shape[0], -1).astype(np.float64) / gain
    rows, cols = w.shape
    gram = w @ w.T if rows <= cols else w.T @ w
    np.testing.assert_allclose(gram, np.eye(min(rows, cols)), atol=1e-5)


def test_orthogonal_draws_differ():
    a, b = (E_INIT.orthogonal_(ember.empty(8, 8)).numpy() for _ in range(2))
    assert not np.allclose(a, b)


@pytest.mark.parametrize("sparsity", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("std", [0.01, 1.0])
def test_sparse(sparsity, std):
    rows, cols = 200, 300
    w = E_INIT.sparse_(ember.empty(rows, cols), sparsity, std).numpy()
    assert ((w == 0).sum(0) == math.ceil(sparsity * rows)).all()
    assert abs(w[w != 0].std() - std) < 0.05 * std


@pytest.mark.parametrize("name", ["uniform_", "normal_", "trunc_normal_", "xavier_uniform_", "xavier_normal_",
                                  "kaiming_uniform_", "kaiming_normal_", "orthogonal_", "sparse_"])
def test_generator_makes_draws_repeatable(name):
    extra = (0.5,) if name == "sparse_" else ()
    g = ember.Generator()
    draws = []
    for _ in range(2):
        g.manual_seed(123)
        draws.append(getattr(E_INIT, name)(ember.empty(20, 30), *extra, generator=g).numpy())
    assert np.array_equal(*draws)
    other = getattr(E_INIT, name)(ember.empty(20, 30), *extra, generator=ember.Generator().manual_seed(5)).numpy()
    assert not np.array_equal(draws[0], other)


def test_default_stream_follows_manual_seed():
    ember.manual_seed(3)
    a = E_INIT.kaiming_uniform_(ember.empty(5, 5)).numpy()
    ember.manual_seed(3)
    assert np.array_equal(a, E_INIT.kaiming_uniform_(ember.empty(5, 5)).numpy())
