"""Loss functions, as torch.nn.functional: fused ops for the hot and the numerically delicate losses, Tensor-op
composites (exact gradients and double backward for free) for the rest; one place handles ``reduction``."""
import math
import warnings

import ember

from ...ops import loss as ops
from ...ops.broadcast import _broadcast_shape, broadcast_error

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "cosine_embedding_loss", "cross_entropy",
           "ctc_loss", "gaussian_nll_loss", "hinge_embedding_loss", "huber_loss", "kl_div", "l1_loss",
           "margin_ranking_loss", "mse_loss", "multi_margin_loss", "multilabel_margin_loss",
           "multilabel_soft_margin_loss", "nll_loss", "poisson_nll_loss", "smooth_l1_loss", "soft_margin_loss",
           "triplet_margin_loss", "triplet_margin_with_distance_loss"]

REDUCTIONS = ("none", "mean", "sum")


# ---- reduction: one helper for every loss ----
def legacy_reduction(size_average, reduce):
    """torch's mapping of the deprecated (size_average, reduce) pair, None meaning True, to a reduction; warns."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = ("mean" if size_average else "sum") if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
                  stacklevel=4)
    return reduction


def _reduction(reduction, size_average=None, reduce=None, allowed=REDUCTIONS):
    """The reduction to apply: the legacy pair wins when given; an unknown name is a ValueError."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    if reduction not in allowed:
        raise ValueError(f"{reduction} is not a valid value for reduction (expected one of "
                         f"{', '.join(repr(name) for name in allowed)})")
    return reduction


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    return loss.mean() if reduction == "mean" else loss.sum()


def _weighted(loss, weight, reduction):
    """l1/mse with per-element weights: 'mean' divides by the sum of the weights, as torch does."""
    loss = loss * weight
    return loss.sum() / weight.sum() if reduction == "mean" else _reduce(loss, reduction)


def _check_weight_size(weight, input):
    if weight is not None and weight.shape != input.shape:
        raise ValueError(f"Weights and input must have the same size (got weight {weight.size()}, "
                         f"input {input.size()}).")


def _aligned(input, target):
    """input and target in one dtype and broadcast to one shape, with torch's warning when their sizes differ."""
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
                      "This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=3)
        error = broadcast_error(input.shape, target.shape)
        if error is not None:
            raise error
        shape = _broadcast_shape(input.shape, target.shape)
        input, target = input.expand(shape), target.expand(shape)
    if target.dtype != input.dtype:
        dtype = ember.promote_types(input.dtype, target.dtype)
        input, target = input.to(dtype), target.to(dtype)
    return input, target


# ---- classification over class indices or probabilities ----
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    reduction = _reduction(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"cross_entropy: label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if target.is_floating_point() and target.shape == input.shape:
        return _cross_entropy_with_probabilities(input, target, weight, reduction, label_smoothing)
    op = ops.SmoothedCrossEntropy if label_smoothing else ops.CrossEntropy
    return op.apply(input, target, weight, ignore_index, reduction, label_smoothing)


def _cross_entropy_with_probabilities(input, target, weight, reduction, label_smoothing):
    axis = ops.class_axis(input)
    classes = input.shape[axis]
    if label_smoothing:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    terms = input.log_softmax(axis) * target
    if weight is not None:
        terms = terms * weight.reshape([classes if d == axis else 1 for d in range(input.ndim)])
    if reduction == "none":
        return -terms.sum(axis)
    if reduction == "sum":
        return -terms.sum()
    return -terms.sum() / (input.numel() // classes)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    return ops.NllLoss.apply(input, target, weight, ignore_index, _reduction(reduction, size_average, reduce))


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"binary_cross_entropy: Using a target size ({target.size()}) that is different to the "
                         f"input size ({input.size()}) is deprecated. Please ensure they have the same size.")
    return ops.BinaryCrossEntropy.apply(input, target, reduction, weight)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"binary_cross_entropy_with_logits: Target size ({target.size()}) must be the same as "
                         f"input size ({input.size()})")
    return ops.BinaryCrossEntropyWithLogits.apply(input, target, reduction, weight, pos_weight)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(reduction, size_average, reduce)
    loss = ops.BinaryCrossEntropyWithLogits.apply(input, target, "none", None, None)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.sum(-1) / input.shape[-1], reduction)


# ---- regression ----
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    input, target = _aligned(input, target)
    reduction = _reduction(reduction, size_average, reduce)
    _check_weight_size(weight, input)
    loss = (input - target).abs()
    return _reduce(loss, reduction) if weight is None else _weighted(loss, weight, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    input, target = _aligned(input, target)
    reduction = _reduction(reduction, size_average, reduce)
    _check_weight_size(weight, input)
    if weight is None:
        return ops.MseLoss.apply(input, target, reduction)
    return _weighted((input - target) ** 2, weight, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta (got {beta}).")
    if beta == 0:
        return l1_loss(input, target, size_average, reduce, reduction)
    input, target = _aligned(input, target)
    return ops.SmoothL1Loss.apply(input, target, _reduction(reduction, size_average, reduce), beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta (got {delta}).")
    input, target = _aligned(input, target)
    reduction = _reduction(reduction)
    _check_weight_size(weight, input)
    if weight is None:
        return ops.HuberLoss.apply(input, target, reduction, delta)
    return _reduce(ops.HuberLoss.apply(input, target, "none", delta) * weight, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    reduction = _reduction(reduction, size_average, reduce)
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    var = _checked_variance(input, var)
    reduction = _reduction(reduction)
    var = var.clone()
    with ember.no_grad():  # the clamp keeps the value away from 0 without cutting var's gradient
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def _checked_variance(input, var):
    """var as a tensor that broadcasts against input: one value per element, or one per row (homoscedastic)."""
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("gaussian_nll_loss: var has negative entry/entries")
        return var * ember.ones_like(input)
    if (var < 0).any():
        raise ValueError("gaussian_nll_loss: var has negative entry/entries")
    if var.shape == input.shape:
        return var
    if var.shape == input.shape[:-1]:
        return var.unsqueeze(-1)
    if var.ndim == input.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1:
        return var
    raise ValueError(f"gaussian_nll_loss: var is of incorrect size: got {var.size()} for input of size "
                     f"{input.size()}")


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    if size_average is None and reduce is None and reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    reduction = _reduction(reduction, size_average, reduce, REDUCTIONS + ("batchmean",))
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = ember.xlogy(target, target) - target * input
    if reduction != "batchmean":
        return _reduce(loss, reduction)
    return loss.sum() / input.shape[0] if input.ndim else loss.sum()


# ---- margins and embeddings ----
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(reduction, size_average, reduce)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(reduction, size_average, reduce)
    zeros = ember.zeros_like(input)
    below_margin = ember.where(target != 1, (margin - input).clamp_min(0), zeros)
    return _reduce(below_margin + ember.where(target != -1, input, zeros), reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    return ops.SoftMarginLoss.apply(input, target, _reduction(reduction, size_average, reduce))


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(reduction, size_average, reduce)
    if target.ndim > 1:
        raise RuntimeError(f"cosine_embedding_loss: 0D or 1D target tensor expected, multi-target not supported "
                           f"(got target of size {target.size()})")
    if input1.ndim != target.ndim + 1 or input2.ndim != target.ndim + 1:
        raise RuntimeError(f"cosine_embedding_loss: {target.ndim}D target tensor expects {target.ndim + 1}D input "
                           f"tensors, but found inputs with sizes {list(input1.shape)} and {list(input2.shape)}.")
    dim = target.ndim
    eps = 1e-12  # torch's guard against zero vectors
    cos = (input1 * input2).sum(dim) / (((input1 * input1).sum(dim) + eps) * ((input2 * input2).sum(dim) + eps)).sqrt()
    zeros = ember.zeros_like(cos)
    loss = ember.where(target == 1, 1 - cos, zeros) + ember.where(target == -1, (cos - margin).clamp_min(0), zeros)
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    from .distance import pairwise_distance

    reduction = _reduction(reduction, size_average, reduce)
    return _triplet_loss("triplet_margin_loss", anchor, positive, negative,
                         lambda x1, x2: pairwise_distance(x1, x2, p, eps), margin, swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    from .distance import pairwise_distance

    return _triplet_loss("triplet_margin_with_distance_loss", anchor, positive, negative,
                         distance_function or pairwise_distance, margin, swap, _reduction(reduction))


def _triplet_loss(name, anchor, positive, negative, distance, margin, swap, reduction):
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"{name}: The anchor, positive, and negative tensors are expected to have the same number "
                           f"of dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and negative "
                           f"{negative.ndim}D inputs")
    to_negative = distance(anchor, negative)
    if swap:
        to_negative = ember.minimum(to_negative, distance(positive, negative))
    return _reduce((margin + distance(anchor, positive) - to_negative).clamp_min(0), reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """sum over classes j != y of w[y] * max(0, margin - x[y] + x[j]) ** p, divided by the number of classes."""
    reduction = _reduction(reduction, size_average, reduce)
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss: only p == 1 and p == 2 supported (got p={p})")
    if weight is not None and weight.ndim != 1:
        raise ValueError(f"multi_margin_loss: weight must be one-dimensional (got {weight.ndim} dimensions)")
    classes = input.shape[-1]
    if input.ndim not in (1, 2) or target.shape != input.shape[:-1]:
        raise RuntimeError(f"multi_margin_loss: inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    if ((target < 0) | (target >= classes)).any():
        raise RuntimeError(f"multi_margin_loss: target out of range (expected class indices in [0, {classes}))")
    target = target.unsqueeze(-1)
    other = ember.arange(classes) != target
    margins = (margin - input.gather(-1, target) + input).clamp_min(0) * other
    if p == 2:
        margins = margins * margins
    if weight is not None:
        margins = margins * weight[target]
    return _reduce(margins.sum(-1) / classes, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """sum over target classes j and non-target classes i of max(0, 1 - (x[j] - x[i])), over the number of classes.

    Each row of ``target`` lists the target classes and ends at its first -1.
    """
    reduction = _reduction(reduction, size_average, reduce)
    classes = input.shape[-1]
    if input.ndim not in (1, 2) or target.shape != input.shape:
        raise RuntimeError(f"multilabel_margin_loss: inconsistent target size: {list(target.shape)} for input of "
                           f"size: {list(input.shape)}")
    listed = (target == -1).cumsum(-1) == 0
    if (listed & ((target < 0) | (target >= classes))).any():
        raise RuntimeError(f"multilabel_margin_loss: argument #2 'target' is out of range (expected class indices "
                           f"in [0, {classes}) or -1)")
    # times each class is listed: a class listed twice counts twice, as in torch's loop over the list
    counts = ((target.unsqueeze(-1) == ember.arange(classes)) & listed.unsqueeze(-1)).sum(-2).to(input.dtype)
    is_target = counts > 0
    hinge = (1 - input.unsqueeze(-1) + input.unsqueeze(-2)).clamp_min(0)
    pairs = counts.unsqueeze(-1) * (~is_target).unsqueeze(-2)
    return _reduce((hinge * pairs).sum((-2, -1)) / classes, reduction)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """targets: padded (N, S) or all concatenated (sum(target_lengths),); lengths as tensors or sequences."""
    reduction = _reduction(reduction)
    if log_probs.ndim == 2:  # one unbatched sequence (T, C)
        loss = ctc_loss(log_probs.unsqueeze(1), targets.unsqueeze(0), _batch_of_one(input_lengths),
                        _batch_of_one(target_lengths), blank, reduction, zero_infinity)
        return loss.squeeze(0) if reduction == "none" else loss
    loss = ops.CtcLoss.apply(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity)
    if reduction != "mean":
        return _reduce(loss, reduction)
    lengths = ember.as_tensor(target_lengths, dtype=loss.dtype).clamp_min(1)
    return (loss / lengths).mean()


def _batch_of_one(lengths):
    return lengths.reshape(1) if isinstance(lengths, ember.Tensor) else [int(lengths)]
