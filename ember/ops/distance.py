"""Distances between vectors, also ``torch.<name>`` functions: cosine_similarity and pairwise_distance (composites of
Tensor ops, so their gradients come from those ops) and pdist (one op, with PyTorch's gradient conventions)."""
from .. import dtypes
from ..autograd.function import Op
from ..autograd.grad_mode import no_grad
from ..backend import xp_of
from ..tensor import _wrap
from .broadcast import broadcast_error
from .decompositions import vector_norm
from .promotion import operand_dtype


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim`` (broadcast together); each norm is at
    least ``eps``."""
    common = operand_dtype(x1, x2)
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{dtypes.scalar_type_name(common.np)}")
    error = broadcast_error(x1.shape, x2.shape)
    if error is not None:
        raise error
    shape = xp_of(x1._array).broadcast_shapes(x1.shape, x2.shape)
    x1, x2 = ((x if x.dtype.is_floating_point else x.to(common)).expand(shape) for x in (x1, x2))
    n1, n2 = (vector_norm(x, 2, dim, keepdim=True).clone() for x in (x1, x2))
    with no_grad():  # the floor changes the value only: the gradient stays that of the norm, as in PyTorch
        n1.clamp_min_(eps)
        n2.clamp_min_(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The ``p``-norm of ``x1 - x2 + eps`` along the last dimension."""
    innermost = max(x1.dim(), x2.dim()) - 1
    return (x1 - x2 + eps).norm(p, innermost, keepdim)


def pdist(input, p=2):
    """The ``p``-norm distance between every pair of rows ``i < j`` of a 2-D input, in row-major order."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if not input.dtype.is_floating_point:
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    return Pdist.apply(input, float(p))


class Pdist(Op):
    """Distances of rows ``i < j`` of an (N, D) input, in row-major pair order: N * (N - 1) / 2 values."""

    _node_name = "PdistBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, a, p):
        xp = xp_of(a)
        first, second = xp.triu_indices(a.shape[0], 1)
        ctx.p, ctx.first, ctx.second = p, _wrap(first), _wrap(second)
        out = xp.linalg.norm(a[first] - a[second], ord=p, axis=1).astype(a.dtype, copy=False)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        """Each pair's gradient goes to its first row and, negated, to its second; where a distance is zero (and,
        for p < 1, where a coordinate difference is zero) the gradient is zero, as in PyTorch."""
        a, dist = ctx.saved_tensors
        if ctx.p == 0:
            return a.new_zeros(a.shape)
        diff = a.index_select(0, ctx.first) - a.index_select(0, ctx.second)
        dist, grad = dist.unsqueeze(1), grad.unsqueeze(1)
        if ctx.p == float("inf"):
            pair = diff.sign() * (diff.abs() == dist).to(diff.dtype) * grad
        else:
            pair = diff.sign() * diff.abs().pow(ctx.p - 1) * (grad / dist.pow(ctx.p - 1))
            undefined = dist == 0
            pair = pair.masked_fill(undefined | (diff == 0) if ctx.p < 1 else undefined, 0)
        return a.new_zeros(a.shape).index_add(0, ctx.first, pair).index_add(0, ctx.second, -pair)


# ---- what this module exports as ember.<name> ----
FUNCTIONS = {"cosine_similarity": cosine_similarity, "pairwise_distance": pairwise_distance, "pdist": pdist}
