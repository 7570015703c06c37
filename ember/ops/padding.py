"""Padding: a constant border (or a crop, for negative amounts), or a border read from the input itself
(reflected, replicated edge, or wrapped around), over trailing dimensions.

``pad`` is PyTorch's flat tuple: (left, right) of the last dim, then of the one before, and so on.
"""
from ..autograd.function import Op
from ..backend import xp_of
from ..tensor import _wrap


def _amounts(pad, ndim):
    """{dim: (before, after)} for the dims ``pad`` covers."""
    return {ndim - 1 - k: (pad[2 * k], pad[2 * k + 1]) for k in range(len(pad) // 2)}


def padded_shape(shape, pad):
    amounts = _amounts(pad, len(shape))
    return tuple(n + sum(amounts.get(d, (0, 0))) for d, n in enumerate(shape))


class ConstantPad(Op):
    _node_name = "ConstantPadNdBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, pad, value):
        ctx.pad = pad
        out = xp_of(a).full(padded_shape(a.shape, pad), value, a.dtype)
        src, dst = [slice(None)] * a.ndim, [slice(None)] * a.ndim
        for d, (before, after) in _amounts(pad, a.ndim).items():
            src[d] = slice(max(-before, 0), a.shape[d] - max(-after, 0))
            dst[d] = slice(max(before, 0), out.shape[d] - max(after, 0))
        out[tuple(dst)] = a[tuple(src)]
        return out

    @staticmethod
    def backward(ctx, grad):
        return ConstantPad.apply(grad, tuple(-p for p in ctx.pad), 0)


class IndexPad(Op):
    """A border copied from the input: every output position along a padded dim reads one input position."""

    _num_inputs = 1
    _numpy_mode = None

    @classmethod
    def forward(cls, ctx, a, pad):
        xp = xp_of(a)
        ctx.shape = a.shape
        ctx.sources = {d: cls._source(xp, a.shape[d], before, after)
                       for d, (before, after) in _amounts(pad, a.ndim).items()}
        for d, source in ctx.sources.items():
            a = xp.take(a, source, axis=d)
        return a

    @classmethod
    def _source(cls, xp, n, before, after):
        """The input position each output position along one dim reads: pad, then crop (negative amounts)."""
        grown = xp.pad(xp.arange(n), (max(before, 0), max(after, 0)), mode=cls._numpy_mode)
        return grown[max(-before, 0):grown.size - max(-after, 0)]

    @staticmethod
    def backward(ctx, grad):
        for d, source in ctx.sources.items():
            shape = grad.shape[:d] + (ctx.shape[d],) + grad.shape[d + 1:]
            grad = grad.new_zeros(shape).index_add(d, _wrap(source), grad)
        return grad


class CircularPad(IndexPad):
    _node_name = "CopySlices"  # PyTorch builds circular padding from slice copies

    @classmethod
    def _source(cls, xp, n, before, after):
        """Crop first, then wrap around what is left, as PyTorch does."""
        kept = xp.arange(n)[max(-before, 0):n - max(-after, 0)]
        return xp.pad(kept, (max(before, 0), max(after, 0)), mode="wrap")


def _index_pad(numpy_mode, node_name):
    return type(node_name[:-len("Backward0")], (IndexPad,), {"_numpy_mode": numpy_mode, "_node_name": node_name,
                                                             "__module__": __name__})


_BY_MODE = {"reflect": {k: _index_pad("reflect", f"ReflectionPad{k}DBackward0") for k in (1, 2, 3)},
            "replicate": {k: _index_pad("edge", f"ReplicationPad{k}DBackward0") for k in (1, 2, 3)}}


def index_pad_op(mode, dims):
    """The op for 'reflect', 'replicate' or 'circular' padding of ``dims`` (1 to 3) trailing dims."""
    return CircularPad if mode == "circular" else _BY_MODE[mode][dims]
