"""softmax and log_softmax along a dim: a max-shifted fused forward and the fused backward formulas."""
from ..autograd.function import Op
from ..backend import xp_of
from .dims import wrap_dim
from ..dtypes import scalar_type_name


class _SoftmaxBase(Op):
    _num_inputs = 1
    _kernel = None  # PyTorch's kernel name, for the error on non-float inputs

    @classmethod
    def forward(cls, ctx, a, dim):
        if a.dtype.kind != "f":
            raise NotImplementedError(f"\"{cls._kernel}\" not implemented for '{scalar_type_name(a.dtype)}'")
        axis = wrap_dim(dim, a.ndim) if a.ndim else None
        ctx.dim = dim
        shifted = a - a.max(axis=axis, keepdims=True)
        out = cls._from_shifted(xp_of(a), shifted, axis)
        ctx.save_for_backward(out)
        return out


class Softmax(_SoftmaxBase):
    _node_name = "SoftmaxBackward0"
    _kernel = "softmax_kernel_impl"

    @staticmethod
    def _from_shifted(xp, shifted, axis):
        e = xp.exp(shifted)
        e /= e.sum(axis=axis, keepdims=True)
        return e

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return y * (grad - (grad * y).sum(ctx.dim, keepdim=True))


class LogSoftmax(_SoftmaxBase):
    _node_name = "LogSoftmaxBackward0"
    _kernel = "log_softmax_kernel_impl"

    @staticmethod
    def _from_shifted(xp, shifted, axis):
        return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad - y.exp() * grad.sum(ctx.dim, keepdim=True)


# ---- public functions (also bound as Tensor methods) ----
def softmax(input, dim, dtype=None):
    return Softmax.apply(input if dtype is None else input.to(dtype), dim)


def log_softmax(input, dim, dtype=None):
    return LogSoftmax.apply(input if dtype is None else input.to(dtype), dim)


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"softmax": softmax, "log_softmax": log_softmax}
