"""Padding: a constant border (or a crop, for negative amounts), or a border read from the input itself
(reflected, replicated edge, or wrapped around), over trailing dimensions.

``pad`` is PyTorch's flat tuple: (left, right) of the last dim, then of the one before, and so on.
"""
import functools

from ..autograd.function import Op
from ..backend import xp_of
from ..tensor import _wrap


def widths(pad, ndim):
    """(before, after) for every dim: (0, 0) for the leading dims ``pad`` does not cover."""
    out = [(0, 0)] * ndim
    for k in range(len(pad) // 2):
        out[ndim - 1 - k] = (pad[2 * k], pad[2 * k + 1])
    return out


def padded_shape(shape, pad):
    return tuple(n + before + after for n, (before, after) in zip(shape, widths(pad, len(shape))))


class ConstantPad(Op):
    _node_name = "ConstantPadNdBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, pad, value):
        ctx.pad = pad
        src, dst = [], []
        for d, (n, (before, after)) in enumerate(zip(a.shape, widths(pad, a.ndim))):
            if n + before + after < 0:
                raise RuntimeError(f"narrow(): length must be non-negative. (pad: dimension {d} of size {n} padded "
                                   f"by ({before}, {after}) would have size {n + before + after})")
            src.append(slice(max(-before, 0), n - max(-after, 0)))
            dst.append(slice(max(before, 0), max(before, 0) + n - max(-before, 0) - max(-after, 0)))
        out = xp_of(a).full(padded_shape(a.shape, pad), value, a.dtype)
        out[tuple(dst)] = a[tuple(src)]
        return out

    @staticmethod
    def backward(ctx, grad):
        return ConstantPad.apply(grad, tuple(-p for p in ctx.pad), 0)


class IndexPad(Op):
    """A border copied from the input: every output position along a padded dim reads one input position,
    given by ``_source``; the gradient adds each output position's gradient back into the position it read."""

    _num_inputs = 1

    @classmethod
    def forward(cls, ctx, a, pad):
        xp = xp_of(a)
        ctx.shape = a.shape
        ctx.sources = {}
        for k in range(len(pad) // 2):
            d = a.ndim - 1 - k
            ctx.sources[d] = cls._read_only_source(xp, a.shape[d], pad[2 * k], pad[2 * k + 1])
            a = xp.take(a, ctx.sources[d], axis=d)
        return a

    @classmethod
    @functools.lru_cache(maxsize=256)
    def _read_only_source(cls, xp, n, before, after):
        """``_source``, computed once per size and padding (layers pad the same shapes step after step)."""
        source = cls._source(xp, n, before, after)
        source.flags.writeable = False
        return source

    @staticmethod
    def _source(xp, n, before, after):
        """For each output position along one dim of size ``n``, the input position it reads."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad):
        for d, source in ctx.sources.items():
            shape = grad.shape[:d] + (ctx.shape[d],) + grad.shape[d + 1:]
            grad = grad.new_zeros(shape).index_add(d, _wrap(source), grad)
        return grad


class ReflectPad(IndexPad):
    @staticmethod
    def _source(xp, n, before, after):
        """Mirrored about the edge elements (which are not repeated); negative amounts crop afterwards."""
        position = xp.abs(xp.arange(-before, n + after))
        return xp.where(position >= n, 2 * (n - 1) - position, position)


class ReplicatePad(IndexPad):
    @staticmethod
    def _source(xp, n, before, after):
        return xp.clip(xp.arange(-before, n + after), 0, n - 1)


class CircularPad(IndexPad):
    _node_name = "CopySlices"  # PyTorch builds circular padding from slice copies

    @staticmethod
    def _source(xp, n, before, after):
        """Crop first (negative amounts), then wrap around what is left, as PyTorch does."""
        start, kept = max(-before, 0), n - max(-before, 0) - max(-after, 0)
        return start + xp.arange(-max(before, 0), kept + max(after, 0)) % max(kept, 1)


_BY_MODE = {"reflect": {k: type(f"ReflectionPad{k}D", (ReflectPad,), {"_node_name": f"ReflectionPad{k}DBackward0",
                                                                        "__module__": __name__}) for k in (1, 2, 3)},
            "replicate": {k: type(f"ReplicationPad{k}D", (ReplicatePad,),
                                  {"_node_name": f"ReplicationPad{k}DBackward0", "__module__": __name__})
                          for k in (1, 2, 3)}}


def index_pad_op(mode, dims):
    """The op for 'reflect', 'replicate' or 'circular' padding of ``dims`` (1 to 3) trailing dims."""
    return CircularPad if mode == "circular" else _BY_MODE[mode][dims]
