"""Binary and ternary pointwise math against torch: values, dtypes, gradients of every input, grad_fn names,
in-place and operator forms, python-number operands, type promotion over every dtype pair, errors."""
import itertools
import warnings

import numpy as np
import pytest
import torch

import ember
from data import node_name, nonzero, positive, randn, rng
from oracle import check, check_error


# name: (fn, make input, make other)
BINARY = {
    "fmax": (lambda lib, a, b: lib.fmax(a, b), randn, randn),
    "fmin": (lambda lib, a, b: lib.fmin(a, b), randn, randn),
    "fmod": (lambda lib, a, b: lib.fmod(a, b), randn, nonzero),
    "remainder": (lambda lib, a, b: lib.remainder(a, b), randn, nonzero),
    "atan2": (lambda lib, a, b: lib.atan2(a, b), randn, nonzero),
    "arctan2": (lambda lib, a, b: lib.arctan2(a, b), randn, nonzero),
    "hypot": (lambda lib, a, b: lib.hypot(a, b), nonzero, nonzero),
    "copysign": (lambda lib, a, b: lib.copysign(a, b), nonzero, nonzero),
    "pow": (lambda lib, a, b: lib.pow(a, b), positive, randn),
    "float_power": (lambda lib, a, b: lib.float_power(a, b), positive, randn),
    "logaddexp": (lambda lib, a, b: lib.logaddexp(a, b), randn, randn),
    "logaddexp2": (lambda lib, a, b: lib.logaddexp2(a, b), randn, randn),
    "xlogy": (lambda lib, a, b: lib.xlogy(a, b), randn, positive),
    "true_divide": (lambda lib, a, b: lib.true_divide(a, b), randn, nonzero),
    "floor_divide": (lambda lib, a, b: lib.floor_divide(a, b), randn, nonzero),
    "div_floor": (lambda lib, a, b: lib.div(a, b, rounding_mode="floor"), randn, nonzero),
    "div_trunc": (lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"), randn, nonzero),
    "maximum": (lambda lib, a, b: lib.maximum(a, b), randn, randn),
    "minimum": (lambda lib, a, b: lib.minimum(a, b), randn, randn),
    "ldexp": (lambda lib, a, b: lib.ldexp(a, b), randn, randn),
    "nextafter": (lambda lib, a, b: lib.nextafter(a, b), randn, randn),
}
DIFFERENTIABLE = set(BINARY) - {"floor_divide"}  # torch: "derivative for aten::floor_divide is not implemented"
SHAPE_PAIRS = [((2, 3), (2, 3)), ((3, 1), (4,)), ((2, 3), ()), ((), (2, 3)), ((), ())]


@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", BINARY)
def test_binary(name, dtype, shapes):
    fn, make_a, make_b = BINARY[name]
    e, t = check(fn, make_a(shapes[0], dtype), make_b(shapes[1], dtype), grad=name in DIFFERENTIABLE)
    assert node_name(e) == node_name(t)


@pytest.mark.parametrize("name", BINARY)
def test_binary_method(name):
    fn, make_a, make_b = BINARY[name]
    method = name.replace("div_floor", "div").replace("div_trunc", "div")
    kwargs = {"div_floor": {"rounding_mode": "floor"}, "div_trunc": {"rounding_mode": "trunc"}}.get(name, {})
    check(lambda lib, a, b: getattr(a, method)(b, **kwargs), make_a((2, 3)), make_b((2, 3)),
          grad=name in DIFFERENTIABLE)


IN_PLACE = ["fmod", "remainder", "atan2", "arctan2", "hypot", "copysign", "pow", "xlogy", "true_divide",
            "floor_divide", "ldexp", "nextafter"]


@pytest.mark.parametrize("name", IN_PLACE)
def test_binary_in_place(name):
    _, make_a, make_b = BINARY[name]

    def in_place(lib, a, b):
        c = a * 1
        return getattr(c, name + "_")(b)
    e, t = check(in_place, make_a((2, 3)), make_b((2, 3)), grad=name in DIFFERENTIABLE)
    assert node_name(e) == node_name(t)


@pytest.mark.parametrize("form", ["tensor_tensor", "number_base", "number_exponent_true", "number_exponent_false",
                                  "int_exponent"])
def test_pow_of_bool(form):
    fns = {"tensor_tensor": lambda lib, a: lib.pow(a, a), "number_base": lambda lib, a: True ** a,
           "number_exponent_true": lambda lib, a: a ** True, "number_exponent_false": lambda lib, a: a.pow(False),
           "int_exponent": lambda lib, a: a ** 2}
    values = np.array([True, False])
    try:
        fns[form](torch, torch.from_numpy(values))
    except NotImplementedError:
        assert "pow" in check_error(fns[form], values)
    else:
        check(fns[form], values)


def test_float_power_in_place_needs_double():
    check(lambda lib, a, b: (a * 1).float_power_(b), positive((3,), np.float64), randn((3,)))
    check_error(lambda lib, a: a.float_power_(2), positive((3,), np.float32))


@pytest.mark.parametrize("ties", [np.array([1.0, np.nan, 2.0, np.nan]), np.array([1.0, 1.0, np.nan, 3.0])])
@pytest.mark.parametrize("name", ["fmax", "fmin"])
def test_fmax_fmin_ignore_nan_and_route_ties(name, ties):
    check(lambda lib, a, b: getattr(lib, name)(a, b), np.array([1.0, 2.0, np.nan, np.nan]), ties)


def test_xlogy_zero_times_log_zero():
    check(lambda lib, a, b: lib.xlogy(a, b), np.array([0.0, 0.0, 1.0, 0.0, 2.0]),
          np.array([0.0, np.nan, 0.0, -1.0, 3.0]))


def test_copysign_of_zero_and_negative_zero():
    check(lambda lib, a, b: lib.copysign(a, b), np.array([0.0, 1.5, -2.0, 0.0]), np.array([-0.0, -0.0, 0.0, -1.0]))


# (name, fn with a python number, which side the number is on)
SCALAR_FORMS = {
    "fmod": lambda lib, a: lib.fmod(a, 1.5),
    "fmod_int": lambda lib, a: lib.fmod(a, 2),
    "remainder": lambda lib, a: lib.remainder(a, -1.5),
    "copysign": lambda lib, a: lib.copysign(a, -1.0),
    "xlogy_other": lambda lib, a: lib.xlogy(a, 3.0),
    "xlogy_self": lambda lib, a: lib.xlogy(2.0, a.abs() + 0.1),
    "float_power": lambda lib, a: lib.float_power(a.abs() + 0.1, 2),
    "float_power_scalar_base": lambda lib, a: lib.float_power(2, a),
    "pow": lambda lib, a: lib.pow(a, 3),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", SCALAR_FORMS)
def test_with_python_number(name, dtype):
    values = nonzero((2, 3), dtype) if dtype is not np.int64 else np.arange(-3, 3).reshape(2, 3)
    e, t = check(SCALAR_FORMS[name], values)
    assert node_name(e) == node_name(t)


@pytest.mark.parametrize("name", ["fmax", "fmin", "atan2", "hypot", "logaddexp", "logaddexp2", "ldexp", "nextafter",
                                  "heaviside", "gcd"])
def test_tensor_only_ops_refuse_numbers(name):
    message = check_error(lambda lib, a: getattr(lib, name)(a, 2.0), randn((3,)))
    assert name in message
    check_error(lambda lib, a: getattr(lib, name)(2.0, a), randn((3,)))


@pytest.mark.parametrize("name", ["fmod", "atan2", "hypot", "logaddexp", "xlogy", "copysign", "fmax"])
def test_broadcast_error(name):
    message = check_error(lambda lib, a, b: getattr(lib, name)(a, b), positive((2, 3)), positive((4,)))
    assert "size of tensor" in message


@pytest.mark.parametrize("name", ["hypot", "logaddexp", "logaddexp2"])
def test_float_only_ops_refuse_integers(name):
    message = check_error(lambda lib, a, b: getattr(lib, name)(a, b), np.arange(3), np.arange(3))
    assert name in message and "Long" in message


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", ["gcd", "lcm"])
def test_gcd_lcm(name, dtype):
    values = np.array([0, 4, 6, 9, 12], dtype)
    check(lambda lib, a, b: getattr(lib, name)(a, b), values, np.array([3, 6, 4, 0, 18], dtype))
    check(lambda lib, a, b: getattr(a.clone(), name + "_")(b), values, values[::-1].copy())
    assert name in check_error(lambda lib, a, b: getattr(lib, name)(a, b), randn((3,)), randn((3,)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64], ids=lambda d: d.__name__)
def test_heaviside(dtype):
    values = np.array([-1.5, 0, 0, 2, 0], dtype)
    check(lambda lib, a, b: lib.heaviside(a, b), values, np.array([0.5, 0.5, 2, 7, 1], dtype), grad=False)
    check(lambda lib, a, b: a.heaviside(b), values, np.array(3, dtype), grad=False)


def test_heaviside_errors():
    message = check_error(lambda lib, a, b: lib.heaviside(a, b), randn((3,)), randn((3,), np.float64))
    assert "heaviside" in message
    message = check_error(lambda lib, a, b: lib.heaviside(a.requires_grad_(), b).sum().backward(), randn((3,)),
                          randn((3,)))
    assert "heaviside" in message


def test_integer_fmod_by_zero():
    check_error(lambda lib, a, b: lib.fmod(a, b), np.arange(3), np.array([1, 0, 2]))


# ---- type promotion over every pair of dtypes ----
NAMES = ("float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool")
PAIRS = list(itertools.product(NAMES, NAMES))
PROMOTING = {name: BINARY[name][0] for name in ("fmax", "fmin", "fmod", "atan2", "hypot", "copysign",
                                                   "float_power", "logaddexp", "logaddexp2", "xlogy",
                                                   "remainder", "floor_divide", "true_divide", "maximum", "minimum",
                                                   "pow")}
PROMOTING["ldexp"] = BINARY["ldexp"][0]
PROMOTING["nextafter"] = BINARY["nextafter"][0]
PROMOTING["gcd"] = lambda lib, a, b: lib.gcd(a, b)
PROMOTING["lcm"] = lambda lib, a, b: a.lcm(b)
PROMOTING["heaviside"] = lambda lib, a, b: lib.heaviside(a, b)
PROMOTING["bitwise_left_shift"] = lambda lib, a, b: lib.bitwise_left_shift(a, b)
PROMOTING["bitwise_right_shift"] = lambda lib, a, b: a >> b


def same_dtype_or_same_error(fn):
    try:
        expected = fn(torch)
    except Exception as exc:  # noqa: BLE001 - whatever torch raises is the expectation
        with pytest.raises(type(exc)):
            fn(ember)
        return
    assert str(fn(ember)) == str(expected)


def pair(lib, name_a, name_b, shape_a=(2, 3), shape_b=(2, 3)):
    def make(name, shape):
        return lib.from_numpy(np.ones(shape, dtype=np.dtype(name)) * (True if name == "bool" else 3))
    return make(name_a, shape_a), make(name_b, shape_b)


@pytest.mark.parametrize("op", PROMOTING)
@pytest.mark.parametrize("a,b", PAIRS)
def test_promotion_of_dtype_pairs(a, b, op):
    same_dtype_or_same_error(lambda lib: PROMOTING[op](lib, *pair(lib, a, b)).dtype)


@pytest.mark.parametrize("op", PROMOTING)
@pytest.mark.parametrize("a,b", [("float32", "float64"), ("int64", "float32"), ("uint8", "int8"),
                                 ("bool", "int32"), ("float16", "int64")])
def test_promotion_with_zero_dim(a, b, op):
    same_dtype_or_same_error(lambda lib: PROMOTING[op](lib, *pair(lib, a, b, (), (2, 3))).dtype)
    same_dtype_or_same_error(lambda lib: PROMOTING[op](lib, *pair(lib, a, b, (2, 3), ())).dtype)


@pytest.mark.parametrize("scalar", [3, -2, 2.5, True], ids=repr)
@pytest.mark.parametrize("op", ["fmod", "remainder", "copysign", "xlogy", "float_power", "bitwise_left_shift",
                                "bitwise_right_shift"])
@pytest.mark.parametrize("name", NAMES)
def test_promotion_with_python_number(name, op, scalar):
    fn = getattr(torch, op)
    tensor = {lib: pair(lib, name, name)[0] for lib in (torch, ember)}
    same_dtype_or_same_error(lambda lib: getattr(lib, fn.__name__)(tensor[lib], scalar).dtype)


# ---- bit shifts ----
INT_DTYPES = [np.int64, np.int32, np.int8, np.uint8]


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("form", ["function", "operator", "reflected", "in_place_operator", "in_place_method",
                                  "scalar"])
@pytest.mark.parametrize("direction", ["left", "right"])
def test_shifts(direction, form, dtype):
    name = f"bitwise_{direction}_shift"
    op = {"left": lambda a, b: a << b, "right": lambda a, b: a >> b}[direction]

    def in_place_operator(lib, a, b):
        a = a.clone()
        a <<= b if direction == "left" else 0
        if direction == "right":
            a >>= b
        return a
    fn = {"function": lambda lib, a, b: getattr(lib, name)(a, b),
          "operator": lambda lib, a, b: op(a, b),
          "reflected": lambda lib, a, b: op(5, b),
          "in_place_operator": in_place_operator,
          "in_place_method": lambda lib, a, b: getattr(a.clone(), name + "_")(b),
          "scalar": lambda lib, a, b: op(a, 2)}[form]
    check(fn, np.asarray(rng.integers(0, 60, (2, 3)), dtype), np.asarray(rng.integers(0, 3, (2, 3)), dtype))


def test_shift_refuses_floats():
    message = check_error(lambda lib, a: a << 1, randn((3,)))
    assert "lshift" in message and "Float" in message
    check_error(lambda lib, a, b: lib.bitwise_right_shift(a, b), np.arange(3), randn((3,)))


# ---- ternary ----
TRIPLE_SHAPES = [((2, 3), (2, 3), (2, 3)), ((3,), (2, 1), (1, 3)), ((), (2, 3), ()), ((), (), ())]


@pytest.mark.parametrize("shapes", TRIPLE_SHAPES, ids=str)
@pytest.mark.parametrize("value", [1, 0.5, -2])
@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addcmul_addcdiv(name, value, shapes):
    e, t = check(lambda lib, a, b, c: getattr(lib, name)(a, b, c, value=value),
                 randn(shapes[0]), randn(shapes[1]), nonzero(shapes[2]))
    assert node_name(e) == node_name(t)
    check(lambda lib, a, b, c: getattr(a, name)(b, c, value=value), randn(shapes[0], np.float64),
          randn(shapes[1], np.float64), nonzero(shapes[2], np.float64))


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addcmul_addcdiv_in_place_and_mixed_dtypes(name):
    check(lambda lib, a, b, c: getattr(a * 1, name + "_")(b, c, value=2), randn((2, 3)), randn((2, 3)),
          nonzero((3,)))
    check(lambda lib, a, b, c: getattr(lib, name)(a, b, c), randn((2, 3)), np.arange(1, 4), nonzero((3,), np.float64))


def test_addcmul_of_integers_and_addcdiv_refusal():
    for value in (3, 0.5, -1.7):
        check(lambda lib, a, b, c: lib.addcmul(a, b, c, value=value), np.arange(6), np.arange(6), np.arange(6))
    message = check_error(lambda lib, a, b, c: lib.addcdiv(a, b, c), np.arange(3), np.arange(3), np.arange(1, 4))
    assert "addcdiv" in message
    check_error(lambda lib, a, b, c: lib.addcmul(a, b, c), *[np.ones(3, bool)] * 3)


@pytest.mark.parametrize("shapes", TRIPLE_SHAPES, ids=str)
@pytest.mark.parametrize("weight", [0.3, 0.7, "tensor"])
def test_lerp(weight, shapes):
    if weight == "tensor":
        e, t = check(lambda lib, a, b, w: lib.lerp(a, b, w), randn(shapes[0]), randn(shapes[1]),
                     np.asarray(rng.uniform(0, 1, shapes[2]), np.float32))
    else:
        e, t = check(lambda lib, a, b: lib.lerp(a, b, weight), randn(shapes[0]), randn(shapes[1]))
    assert node_name(e) == node_name(t)


def test_lerp_method_and_in_place():
    check(lambda lib, a, b: a.lerp(b, 0.25), randn((4,), np.float64), randn((4,), np.float64))
    check(lambda lib, a, b, w: (a * 1).lerp_(b, w), randn((4,)), randn((4,)), randn((4,)))


def test_lerp_errors():
    message = check_error(lambda lib, a, b: lib.lerp(a, b, 0.5), randn((3,)), randn((3,), np.float64))
    assert "end" in message
    check_error(lambda lib, a, b: lib.lerp(a, b, 0.5), np.arange(3), np.arange(3))
    check_error(lambda lib, a, b, w: lib.lerp(a, b, w), randn((3,)), randn((3,)), randn((3,), np.float64))


@pytest.mark.parametrize("bounds", ["tensor_both", "tensor_min", "tensor_max", "mixed"])
def test_clamp_and_clip_with_tensor_bounds(bounds):
    lo, hi = randn((3,)) - 0.5, randn((2, 1)) + 0.5
    fns = {"tensor_both": lambda lib, a, lo, hi: lib.clip(a, lo, hi),
           "tensor_min": lambda lib, a, lo, hi: a.clamp(min=lo),
           "tensor_max": lambda lib, a, lo, hi: a.clip(max=hi),
           "mixed": lambda lib, a, lo, hi: lib.clamp(a, lo, 0.7)}
    if bounds == "mixed":
        check_error(fns[bounds], randn((2, 3)), lo, hi)
    else:
        check(fns[bounds], randn((2, 3)), lo, hi)


@pytest.mark.parametrize("name", ["fmod", "atan2", "hypot", "xlogy", "fmax", "lerp_w", "addcmul"])
def test_second_order(name):
    fns = {"fmod": lambda lib, a, b: lib.fmod(a, b), "atan2": lambda lib, a, b: lib.atan2(a, b),
           "hypot": lambda lib, a, b: lib.hypot(a, b), "xlogy": lambda lib, a, b: lib.xlogy(a, b),
           "fmax": lambda lib, a, b: lib.fmax(a, b), "lerp_w": lambda lib, a, b: lib.lerp(a, b, b),
           "addcmul": lambda lib, a, b: lib.addcmul(a, a, b, value=0.5)}

    def grads(lib, a, b):
        return lib.autograd.grad((fns[name](lib, a, b) ** 2).sum(), (a, b), create_graph=True)
    check(grads, positive((3,), np.float64), positive((3,), np.float64))


def test_out_argument():
    def with_out(lib, a, b):
        out = lib.empty(0)
        assert lib.atan2(a, b, out=out) is out
        return out
    check(with_out, randn((3,)), nonzero((3,)), grad=False)


KEYWORD_CALLS = {
    "atan2": lambda lib, a, b: lib.atan2(input=a, other=b),
    "pow": lambda lib, a, b: lib.pow(input=a.abs(), exponent=b),
    "float_power": lambda lib, a, b: lib.float_power(input=a.abs(), exponent=b),
    "xlogy": lambda lib, a, b: lib.xlogy(input=a, other=b.abs()),
    "fmod": lambda lib, a, b: lib.fmod(input=a, other=b),
    "lerp": lambda lib, a, b: lib.lerp(input=a, end=b, weight=0.3),
    "addcmul": lambda lib, a, b: lib.addcmul(input=a, tensor1=b, tensor2=a, value=2),
    "addcdiv": lambda lib, a, b: lib.addcdiv(input=a, tensor1=a, tensor2=b, value=-1),
    "heaviside": lambda lib, a, b: lib.heaviside(input=a.detach(), values=b.detach()),
    "isclose": lambda lib, a, b: lib.isclose(input=a, other=b, rtol=0.5, atol=0.1, equal_nan=True),
    "method_atan2": lambda lib, a, b: a.atan2(other=b),
    "method_lerp": lambda lib, a, b: a.lerp(end=b, weight=b),
    "method_copysign": lambda lib, a, b: a.copysign(other=b),
    "method_hypot": lambda lib, a, b: a.hypot(other=b),
}


@pytest.mark.parametrize("name", KEYWORD_CALLS)
def test_keyword_names(name):
    check(KEYWORD_CALLS[name], nonzero((2, 3)), nonzero((2, 3)))


@pytest.mark.parametrize("name", ["add", "sub", "add_", "sub_"])
def test_deprecated_alpha_first_overload(name):
    def program(lib, a, b):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns once per process
            return getattr(a * 1, name)(-0.5, b)
    check(program, np.ones(3, np.float32), np.arange(3, dtype=np.float32))
    with pytest.warns(UserWarning, match=f"This overload of {name.rstrip('_')} is deprecated"):
        getattr(ember.ones(2), name)(2, ember.ones(2))
