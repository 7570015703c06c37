"""Loss ops with a fused forward and backward: cross entropy and nll over class indices, binary cross entropy
(on probabilities and on logits), the pointwise regression losses, and CTC. The reduction is part of the op."""
import math

from ..autograd.function import Op
from ..backend import xp_of
from ..dtypes import scalar_type_name


def reduce_array(loss, reduction):
    """An array of per-element losses reduced by 'none', 'mean' or 'sum' (a 0-d array, not a numpy scalar)."""
    if reduction == "none":
        return loss
    return xp_of(loss).asarray(loss.mean() if reduction == "mean" else loss.sum())


def spread_grad(grad, reduction, shape):
    """The gradient of a reduced loss as the gradient of each per-element loss over ``shape``."""
    if reduction == "none":
        return grad
    if reduction == "mean":
        grad = grad / max(math.prod(shape), 1)
    return grad.expand(shape)


class _PointwiseLoss(Op):
    """A loss computed element by element from (input, target) and then reduced."""

    _num_inputs = 2

    @classmethod
    def forward(cls, ctx, input, target, reduction, *options):
        ctx.save_for_backward(input, target, *options)
        ctx.reduction = reduction
        return reduce_array(cls._loss(xp_of(input), input, target, *options), reduction)

    @classmethod
    def backward(cls, ctx, grad):
        input, target, *options = ctx.saved_tensors
        grad = spread_grad(grad, ctx.reduction, input.shape)
        d_input, d_target = cls._derivatives(input, target, ctx.needs_input_grad, *options)
        return (grad * d_input if d_input is not None else None,
                grad * d_target if d_target is not None else None)


class _DifferenceLoss(_PointwiseLoss):
    """A loss of ``input - target`` alone, so the target's derivative is minus the input's."""

    @classmethod
    def _loss(cls, xp, input, target, *options):
        return cls._of_difference(xp, input - target, *options)

    @classmethod
    def _derivatives(cls, input, target, needs, *options):
        d_input = cls._slope(input - target, *options)
        return d_input, (-d_input if needs[1] else None)


class MseLoss(_DifferenceLoss):
    _node_name = "MseLossBackward0"

    @staticmethod
    def _of_difference(xp, diff):
        return diff * diff

    @staticmethod
    def _slope(diff):
        return 2 * diff


class SmoothL1Loss(_DifferenceLoss):
    _node_name = "SmoothL1LossBackward0"

    @staticmethod
    def _of_difference(xp, diff, beta):
        size = xp.abs(diff)
        return xp.where(size < beta, 0.5 * diff * diff / beta, size - 0.5 * beta)

    @staticmethod
    def _slope(diff, beta):
        return (diff / beta).clamp(-1, 1)


class HuberLoss(_DifferenceLoss):
    _node_name = "HuberLossBackward0"

    @staticmethod
    def _of_difference(xp, diff, delta):
        size = xp.abs(diff)
        return xp.where(size < delta, 0.5 * diff * diff, delta * (size - 0.5 * delta))

    @staticmethod
    def _slope(diff, delta):
        return diff.clamp(-delta, delta)


class SoftMarginLoss(_PointwiseLoss):
    """log(1 + exp(-target * input)); torch takes no gradient for the target."""

    _node_name = "SoftMarginLossBackward0"
    _num_inputs = 1

    @staticmethod
    def _loss(xp, input, target):
        return xp.logaddexp(0, -target * input).astype(input.dtype, copy=False)

    @staticmethod
    def _derivatives(input, target, needs):
        return -target * (-target * input).sigmoid(), None


class _WeightedPointwiseLoss(_PointwiseLoss):
    """A pointwise loss whose first option is an optional weight multiplying each element's loss."""

    @classmethod
    def _loss(cls, xp, input, target, weight, *options):
        loss = cls._unweighted_loss(xp, input, target, *options)
        return loss if weight is None else loss * weight

    @classmethod
    def _derivatives(cls, input, target, needs, weight, *options):
        d_input, d_target = cls._unweighted_derivatives(input, target, needs, *options)
        if weight is None:
            return d_input, d_target
        return d_input * weight, (None if d_target is None else d_target * weight)


class BinaryCrossEntropy(_WeightedPointwiseLoss):
    """-(t log x + (1 - t) log(1 - x)) with each log clamped at -100, as torch does."""

    _node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def _unweighted_loss(xp, input, target):
        if ((input < 0) | (input > 1)).any():
            raise RuntimeError("binary_cross_entropy: all elements of input should be between 0 and 1")
        return -(target * xp.maximum(xp.log(input), -100) + (1 - target) * xp.maximum(xp.log1p(-input), -100))

    @staticmethod
    def _unweighted_derivatives(input, target, needs):
        d_input = (input - target) / ((1 - input) * input).clamp_min(1e-12)
        # torch's target gradient leaves the logs unclamped: infinite where the input is 0 or 1
        return d_input, ((-input).log1p() - input.log() if needs[1] else None)


class BinaryCrossEntropyWithLogits(_WeightedPointwiseLoss):
    """(1 - t) x + (1 + (p - 1) t) softplus(-x), with softplus(-x) = max(-x, 0) + log1p(exp(-|x|)) stable for
    any x; p is pos_weight."""

    _node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def _unweighted_loss(xp, input, target, pos_weight):
        softplus_neg = xp.maximum(-input, 0) + xp.log1p(xp.exp(-xp.abs(input)))
        if pos_weight is not None:
            softplus_neg = softplus_neg * (1 + (pos_weight - 1) * target)
        return (1 - target) * input + softplus_neg

    @staticmethod
    def _unweighted_derivatives(input, target, needs, pos_weight):
        if pos_weight is None:
            return input.sigmoid() - target, (-input if needs[1] else None)
        d_input = (1 + (pos_weight - 1) * target) * input.sigmoid() - pos_weight * target
        return d_input, ((input + (pos_weight - 1) * _log_sigmoid(input)).neg() if needs[1] else None)


def _log_sigmoid(x):
    return -((-x).clamp_min(0) + (-x.abs()).exp().log1p())


# ---- cross entropy and nll over class indices ----
def class_axis(input):
    """Classes lie along dim 1 of a batch (N, C, d1, ...) and along dim 0 of one unbatched sample (C,)."""
    return 0 if input.ndim == 1 else 1


def check_class_target(name, input, target, weight, ignore_index):
    """torch's errors for class-index targets that don't fit the input, with the loss's name in front."""
    if input.ndim == 0:
        raise ValueError(f"{name}: Expected 1 or more dimensions (got 0)")
    if target.dtype.name not in ("int64", "uint8"):
        raise RuntimeError(f"{name}: expected target dtype to be Long or Byte, but got "
                           f"{scalar_type_name(target.dtype)}")
    expected = input.shape[:1] + input.shape[2:] if input.ndim > 1 else ()
    if input.ndim <= 2 and target.ndim != input.ndim - 1:
        raise RuntimeError(f"{name}: 0D or 1D target tensor expected, multi-target not supported "
                           f"(got a {target.ndim}D target for a {input.ndim}D input)")
    if input.ndim > 1 and target.shape[:1] != input.shape[:1]:
        raise ValueError(f"{name}: Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target.shape[0] if target.ndim else 0}).")
    if target.shape != expected:
        raise RuntimeError(f"{name}: Expected target size {list(expected)}, got {list(target.shape)}")
    classes = input.shape[class_axis(input)]
    if weight is not None and weight.size != classes:
        raise RuntimeError(f"{name}: weight tensor should be defined either for all {classes} classes or no classes "
                           f"but got weight tensor of shape: {list(weight.shape)}")
    bad = (target != ignore_index) & ((target < 0) | (target >= classes))
    if bad.any():
        raise IndexError(f"{name}: Target {target[bad].flat[0]} is out of bounds (expected class indices in "
                         f"[0, {classes}) or ignore_index {ignore_index}).")


class NllLoss(Op):
    """-log p at each target class, times the class weight, then reduced; with label smoothing, plus
    label_smoothing / C times the weighted sum of -log p over all classes.

    For 'mean' the per-element coefficients are divided up front by the summed weight of the non-ignored
    targets (torch's denominator), so the reduction is always a sum. NllLoss reads log p from its input.
    """

    _node_name = "NllLossBackward0"
    _num_inputs = 1
    _name = "nll_loss"

    @classmethod
    def forward(cls, ctx, input, target, weight, ignore_index, reduction, label_smoothing=0.0):
        check_class_target(cls._name, input, target, weight, ignore_index)
        xp = xp_of(input)
        axis = class_axis(input)
        kept = target != ignore_index
        safe_target = xp.expand_dims(xp.where(kept, target, 0), axis)
        is_target = _one_hot(xp, safe_target, input, axis) if ctx.needs_input_grad else None
        weight = None if weight is None else weight.astype(input.dtype, copy=False)
        class_weights = None if weight is None else _along(weight, input.ndim, axis)
        target_weights = kept.astype(input.dtype) if weight is None else weight[safe_target.squeeze(axis)] * kept
        on_target = (1 - label_smoothing) * target_weights
        on_every_class = (label_smoothing / input.shape[axis]) * kept.astype(input.dtype)
        if reduction == "mean":
            total = target_weights.sum(dtype=input.dtype)
            on_target, on_every_class = on_target / total, on_every_class / total
        base, offset = cls._log_softmax_parts(xp, input, axis)
        loss = -on_target * (xp.take_along_axis(base, safe_target, axis).squeeze(axis) - offset)
        if label_smoothing:
            weighted = base if class_weights is None else base * class_weights
            every_weight = input.shape[axis] if weight is None else class_weights.sum(dtype=input.dtype)
            loss = loss - on_every_class * (weighted.sum(axis) - offset * every_weight)
        ctx.save_for_backward(input, is_target, on_target, on_every_class if label_smoothing else None,
                              class_weights)
        ctx.reduction = reduction
        return loss if reduction == "none" else xp.asarray(loss.sum())

    @staticmethod
    def _log_softmax_parts(xp, input, axis):
        """log p as ``base - offset``; the input itself holds log p here."""
        return input, 0

    @classmethod
    def backward(cls, ctx, grad):
        input, is_target, on_target, on_every_class, class_weights = ctx.saved_tensors
        axis = class_axis(input)
        on_target = (grad * on_target).unsqueeze(axis)
        coefficients = is_target * on_target  # of -log p, per class
        total = on_target
        if on_every_class is not None:
            spread = (grad * on_every_class).unsqueeze(axis)
            spread = spread.expand(input.shape) if class_weights is None else spread * class_weights
            coefficients = coefficients + spread
            total = total + spread.sum(axis, keepdim=True)
        return cls._input_grad(input, axis, coefficients, total)

    @staticmethod
    def _input_grad(input, axis, coefficients, total):
        return -coefficients


def _one_hot(xp, safe_target, input, axis):
    """The target classes as a 0/1 mask over the input, in its dtype."""
    return (_along(xp.arange(input.shape[axis]), input.ndim, axis) == safe_target).astype(input.dtype)


def _along(vector, ndim, axis):
    """A per-class vector shaped to broadcast along ``axis`` of an ndim-array."""
    return vector.reshape([vector.size if d == axis else 1 for d in range(ndim)])


class CrossEntropy(NllLoss):
    """log_softmax and nll in one op: the gradient is softmax times the total coefficient minus the
    coefficients, and log-probabilities are never stored."""

    _node_name = "NllLossBackward0"
    _name = "cross_entropy"

    @staticmethod
    def _log_softmax_parts(xp, input, axis):
        shifted = input - input.max(axis=axis, keepdims=True)
        return shifted, xp.log(xp.exp(shifted).sum(axis=axis))

    @staticmethod
    def _input_grad(input, axis, coefficients, total):
        return input.softmax(axis) * total - coefficients


class SmoothedCrossEntropy(CrossEntropy):
    _node_name = "AddBackward0"  # torch adds the nll and the smoothing terms last, so its result node is an add


# ---- connectionist temporal classification ----
class CtcLoss(Op):
    """Per-sample -log p(target | log_probs) summed over all alignments, for log_probs (T, N, C).

    The alpha recursion runs in log space over the extended target (a blank before, between and after the
    labels), vectorised over the batch and the label positions; only the time steps loop. The gradient comes
    from the beta recursion in torch's form exp(lp) - exp(log(alpha * beta) + nll - lp), which is the gradient
    with respect to the logits when log_probs is a log_softmax output, as torch's is.
    """

    _node_name = "CtcLossBackward0"
    _num_inputs = 1

    @staticmethod
    def forward(ctx, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
        xp = xp_of(log_probs)
        input_lengths, target_lengths = xp.asarray(input_lengths), xp.asarray(target_lengths)
        _check_ctc_lengths(log_probs, targets, input_lengths, target_lengths)
        labels = _extended_labels(xp, targets, target_lengths, blank)
        skips = _skip_allowed(xp, labels, blank)
        batch = xp.arange(log_probs.shape[1])
        emit = log_probs[:, batch[:, None], labels]  # (T, N, L): log-probability of each extended label
        alpha = _alpha(xp, emit, skips)
        last = alpha[input_lengths - 1, batch]
        end = 2 * target_lengths
        nll = -xp.logaddexp(last[batch, end], xp.where(end > 0, last[batch, end - 1], -xp.inf))
        ctx.save_for_backward(log_probs)
        ctx.paths = (labels, skips, emit, alpha, nll, input_lengths, end, zero_infinity)
        return xp.where(nll == xp.inf, 0, nll) if zero_infinity else nll

    @staticmethod
    def backward(ctx, grad):
        from ..tensor import _wrap

        (log_probs,) = ctx.saved_tensors
        return grad.unsqueeze(-1) * _wrap(_ctc_slope(log_probs._array, *ctx.paths))


def _check_ctc_lengths(log_probs, targets, input_lengths, target_lengths):
    steps = log_probs.shape[0]
    if (input_lengths > steps).any():
        raise RuntimeError(f"ctc_loss: Expected input_lengths to have value at most {steps}, but got value "
                           f"{input_lengths.max()}")
    if targets.ndim == 2 and (target_lengths > targets.shape[1]).any():
        raise RuntimeError(f"ctc_loss: Expected tensor to have size at least {target_lengths.max()} at dimension 1, "
                           f"but got size {targets.shape[1]} for argument #2 'targets'")
    if targets.ndim == 1 and target_lengths.sum() > targets.shape[0]:
        raise RuntimeError(f"ctc_loss: concatenated targets hold {targets.shape[0]} labels but target_lengths add "
                           f"up to {target_lengths.sum()}")


def _extended_labels(xp, targets, target_lengths, blank):
    """(N, 2 * max_length + 1) labels: blank, l1, blank, l2, ..., blank, padded with blanks past each target."""
    longest = int(target_lengths.max()) if target_lengths.size else 0
    position = xp.arange(longest)
    inside = position < target_lengths[:, None]
    if targets.ndim == 1:  # concatenated targets: each row reads from its own offset
        starts = xp.cumsum(target_lengths) - target_lengths
        padded = targets[xp.where(inside, starts[:, None] + position, 0)]
    else:
        padded = targets[:, :longest]
    labels = xp.full((target_lengths.shape[0], 2 * longest + 1), blank, dtype=xp.int64)
    labels[:, 1::2] = xp.where(inside, padded, blank)
    return labels


def _skip_allowed(xp, labels, blank):
    """Where a path may jump two positions to reach s: a label that differs from the label two positions back."""
    skips = xp.zeros(labels.shape, dtype=bool)
    skips[:, 2:] = (labels[:, 2:] != blank) & (labels[:, 2:] != labels[:, :-2])
    return skips


def _logsumexp3(xp, a, b, c):
    top = xp.maximum(xp.maximum(a, b), c)
    top = xp.where(top == -xp.inf, 0, top)
    return top + xp.log(xp.exp(a - top) + xp.exp(b - top) + xp.exp(c - top))


def _shifted(xp, values, by):
    """values moved ``by`` positions along the last axis (up if positive), filling with -inf."""
    out = xp.full_like(values, -xp.inf)
    if by > 0:
        out[:, by:] = values[:, :-by]
    else:
        out[:, :by] = values[:, -by:]
    return out


def _alpha(xp, emit, skips):
    """log alpha[t, n, s]: the log-probability of the paths through time t that end at extended position s."""
    alpha = xp.full_like(emit, -xp.inf)
    alpha[0, :, :2] = emit[0, :, :2]
    for t in range(1, emit.shape[0]):
        prev = alpha[t - 1]
        jump = xp.where(skips, _shifted(xp, prev, 2), -xp.inf)
        alpha[t] = _logsumexp3(xp, prev, _shifted(xp, prev, 1), jump) + emit[t]
    return alpha


def _beta(xp, emit, skips, input_lengths, end):
    """log beta[t, n, s]: the log-probability of the paths from extended position s at time t to the end."""
    beta = xp.full_like(emit, -xp.inf)
    batch = xp.arange(emit.shape[1])
    start = xp.full_like(emit[0], -xp.inf)
    start[batch, end] = 0
    labelled = end > 0
    start[batch[labelled], end[labelled] - 1] = 0
    after = xp.full_like(emit[0], -xp.inf)
    for t in range(emit.shape[0] - 1, -1, -1):
        jump = _shifted(xp, xp.where(skips, after, -xp.inf), -2)
        step = _logsumexp3(xp, after, _shifted(xp, after, -1), jump)
        step = xp.where((input_lengths - 1 == t)[:, None], start, step)
        beta[t] = xp.where((input_lengths > t)[:, None], step + emit[t], -xp.inf)
        after = beta[t]
    return beta


def _ctc_slope(log_probs, labels, skips, emit, alpha, nll, input_lengths, end, zero_infinity):
    """d nll / d log_probs in torch's form, (T, N, C); zero past each input's length and for zeroed infinities."""
    xp = xp_of(log_probs)
    both = alpha + _beta(xp, emit, skips, input_lengths, end)
    top = both.max(axis=2, keepdims=True)
    top = xp.where(top == -xp.inf, 0, top)
    one_hot = (labels[:, :, None] == xp.arange(log_probs.shape[2])).astype(both.dtype)
    # per class c: log of the summed alpha * beta over the extended positions holding label c
    summed = xp.log(xp.matmul(xp.exp(both - top).transpose(1, 0, 2), one_hot).transpose(1, 0, 2)) + top
    slope = xp.exp(log_probs) - xp.exp(summed + nll[:, None] - log_probs)
    inside = xp.arange(log_probs.shape[0])[:, None] < input_lengths
    keep = inside & ~(zero_infinity & (nll == xp.inf))
    return xp.where(keep[:, :, None], slope, 0)
