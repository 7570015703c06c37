"""Lookups in tables: embedding, embedding_bag and one_hot."""
import warnings

from ... import dtypes
from ...backend import xp_of
from ...creation import arange
from ...ops.embedding import Embedding, EmbeddingBag, embedding_renorm_
from ...tensor import _wrap

__all__ = ["embedding", "embedding_bag", "one_hot"]


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Rows of ``weight`` at the indices ``input``; the ``padding_idx`` row gets no gradient; with ``max_norm``
    the rows looked up are first rescaled in place to at most that norm."""
    if padding_idx is not None and not -weight.size(0) <= padding_idx < weight.size(0):
        raise AssertionError("Padding_idx must be within num_embeddings")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += weight.size(0)
    if max_norm is not None:
        embedding_renorm_(weight, input, max_norm, norm_type)
    return Embedding.apply(weight, input, padding_idx, scale_grad_by_freq, sparse)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """The sum, mean or max of the rows of ``weight`` in each bag: each row of a 2-D ``input``, or each run of
    a 1-D ``input`` that starts at an entry of ``offsets``."""
    if weight.dtype is dtypes.int64 and input.is_floating_point():
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, "
                      "input, ...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.",
                      stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and input.size() != per_sample_weights.size():
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                         f"must have the same shape as the input ({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    input, offsets, per_sample_weights, include_last_offset = _flat_bags(input, offsets, per_sample_weights,
                                                                         include_last_offset)
    _check_mode(mode, scale_grad_by_freq, sparse)
    if max_norm is not None:
        embedding_renorm_(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  f"GitHub.")
    if per_sample_weights is not None and per_sample_weights.dtype != weight.dtype:
        raise RuntimeError(f"Expected tensor for argument #1 'weight' to have the same type as tensor for argument "
                           f"#1 'per_sample_weights'; but type {weight.type()} does not equal "
                           f"{per_sample_weights.type()} (while checking arguments for embedding_bag)")
    padding_idx = _bag_padding_index(padding_idx, weight.size(0))
    return EmbeddingBag.apply(weight, per_sample_weights, input, offsets, mode, padding_idx, include_last_offset,
                              scale_grad_by_freq, sparse)


def _flat_bags(input, offsets, per_sample_weights, include_last_offset):
    """A 2-D input as a 1-D one with a bag per row; a 1-D input as it is, once offsets are checked."""
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError(f"if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
        offsets = arange(0, input.numel(), input.size(1), dtype=input.dtype)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
        return input.reshape(-1), offsets, per_sample_weights, False
    if input.dim() != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.dim() != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    return input, offsets, per_sample_weights, include_last_offset


def _check_mode(mode, scale_grad_by_freq, sparse):
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")


def _bag_padding_index(padding_idx, num_embeddings):
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise RuntimeError(f"padding_idx must be within the number of embeddings, {-num_embeddings} through "
                           f"{num_embeddings - 1}, but got {padding_idx}")
    return padding_idx % num_embeddings


def one_hot(tensor, num_classes=-1):
    """int64 one-hot codes: a trailing dimension of ``num_classes`` (by default the largest value + 1)."""
    a = tensor._array
    if a.dtype != dtypes.int64.np:
        raise RuntimeError(f"one_hot is only applicable to index tensor of type LongTensor. (one_hot got a "
                           f"{tensor.type()})")
    if num_classes == -1:
        if a.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor. (one_hot of a tensor of "
                               f"shape {list(a.shape)} needs num_classes)")
        num_classes = int(a.max()) + 1
    if a.size and a.min() < 0:
        raise RuntimeError(f"Class values must be non-negative. (one_hot got the value {int(a.min())})")
    if a.size and a.max() >= num_classes:
        raise RuntimeError(f"Class values must be smaller than num_classes. (one_hot got the value {int(a.max())} "
                           f"with num_classes={num_classes})")
    xp = xp_of(a)
    return _wrap((a[..., None] == xp.arange(num_classes)).astype(xp.int64))
