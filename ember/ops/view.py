"""Shape ops that return views sharing memory: view, reshape, transpose, t, permute, squeeze, unsqueeze, expand,
movedim, unflatten, unfold, as_strided."""
import math

import numpy

from ..autograd.function import Op
from ..backend import xp_of
from .broadcast import sum_to_shape
from .dims import wrap_dim


def infer_shape(shape, numel, op="view"):
    """Resolve one -1 in ``shape`` for ``numel`` elements; RuntimeError like PyTorch when impossible."""
    shape = tuple(map(int, shape))
    if shape and min(shape) >= 0 and math.prod(shape) == numel:
        return shape
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        return tuple(numel // known if s == -1 else s for s in shape)
    if known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class View(Op):
    _node_name = "ViewBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        shape = infer_shape(shape, a.size)
        if type(a) is numpy.ndarray and a.flags.c_contiguous:
            return a.reshape(shape)  # always a view of a contiguous array
        try:
            return numpy.reshape(a, shape, copy=False) if type(a) is numpy.ndarray else a.view().reshape(shape)
        except ValueError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one dimension spans "
                "across two contiguous subspaces). Use .reshape(...) instead.") from None

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape)


class ReshapeCopy(View):
    """reshape of a tensor whose layout allows no view: a copy, as PyTorch's _unsafe_view."""

    _node_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return a.reshape(infer_shape(shape, a.size))


class Transpose(Op):
    _node_name = "TransposeBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dim0, dim1):
        d0, d1 = wrap_dim(dim0, a.ndim), wrap_dim(dim1, a.ndim)
        ctx.dims = (d0, d1)
        return a.swapaxes(d0, d1) if a.ndim else a.view()

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(*ctx.dims)


class T(Op):
    _node_name = "TBackward0"

    @staticmethod
    def forward(ctx, a):
        if a.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a.ndim}D")
        return a.T

    @staticmethod
    def backward(ctx, grad):
        return grad.t()


class Permute(Op):
    _node_name = "PermuteBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dims):
        if len(dims) != a.ndim:
            raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match "
                               f"the length of the desired ordering of dimensions i.e. input.dim() = {a.ndim} "
                               f"is not equal to len(dims) = {len(dims)}")
        dims = tuple(wrap_dim(d, a.ndim) for d in dims)
        if len(set(dims)) != len(dims):
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        ctx.inverse = tuple(numpy.argsort(dims).tolist())
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(ctx.inverse)


class Squeeze(Op):
    _node_name = "SqueezeBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dims):
        ctx.shape = a.shape
        dims = tuple(i for i, n in enumerate(a.shape) if n == 1) if dims is None else \
            tuple(d for d in (wrap_dim(d, a.ndim) for d in dims) if a.ndim and a.shape[d] == 1)
        return a.squeeze(dims) if dims else a.view()

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape)


class SqueezeDim(Squeeze):
    _node_name = "SqueezeBackward1"


class Unsqueeze(Op):
    _node_name = "UnsqueezeBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dim):
        d = wrap_dim(dim, a.ndim + 1)
        ctx.dim = d
        return numpy.expand_dims(a, d) if type(a) is numpy.ndarray else a.reshape(a.shape[:d] + (1,) + a.shape[d:])

    @staticmethod
    def backward(ctx, grad):
        return grad.squeeze(ctx.dim)


class Expand(Op):
    _node_name = "ExpandBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, sizes):
        ctx.shape = a.shape
        return _broadcast_to(a, expanded_shape(a.shape, sizes))

    @staticmethod
    def backward(ctx, grad):
        return sum_to_shape(grad, ctx.shape)


def _broadcast_to(a, target):
    """``broadcast_to(a, target)``, built directly for a contiguous numpy array: numpy's function costs several
    times the small ops whose gradients it expands."""
    if type(a) is not numpy.ndarray or not a.size or not a.flags.c_contiguous:
        return xp_of(a).broadcast_to(a, target)
    lead = len(target) - a.ndim
    strides = (0,) * lead + tuple([s if n == m != 1 else 0 for n, m, s in zip(a.shape, target[lead:], a.strides)])
    out = numpy.ndarray(target, a.dtype, a, 0, strides)
    out.flags.writeable = False
    return out


class Unbind(Op):
    """All slices along one dim at once: one node with an output per slice, as PyTorch's UnbindBackward0."""

    _node_name = "UnbindBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dim):
        if a.ndim == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        d = wrap_dim(dim, a.ndim)
        ctx.dim = d
        lead = (slice(None),) * d
        return tuple(a[lead + (i, Ellipsis)] for i in range(a.shape[d]))

    @staticmethod
    def backward(ctx, *grads):
        from .joining import stack
        return stack(grads, ctx.dim)


class Unfold(Op):
    """Sliding windows of ``size`` every ``step`` along ``dim``, as a new last dim: a strided view."""

    _node_name = "UnfoldBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dim, size, step):
        d = wrap_dim(dim, a.ndim)
        length = a.shape[d] if a.ndim else 1
        if size < 0:
            raise RuntimeError(f"unfold(): size is {size} but must be >= 0")
        if size > length:
            raise RuntimeError(f"unfold(): maximum size for tensor at dimension {d} is {length} but size is {size}")
        if step <= 0:
            raise RuntimeError(f"unfold(): step is {step} but must be > 0")
        ctx.shape, ctx.dim, ctx.size, ctx.step = a.shape, d, size, step
        if a.ndim == 0:
            return a.reshape(1)
        shape = a.shape[:d] + ((length - size) // step + 1,) + a.shape[d + 1:] + (size,)
        strides = a.strides[:d] + (a.strides[d] * step,) + a.strides[d + 1:] + (a.strides[d],)
        return xp_of(a).lib.stride_tricks.as_strided(a, shape, strides)

    @staticmethod
    def backward(ctx, grad):
        return UnfoldGrad.apply(grad, ctx.shape, ctx.dim, ctx.size, ctx.step)


class UnfoldGrad(Op):
    """The gradient of unfold: each window's gradient added back where the window was read."""

    _node_name = "UnfoldBackwardBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, grad, shape, dim, size, step):
        ctx.dim, ctx.size, ctx.step = dim, size, step
        xp = xp_of(grad)
        if not shape:
            return grad.reshape(())
        out = xp.zeros(shape, grad.dtype)
        windows = grad.shape[dim]
        lead = (slice(None),) * dim
        for offset in range(size):
            out[lead + (slice(offset, offset + step * (windows - 1) + 1, step),)] += grad[..., offset]
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad.unfold(ctx.dim, ctx.size, ctx.step)


class AsStridedView(Op):
    """``as_strided(size, stride, offset)``: elements read from the storage of the tensor's root."""

    _node_name = "AsStridedBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, storage, size, stride, offset):
        reach = offset + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else offset
        if any(n < 0 for n in size) or any(s < 0 for s in stride) or len(size) != len(stride):
            raise RuntimeError(f"as_strided(): invalid size {list(size)} or stride {list(stride)}")
        if reach >= storage.size and all(size):
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
                               f"requiring a storage size of {reach + 1} are out of bounds for storage of size "
                               f"{storage.size}")
        ctx.shape, ctx.storage_size = a.shape, storage.size
        ctx.save_for_backward(_storage_positions(a, storage), _positions(xp_of(a), size, stride, offset))
        flat = storage.reshape(-1)
        item = flat.itemsize
        return xp_of(a).lib.stride_tricks.as_strided(flat[offset:], size, tuple(s * item for s in stride))

    @staticmethod
    def backward(ctx, grad):
        own, read = ctx.saved_tensors
        storage = grad.new_zeros(ctx.storage_size).index_add(0, read.reshape(-1), grad.reshape(-1))
        return storage[own]


def _positions(xp, size, stride, offset):
    """The storage position of each element of a (size, stride, offset) layout."""
    positions = xp.full(tuple(size), offset, xp.int64)
    for d, (n, s) in enumerate(zip(size, stride)):
        positions += xp.arange(n).reshape((n,) + (1,) * (len(size) - d - 1)) * s
    return positions


def _offset_in(a, storage):
    """How many elements into ``storage`` (an array ``a`` is a view of) ``a`` starts."""
    return (a.__array_interface__["data"][0] - storage.__array_interface__["data"][0]) // a.itemsize


def _storage_positions(a, storage):
    """Where each element of ``a`` lives in ``storage``."""
    return _positions(xp_of(a), a.shape, tuple(s // a.itemsize for s in a.strides), _offset_in(a, storage))


def expanded_shape(shape, sizes):
    """The shape ``expand(*sizes)`` gives (-1 keeps a dim), with PyTorch's error when a size cannot stretch."""
    sizes = tuple(sizes)
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand({list(shape)}, size={list(sizes)}): the number of sizes provided "
                           f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor "
                           f"({len(shape)})")
    lead = len(sizes) - len(shape)
    out = list(sizes[:lead])
    for i, n in enumerate(shape):
        want = sizes[lead + i]
        if want == -1:
            want = n
        elif n != 1 and want != n:
            raise RuntimeError(f"The expanded size of the tensor ({want}) must match the existing size ({n}) at "
                               f"non-singleton dimension {lead + i}.  Target sizes: {list(sizes)}.  Tensor "
                               f"sizes: {list(shape)}")
        out.append(want)
    return tuple(out)


# ---- public functions (also bound as Tensor methods) ----


def _shape_arg(shape):
    """Accept ``f(2, 3)`` and ``f((2, 3))`` as PyTorch does."""
    if len(shape) == 1 and not isinstance(shape[0], int) and hasattr(shape[0], "__len__"):
        return tuple(shape[0])
    return shape


def as_view(out, src, name, args):
    """Mark ``out`` as a view of ``src``: shared version counter, and how to re-derive it from the root.
    A view taken under no_grad of a tensor that requires grad still requires grad (as a leaf), as in PyTorch."""
    out._version_counter = src._version_counter
    if src._requires_grad and not out._requires_grad:
        out._requires_grad = True
    root, steps = src._base if src._base is not None else (src, ())
    out._base = (root, steps + ((name, args),))
    return out


def view(self, *shape):
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list)) and shape[0] is not None:
        return self.to(shape[0])
    shape = _shape_arg(shape)
    return as_view(View.apply(self, shape), self, "view", (shape,))


def reshape(input, *shape):
    shape = _shape_arg(shape)
    try:
        return view(input, shape)
    except RuntimeError:
        if -1 not in shape:
            infer_shape(shape, input.numel())
        return ReshapeCopy.apply(input, shape)


def view_as(self, other):
    return view(self, other.shape)


def reshape_as(self, other):
    return reshape(self, other.shape)


def transpose(input, dim0, dim1):
    return as_view(Transpose.apply(input, dim0, dim1), input, "transpose", (dim0, dim1))


swapaxes = swapdims = transpose


def t(input):
    return as_view(T.apply(input), input, "t", ())


def permute(input, *dims):
    dims = _shape_arg(dims)
    return as_view(Permute.apply(input, dims), input, "permute", (dims,))


def squeeze(input, dim=None):
    if dim is None:
        return as_view(Squeeze.apply(input, None), input, "squeeze", ())
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return as_view(SqueezeDim.apply(input, dims), input, "squeeze", (dim,))


def unsqueeze(input, dim):
    return as_view(Unsqueeze.apply(input, dim), input, "unsqueeze", (dim,))


def expand(self, *sizes):
    sizes = _shape_arg(sizes)
    return as_view(Expand.apply(self, sizes), self, "expand", (sizes,))


def expand_as(self, other):
    return expand(self, other.shape)


def flatten(input, start_dim=0, end_dim=-1):
    if input.ndim == 0:
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, input.ndim), wrap_dim(end_dim, input.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = input.shape
    n = 1
    for d in shape[s:e + 1]:
        n *= d
    return reshape(input, tuple(shape[:s]) + (n,) + tuple(shape[e + 1:]))


def narrow(input, dim, start, length):
    d = wrap_dim(dim, input.ndim)
    size = input.shape[d]
    start = int(start)
    if start < 0:
        start += size
    if not 0 <= start <= size or length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return input[(slice(None),) * d + (slice(start, start + length),)]


def select(input, dim, index):
    d = wrap_dim(dim, input.ndim)
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {dim}")
    return input[(slice(None),) * d + (index,)]


def unbind(input, dim=0):
    outs = Unbind.apply(input, dim)
    return tuple(as_view(out, input, "select", (dim, i)) for i, out in enumerate(outs))


def movedim(input, source, destination):
    """A permutation that puts the dims in ``source`` at ``destination``, the others keeping their order."""
    source = (source,) if isinstance(source, int) else tuple(source)
    destination = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(source) != len(destination):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(source)} dims) should "
                           f"contain the same number of dims as destination ({list(destination)} dims)")
    n = input.ndim
    src = [wrap_dim(d, n) for d in source]
    dst = [wrap_dim(d, n) for d in destination]
    for name, dims, given in (("source", src, source), ("destination", dst, destination)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(given)})")
    rest = iter(d for d in range(n) if d not in src)
    placed = dict(zip(dst, src))
    order = tuple(placed[i] if i in placed else next(rest) for i in range(n))
    return permute(input, order)


def unflatten(input, dim, sizes):
    """Dim ``dim`` split into ``sizes`` (one may be -1): a view."""
    d = wrap_dim(dim, input.ndim)
    sizes = tuple(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    length = input.shape[d]
    known = math.prod(s for s in sizes if s != -1)
    if sizes.count(-1) > 1:
        raise RuntimeError("unflatten: only one dimension can be inferred")
    if (-1 in sizes and (known == 0 or length % known)) or (-1 not in sizes and known != length):
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                           f"({length}) in the input tensor")
    sizes = tuple(length // known if s == -1 else s for s in sizes)
    return view(input, tuple(input.shape[:d]) + sizes + tuple(input.shape[d + 1:])) \
        if input.is_contiguous() else reshape(input, tuple(input.shape[:d]) + sizes + tuple(input.shape[d + 1:]))


def unfold(self, dimension, size, step):
    return as_view(Unfold.apply(self, dimension, size, step), self, "unfold", (dimension, size, step))


def as_strided(input, size, stride, storage_offset=None):
    """A view reading the root tensor's storage (which must be contiguous) at the given layout."""
    root = input._base[0] if input._base is not None else input
    storage = root._array if root._array.flags.c_contiguous else input._array
    offset = _offset_in(input._array, storage) if storage_offset is None else storage_offset
    out = AsStridedView.apply(input, storage, tuple(size), tuple(stride), offset)
    return as_view(out, input, "as_strided", (size, stride, storage_offset))


def contiguous(self, memory_format=None):
    return self if self._array.flags.c_contiguous else self.clone()


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"reshape": reshape, "transpose": transpose, "swapaxes": transpose, "swapdims": transpose,
                         "t": t, "permute": permute, "squeeze": squeeze, "unsqueeze": unsqueeze,
                         "flatten": flatten, "narrow": narrow, "select": select, "unbind": unbind,
                         "movedim": movedim, "moveaxis": movedim, "unflatten": unflatten, "as_strided": as_strided}
INPLACE_VIEWS = dict.fromkeys(("transpose", "swapaxes", "swapdims", "t", "squeeze", "unsqueeze", "as_strided"))
METHODS = {"view": view, "view_as": view_as, "reshape_as": reshape_as, "expand": expand, "expand_as": expand_as,
           "contiguous": contiguous, "unfold": unfold}
