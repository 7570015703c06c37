"""Diagonals and triangles (tril, triu, diag, diagonal, diag_embed, trace, tril/triu_indices), logspace, meshgrid,
the *_like factories, Tensor.new_*, fill_ and zero_, against torch."""
import warnings

import numpy as np
import pytest
import torch

import ember
from oracle import assert_same, check, check_error

rng = np.random.default_rng(0)


def randn(shape, dtype=np.float32):
    return np.asarray(rng.standard_normal(shape), dtype)


def both(fn):
    return fn(ember), fn(torch)


def node_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


def check_node(fn, *inputs):
    """``check`` plus the same grad_fn name as torch."""
    e_out, t_out = check(fn, *inputs)
    assert node_name(e_out) == node_name(t_out), f"grad_fn ember {node_name(e_out)} torch {node_name(t_out)}"


# ---- tril / triu ----
@pytest.mark.parametrize("name", ["tril", "triu"])
@pytest.mark.parametrize("shape", [(3, 4), (4, 3), (2, 3, 4), (1, 2, 5, 5), (0, 3)])
@pytest.mark.parametrize("k", [0, 1, -1, 5, -5])
def test_triangle(name, shape, k):
    x = randn(shape)
    check_node(lambda lib, a: getattr(lib, name)(a, k), x)
    check(lambda lib, a: getattr(a, name)(diagonal=k), x)
    check(lambda lib, a: getattr(a * 1, name + "_")(k), x)


@pytest.mark.parametrize("name", ["tril", "triu"])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_, np.float64, np.float16])
def test_triangle_dtypes(name, dtype):
    check(lambda lib, a: getattr(lib, name)(a, -1), randn((3, 4)).astype(dtype))


@pytest.mark.parametrize("name", ["tril", "triu"])
def test_triangle_out_and_errors(name):
    x = randn((3, 3))
    check(lambda lib, a: getattr(lib, name)(a, out=lib.empty(0)), x, grad=False)
    message = check_error(lambda lib, a: getattr(lib, name)(a), randn((3,)))
    assert name in message and "2 dimensions" in message


# ---- diagonal (a view), diag, diag_embed, trace ----
@pytest.mark.parametrize("shape, args", [((3, 4), ()), ((3, 4), (1,)), ((3, 4), (-2,)), ((4, 3), (2,)),
                                          ((3, 4), (7,)), ((2, 3, 4), (0, 0, 2)), ((2, 3, 4), (1, -1, 0)),
                                          ((2, 3, 4, 5), (-1, 1, -2)), ((2, 3, 4), (0, 2, 1))])
def test_diagonal(shape, args):
    x = randn(shape)
    check_node(lambda lib, a: lib.diagonal(a, *args), x)
    check(lambda lib, a: a.diagonal(*args), x)
    check(lambda lib, a: a.diagonal(*args).exp(), x)


def test_diagonal_keywords_and_ints():
    check(lambda lib, a: lib.diagonal(a, offset=1, dim1=-1, dim2=0), randn((3, 4, 5)))
    check(lambda lib, a: a.diagonal(dim1=1, dim2=2), np.arange(24).reshape(2, 3, 4))


def test_diagonal_is_a_writable_view():
    e, t = both(lambda lib: lib.arange(12.0).reshape(3, 4))
    for x in (e, t):
        x.diagonal(1).zero_()
        x.diagonal().add_(10)
    assert_same(e, t)
    assert e._version == t._version


def test_in_place_on_diagonal_view_flows_gradients():
    def fn(lib, a):
        y = a * 1
        y.diagonal(-1).mul_(3)
        return y
    check(fn, randn((4, 3)))


@pytest.mark.parametrize("shape, offset", [((4,), 0), ((4,), 2), ((4,), -1), ((1,), 0), ((0,), 1),
                                           ((3, 4), 0), ((3, 4), 1), ((3, 4), -2), ((4, 3), 5)])
def test_diag(shape, offset):
    x = randn(shape)
    check_node(lambda lib, a: lib.diag(a, offset), x)
    check(lambda lib, a: a.diag(diagonal=offset), x)
    check(lambda lib, a: lib.diag(a, offset, out=lib.empty(0)), x, grad=False)


@pytest.mark.parametrize("dtype", [np.int64, np.bool_, np.float64])
def test_diag_dtypes(dtype):
    for shape in ((3,), (3, 3)):
        check(lambda lib, a: lib.diag(a, 1), randn(shape).astype(dtype))


@pytest.mark.parametrize("shape, args", [((3,), ()), ((2, 3), ()), ((2, 3), (1,)), ((2, 3), (-2, 0, 2)),
                                          ((2, 3), (0, 2, 0)), ((2, 3, 4), (1, 1, 3)), ((2, 0), ())])
def test_diag_embed(shape, args):
    x = randn(shape)
    check_node(lambda lib, a: lib.diag_embed(a, *args), x)
    check(lambda lib, a: a.diag_embed(*args), x)


@pytest.mark.parametrize("shape", [(3, 3), (3, 5), (5, 2), (1, 1), (0, 3)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int32, np.uint8, np.int64])
def test_trace(shape, dtype):
    x = randn(shape).astype(dtype) if dtype not in (np.uint8,) else rng.integers(0, 200, shape).astype(dtype)
    check_node(lambda lib, a: lib.trace(a), x)
    check(lambda lib, a: a.trace(), x)


@pytest.mark.parametrize("fn", [lambda lib, a: lib.diagonal(a, 1, 1, 0) ** 2,
                                lambda lib, a: lib.diag_embed(a, -1) ** 2,
                                lambda lib, a: lib.diag(a) ** 2,
                                lambda lib, a: lib.trace(a) ** 2,
                                lambda lib, a: lib.tril(a, 1) ** 2])
def test_double_backward(fn):
    x = randn((3, 4))
    grads = []
    for lib in (ember, torch):
        a = lib.from_numpy(x.copy()).requires_grad_(True)
        (g,) = lib.autograd.grad(fn(lib, a).sum(), a, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), a)
        grads.append((g, gg))
    assert_same(grads[0], grads[1])


@pytest.mark.parametrize("fn, shape, words", [
    (lambda lib, a: lib.diagonal(a), (3,), ["Dimension out of range"]),
    (lambda lib, a: lib.diagonal(a, 0, 1, -1), (3, 3), ["diagonal", "identical"]),
    (lambda lib, a: lib.diagonal(a, 0, 0, 3), (3, 3, 3), ["Dimension out of range"]),
    (lambda lib, a: lib.diag(a), (2, 2, 2), ["diag", "3D"]),
    (lambda lib, a: lib.diag(a), (), ["diag", "0D"]),
    (lambda lib, a: lib.diag_embed(a, 0, 0, 0), (3,), ["diagonal", "identical"]),
    (lambda lib, a: lib.diag_embed(a, 0, 0, 2), (3,), ["Dimension out of range"]),
    (lambda lib, a: lib.diag_embed(a), (), ["Dimension out of range"]),
    (lambda lib, a: lib.trace(a), (3,), ["trace", "dim 1"]),
    (lambda lib, a: lib.trace(a), (2, 2, 2), ["trace", "dim 3"]),
    (lambda lib, a: lib.trace(a > 0), (2, 2), ["trace", "Bool"]),
])
def test_diagonal_errors(fn, shape, words):
    message = check_error(fn, randn(shape))
    assert all(w in message for w in words), message


@pytest.mark.parametrize("name", ["tril_indices", "triu_indices"])
@pytest.mark.parametrize("args", [(3, 3), (3, 4, 1), (4, 3, -1), (5, 2, 10), (3, 4, -10), (0, 4), (1, 1)])
def test_triangle_indices(name, args):
    assert_same(*both(lambda lib: getattr(lib, name)(*args)))
    assert_same(*both(lambda lib: getattr(lib, name)(*args, dtype=lib.int32)))


@pytest.mark.parametrize("name", ["tril_indices", "triu_indices"])
def test_triangle_indices_errors(name):
    assert "row" in check_error(lambda lib: getattr(lib, name)(-1, 3))
    assert "col" in check_error(lambda lib: getattr(lib, name)(3, -1))
    assert name in check_error(lambda lib: getattr(lib, name)(3, 3, dtype=lib.float32))


# ---- logspace ----
@pytest.mark.parametrize("args", [(0, 2, 5), (-1, 2, 7), (0.5, 3.3, 11), (2, -3, 13), (0, 1, 1), (0, 1, 0),
                                  (-2, 2, 100), (1.1, 7.7, 33)])
@pytest.mark.parametrize("base", [10.0, 2, 0.5, 3.3])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32"])
def test_logspace_bit_exact(args, base, dtype):
    assert_same(*both(lambda lib: lib.logspace(*args, base=base, dtype=getattr(lib, dtype))), atol=0, rtol=0)


def test_logspace_defaults_tensor_bounds_and_errors():
    assert_same(*both(lambda lib: lib.logspace(-2, 3, 6)))
    assert_same(*both(lambda lib: lib.logspace(lib.tensor(0.0), lib.tensor(1.5), 4, 2)))
    assert_same(*both(lambda lib: lib.logspace(0, 1, 3, out=lib.empty(0))))
    assert both(lambda lib: lib.logspace(0, 1, 3, requires_grad=True).requires_grad) == (True, True)
    assert "steps" in check_error(lambda lib: lib.logspace(0, 2, -1))


# ---- meshgrid ----
@pytest.mark.parametrize("shapes", [[(3,), (2,)], [(3,), (2,), (4,)], [(3,)], [(), (2,)], [(2,), ()], [(0,), (2,)]])
@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid(shapes, indexing):
    xs = [randn(s) for s in shapes]
    check(lambda lib, *ts: lib.meshgrid(*ts, indexing=indexing), *xs)
    check(lambda lib, *ts: lib.meshgrid(list(ts), indexing=indexing), *xs)
    check(lambda lib, *ts: tuple(g * 2 for g in lib.meshgrid(ts, indexing=indexing)), *xs)


def test_meshgrid_views_ints_and_default_warning():
    e, t = both(lambda lib: lib.meshgrid(lib.arange(3), lib.arange(2), indexing="xy"))
    assert_same(e, t)
    assert [g.stride() for g in e] == [g.stride() for g in t]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        e, t = both(lambda lib: lib.meshgrid(lib.arange(3), lib.arange(2)))
    assert_same(e, t)
    assert [str(w.message)[:60] for w in caught[:1]] == [str(w.message)[:60] for w in caught[1:]]
    assert caught[0].category is UserWarning


@pytest.mark.parametrize("fn, words", [
    (lambda lib: lib.meshgrid(indexing="ij"), ["non-empty"]),
    (lambda lib: lib.meshgrid([], indexing="ij"), ["non-empty"]),
    (lambda lib: lib.meshgrid(lib.ones(2), indexing="foo"), ["indexing", "foo"]),
    (lambda lib: lib.meshgrid(lib.ones(2), lib.arange(2), indexing="ij"), ["same dtype"]),
    (lambda lib: lib.meshgrid(lib.ones(2), lib.ones(2, 2), indexing="ij"), ["0D or 1D", "[2, 2]"]),
])
def test_meshgrid_errors(fn, words):
    message = check_error(fn)
    assert all(w in message for w in words), message


# ---- *_like and Tensor.new_* ----
LIKE = [lambda lib, x: lib.zeros_like(x), lambda lib, x: lib.ones_like(x, dtype=lib.int32),
        lambda lib, x: lib.full_like(x, 7), lambda lib, x: lib.full_like(x, 2.5, dtype=lib.float64),
        lambda lib, x: lib.empty_like(x).shape, lambda lib, x: lib.empty_like(x, dtype=lib.int16).dtype,
        lambda lib, x: lib.zeros_like(x.t()).stride(), lambda lib, x: lib.ones_like(x, requires_grad=True)]


@pytest.mark.parametrize("make", LIKE)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_like(make, dtype):
    x = randn((2, 3)).astype(dtype)
    results = []
    for lib in (ember, torch):
        try:
            results.append(make(lib, lib.from_numpy(x.copy())))
        except RuntimeError as exc:
            results.append(type(exc))
    e, t = results
    if isinstance(t, torch.dtype):
        assert str(e) == str(t)
    elif isinstance(t, torch.Tensor):
        assert_same(e, t)
        assert e.requires_grad == t.requires_grad
    else:
        assert e == t


NEW = [lambda x: x.new_zeros(2, 3), lambda x: x.new_zeros((2, 3)), lambda x: x.new_zeros(size=(2, 3)),
       lambda x: x.new_ones([2], dtype=x.int().dtype), lambda x: x.new_full((2,), 1.7),
       lambda x: x.new_full([2, 1], True), lambda x: x.new_full(size=(1,), fill_value=2),
       lambda x: x.new_tensor([1, 2]), lambda x: x.new_tensor([1.5], dtype=x.double().dtype),
       lambda x: x.new_empty(2, 3).shape, lambda x: x.new_empty(size=(2,)).shape, lambda x: x.new_ones(3, 1),
       lambda x: x.new_zeros(x.shape)]


@pytest.mark.parametrize("make", NEW)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.bool_])
def test_new(make, dtype):
    x = randn((3,)).astype(dtype)
    assert_same(make(ember.from_numpy(x.copy())), make(torch.from_numpy(x.copy())))


def test_new_requires_grad():
    for lib in (ember, torch):
        x = lib.ones(2)
        assert x.new_ones(2, requires_grad=True).requires_grad
        assert x.new_tensor([1.0], requires_grad=True).requires_grad
        assert not x.new_zeros(2).requires_grad
    check_error(lambda lib: lib.ones(2, dtype=lib.int64).new_zeros(2, requires_grad=True))


# ---- fill_ / zero_ ----
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.bool_])
@pytest.mark.parametrize("value", [0, 3, -1.5, True])
def test_fill_and_zero(dtype, value):
    x = randn((2, 3)).astype(dtype)
    check(lambda lib, a: (a * 1 if a.is_floating_point() else a.clone()).fill_(value), x)
    check(lambda lib, a: (a * 1 if a.is_floating_point() else a.clone()).zero_(), x)


def test_fill_tensor_value_and_versions():
    check(lambda lib, a, v: (a * 1).fill_(v), randn((2, 3)), randn(()))
    e, t = both(lambda lib: lib.ones(3))
    for x in (e, t):
        x.fill_(2)
        x.zero_()
    assert_same(e, t)
    assert e._version == t._version == 2
    check_error(lambda lib, a: lib.from_numpy(a).requires_grad_().fill_(1), randn((2,)))
    check_error(lambda lib, a, v: (a * 1).fill_(v), randn((2,)), randn((2,)))
