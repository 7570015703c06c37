"""Norms and distances between vectors: normalize, cosine_similarity, pairwise_distance, pdist (composites of
Tensor ops, so their gradients come from those ops)."""
from ... import dtypes
from ...autograd.grad_mode import no_grad
from ...backend import xp_of
from ...linalg import vector_norm
from ...ops.broadcast import broadcast_error
from ...ops.diagonal import triu_indices
from ...ops.promotion import operand_dtype
from ...tensor import _out

__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "pdist"]


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input`` divided by its ``p``-norm along ``dim`` (at least ``eps``)."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return _out(input / denom, out)


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
    rows, others = triu_indices(input.size(0), input.size(0), 1)
    return (input.index_select(0, rows) - input.index_select(0, others)).norm(p, 1)
