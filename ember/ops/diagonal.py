"""Diagonals and triangles: tril, triu, diagonal (a view), diag, diag_embed, trace, tril_indices, triu_indices."""
import numpy

from .. import dtypes
from ..autograd.function import Op
from ..backend import check_device, xp_of
from ..tensor import _out, _wrap
from .dims import wrap_dim
from .view import as_view


class Tril(Op):
    _node_name = "TrilBackward0"
    _num_inputs = 1
    _name = "tril"

    @classmethod
    def forward(cls, ctx, a, diagonal):
        if a.ndim < 2:
            raise RuntimeError(f"{cls._name}: input tensor must have at least 2 dimensions")
        ctx.diagonal = diagonal
        return getattr(xp_of(a), cls._name)(a, diagonal)

    @classmethod
    def backward(cls, ctx, grad):
        return getattr(grad, cls._name)(ctx.diagonal)


class Triu(Tril):
    _node_name = "TriuBackward0"
    _name = "triu"


def _diagonal_dims(ndim, dim1, dim2):
    d1, d2 = wrap_dim(dim1, ndim), wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def _writable_diagonal(a, offset, d1, d2):
    """``a.diagonal(...)``: numpy hands it out read-only, but it is a real view and PyTorch's is writable."""
    out = a.diagonal(offset, d1, d2)
    if not getattr(out.flags, "writeable", True) and a.flags.writeable:
        out.flags.writeable = True
    return out


class Diagonal(Op):
    _node_name = "DiagonalBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, offset, dim1, dim2):
        d1, d2 = _diagonal_dims(a.ndim, dim1, dim2)
        ctx.shape, ctx.args = a.shape, (offset, d1, d2)
        return _writable_diagonal(a, offset, d1, d2)

    @staticmethod
    def backward(ctx, grad):
        return DiagonalScatter.apply(grad, ctx.shape, *ctx.args)


class DiagonalScatter(Op):
    """Zeros of ``shape`` holding ``values`` on one diagonal: the adjoint of ``diagonal``."""

    _node_name = "DiagonalBackwardBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, values, shape, offset, d1, d2):
        ctx.args = (offset, d1, d2)
        out = xp_of(values).zeros(shape, values.dtype)
        _writable_diagonal(out, offset, d1, d2)[...] = values
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad.diagonal(*ctx.args)


class DiagEmbed(DiagonalScatter):
    _node_name = "DiagEmbedBackward0"

    @staticmethod
    def forward(ctx, a, offset, dim1, dim2):
        ndim = a.ndim + 1
        d1, d2 = _diagonal_dims(ndim, dim1, dim2)
        n = a.shape[-1] + abs(offset)
        rest = iter(a.shape[:-1])
        shape = tuple(n if d in (d1, d2) else next(rest) for d in range(ndim))
        return DiagonalScatter.forward(ctx, a, shape, offset, d1, d2)


class DiagonalCopy(Diagonal):
    _node_name = "DiagonalBackward0_copy"

    @staticmethod
    def forward(ctx, a, offset, dim1, dim2):
        return Diagonal.forward(ctx, a, offset, dim1, dim2).copy()


class Trace(Op):
    _node_name = "TraceBackward0"

    @staticmethod
    def forward(ctx, a):
        if a.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {a.ndim}")
        if a.dtype.kind == "b":
            raise NotImplementedError("\"trace\" not implemented for 'Bool'")
        ctx.shape = a.shape
        if a.dtype.kind != "f":
            return xp_of(a).asarray(a.trace(dtype="int64"))
        return xp_of(a).asarray(a.trace(dtype=numpy.promote_types(a.dtype, "float32")), a.dtype)

    @staticmethod
    def backward(ctx, grad):
        return DiagonalScatter.apply(grad.expand(min(ctx.shape)), ctx.shape, 0, 0, 1)


# ---- public functions (also bound as Tensor methods) ----
def tril(input, diagonal=0, *, out=None):
    return _out(Tril.apply(input, diagonal), out)


def triu(input, diagonal=0, *, out=None):
    return _out(Triu.apply(input, diagonal), out)


def diagonal(input, offset=0, dim1=0, dim2=1):
    return as_view(Diagonal.apply(input, offset, dim1, dim2), input, "diagonal", (offset, dim1, dim2))


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    return DiagEmbed.apply(input, offset, dim1, dim2)


def diag(input, diagonal=0, *, out=None):
    """A 1-D tensor becomes a matrix with it on one diagonal; a matrix gives a copy of one diagonal."""
    if input.ndim == 1:
        return _out(diag_embed(input, diagonal, 0, 1), out)
    if input.ndim == 2:
        return _out(DiagonalCopy.apply(input, diagonal, 0, 1), out)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


def trace(input):
    return Trace.apply(input)


def _triangle_indices(name, row, col, offset, dtype, device):
    check_device(device)
    dt = dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)
    if dt.is_floating_point or dt is dtypes.bool:
        raise NotImplementedError(f"\"{name}\" not implemented for '{dtypes.scalar_type_name(dt.np)}'")
    for what, n in (("row", row), ("col", col)):
        if n < 0:
            raise RuntimeError(f"{what} must be non-negative, got{n}")
    rows, cols = getattr(numpy, name)(row, offset, col)
    return _wrap(numpy.stack((rows, cols)).astype(dt.np))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (2, N) row and column indices of the lower triangle of a row x col matrix, row by row."""
    return _triangle_indices("tril_indices", row, col, offset, dtype, device)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _triangle_indices("triu_indices", row, col, offset, dtype, device)


# ---- what this module exports (see ember/ops/__init__.py) ----
FUNCTIONS_AND_METHODS = {"tril": tril, "triu": triu, "diagonal": diagonal, "diag_embed": diag_embed, "diag": diag,
                         "trace": trace}
FUNCTIONS = {"tril_indices": tril_indices, "triu_indices": triu_indices}
INPLACE = {"tril": None, "triu": None}
