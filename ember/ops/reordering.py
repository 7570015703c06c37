"""Copies that move or repeat elements: roll, flip, rot90, repeat, tile, repeat_interleave."""
from ..autograd.function import Op
from ..backend import xp_of
from .dims import wrap_dim


def _dim_of(dim, ndim):
    """A dim of a tensor with dims (a 0-d tensor has none to roll, flip or repeat along)."""
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return wrap_dim(dim, ndim)


def _ints(x):
    return (x,) if isinstance(x, int) else tuple(x)


class Roll(Op):
    _node_name = "RollBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, shifts, dims):
        if not shifts:
            raise RuntimeError("roll(): `shifts` required")
        if len(shifts) != len(dims) and (dims or len(shifts) != 1):
            raise RuntimeError(f"roll(): shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
        dims = tuple(_dim_of(d, a.ndim) for d in dims)
        ctx.shifts, ctx.dims = shifts, dims
        if not dims:
            return xp_of(a).roll(a.reshape(-1), shifts[0]).reshape(a.shape)
        return xp_of(a).roll(a, shifts, dims) if a.ndim else a.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad.roll(tuple(-s for s in ctx.shifts), ctx.dims)


class Flip(Op):
    _node_name = "FlipBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = tuple(wrap_dim(d, a.ndim) for d in dims)
        repeated = [d for d in ctx.dims if ctx.dims.count(d) > 1]
        if repeated:
            raise RuntimeError(f"flip(): dim {repeated[0]} appears multiple times in the list of dims")
        return xp_of(a).flip(a, ctx.dims).copy() if ctx.dims and a.ndim else a.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad.flip(ctx.dims)


class Rot90(Op):
    _node_name = "Rot90Backward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, k, dims):
        if len(dims) != 2:
            raise RuntimeError(f"rot90(): expected total rotation dims == 2, but got dims = {len(dims)}")
        if a.ndim < 2:
            raise RuntimeError(f"rot90(): expected total dims >= 2, but got total dims = {a.ndim}")
        d0, d1 = wrap_dim(dims[0], a.ndim), wrap_dim(dims[1], a.ndim)
        if d0 == d1:
            raise RuntimeError(f"rot90(): expected rotation dims to be different, but got dim0 = {d0} and "
                               f"dim1 = {d1}")
        ctx.k, ctx.dims = k, (d0, d1)
        return xp_of(a).rot90(a, k, (d0, d1)).copy()

    @staticmethod
    def backward(ctx, grad):
        return grad.rot90(-ctx.k, ctx.dims)


class Repeat(Op):
    _node_name = "RepeatBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, sizes):
        if len(sizes) < a.ndim:
            raise RuntimeError(f"repeat(): Number of dimensions of repeat dims ({len(sizes)}) can not be smaller "
                               f"than number of dimensions of tensor ({a.ndim})")
        shape = (1,) * (len(sizes) - a.ndim) + a.shape
        out_shape = tuple(s * n for s, n in zip(sizes, shape))
        if any(s < 0 for s in sizes):
            raise RuntimeError(f"repeat(): Trying to create tensor with negative dimension "
                               f"{min(out_shape)}: {list(out_shape)}")
        ctx.shape, ctx.sizes, ctx.padded = a.shape, sizes, shape
        return xp_of(a).tile(a.reshape(shape), sizes)

    @staticmethod
    def backward(ctx, grad):
        split = tuple(n for pair in zip(ctx.sizes, ctx.padded) for n in pair)
        summed = grad.reshape(split).sum(tuple(range(0, len(split), 2))) if split else grad
        return summed.reshape(ctx.shape)


# ---- public functions (also bound as Tensor methods) ----
from ..tensor import Tensor, _wrap  # noqa: E402
from .view import _shape_arg  # noqa: E402


def roll(input, shifts, dims=None):
    return Roll.apply(input, _ints(shifts), () if dims is None else _ints(dims))


def flip(input, *dims, **dims_keyword):
    """``flip(dims)``, ``flip(*dims)`` and ``flip(dims=...)``, as PyTorch accepts them."""
    if set(dims_keyword) - {"dims"}:
        raise TypeError(f"flip() got an unexpected keyword argument '{next(iter(set(dims_keyword) - {'dims'}))}'")
    return Flip.apply(input, _ints(dims_keyword["dims"] if dims_keyword else _shape_arg(dims)))


def fliplr(input):
    if input.ndim < 2:
        raise RuntimeError(f"fliplr(): Input must be >= 2-d, but got a tensor of shape {list(input.shape)}.")
    return flip(input, 1)


def flipud(input):
    if input.ndim < 1:
        raise RuntimeError(f"flipud(): Input must be >= 1-d, but got a tensor of shape {list(input.shape)}.")
    return flip(input, 0)


def rot90(input, k=1, dims=(0, 1)):
    return Rot90.apply(input, k, tuple(dims))


def repeat(self, *sizes):
    return Repeat.apply(self, tuple(_shape_arg(sizes)))


def tile(input, dims):
    dims = _ints(dims)
    return Repeat.apply(input, (1,) * (input.ndim - len(dims)) + dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (or slice along ``dim``) repeated: an index_select of the repeated positions.
    With one argument, ``input`` holds the repeats and the positions themselves are the result."""
    if repeats is None:
        if input.ndim != 1 or input.dtype.is_floating_point:
            raise RuntimeError(f"repeat_interleave only accept 1D vector of integers as repeat, got a "
                               f"{input.ndim}-d tensor of {input.dtype}")
        return _wrap(_repeated_positions(input._array, input._array, input.numel()))
    if dim is None:
        input, dim = input.reshape(-1), 0
    d = _dim_of(dim, input.ndim)
    counts = repeats._array if isinstance(repeats, Tensor) else repeats
    return input.index_select(d, _wrap(_repeated_positions(input._array, counts, input.shape[d])))


def _repeated_positions(like, counts, n):
    """``[0]*r0 + [1]*r1 + ...`` for ``n`` positions: the index each output slice of repeat_interleave reads."""
    xp = xp_of(like)
    counts = xp.asarray(counts)
    if counts.ndim > 1:
        raise RuntimeError(f"repeat_interleave(): repeats must be 0-dim or 1-dim tensor, got shape "
                           f"{list(counts.shape)}")
    if counts.ndim == 1 and counts.shape[0] != n:
        raise RuntimeError(f"repeat_interleave(): repeats must have the same size as input along dim, but got "
                           f"repeats.size(0) = {counts.shape[0]} and input.size(0) = {n}")
    if (counts < 0).any():
        raise RuntimeError("repeat_interleave(): Repeats must be non-negative")
    return xp.repeat(xp.arange(n), counts)


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"roll": roll, "flip": flip, "fliplr": fliplr, "flipud": flipud, "rot90": rot90,
                         "tile": tile, "repeat_interleave": repeat_interleave}
METHODS = {"repeat": repeat}
