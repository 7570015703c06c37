"""Joining tensors: cat and stack."""
from .. import dtypes
from ..autograd.function import Op
from ..backend import xp_of
from .dims import wrap_dim


class Cat(Op):
    _node_name = "CatBackward0"

    @staticmethod
    def forward(ctx, *arrays_and_dim):
        *arrays, dim = arrays_and_dim
        if not arrays:
            raise ValueError("torch.cat(): expected a non-empty list of Tensors")
        ctx.empty = [a.ndim == 1 and a.shape[0] == 0 for a in arrays]  # PyTorch skips legacy empty (0,) inputs
        kept = [a for a, empty in zip(arrays, ctx.empty) if not empty] or arrays[:1]
        ref = kept[0]
        d = wrap_dim(dim, ref.ndim)
        for i, (a, empty) in enumerate(zip(arrays, ctx.empty)):
            if not empty and a.ndim != ref.ndim:
                raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {a.ndim}")
            if not empty and a.shape[:d] + a.shape[d + 1:] != ref.shape[:d] + ref.shape[d + 1:]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{_mismatch(ref, a, d)} but got size {_mismatch(a, ref, d)} for tensor number "
                                   f"{i} in the list.")
        ctx.dim, ctx.sizes = d, [0 if empty else a.shape[d] for a, empty in zip(arrays, ctx.empty)]
        ctx.dtypes = [a.dtype for a in arrays]
        dt = _dtype(arrays)
        return xp_of(ref).concatenate([a.astype(dt, copy=False) for a in kept], axis=d)

    @staticmethod
    def backward(ctx, grad):
        grads, start = [], 0
        for size, empty, dt in zip(ctx.sizes, ctx.empty, ctx.dtypes):
            part = grad.new_zeros(0) if empty else grad.narrow(ctx.dim, start, size)
            grads.append(_in_dtype(part, dt))
            start += size
        return tuple(grads)


def _dtype(arrays):
    result = dtypes.from_numpy_dtype(arrays[0].dtype)
    for a in arrays[1:]:
        result = dtypes.promote_types(result, dtypes.from_numpy_dtype(a.dtype))
    return result.np


def _in_dtype(grad, np_dtype):
    """An input's gradient in that input's dtype (inputs of mixed dtypes are promoted in forward)."""
    return grad if grad.dtype.np == np_dtype else grad.to(dtypes.from_numpy_dtype(np_dtype))


def _mismatch(a, b, d):
    for i in range(min(a.ndim, b.ndim)):
        if i != d and a.shape[i] != b.shape[i]:
            return a.shape[i]
    return a.ndim


class Stack(Op):
    _node_name = "StackBackward0"

    @staticmethod
    def forward(ctx, *arrays_and_dim):
        *arrays, dim = arrays_and_dim
        if not arrays:
            raise RuntimeError("stack expects a non-empty TensorList")
        for i, a in enumerate(arrays):
            if a.shape != arrays[0].shape:
                raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(arrays[0].shape)} "
                                   f"at entry 0 and {list(a.shape)} at entry {i}")
        d = wrap_dim(dim, arrays[0].ndim + 1)
        ctx.dim, ctx.dtypes = d, [a.dtype for a in arrays]
        dt = _dtype(arrays)
        return xp_of(arrays[0]).stack([a.astype(dt, copy=False) for a in arrays], axis=d)

    @staticmethod
    def backward(ctx, grad):
        return tuple(_in_dtype(grad.select(ctx.dim, i), dt) for i, dt in enumerate(ctx.dtypes))


# ---- public functions ----
from ..tensor import Tensor, _out  # noqa: E402


def _check_list(tensors, name):
    if isinstance(tensors, Tensor) or not all(isinstance(t, Tensor) for t in tensors):
        raise TypeError(f"{name}(): argument 'tensors' must be tuple of Tensors, not "
                        f"{type(tensors).__name__ if isinstance(tensors, Tensor) else 'a sequence with non-Tensors'}")
    return list(tensors)


def cat(tensors, dim=0, *, out=None):
    tensors = _check_list(tensors, "cat")
    return _out(Cat.apply_n(len(tensors), *tensors, dim), out)


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None):
    tensors = _check_list(tensors, "stack")
    return _out(Stack.apply_n(len(tensors), *tensors, dim), out)


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS = {"cat": cat, "concat": cat, "concatenate": cat, "stack": stack}
