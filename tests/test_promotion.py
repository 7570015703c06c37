"""Type promotion against torch for every pair of the nine dtypes, 0-d tensors and python scalars."""
import itertools

import numpy as np
import pytest
import torch

import ember

NAMES = ("float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool")
PAIRS = list(itertools.product(NAMES, NAMES))
SCALARS = (3, -2, 2.5, True, False)
OPS = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
       "div": lambda a, b: a / b}


def values(name, shape):
    """Small nonzero values of dtype ``name`` (nonzero so division is defined for every dtype)."""
    return np.ones(shape, dtype=np.dtype(name)) * (True if name == "bool" else 3)


def pair(lib, name_a, name_b, shape_a=(2, 3), shape_b=(2, 3)):
    wrap = torch.from_numpy if lib is torch else ember.from_numpy
    return wrap(values(name_a, shape_a)), wrap(values(name_b, shape_b))


def same_dtype_or_same_error(fn):
    """``fn(lib)`` gives the same dtype on both libraries, or raises the same exception class on both."""
    try:
        expected = fn(torch)
    except Exception as exc:  # noqa: BLE001 - whatever torch raises is the expectation
        with pytest.raises(type(exc)):
            fn(ember)
        return
    got = fn(ember)
    assert str(got) == str(expected), f"ember {got} != torch {expected}"


@pytest.mark.parametrize("a,b", PAIRS)
def test_promote_types(a, b):
    assert str(ember.promote_types(getattr(ember, a), getattr(ember, b))) == \
        str(torch.promote_types(getattr(torch, a), getattr(torch, b)))


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("a,b", PAIRS)
def test_tensor_tensor(a, b, op):
    same_dtype_or_same_error(lambda lib: OPS[op](*pair(lib, a, b)).dtype)


@pytest.mark.parametrize("a,b", PAIRS)
@pytest.mark.parametrize("shapes", [((), (2, 3)), ((2, 3), ()), ((), ())], ids=["0d-dim", "dim-0d", "0d-0d"])
def test_zero_dim_with_tensor(a, b, shapes):
    same_dtype_or_same_error(lambda lib: (lambda x, y: x + y)(*pair(lib, a, b, *shapes)).dtype)


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
@pytest.mark.parametrize("name", NAMES)
def test_tensor_with_python_scalar(name, scalar, op):
    tensor = {lib: pair(lib, name, name)[0] for lib in (torch, ember)}
    same_dtype_or_same_error(lambda lib: OPS[op](tensor[lib], scalar).dtype)
    same_dtype_or_same_error(lambda lib: OPS[op](scalar, tensor[lib]).dtype)


@pytest.mark.parametrize("a,b", PAIRS)
def test_result_type(a, b):
    same_dtype_or_same_error(lambda lib: lib.result_type(*pair(lib, a, b)))
    same_dtype_or_same_error(lambda lib: lib.result_type(*pair(lib, a, b, (), (4,))))


@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
@pytest.mark.parametrize("name", NAMES)
def test_result_type_with_scalar(name, scalar):
    same_dtype_or_same_error(lambda lib: lib.result_type(pair(lib, name, name)[0], scalar))
    same_dtype_or_same_error(lambda lib: lib.result_type(scalar, pair(lib, name, name)[0]))


@pytest.mark.parametrize("a,b", list(itertools.product(SCALARS, SCALARS)), ids=repr)
def test_result_type_of_two_scalars(a, b):
    same_dtype_or_same_error(lambda lib: lib.result_type(a, b))


def test_default_dtype_drives_float_scalars():
    ember.set_default_dtype(ember.float64)
    try:
        assert (ember.tensor([1, 2]) * 0.5).dtype is ember.float64
        assert (ember.tensor([1.0], dtype=ember.float32) * 0.5).dtype is ember.float32
    finally:
        ember.set_default_dtype(ember.float32)
