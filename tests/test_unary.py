"""Elementwise unary math against torch: values, dtypes, gradients, grad_fn names, in-place forms, errors."""
import numpy as np
import pytest
import torch

import ember
from oracle import check, check_error

rng = np.random.default_rng(0)


def uniform(low, high):
    def make(shape, dtype):
        return np.asarray(rng.uniform(low, high, shape), dtype)
    return make


ANY = uniform(-2, 2)
UNIT = uniform(-0.9, 0.9)         # inside asin/acos/atanh/erfinv's domain
POSITIVE = uniform(0.3, 3)
ABOVE_ONE = uniform(1.2, 3)       # acosh's domain
PROBABILITY = uniform(0.05, 0.95)  # logit's domain
AWAY_FROM_POLES = uniform(-3.7, -3.2)  # lgamma/digamma for negative arguments, between two poles


def awkward(shape, dtype):
    """Values away from whole and half numbers, so floor, round and the like have no ties to break."""
    return np.asarray(rng.integers(-4, 5, shape) + rng.uniform(0.1, 0.4, shape) * rng.choice([-1, 1], shape),
                      dtype)


# name: input maker (float dtypes); the same functions are tested as ember.<name>(t) and t.<name>()
UNARY = {
    "sin": ANY, "cos": ANY, "tan": UNIT, "asin": UNIT, "acos": UNIT, "atan": ANY, "sinh": ANY, "cosh": ANY,
    "tanh": ANY, "asinh": ANY, "acosh": ABOVE_ONE, "atanh": UNIT, "exp": ANY, "exp2": ANY, "expm1": ANY,
    "log": POSITIVE, "log2": POSITIVE, "log10": POSITIVE, "log1p": POSITIVE, "sqrt": POSITIVE, "rsqrt": POSITIVE,
    "reciprocal": POSITIVE, "square": ANY, "sigmoid": ANY, "erf": ANY, "erfc": ANY, "erfinv": UNIT,
    "lgamma": POSITIVE, "digamma": POSITIVE, "abs": awkward, "sign": ANY, "sgn": ANY, "floor": awkward,
    "ceil": awkward, "trunc": awkward, "round": awkward, "frac": awkward, "relu": awkward, "neg": ANY,
    "positive": ANY, "logit": PROBABILITY, "nan_to_num": ANY, "arcsin": UNIT, "arccos": UNIT, "arctan": ANY,
    "arcsinh": ANY, "arccosh": ABOVE_ONE, "arctanh": UNIT, "fix": awkward, "absolute": awkward, "negative": ANY,
    "sinc": ANY, "deg2rad": ANY, "rad2deg": ANY,
}
SHAPES = [(), (5,), (2, 3)]
FLOATS = [np.float32, np.float64]


# torch's gradient of sgn (and second gradient of abs) is a ZeroTensor that can't be read back to compare
ZERO_TENSOR_GRAD = ("sgn",)
ZERO_TENSOR_SECOND_GRAD = ("sgn", "abs", "absolute")


def node_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", UNARY)
def test_function(name, dtype, shape):
    e, t = check(lambda lib, a: getattr(lib, name)(a), UNARY[name](shape, dtype), grad=name not in ZERO_TENSOR_GRAD)
    assert node_name(e) == node_name(t)


@pytest.mark.parametrize("name", UNARY)
def test_method(name):
    check(lambda lib, a: getattr(a, name)(), UNARY[name]((3, 2), np.float32), grad=name not in ZERO_TENSOR_GRAD)


# relu's second derivative: torch marks the zero result as requiring grad, ember leaves it a constant
@pytest.mark.parametrize("name", [n for n in UNARY if n not in ZERO_TENSOR_SECOND_GRAD + ("relu",)])
def test_second_order(name):
    """Backward is written in Tensor ops, so differentiating the gradient again matches torch."""
    def grad_of_grad(lib, a):
        (g,) = lib.autograd.grad(getattr(lib, name)(a).sum(), a, create_graph=True)
        return g
    check(grad_of_grad, UNARY[name]((4,), np.float64))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", UNARY)
def test_int_and_bool_inputs(name, dtype):
    """Float functions of integers give the default float dtype; integer-valued ones keep the dtype; where torch
    refuses the dtype, ember raises the same class naming the op."""
    values = np.asarray(rng.integers(0, 3, (2, 3)), dtype)
    try:
        getattr(torch, name)(torch.from_numpy(values))
    except Exception:  # noqa: BLE001 - torch refusing the dtype is the expectation
        message = check_error(lambda lib, a: getattr(lib, name)(a), values)
        assert name.replace("absolute", "abs").replace("fix", "trunc") in message or "`+`" in message or \
            "Negation" in message
        return
    check(lambda lib, a: getattr(lib, name)(a), values)


# torch has no derivative for the in-place inverse hyperbolics; positive has no in-place form
NO_IN_PLACE_GRAD = ("positive", "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh")


@pytest.mark.parametrize("name", [n for n in UNARY if n not in NO_IN_PLACE_GRAD])
def test_in_place(name):
    def in_place(lib, a):
        b = a * 1
        return getattr(b, name + "_")()
    e, t = check(in_place, UNARY[name]((2, 3), np.float32), grad=name not in ZERO_TENSOR_GRAD)
    assert node_name(e) == node_name(t)


@pytest.mark.parametrize("name", ["asinh", "acosh", "atanh"])
def test_in_place_values_without_grad(name):
    check(lambda lib, a: getattr(a * 1, name + "_")(), UNARY[name]((2, 3), np.float32), grad=False)


@pytest.mark.parametrize("name", ["sin", "exp", "sqrt", "erf", "sigmoid"])
def test_in_place_on_int_tensor_is_refused(name):
    """The float result can't be written into an integer tensor."""
    check_error(lambda lib, a: getattr(a, name + "_")(), np.arange(3))


@pytest.mark.parametrize("name", ["sin", "floor", "erfinv", "lgamma"])
def test_out_argument(name):
    def with_out(lib, a):
        out = lib.empty(0, dtype=a.dtype)
        result = getattr(lib, name)(a, out=out)
        assert result is out
        return out
    check(with_out, UNARY[name]((3,), np.float32), grad=False)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", ["erf", "erfc", "lgamma", "digamma", "exp", "sigmoid"])
def test_float16_and_dtype_kept(name, dtype):
    check(lambda lib, a: getattr(lib, name)(a), UNARY[name]((6,), dtype), grad=dtype is not np.float16)


SPECIAL_VALUES = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1.0, 2.0, -2.5, 1e-30, 30.0, 171.5, 0.999, -0.999])


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", ["erf", "erfc", "erfinv", "lgamma", "digamma", "sigmoid", "logit", "rsqrt",
                                  "exp2", "expm1", "log1p", "atanh", "reciprocal", "nan_to_num", "sign", "frac",
                                  "sinc"])
def test_special_values(name, dtype):
    check(lambda lib, a: getattr(lib, name)(a), SPECIAL_VALUES.astype(dtype), grad=False)


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name,make", [("erf", uniform(-6, 6)), ("erfc", uniform(-6, 9)),
                                       ("erfinv", uniform(-1, 1)), ("lgamma", uniform(-20, 40)),
                                       ("digamma", uniform(-20, 40))])
def test_special_functions_over_a_wide_range(name, make, dtype):
    check(lambda lib, a: getattr(lib, name)(a), make((400,), dtype), grad=False)


@pytest.mark.parametrize("name", ["lgamma", "digamma"])
def test_special_functions_of_negative_arguments(name):
    check(lambda lib, a: getattr(lib, name)(a), AWAY_FROM_POLES((5,), np.float64))


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_polygamma(n):
    e, t = check(lambda lib, a: lib.polygamma(n, a), POSITIVE((2, 3), np.float64))
    assert node_name(e) == node_name(t)
    check(lambda lib, a: a.polygamma(n), POSITIVE((4,), np.float32))
    check(lambda lib, a: (a * 1).polygamma_(n), POSITIVE((4,), np.float32))


def test_polygamma_negative_order():
    check_error(lambda lib, a: lib.polygamma(-1, a), POSITIVE((3,), np.float32))


@pytest.mark.parametrize("decimals", [0, 1, 2, -1])
def test_round_decimals(decimals):
    values = np.asarray(rng.uniform(-50, 50, (12,)), np.float64)
    e, t = check(lambda lib, a: lib.round(a, decimals=decimals), values)
    assert node_name(e) == node_name(t)
    check(lambda lib, a: a.round(decimals=decimals), values.astype(np.float32))


def test_round_half_to_even():
    check(lambda lib, a: lib.round(a), np.array([0.5, 1.5, 2.5, -0.5, -1.5], np.float32))


@pytest.mark.parametrize("eps", [None, 0.1, 0.25])
def test_logit_eps(eps):
    values = np.array([-0.5, 0.0, 0.05, 0.2, 0.5, 0.8, 0.95, 1.0, 1.5], np.float64)
    check(lambda lib, a: lib.logit(a, eps), values)
    check(lambda lib, a: a.logit(eps=eps), values)


@pytest.mark.parametrize("kwargs", [{}, {"nan": 1.5}, {"posinf": 10.0, "neginf": -10.0}, {"nan": -1.0, "posinf": 3.0}])
@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: d.__name__)
def test_nan_to_num(kwargs, dtype):
    values = np.array([1.0, np.nan, np.inf, -np.inf, -2.0], dtype)
    check(lambda lib, a: lib.nan_to_num(a, **kwargs), values)
    check(lambda lib, a: (a * 1).nan_to_num_(**kwargs), values)


def test_nan_to_num_of_int_tensor():
    check(lambda lib, a: lib.nan_to_num(a, nan=1.0), np.arange(4))


def test_float32_stays_float32():
    x = ember.ones(3)
    for name in UNARY:
        assert getattr(ember, name)(x).dtype is ember.float32, name


@pytest.mark.parametrize("call", [lambda lib, a: lib.sin(input=a), lambda lib, a: lib.round(input=a, decimals=1),
                                  lambda lib, a: lib.logit(input=a, eps=0.2),
                                  lambda lib, a: lib.nan_to_num(input=a, nan=0.0, posinf=1.0, neginf=-1.0),
                                  lambda lib, a: lib.polygamma(n=1, input=a), lambda lib, a: a.polygamma(n=2)],
                         ids=["sin", "round", "logit", "nan_to_num", "polygamma", "method_polygamma"])
def test_keyword_names(call):
    check(call, PROBABILITY((2, 3), np.float64))
