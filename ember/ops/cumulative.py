"""Cumulative ops along a dim: cumsum, cumprod, cummax, cummin."""
from ..autograd.function import Op
from ..backend import xp_of
from .dims import wrap_dim
from .reduction import _constant, _default_int64, _to_dtype, named_result, scatter_back


def _along(a, dim):
    """``a`` with at least one dim (a 0-d tensor scans as one element) and ``dim`` wrapped."""
    return (a if a.ndim else a.reshape(1)), wrap_dim(dim, a.ndim)


class Cumsum(Op):
    """Running sum along ``dim``; ``reverse`` sums from the end (the gradient of cumsum is a reverse cumsum)."""

    _node_name = "CumsumBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dim, dtype, reverse=False):
        xp = xp_of(a)
        view, d = _along(a, dim)
        ctx.dim, ctx.in_dtype, ctx.reverse = d, a.dtype, reverse
        dtype = _default_int64(a, dtype)
        if reverse:
            return xp.flip(xp.flip(view, d).cumsum(axis=d, dtype=dtype), d).reshape(a.shape)
        return view.cumsum(axis=d, dtype=dtype).reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        return Cumsum.apply(_to_dtype(grad, ctx.in_dtype), ctx.dim, None, not ctx.reverse)


def _reverse_cumsum(t, dim):
    return Cumsum.apply(t, dim, None, True)


class Cumprod(Op):
    """Running product along ``dim``; the gradient stays exact when the input holds zeros."""

    _node_name = "CumprodBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dim, dtype):
        view, d = _along(a, dim)
        ctx.dim, ctx.in_dtype = d, a.dtype
        out = view.cumprod(axis=d, dtype=_default_int64(a, dtype)).reshape(a.shape)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        from .selection import where
        a, out = ctx.saved_tensors
        grad, out, d = _to_dtype(grad, ctx.in_dtype), _to_dtype(out, ctx.in_dtype), ctx.dim
        zero = a._array == 0
        if not zero.any():
            return _reverse_cumsum(grad * out, d) / a
        # d out_i / d a_k is 0 past the first zero; before it out/a works; at it, the product with a 1 in its place
        zeros_so_far = _along(zero, d)[0].cumsum(axis=d).reshape(a.shape)
        before = _constant(zeros_so_far == 0, "bool")
        first = _constant(zero & (zeros_so_far == 1), "bool")
        before_first = _reverse_cumsum(grad * out, d) / where(before, a, 1.0)
        at_first = _reverse_cumsum(grad * Cumprod.apply(where(first, 1.0, a), d, None), d)
        return where(before, before_first, where(first, at_first, 0.0))


class _CumExtreme(Op):
    """cummax / cummin: running extreme and the last index where it was reached (nan wins, as in PyTorch)."""

    _num_inputs = 1
    _ufunc = None

    @classmethod
    def forward(cls, ctx, a, dim):
        xp = xp_of(a)
        view, d = _along(a, dim)
        values = getattr(xp, cls._ufunc).accumulate(view, axis=d)
        reached = (view == values) | (view != view)
        positions = xp.arange(view.shape[d]).reshape([-1 if i == d else 1 for i in range(view.ndim)])
        idx = xp.maximum.accumulate(xp.where(reached, positions, 0), axis=d)
        idx = idx.reshape(a.shape).astype("int64", copy=False)
        ctx.idx, ctx.dim = idx, d
        return values.reshape(a.shape), idx

    @staticmethod
    def backward(ctx, grad, grad_idx=None):
        return scatter_back(grad, ctx.idx, ctx.dim, grad.shape)


class Cummax(_CumExtreme):
    _node_name = "CummaxBackward0"
    _ufunc = "maximum"


class Cummin(_CumExtreme):
    _node_name = "CumminBackward0"
    _ufunc = "minimum"


# ---- public functions (also bound as Tensor methods) ----
from ..tensor import _out  # noqa: E402


def cumsum(input, dim, *, dtype=None, out=None):
    return _out(Cumsum.apply(input, dim, None if dtype is None else dtype.np), out)


def cumprod(input, dim, *, dtype=None, out=None):
    return _out(Cumprod.apply(input, dim, None if dtype is None else dtype.np), out)


def cummax(input, dim, *, out=None):
    return named_result("cummax", Cummax.apply(input, dim), out)


def cummin(input, dim, *, out=None):
    return named_result("cummin", Cummin.apply(input, dim), out)


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"cumsum": cumsum, "cumprod": cumprod, "cummax": cummax, "cummin": cummin}
INPLACE = {"cumsum": None, "cumprod": None}
