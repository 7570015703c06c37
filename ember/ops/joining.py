"""Joining tensors (cat, stack, hstack, vstack, dstack) and splitting them (split, chunk, tensor_split)."""
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


class Split(Op):
    """Consecutive slices of given sizes along one dim at once: one node with an output per slice."""

    _node_name = "SplitWithSizesBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, sizes, dim):
        ctx.dim = dim
        lead = (slice(None),) * dim
        starts = [sum(sizes[:i]) for i in range(len(sizes))]
        return tuple(a[lead + (slice(start, start + size),)] for start, size in zip(starts, sizes))

    @staticmethod
    def backward(ctx, *grads):
        return cat(grads, ctx.dim)


class SplitEqual(Split):
    _node_name = "SplitBackward0"


# ---- public functions ----
from ..tensor import Tensor, _out  # noqa: E402
from .view import as_view  # noqa: E402


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


def _at_least(t, ndim):
    """``t`` with dims added as atleast_1d/2d/3d add them: () -> (1,) -> (1, n) -> (1, n, 1); (m, n) -> (m, n, 1)."""
    if t.ndim >= ndim:
        return t
    if ndim == 1:
        return t.reshape(1)
    if ndim == 2:
        return t.reshape(1, t.numel())
    return t.reshape(tuple(t.shape) + (1,)) if t.ndim == 2 else t.reshape(1, t.numel(), 1)


def _atleast(ndim):
    def atleast(*tensors):
        if len(tensors) == 1 and not isinstance(tensors[0], Tensor):
            return tuple(_at_least(t, ndim) for t in tensors[0])
        return _at_least(tensors[0], ndim) if len(tensors) == 1 else tuple(_at_least(t, ndim) for t in tensors)
    atleast.__name__ = f"atleast_{ndim}d"
    return atleast


def _stack_along(name, ndim, dim_of):
    def joined(tensors, *, out=None):
        tensors = _check_list(tensors, name)
        if not tensors:
            raise RuntimeError(f"{name} expects a non-empty TensorList")
        tensors = [_at_least(t, ndim) for t in tensors]
        return cat(tensors, dim_of(tensors), out=out)
    joined.__name__ = name
    return joined


hstack = _stack_along("hstack", 1, lambda ts: 0 if ts[0].ndim == 1 else 1)
vstack = _stack_along("vstack", 2, lambda ts: 0)
dstack = _stack_along("dstack", 3, lambda ts: 2)


def column_stack(tensors, *, out=None):
    tensors = _check_list(tensors, "column_stack")
    if not tensors:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    return hstack([t.reshape(t.numel(), 1) if t.ndim <= 1 else t for t in tensors], out=out)


def _split_sizes(input, sizes, dim, op):
    d = wrap_dim(dim, input.ndim)
    outs = op.apply(input, tuple(sizes), d)
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    return tuple(as_view(out, input, "narrow", (d, start, size)) for out, start, size in zip(outs, starts, sizes))


def split(tensor, split_size_or_sections, dim=0):
    """Pieces of ``split_size`` (the last may be smaller), or of the listed sizes, along ``dim``."""
    if tensor.ndim == 0:
        raise RuntimeError("split(): split expects at least a 1-dimensional tensor")
    n = tensor.shape[wrap_dim(dim, tensor.ndim)]
    if not isinstance(split_size_or_sections, int):
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                               f"at dimension {dim}), but got split_sizes={sizes}")
        return _split_sizes(tensor, sizes, dim, Split)
    size = split_size_or_sections
    if size < 0 or (size == 0 and n):
        raise RuntimeError(f"split(): split_size can only be 0 if dimension size is 0, but got dimension size of "
                           f"{n}" if size == 0 else f"split(): split_size must be non-negative, but got {size}")
    count = max(1, -(-n // size)) if size else 1
    sizes = [size] * (count - 1) + [n - size * (count - 1)]
    return _split_sizes(tensor, sizes, dim, SplitEqual)


def chunk(input, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    n = input.shape[wrap_dim(dim, input.ndim)]
    return split(input, max(1, -(-n // chunks)), dim)


def tensor_split(input, indices_or_sections, dim=0):
    """Into ``sections`` nearly equal parts (the first ``n % sections`` one longer), or cut at ``indices``."""
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    if isinstance(indices_or_sections, Tensor):
        if indices_or_sections.dtype.is_floating_point or indices_or_sections.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               "one-dimensional tensor of dtype long, but got a tensor with "
                               f"{indices_or_sections.ndim} dims")
        indices_or_sections = indices_or_sections.tolist()
    d = wrap_dim(dim, input.ndim)
    if isinstance(indices_or_sections, int):
        sections, n = indices_or_sections, input.shape[d]
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        sizes = [n // sections + (i < n % sections) for i in range(sections)]
        cuts = [sum(sizes[:i]) for i in range(1, sections)]
    elif isinstance(indices_or_sections, (list, tuple)) and all(isinstance(i, int) for i in indices_or_sections):
        cuts = list(indices_or_sections)
    else:
        raise TypeError(f"tensor_split(): argument 'indices' must be tuple of ints, not "
                        f"{type(indices_or_sections).__name__}")
    lead = (slice(None),) * d
    return tuple(input[lead + (slice(start, stop),)] for start, stop in zip([0] + cuts, cuts + [None]))


def _split_along(name, min_ndim, dim_of):
    """hsplit / vsplit / dsplit: tensor_split along one dim, where a number of sections must divide it."""
    def split_at(input, indices_or_sections):
        if input.ndim < min_ndim:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {min_ndim} dimension, but got a tensor "
                               f"with {input.ndim} dimensions!")
        dim = dim_of(input)
        if isinstance(indices_or_sections, int) and (
                indices_or_sections == 0 or input.shape[dim] % indices_or_sections):
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
                               f"{input.shape[dim]} is not divisible by the split_size {indices_or_sections}!")
        return tensor_split(input, indices_or_sections, dim)
    split_at.__name__ = name
    return split_at


hsplit = _split_along("hsplit", 1, lambda t: 0 if t.ndim == 1 else 1)
vsplit = _split_along("vsplit", 2, lambda t: 0)
dsplit = _split_along("dsplit", 3, lambda t: 2)


def _split_method(self, split_size, dim=0):
    return split(self, split_size, dim)


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS = {"cat": cat, "concat": cat, "concatenate": cat, "stack": stack, "hstack": hstack, "vstack": vstack,
             "row_stack": vstack, "dstack": dstack, "column_stack": column_stack, "split": split,
             "atleast_1d": _atleast(1), "atleast_2d": _atleast(2), "atleast_3d": _atleast(3)}
FUNCTIONS_AND_METHODS = {"chunk": chunk, "tensor_split": tensor_split, "hsplit": hsplit, "vsplit": vsplit,
                         "dsplit": dsplit}
METHODS = {"split": _split_method}
