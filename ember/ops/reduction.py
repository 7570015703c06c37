"""Reductions: sum, mean, max/min (whole tensor and along a dim), maximum/minimum, argmax/argmin."""
from .. import dtypes
from ..autograd.function import Op
from ..backend import xp_of
from . import promotion
from .arithmetic import _UfuncBinary
from .dims import wrap_dim, wrap_dims


def _kept_shape(shape, dims):
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


def _expand_back(grad, shape, dims):
    """A reduced gradient broadcast back over the input's ``shape``."""
    return grad.reshape(_kept_shape(shape, dims)).expand(shape)


class Sum(Op):
    _node_name = "SumBackward1"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dim, keepdim, dtype):
        dims = wrap_dims(dim, a.ndim)
        ctx.shape, ctx.dims, ctx.in_dtype = a.shape, dims, a.dtype
        if dtype is None and a.dtype.kind in "biu":
            dtype = "int64"
        return a.sum(axis=dims, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(_to_dtype(grad, ctx.in_dtype), ctx.shape, ctx.dims)


def _to_dtype(grad, np_dtype):
    """The gradient in the input's dtype (a ``dtype=`` argument can make the output's differ)."""
    return grad if grad.dtype.np == np_dtype else grad.to(dtypes.from_numpy_dtype(np_dtype))


class SumAll(Sum):
    _node_name = "SumBackward0"

    @staticmethod
    def backward(ctx, grad):
        return _to_dtype(grad, ctx.in_dtype).expand(ctx.shape)


class Mean(Op):
    _node_name = "MeanBackward1"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dim, keepdim, dtype):
        if dtype is None and a.dtype.kind not in "fc":
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point "
                               f"or complex dtype. Got: {_torch_name(a.dtype)}")
        dims = wrap_dims(dim, a.ndim)
        ctx.shape, ctx.dims, ctx.in_dtype = a.shape, dims, a.dtype
        count = 1
        for d in dims:
            count *= a.shape[d]
        ctx.count = count
        out = a.mean(axis=dims, keepdims=keepdim, dtype=dtype)
        return out.astype(a.dtype if dtype is None else dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(_to_dtype(grad, ctx.in_dtype) / ctx.count, ctx.shape, ctx.dims)


class MeanAll(Mean):
    _node_name = "MeanBackward0"


_torch_name = dtypes.scalar_type_name


class _ExtremeAll(Op):
    """max() / min() of all elements; the gradient is shared evenly among ties, as in PyTorch."""

    _fn = None

    @classmethod
    def forward(cls, ctx, a):
        if a.size == 0:
            raise RuntimeError(f"{cls._fn}(): Expected reduction dim to be specified for input.numel() == 0. "
                               "Specify the reduction dim with the 'dim' argument.")
        out = getattr(a, cls._fn)()
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        mask = (a == out).to(grad.dtype)
        return mask * (grad / mask.sum())


class MaxAll(_ExtremeAll):
    _node_name = "MaxBackward1"
    _fn = "max"


class MinAll(_ExtremeAll):
    _node_name = "MinBackward1"
    _fn = "min"


class _ExtremeDim(Op):
    """max(dim) / min(dim): values and the index of the first extreme along ``dim``."""

    _num_inputs = 1
    _arg = None

    @classmethod
    def forward(cls, ctx, a, dim, keepdim):
        xp = xp_of(a)
        d = wrap_dim(dim, a.ndim)
        if a.ndim and a.shape[d] == 0:
            raise IndexError(f"{cls._arg[3:]}(): Expected reduction dim {dim} to have non-zero size.")
        idx = getattr(xp, cls._arg)(a, axis=d, keepdims=True) if a.ndim else xp.zeros((), "int64")
        values = xp.take_along_axis(a, idx, axis=d) if a.ndim else a.copy()
        if not keepdim and a.ndim:
            idx, values = idx.squeeze(d), values.squeeze(d)
        ctx.shape, ctx.dim, ctx.keepdim = a.shape, d, keepdim
        ctx.save_for_backward(idx)
        return values, idx.astype("int64", copy=False)

    @staticmethod
    def backward(ctx, grad, grad_idx=None):
        (idx,) = ctx.saved_tensors
        if not ctx.shape:
            return grad
        if not ctx.keepdim:
            grad, idx = grad.unsqueeze(ctx.dim), idx.unsqueeze(ctx.dim)
        return grad * _one_hot_along(idx, ctx.shape, ctx.dim, grad.dtype)


def _one_hot_along(idx, shape, dim, dtype):
    """A constant mask of ``shape`` with ones where ``idx`` (kept along ``dim``) points."""
    from ..tensor import _wrap
    xp = xp_of(idx._array)
    positions = xp.arange(shape[dim]).reshape([-1 if i == dim else 1 for i in range(len(shape))])
    return _wrap((positions == idx._array).astype(dtype.np))


class MaxDim(_ExtremeDim):
    _node_name = "MaxBackward0"
    _arg = "argmax"


class MinDim(_ExtremeDim):
    _node_name = "MinBackward0"
    _arg = "argmin"


class Maximum(_UfuncBinary):
    _node_name = "MaximumBackward0"
    _ufunc = "maximum"

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _split_ties(ctx, grad, a > b, a == b)


class Minimum(_UfuncBinary):
    _node_name = "MinimumBackward0"
    _ufunc = "minimum"

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _split_ties(ctx, grad, a < b, a == b)


def _split_ties(ctx, grad, a_wins, tie):
    """Gradient of max/min of two tensors: to the winner, half each on a tie."""
    share = a_wins.to(grad.dtype) + tie.to(grad.dtype) * 0.5
    return _UfuncBinary._grads(ctx, lambda: grad * share, lambda: grad * (1 - share))


class ArgExtreme(Op):
    """argmax / argmin: int64 indices, no gradient."""

    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, fn, dim, keepdim):
        xp = xp_of(a)
        if dim is None:
            out = getattr(xp, fn)(a)
            return xp.asarray(out, dtype="int64").reshape((1,) * a.ndim if keepdim else ())
        return getattr(xp, fn)(a, axis=wrap_dim(dim, a.ndim), keepdims=keepdim).astype("int64", copy=False)


# ---- public functions (also bound as Tensor methods) ----
from .. import return_types  # noqa: E402
from ..tensor import Tensor, _out  # noqa: E402


def _np_dtype(dtype):
    return None if dtype is None else dtype.np


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A001 - PyTorch's name
    if dim is None and keepdim:
        raise TypeError("sum(): keepdim=True needs the dims to reduce; pass dim= as well")
    op = SumAll if dim is None else Sum
    return _out(op.apply(input, dim, keepdim, _np_dtype(dtype)), out)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    if dim is None and keepdim:
        raise TypeError("mean(): keepdim=True needs the dims to reduce; pass dim= as well")
    op = MeanAll if dim is None else Mean
    return _out(op.apply(input, dim, keepdim, _np_dtype(dtype)), out)


def _extreme(all_op, dim_op, pair_fn, name):
    def reduce(input, dim=None, keepdim=False, *, out=None):
        if isinstance(dim, Tensor):
            return pair_fn(input, dim, out=out)
        if dim is None:
            return _out(all_op.apply(input), out)
        values, indices = dim_op.apply(input, dim, keepdim)
        return getattr(return_types, name)(values, indices)
    reduce.__name__ = name
    return reduce


def maximum(input, other, *, out=None):
    return _out(Maximum.apply(input, other, promotion.operand_dtype(input, other).np), out)


def minimum(input, other, *, out=None):
    return _out(Minimum.apply(input, other, promotion.operand_dtype(input, other).np), out)


max = _extreme(MaxAll, MaxDim, maximum, "max")  # noqa: A001
min = _extreme(MinAll, MinDim, minimum, "min")  # noqa: A001


def argmax(input, dim=None, keepdim=False):
    return ArgExtreme.apply(input, "argmax", dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    return ArgExtreme.apply(input, "argmin", dim, keepdim)


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"sum": sum, "mean": mean, "max": max, "min": min, "argmax": argmax, "argmin": argmin,
                         "maximum": maximum, "minimum": minimum}
