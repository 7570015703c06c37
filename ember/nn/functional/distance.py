"""Norms and distances between vectors: normalize here; cosine_similarity, pairwise_distance and pdist, which
torch also has at the top level, live with the ops."""
from ...ops.distance import cosine_similarity, pairwise_distance, pdist
from ...tensor import _out

__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "pdist"]


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input`` divided by its ``p``-norm along ``dim`` (at least ``eps``)."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return _out(input / denom, out)
