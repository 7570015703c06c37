"""Activations against torch: nn.functional values, dtypes, input gradients, second derivatives, grad_fn names,
in-place forms, errors; then the modules with their parameters, gradients and repr."""
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.nn  # noqa: F401 - ember.nn is not imported by ember itself (yet)
from oracle import check, check_error

rng = np.random.default_rng(0)
FLOATS = [np.float32, np.float64]
# the points where some activation below has a kink (or a jump), kept away from so gradients are unambiguous
KINKS = np.array([0.0, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0, 6.0, 0.1, -0.25, 1.5])


def values(shape, dtype=np.float32, low=-5.0, high=5.0):
    """Uniform values at least 0.02 away from every kink."""
    x = rng.uniform(low, high, shape)
    near = (np.abs(x[..., None] - KINKS) < 0.02).any(-1)
    return np.asarray(np.where(near, x + 0.05, x), dtype)


def node_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


# name: call with torch's and ember's nn.functional (keyword arguments as a program would pass them)
ELEMENTWISE = {
    "relu": lambda F, x: F.relu(x),
    "relu6": lambda F, x: F.relu6(x),
    "leaky_relu": lambda F, x: F.leaky_relu(x),
    "leaky_relu_slope": lambda F, x: F.leaky_relu(x, negative_slope=0.2),
    "leaky_relu_negative_slope": lambda F, x: F.leaky_relu(x, -0.3),
    "rrelu_eval": lambda F, x: F.rrelu(x),
    "rrelu_eval_bounds": lambda F, x: F.rrelu(x, 0.1, 0.6),
    "elu": lambda F, x: F.elu(x),
    "elu_alpha": lambda F, x: F.elu(x, alpha=0.7),
    "selu": lambda F, x: F.selu(x),
    "celu": lambda F, x: F.celu(x),
    "celu_alpha": lambda F, x: F.celu(x, alpha=2.5),
    "gelu": lambda F, x: F.gelu(x),
    "gelu_tanh": lambda F, x: F.gelu(x, approximate="tanh"),
    "silu": lambda F, x: F.silu(x),
    "mish": lambda F, x: F.mish(x),
    "sigmoid": lambda F, x: F.sigmoid(x),
    "tanh": lambda F, x: F.tanh(x),
    "hardtanh": lambda F, x: F.hardtanh(x),
    "hardtanh_bounds": lambda F, x: F.hardtanh(x, min_val=-0.5, max_val=3.0),
    "hardsigmoid": lambda F, x: F.hardsigmoid(x),
    "hardswish": lambda F, x: F.hardswish(x),
    "softplus": lambda F, x: F.softplus(x),
    "softplus_beta": lambda F, x: F.softplus(x, beta=2, threshold=3),
    "softplus_fraction": lambda F, x: F.softplus(x, 0.5, 1.5),
    "softsign": lambda F, x: F.softsign(x),
    "softshrink": lambda F, x: F.softshrink(x),
    "softshrink_lambd": lambda F, x: F.softshrink(x, lambd=1.0),
    "hardshrink": lambda F, x: F.hardshrink(x),
    "hardshrink_lambd": lambda F, x: F.hardshrink(x, 3.0),
    "tanhshrink": lambda F, x: F.tanhshrink(x),
    "threshold": lambda F, x: F.threshold(x, 0.1, 20.0),
    "threshold_below": lambda F, x: F.threshold(x, threshold=1.5, value=-2.0),
    "logsigmoid": lambda F, x: F.logsigmoid(x),
}


def functional(lib):
    return lib.nn.functional


@pytest.mark.parametrize("shape", [(), (7,), (3, 4), (2, 3, 4)], ids=str)
@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise(name, dtype, shape):
    e, t = check(lambda lib, x: ELEMENTWISE[name](functional(lib), x), values(shape, dtype))
    assert node_name(e) == node_name(t)


# large |x| where a naive exp overflows or 1 - something cancels; x * beta beyond softplus's threshold
EXTREMES = np.array([-1e4, -800.0, -100.0, -30.0, -17.5, -5.0, -0.01, 0.01, 2.0, 17.5, 30.0, 100.0, 800.0, 1e4])
STABLE = ["gelu", "gelu_tanh", "elu", "elu_alpha", "selu", "celu", "celu_alpha", "silu", "mish", "sigmoid", "tanh",
          "softplus", "softplus_beta", "softplus_fraction", "softsign", "logsigmoid", "tanhshrink", "hardswish",
          "leaky_relu", "rrelu_eval"]


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", STABLE)
def test_large_inputs_stay_finite(name, dtype):
    e, _ = check(lambda lib, x: ELEMENTWISE[name](functional(lib), x), EXTREMES.astype(dtype))
    assert np.isfinite(e.detach().numpy()).all()


SECOND_ORDER = ["leaky_relu_slope", "elu", "elu_alpha", "selu", "celu_alpha", "gelu", "gelu_tanh", "silu", "mish",
                "softplus", "softplus_beta", "logsigmoid", "hardswish", "softsign", "tanhshrink",
                "rrelu_eval"]


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_second_derivative(name):
    """The derivatives are written in Tensor ops, so differentiating the gradient again matches torch."""
    def grad_of_grad(lib, x):
        (g,) = lib.autograd.grad((ELEMENTWISE[name](functional(lib), x) ** 2).sum(), x, create_graph=True)
        return g
    check(grad_of_grad, values((3, 5), np.float64))


# (not mish: torch's second derivative of mish is nan beyond |x| ~ 800, ember's the finite limit)
@pytest.mark.parametrize("name", ["gelu", "elu", "selu", "softplus", "silu", "logsigmoid"])
def test_second_derivative_at_large_inputs(name):
    def grad_of_grad(lib, x):
        (g,) = lib.autograd.grad(ELEMENTWISE[name](functional(lib), x).sum(), x, create_graph=True)
        return g
    e, _ = check(grad_of_grad, EXTREMES.astype(np.float64))
    assert np.isfinite(e.detach().numpy()).all()


# the functions with an ``inplace`` flag, called both ways, and their ``_`` forms
INPLACE = {
    "relu": lambda F, x, inplace: F.relu(x, inplace=inplace),
    "relu6": lambda F, x, inplace: F.relu6(x, inplace),
    "leaky_relu": lambda F, x, inplace: F.leaky_relu(x, 0.2, inplace=inplace),
    "rrelu": lambda F, x, inplace: F.rrelu(x, 0.1, 0.3, False, inplace),
    "elu": lambda F, x, inplace: F.elu(x, 0.5, inplace=inplace),
    "selu": lambda F, x, inplace: F.selu(x, inplace=inplace),
    "celu": lambda F, x, inplace: F.celu(x, 1.5, inplace=inplace),
    "silu": lambda F, x, inplace: F.silu(x, inplace=inplace),
    "mish": lambda F, x, inplace: F.mish(x, inplace=inplace),
    "hardtanh": lambda F, x, inplace: F.hardtanh(x, -2.0, 2.5, inplace),
    "hardsigmoid": lambda F, x, inplace: F.hardsigmoid(x, inplace=inplace),
    "hardswish": lambda F, x, inplace: F.hardswish(x, inplace=inplace),
    "threshold": lambda F, x, inplace: F.threshold(x, 0.1, 20.0, inplace),
}
UNDERSCORE = {
    "relu_": lambda F, x: F.relu_(x),
    "leaky_relu_": lambda F, x: F.leaky_relu_(x, 0.3),
    "rrelu_": lambda F, x: F.rrelu_(x, 0.2, 0.4),
    "elu_": lambda F, x: F.elu_(x),
    "selu_": lambda F, x: F.selu_(x),
    "celu_": lambda F, x: F.celu_(x, alpha=0.5),
    "hardtanh_": lambda F, x: F.hardtanh_(x, min_val=0.0),
    "threshold_": lambda F, x: F.threshold_(x, 1.5, -2.0),
}
IN_PLACE_CALLS = {**{name: lambda F, x, f=f: f(F, x, True) for name, f in INPLACE.items()}, **UNDERSCORE}


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_false_leaves_input_alone(name):
    def run(lib, x):
        before = x.detach().clone()
        out = INPLACE[name](functional(lib), x, False)
        assert out is not x and (x.detach() == before).all()
        return out
    check(run, values((3, 4)))


@pytest.mark.parametrize("name", IN_PLACE_CALLS)
def test_in_place(name):
    """The input itself comes back changed, its version bumped, with torch's grad_fn and gradients."""
    def run(lib, x):
        y = x * 1
        out = IN_PLACE_CALLS[name](functional(lib), y)
        assert out is y and y._version == 1
        return out
    e, t = check(run, values((3, 4)))
    assert node_name(e) == node_name(t)


@pytest.mark.parametrize("name", IN_PLACE_CALLS)
def test_in_place_on_a_leaf_that_requires_grad(name):
    message = check_error(lambda lib, x: IN_PLACE_CALLS[name](functional(lib), x.requires_grad_()), values((4,)))
    assert "leaf Variable" in message and "in-place" in message


@pytest.mark.parametrize("name", IN_PLACE_CALLS)
def test_in_place_on_a_leaf_without_grad_mode(name):
    def run(lib, x):
        with lib.no_grad():
            out = IN_PLACE_CALLS[name](functional(lib), x.requires_grad_())
        assert out is x and out.grad_fn is None
        return out.detach()
    check(run, values((2, 3)), grad=False)


def test_in_place_through_a_view_changes_the_base():
    def run(lib, x):
        y = x * 1
        functional(lib).elu_(y[1:, ::2], alpha=0.5)
        return y
    check(run, values((3, 4)))


@pytest.mark.parametrize("call", [lambda F, x: F.leaky_relu_(x, -0.5), lambda F, x: F.elu_(x, -0.5),
                                  lambda F, x: F.celu(x, -0.5, inplace=True)])
def test_in_place_backward_with_a_negative_slope_is_refused(call):
    message = check_error(lambda lib, x: call(functional(lib), x.requires_grad_() * 1).sum().backward(),
                          values((5,)))
    assert "negative slope" in message


def test_saved_input_changed_in_place_fails_backward():
    message = check_error(lambda lib, x: _gelu_then_modify(lib, x.requires_grad_()), values((4,)))
    assert "modified by an inplace operation" in message


def _gelu_then_modify(lib, x):
    y = x * 1
    out = functional(lib).gelu(y)
    y.add_(1)
    out.sum().backward()


# integer inputs: these keep their dtype, the others need floating point (NotImplementedError naming the kernel)
INT_KEPT = {"relu": lambda F, x: F.relu(x), "relu6": lambda F, x: F.relu6(x),
            "hardtanh": lambda F, x: F.hardtanh(x, -2, 2), "threshold": lambda F, x: F.threshold(x, 1, 7),
            "sigmoid": lambda F, x: F.sigmoid(x), "tanh": lambda F, x: F.tanh(x),
            "softsign": lambda F, x: F.softsign(x), "tanhshrink": lambda F, x: F.tanhshrink(x)}
INT_REFUSED = ["leaky_relu", "rrelu_eval", "elu", "selu", "celu", "gelu", "silu", "mish", "hardsigmoid", "hardswish",
               "softplus", "softshrink", "hardshrink", "logsigmoid"]


@pytest.mark.parametrize("dtype", [np.int64, np.int32], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", INT_KEPT)
def test_integer_inputs_kept(name, dtype):
    check(lambda lib, x: INT_KEPT[name](functional(lib), x), np.arange(-4, 8, dtype=dtype))


@pytest.mark.parametrize("name", INT_REFUSED)
def test_integer_inputs_refused(name):
    message = check_error(lambda lib, x: ELEMENTWISE[name](functional(lib), x), np.arange(-3, 3))
    assert "not implemented for 'Long'" in message


@pytest.mark.parametrize("call", [lambda F, x: F.hardtanh(x), lambda F, x: F.relu6(x),
                                  lambda F, x: F.threshold(x, 0, 1)])
def test_bool_inputs_refused(call):
    message = check_error(lambda lib, x: call(functional(lib), x), np.array([True, False]))
    assert "Bool" in message


@pytest.mark.parametrize("call,expected", [
    (lambda F, x: F.hardtanh(x, 2.0, 1.0), "min_val"),
    (lambda F, x: F.rrelu(x, 0.5, 0.2), "rrelu"),
    (lambda F, x: F.rrelu(x, 0.5, 0.2, training=True), "rrelu"),
    (lambda F, x: F.gelu(x, approximate="fast"), "gelu"),
    (lambda F, x: F.softshrink(x, -1.0), "softshrink"),
    (lambda F, x: F.celu(x, 0.0), "CELU"),
    (lambda F, x: F.glu(x, 0), "dimension 0 is size 5"),
    (lambda F, x: F.glu(x[0, 0]), "scalars"),
    (lambda F, x: F.glu(x, 2), "Dimension out of range"),
    (lambda F, x: F.prelu(x, x.new_ones(3)), "prelu"),
    (lambda F, x: F.prelu(x[0], x.new_ones(4)), "prelu"),
    (lambda F, x: F.prelu(x, x.new_ones(1, 1)), "prelu"),
    (lambda F, x: F.prelu(x, x.new_ones(4, dtype=x.double().dtype)), "Type promoting"),
    (lambda F, x: F.softmax(x, 2), "Dimension out of range"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_errors(call, expected):
    assert expected in check_error(lambda lib, x: call(functional(lib), x), values((5, 4)))


def test_hardtanh_in_place_with_crossed_bounds_is_unchecked():
    check(lambda lib, x: functional(lib).hardtanh_(x * 1, 0.5, -0.5), values((3, 4)))


# ---- softmax, log_softmax, softmin ----
SOFTMAXES = ["softmax", "log_softmax", "softmin"]


@pytest.mark.parametrize("dim", [0, 1, -1, -3])
@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", SOFTMAXES)
def test_softmax_family(name, dtype, dim):
    e, t = check(lambda lib, x: getattr(functional(lib), name)(x, dim), values((2, 3, 4), dtype))
    assert node_name(e) == node_name(t)


@pytest.mark.parametrize("name", SOFTMAXES)
def test_softmax_family_with_dtype(name):
    check(lambda lib, x: getattr(functional(lib), name)(x, dim=1, dtype=lib.float64), values((3, 4)))


@pytest.mark.parametrize("name", SOFTMAXES)
def test_softmax_family_of_large_values(name):
    x = np.array([[1e4, -1e4, 0.0], [800.0, 799.0, -800.0]], np.float32)
    e, _ = check(lambda lib, x: getattr(functional(lib), name)(x, -1), x)
    assert np.isfinite(e.detach().numpy()).all()


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 4), (2, 3, 4, 2)], ids=str)
@pytest.mark.parametrize("name", SOFTMAXES)
def test_softmax_family_implicit_dim_warns(name, shape):
    """No dim: torch's legacy rule (dim 0 for 0-, 1- and 3-d inputs, else 1) with its deprecation warning."""
    def run(lib, x):
        with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name} has been deprecated"):
            return getattr(functional(lib), name)(x)
    check(run, values(shape))


def test_softmax_warning_points_at_the_caller():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ember.nn.functional.softmax(ember.ones(2, 3))
    assert caught[0].filename == __file__


def test_softmax_of_integers_is_refused():
    check_error(lambda lib, x: functional(lib).softmax(x, 0), np.arange(4))


# ---- glu, prelu, rrelu ----
@pytest.mark.parametrize("shape,dim", [((4,), -1), ((3, 6), -1), ((6, 3), 0), ((2, 4, 3), 1), ((2, 3, 2, 4), 2)],
                         ids=str)
@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.__name__)
def test_glu(shape, dim, dtype):
    e, t = check(lambda lib, x: functional(lib).glu(x, dim), values(shape, dtype))
    assert node_name(e) == node_name(t)


def test_glu_default_dim_and_second_derivative():
    check(lambda lib, x: functional(lib).glu(x), values((3, 4)))

    def grad_of_grad(lib, x):
        (g,) = lib.autograd.grad((functional(lib).glu(x, 0) ** 2).sum(), x, create_graph=True)
        return g
    check(grad_of_grad, values((4, 3), np.float64))


@pytest.mark.parametrize("shape,channels", [((5, 3), 3), ((2, 3, 4), 3), ((2, 4, 3, 3), 4), ((2, 4, 3, 3), 1),
                                            ((6,), 1), ((), 1), ((3, 2, 2, 2, 2), 2)], ids=str)
@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.__name__)
def test_prelu(shape, channels, dtype):
    """The gradient of the weight too: both inputs require grad."""
    weight = rng.uniform(-0.5, 0.5, channels).astype(dtype)
    e, t = check(lambda lib, x, w: functional(lib).prelu(x, w), values(shape, dtype), weight)
    assert node_name(e) == node_name(t)


def test_prelu_scalar_weight_and_second_derivative():
    check(lambda lib, x, w: functional(lib).prelu(x, w), values((2, 3)), np.array(0.3, np.float32))

    def grad_of_grad(lib, x, w):
        gx, gw = lib.autograd.grad((functional(lib).prelu(x, w) ** 2).sum(), (x, w), create_graph=True)
        return (gx * gx).sum() + (gw * gw).sum()
    check(grad_of_grad, values((2, 3, 2), np.float64), np.array([0.2, -0.1, 0.4]))


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.__name__)
def test_rrelu_training_draws_slopes_in_bounds(dtype):
    lower, upper = 0.1, 0.4
    x = ember.from_numpy(values((200, 50), dtype)).requires_grad_()
    out = ember.nn.functional.rrelu(x, lower, upper, training=True)
    out.backward(ember.ones_like(out))
    a, y, g = x.detach().numpy(), out.detach().numpy(), x.grad.numpy()
    assert y.dtype == dtype and node_name(out) == "RreluWithNoiseBackward0"
    np.testing.assert_array_equal(y[a > 0], a[a > 0])
    np.testing.assert_array_equal(g[a > 0], 1)
    slopes = y[a < 0] / a[a < 0]
    assert slopes.min() >= lower - 1e-6 and slopes.max() < upper + 1e-6
    assert abs(slopes.mean() - (lower + upper) / 2) < 0.01 and abs(slopes.std() - (upper - lower) / 12 ** 0.5) < 0.01
    np.testing.assert_allclose(g[a < 0], slopes, rtol=1e-5)


def test_rrelu_training_repeats_under_manual_seed():
    x = ember.from_numpy(values((6, 5)))
    ember.manual_seed(3)
    first = ember.nn.functional.rrelu(x, training=True)
    ember.manual_seed(3)
    assert ember.equal(first, ember.nn.functional.rrelu(x, training=True))
    assert not ember.equal(first, ember.nn.functional.rrelu(x, training=True))


def test_rrelu_training_in_place():
    x = ember.from_numpy(values((4, 5)))
    before = x.clone()
    out = ember.nn.functional.rrelu_(x, 0.2, 0.3, training=True)
    ratio = (out / before).numpy()
    assert out is x and x._version == 1
    assert ((ratio >= 0.2 - 1e-6) & (ratio < 0.3 + 1e-6) | (ratio == 1)).all()


# ---- modules: the same layer built in both libraries, same parameters, same input ----
MODULES = {
    "ReLU()": lambda nn: nn.ReLU(),
    "ReLU(inplace)": lambda nn: nn.ReLU(inplace=True),
    "ReLU6()": lambda nn: nn.ReLU6(),
    "ReLU6(inplace)": lambda nn: nn.ReLU6(True),
    "LeakyReLU()": lambda nn: nn.LeakyReLU(),
    "LeakyReLU(0.2, inplace)": lambda nn: nn.LeakyReLU(0.2, True),
    "PReLU()": lambda nn: nn.PReLU(),
    "PReLU(3)": lambda nn: nn.PReLU(3),
    "PReLU(3, init)": lambda nn: nn.PReLU(num_parameters=3, init=-0.1),
    "ELU()": lambda nn: nn.ELU(),
    "ELU(0.5, inplace)": lambda nn: nn.ELU(alpha=0.5, inplace=True),
    "SELU()": lambda nn: nn.SELU(),
    "SELU(inplace)": lambda nn: nn.SELU(True),
    "CELU(2)": lambda nn: nn.CELU(2.0),
    "CELU(inplace)": lambda nn: nn.CELU(inplace=True),
    "GELU()": lambda nn: nn.GELU(),
    "GELU(tanh)": lambda nn: nn.GELU(approximate="tanh"),
    "SiLU()": lambda nn: nn.SiLU(),
    "SiLU(inplace)": lambda nn: nn.SiLU(inplace=True),
    "Mish()": lambda nn: nn.Mish(),
    "Mish(inplace)": lambda nn: nn.Mish(True),
    "Sigmoid()": lambda nn: nn.Sigmoid(),
    "Tanh()": lambda nn: nn.Tanh(),
    "Hardtanh()": lambda nn: nn.Hardtanh(),
    "Hardtanh(-2, 2.5, inplace)": lambda nn: nn.Hardtanh(-2.0, 2.5, True),
    "Hardtanh(ints)": lambda nn: nn.Hardtanh(-2, 3),
    "Hardsigmoid()": lambda nn: nn.Hardsigmoid(),
    "Hardsigmoid(inplace)": lambda nn: nn.Hardsigmoid(inplace=True),
    "Hardswish()": lambda nn: nn.Hardswish(),
    "Hardswish(inplace)": lambda nn: nn.Hardswish(True),
    "Softplus()": lambda nn: nn.Softplus(),
    "Softplus(2, 5)": lambda nn: nn.Softplus(beta=2, threshold=5),
    "Softsign()": lambda nn: nn.Softsign(),
    "Softshrink()": lambda nn: nn.Softshrink(),
    "Softshrink(1)": lambda nn: nn.Softshrink(1),
    "Hardshrink(1.5)": lambda nn: nn.Hardshrink(lambd=1.5),
    "Tanhshrink()": lambda nn: nn.Tanhshrink(),
    "Threshold(0.1, 20)": lambda nn: nn.Threshold(0.1, 20),
    "Threshold(inplace)": lambda nn: nn.Threshold(threshold=1.5, value=-2.0, inplace=True),
    "LogSigmoid()": lambda nn: nn.LogSigmoid(),
    "Softmax(1)": lambda nn: nn.Softmax(dim=1),
    "Softmax(-1)": lambda nn: nn.Softmax(-1),
    "LogSoftmax(1)": lambda nn: nn.LogSoftmax(dim=1),
    "Softmin(0)": lambda nn: nn.Softmin(0),
    "GLU()": lambda nn: nn.GLU(),
    "GLU(0)": lambda nn: nn.GLU(dim=0),
    "Softmax2d()": lambda nn: nn.Softmax2d(),
    "RReLU(eval)": lambda nn: nn.RReLU().eval(),
    "RReLU(0.1, 0.3, inplace, eval)": lambda nn: nn.RReLU(0.1, 0.3, inplace=True).eval(),
}


def public_settings(module):
    return {k: v for k, v in vars(module).items() if not k.startswith("_")}


def twin_modules(make, seed=0):
    """The torch module, and the ember one with torch's parameters (random ones, so slopes differ per channel)."""
    t_mod, e_mod = make(torch.nn), make(ember.nn)
    draw = np.random.default_rng(seed)
    with torch.no_grad():
        for p in t_mod.parameters():
            p.copy_(torch.from_numpy(draw.uniform(-0.5, 0.5, tuple(p.shape)).astype(np.float32)))
    e_mod.load_state_dict({k: ember.from_numpy(v.numpy().copy()) for k, v in t_mod.state_dict().items()})
    return t_mod, e_mod


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", MODULES)
def test_module(name, dtype):
    """Same repr and settings; same output, input gradient and parameter gradients."""
    t_mod, e_mod = twin_modules(MODULES[name])
    assert repr(e_mod) == repr(t_mod)
    assert public_settings(e_mod) == public_settings(t_mod)
    if dtype is np.float64:
        t_mod.double(), e_mod.double()

    def run(lib, x):
        return (t_mod if lib is torch else e_mod)(x * 1)
    e, t = check(run, values((2, 3, 4), dtype))
    assert node_name(e) == node_name(t)
    t_params, e_params = dict(t_mod.named_parameters()), dict(e_mod.named_parameters())
    assert t_params.keys() == e_params.keys()
    for key, tp in t_params.items():
        assert e_params[key].grad is not None
        np.testing.assert_allclose(e_params[key].grad.numpy(), tp.grad.numpy(), rtol=1e-5, atol=1e-5, err_msg=key)


@pytest.mark.parametrize("name", [n for n in MODULES if "inplace" in n])
def test_inplace_module_returns_its_input(name):
    for lib in (torch, ember):
        module = MODULES[name](lib.nn)
        x = lib.ones(2, 3, 4) * -0.5
        assert module(x) is x and x._version == 1


@pytest.mark.parametrize("name,shape", [("Softmax()", (2, 3, 4)), ("Softmin()", (5,)), ("LogSoftmax()", (2, 3))])
def test_module_without_dim_uses_the_implicit_dim(name, shape):
    make = {"Softmax()": lambda nn: nn.Softmax(), "Softmin()": lambda nn: nn.Softmin(),
            "LogSoftmax()": lambda nn: nn.LogSoftmax()}[name]
    t_mod, e_mod = make(torch.nn), make(ember.nn)
    assert repr(e_mod) == repr(t_mod) == name.replace("()", "(dim=None)")

    def run(lib, x):
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            return (t_mod if lib is torch else e_mod)(x)
    check(run, values(shape))


@pytest.mark.parametrize("dtype", [None, ember.float64], ids=str)
def test_prelu_parameter(dtype):
    module = ember.nn.PReLU(4, init=0.1, dtype=dtype)
    expected = torch.nn.PReLU(4, init=0.1, dtype=None if dtype is None else torch.float64)
    assert isinstance(module.weight, ember.nn.Parameter) and module.weight.requires_grad
    assert list(module.state_dict()) == list(expected.state_dict()) == ["weight"]
    assert str(module.weight.dtype) == str(expected.weight.dtype)
    np.testing.assert_array_equal(module.weight.detach().numpy(), expected.weight.detach().numpy())
    module.weight.data.fill_(2.0)
    module.reset_parameters()
    np.testing.assert_array_equal(module.weight.detach().numpy(), expected.weight.detach().numpy())


def test_rrelu_module_training_mode_draws_slopes():
    module = ember.nn.RReLU(0.2, 0.5)
    assert module.training and repr(module) == repr(torch.nn.RReLU(0.2, 0.5))
    x = ember.from_numpy(values((100, 40))).requires_grad_()
    out = module(x)
    out.sum().backward()
    a, y = x.detach().numpy(), out.detach().numpy()
    slopes = y[a < 0] / a[a < 0]
    np.testing.assert_array_equal(y[a > 0], a[a > 0])
    assert slopes.min() >= 0.2 - 1e-6 and slopes.max() < 0.5 + 1e-6 and slopes.std() > 0.05
    np.testing.assert_allclose(x.grad.numpy()[a < 0], slopes, rtol=1e-5)
    module.eval()
    np.testing.assert_allclose(module(x).detach().numpy(), np.where(a > 0, a, a * 0.35), rtol=1e-6)


def test_hardtanh_module_checks_its_bounds():
    message = check_error(lambda lib: lib.nn.Hardtanh(2.0, 1.0))
    assert "max_val" in message and "min_val" in message


def test_hardtanh_module_renamed_keywords_warn():
    for lib in (torch, ember):
        with pytest.warns(FutureWarning) as record:
            module = lib.nn.Hardtanh(min_value=-2.0, max_value=3.0)
        assert ["min_value" in str(w.message) for w in record] == [True, False]
        assert repr(module) == "Hardtanh(min_val=-2.0, max_val=3.0)"


def test_softmax2d_needs_3d_or_4d_input():
    assert "Softmax2d" in check_error(lambda lib, x: lib.nn.Softmax2d()(x), values((2, 3)))
    check(lambda lib, x: lib.nn.Softmax2d()(x), values((2, 3, 2, 2)))


def test_modules_are_exported_by_name():
    for name in ember.nn.modules.activation.__all__:
        assert getattr(ember.nn, name) is getattr(ember.nn.modules.activation, name)
        assert hasattr(torch.nn, name)
    for name in ember.nn.functional.activation.__all__:
        assert hasattr(torch.nn.functional, name)


@pytest.mark.parametrize("dim", [-1, 0])
def test_gumbel_softmax_samples_the_softmax(dim):
    """Soft samples are distributions; their argmax follows softmax(logits); hard samples are one-hot."""
    base = ember.tensor([2.0, 0.0, -1.0])
    logits = base.expand(4000, 3) if dim == -1 else base[:, None].expand(3, 4000)
    soft = ember.nn.functional.gumbel_softmax(logits, tau=0.5, dim=dim)
    np.testing.assert_allclose(soft.sum(dim).numpy(), 1, rtol=1e-5)
    frequencies = np.bincount(soft.argmax(dim).numpy(), minlength=3) / 4000
    np.testing.assert_allclose(frequencies, ember.softmax(base, 0).numpy(), atol=0.03)
    hard = ember.nn.functional.gumbel_softmax(logits, hard=True, dim=dim)
    assert set(np.unique(hard.numpy())) == {0.0, 1.0} and (hard.sum(dim).numpy() == 1).all()


def test_gumbel_softmax_hard_passes_the_soft_gradient():
    logits = ember.randn(5, 4, requires_grad=True)
    ember.manual_seed(1)
    hard = ember.nn.functional.gumbel_softmax(logits, tau=2.0, hard=True)
    ember.manual_seed(1)
    soft = ember.nn.functional.gumbel_softmax(logits, tau=2.0)
    weights = ember.randn(5, 4)
    (g_hard,) = ember.autograd.grad((hard * weights).sum(), logits)
    (g_soft,) = ember.autograd.grad((soft * weights).sum(), logits)
    np.testing.assert_allclose(g_hard.numpy(), g_soft.numpy(), rtol=1e-5, atol=1e-7)
    with pytest.warns(UserWarning, match="eps"):
        ember.nn.functional.gumbel_softmax(logits, eps=1e-5)


SPECIAL_VALUES = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -1e-30, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0])
# torch float32's gelu of +inf is nan (its vectorised erf); ember gives inf, the limit
GELU_FLOAT32_INF = ("gelu", "float32")


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_special_values(name, dtype):
    """nan, infinities, signed zeros and the kinks themselves give torch's values."""
    x = SPECIAL_VALUES.astype(dtype)
    if (name, dtype.__name__) == GELU_FLOAT32_INF:
        x = x[np.isfinite(x) | np.isnan(x)]
    check(lambda lib, x: ELEMENTWISE[name](functional(lib), x), x, grad=False)


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_gradients_at_kinks_and_infinities(name, dtype):
    """At a kink each function takes torch's side; zero gradients are +0 as torch's (a printed -0. would differ)."""
    x = SPECIAL_VALUES[1:].astype(dtype)
    if (name, dtype.__name__) == GELU_FLOAT32_INF:
        x = x[np.isfinite(x)]
    check(lambda lib, x: ELEMENTWISE[name](functional(lib), x), x)
    grads = []
    for lib in (torch, ember):
        t = lib.from_numpy(x.copy()).requires_grad_()
        ELEMENTWISE[name](functional(lib), t).backward(-lib.ones(len(x), dtype=t.dtype))
        grads.append(t.grad.numpy())
    if name != "relu":  # ember.relu's backward (ops/unary.py) multiplies by the mask: -0 where torch has 0
        np.testing.assert_array_equal(np.signbit(grads[0]), np.signbit(grads[1]))


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_printed_like_torch(name):
    """Printing the result shows torch's text: where torch underflows to 0 (gelu far left) so does ember."""
    x = np.array([-30.0, -8.0, -2.5, -0.75, 0.0, 0.3, 1.25, 4.0, 30.0], np.float32)
    printed = [str(ELEMENTWISE[name](functional(lib), lib.from_numpy(x.copy()))) for lib in (torch, ember)]
    assert printed[1] == printed[0]


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", ["hardtanh", "relu6", "hardsigmoid", "softshrink", "hardshrink", "threshold"])
def test_masked_gradient_drops_inf_and_nan_upstream(name, dtype):
    """Where the function is flat the gradient is 0 whatever comes from above (not 0 * inf = nan)."""
    x = np.array([-7.0, -7.0, 0.05, 0.05, 0.9, 7.0, 7.0], dtype)
    upstream = np.array([np.inf, np.nan, -np.inf, np.nan, 2.0, np.nan, -3.0], dtype)
    grads = []
    for lib in (torch, ember):
        t = lib.from_numpy(x.copy()).requires_grad_()
        ELEMENTWISE[name](functional(lib), t).backward(lib.from_numpy(upstream.copy()))
        grads.append(t.grad.numpy())
    np.testing.assert_array_equal(grads[1], grads[0])
    np.testing.assert_array_equal(np.signbit(grads[1]), np.signbit(grads[0]))
