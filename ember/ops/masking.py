"""Boolean masks: masked_fill, masked_select, masked_scatter; where the true elements are: nonzero, argwhere."""
import math

from .. import dtypes
from ..autograd.function import Op
from ..backend import xp_of
from .broadcast import broadcast_error, sum_to_shape


def _check_mask(name, mask, message="{name} only supports boolean masks, but got mask with dtype {dtype}"):
    if mask.dtype.kind != "b":
        raise RuntimeError(message.format(name=name, dtype=dtypes._FROM_NP[mask.dtype]).replace("torch.", ""))


def _broadcast(name, *arrays):
    """The arrays broadcast against each other; PyTorch's error (naming ``name``) when they cannot be."""
    try:
        return xp_of(arrays[0]).broadcast_arrays(*arrays)
    except ValueError:
        raise RuntimeError(f"{name}: {broadcast_error(*(a.shape for a in arrays))}") from None


class MaskedFill(Op):
    """masked_fill with a number (or, in the subclass, a differentiable 0-d tensor) as the value."""

    _node_name = "MaskedFillBackward0"
    _num_inputs = 2

    @staticmethod
    def forward(ctx, a, value, mask):
        _check_mask("masked_fill_", mask)
        ctx.shape, ctx.value_dtype = a.shape, getattr(value, "dtype", None)
        ctx.save_for_backward(mask)
        xp = xp_of(a)
        return xp.where(mask, xp.asarray(value).astype(a.dtype), a)

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        need_a, need_value = ctx.needs_input_grad
        ga = sum_to_shape(grad.masked_fill(mask, 0), ctx.shape) if need_a else None
        gv = sum_to_shape(grad.masked_fill(~mask, 0).sum(), (), ctx.value_dtype) if need_value else None
        return ga, gv


class MaskedFillTensor(MaskedFill):
    _node_name = "MaskedFillBackward1"


class MaskedSelect(Op):
    _node_name = "MaskedSelectBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, mask):
        _check_mask("masked_select", mask, "{name}: expected BoolTensor for mask")
        a_b, mask_b = _broadcast("masked_select", a, mask)
        ctx.shape = a.shape
        ctx.save_for_backward(mask_b)
        return a_b[mask_b]

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        return sum_to_shape(grad.new_zeros(mask.shape).masked_scatter(mask, grad), ctx.shape)


class MaskedScatter(Op):
    _node_name = "MaskedScatterBackward0"
    _num_inputs = 2

    @staticmethod
    def forward(ctx, a, source, mask):
        _check_mask("masked_scatter_", mask)
        if source.dtype != a.dtype:
            raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got "
                               f"{dtypes.scalar_type_name(a.dtype)} and {dtypes.scalar_type_name(source.dtype)}")
        a_b, mask_b = _broadcast("masked_scatter", a, mask)
        count = int(mask_b.sum())
        if source.size < count:
            raise RuntimeError(f"masked_scatter: Number of elements of source < number of ones in mask "
                               f"({source.size} < {count})")
        ctx.shape, ctx.source_shape, ctx.count = a.shape, source.shape, count
        ctx.save_for_backward(mask_b)
        out = a_b.copy()
        out[mask_b] = source.reshape(-1)[:count]
        return out

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        need_a, need_source = ctx.needs_input_grad
        ga = sum_to_shape(grad.masked_fill(mask, 0), ctx.shape) if need_a else None
        gs = None
        if need_source:
            from .joining import cat
            unused = grad.new_zeros(math.prod(ctx.source_shape) - ctx.count)
            gs = cat([grad.masked_select(mask), unused]).reshape(ctx.source_shape)
        return ga, gs


class Nonzero(Op):
    """The indices of the non-zero elements, one row each (no gradient: the output is int64)."""

    @staticmethod
    def forward(ctx, a):
        return xp_of(a).argwhere(a)


# ---- public functions (also bound as Tensor methods) ----
from ..tensor import Tensor, _out  # noqa: E402


def _mask(name, mask):
    if not isinstance(mask, Tensor):
        raise TypeError(f"{name}(): argument 'mask' must be Tensor, not {type(mask).__name__}")
    return mask._array


def masked_fill(input, mask, value):
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        return MaskedFillTensor.apply(input, value, _mask("masked_fill", mask))
    return MaskedFill.apply(input, value, _mask("masked_fill", mask))


def masked_select(input, mask, *, out=None):
    return _out(MaskedSelect.apply(input, _mask("masked_select", mask)), out)


def masked_scatter(input, mask, source):
    return MaskedScatter.apply(input, source, _mask("masked_scatter", mask))


def nonzero(input, *, out=None, as_tuple=False):
    if out is not None and out.dtype is not dtypes.int64:
        raise RuntimeError(f"nonzero: Expected out tensor to have scalar type Long but got scalar type"
                           f"{dtypes.scalar_type_name(out._array.dtype)}")
    rows = Nonzero.apply(input)
    if not as_tuple:
        return _out(rows, out)
    if input.ndim == 0:
        return (rows.new_zeros(rows.shape[0]),)
    return tuple(rows[:, d].contiguous() for d in range(input.ndim))


def argwhere(input):
    return Nonzero.apply(input)


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"masked_fill": masked_fill, "masked_select": masked_select,
                         "masked_scatter": masked_scatter, "nonzero": nonzero, "argwhere": argwhere}
INPLACE = dict.fromkeys(("masked_fill", "masked_scatter"))
