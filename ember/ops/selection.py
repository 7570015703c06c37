"""where and clamp."""
from ..autograd.function import Op
from ..backend import xp_of
from . import promotion
from .broadcast import sum_to_shape


class Where(Op):
    _node_name = "WhereBackward0"
    _num_inputs = 3

    @staticmethod
    def forward(ctx, cond, a, b, dt):
        if getattr(cond, "dtype", None) is None or cond.dtype.kind != "b":
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                               f"{getattr(cond, 'dtype', type(cond).__name__)}")
        ctx.save_for_backward(cond)
        ctx.shapes = (getattr(a, "shape", ()), getattr(b, "shape", ()))
        return xp_of(cond).where(cond, promotion.cast(a, dt), promotion.cast(b, dt)).astype(dt, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (cond,) = ctx.saved_tensors
        _, need_a, need_b = ctx.needs_input_grad
        zero = grad.new_zeros(())
        ga = sum_to_shape(grad.where(cond, zero), ctx.shapes[0]) if need_a else None
        gb = sum_to_shape(zero.where(cond, grad), ctx.shapes[1]) if need_b else None
        return None, ga, gb


class Clamp(Op):
    """clamp with number bounds; the gradient passes where min <= x <= max."""

    _node_name = "ClampBackward1"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, lo, hi):
        if lo is None and hi is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        ctx.save_for_backward(a)
        ctx.lo, ctx.hi = lo, hi
        xp = xp_of(a)
        out = a
        if lo is not None:
            out = xp.maximum(out, lo)
        if hi is not None:
            out = xp.minimum(out, hi)
        return out.astype(a.dtype, copy=False) if out is not a else a.copy()

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        keep = None
        if ctx.lo is not None:
            keep = a >= ctx.lo
        if ctx.hi is not None:
            keep = (a <= ctx.hi) if keep is None else keep & (a <= ctx.hi)
        return grad * keep


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
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        result = input
        if min is not None:
            result = result.maximum(min)
        if max is not None:
            result = result.minimum(max)
        return _out(result, out)
    return _out(Clamp.apply(input, min, max), out)


def clamp_min(input, min):  # noqa: A002
    return clamp(input, min=min)


def clamp_max(input, max):  # noqa: A002
    return clamp(input, max=max)
