"""Copies and dtype conversion: clone and to(dtype)."""
from ..autograd.function import Op
from .. import dtypes


class Clone(Op):
    _node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


class ToCopy(Op):
    _node_name = "ToCopyBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, np_dtype):
        ctx.in_dtype = a.dtype
        return a.astype(np_dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad.to(dtypes.from_numpy_dtype(ctx.in_dtype))


def clone(input, *, memory_format=None):
    return Clone.apply(input)


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"clone": clone}
