"""Order statistics and counting against torch: sort, topk, kthvalue, median, mode, quantile, unique, bincount,
histc. Where torch documents no order among ties (topk, kthvalue, median/mode indices) the data is tie-free."""
import numpy as np
import pytest
import torch

import ember
from oracle import check, check_error

rng = np.random.default_rng(0)


def randn(*shape, dtype=np.float32):
    return np.asarray(rng.standard_normal(shape), dtype)


def ints(*shape, low=-3, high=4):
    return rng.integers(low, high, shape)


def with_ties(*shape):
    return np.asarray(rng.integers(0, 3, shape), np.float32)


def with_nans(*shape):
    x = randn(*shape)
    x[rng.random(shape) < 0.3] = np.nan
    return x


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("data", [randn, with_ties, with_nans, ints])
def test_sort_stable(data, dim, descending):
    e, _ = check(lambda lib, a: lib.sort(a, stable=True, dim=dim, descending=descending), data(3, 4, 5))
    assert repr(e).startswith("torch.return_types.sort(")
    check(lambda lib, a: a.sort(dim=dim, descending=descending, stable=True).values, data(3, 4, 5))


@pytest.mark.parametrize("descending", [False, True])
def test_argsort_and_msort(descending):
    check(lambda lib, a: a.argsort(stable=True, dim=1, descending=descending), with_ties(3, 6))
    check(lambda lib, a: lib.argsort(a, descending=descending), randn(3, 6))
    check(lambda lib, a: a.msort(), randn(4, 3))


def test_sort_of_0d():
    check(lambda lib, a: a.sort(), np.array(1.5, np.float32))


@pytest.mark.parametrize("k,dim", [(1, -1), (3, 1), (2, 0), (0, 1)])
@pytest.mark.parametrize("largest", [True, False])
def test_topk(k, dim, largest):
    e, _ = check(lambda lib, a: a.topk(k, dim, largest), randn(3, 5))
    assert repr(e).startswith("torch.return_types.topk(")
    check(lambda lib, a: lib.topk(a, k, dim=dim, largest=largest, sorted=True), randn(3, 5))


def test_topk_unsorted_has_the_same_elements():
    x = randn(4, 6)
    e = ember.from_numpy(x).topk(3, sorted=False).values.sort().values
    t = torch.from_numpy(x).topk(3, sorted=False).values.sort().values
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("k,dim,keepdim", [(1, -1, False), (3, 1, True), (2, 0, False)])
def test_kthvalue(k, dim, keepdim):
    e, _ = check(lambda lib, a: a.kthvalue(k, dim, keepdim), randn(3, 5))
    assert repr(e).startswith("torch.return_types.kthvalue(")
    check(lambda lib, a: lib.kthvalue(a, k, dim=dim), randn(3, 5))


@pytest.mark.parametrize("op", ["median", "nanmedian"])
@pytest.mark.parametrize("data", [randn, with_ties, with_nans])
@pytest.mark.parametrize("shape", [(3, 5), (4, 4), (1,), ()])
def test_median_of_all_is_the_lower_median_and_shares_ties(op, data, shape):
    check(lambda lib, a: getattr(a, op)(), data(*shape))


@pytest.mark.parametrize("op", ["median", "nanmedian"])
@pytest.mark.parametrize("dim,keepdim", [(0, False), (1, True), (-1, False)])
def test_median_along_dim(op, dim, keepdim):  # tie-free: torch documents no index order among ties
    e, _ = check(lambda lib, a: getattr(lib, op)(a, dim, keepdim), randn(4, 5))
    assert repr(e).startswith(f"torch.return_types.{op}(")


def test_median_with_nans_along_dim():
    """median picks a nan (the first one) where a line has one; nanmedian the lower median of the rest."""
    x = np.array([[1., np.nan, 3., np.nan, 0.], [2., 5., np.nan, 4., 1.], [3., 1., 2., 0., 4.]], np.float32)
    check(lambda lib, a: a.median(1), x)
    check(lambda lib, a: a.nanmedian(1), x)


def test_nanmedian_of_an_all_nan_line_is_nan():
    x = np.array([[np.nan, np.nan], [1., 2.]], np.float32)
    check(lambda lib, a: a.nanmedian(1).values, x)  # the index into an all-nan line is unspecified


def test_median_of_ints_and_empty():
    check(lambda lib, a: a.median(), ints(3, 4))
    check(lambda lib, a: a.median(0), ints(3, 4, low=0, high=100) * 1000 + np.arange(12).reshape(3, 4))
    check(lambda lib, a: a.median(), np.zeros((0, 3), np.float32))


@pytest.mark.parametrize("dim,keepdim", [(-1, False), (0, True), (1, False)])
def test_mode_picks_the_smallest_most_frequent_value_at_its_last_index(dim, keepdim):
    e, _ = check(lambda lib, a: a.mode(dim, keepdim), with_ties(5, 6))
    assert repr(e).startswith("torch.return_types.mode(")
    check(lambda lib, a: lib.mode(a, dim), ints(5, 6))


def test_mode_of_distinct_values_and_0d():
    check(lambda lib, a: a.mode(), randn(3, 4))
    check(lambda lib, a: a.mode(0), np.array(2.0, np.float32))


INTERPOLATIONS = ["linear", "lower", "higher", "midpoint", "nearest"]


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
@pytest.mark.parametrize("dim,keepdim", [(None, False), (None, True), (0, False), (-1, True)], ids=str)
@pytest.mark.parametrize("op", ["quantile", "nanquantile"])
def test_quantile(op, dim, keepdim, interpolation):
    for q in (0.3, 0.5, 1.0, 0.0):
        check(lambda lib, a: getattr(a, op)(q, dim, keepdim, interpolation=interpolation), randn(4, 5))
    check(lambda lib, a: getattr(lib, op)(a, lib.tensor([0.1, 0.25, 0.9]), dim, keepdim,
                                          interpolation=interpolation), randn(4, 5))


@pytest.mark.parametrize("op", ["quantile", "nanquantile"])
@pytest.mark.parametrize("dim", [None, 1])
def test_quantile_with_nans(op, dim):
    x = with_nans(4, 5)
    x[0] = np.nan
    grad = op == "nanquantile"  # quantile's nan result picks one of several nans: which one torch leaves unspecified
    check(lambda lib, a: getattr(a, op)(0.4, dim), x, grad=grad)
    check(lambda lib, a: getattr(a, op)(lib.tensor([0.2, 0.7]), dim, interpolation="nearest"), x, grad=grad)


def test_quantile_float64_and_0d():
    check(lambda lib, a: lib.quantile(a, 0.7, 0), randn(6, 2, dtype=np.float64))
    check(lambda lib, a: lib.quantile(a, lib.tensor(0.7, dtype=lib.float64)), randn(6, dtype=np.float64))
    check(lambda lib, a: a.quantile(0.5), np.array(2.0, np.float32))


@pytest.mark.parametrize("kwargs", [{}, {"return_inverse": True}, {"return_counts": True},
                                    {"return_inverse": True, "return_counts": True}, {"sorted": False}], ids=str)
@pytest.mark.parametrize("dim", [None, 0, 1])
def test_unique(kwargs, dim):
    check(lambda lib, a: lib.unique(a, dim=dim, **kwargs), with_ties(4, 3), grad=False)
    check(lambda lib, a: a.unique(dim=dim, **kwargs), ints(4, 3, low=0, high=2), grad=False)


def test_unique_counts_each_nan_apart():
    check(lambda lib, a: a.unique(return_counts=True), np.array([1., np.nan, 1., np.nan], np.float32),
          grad=False)


@pytest.mark.parametrize("kwargs", [{}, {"return_inverse": True}, {"return_counts": True},
                                    {"return_inverse": True, "return_counts": True}], ids=str)
@pytest.mark.parametrize("dim", [None, 0, 1])
def test_unique_consecutive(kwargs, dim):
    x = np.array([[1, 1, 2], [1, 1, 2], [3, 1, 1], [3, 1, 1], [1, 1, 2]], np.float32)
    check(lambda lib, a: lib.unique_consecutive(a, dim=dim, **kwargs), x, grad=False)
    check(lambda lib, a: a.unique_consecutive(dim=dim, **kwargs), x.astype(np.int64), grad=False)


@pytest.mark.parametrize("op", ["unique", "unique_consecutive"])
def test_unique_has_no_derivative(op):
    x = with_ties(5)
    e, t = ember.from_numpy(x).requires_grad_(), torch.from_numpy(x).requires_grad_()
    assert getattr(e, op)().grad_fn.name() == getattr(t, op)().grad_fn.name()
    with pytest.raises(NotImplementedError, match="derivative"):
        getattr(e, op)().sum().backward()


@pytest.mark.parametrize("weights", [None, np.float32, np.float64, np.int64])
@pytest.mark.parametrize("minlength", [0, 10])
def test_bincount(weights, minlength):
    x = ints(12, low=0, high=6)
    if weights is None:
        check(lambda lib, a: lib.bincount(a, minlength=minlength), x)
        check(lambda lib, a: a.bincount(), np.zeros(0, np.int64))
    else:
        check(lambda lib, a, w: a.bincount(w, minlength), x, randn(12).astype(weights) * 3, grad=False)


@pytest.mark.parametrize("kwargs", [{}, {"bins": 5}, {"bins": 4, "min": -1, "max": 1}, {"bins": 3, "min": 0, "max": 0}],
                         ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_histc(kwargs, dtype):
    check(lambda lib, a: lib.histc(a, **kwargs), randn(50, dtype=dtype))
    check(lambda lib, a: a.histc(**kwargs), np.array([0., 1., 1., 2., 5., 5.], dtype))


def test_histc_constant_input_and_nans_outside_a_given_range():
    check(lambda lib, a: a.histc(4), np.full(5, 3.0, np.float32))
    check(lambda lib, a: a.histc(4, -1, 1), with_nans(20))


ERRORS = {
    "median_empty_dim": (lambda lib, a: a.median(0), np.zeros((0, 3), np.float32)),
    "mode_empty_dim": (lambda lib, a: a.mode(0), np.zeros((0, 3), np.float32)),
    "kthvalue_empty_dim": (lambda lib, a: a.kthvalue(1, 0), np.zeros((0, 3), np.float32)),
    "kthvalue_k": (lambda lib, a: lib.kthvalue(a, 4, 1), randn(2, 3)),
    "kthvalue_k0": (lambda lib, a: lib.kthvalue(a, 0, 1), randn(2, 3)),
    "topk_k": (lambda lib, a: lib.topk(a, 4), randn(2, 3)),
    "sort_dim": (lambda lib, a: a.sort(2), randn(2, 3)),
    "argsort_dim": (lambda lib, a: a.argsort(-3), randn(2, 3)),
    "median_dim": (lambda lib, a: a.median(5), randn(2, 3)),
    "quantile_q": (lambda lib, a: a.quantile(1.5), randn(2, 3)),
    "quantile_q_tensor": (lambda lib, a: a.quantile(lib.tensor([0.5, -0.1])), randn(2, 3)),
    "quantile_int": (lambda lib, a: a.quantile(0.5), ints(2, 3)),
    "quantile_q_dtype": (lambda lib, a: a.quantile(lib.tensor([0.5], dtype=lib.float64)), randn(2, 3)),
    "quantile_interpolation": (lambda lib, a: a.quantile(0.5, interpolation="foo"), randn(2, 3)),
    "quantile_empty": (lambda lib, a: a.quantile(0.5), np.zeros((0, 3), np.float32)),
    "nanquantile_q": (lambda lib, a: a.nanquantile(2.0), randn(2, 3)),
    "unique_dim": (lambda lib, a: lib.unique(a, dim=3), randn(2, 3)),
    "bincount_negative": (lambda lib, a: lib.bincount(a), np.array([-1, 2])),
    "bincount_2d": (lambda lib, a: lib.bincount(a), np.array([[1]])),
    "bincount_float": (lambda lib, a: lib.bincount(a), randn(3)),
    "histc_int": (lambda lib, a: lib.histc(a), ints(2, 3)),
    "histc_bins": (lambda lib, a: lib.histc(a, bins=-1), randn(5)),
    "histc_range": (lambda lib, a: lib.histc(a, min=2, max=1), randn(5)),
    "histc_nan_range": (lambda lib, a: lib.histc(a), np.array([1., np.nan], np.float32)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    fn, x = ERRORS[name]
    assert check_error(fn, x)


def test_error_messages_name_the_op_and_what_was_received():
    assert "Long" in check_error(lambda lib, a: a.quantile(0.5), ints(2, 3))
    assert "(2, 3)" in check_error(lambda lib, a: lib.topk(a, 4), randn(2, 3))
    assert "kthvalue()" in check_error(lambda lib, a: lib.kthvalue(a, 4, 1), randn(2, 3))


@pytest.mark.parametrize("name,fn", [
    ("SortBackward0", lambda a: a.sort(0).values), ("TopkBackward0", lambda a: a.topk(1)[0]),
    ("KthvalueBackward0", lambda a: a.kthvalue(1, 0)[0]), ("MedianBackward0", lambda a: a.median()),
    ("MedianBackward1", lambda a: a.median(0)[0]), ("NanmedianBackward0", lambda a: a.nanmedian()),
    ("NanmedianBackward1", lambda a: a.nanmedian(1).values), ("ModeBackward0", lambda a: a.mode(0)[0])])
def test_grad_fn_names(name, fn):
    assert fn(ember.from_numpy(randn(2, 3)).requires_grad_()).grad_fn.name() == name


@pytest.mark.parametrize("op", ["sort", "topk"])
def test_double_backward_through_the_permutation(op):
    x = randn(3, 4, dtype=np.float64)
    call = {"sort": lambda a: a.sort(1).values, "topk": lambda a: a.topk(2, 1).values}[op]
    e, t = ember.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    (ge,) = ember.autograd.grad((call(e) ** 3).sum(), e, create_graph=True)
    (gt,) = torch.autograd.grad((call(t) ** 3).sum(), t, create_graph=True)
    np.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy())
    (gge,) = ember.autograd.grad(ge.sum(), e)
    (ggt,) = torch.autograd.grad(gt.sum(), t)
    np.testing.assert_allclose(gge.numpy(), ggt.numpy())


@pytest.mark.parametrize("op,args", [("sort", (1,)), ("topk", (2,)), ("kthvalue", (2,)), ("median", (1,)),
                                     ("nanmedian", (0,)), ("mode", (1,)), ("cummax", (1,)), ("cummin", (0,)),
                                     ("max", (1,)), ("min", (0,))])
def test_out_pairs_are_written(op, args):
    x = randn(3, 4)
    values, indices = ember.empty(0), ember.empty(0, dtype=ember.int64)
    t_values, t_indices = torch.empty(0), torch.empty(0, dtype=torch.int64)
    result = getattr(ember, op)(ember.from_numpy(x), *args, out=(values, indices))
    getattr(torch, op)(torch.from_numpy(x), *args, out=(t_values, t_indices))
    assert result.values is values and result.indices is indices
    np.testing.assert_array_equal(values.numpy(), t_values.numpy())
    np.testing.assert_array_equal(indices.numpy(), t_indices.numpy())
