"""Reductions against torch: values, dtypes, gradients of every input, named tuples and errors."""
import numpy as np
import pytest
import torch

import ember
from oracle import check, check_error

rng = np.random.default_rng(0)


def randn(*shape, dtype=np.float32):
    return np.asarray(rng.standard_normal(shape), dtype)


def with_zeros(*shape):
    """Random values with some exact zeros, two of them in the first line (products' hardest case)."""
    x = randn(*shape)
    x[rng.random(shape) < 0.3] = 0
    x.reshape(-1, shape[-1])[0, :2] = 0
    return x


def with_nans(*shape):
    x = randn(*shape)
    x[rng.random(shape) < 0.3] = np.nan
    return x


def ints(*shape):
    return rng.integers(-3, 4, shape)


DIMS = [None, 0, -1, (0, 2), (-1, 1)]
DIMS_AND_KEEP = [(d, k) for d in DIMS for k in (False, True)]


def reduce_kwargs(dim, keepdim):
    return {"keepdim": True} if dim is None and keepdim else {} if dim is None else {"dim": dim, "keepdim": keepdim}


@pytest.mark.parametrize("dim,keepdim", DIMS_AND_KEEP, ids=str)
@pytest.mark.parametrize("op", ["sum", "nansum", "mean", "nanmean"])
def test_sum_mean_and_nan_forms(op, dim, keepdim):
    kw = reduce_kwargs(dim, keepdim)
    if op.startswith("nan") or kw != {"keepdim": True}:  # torch's sum/mean reject keepdim without dim
        check(lambda lib, a: getattr(a, op)(**kw), randn(2, 3, 4))
    if op.startswith("nan"):
        check(lambda lib, a: getattr(lib, op)(a, **kw), with_nans(2, 3, 4))


@pytest.mark.parametrize("op", ["nansum", "nanmean"])
@pytest.mark.parametrize("dtype", ["float64", None])
def test_nan_forms_dtype(op, dtype):
    check(lambda lib, a: getattr(a, op)(1, dtype=None if dtype is None else getattr(lib, dtype)), with_nans(3, 4))


def test_nansum_of_ints_is_int64():
    check(lambda lib, a: lib.nansum(a, 0), ints(3, 4))


@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": -1, "keepdim": True}, {"dim": 0, "dtype": "float64"}],
                         ids=str)
@pytest.mark.parametrize("data", [randn, with_zeros])
def test_prod(data, kwargs):
    check(lambda lib, a: a.prod(**{k: getattr(lib, v) if k == "dtype" else v for k, v in kwargs.items()}),
          data(3, 4))


def test_prod_gradient_with_one_and_two_zeros_in_a_line():
    x = np.array([[0., 2., 3.], [0., 0., 5.], [1., 2., 4.]], np.float32)
    check(lambda lib, a: a.prod(1), x)
    check(lambda lib, a: a.prod(), x[:1])
    check(lambda lib, a: lib.prod(a), x)


def test_prod_of_ints_and_0d():
    check(lambda lib, a: lib.prod(a, 0), ints(3, 4))
    check(lambda lib, a: a.prod(), np.array(0.0, np.float32))
    check(lambda lib, a: a.prod(0), np.array(3.0, np.float32))


def test_prod_double_backward():
    x = with_zeros(3, 4).astype(np.float64)
    e, t = ember.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    (ge,) = ember.autograd.grad(e.prod(1).sum(), e, create_graph=True)
    (gt,) = torch.autograd.grad(t.prod(1).sum(), t, create_graph=True)
    np.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy())
    (gge,) = ember.autograd.grad((ge * ge).sum(), e)
    (ggt,) = torch.autograd.grad((gt * gt).sum(), t)
    np.testing.assert_allclose(gge.numpy(), ggt.numpy(), atol=1e-12)


@pytest.mark.filterwarnings("ignore:.*degrees of freedom")
@pytest.mark.parametrize("dim,keepdim", DIMS_AND_KEEP, ids=str)
@pytest.mark.parametrize("op", ["var", "std", "var_mean", "std_mean"])
@pytest.mark.parametrize("correction", [None, 0, 2])
def test_var_std(op, dim, keepdim, correction):
    kw = reduce_kwargs(dim, keepdim)
    if correction is not None:
        kw["correction"] = correction
    check(lambda lib, a: getattr(lib, op)(a, **kw), randn(2, 3, 4))


@pytest.mark.parametrize("op", ["var", "std"])
def test_var_std_unbiased_positional_forms(op):
    x = randn(3, 4)
    check(lambda lib, a: getattr(a, op)(False), x)
    check(lambda lib, a: getattr(a, op)(1, True, True), x)
    check(lambda lib, a: getattr(lib, op)(a, 0, unbiased=False), x)


@pytest.mark.parametrize("op", ["var", "std", "var_mean", "std_mean"])
def test_var_std_of_one_element_is_nan_with_torchs_warning(op):
    with pytest.warns(UserWarning, match=f"{op}\\(\\): degrees of freedom is <= 0"):
        check(lambda lib, a: getattr(lib, op)(a, 0), randn(1, 3))


def test_std_gradient_where_std_is_zero():
    check(lambda lib, a: a.std(1), np.array([[1., 1., 1.], [1., 2., 4.]], np.float32))


P_VALUES = [2, 1, 3.5, 0.5, float("inf"), -float("inf"), 0, "fro"]


@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, False), (-1, True), ((0, 2), False)], ids=str)
@pytest.mark.parametrize("p", P_VALUES, ids=str)
def test_norm(p, dim, keepdim):
    check(lambda lib, a: a.norm(p, dim, keepdim), randn(2, 3, 4))
    check(lambda lib, a: lib.norm(a, p=p, dim=dim, keepdim=keepdim), randn(2, 3, 4))


@pytest.mark.parametrize("p", [2, float("inf"), 1])
def test_norm_ties_and_zero_vector(p):
    x = np.array([[1., -3., 3.], [0., 0., 0.]], np.float32)
    check(lambda lib, a: a.norm(p, dim=1), x)


def test_norm_dtype_and_nuclear():
    check(lambda lib, a: a.norm(dtype=lib.float64), randn(3, 4))
    check(lambda lib, a: lib.norm(a, "nuc"), randn(3, 4, dtype=np.float64))


@pytest.mark.parametrize("p", [2, 1, 3, float("inf"), 0])
def test_dist(p):
    check(lambda lib, a, b: lib.dist(a, b, p), randn(3, 4), randn(4), grad=p != 0)  # torch fails p=0 backward
    check(lambda lib, a, b: a.dist(b), randn(3, 4), randn(3, 1))


@pytest.mark.parametrize("dim,keepdim", [(0, False), (-1, True), ((0, 2), False), ((0, 1, 2), True)], ids=str)
def test_logsumexp(dim, keepdim):
    check(lambda lib, a: a.logsumexp(dim, keepdim), randn(2, 3, 4))


def test_logsumexp_large_values_and_infinities_and_ints():
    check(lambda lib, a: lib.logsumexp(a, 1), np.array([[1000., 1000.], [-np.inf, -np.inf], [np.inf, 1.]],
                                                        np.float32), grad=False)
    check(lambda lib, a: lib.logsumexp(a, 1), np.array([[1000., 999.], [-1000., -1001.]], np.float32))
    check(lambda lib, a: lib.logsumexp(a, 0), ints(3, 4))


@pytest.mark.parametrize("dim,keepdim", [((), False), ((), True)] + DIMS_AND_KEEP[2:], ids=str)
@pytest.mark.parametrize("op", ["amax", "amin"])
def test_amax_amin(op, dim, keepdim):
    check(lambda lib, a: getattr(a, op)(dim, keepdim), randn(2, 3, 4))


@pytest.mark.parametrize("op", ["amax", "amin", "max", "min"])
def test_ties_share_the_gradient_evenly(op):
    x = np.array([[1., 3., 3.], [1., 1., -2.]], np.float32)
    check(lambda lib, a: getattr(a, op)(), x)
    if op.startswith("a"):
        check(lambda lib, a: getattr(lib, op)(a, 1), x)


def test_max_min_of_all_with_nan():
    check(lambda lib, a: a.max(), np.array([1., np.nan, 3.], np.float32))


@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": -1, "keepdim": True}], ids=str)
def test_aminmax_named_tuple(kwargs):
    e, t = check(lambda lib, a: lib.aminmax(a, **kwargs), randn(3, 4))
    assert e._fields == ("min", "max") and repr(e).startswith("torch.return_types.aminmax(")
    check(lambda lib, a: a.aminmax(**kwargs).max, randn(3, 4))


@pytest.mark.parametrize("form", ["all", "dim", "dim_keep", "pair", "pair_broadcast"])
@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_forms(op, form):
    calls = {"all": lambda lib, a, b: getattr(a, op)(),
             "dim": lambda lib, a, b: getattr(lib, op)(a, 0),
             "dim_keep": lambda lib, a, b: getattr(a, op)(dim=-1, keepdim=True),
             "pair": lambda lib, a, b: getattr(lib, op)(a, b),
             "pair_broadcast": lambda lib, a, b: getattr(a, op)(b[:1])}
    check(calls[form], randn(3, 4), randn(3, 4))


@pytest.mark.parametrize("op", ["argmax", "argmin"])
@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": 0, "keepdim": True}], ids=str)
def test_argmax_argmin(op, kwargs):
    check(lambda lib, a: getattr(a, op)(**kwargs), randn(3, 4))


@pytest.mark.parametrize("dim,keepdim", [(None, False), (0, False), (-1, True), ((0, 1), False)], ids=str)
@pytest.mark.parametrize("op", ["all", "any"])
@pytest.mark.parametrize("make", [ints, randn, lambda *s: ints(*s) > 0, lambda *s: (ints(*s) % 2).astype(np.uint8)])
def test_all_any(op, dim, keepdim, make):
    kw = reduce_kwargs(dim, keepdim)
    check(lambda lib, a: getattr(a, op)(**kw), make(3, 4))


@pytest.mark.parametrize("dim", [None, 0, -1, (0, 1)], ids=str)
def test_count_nonzero(dim):
    check(lambda lib, a: lib.count_nonzero(a, dim), ints(3, 4))
    check(lambda lib, a: a.count_nonzero(dim=dim), with_zeros(3, 4))


@pytest.mark.parametrize("op", ["sum", "prod", "nansum", "mean", "var", "std", "logsumexp", "amax", "norm",
                                "nanmean", "max", "min", "min_all", "count_nonzero"])
def test_along_a_dim_and_dim_out_of_range(op):
    calls = {"min_all": lambda lib, a: a.min(), "count_nonzero": lambda lib, a: a.count_nonzero(1),
             "norm": lambda lib, a: a.norm(dim=1)}
    check(calls.get(op, lambda lib, a: getattr(lib, op)(a, 1)), randn(3, 4))
    check_error(lambda lib, a: getattr(a, op.split("_")[0])(dim=2), randn(3, 4))


def test_out_is_written():
    e = ember.zeros(3)
    assert ember.prod(ember.tensor([[1., 2., 3.], [2., 2., 2.]]), 0, out=e) is e
    assert e.tolist() == [2., 4., 6.]
    s = ember.zeros(())
    ember.std(ember.tensor([1., 3.]), out=s)
    assert s.item() == pytest.approx(2 ** 0.5)


ERRORS = {
    "amax_empty": (lambda lib, a: a.amax(), np.zeros((0, 3), np.float32)),
    "amax_empty_dim": (lambda lib, a: a.amax(0), np.zeros((0, 3), np.float32)),
    "max_empty": (lambda lib, a: a.max(), np.zeros((0, 3), np.float32)),
    "aminmax_empty": (lambda lib, a: a.aminmax(), np.zeros((0, 3), np.float32)),
    "var_int": (lambda lib, a: a.var(), ints(2, 3)),
    "std_int": (lambda lib, a: lib.std(a, 0), ints(2, 3)),
    "var_both_corrections": (lambda lib, a: a.var(0, unbiased=True, correction=0), randn(2, 3)),
    "norm_int": (lambda lib, a: a.norm(), ints(2, 3)),
    "nanmean_int": (lambda lib, a: a.nanmean(), ints(2, 3)),
    "mean_int": (lambda lib, a: a.mean(), ints(2, 3)),
    "repeated_dim": (lambda lib, a: a.amax((1, 1)), randn(2, 3)),
    "dim_out_of_range": (lambda lib, a: a.logsumexp(3), randn(2, 3)),
    "dist_shapes": (lambda lib, a: lib.dist(a, a[:1, :2]), randn(2, 3)),
    "all_dim": (lambda lib, a: a.all(2), randn(2, 3)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    fn, x = ERRORS[name]
    message = check_error(fn, x)
    assert message


def test_error_messages_name_the_op_and_what_was_received():
    assert "Long" in check_error(lambda lib, a: a.var(), ints(2, 3))
    assert "amax()" in check_error(lambda lib, a: a.amax(0), np.zeros((0, 3), np.float32))
    assert "nanmean()" in check_error(lambda lib, a: a.nanmean(), ints(2, 3))


NODE_NAMES = [
    ("NansumBackward0", lambda lib, a: a.nansum()), ("ProdBackward0", lambda lib, a: a.prod()),
    ("ProdBackward1", lambda lib, a: a.prod(1)), ("VarBackward0", lambda lib, a: a.var(1)),
    ("StdBackward0", lambda lib, a: a.std()), ("LinalgVectorNormBackward0", lambda lib, a: a.norm()),
    ("LogsumexpBackward0", lambda lib, a: a.logsumexp(1)), ("AmaxBackward0", lambda lib, a: a.amax(0)),
    ("AminBackward0", lambda lib, a: a.amin(0)), ("DivBackward0", lambda lib, a: a.nanmean()),
    ("StdMeanBackward0", lambda lib, a: lib.std_mean(a)[0]), ("VarMeanBackward0", lambda lib, a: lib.var_mean(a, 1)[1]),
]


@pytest.mark.parametrize("name,fn", NODE_NAMES, ids=[n for n, _ in NODE_NAMES])
def test_grad_fn_names(name, fn):
    x = ember.from_numpy(randn(2, 3)).requires_grad_()
    assert fn(ember, x).grad_fn.name() == name


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
@pytest.mark.parametrize("data", [randn, with_zeros])
def test_cumsum_cumprod(op, dim, data):
    check(lambda lib, a: getattr(a, op)(dim), data(3, 4, 2))
    check(lambda lib, a: getattr(lib, op)(a, dim=dim, dtype=lib.float64), data(3, 4, 2))


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_cumsum_cumprod_ints_and_0d(op):
    check(lambda lib, a: getattr(a, op)(1), ints(3, 4))
    check(lambda lib, a: getattr(a, op)(0, dtype=lib.float32), ints(3, 4))
    check(lambda lib, a: getattr(a, op)(-1), np.array(1.5, np.float32))


def test_cumprod_gradient_with_zeros_in_every_position():
    x = np.array([[0., 2., 3., 4.], [2., 0., 3., 0.], [2., 3., 4., 0.], [0., 0., 2., 3.]], np.float32)
    check(lambda lib, a: a.cumprod(1), x)
    check(lambda lib, a: a.cumprod(0), x)


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_cumulative_double_backward(op):
    x = with_zeros(3, 4).astype(np.float64)
    e, t = ember.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    w = randn(3, 4, dtype=np.float64)
    (ge,) = ember.autograd.grad((getattr(e, op)(1) ** 2 * ember.from_numpy(w)).sum(), e, create_graph=True)
    (gt,) = torch.autograd.grad((getattr(t, op)(1) ** 2 * torch.from_numpy(w)).sum(), t, create_graph=True)
    np.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy())
    (gge,) = ember.autograd.grad((ge * ge).sum(), e)
    (ggt,) = torch.autograd.grad((gt * gt).sum(), t)
    np.testing.assert_allclose(gge.numpy(), ggt.numpy(), atol=1e-12)


@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize("op", ["cummax", "cummin"])
def test_cummax_cummin(op, dim):
    e, _ = check(lambda lib, a: getattr(a, op)(dim), randn(3, 4))
    assert repr(e).startswith(f"torch.return_types.{op}(")
    check(lambda lib, a: getattr(lib, op)(a, dim), ints(3, 4))
    check(lambda lib, a: getattr(lib, op)(a, 0), np.array(2.0, np.float32))


@pytest.mark.parametrize("op", ["cummax", "cummin"])
def test_cummax_cummin_ties_take_the_last_index_and_nan_wins(op):
    check(lambda lib, a: getattr(a, op)(1), np.array([[1., 3., 3., 2.], [5., 5., 0., 5.], [1., 1., 1., 1.]],
                                                     np.float32))
    check(lambda lib, a: getattr(a, op)(0), np.array([1., np.nan, 3., np.nan, 0.], np.float32))


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_log_softmax(op, dim):
    check(lambda lib, a: getattr(a, op)(dim), randn(2, 3, 4))
    check(lambda lib, a: getattr(lib, op)(a, dim), randn(2, 3, 4))


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_dtype_large_values_and_0d(op):
    e, _ = check(lambda lib, a: getattr(lib, op)(a, 1, dtype=lib.float64), randn(3, 4))
    assert e.grad_fn.name() == ("SoftmaxBackward0" if op == "softmax" else "LogSoftmaxBackward0")
    check(lambda lib, a: getattr(a, op)(-1), np.array([[1000., 0., -1000.], [1e4, 1e4, 1e4]], np.float32))
    check(lambda lib, a: getattr(a, op)(0), np.array(3.0, np.float32))
    check(lambda lib, a: getattr(a, op)(1), randn(3, 4, dtype=np.float64))


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_double_backward(op):
    x = randn(3, 4, dtype=np.float64)
    e, t = ember.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    w = randn(3, 4, dtype=np.float64)
    (ge,) = ember.autograd.grad((getattr(e, op)(1) * ember.from_numpy(w)).sum(), e, create_graph=True)
    (gt,) = torch.autograd.grad((getattr(t, op)(1) * torch.from_numpy(w)).sum(), t, create_graph=True)
    (gge,) = ember.autograd.grad((ge * ge).sum(), e)
    (ggt,) = torch.autograd.grad((gt * gt).sum(), t)
    np.testing.assert_allclose(gge.numpy(), ggt.numpy(), atol=1e-12)


CUMULATIVE_AND_SOFTMAX_ERRORS = {
    "cumsum_dim": (lambda lib, a: a.cumsum(2), randn(2, 3)),
    "cumprod_dim": (lambda lib, a: a.cumprod(-3), randn(2, 3)),
    "cummax_dim": (lambda lib, a: a.cummax(2), randn(2, 3)),
    "softmax_dim": (lambda lib, a: a.softmax(2), randn(2, 3)),
    "softmax_int": (lambda lib, a: a.softmax(0), ints(2, 3)),
    "log_softmax_int": (lambda lib, a: lib.log_softmax(a, 0), ints(2, 3)),
}


@pytest.mark.parametrize("name", list(CUMULATIVE_AND_SOFTMAX_ERRORS))
def test_cumulative_and_softmax_errors(name):
    fn, x = CUMULATIVE_AND_SOFTMAX_ERRORS[name]
    assert check_error(fn, x)


@pytest.mark.parametrize("name,fn", [
    ("CumsumBackward0", lambda a: a.cumsum(0)), ("CumprodBackward0", lambda a: a.cumprod(1)),
    ("CummaxBackward0", lambda a: a.cummax(0).values), ("CumminBackward0", lambda a: a.cummin(0)[0]),
    ("SoftmaxBackward0", lambda a: a.softmax(0)), ("LogSoftmaxBackward0", lambda a: a.log_softmax(1))])
def test_cumulative_and_softmax_grad_fn_names(name, fn):
    assert fn(ember.from_numpy(randn(2, 3)).requires_grad_()).grad_fn.name() == name


@pytest.mark.parametrize("op", ["logsumexp", "std", "norm", "var"])
def test_double_backward_sees_the_saved_output(op):
    x = randn(3, 4, dtype=np.float64)
    e, t = ember.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    w = randn(3, dtype=np.float64)
    (ge,) = ember.autograd.grad((getattr(e, op)(dim=1) * ember.from_numpy(w)).sum(), e, create_graph=True)
    (gt,) = torch.autograd.grad((getattr(t, op)(dim=1) * torch.from_numpy(w)).sum(), t, create_graph=True)
    (gge,) = ember.autograd.grad((ge * ge).sum(), e)
    (ggt,) = torch.autograd.grad((gt * gt).sum(), t)
    np.testing.assert_allclose(gge.numpy(), ggt.numpy(), atol=1e-12)
