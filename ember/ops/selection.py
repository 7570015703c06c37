"""where and clamp."""
from ..autograd.function import Op
from ..backend import xp_of
from .. import dtypes
from . import promotion
from .broadcast import BroadcastingOp, sum_to_shape


class Where(BroadcastingOp):
    _node_name = "WhereBackward0"
    _num_inputs = 3

    @staticmethod
    def forward(ctx, cond, a, b, dt):
        if cond.dtype.kind != "b":
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                               f"{dtypes.scalar_type_name(cond.dtype)}")
        ctx.save_for_backward(cond)
        ctx.metas = ((getattr(a, "shape", ()), getattr(a, "dtype", None)),
                     (getattr(b, "shape", ()), getattr(b, "dtype", None)))
        return xp_of(cond).where(cond, promotion.cast(a, dt), promotion.cast(b, dt)).astype(dt, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (cond,) = ctx.saved_tensors
        _, need_a, need_b = ctx.needs_input_grad
        zero = grad.new_zeros(())
        ga = sum_to_shape(grad.where(cond, zero), *ctx.metas[0]) if need_a else None
        gb = sum_to_shape(zero.where(cond, grad), *ctx.metas[1]) if need_b else None
        return None, ga, gb


class Clamp(Op):
    """clamp with number bounds; the gradient passes where min <= x <= max."""

    _node_name = "ClampBackward1"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, lo, hi, dt):
        a = promotion.cast(a, dt)
        ctx.save_for_backward(a)
        ctx.lo, ctx.hi = lo, hi
        return _clamp(a, lo, hi)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        keep = None
        if ctx.lo is not None:
            keep = a >= ctx.lo
        if ctx.hi is not None:
            keep = (a <= ctx.hi) if keep is None else keep & (a <= ctx.hi)
        return grad * keep


class ClampMin(Clamp):
    _node_name = "ClampMinBackward0"


class ClampMax(Clamp):
    _node_name = "ClampMaxBackward0"


def _clamp(a, lo, hi):
    """min(max(a, lo), hi) on arrays, skipping a missing bound (at least one is given); a new array."""
    xp = xp_of(a)
    if lo is not None:
        a = xp.maximum(a, lo)
    return a if hi is None else xp.minimum(a, hi)


class ClampTensors(BroadcastingOp):
    """clamp with tensor bounds (either may be None); on a tie with a bound the input gets the gradient."""

    _node_name = "ClampBackward0"
    _num_inputs = 3

    @staticmethod
    def forward(ctx, a, lo, hi, dt):
        ctx.metas = tuple((getattr(x, "shape", None), getattr(x, "dtype", None)) for x in (a, lo, hi))
        a, lo, hi = promotion.cast(a, dt), promotion.cast(lo, dt), promotion.cast(hi, dt)
        ctx.save_for_backward(a, lo, hi)
        return _clamp(a, lo, hi)

    @staticmethod
    def backward(ctx, grad):
        a, lo, hi = ctx.saved_tensors
        if lo is None:
            masks = (a <= hi, None, a > hi)
        elif hi is None:
            masks = (a >= lo, a < lo, None)
        else:
            masks = ((a >= lo) & (a <= hi), (a < lo) & (lo < hi), (a > hi) | (hi < lo))
        zero = grad.new_zeros(())
        return tuple(sum_to_shape(grad.where(mask, zero), *meta) if need else None
                     for mask, meta, need in zip(masks, ctx.metas, ctx.needs_input_grad))


# ---- public functions (also bound as Tensor methods) ----
from ..tensor import Tensor, _out  # noqa: E402


def where(condition, input=None, other=None, *, out=None):
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        from ..creation import tensor
        input = tensor(input)
    dt = promotion.operand_dtype(input, other)
    return _out(Where.apply(condition, input, other, dt.np), out)


def _tensor_where(self, condition, other):
    return where(condition, self, other)


def clamp(input, min=None, max=None, *, out=None):  # noqa: A002 - PyTorch's names
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) != isinstance(max, Tensor) and min is not None and max is not None:
        raise TypeError(f"clamp() received an invalid combination of arguments - got (Tensor, "
                        f"{type(min).__name__}, {type(max).__name__}): min and max must both be Tensors or numbers")
    return _out(_clamp_with(Clamp, input, min, max), out)


def _clamp_with(op, input, lo, hi):
    dt = _clamp_dtype(input, lo, hi).np
    if isinstance(lo, Tensor) or isinstance(hi, Tensor):
        return ClampTensors.apply(input, lo, hi, dt)
    return op.apply(input, lo, hi, dt)


def _clamp_dtype(input, lo, hi):
    """The result dtype of clamp: PyTorch promotes the input with both bounds."""
    if input._array.dtype.kind == "f" and not isinstance(lo, Tensor) and not isinstance(hi, Tensor):
        return input.dtype
    return promotion.result_dtype(input, lo, hi)


def clamp_min(input, min):  # noqa: A002
    return _clamp_with(ClampMin, input, min, None)


def clamp_max(input, max):  # noqa: A002
    return _clamp_with(ClampMax, input, None, max)


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"clamp": clamp, "clip": clamp, "clamp_min": clamp_min, "clamp_max": clamp_max}
FUNCTIONS = {"where": where}
METHODS = {"where": _tensor_where}
INPLACE = dict.fromkeys(("clamp", "clip", "clamp_min", "clamp_max"))
