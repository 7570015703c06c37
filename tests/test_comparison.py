"""Comparisons, value tests and logical ops against torch: bool results, promotion, broadcasting, errors."""
import itertools

import numpy as np
import pytest
import torch

import ember
from oracle import check, check_error

rng = np.random.default_rng(0)

NAMES = ("float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool")


def small_ints(shape, dtype):
    """Values 0..2 in any dtype, so comparisons see ties as well as both orders."""
    return np.asarray(rng.integers(0, 3, shape), dtype)


COMPARE = {
    "eq": lambda lib, a, b: lib.eq(a, b), "ne": lambda lib, a, b: lib.ne(a, b),
    "lt": lambda lib, a, b: lib.lt(a, b), "le": lambda lib, a, b: lib.le(a, b),
    "gt": lambda lib, a, b: lib.gt(a, b), "ge": lambda lib, a, b: lib.ge(a, b),
    "greater": lambda lib, a, b: lib.greater(a, b), "greater_equal": lambda lib, a, b: lib.greater_equal(a, b),
    "less": lambda lib, a, b: lib.less(a, b), "less_equal": lambda lib, a, b: lib.less_equal(a, b),
    "not_equal": lambda lib, a, b: lib.not_equal(a, b),
    "==": lambda lib, a, b: a == b, "!=": lambda lib, a, b: a != b, "<": lambda lib, a, b: a < b,
    "<=": lambda lib, a, b: a <= b, ">": lambda lib, a, b: a > b, ">=": lambda lib, a, b: a >= b,
    "method_lt": lambda lib, a, b: a.lt(b), "method_greater_equal": lambda lib, a, b: a.greater_equal(b),
}
LOGICAL = {
    "logical_and": lambda lib, a, b: lib.logical_and(a, b), "logical_or": lambda lib, a, b: lib.logical_or(a, b),
    "logical_xor": lambda lib, a, b: lib.logical_xor(a, b), "method_logical_and": lambda lib, a, b: a.logical_and(b),
}
SHAPE_PAIRS = [((2, 3), (2, 3)), ((3, 1), (4,)), ((2, 3), ()), ((), ())]


@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
@pytest.mark.parametrize("name", {**COMPARE, **LOGICAL})
def test_binary_bool_results(name, shapes):
    fn = {**COMPARE, **LOGICAL}[name]
    e, _ = check(fn, small_ints(shapes[0], np.float32), small_ints(shapes[1], np.float32))
    assert e.grad_fn is None and not e.requires_grad


@pytest.mark.parametrize("name", {**COMPARE, **LOGICAL})
@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_every_dtype_pair(a, b, name):
    fn = {**COMPARE, **LOGICAL}[name]
    check(fn, small_ints((2, 3), np.dtype(a)), small_ints((2, 3), np.dtype(b)))


@pytest.mark.parametrize("scalar", [1, 1.5, True, -1], ids=repr)
@pytest.mark.parametrize("name", ["eq", "lt", "ge", "ne"])
@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8", "bool"])
def test_with_python_number(dtype, name, scalar):
    check(lambda lib, a: getattr(lib, name)(a, scalar), small_ints((5,), np.dtype(dtype)))


@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
def test_logical_ops_refuse_numbers(name):
    message = check_error(lambda lib, a: getattr(lib, name)(a, 1), small_ints((3,), np.float32))
    assert name in message


@pytest.mark.parametrize("name", ["lt", "<=", "ne"])
def test_reflected_number_comparisons(name):
    fn = {"lt": lambda lib, a: 1 < a, "<=": lambda lib, a: 1.5 >= a, "ne": lambda lib, a: 2 != a}[name]
    check(fn, small_ints((4,), np.float32))


@pytest.mark.parametrize("name", ["eq", "lt", "logical_xor"])
def test_in_place_comparison_keeps_dtype(name):
    check(lambda lib, a, b: getattr(a.clone(), name + "_")(b), small_ints((2, 3), np.float32),
          small_ints((3,), np.float32), grad=False)


def test_out_argument():
    def with_out(lib, a, b):
        out = lib.empty(0, dtype=lib.bool)
        assert lib.gt(a, b, out=out) is out
        return out
    check(with_out, small_ints((3,), np.int64), small_ints((3,), np.int64))


def test_broadcast_error_names_sizes():
    message = check_error(lambda lib, a, b: lib.lt(a, b), small_ints((2, 3), np.float32),
                          small_ints((4,), np.float32))
    assert "(3)" in message and "(4)" in message


def test_none_comparison_falls_back_to_python():
    for lib in (torch, ember):
        t = lib.ones(2)
        assert (t == None) is False and (t != None) is True  # noqa: E711 - the operator itself is under test


def test_logical_not():
    for dtype in ("float32", "int64", "bool"):
        check(lambda lib, a: lib.logical_not(a), small_ints((2, 3), np.dtype(dtype)))
        check(lambda lib, a: a.logical_not(), small_ints((4,), np.dtype(dtype)))


@pytest.mark.parametrize("dtypes", [("int64", "int64"), ("int32", "int64"), ("uint8", "bool"), ("bool", "bool")])
@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor", "&", "|", "^"])
def test_bitwise(name, dtypes):
    fns = {"&": lambda lib, a, b: a & b, "|": lambda lib, a, b: a | b, "^": lambda lib, a, b: a ^ b}
    fn = fns.get(name, lambda lib, a, b: getattr(lib, name)(a, b))
    check(fn, small_ints((2, 3), np.dtype(dtypes[0])), small_ints((3,), np.dtype(dtypes[1])))


@pytest.mark.parametrize("dtype", ["int64", "uint8", "bool"])
def test_bitwise_not_and_invert(dtype):
    check(lambda lib, a: lib.bitwise_not(a), small_ints((5,), np.dtype(dtype)))
    check(lambda lib, a: ~a, small_ints((5,), np.dtype(dtype)))


def test_bitwise_refuses_floats():
    message = check_error(lambda lib, a, b: lib.bitwise_and(a, b), small_ints((3,), np.float32),
                          small_ints((3,), np.float32))
    assert "Float" in message
    check_error(lambda lib, a: ~a, small_ints((3,), np.float32))


# ---- value tests ----
SPECIAL = np.array([0.0, -0.0, 1.5, -2.0, np.nan, np.inf, -np.inf])
TESTS = ["isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit"]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("name", TESTS)
def test_value_tests(name, dtype):
    e, _ = check(lambda lib, a: getattr(lib, name)(a), SPECIAL.astype(dtype))
    assert e.grad_fn is None
    check(lambda lib, a: getattr(a, name)(), SPECIAL.astype(dtype).reshape(7, 1))
    check(lambda lib, a: getattr(lib, name)(a), np.array(SPECIAL[4], dtype))


@pytest.mark.parametrize("dtype", ["int64", "uint8", "int8", "bool"])
@pytest.mark.parametrize("name", TESTS)
def test_value_tests_of_integers(name, dtype):
    check(lambda lib, a: getattr(lib, name)(a), np.array([0, 1, 2, -1], dtype=dtype) if dtype != "uint8"
          else np.array([0, 1, 255], dtype))


@pytest.mark.parametrize("kwargs", [{}, {"rtol": 0.1}, {"atol": 0.5}, {"rtol": 0, "atol": 0},
                                    {"equal_nan": True}])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_isclose_and_allclose(dtype, kwargs):
    a = np.array([1.0, 1.0, 2.0, np.nan, np.inf, -np.inf, 100.0, 0.0])
    b = np.array([1.0, 1.05, 2.4, np.nan, np.inf, np.inf, 100.001, 1e-9])
    if dtype == "int64":
        a, b = np.array([1, 2, 3, 10, 0]), np.array([1, 3, 3, 11, 0])
    check(lambda lib, x, y: lib.isclose(x, y, **kwargs), a.astype(dtype), b.astype(dtype), grad=False)
    check(lambda lib, x, y: x.isclose(y, **kwargs), a.astype(dtype), b.astype(dtype), grad=False)
    check(lambda lib, x, y: lib.allclose(x, y, **kwargs), a.astype(dtype), b.astype(dtype), grad=False)
    check(lambda lib, x, y: x.allclose(x, **kwargs), a.astype(dtype), b.astype(dtype), grad=False)


def test_isclose_broadcasts_and_handles_bool():
    check(lambda lib, a, b: lib.isclose(a, b), np.array([1.0, 2.0]), np.array([[1.0], [2.0]]))
    check(lambda lib, a, b: lib.isclose(a, b), np.array([True, False]), np.array([True, True]))


@pytest.mark.parametrize("fn", [lambda lib, a, b: lib.isclose(a, b), lambda lib, a, b: lib.allclose(a, b),
                                lambda lib, a, b: lib.isclose(a, a, rtol=-1), lambda lib, a, b: lib.isclose(a, 1.0),
                                lambda lib, a, b: lib.isclose(a, a, atol=-0.5)],
                         ids=["dtypes", "allclose_dtypes", "rtol", "number", "atol"])
def test_isclose_errors(fn):
    message = check_error(fn, np.ones(3, np.float32), np.ones(3, np.float64))
    assert "isclose" in message or "tol" in message


@pytest.mark.parametrize("b", [np.array([1.0, 2.0], np.float32), np.array([1.0, 2.0]), np.array([1, 2]),
                               np.array([1.0, 3.0], np.float32), np.array([1.0], np.float32),
                               np.array([[1.0, 2.0]], np.float32)], ids=["same", "double", "long", "differ",
                                                                           "shorter", "reshaped"])
def test_equal(b):
    check(lambda lib, x, y: lib.equal(x, y), np.array([1.0, 2.0], np.float32), b, grad=False)
    check(lambda lib, x, y: x.equal(y), np.array([1.0, 2.0], np.float32), b, grad=False)
