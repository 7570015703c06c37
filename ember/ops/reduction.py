"""Reductions: sum/mean/prod (and nan- forms), var/std, norms, logsumexp, max/min/amax/amin, argmax/argmin,
all/any/count_nonzero; the value+index base and the helpers that route gradients to chosen indices."""
import math
import warnings

from .. import dtypes
from ..autograd.function import Op
from ..backend import xp_of
from . import promotion
from .arithmetic import _UfuncBinary
from .dims import wrap_dim, wrap_dims


def _kept_shape(shape, dims):
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


def _reshape_kept(t, shape, dims):
    """A reduced tensor reshaped so it broadcasts against the input again (keepdim=False undone)."""
    return t.reshape(_kept_shape(shape, dims))


def _expand_back(grad, shape, dims):
    """A reduced gradient broadcast back over the input's ``shape``."""
    return _reshape_kept(grad, shape, dims).expand(shape)


def _count(shape, dims):
    return math.prod(shape[d] for d in dims)


def _check_float(a, message):
    if a.dtype.kind not in "fc":
        raise RuntimeError(message + dtypes.scalar_type_name(a.dtype))


def _default_int64(a, dtype):
    """Integer and bool inputs of sum-like reductions accumulate in int64, as in PyTorch."""
    return "int64" if dtype is None and a.dtype.kind in "biu" else dtype


class Sum(Op):
    _node_name = "SumBackward1"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dim, keepdim, dtype):
        dims = wrap_dims(dim, a.ndim)
        ctx.shape, ctx.dims, ctx.in_dtype = a.shape, dims, a.dtype
        return a.sum(axis=dims, keepdims=keepdim, dtype=_default_int64(a, dtype))

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
                               f"or complex dtype. Got: {dtypes.scalar_type_name(a.dtype)}")
        dims = wrap_dims(dim, a.ndim)
        ctx.shape, ctx.dims, ctx.in_dtype = a.shape, dims, a.dtype
        ctx.count = _count(a.shape, dims)
        out = a.mean(axis=dims, keepdims=keepdim, dtype=dtype)
        return out.astype(a.dtype if dtype is None else dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(_to_dtype(grad, ctx.in_dtype) / ctx.count, ctx.shape, ctx.dims)


class MeanAll(Mean):
    _node_name = "MeanBackward0"


class Nansum(Sum):
    _node_name = "NansumBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim, dtype):
        dims = wrap_dims(dim, a.ndim)
        ctx.shape, ctx.dims, ctx.in_dtype = a.shape, dims, a.dtype
        ctx.save_for_backward(a)
        return xp_of(a).nansum(a, axis=dims, keepdims=keepdim, dtype=_default_int64(a, dtype))

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        kept = _constant(~xp_of(a._array).isnan(a._array), ctx.in_dtype)
        return _expand_back(_to_dtype(grad, ctx.in_dtype), ctx.shape, ctx.dims) * kept


def _constant(array, np_dtype):
    """A constant Tensor (no history) of ``array`` cast to ``np_dtype``: masks used in backward formulas."""
    return _wrap(array.astype(np_dtype, copy=False))


class Prod(Op):
    """prod along one dim (or all): the gradient is the product of the other elements, zeros included."""

    _node_name = "ProdBackward1"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dim, keepdim, dtype):
        dims = wrap_dims(dim, a.ndim)
        ctx.shape, ctx.dims, ctx.in_dtype = a.shape, dims, a.dtype
        ctx.save_for_backward(a)
        return a.prod(axis=dims, keepdims=keepdim, dtype=_default_int64(a, dtype))

    @staticmethod
    def backward(ctx, grad):
        from .selection import where
        (a,) = ctx.saved_tensors
        dims, shape = ctx.dims, ctx.shape
        zero = a._array == 0
        zeros_in_slice = _constant(zero.sum(axis=dims, keepdims=True), "int64")
        is_zero = _constant(zero, "bool")
        safe = where(is_zero, 1.0, a)
        nonzero_prod = Prod.apply(safe, dims, True, None)
        others = where(zeros_in_slice == 0, nonzero_prod / safe,
                       where(is_zero & (zeros_in_slice == 1), nonzero_prod.expand(shape), 0.0))
        return _expand_back(_to_dtype(grad, ctx.in_dtype), shape, dims) * others


class ProdAll(Prod):
    _node_name = "ProdBackward0"


class _Moment(Op):
    """var / std with Bessel's ``correction``; float32 stays float32."""

    _num_inputs = 1
    _name = None

    @classmethod
    def _variance(cls, ctx, a, dim, correction, keepdim):
        _check_float(a, f"{cls._name}(): std and var only support floating point and complex dtypes, got ")
        dims = wrap_dims(dim, a.ndim)
        ctx.shape, ctx.dims = a.shape, dims
        divisor = _count(a.shape, dims) - correction
        if divisor <= 0:
            warnings.warn(f"{cls._name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                          "reduction factor (input numel divided by output numel).", UserWarning, stacklevel=4)
            divisor = 0
        ctx.scale = 2.0 / divisor if divisor else float("inf")
        centered = a - a.mean(axis=dims, keepdims=True)
        return ((centered * centered).sum(axis=dims, keepdims=keepdim) / a.dtype.type(divisor)).astype(a.dtype)

    @staticmethod
    def _var_backward(ctx, a, grad):
        centered = a - a.mean(ctx.dims, keepdim=True)
        return _expand_back(grad, ctx.shape, ctx.dims) * centered * ctx.scale


class Var(_Moment):
    _node_name = "VarBackward0"
    _name = "var"

    @classmethod
    def forward(cls, ctx, a, dim, correction, keepdim):
        ctx.save_for_backward(a)
        return cls._variance(ctx, a, dim, correction, keepdim)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return _Moment._var_backward(ctx, a, grad)


class Std(_Moment):
    _node_name = "StdBackward0"
    _name = "std"

    @classmethod
    def forward(cls, ctx, a, dim, correction, keepdim):
        out = xp_of(a).sqrt(cls._variance(ctx, a, dim, correction, keepdim))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        from .selection import where
        a, out = ctx.saved_tensors
        return _Moment._var_backward(ctx, a, where(out == 0, 0.0, grad / (2 * out)))


def _with_mean(moment, node_name):
    """var_mean / std_mean: one node whose outputs are the moment and the mean over the same dims."""

    class MomentMean(moment):
        _node_name = node_name
        _name = moment._name + "_mean"

        @classmethod
        def forward(cls, ctx, a, dim, correction, keepdim):
            spread = super().forward(ctx, a, dim, correction, keepdim)
            return spread, a.mean(axis=ctx.dims, keepdims=keepdim)

        @staticmethod
        def backward(ctx, grad, grad_mean):
            mean_grad = _expand_back(grad_mean, ctx.shape, ctx.dims) / _count(ctx.shape, ctx.dims)
            return moment.backward(ctx, grad) + mean_grad

    MomentMean.__name__ = moment.__name__ + "Mean"
    return MomentMean


VarMean, StdMean = _with_mean(Var, "VarMeanBackward0"), _with_mean(Std, "StdMeanBackward0")


class VectorNorm(Op):
    """The p-norm over dims: p a number, inf, -inf or 0."""

    _node_name = "LinalgVectorNormBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, p, dim, keepdim):
        _check_float(a, "linalg.vector_norm: Expected a floating point or complex tensor as input. Got ")
        xp = xp_of(a)
        dims = wrap_dims(dim, a.ndim)
        ctx.shape, ctx.dims, ctx.p = a.shape, dims, p
        magnitude = xp.abs(a)
        if p == float("inf") or p == -float("inf"):
            if a.size == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {p} norm on an empty tensor because "
                                   "the operation does not have an identity")
            out = (magnitude.max if p > 0 else magnitude.min)(axis=dims, keepdims=keepdim)
        elif p == 0:
            out = (a != 0).sum(axis=dims, keepdims=keepdim).astype(a.dtype)
        elif p == 1:
            out = magnitude.sum(axis=dims, keepdims=keepdim)
        elif p == 2:
            out = xp.sqrt((magnitude * magnitude).sum(axis=dims, keepdims=keepdim))
        else:
            out = ((magnitude ** p).sum(axis=dims, keepdims=keepdim) ** (1.0 / p)).astype(a.dtype, copy=False)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        from .selection import where
        a, out = ctx.saved_tensors
        p, dims, shape = ctx.p, ctx.dims, ctx.shape
        grad, norm = _reshape_kept(grad, shape, dims), _reshape_kept(out, shape, dims)
        if p == 0:
            return None
        if p == float("inf") or p == -float("inf"):
            arr = xp_of(a._array).abs(a._array)
            mask = _constant((arr == norm._array) | (arr != arr), grad.dtype.np)
            return a.sign() * (grad / mask.sum(dims, keepdim=True)) * mask
        if p == 1:
            return a.sign() * grad
        if p == 2:
            return a * where(norm == 0, 0.0, grad / norm)
        scaled = where(a == 0, 0.0, a.sign() * a.abs().pow(p - 1))
        return scaled * where(norm == 0, 0.0, grad / norm.pow(p - 1))


class Logsumexp(Op):
    """log(sum(exp(a))) over dims, shifted by the max so it neither overflows nor underflows."""

    _node_name = "LogsumexpBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        xp = xp_of(a)
        a = a if a.dtype.kind == "f" else a.astype(dtypes.get_default_dtype().np)
        dims = wrap_dims(dim, a.ndim)
        ctx.shape, ctx.dims = a.shape, dims
        shift = a.max(axis=dims, keepdims=True, initial=-xp.inf)
        shift = xp.where(xp.isfinite(shift), shift, 0)
        out = xp.log(xp.exp(a - shift).sum(axis=dims, keepdims=keepdim)) + (shift if keepdim else shift.squeeze(dims))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        return _reshape_kept(grad, ctx.shape, ctx.dims) * (a - _reshape_kept(out, ctx.shape, ctx.dims)).exp()


class SharedTiesReduction(Op):
    """Base of reductions to values taken from the input (amax/amin, max()/min(), median()) whose gradient is
    shared evenly among the elements equal to the value (nans included), as in PyTorch."""

    _num_inputs = 1
    _name = None  # in messages
    _fn = None    # the array method: "max" or "min"

    @classmethod
    def forward(cls, ctx, a, dim, keepdim):
        dims = wrap_dims(dim, a.ndim)
        cls._check(a, dim, dims)
        out = cls._reduce(a, dims, keepdim)
        ctx.shape, ctx.dims = a.shape, dims
        ctx.save_for_backward(a, out)
        return out

    @classmethod
    def _check(cls, a, dim, dims):
        """An empty reduction has no identity to return: PyTorch's errors."""
        if a.size:
            return
        if dim is None or dim == ():
            raise RuntimeError(f"{cls._name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               "Specify the reduction dim with the 'dim' argument.")
        for d in dims:
            if a.shape[d] == 0:
                raise IndexError(f"{cls._name}(): Expected reduction dim {d} to have non-zero size.")

    @classmethod
    def _reduce(cls, a, dims, keepdim):
        return getattr(a, cls._fn)(axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        value = _reshape_kept(out, ctx.shape, ctx.dims)._array
        mask = _constant((a._array == value) | ((a._array != a._array) & (value != value)), grad.dtype.np)
        return mask * (_reshape_kept(grad, ctx.shape, ctx.dims) / mask.sum(ctx.dims, keepdim=True))


class Amax(SharedTiesReduction):
    _node_name = "AmaxBackward0"
    _name, _fn = "amax", "max"


class Amin(SharedTiesReduction):
    _node_name = "AminBackward0"
    _name, _fn = "amin", "min"


class MaxAll(Amax):
    _node_name = "MaxBackward1"
    _name = "max"


class MinAll(Amin):
    _node_name = "MinBackward1"
    _name = "min"


class ValueIndexReduction(Op):
    """Base of reductions along one dim that return (values, indices): the gradient goes to the chosen index.

    Subclasses give ``_index(xp, a, dim, *args)``: the chosen index along ``dim``, kept as a size-1 dim.
    """

    _num_inputs = 1
    _name = None

    @classmethod
    def forward(cls, ctx, a, dim, keepdim, *args):
        xp = xp_of(a)
        d = wrap_dim(dim, a.ndim)
        if a.ndim and a.shape[d] == 0:
            raise IndexError(f"{cls._name}(): Expected reduction dim {d} to have non-zero size.")
        view = a if a.ndim else a.reshape(1)
        idx = cls._index(xp, view, d, *args)
        values = xp.take_along_axis(view, idx, axis=d)
        if not keepdim or not a.ndim:
            reduced = a.shape[:d] + a.shape[d + 1:]
            idx, values = idx.reshape(reduced), values.reshape(reduced)
        ctx.shape, ctx.dim, ctx.keepdim = a.shape, d, keepdim
        ctx.save_for_backward(idx)
        return values, idx.astype("int64", copy=False)

    @classmethod
    def _index(cls, xp, a, dim, *args):
        raise NotImplementedError

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
    xp = xp_of(idx._array)
    positions = xp.arange(shape[dim]).reshape([-1 if i == dim else 1 for i in range(len(shape))])
    return _wrap((positions == idx._array).astype(dtype.np))


def scatter_back(grad, idx, dim, shape):
    """The gradient of picking the elements at ``idx`` (an array) along ``dim``: ``grad`` added back in place."""
    return grad.new_zeros(shape).scatter_add(dim, _wrap(idx), grad)


class MaxDim(ValueIndexReduction):
    _node_name = "MaxBackward0"
    _name = "max"

    @classmethod
    def _index(cls, xp, a, dim):
        return xp.argmax(a, axis=dim, keepdims=True)


class MinDim(ValueIndexReduction):
    _node_name = "MinBackward0"
    _name = "min"

    @classmethod
    def _index(cls, xp, a, dim):
        return xp.argmin(a, axis=dim, keepdims=True)


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
from ..tensor import Tensor, _out, _wrap  # noqa: E402


def named_result(kind, parts, out=None):
    """``parts`` as the named tuple ``return_types.<kind>``, written into the tensors of ``out`` when given."""
    if out is not None:
        parts = [_out(part, o) for part, o in zip(parts, out)]
    return getattr(return_types, kind)(*parts)


def _np_dtype(dtype):
    return None if dtype is None else dtype.np


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A001 - PyTorch's name
    if dim is None and keepdim:
        raise TypeError("sum(): keepdim=True needs the dims to reduce; pass dim= as well")
    op = SumAll if dim is None else Sum
    return _out(op.apply(input, dim, keepdim, _np_dtype(dtype)), out)


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    return _out(Nansum.apply(input, dim, keepdim, _np_dtype(dtype)), out)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    if dim is None and keepdim:
        raise TypeError("mean(): keepdim=True needs the dims to reduce; pass dim= as well")
    op = MeanAll if dim is None else Mean
    return _out(op.apply(input, dim, keepdim, _np_dtype(dtype)), out)


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """nansum divided by the number of non-nan elements, as PyTorch composes it."""
    arr = input._array
    if dtype is None and arr.dtype.kind not in "fc":
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype but got "
                           + dtypes.scalar_type_name(arr.dtype))
    count = (~xp_of(arr).isnan(arr)).sum(axis=wrap_dims(dim, arr.ndim), keepdims=keepdim)
    return _out(nansum(input, dim, keepdim, dtype=dtype) / _wrap(count), out)


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    op = ProdAll if dim is None else Prod
    return _out(op.apply(input, dim, keepdim, _np_dtype(dtype)), out)


def _correction(fn_name, dim, unbiased, correction):
    """PyTorch's var/std arguments: ``var(x, True)`` means unbiased; ``correction`` overrides ``unbiased``."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if correction is not None and unbiased is not None:
        raise TypeError(f"{fn_name}() received an invalid combination of arguments: pass either unbiased "
                        f"or correction, not both (got unbiased={unbiased}, correction={correction})")
    if correction is None:
        correction = 0 if unbiased is False else 1
    return dim, correction


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    dim, correction = _correction("var", dim, unbiased, correction)
    return _out(Var.apply(input, dim, correction, keepdim), out)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    dim, correction = _correction("std", dim, unbiased, correction)
    return _out(Std.apply(input, dim, correction, keepdim), out)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dim, correction = _correction("var_mean", dim, unbiased, correction)
    return VarMean.apply(input, dim, correction, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dim, correction = _correction("std_mean", dim, unbiased, correction)
    return StdMean.apply(input, dim, correction, keepdim)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """The vector p-norm over ``dim`` (all elements by default); 'fro' is the 2-norm, 'nuc' a matrix norm."""
    if p == "nuc":
        from .decompositions import matrix_norm
        return matrix_norm(input, p, (-2, -1) if dim is None else dim, keepdim, dtype=dtype, out=out)
    if p == "fro":
        p = 2
    if dtype is not None:
        input = input.to(dtype)
    return _out(VectorNorm.apply(input, float(p), dim, keepdim), out)


def dist(input, other, p=2):
    return norm(input - other, p)


def logsumexp(input, dim, keepdim=False, *, out=None):
    return _out(Logsumexp.apply(input, dim, keepdim), out)


def amax(input, dim=(), keepdim=False, *, out=None):
    return _out(Amax.apply(input, dim, keepdim), out)


def amin(input, dim=(), keepdim=False, *, out=None):
    return _out(Amin.apply(input, dim, keepdim), out)


def aminmax(input, *, dim=None, keepdim=False, out=None):
    if input._array.size == 0 and dim is None:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                           "identity.")
    dims = () if dim is None else dim
    return named_result("aminmax", (amin(input, dims, keepdim), amax(input, dims, keepdim)), out)


def _extreme(all_op, dim_op, pair_fn, name):
    def reduce(input, dim=None, keepdim=False, *, out=None):
        if isinstance(dim, Tensor):
            return pair_fn(input, dim, out=out)
        if dim is None:
            return _out(all_op.apply(input, None, False), out)
        return named_result(name, dim_op.apply(input, dim, keepdim), out)
    reduce.__name__ = name
    return reduce


def maximum(input, other, *, out=None):
    return _out(Maximum.apply(input, other, promotion.operand_dtype(input, other).np), out)


def minimum(input, other, *, out=None):
    return _out(Minimum.apply(input, other, promotion.operand_dtype(input, other).np), out)


max = _extreme(MaxAll, MaxDim, maximum, "max")  # noqa: A001
min = _extreme(MinAll, MinDim, minimum, "min")  # noqa: A001


def argmax(input, dim=None, keepdim=False, *, out=None):
    return _out(ArgExtreme.apply(input, "argmax", dim, keepdim), out)


def argmin(input, dim=None, keepdim=False, *, out=None):
    return _out(ArgExtreme.apply(input, "argmin", dim, keepdim), out)


def _logical_reduction(name):
    def reduce(input, dim=None, keepdim=False, *, out=None):
        arr = input._array
        result = getattr(xp_of(arr), name)(arr, axis=wrap_dims(dim, arr.ndim), keepdims=keepdim)
        return _out(_wrap(result.astype("uint8" if arr.dtype.name == "uint8" else "bool", copy=False)), out)
    reduce.__name__ = name
    return reduce


all, any = _logical_reduction("all"), _logical_reduction("any")  # noqa: A001


def count_nonzero(input, dim=None):
    arr = input._array
    return _wrap(xp_of(arr).count_nonzero(arr, axis=wrap_dims(dim, arr.ndim)).astype("int64"))


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"sum": sum, "nansum": nansum, "mean": mean, "nanmean": nanmean, "prod": prod, "var": var,
                         "std": std, "norm": norm, "dist": dist, "logsumexp": logsumexp, "amax": amax,
                         "amin": amin, "aminmax": aminmax, "max": max, "min": min, "argmax": argmax,
                         "argmin": argmin, "maximum": maximum, "minimum": minimum, "all": all, "any": any,
                         "count_nonzero": count_nonzero}
FUNCTIONS = {"var_mean": var_mean, "std_mean": std_mean}
